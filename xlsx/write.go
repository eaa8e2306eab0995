package xlsx

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"spotcheck"
)

// Writer writes records of one kind to a file whose header row is all the
// kind's columns, so that the file re-imports unchanged.
type Writer[T any] struct {
	c    *Codec[T]
	out  io.Writer
	file *os.File // set by Create, closed (and removed on failure) by Close
	err  error

	// CSV
	bw *bufio.Writer
	cw *csv.Writer

	// XLSX
	xf   *excelize.File
	sw   *excelize.StreamWriter
	row  int
	vals []any
}

// Create creates the file at path, .csv or .xlsx by its extension, and
// writes the header row. Close must be called; a file whose writing failed
// is removed by Close.
func Create[T any](path string, c *Codec[T]) (*Writer[T], error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "无法创建文件：%v", err)
	}
	w, err := NewWriter(f, format, c)
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	w.file = f
	return w, nil
}

// NewWriter writes a file of the given format to out, such as an HTTP
// response. An .xlsx workbook reaches out only at Close.
func NewWriter[T any](out io.Writer, format Format, c *Codec[T]) (*Writer[T], error) {
	w := &Writer[T]{c: c, out: out}
	switch format {
	case CSV:
		// A BOM and CRLF are what Excel and WPS need to open UTF-8 CSV
		// with Chinese text correctly.
		w.bw = bufio.NewWriterSize(out, 64<<10)
		if _, err := w.bw.Write(utf8BOM); err != nil {
			return nil, err
		}
		w.cw = csv.NewWriter(w.bw)
		w.cw.UseCRLF = true
		if err := w.cw.Write(c.Headers()); err != nil {
			return nil, err
		}
	case XLSX:
		if err := w.startXLSX(); err != nil {
			if w.xf != nil {
				w.xf.Close()
			}
			return nil, err
		}
	default:
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "不支持的文件格式“%s”", format)
	}
	return w, nil
}

// startXLSX sets up the streamed sheet: named after the kind, header row
// bold and frozen, code columns formatted as text so that Excel keeps
// their digits when people edit the file.
func (w *Writer[T]) startXLSX() error {
	w.xf = excelize.NewFile()
	sheet := sheetName(w.c.Kind)
	if err := w.xf.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newStyles(w.xf)
	if err != nil {
		return err
	}
	if w.sw, err = w.xf.NewStreamWriter(sheet); err != nil {
		return err
	}
	if err := setColumns(w.sw, w.c.Columns, st); err != nil {
		return err
	}
	if err := w.sw.SetPanes(frozenHeader()); err != nil {
		return err
	}
	w.vals = make([]any, len(w.c.Columns))
	for i, col := range w.c.Columns {
		w.vals[i] = excelize.Cell{StyleID: st.header(col), Value: col.Header}
	}
	w.row = 1
	return w.sw.SetRow("A1", w.vals, excelize.RowOpts{Height: 20})
}

// Write appends one record.
func (w *Writer[T]) Write(v *T) error {
	if w.err != nil {
		return w.err
	}
	if w.cw != nil {
		cells := w.c.Encode(v)
		for i, c := range cells {
			cells[i] = escapeFormula(c)
		}
		w.err = w.cw.Write(cells)
		return w.err
	}
	if w.row >= excelize.TotalRows {
		w.err = spotcheck.Errorf(spotcheck.EINVALID, "记录超过Excel单个工作表的最大行数%d，请导出为CSV", excelize.TotalRows-1)
		return w.err
	}
	w.row++
	for i := range w.c.fields {
		f := &w.c.fields[i]
		s := f.get(v)
		switch {
		case s == "":
			w.vals[i] = nil // no cell at all: smaller file, faster writing
		case len(s) > maxCellChars && utf8.RuneCountInString(s) > maxCellChars:
			// excelize would cut the text short; an export must not lose data.
			w.err = spotcheck.Errorf(spotcheck.EINVALID, "第%d行 %s：内容超过Excel单元格上限%d个字符，请导出为CSV",
				w.row, f.col.Header, maxCellChars)
			return w.err
		case f.kind == intCell:
			n, _ := strconv.Atoi(s)
			w.vals[i] = n
		default:
			w.vals[i] = s
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err == nil {
		err = w.sw.SetRow(cell, w.vals)
	}
	w.err = err
	return err
}

// maxCellChars is the most characters an Excel cell holds.
const maxCellChars = 32767

// Close finishes the file. For a file made by Create it also closes it,
// and removes it when anything failed, so that no half-written export is
// left behind.
func (w *Writer[T]) Close() error {
	err := w.err
	if w.cw != nil {
		if err == nil {
			w.cw.Flush()
			err = w.cw.Error()
		}
		if err == nil {
			err = w.bw.Flush()
		}
	}
	if w.xf != nil {
		if err == nil {
			err = w.sw.Flush()
		}
		if err == nil {
			err = w.xf.Write(w.out)
		}
		if cerr := w.xf.Close(); err == nil {
			err = cerr
		}
		w.xf = nil
	}
	if w.file != nil {
		if cerr := w.file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(w.file.Name())
		}
		w.file = nil
	}
	if err != nil && w.err == nil {
		w.err = err
	}
	if err == nil {
		w.err = errors.New("xlsx: Writer is closed")
	}
	return err
}

// styles are the cell styles of a written sheet.
type styles struct {
	bold, boldRequired, text int
}

// header returns the header cell's style: bold, required columns in red,
// as the template's notes explain.
func (s styles) header(col Column) int {
	if col.Required {
		return s.boldRequired
	}
	return s.bold
}

// textFormat is Excel's built-in number format 49, "@" (text).
const textFormat = 49

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	if s.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill,
		NumFmt: textFormat}); err != nil {
		return s, err
	}
	if s.boldRequired, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Fill: fill,
		NumFmt: textFormat}); err != nil {
		return s, err
	}
	s.text, err = f.NewStyle(&excelize.Style{NumFmt: textFormat})
	return s, err
}

// setColumns sets widths and the text format of code columns; the stream
// writer needs them before the first row.
func setColumns(sw *excelize.StreamWriter, cols []Column, st styles) error {
	for i, col := range cols {
		width := col.Width
		if width == 0 {
			width = 14
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
		if col.Text {
			if err := sw.SetColStyle(i+1, i+1, st.text); err != nil {
				return err
			}
		}
	}
	return nil
}

// frozenHeader keeps the header row in view while scrolling.
func frozenHeader() *excelize.Panes {
	return &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}
}

// sheetName is the first sheet's name: the kind's Chinese name.
func sheetName(kind string) string {
	if n := spotcheck.KindNames[kind]; n != "" {
		return n
	}
	return kind
}
