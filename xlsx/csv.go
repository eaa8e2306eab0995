package xlsx

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// encoding is the character set of a CSV file.
type encoding int

const (
	encUnknown encoding = iota
	encUTF8
	encUTF8BOM
	encGB18030
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// detectEncoding decides a CSV file's character set the way the spec asks:
// a BOM means UTF-8; a file that is valid UTF-8 throughout is UTF-8;
// anything else is what Excel on Chinese Windows writes, GB 18030 (a
// superset of GBK). It streams, so a large file costs a read, not memory.
func detectEncoding(r io.Reader) (encoding, error) {
	buf := make([]byte, 64<<10)
	n, err := io.ReadFull(r, buf[:3])
	if n == 3 && bytes.Equal(buf[:3], utf8BOM) {
		return encUTF8BOM, nil
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return validEncoding(utf8.Valid(buf[:n])), nil
	}
	if err != nil {
		return encUnknown, err
	}
	carry := n
	for {
		n, err := r.Read(buf[carry:])
		end := carry + n
		if err == io.EOF {
			return validEncoding(utf8.Valid(buf[:end])), nil
		}
		if err != nil {
			return encUnknown, err
		}
		// Hold back a rune cut by the chunk's end for the next round.
		cut := end
		for i := end - 1; i >= 0 && i >= end-utf8.UTFMax; i-- {
			if utf8.RuneStart(buf[i]) {
				if !utf8.FullRune(buf[i:end]) {
					cut = i
				}
				break
			}
		}
		if !utf8.Valid(buf[:cut]) {
			return encGB18030, nil
		}
		carry = copy(buf, buf[cut:end])
	}
}

func validEncoding(ok bool) encoding {
	if ok {
		return encUTF8
	}
	return encGB18030
}

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// csvTable is one pass over a CSV file. Spreadsheets show every line that
// is not inside a quoted cell as a row, blank ones included, while
// encoding/csv skips blank lines; row and endLine keep the two in step.
type csvTable struct {
	cr      *csv.Reader
	count   *countingReader
	size    int64
	closer  io.Closer
	row     int // spreadsheet row of the last record
	endLine int // physical line the last record ended on
}

// newCSVTable starts a pass over r; enc is detected when unknown and kept
// in *enc so that later passes skip the scan.
func newCSVTable(r io.ReaderAt, size int64, closer io.Closer, enc *encoding) (*csvTable, error) {
	if *enc == encUnknown {
		e, err := detectEncoding(io.NewSectionReader(r, 0, size))
		if err != nil {
			return nil, readError(err)
		}
		*enc = e
	}
	count := &countingReader{r: io.NewSectionReader(r, 0, size)}
	var src io.Reader = count
	switch *enc {
	case encUTF8BOM:
		if _, err := io.ReadFull(count, make([]byte, 3)); err != nil {
			return nil, readError(err)
		}
	case encGB18030:
		src = transform.NewReader(count, simplifiedchinese.GB18030.NewDecoder())
	}
	cr := csv.NewReader(bufio.NewReaderSize(src, 64<<10))
	cr.FieldsPerRecord = -1
	// Strict quotes: with LazyQuotes an unclosed quote silently swallows
	// every following line into one cell, and rows would vanish unnoticed.
	cr.ReuseRecord = true
	return &csvTable{cr: cr, count: count, size: size, closer: closer}, nil
}

func (t *csvTable) next() (int, []string, error) {
	rec, err := t.cr.Read()
	if err == io.EOF {
		return t.row + 1, nil, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			row := t.row + pe.StartLine - t.endLine
			return row, nil, rowError(row, "CSV格式错误：%s", csvReason(pe.Err))
		}
		return t.row + 1, nil, readError(err)
	}
	line, _ := t.cr.FieldPos(0)
	t.row += line - t.endLine
	last := len(rec) - 1
	l, _ := t.cr.FieldPos(last)
	t.endLine = l + strings.Count(rec[last], "\n")
	return t.row, rec, nil
}

func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return "以引号开头的单元格缺少结束引号"
	case errors.Is(err, csv.ErrBareQuote):
		return "未加引号的单元格中有引号，请把该单元格用双引号括起并把其中的引号写成两个"
	}
	return err.Error()
}

func (t *csvTable) position() (int64, int64)           { return t.count.n, t.size }
func (t *csvTable) number(_ cellKind, s string) string { return s }

func (t *csvTable) close() error {
	if t.closer != nil {
		return t.closer.Close()
	}
	return nil
}
