// Package ziptest builds zip archives that an upload path must refuse or
// cut short, such as a "zip bomb" (a small file that inflates to
// gigabytes) and an archive whose directory lies about a size. They are
// cheap to build and to hold: a bomb of n zero bytes is about n/1000
// bytes and is made without compressing n bytes.
package ziptest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
)

// mib is the unit of Zeros.
const mib = 1 << 20

// Zeros returns a raw DEFLATE stream that inflates to n zero bytes (n a
// positive multiple of 1 MiB), and the CRC-32 of those bytes.
//
// It compresses two MiB of zeros, flushing after each, and repeats the
// second: once the window holds only zeros, a block that copies from it
// inflates to zeros wherever it stands. A final empty stored block ends
// the stream.
func Zeros(n int64) ([]byte, uint32) {
	if n <= 0 || n%mib != 0 {
		panic("ziptest.Zeros: n must be a positive multiple of 1 MiB")
	}
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	zero := make([]byte, mib)
	w.Write(zero)
	w.Flush()
	first := buf.Len()
	w.Write(zero)
	w.Flush()
	block := bytes.Clone(buf.Bytes()[first:])
	buf.Truncate(first)
	crc := crc32.Update(0, crc32.IEEETable, zero)
	for range n/mib - 1 {
		buf.Write(block)
		crc = crc32.Update(crc, crc32.IEEETable, zero)
	}
	buf.Write([]byte{0x01, 0x00, 0x00, 0xFF, 0xFF}) // final, stored, empty
	return buf.Bytes(), crc
}

// Deflate returns data compressed as a raw DEFLATE stream, and its CRC-32.
func Deflate(data []byte) ([]byte, uint32) {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	w.Write(data)
	w.Close()
	return buf.Bytes(), crc32.ChecksumIEEE(data)
}

// Entry is an archive entry given as its compressed bytes. Size is the
// uncompressed size the directory declares, true or not.
type Entry struct {
	Name     string
	Deflated []byte
	CRC32    uint32
	Size     int64
}

// With returns archive with entries written as given: an entry replaces
// the one of the same name in place, or is added after the others. The
// archive's other entries are copied as they are.
func With(archive []byte, entries ...Entry) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return nil, err
	}
	byName := map[string]Entry{}
	for _, e := range entries {
		byName[e.Name] = e
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if e, ok := byName[f.Name]; ok {
			if err := write(zw, e); err != nil {
				return nil, err
			}
			delete(byName, f.Name)
			continue
		}
		if err := zw.Copy(f); err != nil {
			return nil, err
		}
	}
	for _, e := range entries {
		if _, ok := byName[e.Name]; ok {
			if err := write(zw, e); err != nil {
				return nil, err
			}
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func write(zw *zip.Writer, e Entry) error {
	w, err := zw.CreateRaw(&zip.FileHeader{Name: e.Name, Method: zip.Deflate, CRC32: e.CRC32,
		CompressedSize64: uint64(len(e.Deflated)), UncompressedSize64: uint64(e.Size)})
	if err != nil {
		return err
	}
	_, err = io.Copy(w, bytes.NewReader(e.Deflated))
	return err
}

// Bomb returns archive with an entry at name that declares, and inflates
// to, n zero bytes (n a multiple of 1 MiB): the bomb of spotcheck issue 8,
// a template with 1 GiB of zeros added as xl/media/bomb.bin.
func Bomb(archive []byte, name string, n int64) ([]byte, error) {
	data, crc := Zeros(n)
	return With(archive, Entry{Name: name, Deflated: data, CRC32: crc, Size: n})
}
