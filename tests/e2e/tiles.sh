#!/usr/bin/env bash
# End-to-end cases of endorse tiles (C2SP tlog-tiles): logs of the sizes
# where tiles begin and end, read back by an independent reader
# (tiles_read.py); a log that grew writes only new tiles; and every check
# that stops the run (exit 1 or 2, the checkpoint in the directory left as
# it was).
#
# usage: tiles.sh CASE   (ENDORSE = the endorse binary, GENLOG = bench/genlog)
set -euo pipefail

CASE=${1:?usage: tiles.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
GENLOG=${GENLOG:-$(dirname "$FIXTURE")/genlog}
[ -x "$GENLOG" ] || skip "no genlog at $GENLOG (bench/genlog.c, built beside endorse)"
command -v "$PY" >/dev/null || skip "python3 is needed to read the tiles back"
OUT="$T/site/log"

# genlog_of DIR N [ORGS]: a valid log of N entries with its checkpoint
# (genlog's lines depend only on N's prefix and ORGS).
genlog_of() {
	"$GENLOG" "$1" "$2" "${3:-40}" >/dev/null || die "genlog $2 failed"
}

# read_back DIR LOG: the independent reader accepts the tiles.
read_back() {
	"$PY" "$HERE/tiles_read.py" "$1" "$2" || die "the tiles of $2 do not read back"
}

# sized N: the tiles of a log of N entries, written and read back.
sized() {
	genlog_of "$R" "$1"
	expect_rc 0 -C "$R" tiles --out "$OUT"
	out_has "wrote the tiles of the checkpoint's $1 entr"
	read_back "$OUT" "$LOG"
	cmp -s "$OUT/checkpoint" "$R/log/checkpoint" || die "the checkpoint is not the log's"
}

# inode_of FILE: its inode and modification time (a rewrite changes them).
inode_of() {
	stat -c '%i %Y.%y' "$1"
}

case "$CASE" in
size-1)
	sized 1
	;;
size-255)
	sized 255
	;;
size-256)
	sized 256
	[ -f "$OUT/tile/0/000" ] && [ -f "$OUT/tile/1/000.p/1" ] || die "256 entries: not a full level 0 tile and a level 1 tile of 1"
	;;
size-257)
	sized 257
	;;
size-65536)
	sized 65536
	[ -f "$OUT/tile/1/000" ] && [ -f "$OUT/tile/2/000.p/1" ] || die "65,536 entries: no full level 1 tile and level 2 tile of 1"
	;;
size-random)
	n=$((258 + RANDOM % 4000))
	echo "a log of $n entries"
	sized "$n"
	;;
grow)
	# 300 entries, then the same log grown to 600: the full tiles of 300 are
	# kept as they were (same inode and time), only new ones are written,
	# and the partial tiles of 300 still serve its checkpoint.
	sized 300
	cp "$OUT/checkpoint" "$T/checkpoint-300"
	before=$(inode_of "$OUT/tile/0/000")/$(inode_of "$OUT/tile/entries/000")
	sleep 1
	rm -rf "$R" && mkdir "$R"
	sized 600
	out_has ": 6 files written, 2 tiles already in place"
	[ "$(inode_of "$OUT/tile/0/000")/$(inode_of "$OUT/tile/entries/000")" = "$before" ] ||
		die "a full tile was written again"
	mkdir "$T/old" && cp -r "$OUT/tile" "$T/old/" && cp "$T/checkpoint-300" "$T/old/checkpoint"
	read_back "$T/old" "$LOG"
	expect_rc 0 -C "$R" tiles --out "$OUT"
	out_has ": 1 file written, 7 tiles already in place"
	;;
another-log)
	# A directory holding another log's tiles: nothing replaced, exit 1.
	sized 300
	cp "$OUT/checkpoint" "$T/checkpoint-before"
	rm -rf "$R" && mkdir "$R"
	genlog_of "$R" 600 41
	expect_rc 1 -C "$R" tiles --out "$OUT"
	err_has "holds other bytes than this log's"
	cmp -s "$OUT/checkpoint" "$T/checkpoint-before" || die "the checkpoint was replaced"
	;;
