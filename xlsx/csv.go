package xlsx

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
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

// sniffCSV refuses, before any decoding, a file that is not CSV text:
// a workbook given a .csv name, UTF-16 text (Excel's "Unicode 文本"), or
// binary data. It looks at the first 64 KB.
func sniffCSV(r io.ReaderAt, size int64) error {
	head := make([]byte, min(size, 64<<10))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return readError(err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return fileError(nil, "文件实际是Excel（.xlsx）文件，不是CSV：请把扩展名改为.xlsx后再导入")
	case bytes.HasPrefix(head, oleSignature):
		return fileError(nil, "文件实际是旧版Excel（.xls）文件，不是CSV：请在Excel或WPS中另存为.xlsx或“CSV UTF-8（逗号分隔）”后再导入")
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return fileError(nil, "文件是UTF-16编码（Excel的“Unicode文本”格式），不是CSV：请在Excel或WPS中另存为“CSV UTF-8（逗号分隔）”后再导入")
	case bytes.IndexByte(head, 0) >= 0:
		return fileError(nil, "文件含有二进制内容，不是文本格式的CSV文件：请确认选择了正确的文件")
	}
	return nil
}

// maxCSVRecord bounds one record of a CSV file: encoding/csv holds a
// record whole, and an unclosed quote makes the rest of the file one
// record. A real row is a few kilobytes.
const maxCSVRecord = 1 << 20

var errRecordTooLong = errors.New("csv record too long")

// countingReader counts the bytes read through it, for progress, and
// fails with errRecordTooLong once the count reaches limit (0: none).
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.limit > 0 && c.n >= c.limit {
		return 0, errRecordTooLong
	}
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
	enc     encoding
	size    int64
	closer  io.Closer
	row     int // spreadsheet row of the last record
	endLine int // physical line the last record ended on
}

// newCSVTable starts a pass over r; enc is detected when unknown and kept
// in *enc so that later passes skip the scan.
func newCSVTable(r io.ReaderAt, size int64, closer io.Closer, enc *encoding) (*csvTable, error) {
	if *enc == encUnknown {
		if err := sniffCSV(r, size); err != nil {
			return nil, err
		}
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
	return &csvTable{cr: cr, count: count, enc: *enc, size: size, closer: closer}, nil
}

func (t *csvTable) next() (int, []string, error) {
	t.count.limit = t.count.n + maxCSVRecord
	rec, err := t.cr.Read()
	if err == io.EOF {
		return t.row + 1, nil, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			row := t.row + pe.StartLine - t.endLine
			return row, nil, rowError(row, "CSV格式错误：%s", csvReason(pe.Err))
		case errors.Is(err, errRecordTooLong):
			return t.row + 1, nil, rowError(t.row+1, "CSV格式错误：这一行超过 %s，不是正常的表格数据（常见原因是某个单元格的引号没有成对）",
				byteSize(maxCSVRecord))
		}
		return t.row + 1, nil, readError(err)
	}
	line, _ := t.cr.FieldPos(0)
	t.row += line - t.endLine
	last := len(rec) - 1
	l, _ := t.cr.FieldPos(last)
	t.endLine = l + strings.Count(rec[last], "\n")
	// The GB 18030 decoder gives U+FFFD for bytes it cannot decode, and a
	// file with a UTF-8 BOM may still hold bytes that are not UTF-8: the
	// file is in some third encoding, and its text would be garbled.
	if slices.ContainsFunc(rec, t.garbled) {
		return t.row, nil, rowError(t.row, "含有无法识别的字符：文件既不是UTF-8编码，也不是GB18030（GBK）编码。"+
			"请在Excel或WPS中另存为“CSV UTF-8（逗号分隔）”后再导入")
	}
	return t.row, rec, nil
}

// garbled reports whether a cell holds what its file's encoding could
// not decode. A file without a BOM was found valid UTF-8 throughout, or
// it would be GB 18030.
func (t *csvTable) garbled(cell string) bool {
	switch t.enc {
	case encGB18030:
		return strings.ContainsRune(cell, utf8.RuneError)
	case encUTF8BOM:
		return !utf8.ValidString(cell)
	}
	return false
}

func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return "以引号开头的单元格缺少结束引号"
	case errors.Is(err, csv.ErrBareQuote):
		return "未加引号的单元格中有引号，请把该单元格用双引号括起并把其中的引号写成两个"
	}
	return "无法识别这一行的格式"
}

func (t *csvTable) position() (int64, int64)           { return t.count.n, t.size }
func (t *csvTable) number(_ cellKind, s string) string { return s }

func (t *csvTable) close() error {
	if t.closer != nil {
		return t.closer.Close()
	}
	return nil
}
