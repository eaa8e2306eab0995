package xlsx

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"spotcheck"
)

// readCSV reads data as an uploaded departments file to the end and
// returns the first error.
func readCSV(data []byte) error {
	src, err := Read("d.csv", bytes.NewReader(data), int64(len(data)), Departments)
	if err != nil {
		return err
	}
	for _, err := range src.Rows {
		if err != nil {
			return err
		}
	}
	return nil
}

// A file that is not CSV text is refused for what it is, before any row.
func TestCSVNotText(t *testing.T) {
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(deptCSV)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"a workbook", template(t, spotcheck.KindDepartments), "文件实际是Excel（.xlsx）文件，不是CSV：请把扩展名改为.xlsx后再导入"},
		{"an old workbook", append(bytes.Clone(oleSignature), make([]byte, 100)...), "文件实际是旧版Excel（.xls）文件"},
		{"UTF-16", []byte(utf16), "文件是UTF-16编码（Excel的“Unicode文本”格式）"},
		{"binary", []byte("部门代码,部门名称\x00\x01\x02"), "文件含有二进制内容"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("d.csv", bytes.NewReader(tt.data), int64(len(tt.data)), Departments)
			if msg := spotcheck.ErrorMessage(err); spotcheck.ErrorCode(err) != spotcheck.EINVALID || !strings.Contains(msg, tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// Bytes the file's encoding cannot decode are reported with their row,
// rather than imported as garbled text.
func TestCSVGarbled(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(deptCSV)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data string
	}{
		{"GB 18030", gb + "TJWL,台江\xff,FZWL,350103,文旅部门\n"},
		{"UTF-8 with a BOM", "\uFEFF" + deptCSV + "TJWL,台江\xff,FZWL,350103,文旅部门\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readCSV([]byte(tt.data))
			ie, ok := errors.AsType[*spotcheck.ImportError](err)
			if !ok || ie.Problems[0].Row != 4 || !strings.Contains(ie.Problems[0].Message, "含有无法识别的字符") {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// A record longer than maxCSVRecord stops the reading: an unclosed quote
// would otherwise take the rest of the file, whatever its size, into one
// cell in memory.
func TestCSVRecordTooLong(t *testing.T) {
	rest := strings.Repeat("TJWL,台江区文化和旅游局,FZWL,350103,文旅部门\n", maxCSVRecord/40)
	for name, data := range map[string]string{
		"unclosed quote": deptCSV + "TJWL,\"台江" + rest,
		"one long line":  deptCSV + "TJWL," + strings.ReplaceAll(rest, "\n", ","),
	} {
		t.Run(name, func(t *testing.T) {
			err := readCSV([]byte(data))
			ie, ok := errors.AsType[*spotcheck.ImportError](err)
			if !ok || ie.Problems[0].Row != 4 || !strings.Contains(ie.Problems[0].Message, "这一行超过 1.0 MB") {
				t.Fatalf("got %.300v", err)
			}
		})
	}
	// A long row below the bound reads.
	long := deptCSV + "TJWL," + strings.Repeat("台", maxCSVRecord/4) + ",FZWL,350103,文旅部门\n"
	if err := readCSV([]byte(long)); err != nil {
		t.Fatalf("a long row: %.300v", err)
	}
}

// What is not a regular file is refused before it is opened: a device
// never ends, a named pipe's opening waits for a writer.
func TestOpenRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.csv")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder.xlsx")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{zero, folder} {
		_, err := Open(path, Departments)
		if msg := spotcheck.ErrorMessage(err); !strings.Contains(msg, "不是普通文件，无法导入") {
			t.Errorf("%s: %v", filepath.Base(path), err)
		}
	}
	_, err := Open(filepath.Join(dir, "missing.csv"), Departments)
	if msg := spotcheck.ErrorMessage(err); !strings.HasPrefix(msg, "文件不存在：") || strings.Contains(msg, "no such file") {
		t.Errorf("missing: %v", err)
	}
}
