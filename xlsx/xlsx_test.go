package xlsx

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"spotcheck"
)

// writeSheet writes rows (from row 1, nil rows left empty) to the first
// sheet of a new workbook.
func writeSheet(t testing.TB, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if r == nil {
			continue
		}
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

var entityHeader = toAny(Headers(spotcheck.KindEntities))

func TestXLSXNumbersAndDates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.xlsx")
	f := excelize.NewFile()
	sheet := "Sheet1"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow(sheet, "A1", &entityHeader))
	// Row 2: a credit code typed as a number, a date typed as a date,
	// yes/no as an Excel boolean, a phone as a number.
	must(f.SetSheetRow(sheet, "A2", &[]any{913501000000000000, "名称", "T01", 350102, "地址"}))
	must(f.SetCellValue(sheet, "I2", "在营"))
	must(f.SetCellValue(sheet, "J2", "A"))
	must(f.SetCellBool(sheet, "K2", true))
	must(f.SetCellValue(sheet, "L2", "原因"))
	must(f.SetCellValue(sheet, "M2", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))
	must(f.SetCellValue(sheet, "O2", 2024))        // a year, not a date
	must(f.SetCellValue(sheet, "P2", 13800000000)) // phone
	// Rows 3–4 empty; row 5 holds a code in scientific notation as Excel
	// stores it and a date serial as a plain number; row 6 only blanks.
	must(f.SetSheetRow(sheet, "A5", &[]any{"9.13501E+17", "名称2"}))
	must(f.SetCellValue(sheet, "O5", 45292))
	must(f.SetCellValue(sheet, "B6", "  "))
	must(f.SaveAs(path))
	f.Close()

	rows := readAll(t, path, Entities)
	if len(rows) != 2 || rows[0].Row != 2 || rows[1].Row != 5 {
		t.Fatalf("rows %+v", rows)
	}
	e := rows[0].Value
	if e.ID != "913501000000000000" || e.Division != "350102" || !e.Key || e.KeyExpiry != "2026-03-01" ||
		e.Founded != "2024" || e.Phone != "13800000000" {
		t.Errorf("row 2: %+v", e)
	}
	for _, r := range rows {
		_, err := spotcheck.CheckCreditCode(r.Value.ID)
		if msg := spotcheck.ErrorMessage(err); !strings.Contains(msg, "表格软件") {
			t.Errorf("row %d: code %q: %q", r.Row, r.Value.ID, msg)
		}
	}
	if rows[1].Value.Founded != "2024-01-01" {
		t.Errorf("serial: %q", rows[1].Value.Founded)
	}
}

func TestXLSXPercent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "i.xlsx")
	writeSheet(t, path, [][]any{
		{"事项编码", "事项名称", "检查主体", "检查对象类型", "生效日期", "抽查比例", "抽查频次"},
		{"WL-1", "甲", "局", "T01", 46082, 0.025, 2},
		{"WL-2", "乙", "局", "T01", "2026-03-01", "3%", "2"},
		{"WL-3", "丙", "局", "T01", "2026-3-1", 3, 1.5},
	})
	rows := readAll(t, path, Items)
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	if v := rows[0].Value; v.Ratio != "2.5%" || v.Frequency != 2 || v.EffectiveFrom != "2026-03-01" {
		t.Errorf("row 2: %+v", v)
	}
	if v := rows[1].Value; v.Ratio != "3%" || v.Frequency != 2 {
		t.Errorf("row 3: %+v", v)
	}
	if r := rows[2]; r.Value.Ratio != "3" || r.Value.EffectiveFrom != "2026-03-01" || len(r.Problems) != 1 ||
		r.Problems[0].Label != "抽查频次" {
		t.Errorf("row 4: %+v", r)
	}
}

func TestXLSXExportLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.xlsx")
	w, err := Create(path, Entities)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sampleEntities {
		if err := w.Write(&sampleEntities[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&sampleEntities[0]); err == nil {
		t.Error("write after close")
	}
	var done, total int64
	readAll(t, path, Entities, WithProgress(func(_ int, d, t int64) { done, total = d, t }))
	if done != 3 || total != 3 {
		t.Errorf("progress %d/%d", done, total)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"检查对象"}) {
		t.Errorf("sheets %v", got)
	}
	checkTextColumns(t, f, "检查对象", Entities.Columns)
	typ, _ := f.GetCellType("检查对象", "A2")
	if typ != excelize.CellTypeInlineString {
		t.Errorf("code cell type %v", typ)
	}
	panes, _ := f.GetPanes("检查对象")
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v", panes)
	}
	hs, _ := f.GetCellStyle("检查对象", "A1")
	if st, _ := f.GetStyle(hs); st == nil || !st.Font.Bold {
		t.Errorf("header style %+v", st)
	}
}

