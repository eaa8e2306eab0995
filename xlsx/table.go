package xlsx

import (
	"io"
	"strconv"
)

// A table of figures as shown on a page (the statistics dashboard's
// tables, issue 14): a header row and rows of cells, whole numbers
// written as numbers so that a spreadsheet can sum them, everything else
// as text, exactly as the page shows it.

// Table is one table of figures: Title names the sheet.
type Table struct {
	Title   string
	Headers []string
	Rows    [][]string
	// Numeric marks the columns of whole numbers (by index).
	Numeric []bool
}

// tableRow is one row's cells by column index.
type tableRow []string

// WriteTable writes t to out in format.
func WriteTable(out io.Writer, format Format, t Table) error {
	fields := make([]field[tableRow], len(t.Headers))
	for i, h := range t.Headers {
		col := Column{Key: strconv.Itoa(i), Header: h, Width: 16}
		f := field[tableRow]{col: col, get: func(r *tableRow) string {
			if i < len(*r) {
				return (*r)[i]
			}
			return ""
		}, set: func(*tableRow, string) string { return "" }, copy: func(_, _ *tableRow) {}}
		if i < len(t.Numeric) && t.Numeric[i] {
			f.kind = intCell
		}
		fields[i] = f
	}
	w, err := NewWriter(out, format, newCodec(t.Title, func() tableRow { return nil }, fields...))
	if err != nil {
		return err
	}
	for i := range t.Rows {
		r := tableRow(t.Rows[i])
		if err := w.Write(&r); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}
