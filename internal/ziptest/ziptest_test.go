package ziptest

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

// The bomb inflates to exactly what it declares, with the right checksum:
// archive/zip reads it to the end without an error.
func TestBombInflates(t *testing.T) {
	var empty bytes.Buffer
	zip.NewWriter(&empty).Close()
	const n = 8 << 20
	b, err := Bomb(empty.Bytes(), "bomb.bin", n)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > n/500 {
		t.Errorf("bomb of %d bytes packs into %d", n, len(b))
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	if err != nil || len(got) != n || bytes.IndexFunc(got, func(r rune) bool { return r != 0 }) >= 0 {
		t.Fatalf("read %d bytes, err %v", len(got), err)
	}
}
