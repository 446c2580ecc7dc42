// witness: a third-party log for the tests of `endorse witness serve`
// (tests/e2e/witness_serve.sh), made with Go's golang.org/x/mod/sumdb/note
// and sumdb/tlog (Debian's golang-golang-x-mod-dev), independently of
// endorse: its own Ed25519 log key, leaves of random bytes, C2SP
// tlog-checkpoint notes, RFC 6962 consistency proofs computed by tlog, the
// C2SP tlog-witness request bodies; and the check of the witness's answers
// as a log would make it: a note.Verifier for C2SP cosignature/v1
// (written here from tlog-cosignature.md, which Go's note does not know).
//
// A log lives in a directory DIR: origin, skey, vkey (the log key), other.skey
// (another key of the same name, whose signatures the witness must refuse),
// leaves (one base64 leaf a line) and, if the test writes it, extensions
// (the extension lines of its checkpoints).
//
//	witness new DIR ORIGIN [KEY-NAME]      makes a log of no leaves (its key's
//	                                       name: ORIGIN unless given)
//	witness fork DIR NEWDIR                the same keys, none of the leaves
//	witness grow DIR K                     appends K leaves of random bytes
//	witness vkey DIR                       prints the log's vkey
//	witness logs-entry DIR                 prints its logs/v0 lines (vkey, origin)
//	witness checkpoint DIR N [other|broken] prints the signed checkpoint of the
//	                                       first N leaves (by other.skey: other;
//	                                       its signature changed: broken)
//	witness request DIR OLD N [other|broken] prints an add-checkpoint body: old OLD,
//	                                       the consistency proof OLD -> N, a blank
//	                                       line, the checkpoint of N
//	witness cosigned WVKEY DIR N ANSWER    checks a 200 answer: every line is a
//	                                       signature line; the checkpoint of N
//	                                       with the answer appended opens with
//	                                       the witness's verifier alone, and
//	                                       every line of the witness verifies;
//	                                       prints the cosignature's time
//	witness monitor WVKEY DIR N NOTE       checks a note the witness serves or
//	                                       keeps: the checkpoint of N signed by
//	                                       the log and cosigned by the witness
//
// Exit status: 0 valid or done, 1 invalid, 2 usage or I/O error.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(code int, format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "witness.go: "+format+"\n", args...)
	os.Exit(code)
}

func read(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		fail(2, "%v", err)
	}
	return data
}

func write(path string, data []byte) {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		fail(2, "%v", err)
	}
}

func number(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		fail(2, "not a number: %q", s)
	}
	return n
}

func field(dir, name string) string {
	return strings.TrimSuffix(string(read(filepath.Join(dir, name))), "\n")
}

// leaves reads the log's leaves, base64 lines.
func leaves(dir string) [][]byte {
	var out [][]byte
	for _, l := range strings.Split(string(read(filepath.Join(dir, "leaves"))), "\n") {
		if l == "" {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(l)
		if err != nil {
			fail(2, "leaves: %v", err)
		}
		out = append(out, b)
	}
	return out
}

// tree stores the hashes of the leaves as a tlog server does, and reads
// them back for tlog's proofs and roots.
func tree(records [][]byte) tlog.HashReaderFunc {
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x < 0 || x >= int64(len(stored)) {
				return nil, fmt.Errorf("no stored hash %d", x)
			}
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

func sizeOf(dir string, n int64) ([][]byte, tlog.HashReaderFunc) {
	all := leaves(dir)
	if n < 1 || n > int64(len(all)) {
		fail(2, "the log has %d leaves, not %d", len(all), n)
	}
	return all[:n], tree(all[:n])
}

// checkpointText is C2SP tlog-checkpoint's body: origin, size, root, and
// the extension lines of DIR/extensions if the test wrote that file.
func checkpointText(dir string, n int64) string {
	_, hashes := sizeOf(dir, n)
	root, err := tlog.TreeHash(n, hashes)
	if err != nil {
		fail(2, "root: %v", err)
	}
	ext, err := os.ReadFile(filepath.Join(dir, "extensions"))
	if err != nil && !os.IsNotExist(err) {
		fail(2, "%v", err)
	}
	return fmt.Sprintf("%s\n%d\n%s\n%s", field(dir, "origin"), n, root.String(), ext)
}

// signedCheckpoint signs the checkpoint of n with the log's key (skey), the
// other key of its name (other.skey), or the log's key and then changes a
// byte of the signature (broken).
func signedCheckpoint(dir string, n int64, keyFile string) []byte {
	if keyFile == "broken" {
		return broken(signedCheckpoint(dir, n, "skey"))
	}
	s, err := note.NewSigner(field(dir, keyFile))
	if err != nil {
		fail(2, "signer: %v", err)
	}
	msg, err := note.Sign(&note.Note{Text: checkpointText(dir, n)}, s)
	if err != nil {
		fail(2, "sign: %v", err)
	}
	return msg
}

// broken changes a byte of the Ed25519 signature of a note's last line.
func broken(msg []byte) []byte {
	lines := strings.Split(strings.TrimSuffix(string(msg), "\n"), "\n")
	last := lines[len(lines)-1]
	cut := strings.LastIndex(last, " ")
	raw, err := base64.StdEncoding.DecodeString(last[cut+1:])
	if err != nil || len(raw) != 4+ed25519.SignatureSize {
		fail(2, "not a signature line: %q", last)
	}
	raw[4+20] ^= 1
	lines[len(lines)-1] = last[:cut+1] + base64.StdEncoding.EncodeToString(raw)
	return []byte(strings.Join(lines, "\n") + "\n")
}

func newLog(dir, origin, name string) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fail(2, "%v", err)
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		fail(2, "key: %v", err)
	}
	other, _, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		fail(2, "key: %v", err)
	}
	write(filepath.Join(dir, "origin"), []byte(origin+"\n"))
	write(filepath.Join(dir, "skey"), []byte(skey+"\n"))
	write(filepath.Join(dir, "vkey"), []byte(vkey+"\n"))
	write(filepath.Join(dir, "other.skey"), []byte(other+"\n"))
	write(filepath.Join(dir, "leaves"), nil)
}

