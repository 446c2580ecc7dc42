#!/usr/bin/env bash
# The Debian package as a user gets it (issue 18, item 2): run by .ci/deb
# against /usr/bin/endorse after `apt-get install ./endorse_*.deb`, and
# skipped (77) wherever the binary under test is not the package's.
#
#   version          endorse --version is the package's version
#   man              man finds endorse-sign(1) and shows its options
#   bash-completion  bash-completion's own loader finds the completion, and
#                    `endorse si<TAB>` offers sign
#   files            the package holds exactly the expected files
#
# usage: installed.sh CASE   (ENDORSE = the binary under test)
set -uo pipefail
CASE=${1:?usage: installed.sh CASE}
die() { echo "FAIL [$CASE]: $*" >&2; exit 1; }
[ "${ENDORSE:-}" = /usr/bin/endorse ] || { echo "SKIP [$CASE]: the binary under test is not /usr/bin/endorse (meson -Dendorse_under_test=/usr/bin/endorse, .ci/deb)"; exit 77; }
command -v dpkg-query >/dev/null && dpkg-query -W endorse >/dev/null 2>&1 ||
	{ echo "SKIP [$CASE]: the endorse package is not installed"; exit 77; }
[ "$(dpkg-query -S /usr/bin/endorse 2>/dev/null | cut -d: -f1)" = endorse ] ||
	die "/usr/bin/endorse does not belong to the endorse package"
version=$(dpkg-query -W -f='${Version}' endorse)

case "$CASE" in
version)
	got=$(/usr/bin/endorse --version) || die "endorse --version failed"
	[ "$got" = "endorse $version" ] || die "endorse --version says '$got', the package is $version"
	;;
man)
	command -v man >/dev/null || die "man is not installed (man-db)"
	[ "$(man -w endorse-sign)" = /usr/share/man/man1/endorse-sign.1.gz ] ||
		die "man -w endorse-sign: $(man -w endorse-sign 2>&1)"
	MANWIDTH=80 man endorse-sign 2>/dev/null | grep -q -- '--reaffirm' || die "man endorse-sign lacks --reaffirm"
	MANWIDTH=80 man 5 endorse-formats 2>/dev/null | grep -q 'endorse-key-reference-v1' ||
		die "man 5 endorse-formats lacks the key reference"
	;;
bash-completion)
	loader=/usr/share/bash-completion/bash_completion
	[ -r "$loader" ] || die "bash-completion is not installed"
	got=$(bash --norc --noprofile -c '
		source "$1" || exit 2
		_completion_loader endorse 2>/dev/null || __load_completion endorse || exit 2
		fn=$(complete -p endorse | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		[ -n "$fn" ] || exit 3
		COMP_WORDS=(endorse si); COMP_CWORD=1; COMP_LINE="endorse si"; COMP_POINT=10
		"$fn" endorse si endorse
		printf "%s\n" "${COMPREPLY[@]}"' bash "$loader") || die "the completion did not load ($?)"
	grep -qx sign <<<"$got" || die "endorse si<TAB> offers [$(tr '\n' ' ' <<<"$got")], not sign"
	! grep -qx verify <<<"$got" || die "endorse si<TAB> offers verify"
	;;
files)
	expected=$(
		echo /usr/bin/endorse
		for p in endorse endorse-audit endorse-checkpoint endorse-confirm endorse-cosign \
			endorse-document endorse-domain endorse-init endorse-key endorse-keygen endorse-note \
			endorse-policy endorse-prove endorse-rechain endorse-revoke endorse-rotate endorse-sign \
			endorse-tiles endorse-tree endorse-verify-proof endorse-verify endorse-withdraw endorse-witness; do
			echo "/usr/share/man/man1/$p.1.gz"
		done
		echo /usr/share/man/man5/endorse-formats.5.gz
		echo /usr/share/bash-completion/completions/endorse
		echo /usr/share/zsh/vendor-completions/_endorse
		echo /usr/share/fish/vendor_completions.d/endorse.fish
		echo /usr/share/doc/endorse/README.md.gz
		echo /usr/share/doc/endorse/SECURITY.md.gz
		echo /usr/share/doc/endorse/changelog.gz
		echo /usr/share/doc/endorse/copyright
	)
	got=$(dpkg -L endorse | while read -r f; do [ -d "$f" ] || echo "$f"; done | LC_ALL=C sort)
	diff -u <(LC_ALL=C sort <<<"$expected") <(echo "$got") || die "the package holds other files (- expected, + packaged)"
	;;
*)
	die "unknown case"
	;;
esac
echo "PASS [$CASE]"
