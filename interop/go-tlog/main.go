// Command tlogcheck checks a running rcskt log with the Go module system's own transparency-log
// code (golang.org/x/mod/sumdb/tlog and sumdb/note), an implementation independent of this
// project: the checkpoint's signature, every hash tile it reads against the checkpoint's root,
// inclusion proofs built from those tiles for sampled entries, and every entry of every entry
// bundle against the level-0 tiles. It exits 1 on the first mismatch.
//
//	go run . -url http://127.0.0.1:8080 -vkey '<origin>+<keyid>+<base64 key>' [-samples 200]
package main

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var client = &http.Client{Timeout: 30 * time.Second}

func get(base, path string) ([]byte, error) {
	resp, err := client.Get(strings.TrimSuffix(base, "/") + "/" + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<24))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	return body, nil
}

// tiles serves the C2SP tlog-tiles layout, which is the sumdb layout without the height element:
// "tile/8/L/N" there is "tile/L/N" here.
type tiles struct{ base string }

func (t tiles) Height() int { return 8 }

func c2spPath(tile tlog.Tile) string {
	return strings.Replace(tile.Path(), "tile/8/", "tile/", 1)
}

func (t tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, tile := range ts {
		data, err := get(t.base, c2spPath(tile))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (t tiles) SaveTiles([]tlog.Tile, [][]byte) {}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlogcheck: "+format+"\n", args...)
	os.Exit(1)
}

// bundle parses a C2SP entry bundle: entries, each a big-endian uint16 length and that many bytes.
func bundle(data []byte) ([][]byte, error) {
	var out [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, errors.New("truncated length prefix")
		}
		n := int(data[0])<<8 | int(data[1])
		if len(data) < 2+n {
			return nil, errors.New("truncated entry")
		}
		out = append(out, data[2:2+n])
		data = data[2+n:]
	}
	return out, nil
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "log base URL")
	vkey := flag.String("vkey", "", "the log's verifier key")
	samples := flag.Int("samples", 200, "entries to prove")
	seed := flag.Int64("seed", 1, "seed of the sampled entries")
	flag.Parse()

	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	raw, err := get(*base, "checkpoint")
	if err != nil {
		fail("%v", err)
	}
	n, err := note.Open(raw, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint origin %q, want %q", lines[0], verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 1 {
		fail("checkpoint size %q", lines[1])
	}
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != tlog.HashSize {
		fail("checkpoint root %q", lines[2])
	}
	var root tlog.Hash
	copy(root[:], rootBytes)
	tree := tlog.Tree{N: size, Hash: root}

	// TileHashReader checks every tile it reads against the tree's root before returning hashes.
	reader := tlog.TileHashReader(tree, tiles{*base})
	th, err := tlog.TreeHash(size, reader)
	if err != nil || th != root {
		fail("tree hash from tiles: %v (%v)", th, err)
	}

	bundles := map[int64][][]byte{}
	fetch := func(b int64) [][]byte {
		if entries, ok := bundles[b]; ok {
			return entries
		}
		path := fmt.Sprintf("tile/entries/%s", c2spPath(tlog.Tile{H: 8, L: 0, N: b, W: 256})[len("tile/0/"):])
		width := size - b*256
		if width < 256 {
			path += fmt.Sprintf(".p/%d", width)
		}
		data, err := get(*base, path)
		if err != nil {
			fail("%v", err)
		}
		entries, err := bundle(data)
		if err != nil {
			fail("entry bundle %d: %v", b, err)
		}
		bundles[b] = entries
		return entries
	}
	// checkEntry checks that entry index of its bundle hashes to the leaf hash the tiles hold.
	checkEntry := func(index int64) tlog.Hash {
		b := index / 256
		entries := fetch(b)
		if int64(len(entries)) <= index%256 {
			fail("entry bundle %d has %d entries, need index %d", b, len(entries), index)
		}
		leaf := tlog.RecordHash(entries[index%256])
		stored, err := reader.ReadHashes([]int64{tlog.StoredHashIndex(0, index)})
		if err != nil || stored[0] != leaf {
			fail("entry %d: bundle hash %v, tile hash %v (%v)", index, leaf, stored, err)
		}
		return leaf
	}

	rnd := rand.New(rand.NewSource(*seed))
	proven := 0
	for i := 0; i < *samples; i++ {
		index := rnd.Int63n(size)
		leaf := checkEntry(index)
		proof, err := tlog.ProveRecord(size, index, reader)
		if err != nil {
			fail("proof for %d: %v", index, err)
		}
		if err := tlog.CheckRecord(proof, size, root, index, leaf); err != nil {
			fail("inclusion of %d: %v", index, err)
		}
		proven++
	}
	// Then every entry of every bundle, full and partial, against the tiles: the sample alone can
	// miss a small last bundle.
	for index := int64(0); index < size; index++ {
		checkEntry(index)
	}
	fmt.Printf("ok: %s tree size %d root %s: checkpoint signature, hash tiles, %d inclusion proofs and %d entry bundles checked with golang.org/x/mod/sumdb/tlog\n",
		verifier.Name(), size, root, proven, len(bundles))
}