func fork(dir, to string) {
	if err := os.MkdirAll(to, 0o700); err != nil {
		fail(2, "%v", err)
	}
	for _, f := range []string{"origin", "skey", "vkey", "other.skey"} {
		write(filepath.Join(to, f), read(filepath.Join(dir, f)))
	}
	write(filepath.Join(to, "leaves"), nil)
}

// grow appends k leaves of 1 to 200 random bytes.
func grow(dir string, k int64) {
	var b strings.Builder
	for i := int64(0); i < k; i++ {
		l, err := rand.Int(rand.Reader, big.NewInt(200))
		if err != nil {
			fail(2, "random: %v", err)
		}
		leaf := make([]byte, l.Int64()+1)
		if _, err := rand.Read(leaf); err != nil {
			fail(2, "random: %v", err)
		}
		b.WriteString(base64.StdEncoding.EncodeToString(leaf) + "\n")
	}
	f, err := os.OpenFile(filepath.Join(dir, "leaves"), os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		fail(2, "%v", err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		fail(2, "%v", err)
	}
	if err := f.Close(); err != nil {
		fail(2, "%v", err)
	}
}

// request is a C2SP tlog-witness add-checkpoint body; the proof is empty
// when old is 0 (the protocol says so) or old is n.
func request(dir string, old, n int64, keyFile string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", old)
	if old > 0 && old < n {
		_, hashes := sizeOf(dir, n)
		proof, err := tlog.ProveTree(n, old, hashes)
		if err != nil {
			fail(2, "consistency proof %d -> %d: %v", old, n, err)
		}
		for _, h := range proof {
			b.WriteString(h.String() + "\n")
		}
	}
	b.WriteString("\n")
	b.Write(signedCheckpoint(dir, n, keyFile))
	return b.Bytes()
}

// cosigner is a note.Verifier of C2SP cosignature/v1 (tlog-cosignature.md):
// vkey NAME+HASH+base64(0x04 || Ed25519 public key); key hash = the first
// four bytes of SHA-256(NAME || "\n" || 0x04 || public key); signature =
// 8-byte big-endian timestamp || Ed25519 signature of "cosignature/v1\n",
// "time T\n" and the checkpoint's text.
type cosigner struct {
	name  string
	hash  uint32
	key   ed25519.PublicKey
	times []uint64 // of the signatures verified
}

func newCosigner(vkey string) *cosigner {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 || parts[0] == "" || len(parts[1]) != 8 {
		fail(2, "not a witness vkey NAME+HASH+KEY: %q", vkey)
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != 0x04 {
		fail(2, "not an Ed25519 cosignature/v1 key (type 0x04): %q", vkey)
	}
	h := sha256.New()
	h.Write([]byte(parts[0] + "\n"))
	h.Write(raw)
	hash := binary.BigEndian.Uint32(h.Sum(nil)[:4])
	if fmt.Sprintf("%08x", hash) != parts[1] {
		fail(2, "the vkey's key hash %s is not %08x", parts[1], hash)
	}
	return &cosigner{name: parts[0], hash: hash, key: ed25519.PublicKey(raw[1:])}
}

func (c *cosigner) Name() string    { return c.name }
func (c *cosigner) KeyHash() uint32 { return c.hash }

func (c *cosigner) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t > 1<<63-1 {
		return false
	}
	signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), msg...)
	if !ed25519.Verify(c.key, signed, sig[8:]) {
		return false
	}
	c.times = append(c.times, t)
	return true
}

