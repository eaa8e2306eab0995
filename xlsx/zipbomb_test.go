package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/ziptest"
)

// template returns the .xlsx template of kind, as the web page offers it.
func template(t testing.TB, kind string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, XLSX, kind); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// allocated returns the bytes fn allocates on the heap.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// The bomb of issue 8: the template with 1 GiB of zeros added as
// xl/media/bomb.bin, a 1 MB file. It is refused for what its directory
// declares, before anything is inflated, whether uploaded or opened from
// disk.
func TestReadRefusesZipBomb(t *testing.T) {
	bomb, err := ziptest.Bomb(template(t, spotcheck.KindEntities), "xl/media/bomb.bin", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bomb.xlsx")
	if err := os.WriteFile(path, bomb, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func() error{
		"upload": func() error {
			_, err := Read("bomb.xlsx", bytes.NewReader(bomb), int64(len(bomb)), Entities)
			return err
		},
		"file": func() error { _, err := Open(path, Entities); return err },
	} {
		var err error
		if n := allocated(func() { err = open() }); n > 16<<20 {
			t.Errorf("%s: opening the bomb allocated %d MB", name, n>>20)
		}
		msg := spotcheck.ErrorMessage(err)
		if spotcheck.ErrorCode(err) != spotcheck.EINVALID || !strings.Contains(msg, "“xl/media/bomb.bin”压缩比异常") ||
			!strings.Contains(msg, "解压后为 1.0 GB") || !strings.Contains(msg, "请检查文件是否为正常的Excel表格") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// zipOf writes files (name → content) as a zip archive.
func zipOf(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lying is an entry whose directory declares size bytes while its data is
// a few bytes: CheckZip must judge by the declaration alone.
func lying(name string, size int64) ziptest.Entry {
	data, crc := ziptest.Deflate([]byte("x"))
	return ziptest.Entry{Name: name, Deflated: data, CRC32: crc, Size: size}
}

func TestCheckZipLimits(t *testing.T) {
	lim := ZipLimits{What: "测试文件", Entries: 5, Total: 3 << 20, Entry: 2 << 20, Ratio: 50}
	with := func(entries ...ziptest.Entry) []byte {
		b, err := ziptest.With(zipOf(t, "a.txt", "a"), entries...)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	zeros, zcrc := ziptest.Zeros(2 << 20)
	tests := []struct {
		name string
		file []byte
		want string // "" for no error
	}{
		{"within the limits", with(lying("b.txt", 1<<20), lying("c.txt", 1<<20)), ""},
		{"too many entries", zipOf(t, "1", "", "2", "", "3", "", "4", "", "5", "", "6", ""), "文件包含的条目过多（超过 5 个）"},
		{"an entry too large", with(lying("big.txt", 2<<20+1)), "文件中的“big.txt”解压后过大（声明 2.0 MB，上限 2.0 MB）"},
		{"all entries too large", with(lying("b.txt", 1<<20), lying("c.txt", 1<<20), lying("d.txt", 1<<20)),
			"文件解压后过大（声明 3.0 MB，上限 3.0 MB）"},
		{"compressed too well", with(ziptest.Entry{Name: "z.bin", Deflated: zeros, CRC32: zcrc, Size: 2 << 20}),
			"文件中的“z.bin”压缩比异常"},
		{"small entries are not held to the ratio", with(lying("b.txt", 1<<20)), ""},
		{"not a zip", []byte("统一社会信用代码,名称\n"), "文件不是有效的测试文件"},
		{"cut short", zipOf(t, "a.txt", "a")[:20], "文件不是有效的测试文件"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CheckZip(bytes.NewReader(tt.file), int64(len(tt.file)), lim)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			msg := spotcheck.ErrorMessage(err)
			if spotcheck.ErrorCode(err) != spotcheck.EINVALID || !strings.Contains(msg, tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if strings.Contains(msg, "zip:") {
				t.Errorf("the message shows the Go error: %s", msg)
			}
		})
	}
}

// countSignature counts a signature cut by a block boundary once.
func TestCountSignature(t *testing.T) {
	data := make([]byte, 3<<20)
	for _, at := range []int{0, 256<<10 - 2, 512<<10 - 3, 1<<20 - 1, len(data) - 4} {
		copy(data[at:], centralHeaderSig)
	}
	if n, err := countSignature(bytes.NewReader(data), int64(len(data)), centralHeaderSig, 100); n != 5 || err != nil {
		t.Fatalf("n=%d err=%v", n, err)
	}
}

// A directory that declares fewer bytes than an entry inflates to is not
// believed past what it declares: archive/zip stops with zip.ErrFormat.
// The readers of this package rely on it.
func TestZipReaderStopsAtDeclaredSize(t *testing.T) {
	zeros, crc := ziptest.Zeros(1 << 30)
	b, err := ziptest.With(zipOf(t), ziptest.Entry{Name: "lie.bin", Deflated: zeros, CRC32: crc, Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, rc)
	if n > 1000 || !errors.Is(err, zip.ErrFormat) {
		t.Fatalf("read %d bytes of an entry declaring 1000, err %v", n, err)
	}
}

// A worksheet whose directory entry understates its size (1 GiB of zeros
// declared as 1000 bytes) is read no further than declared and refused as
// damaged, rather than read as a sheet cut short.
func TestReadLyingWorksheet(t *testing.T) {
	zeros, crc := ziptest.Zeros(1 << 30)
	b, err := ziptest.With(template(t, spotcheck.KindEntities),
		ziptest.Entry{Name: "xl/worksheets/sheet1.xml", Deflated: zeros, CRC32: crc, Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var rerr error
	if n := allocated(func() { _, rerr = Read("lie.xlsx", bytes.NewReader(b), int64(len(b)), Entities) }); n > 16<<20 {
		t.Errorf("allocated %d MB", n>>20)
	}
	if msg := spotcheck.ErrorMessage(rerr); !strings.Contains(msg, "文件已损坏或不完整") || goErrorShown(msg) {
		t.Fatalf("error %v", rerr)
	}
}

// goErrorShown reports whether a message meant for users shows an English
// Go error: a word of three or more small letters other than a file
// extension or Excel.
func goErrorShown(msg string) bool {
	for _, ext := range []string{".xlsx", ".xls", ".csv", "Excel"} {
		msg = strings.ReplaceAll(msg, ext, "")
	}
	run := 0
	for _, r := range msg {
		if r >= 'a' && r <= 'z' {
			run++
			if run >= 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// entryOf returns the content of an archive's entry.
func entryOf(t testing.TB, archive []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replaced returns archive with the entry name holding content.
func replaced(t testing.TB, archive []byte, name string, content []byte) []byte {
	t.Helper()
	data, crc := ziptest.Deflate(content)
	b, err := ziptest.With(archive, ziptest.Entry{Name: name, Deflated: data, CRC32: crc, Size: int64(len(content))})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A broken .xlsx is refused with a message in Chinese that says what is
// wrong and what to do; the Go error stays in Error(), for the log.
func TestBrokenXLSXMessages(t *testing.T) {
	tpl := template(t, spotcheck.KindEntities)
	sheet := entryOf(t, tpl, "xl/worksheets/sheet1.xml")
	corrupt := func() []byte {
		data, crc := ziptest.Deflate(sheet)
		data = bytes.Clone(data)
		for i := len(data) / 3; i < len(data)/3+8; i++ {
			data[i] ^= 0x55
		}
		b, err := ziptest.With(tpl, ziptest.Entry{Name: "xl/worksheets/sheet1.xml", Deflated: data, CRC32: crc, Size: int64(len(sheet))})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	method99 := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/workbook.xml", Method: 99, CompressedSize64: 3, UncompressedSize64: 3})
		w.Write([]byte("abc"))
		zw.Close()
		return buf.Bytes()
	}
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"a CSV named .xlsx", []byte("统一社会信用代码,名称\n"), "文件不是有效的Excel表格"},
		{"cut short", tpl[:len(tpl)/2], "文件不是有效的Excel表格"},
		{"an old .xls or a password", append(bytes.Clone(oleSignature), make([]byte, 600)...), "旧版Excel（.xls）文件或设置了打开密码"},
		{"corrupt data", corrupt(), "文件已损坏或不完整"},
		{"an unknown compression", method99(), "文件使用了不支持的压缩方式"},
		{"broken sheet XML", replaced(t, tpl, "xl/worksheets/sheet1.xml", sheet[:len(sheet)/2]), "文件中的表格数据格式有误"},
		{"broken workbook XML", replaced(t, tpl, "xl/workbook.xml", []byte("<workbook><sheets><sheet name=")), "文件中的表格数据格式有误"},
		{"no workbook", zipOf(t, "word/document.xml", "<w:document/>"), "文件中没有Excel工作簿"},
		{"no sheet", replaced(t, tpl, "xl/workbook.xml", []byte(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets></sheets></workbook>`)), "Excel文件中没有工作表"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("e.xlsx", bytes.NewReader(tt.file), int64(len(tt.file)), Entities)
			msg := spotcheck.ErrorMessage(err)
			if spotcheck.ErrorCode(err) != spotcheck.EINVALID || !strings.Contains(msg, tt.want) || goErrorShown(msg) {
				t.Fatalf("got %q (%v), want %q", msg, err, tt.want)
			}
		})
	}
}
