// crosscheck: the other side of endorse's cross-check against Go's
// golang.org/x/mod/sumdb/note and sumdb/tlog (Debian's golang-golang-x-mod-dev),
// an implementation of signed notes and RFC 6962 trees independent of endorse.
// Lines are read from standard input; a leaf is a line without its newline.
//
//	crosscheck tree-root                      < lines
//	crosscheck prove-inclusion INDEX          < lines
//	crosscheck prove-consistency OLD-SIZE     < lines
//	crosscheck check-inclusion INDEX SIZE ROOT LEAF-FILE < proof
//	crosscheck check-consistency OLD-SIZE OLD-ROOT SIZE ROOT < proof
//	crosscheck note-sign PRIVATE-KEY          < text
//	crosscheck note-verify VKEY               < note
//	crosscheck checkpoint VKEY                < note   (prints "ORIGIN SIZE ROOT")
//	crosscheck tlog-proof VKEY LEAF-FILE      < proof  (checks a C2SP tlog-proof)
//	crosscheck tiles VKEY DIR                 (checks C2SP tlog-tiles: every entry
//	                                           proved from the tiles by tlog's
//	                                           TileHashReader; prints the count)
//
// Exit status: 0 valid or done, 1 invalid, 2 usage or I/O error.
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(code int, format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "crosscheck: "+format+"\n", args...)
	os.Exit(code)
}

func stdin() []byte {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(2, "reading standard input: %v", err)
	}
	return data
}

func number(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		fail(2, "not a number: %q", s)
	}
	return n
}

func hash(s string) tlog.Hash {
	h, err := tlog.ParseHash(s)
	if err != nil {
		fail(2, "not a base64 hash: %q", s)
	}
	return h
}

// leaves splits standard input into lines, each of which must end with a newline.
func leaves(data []byte) [][]byte {
	if len(data) > 0 && data[len(data)-1] != '\n' {
		fail(2, "standard input does not end with a newline")
	}
	lines := bytes.Split(data, []byte("\n"))
	return lines[:len(lines)-1]
}

// tree computes the stored hashes of all the lines, as a tlog server would.
func tree(records [][]byte) tlog.HashReaderFunc {
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = stored[x]
		}
		return out, nil
	})
	for n, r := range records {
		hashes, err := tlog.StoredHashes(int64(n), r, reader)
		if err != nil {
			fail(2, "stored hashes: %v", err)
		}
		stored = append(stored, hashes...)
	}
	return reader
}

func proofLines(data []byte) []tlog.Hash {
	var out []tlog.Hash
	for _, l := range leaves(data) {
		out = append(out, hash(string(l)))
	}
	return out
}

func leafFile(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		fail(2, "%v", err)
	}
	return bytes.TrimSuffix(data, []byte("\n"))
}

func printHashes(hs []tlog.Hash) {
	for _, h := range hs {
		fmt.Println(h.String())
	}
}

func verifier(vkey string) note.Verifiers {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		fail(2, "vkey: %v", err)
	}
	return note.VerifierList(v)
}

// checkpoint opens a checkpoint note and returns its origin, size and root.
func checkpoint(msg []byte, vkey string) (string, int64, tlog.Hash) {
	n, err := note.Open(msg, verifier(vkey))
	if err != nil {
		fail(1, "note: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) != 4 || lines[3] != "" {
		fail(1, "not a checkpoint of three lines: %q", n.Text)
	}
	return lines[0], number(lines[1]), hash(lines[2])
}

// tileDir reads C2SP tlog-tiles from a directory for tlog's TileHashReader:
// tlog's own tile paths (tile/8/L/N, tile/8/data/N) without the height,
// which C2SP leaves out (tile/L/N, tile/entries/N).
type tileDir string

func (d tileDir) Height() int { return 8 }

func (d tileDir) path(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), "tile/8/")
	p = strings.Replace(p, "data/", "entries/", 1)
	return filepath.Join(string(d), "tile", p)
}

func (d tileDir) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := os.ReadFile(d.path(t))
		if err != nil {
			return nil, err
		}
		data[i] = b
	}
	return data, nil
}

func (d tileDir) SaveTiles([]tlog.Tile, [][]byte) {}

