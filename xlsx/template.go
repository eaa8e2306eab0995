package xlsx

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"

	"spotcheck"
)

// notesSheet is the template's second sheet, which explains the columns.
const notesSheet = "填写说明"

// Template writes an empty import file for kind at path, .xlsx or .csv by
// its extension: the header row only and, in .xlsx, a 填写说明 sheet, drop-
// downs for columns with fixed values and whole code columns formatted as
// text.
func Template(path, kind string) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return spotcheck.Errorf(spotcheck.EINVALID, "无法创建文件：%v", err)
	}
	err = WriteTemplate(f, format, kind)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// WriteTemplate writes the template of kind to out, such as an HTTP
// response.
func WriteTemplate(out io.Writer, format Format, kind string) error {
	s, err := lookup(kind)
	if err != nil {
		return err
	}
	cols := s.columns()
	switch format {
	case CSV:
		bw := bufio.NewWriter(out)
		bw.Write(utf8BOM)
		cw := csv.NewWriter(bw)
		cw.UseCRLF = true
		cw.Write(Headers(kind))
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	case XLSX:
		f := excelize.NewFile()
		defer f.Close()
		if err := fillTemplate(f, kind, cols); err != nil {
			return err
		}
		return f.Write(out)
	}
	return spotcheck.Errorf(spotcheck.EINVALID, "不支持的文件格式“%s”", format)
}

// fillTemplate builds the workbook with the ordinary (non-streaming) API:
// a template is one row, and data validations need it.
func fillTemplate(f *excelize.File, kind string, cols []Column) error {
	sheet := sheetName(kind)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, col := range cols {
		name := columnName(i)
		width := col.Width
		if width == 0 {
			width = 14
		}
		if err := f.SetColWidth(sheet, name, name, width); err != nil {
			return err
		}
		if col.Text {
			if err := f.SetColStyle(sheet, name, st.text); err != nil {
				return err
			}
		}
		cell := name + "1"
		if err := f.SetCellStr(sheet, cell, col.Header); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell, cell, st.header(col)); err != nil {
			return err
		}
		if len(col.Options) > 0 {
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s2:%s%d", name, name, excelize.TotalRows))
			if err := dv.SetDropList(col.Options); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, "输入无效", "请从下拉列表中选择："+strings.Join(col.Options, "、"))
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return err
			}
		}
	}
	if err := f.SetPanes(sheet, frozenHeader()); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 20); err != nil {
		return err
	}
	return writeNotes(f, kind, cols, st)
}

// writeNotes fills the 填写说明 sheet: one line per column.
func writeNotes(f *excelize.File, kind string, cols []Column, st styles) error {
	if _, err := f.NewSheet(notesSheet); err != nil {
		return err
	}
	intro := fmt.Sprintf("%s导入模板：第1行为表头，请勿修改列名；可删去非必填列（删去的列导入时保持原值）。红色列名为必填列。"+
		"代码列已设为文本格式，请勿改为数字，否则长代码的后几位会丢失。日期一律填写为YYYY-MM-DD。",
		spotcheck.KindNames[kind])
	rows := [][]any{{intro}, {"列名", "是否必填", "可填的值及说明"}}
	for _, col := range cols {
		req := "否"
		if col.Required {
			req = "是"
		}
		help := col.Help
		if len(col.Options) > 0 {
			allowed := "可选值：" + strings.Join(col.Options, "、")
			if help != "" {
				allowed += "；" + help
			}
			help = allowed
		}
		rows = append(rows, []any{col.Header, req, help})
	}
	for i, r := range rows {
		if err := f.SetSheetRow(notesSheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	if err := f.MergeCell(notesSheet, "A1", "C1"); err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	last := fmt.Sprintf("C%d", len(rows))
	if err := f.SetCellStyle(notesSheet, "A1", last, wrap); err != nil {
		return err
	}
	if err := f.SetCellStyle(notesSheet, "A2", "C2", st.bold); err != nil {
		return err
	}
	if err := f.SetRowHeight(notesSheet, 1, 60); err != nil {
		return err
	}
	for _, w := range []struct {
		col   string
		width float64
	}{{"A", 18}, {"B", 10}, {"C", 80}} {
		if err := f.SetColWidth(notesSheet, w.col, w.col, w.width); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return nil
}
