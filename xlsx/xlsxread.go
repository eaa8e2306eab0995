package xlsx

import (
	"io"
	"math"
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
	rows     *excelize.Rows
	row      int
	total    int64
	date1904 bool
}

func newXLSXTable(f *excelize.File) (table, error) {
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "Excel文件中没有工作表")
	}
	t := &xlsxTable{f: f}
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