// checkTextColumns wants every Text column, and only those, formatted "@".
func checkTextColumns(t *testing.T, f *excelize.File, sheet string, cols []Column) {
	t.Helper()
	for i, col := range cols {
		id, err := f.GetColStyle(sheet, columnName(i))
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.GetStyle(id)
		if isText := st != nil && st.NumFmt == textFormat; isText != col.Text {
			t.Errorf("column %s (%s): text format %v", columnName(i), col.Header, isText)
		}
	}
}

func TestTemplate(t *testing.T) {
	for _, kind := range spotcheck.ImportKinds {
		dir := t.TempDir()
		csvPath := filepath.Join(dir, kind+".csv")
		if err := Template(csvPath, kind); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(csvPath)
		want := "\uFEFF" + strings.Join(Headers(kind), ",") + "\r\n"
		if string(b) != want {
			t.Errorf("%s csv template %q", kind, b)
		}
		xPath := filepath.Join(dir, kind+".xlsx")
		if err := Template(xPath, kind); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenFile(xPath)
		if err != nil {
			t.Fatal(err)
		}
		sheet := spotcheck.KindNames[kind]
		if got := f.GetSheetList(); !slices.Equal(got, []string{sheet, notesSheet}) {
			t.Errorf("sheets %v", got)
		}
		rows, _ := f.GetRows(sheet)
		if len(rows) != 1 || !slices.Equal(rows[0], Headers(kind)) {
			t.Errorf("%s header %v", kind, rows)
		}
		checkTextColumns(t, f, sheet, mustColumns(kind))
		notes, _ := f.GetRows(notesSheet)
		if len(notes) != len(Headers(kind))+2 {
			t.Errorf("%s notes %d rows", kind, len(notes))
		}
		if kind == spotcheck.KindEntities {
			dvs, _ := f.GetDataValidations(sheet)
			if len(dvs) != 4 {
				t.Errorf("data validations %d", len(dvs))
			}
			text := fmt.Sprint(notes)
			for _, s := range []string{"在营、停业、注销、吊销、迁出", "A、B、C、D", "T05 导游/领队", "是、否", "YYYY-MM-DD"} {
				if !strings.Contains(text, s) {
					t.Errorf("notes lack %s", s)
				}
			}
		}
		f.Close()
		// A template imports as an empty file.
		for _, p := range []string{csvPath, xPath} {
			if n := countRows(t, p, kind); n != 0 {
				t.Errorf("%s: %d rows", p, n)
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, XLSX, spotcheck.KindItems); err != nil || buf.Len() == 0 {
		t.Errorf("WriteTemplate: %v", err)
	}
}

func mustColumns(kind string) []Column {
	c, _ := ColumnsOf(kind)
	return c
}

// countRows opens path with kind's codec, whatever its record type.
func countRows(t *testing.T, path, kind string) int {
	t.Helper()
	switch kind {
	case spotcheck.KindEntities:
		return len(readAll(t, path, Entities))
	case spotcheck.KindInspectors:
		return len(readAll(t, path, Inspectors))
	case spotcheck.KindExperts:
		return len(readAll(t, path, Experts))
	case spotcheck.KindAgencies:
		return len(readAll(t, path, Agencies))
	case spotcheck.KindItems:
		return len(readAll(t, path, Items))
	case spotcheck.KindResponsibilities:
		return len(readAll(t, path, Responsibilities))
	case spotcheck.KindDepartments:
		return len(readAll(t, path, Departments))
	case spotcheck.KindConflicts:
		return len(readAll(t, path, Conflicts))
	case spotcheck.KindComplaints:
		return len(readAll(t, path, Complaints))
	case spotcheck.KindPenalties:
		return len(readAll(t, path, Penalties))
	}
	t.Fatalf("kind %s", kind)
	return 0
}

func TestXLSXCellLimit(t *testing.T) {
	w, err := NewWriter(io.Discard, XLSX, Items)
	if err != nil {
		t.Fatal(err)
	}
	it := sampleItems[0]
	it.Content = strings.Repeat("长", maxCellChars+1)
	if err := w.Write(&it); err == nil || !strings.Contains(err.Error(), "第2行 检查内容") {
		t.Errorf("got %v", err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close must report the failed write")
	}
}

func TestNewWriterCSVBytes(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, CSV, Departments)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(&sampleDepartments[1])
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFF部门代码,部门名称,上级部门代码,区划代码,部门类型,名录状态\r\nGLWL,鼓楼区文化和旅游局,FZWL,350102,文旅部门,已停用\r\n"
	if buf.String() != want {
		t.Errorf("got %q", buf.String())
	}
}