// checkTiles proves every entry of the entry bundles into the checkpoint's
// tree with tlog's TileHashReader, which checks each tile it reads against
// the tree's root.
func checkTiles(vkey, dir string) int64 {
	text, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		fail(2, "%v", err)
	}
	_, size, root := checkpoint(text, vkey)
	d := tileDir(dir)
	hashes := tlog.TileHashReader(tlog.Tree{N: size, Hash: root}, d)
	for n := int64(0); n*256 < size; n++ {
		w := size - n*256
		if w > 256 {
			w = 256
		}
		bundle, err := os.ReadFile(d.path(tlog.Tile{H: 8, L: -1, N: n, W: int(w)}))
		if err != nil {
			fail(1, "%v", err)
		}
		for j := int64(0); j < w; j++ {
			if len(bundle) < 2 || len(bundle) < 2+int(bundle[0])<<8|int(bundle[1]) {
				fail(1, "entry bundle %d ends early", n)
			}
			l := int(bundle[0])<<8 | int(bundle[1])
			entry, index := bundle[2:2+l], n*256+j
			bundle = bundle[2+l:]
			p, err := tlog.ProveRecord(size, index, hashes)
			if err != nil {
				fail(1, "entry %d: %v", index, err)
			}
			if err := tlog.CheckRecord(p, size, root, index, tlog.RecordHash(entry)); err != nil {
				fail(1, "entry %d: %v", index, err)
			}
		}
		if len(bundle) != 0 {
			fail(1, "entry bundle %d has bytes after its %d entries", n, w)
		}
	}
	return size
}

func main() {
	if len(os.Args) < 2 {
		fail(2, "usage: see the comment at the top of crosscheck.go")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "tree-root":
		records := leaves(stdin())
		h, err := tlog.TreeHash(int64(len(records)), tree(records))
		if err != nil {
			fail(2, "%v", err)
		}
		fmt.Println(h.String())
	case "prove-inclusion":
		records := leaves(stdin())
		p, err := tlog.ProveRecord(int64(len(records)), number(args[0]), tree(records))
		if err != nil {
			fail(2, "%v", err)
		}
		printHashes(p)
	case "prove-consistency":
		records := leaves(stdin())
		p, err := tlog.ProveTree(int64(len(records)), number(args[0]), tree(records))
		if err != nil {
			fail(2, "%v", err)
		}
		printHashes(p)
	case "check-inclusion":
		err := tlog.CheckRecord(proofLines(stdin()), number(args[1]), hash(args[2]),
			number(args[0]), tlog.RecordHash(leafFile(args[3])))
		if err != nil {
			fail(1, "%v", err)
		}
	case "check-consistency":
		err := tlog.CheckTree(proofLines(stdin()), number(args[2]), hash(args[3]),
			number(args[0]), hash(args[1]))
		if err != nil {
			fail(1, "%v", err)
		}
	case "note-sign":
		s, err := note.NewSigner(args[0])
		if err != nil {
			fail(2, "signer: %v", err)
		}
		msg, err := note.Sign(&note.Note{Text: string(stdin())}, s)
		if err != nil {
			fail(2, "%v", err)
		}
		os.Stdout.Write(msg)
	case "note-verify":
		n, err := note.Open(stdin(), verifier(args[0]))
		if err != nil {
			fail(1, "%v", err)
		}
		fmt.Print(n.Text)
	case "checkpoint":
		origin, size, root := checkpoint(stdin(), args[0])
		fmt.Printf("%s %d %s\n", origin, size, root.String())
	case "tlog-proof":
		// c2sp.org/tlog-proof@v1, [extra], index N, hashes, blank line, checkpoint
		text := string(stdin())
		head, cp, found := strings.Cut(text, "\n\n")
		lines := strings.Split(head, "\n")
		if !found || lines[0] != "c2sp.org/tlog-proof@v1" {
			fail(1, "not a tlog-proof")
		}
		lines = lines[1:]
		if len(lines) > 0 && strings.HasPrefix(lines[0], "extra ") {
			if _, err := base64.StdEncoding.DecodeString(lines[0][6:]); err != nil {
				fail(1, "extra: %v", err)
			}
			lines = lines[1:]
		}
		if len(lines) == 0 || !strings.HasPrefix(lines[0], "index ") {
			fail(1, "no index line")
		}
		index := number(lines[0][6:])
		var p tlog.RecordProof
		for _, l := range lines[1:] {
			p = append(p, hash(l))
		}
		_, size, root := checkpoint([]byte(cp), args[0])
		if err := tlog.CheckRecord(p, size, root, index, tlog.RecordHash(leafFile(args[1]))); err != nil {
			fail(1, "%v", err)
		}
		fmt.Printf("entry %d is in the checkpoint of %d entries\n", index, size)
	case "tiles":
		fmt.Printf("%d entries proved from the tiles\n", checkTiles(args[0], args[1]))
	default:
		fail(2, "unknown command %q", os.Args[1])
	}
}