tile-tampered)
	# A tile in place whose bytes were changed: refused, exit 1.
	sized 300
	printf 'x' | dd of="$OUT/tile/0/001.p/44" bs=1 seek=5 conv=notrunc status=none
	expect_rc 1 -C "$R" tiles --out "$OUT"
	err_has "tile/0/001.p/44 holds other bytes"
	;;
no-checkpoint)
	genlog_of "$R" 10
	rm "$R/log/checkpoint"
	expect_rc 2 -C "$R" tiles --out "$OUT"
	err_has "no checkpoint yet"
	[ ! -e "$OUT" ] || die "tiles were written without a checkpoint"
	;;
checkpoint-other-key)
	# A checkpoint signed by another key than keys/policy's: exit 1.
	genlog_of "$R" 10
	keygen other example.org/bench
	sed -n '1,3p' "$R/log/checkpoint" >"$T/body"
	fixture note sign --key "$K/other.key" <"$T/body"
	cp "$T/ok.out" "$R/log/checkpoint"
	expect_rc 1 -C "$R" tiles --out "$OUT"
	[ ! -e "$OUT" ] || die "tiles were written for a checkpoint the log key did not sign"
	;;
lines-not-checkpoint)
	# The log's lines are not the tree the checkpoint signs: exit 1, nothing written.
	genlog_of "$R" 10
	sed -i '3s/org1/orgX/' "$LOG"
	expect_rc 1 -C "$R" tiles --out "$OUT"
	err_has "are not the tree log/checkpoint signs"
	[ ! -e "$OUT" ] || die "tiles were written for lines the checkpoint does not sign"
	;;
fewer-lines)
	genlog_of "$R" 10
	sed -i '6,$d' "$LOG"
	expect_rc 1 -C "$R" tiles --out "$OUT"
	err_has "are not the tree log/checkpoint signs"
	;;
beyond-checkpoint)
	# Lines after the checkpoint wait for the next one: tiles of its size.
	genlog_of "$R" 300
	cp "$R/log/checkpoint" "$T/cp"
	genlog_of "$T/more" 310
	cp "$T/more/log/endorsements.jsonl" "$LOG"
	expect_rc 0 -C "$R" tiles --out "$OUT"
	out_has "the checkpoint's 300 entries"
	[ -f "$OUT/tile/0/001.p/44" ] && [ ! -e "$OUT/tile/0/001.p/54" ] || die "tiles beyond the checkpoint"
	;;
line-too-long)
	# A line longer than an entry bundle can hold (SPEC.md 1.1's 65,535
	# bytes), under a checkpoint the log key signed: exit 1, nothing written.
	make_docs
	keygen log "$ORIGIN"
	fixture init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E" \
		--url https://example.org/e2e --no-workflow
	"$PY" -c 'print("x" * 70000)' >>"$LOG"
	printf '%s\n2\n%s\n' "$ORIGIN" "$("$FIXTURE" tree root <"$LOG")" >"$T/body"
	fixture note sign --key "$K/log.key" <"$T/body"
	cp "$T/ok.out" "$R/log/checkpoint"
	expect_rc 1 -C "$R" tiles --out "$OUT"
	err_has "line 2 of the log is longer than 65535 bytes"
	[ ! -e "$OUT" ] || die "tiles were written for a line no bundle can hold"
	;;
out-symlink)
	# The output directory, or a directory inside it, as a symbolic link: refused.
	genlog_of "$R" 10
	mkdir -p "$T/elsewhere" "$T/site"
	ln -s "$T/elsewhere" "$OUT"
	expect_rc 2 -C "$R" tiles --out "$OUT"
	[ -z "$(ls -A "$T/elsewhere")" ] || die "tiles were written through a symbolic link"
	rm "$OUT" && mkdir -p "$OUT" && ln -s "$T/elsewhere" "$OUT/tile"
	expect_rc 2 -C "$R" tiles --out "$OUT"
	[ -z "$(ls -A "$T/elsewhere")" ] || die "tiles were written through a linked tile/"
	;;
usage)
	genlog_of "$R" 10
	expect_rc 2 -C "$R" tiles
	expect_rc 2 -C "$R" tiles --out "$OUT" extra
	expect_rc 0 tiles --help
	out_has "tile/entries/N"
	;;
*)
	die "unknown case $CASE"
	;;
esac
echo "ok [$CASE]"
