package xlsx

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"spotcheck"
)

// Format is a file format, chosen by the file name's extension.
type Format string

// The formats files may have.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// FormatOf returns the format of a file name by its extension, case
// ignored, or a Chinese error saying which formats are accepted.
func FormatOf(name string) (Format, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".csv":
		return CSV, nil
	case ".xlsx":
		return XLSX, nil
	case ".xls", ".et", ".xlsm":
		return "", spotcheck.Errorf(spotcheck.EINVALID, "不支持“%s”文件，请在Excel或WPS中另存为.xlsx或CSV后再使用", ext)
	case "":
		return "", spotcheck.Errorf(spotcheck.EINVALID, "文件“%s”没有扩展名，请使用.xlsx或.csv文件", filepath.Base(name))
	default:
		return "", spotcheck.Errorf(spotcheck.EINVALID, "不支持“%s”文件，请使用.xlsx或.csv文件", ext)
	}
}

// Option adjusts how a file is read.
type Option func(*options)

type options struct {
	progress func(rows int, done, total int64)
}

// progressEvery is how many rows pass between two progress reports: often
// enough for a terminal bar, rare enough to cost nothing.
const progressEvery = 4096

// WithProgress has fn called every few thousand rows and once at the end,
// with the data rows read so far and how far the reading is: done of total
// bytes for CSV, done of total sheet rows for .xlsx (total is 0 when the
// sheet does not say). Only the ratio is meant for display.
func WithProgress(fn func(rows int, done, total int64)) Option {
	return func(o *options) { o.progress = fn }
}

// table is one pass over a file's rows, whatever the format.
type table interface {
	// next returns the next row that is not plainly blank, with its number
	// as a spreadsheet shows it; io.EOF after the last. Its cells may all
	// be empty (",,,"); callers skip such rows.
	next() (row int, cells []string, err error)
	// position tells how far the pass is, for progress.
	position() (done, total int64)
	// number converts a raw .xlsx number in a column of kind k; CSV cells
	// are text and pass through.
	number(k cellKind, s string) string
	close() error
}

// opener starts a new pass over the file; each pass re-reads it, so that
// Rows may be ranged over more than once (a check pass, then a write pass)
// without holding the rows in memory.
type opener func() (table, error)

// Open reads an import file of c's kind, .xlsx or .csv by the extension of
// path. The header row is checked at once: its problems come back as a
// *spotcheck.ImportError before any row. Each range over Rows reads the
// file again: a CSV file from disk, an .xlsx from the copy of the parts it
// needs that the header pass prepared (see xlsxBook), which is removed
// once the source is no longer referenced.
func Open[T any](path string, c *Codec[T], opts ...Option) (*spotcheck.ImportSource[T], error) {
	src, _, err := openSource(path, c, opts)
	return src, err
}

// Read is Open for a file held elsewhere, such as an upload: name gives
// the format and the name shown, r and size the bytes. r must stay
// readable as long as the source is used.
func Read[T any](name string, r io.ReaderAt, size int64, c *Codec[T], opts ...Option) (*spotcheck.ImportSource[T], error) {
	src, _, err := readSource(name, r, size, c, opts)
	return src, err
}

// openSource is Open, also returning a release that removes at once what
// the source keeps on disk.
func openSource[T any](path string, c *Codec[T], opts []Option) (*spotcheck.ImportSource[T], func(), error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, nil, err
	}
	if format == XLSX {
		return bookSource(filepath.Base(path), func() (io.ReaderAt, int64, io.Closer, error) {
			f, size, err := openFile(path)
			if err != nil {
				return nil, 0, nil, err
			}
			return f, size, f, nil
		}, c, opts)
	}
	var enc encoding // detected by the header pass, before any other
	open := func() (table, error) {
		f, size, err := openFile(path)
		if err != nil {
			return nil, err
		}
		t, err := newCSVTable(f, size, f, &enc)
		if err != nil {
			f.Close()
		}
		return t, err
	}
	src, err := newSource(filepath.Base(path), open, c, opts)
	return src, func() {}, err
}

// readSource is Read, also returning a release like openSource's.
func readSource[T any](name string, r io.ReaderAt, size int64, c *Codec[T], opts []Option) (*spotcheck.ImportSource[T], func(), error) {
	format, err := FormatOf(name)
	if err != nil {
		return nil, nil, err
	}
	if format == XLSX {
		return bookSource(filepath.Base(name), func() (io.ReaderAt, int64, io.Closer, error) {
			return r, size, nil, nil
		}, c, opts)
	}
	var enc encoding
	open := func() (table, error) { return newCSVTable(r, size, nil, &enc) }
	src, err := newSource(filepath.Base(name), open, c, opts)
	return src, func() {}, err
}

// bookSource is the source of an .xlsx whose bytes source gives.
func bookSource[T any](name string, source func() (io.ReaderAt, int64, io.Closer, error), c *Codec[T],
	opts []Option) (*spotcheck.ImportSource[T], func(), error) {
	book, err := newXLSXBook(source)
	if err != nil {
		return nil, nil, err
	}
	src, err := newSource(name, book.open, c, opts)
	if err != nil {
		book.release()
		return nil, nil, err
	}
	return src, book.release, nil
}

// openError makes a failure to open the user's file a message the user
// sees: it is about their file, not an internal fault.
func openError(path string, err error) error {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fileError(err, "文件不存在：%s", path)
	case errors.Is(err, os.ErrPermission):
		return fileError(err, "没有读取文件的权限：%s", path)
	}
	return fileError(err, "无法打开文件：%s", path)
}

