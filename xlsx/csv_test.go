package xlsx

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"spotcheck"
)

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const deptCSV = "部门代码,部门名称,上级部门代码,区划代码,部门类型\n" +
	"FZWL,福州市文化和旅游局,,350100,文旅部门\n" +
	"GLWL,鼓楼区文化和旅游局,FZWL,350102,文旅部门\n"

func TestCSVEncodings(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(deptCSV)
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(strings.ReplaceAll(deptCSV, "\n", "\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"utf8":         deptCSV,
		"utf8-crlf":    strings.ReplaceAll(deptCSV, "\n", "\r\n"),
		"utf8-bom":     "\uFEFF" + deptCSV,
		"utf8-bom-crl": "\uFEFF" + strings.ReplaceAll(deptCSV, "\n", "\r\n"),
		"gb18030":      gb,
		"gbk-crlf":     gbk,
		// Past the scanner's first chunk, so that a rune split between
		// chunks is seen whole.
		"utf8-long": deptCSV + strings.Repeat("\n", 65533) + "ZZWL,测试部门,,350100,文旅部门\n",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "d.csv")
			writeFile(t, path, content)
			rows := readAll(t, path, Departments)
			if len(rows) < 2 {
				t.Fatalf("got %d rows", len(rows))
			}
			want := spotcheck.Department{Code: "GLWL", Name: "鼓楼区文化和旅游局", Parent: "FZWL", Division: "350102",
				Kind: "文旅部门", Active: true}
			if rows[1].Value != want || rows[1].Row != 3 {
				t.Errorf("row %d: %+v", rows[1].Row, rows[1].Value)
			}
			if name == "utf8-long" && (len(rows) != 3 || rows[2].Row != 65537 || rows[2].Value.Name != "测试部门") {
				t.Errorf("long: %d rows, last %+v", len(rows), rows[len(rows)-1])
			}
		})
	}
	// The split-rune case proper: a 3-byte character across the 64 KiB
	// boundary of the scan must not turn UTF-8 into GB 18030.
	for pad := 0; pad < 4; pad++ {
		s := strings.Repeat("a", 64<<10-pad) + "福州"
		if e, _ := detectEncoding(strings.NewReader(s)); e != encUTF8 {
			t.Errorf("pad %d: %v", pad, e)
		}
	}
	if e, _ := detectEncoding(strings.NewReader(gb)); e != encGB18030 {
		t.Errorf("gb: %v", e)
	}
}

func TestCSVRowNumbers(t *testing.T) {
	content := "部门代码,部门名称,上级部门代码,区划代码,部门类型\r\n" +
		"\r\n" + // row 2: blank
		"AAAA,\"名称\r\n跨行\",,350100,文旅部门\r\n" + // row 3, one row in a spreadsheet
		",,,,\r\n" + // row 4: all empty, skipped
		"  ,\t\r\n" + // row 5: blanks only, skipped
		"\r\n\r\n" + // rows 6, 7
		"BBBB,乙,,350100,文旅部门,,\r\n" + // row 8: empty extra cells are fine
		"CCCC,丙,,350100\r\n" + // row 9: fewer cells
		"DDDD,丁,,350100,文旅部门,多余\r\n" // row 10: a cell beyond the header
	path := filepath.Join(t.TempDir(), "d.csv")
	writeFile(t, path, content)
	rows := readAll(t, path, Departments)
	var got []int
	for _, r := range rows {
		got = append(got, r.Row)
	}
	if want := []int{3, 8, 9, 10}; !slices.Equal(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	if rows[0].Value.Name != "名称\n跨行" {
		t.Errorf("multi-line cell %q", rows[0].Value.Name)
	}
	if rows[2].Value.Kind != "" || len(rows[2].Problems) != 0 {
		t.Errorf("short row %+v", rows[2])
	}
	ps := rows[3].Problems
	if len(ps) != 1 || !strings.Contains(ps[0].Message, "第F列") {
		t.Errorf("extra cell problems %v", ps)
	}
}

func TestCSVBrokenQuote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.csv")
	writeFile(t, path, deptCSV+"\nEEEE,\"未闭合,,350100,文旅部门\n")
	src, err := Open(path, Departments)
	if err != nil {
		t.Fatal(err)
	}
	var last error
	n := 0
	for _, err := range src.Rows {
		if err != nil {
			last = err
			break
		}
		n++
	}
	var ie *spotcheck.ImportError
	if n != 2 || !errors.As(last, &ie) || ie.Problems[0].Row != 5 {
		t.Fatalf("n=%d err=%v", n, last)
	}
}

func TestCSVBareQuote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.csv")
	writeFile(t, path, deptCSV+"EEEE,5\"屏,,350100,文旅部门\n")
	src, err := Open(path, Departments)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range src.Rows {
		if err != nil {
			if !strings.HasPrefix(err.Error(), "第4行 CSV格式错误：") {
				t.Errorf("error %q", err)
			}
			return
		}
	}
	t.Error("no error")
}