func logVerifier(dir string) note.Verifier {
	v, err := note.NewVerifier(field(dir, "vkey"))
	if err != nil {
		fail(2, "log vkey: %v", err)
	}
	return v
}

// cosigned checks a 200 answer as a log would read it (tlog-witness.md:
// appended to the checkpoint, opened by note with the witness's verifier),
// and each of the witness's lines by itself: note checks only the first of
// a verifier's repeated signatures.
func cosigned(wvkey, dir string, n int64, answer []byte) {
	if len(answer) == 0 || answer[len(answer)-1] != '\n' {
		fail(1, "the answer is empty or does not end with a newline: %q", answer)
	}
	cp := signedCheckpoint(dir, n, "skey")
	w := newCosigner(wvkey)
	mine := 0
	for _, l := range strings.SplitAfter(string(answer), "\n") {
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, "— ") {
			fail(1, "not a note signature line: %q", l)
		}
		if !strings.HasPrefix(l, "— "+w.name+" ") {
			continue
		}
		mine++
		one := &cosigner{name: w.name, hash: w.hash, key: w.key}
		if _, err := note.Open(append(append([]byte{}, cp...), l...), note.VerifierList(one)); err != nil {
			fail(1, "the witness's line %q: %v", l, err)
		}
	}
	if mine == 0 {
		fail(1, "no signature line of %s in the answer %q", w.name, answer)
	}
	got, err := note.Open(append(cp, answer...), note.VerifierList(w))
	if err != nil {
		fail(1, "the checkpoint with the answer does not open: %v", err)
	}
	if len(got.Sigs) != 1 || got.Sigs[0].Name != w.name || got.Sigs[0].Hash != w.hash {
		fail(1, "verified signatures %v, not the witness's alone", got.Sigs)
	}
	fmt.Println(w.times[0])
}

// monitor checks a note the witness serves: the checkpoint of n's text,
// the log's signature and the witness's cosignature, both verified.
func monitor(wvkey, dir string, n int64, msg []byte) {
	w := newCosigner(wvkey)
	got, err := note.Open(msg, note.VerifierList(logVerifier(dir), w))
	if err != nil {
		fail(1, "the note does not open: %v", err)
	}
	if want := checkpointText(dir, n); got.Text != want {
		fail(1, "the note's text is %q, not the checkpoint of %d: %q", got.Text, n, want)
	}
	if len(got.Sigs) != 2 {
		fail(1, "%d verified signatures, not the log's and the witness's: %v", len(got.Sigs), got.Sigs)
	}
	if len(got.UnverifiedSigs) != 0 {
		fail(1, "signatures of unknown keys: %v", got.UnverifiedSigs)
	}
}

func main() {
	if len(os.Args) < 3 {
		fail(2, "usage: see the comment at the top of witness.go")
	}
	args := os.Args[2:]
	need := func(n int) {
		if len(args) < n {
			fail(2, "%s needs %d arguments", os.Args[1], n)
		}
	}
	key := func(i int) string {
		if len(args) > i && args[i] == "other" {
			return "other.skey"
		}
		if len(args) > i && args[i] == "broken" {
			return "broken"
		}
		return "skey"
	}
	switch os.Args[1] {
	case "new":
		need(2)
		name := args[1]
		if len(args) > 2 {
			name = args[2]
		}
		newLog(args[0], args[1], name)
	case "fork":
		need(2)
		fork(args[0], args[1])
	case "grow":
		need(2)
		grow(args[0], number(args[1]))
	case "vkey":
		fmt.Println(field(args[0], "vkey"))
	case "logs-entry":
		origin := field(args[0], "origin")
		fmt.Printf("vkey %s\norigin %s\n", field(args[0], "vkey"), origin)
	case "checkpoint":
		need(2)
		os.Stdout.Write(signedCheckpoint(args[0], number(args[1]), key(2)))
	case "request":
		need(3)
		os.Stdout.Write(request(args[0], number(args[1]), number(args[2]), key(3)))
	case "cosigned":
		need(4)
		cosigned(args[0], args[1], number(args[2]), read(args[3]))
	case "monitor":
		need(4)
		monitor(args[0], args[1], number(args[2]), read(args[3]))
	default:
		fail(2, "unknown command %q", os.Args[1])
	}
}