// openFile opens path for reading, refusing before it opens what is not
// a regular file: a directory, a device that never ends, a named pipe
// (whose opening would wait for a writer).
func openFile(path string) (*os.File, int64, error) {
	if fi, err := os.Stat(path); err != nil {
		return nil, 0, openError(path, err)
	} else if !fi.Mode().IsRegular() {
		return nil, 0, fileError(nil, "“%s”不是普通文件，无法导入", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, openError(path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, openError(path, err)
	}
	return f, fi.Size(), nil
}

// layout is what the header row says: which field each file column fills
// (-1: none) and which fields are present.
type layout struct {
	headerRow int
	cols      []int
	kinds     []cellKind
	present   []bool
}

// newSource checks the header in a first pass and returns the source whose
// Rows re-reads the file.
func newSource[T any](name string, open opener, c *Codec[T], opts []Option) (*spotcheck.ImportSource[T], error) {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	t, err := open()
	if err != nil {
		return nil, err
	}
	lay, err := readHeader(t, c)
	t.close()
	if err != nil {
		return nil, err
	}
	var absent []int
	for i, ok := range lay.present {
		if !ok {
			absent = append(absent, i)
		}
	}
	return &spotcheck.ImportSource[T]{
		Name: name,
		Rows: func(yield func(spotcheck.ImportRow[T], error) bool) {
			t, err := open()
			if err != nil {
				yield(spotcheck.ImportRow[T]{}, err)
				return
			}
			defer t.close()
			again, err := readHeader(t, c)
			if err == nil && (again.headerRow != lay.headerRow || !slices.Equal(again.cols, lay.cols)) {
				err = spotcheck.Errorf(spotcheck.EINVALID, "文件“%s”在导入过程中被修改，请重新导入", name)
			}
			if err != nil {
				yield(spotcheck.ImportRow[T]{Row: lay.headerRow}, err)
				return
			}
			readRows(t, c, lay, o, yield)
		},
		Fill: func(v, existing *T) {
			for _, i := range absent {
				c.fields[i].copy(v, existing)
			}
			c.fillKept(v, existing)
		},
	}, nil
}

// readRows decodes the data rows of one pass.
func readRows[T any](t table, c *Codec[T], lay *layout, o options, yield func(spotcheck.ImportRow[T], error) bool) {
	n := 0
	report := func() {
		if o.progress != nil {
			done, total := t.position()
			o.progress(n, done, total)
		}
	}
	for {
		row, cells, err := t.next()
		if err == io.EOF {
			report()
			return
		}
		if err != nil {
			yield(spotcheck.ImportRow[T]{Row: row}, err)
			return
		}
		if allEmpty(cells) {
			continue
		}
		n++
		r := spotcheck.ImportRow[T]{Row: row, Value: c.zero()}
		for i, s := range cells {
			fi := -1
			if i < len(lay.cols) {
				fi = lay.cols[i]
			}
			if fi < 0 {
				if s = strings.TrimSpace(s); s != "" {
					r.Problems.Add("", "", "第%s列没有表头，但有内容“%s”", columnName(i), clip(s))
				}
				continue
			}
			if k := lay.kinds[i]; k != plainCell {
				s = t.number(k, strings.TrimSpace(s))
			}
			c.setCell(&r.Value, fi, s, &r.Problems)
		}
		if !yield(r, nil) {
			return
		}
		if n%progressEvery == 0 {
			report()
		}
	}
}

// readHeader finds the header (the first row with a cell) and checks it
// against the kind's columns, reporting every problem at once.
func readHeader[T any](t table, c *Codec[T]) (*layout, error) {
	var row int
	var cells []string
	for {
		var err error
		row, cells, err = t.next()
		if err == io.EOF {
			return nil, spotcheck.Errorf(spotcheck.EINVALID, "文件是空的：第1行应为表头（%s）", strings.Join(c.Headers(), "、"))
		}
		if err != nil {
			return nil, err
		}
		if !allEmpty(cells) {
			break
		}
	}
	lay := &layout{headerRow: row, cols: make([]int, len(cells)), kinds: make([]cellKind, len(cells)),
		present: make([]bool, len(c.fields))}
	seen := make([]int, len(c.fields))
	ie := &spotcheck.ImportError{}
	for i, h := range cells {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		lay.cols[i] = -1
		if h == "" {
			continue
		}
		fi, ok := c.byHdr[h]
		switch {
		case !ok:
			ie.Add(spotcheck.RowError{Row: row, Column: h, Message: fmt.Sprintf("未知的列，%s文件可用的列为：%s",
				spotcheck.KindNames[c.Kind], strings.Join(c.Headers(), "、"))})
		case lay.present[fi]:
			ie.Add(spotcheck.RowError{Row: row, Column: h, Message: fmt.Sprintf("列重复（第%s列和第%s列）",
				columnName(seen[fi]), columnName(i))})
		default:
			lay.present[fi], seen[fi] = true, i
			lay.cols[i], lay.kinds[i] = fi, c.fields[fi].kind
		}
	}
	for fi, f := range c.fields {
		if f.col.Required && !lay.present[fi] {
			ie.Add(spotcheck.RowError{Row: row, Column: f.col.Header, Message: "缺少必填列"})
		}
	}
	if err := ie.Err(); err != nil {
		return nil, err
	}
	return lay, nil
}

// rowError is a problem that stops reading, such as a broken quote in a
// CSV file, as the import error the command line prints.
func rowError(row int, format string, args ...any) error {
	ie := &spotcheck.ImportError{}
	ie.Add(spotcheck.RowError{Row: row, Message: fmt.Sprintf(format, args...)})
	return ie
}

func allEmpty(cells []string) bool {
	return !slices.ContainsFunc(cells, func(s string) bool { return strings.TrimSpace(s) != "" })
}

// columnName returns the spreadsheet letter of the 0-based column i.
func columnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// clip shortens a cell quoted in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}
