#!/bin/sh
# seeds.sh OUT MKSEEDS: fills OUT/<target>/ with seed inputs for every fuzz
# target. MKSEEDS (built in BUILD/fuzz/mkseeds) writes inputs signed by the
# targets' fixed keys, which reach deep into the checks; the rest are the
# repository's own logs and keys, tests/audit/example-log, and, when they
# exist, ../shared/vectors and ../shared/corpora (JSON texts for the line
# parser), and fuzz/crashes-found/TARGET-* (inputs that once failed). OUT is
# made anew each time.
set -eu

[ $# -eq 2 ] || { echo "usage: $0 OUT MKSEEDS" >&2; exit 2; }
out=$1
mkseeds=$2
src=$(cd "$(dirname "$0")/.." && pwd)
shared=${ENDORSE_SHARED:-$src/../shared}

rm -rf "$out"
mkdir -p "$out"
"$mkseeds" "$out"
for t in entry replay note checkpoint proof policy vkey key domain add_checkpoint logs_list; do
	mkdir -p "$out/$t"
done

# A log repository: its log (whole, and line by line for the line parser),
# policy, pinned keys, the vkeys of its policy, and its checkpoint.
add_repo() {
	repo=$1 name=$2
	log=$repo/log/endorsements.jsonl
	if [ -f "$log" ]; then
		cp "$log" "$out/replay/$name"
		# lines without their LF, at most 64 of them
		awk -v dir="$out/entry" -v name="$name" 'NR <= 64 {
			f = dir "/" name "-line-" NR; printf "%s", $0 > f; close(f) }' "$log"
	fi
	if [ -f "$repo/keys/policy" ]; then
		cp "$repo/keys/policy" "$out/policy/$name"
		awk -v dir="$out/vkey" -v name="$name" '$1 == "log" || $1 == "witness" {
			f = dir "/" name "-policy-" NR; printf "%s", ($1 == "log" ? $2 : $3) > f; close(f) }' \
			"$repo/keys/policy"
	fi
	for v in "$repo"/keys/orgs/*.vkey; do
		[ -f "$v" ] || continue
		head -n 1 "$v" | tr -d '\n' >"$out/vkey/$name-$(basename "$v" .vkey)"
		# what its domain would publish: a well-known file with a comment
		# and CRLF, and TXT records (0xff separates them for the target)
		{ printf '# keys\r\n\n'; head -n 1 "$v"; } >"$out/domain/$name-$(basename "$v" .vkey)"
		{ printf 'v=spf1 -all\377endorse-vkey='; head -n 1 "$v" | tr -d '\n'; } \
			>"$out/domain/$name-txt-$(basename "$v" .vkey)"
	done
	if [ -f "$repo/log/checkpoint" ]; then
		cp "$repo/log/checkpoint" "$out/note/$name-checkpoint"
		cp "$repo/log/checkpoint" "$out/checkpoint/$name-checkpoint"
		# a witness asked to cosign it: first, then from a size before
		{ printf 'old 0\n\n'; cat "$repo/log/checkpoint"; } >"$out/add_checkpoint/$name-first"
		{ printf 'old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n\n'
			cat "$repo/log/checkpoint"; } >"$out/add_checkpoint/$name-proof"
	fi
	if [ -f "$repo/keys/policy" ]; then
		# a witness's list of logs holding this log's key
		awk '$1 == "log" { printf "# %s\nlogs/v0\n\nvkey %s\norigin none\nqpd 24\n", FILENAME, $2
			printf "bastion none\ncontact ops (at) example.org\n" }' \
			"$repo/keys/policy" >"$out/logs_list/$name"
	fi
}

add_repo "$src" repo
add_repo "$src/tests/audit/example-log" example-log
for v in valid-log valid-log-rich valid-log-confirm; do
	[ -d "$shared/vectors/$v" ] && add_repo "$shared/vectors/$v" "vectors-$v"
done
if [ -d "$shared/vectors/note" ]; then
	[ -f "$shared/vectors/note/signed.note" ] && cp "$shared/vectors/note/signed.note" "$out/note/vectors-signed"
	[ -f "$shared/vectors/note/signer.vkey" ] &&
		head -n 1 "$shared/vectors/note/signer.vkey" | tr -d '\n' >"$out/vkey/vectors-signer"
fi

# JSONTestSuite: texts every JSON parser must accept or refuse. The huge
# nesting cases are left out: they would only raise libFuzzer's input size.
json=$shared/corpora/JSONTestSuite/test_parsing
if [ -d "$json" ]; then
	for f in "$json"/*.json; do
		[ -f "$f" ] || continue
		[ "$(wc -c <"$f")" -le 16384 ] || continue
		cp "$f" "$out/entry/json-$(basename "$f" .json)"
	done
fi

for f in "$src"/fuzz/crashes-found/*; do
	[ -f "$f" ] || continue
	t=${f##*/}
	t=${t%%-*}
	[ -d "$out/$t" ] && cp "$f" "$out/$t/found-${f##*/}"
done

for t in entry replay note checkpoint proof policy vkey key domain add_checkpoint logs_list; do
	printf '%s: %s seeds\n' "$t" "$(find "$out/$t" -type f | wc -l)"
done
