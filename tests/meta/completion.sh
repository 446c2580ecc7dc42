#!/usr/bin/env bash
# Bash completion (completions/endorse.bash) run as bash runs it: a
# non-interactive bash sources the file, sets COMP_WORDS and COMP_CWORD as
# readline would for the line typed, calls the function complete -p names,
# and COMPREPLY must hold the expected words. Usage: completion.sh SOURCE_ROOT
set -u
file=$(cd "$1" && pwd)/completions/endorse.bash
[ -r "$file" ] || { echo "no $file"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/example.org.key" "$tmp/example.org.vkey" "$tmp/notes.txt"
failed=0

# complete LINE...: the words of a command line, the last one being
# completed; prints COMPREPLY one word a line
complete_words() {
	(cd "$tmp" && bash --norc --noprofile -c '
		source "$1" || exit 2
		shift
		fn=$(complete -p endorse | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		[ -n "$fn" ] || { echo "complete -p endorse names no function" >&2; exit 2; }
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		"$fn" endorse "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$file" "$@")
}

# offers yes|no WORD LINE...: whether completing LINE offers WORD
offers() {
	local want=$1 word=$2 got has=no
	shift 2
	got=$(complete_words "$@") || { echo "FAIL: '$*': the completion did not run"; failed=1; return; }
	grep -qxF -- "$word" <<<"$got" && has=yes
	if [ "$has" = "$want" ]; then
		echo "ok: '$*' offers $word: $want"
	else
		echo "FAIL: '$*' offers [$(tr '\n' ' ' <<<"$got")]: $word expected $want"
		failed=1
	fi
}
expect() { offers yes "$@"; }
refuse() { offers no "$@"; }

expect sign endorse si
refuse verify endorse si
expect verify-proof endorse verify-
expect verify endorse -C . ver
expect example.org.key endorse -C . sign --key ex
expect --key endorse sign --k
expect --reaffirm endorse sign --re
expect --allow-pending endorse verify --al
expect example.org.key endorse sign --key ''
refuse example.org.vkey endorse sign --key ''
refuse notes.txt endorse sign --key ''
expect github endorse verify --format g
expect jekyll endorse audit --format j
expect add-witness endorse policy a
expect check endorse domain c
expect request endorse witness r
expect serve endorse witness s
exit $failed
