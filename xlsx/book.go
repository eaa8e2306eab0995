package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"
)

// xlsxBook is an .xlsx import file prepared once for every pass over it.
// Preparing it bounds memory and disk by what the file declares, not by
// what it claims afterwards:
//
//   - CheckZip holds the zip directory against xlsxLimits;
//   - the parts excelize reads into memory whole are bounded together
//     (xlsxInMemory), and the shared strings, which it indexes, alone
//     (xlsxSharedStrings);
//   - only the parts that reading cells needs (neededPart) are inflated,
//     pictures and other embedded files never; each is inflated once,
//     streaming, to its end, so that archive/zip checks its declared size
//     and checksum, and a corrupt part, or one longer than it declares,
//     is refused here, where excelize would read it whole into memory and
//     silently keep what it got; worksheets and shared strings pass
//     through scanRuns on the way.
//
// The parts are written uncompressed into a private archive in dir, which
// each pass opens with excelize: it copies them rather than inflating
// again, and unpacks large worksheets into dir too. The source is read
// only while preparing, on the first pass; the file's later changes are
// not seen.
type xlsxBook struct {
	source func() (io.ReaderAt, int64, io.Closer, error)
	dir    string

	mu       sync.Mutex
	prepared bool
	err      error // why the book cannot be read, once prepared
}

// newXLSXBook starts a book whose bytes source gives (a closer may be
// nil). Its directory is removed by release or, failing that, when the
// book is no longer referenced.
func newXLSXBook(source func() (io.ReaderAt, int64, io.Closer, error)) (*xlsxBook, error) {
	dir, err := os.MkdirTemp("", "spotcheck-xlsx-")
	if err != nil {
		return nil, err
	}
	b := &xlsxBook{source: source, dir: dir}
	runtime.AddCleanup(b, func(dir string) { os.RemoveAll(dir) }, dir)
	return b, nil
}

// release removes the book's files; a later pass fails.
func (b *xlsxBook) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.prepared, b.err = true, fileError(nil, "文件已关闭")
	os.RemoveAll(b.dir)
}

func (b *xlsxBook) archive() string { return filepath.Join(b.dir, "book.xlsx") }

// open starts a pass, preparing the book on the first.
func (b *xlsxBook) open() (table, error) {
	b.mu.Lock()
	if !b.prepared {
		b.prepared, b.err = true, b.prepare()
		b.source = nil
	}
	err := b.err
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(b.archive(), excelize.Options{RawCellValue: true, TmpDir: b.dir,
		UnzipSizeLimit: xlsxLimits.Total, UnzipXMLSizeLimit: xlsxSpill})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, xlsxError(err)
	}
	return newXLSXTable(f)
}

// prepare checks the source and writes the private archive.
func (b *xlsxBook) prepare() error {
	r, size, closer, err := b.source()
	if err != nil {
		return err
	}
	if closer != nil {
		defer closer.Close()
	}
	head := make([]byte, len(oleSignature))
	if _, err := r.ReadAt(head, 0); err == nil && bytes.Equal(head, oleSignature) {
		return encryptedError(nil)
	}
	zr, err := CheckZip(r, size, xlsxLimits)
	if err != nil {
		return err
	}
	parts, err := neededParts(zr)
	if err != nil {
		return err
	}
	out, err := os.Create(b.archive())
	if err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	for _, p := range parts {
		if err = inflatePart(zw, p); err != nil {
			break
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(b.archive())
		return xlsxError(err)
	}
	return nil
}

// inflatePart writes p into zw uncompressed, passing a worksheet or the
// shared strings through scanRuns.
func inflatePart(zw *zip.Writer, p *zip.File) error {
	rc, err := p.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: p.Name, Method: zip.Store})
	if err != nil {
		return err
	}
	switch n := xlsxPart(p.Name); {
	case strings.HasPrefix(n, "xl/worksheets/"):
		return scanRuns(io.TeeReader(rc, w), sheetBounds)
	case n == "xl/sharedstrings.xml":
		return scanRuns(io.TeeReader(rc, w), sharedStringBounds)
	}
	_, err = io.Copy(w, rc)
	return err
}