func TestHeaderErrors(t *testing.T) {
	cases := []struct {
		header, column, message string
	}{
		{"统一社会信用代码,名称,类型,区划代码,地址,经营状态,信用风险分类,备注", "备注", "未知的列"},
		{"统一社会信用代码,名称,类型,区划代码,地址,经营状态,信用风险分类,名称", "名称", "列重复（第B列和第H列）"},
		{"统一社会信用代码,名称,类型,区划代码,地址,经营状态", "信用风险分类", "缺少必填列"},
		{"\uFEFF 统一社会信用代码 ,名称,类型,区划代码,地址,经营状态, 信用风险分类,法人", "法人", "可用的列为：统一社会信用代码、名称"},
	}
	for _, c := range cases {
		for _, ext := range []string{".csv", ".xlsx"} {
			path := filepath.Join(t.TempDir(), "e"+ext)
			if ext == ".csv" {
				writeFile(t, path, c.header+"\n91350100MA2XYZ1234,x,T01,350102,a,在营,A\n")
			} else {
				writeSheet(t, path, [][]any{toAny(strings.Split(c.header, ","))})
			}
			_, err := Open(path, Entities)
			var ie *spotcheck.ImportError
			if !errors.As(err, &ie) || ie.Total != 1 {
				t.Fatalf("%s %q: %v", ext, c.header, err)
			}
			p := ie.Problems[0]
			if p.Row != 1 || p.Column != c.column || !strings.Contains(p.Message, c.message) {
				t.Errorf("%s: got %+v, want row 1 %s %s", ext, p, c.column, c.message)
			}
			if !strings.HasPrefix(ie.Error(), "第1行 "+c.column+"：") {
				t.Errorf("message %q", ie.Error())
			}
		}
	}
	path := filepath.Join(t.TempDir(), "empty.csv")
	writeFile(t, path, "\uFEFF\r\n,,\r\n")
	if _, err := Open(path, Entities); err == nil || !strings.Contains(err.Error(), "表头") {
		t.Errorf("empty file: %v", err)
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func TestReadFromReaderAt(t *testing.T) {
	src, err := Read("上传.CSV", strings.NewReader(deptCSV), int64(len(deptCSV)), Departments)
	if err != nil {
		t.Fatal(err)
	}
	if src.Name != "上传.CSV" {
		t.Errorf("name %q", src.Name)
	}
	// Twice: every range re-reads the file.
	for range 2 {
		n := 0
		for r, err := range src.Rows {
			if err != nil || r.Value.Code == "" {
				t.Fatal(r, err)
			}
			n++
		}
		if n != 2 {
			t.Errorf("n = %d", n)
		}
	}
}

func TestProgress(t *testing.T) {
	var b strings.Builder
	b.WriteString("部门代码,部门名称,区划代码,部门类型\n")
	for range 10000 {
		b.WriteString("FZWL,福州,350100,文旅部门\n")
	}
	path := filepath.Join(t.TempDir(), "d.csv")
	writeFile(t, path, b.String())
	var calls, lastRows int
	var lastDone, lastTotal int64
	readAll(t, path, Departments, WithProgress(func(rows int, done, total int64) {
		calls++
		lastRows, lastDone, lastTotal = rows, done, total
	}))
	if calls < 3 || lastRows != 10000 || lastDone != lastTotal || lastTotal != int64(b.Len()) {
		t.Errorf("calls %d rows %d %d/%d", calls, lastRows, lastDone, lastTotal)
	}
}

// FuzzDecodeCSV feeds arbitrary bytes to the CSV reader: any input must
// give rows or an error, never a panic, and rows must be numbered upward.
func FuzzDecodeCSV(f *testing.F) {
	f.Add([]byte(deptCSV))
	f.Add([]byte("\uFEFF" + strings.ReplaceAll(deptCSV, "\n", "\r\n")))
	f.Add([]byte("部门代码,部门名称,区划代码,部门类型\n\"a\nb\",\"\"\"\",x\n\n\n,,,\nA,B,C,D,E\n"))
	f.Add([]byte("部门代码,部门名称,区划代码,部门类型\n\"unterminated\n"))
	f.Add([]byte("部门代码,部门名称\nx\"y,z\n"))
	f.Add([]byte{0xB2, 0xBF, 0xC3, 0xC5, ',', 0xFF, 0xFE, '\n'})
	f.Add([]byte("名称,名称,未知\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := Read("f.csv", bytes.NewReader(data), int64(len(data)), Departments)
		if err != nil {
			return
		}
		last := 0
		for r, err := range src.Rows {
			if err != nil {
				return
			}
			if r.Row <= last {
				t.Fatalf("row %d after %d", r.Row, last)
			}
			last = r.Row
		}
	})
}
