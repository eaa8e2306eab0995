package draw

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// tamper changes byte i of the named file of b to each value of vals in
// turn and requires Verify to fail with an *Error naming a file. It counts
// the changed bundles in *n.
func tamper(t *testing.T, b *Bundle, name string, i int, vals []byte, n *int) {
	t.Helper()
	f := b.file(name)
	orig := *f
	data := append([]byte(nil), orig...)
	*f = data
	defer func() { *f = orig }()
	was := data[i]
	for _, v := range vals {
		if v == was {
			continue
		}
		data[i] = v
		*n++
		_, err := Verify(b)
		var e *Error
		if err == nil {
			t.Fatalf("%s: byte %d changed from %#x to %#x: accepted", name, i, was, v)
		} else if !errors.As(err, &e) || e.File == "" {
			t.Fatalf("%s: byte %d changed from %#x to %#x: error names no file: %v", name, i, was, v, err)
		}
	}
}

// The verifier rejects a single-byte change at every position of every
// file of each vector bundle (about 31,000 positions). Trying all 255 other
// values at every position would take minutes, so each position gets one
// changed value, cycling through three kinds: the lowest bit flipped (a
// digit becomes another digit, a hex letter another letter), bit 5 flipped
// (a letter changes case, a digit becomes a control or punctuation
// character) and a pseudo-random other value. TestVerifyRejectsAllByteValues
// tries all 255 values at a sample of positions.
func TestVerifyRejectsEveryByteChange(t *testing.T) {
	start := time.Now()
	n := 0
	for _, dir := range vectorDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b := readVector(t, dir)
			for _, name := range BundleFiles {
				for i, was := range b.File(name) {
					v := [3]byte{was ^ 0x01, was ^ 0x20, was ^ (byte(uint32(i)*2654435761>>24) | 1)}[i%3]
					tamper(t, b, name, i, []byte{v}, &n)
				}
			}
		})
	}
	t.Logf("%d changed bundles rejected in %v", n, time.Since(start))
}

// The verifier rejects every one of the 255 other byte values at the first
// and last byte and at two pseudo-random positions of every file of each
// vector bundle.
func TestVerifyRejectsAllByteValues(t *testing.T) {
	start := time.Now()
	n := 0
	all := make([]byte, 256)
	for v := range all {
		all[v] = byte(v)
	}
	for _, dir := range vectorDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b := readVector(t, dir)
			for k, name := range BundleFiles {
				size := len(b.File(name))
				if size == 0 {
					continue
				}
				for _, i := range []int{0, size - 1, (k*7919 + 13) % size, (k*104729 + size/2) % size} {
					tamper(t, b, name, i, all, &n)
				}
			}
		})
	}
	t.Logf("%d changed bundles rejected in %v", n, time.Since(start))
}
