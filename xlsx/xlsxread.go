package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"spotcheck"
)

// xlsxTable is one pass over the first sheet of a workbook. Cells are read
// raw (RawCellValue): a code that Excel turned into a number arrives as
// the number's own text ("9.13501E+17"), which CheckCreditCode recognises
// and explains, rather than as whatever the cell's format displays.
type xlsxTable struct {
	f        *excelize.File
	dir      string // the pass's temporary directory, removed by close
	rows     *excelize.Rows
	row      int
	total    int64
	date1904 bool
}

// openXLSX opens the workbook of size bytes in r for one pass, within
// bounds on memory and disk that do not depend on what the file claims:
//
//   - CheckZip holds the zip directory against xlsxLimits;
//   - only the parts that reading cells needs (see neededPart) are copied,
//     still compressed, into a private temporary archive, which excelize
//     opens: pictures and other embedded files are never inflated;
//   - the parts excelize reads into memory whole are bounded together
//     (xlsxInMemory), and the shared strings, which it indexes, alone
//     (xlsxSharedStrings);
//   - every part of the copy is inflated once, streaming, before excelize
//     sees it (verifyParts): a part that is corrupt or longer than
//     declared, which excelize would read into memory whole and silently
//     cut, is refused, and so is a cell or row too large to hold.
//
// r is not used after openXLSX returns.
func openXLSX(r io.ReaderAt, size int64) (table, error) {
	head := make([]byte, len(oleSignature))
	if _, err := r.ReadAt(head, 0); err == nil && bytes.Equal(head, oleSignature) {
		return nil, encryptedError(nil)
	}
	zr, err := CheckZip(r, size, xlsxLimits)
	if err != nil {
		return nil, err
	}
	parts, err := neededParts(zr)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "spotcheck-xlsx-")
	if err != nil {
		return nil, err
	}
	f, err := openParts(dir, parts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	t, err := newXLSXTable(f, dir)
	if err != nil {
		os.RemoveAll(dir)
	}
	return t, err
}

// openParts copies parts, compressed as they are, into a new archive in
// dir, verifies the copy and opens it with excelize, which unpacks large
// worksheets into dir too. The copy is removed once excelize has read it.
func openParts(dir string, parts []*zip.File) (*excelize.File, error) {
	path := filepath.Join(dir, "book.xlsx")
	defer os.Remove(path)
	out, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	zw := zip.NewWriter(out)
	for _, p := range parts {
		if err = zw.Copy(p); err != nil {
			break
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = verifyParts(path)
	}
	if err != nil {
		return nil, xlsxError(err)
	}
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, TmpDir: dir,
		UnzipSizeLimit: xlsxLimits.Total, UnzipXMLSizeLimit: xlsxSpill})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, xlsxError(err)
	}
	return f, nil
}

func newXLSXTable(f *excelize.File, dir string) (table, error) {
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "Excel文件中没有工作表")
	}
	t := &xlsxTable{f: f, dir: dir}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		t.date1904 = *props.Date1904
	}
	// The dimension ("A1:Q1001") gives the last row, for progress only.
	if dim, err := f.GetSheetDimension(sheets[0]); err == nil {
		if _, last, ok := strings.Cut(dim, ":"); ok {
			if _, row, err := excelize.CellNameToCoordinates(last); err == nil {
				t.total = int64(row)
			}
		}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, xlsxError(err)
	}
	t.rows = rows
	return t, nil
}

// next returns the next row with a cell. excelize's iterator steps
// through every row number, empty ones included, so counting its steps
// gives the row numbers the sheet shows.
func (t *xlsxTable) next() (int, []string, error) {
	for t.rows.Next() {
		t.row++
		cells, err := t.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return t.row, nil, xlsxError(err)
		}
		if len(cells) > 0 {
			return t.row, cells, nil
		}
	}
	if err := t.rows.Error(); err != nil {
		return t.row, nil, xlsxError(err)
	}
	return t.row + 1, nil, io.EOF
}

func (t *xlsxTable) position() (int64, int64) { return int64(t.row), max(t.total, int64(t.row)) }

func (t *xlsxTable) close() error {
	err := t.rows.Close()
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	if rerr := os.RemoveAll(t.dir); err == nil {
		err = rerr
	}
	return err
}

// Excel date serials that are taken for dates: 1910-01-01 to 2099-12-31.
// A smaller number in a date column is more likely a typed year (2026)
// than a date, and is left for Validate to reject.
const (
	minDateSerial = 3654
	maxDateSerial = 73050
)

// number converts a raw number the way the cell most likely showed it: a
// date serial in a date column as YYYY-MM-DD, a fraction in a percentage
// column as "3%". Text cells and other numbers pass unchanged.
func (t *xlsxTable) number(k cellKind, s string) string {
	if s == "" || !isPlainNumber(s) {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	switch k {
	case dateCell:
		// A fraction is a time of day, which a date column drops.
		if v >= minDateSerial && v < maxDateSerial+1 {
			if d, err := excelize.ExcelDateToTime(math.Floor(v), t.date1904); err == nil {
				return d.Format(spotcheck.DateLayout)
			}
		}
	case percentCell:
		if v > 0 && v < 1 {
			return strconv.FormatFloat(math.Round(v*1e4)/100, 'f', -1, 64) + "%"
		}
	}
	return s
}

// isPlainNumber reports whether s is a number as a sheet stores it:
// digits with an optional fraction and exponent, no sign, no separators.
func isPlainNumber(s string) bool {
	digits := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' || c == 'E' || c == 'e' || c == '+' || c == '-':
		default:
			return false
		}
	}
	return digits && s[0] >= '0' && s[0] <= '9'
}
