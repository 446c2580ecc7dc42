#!/usr/bin/env bash
# What `meson install` puts in place, installed into a temporary DESTDIR
# from the test's own build directory: exactly the binary, the man pages
# (when scdoc was found), the three shell completions and the documents;
# no library, header or pkg-config file (docs/design.md, Choices).
# Usage: install.sh BUILD PREFIX BINDIR DATADIR MANDIR SCDOC_FOUND
set -u
build=$1 prefix=$2 bindir=$3 datadir=$4 mandir=$5 scdoc=$6
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/log" 2>&1; then
	echo "meson install failed:"
	cat "$tmp/log"
	exit 1
fi

{
	echo "$bindir/endorse"
	if [ "$scdoc" = true ]; then
		for page in endorse endorse-keygen endorse-key endorse-init endorse-document \
			endorse-sign endorse-withdraw endorse-rotate endorse-revoke endorse-rechain \
			endorse-verify endorse-audit endorse-domain endorse-confirm endorse-policy \
			endorse-checkpoint endorse-cosign endorse-witness endorse-prove endorse-verify-proof endorse-tiles \
			endorse-note endorse-tree; do
			echo "$mandir/man1/$page.1"
		done
		echo "$mandir/man5/endorse-formats.5"
	fi
	echo "$datadir/bash-completion/completions/endorse"
	echo "$datadir/zsh/vendor-completions/_endorse"
	echo "$datadir/fish/vendor_completions.d/endorse.fish"
	echo "$datadir/doc/endorse/LICENSE"
	echo "$datadir/doc/endorse/README.md"
	echo "$datadir/doc/endorse/SECURITY.md"
} | LC_ALL=C sort >"$tmp/expected"

root="$tmp/root$prefix"
(cd "$root" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort) >"$tmp/installed"
if ! diff -u "$tmp/expected" "$tmp/installed"; then
	echo "meson install installs other files than expected (- expected, + installed)"
	exit 1
fi
if ! "$root/$bindir/endorse" --version >/dev/null; then
	echo "the installed endorse does not run"
	exit 1
fi
if [ "$scdoc" = true ] && command -v man >/dev/null; then
	MANWIDTH=80 man -l "$root/$mandir/man1/endorse-sign.1" 2>/dev/null | grep -q -- '--reaffirm' || {
		echo "man -l endorse-sign.1 does not show --reaffirm"
		exit 1
	}
fi
echo "installed under $prefix: $(wc -l <"$tmp/installed") files, as expected"
sed 's/^/  /' "$tmp/installed"
