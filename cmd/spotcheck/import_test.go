package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/pgtest"
	"spotcheck/internal/ziptest"
	"spotcheck/xlsx"
)

// oneEntityXLSX is an .xlsx of one valid entity of 鼓楼, as the program
// exports it.
func oneEntityXLSX(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := xlsx.NewWriter(&buf, xlsx.XLSX, xlsx.Entities)
	if err != nil {
		t.Fatal(err)
	}
	e := spotcheck.Entity{ID: "91350100M000100Y43", Name: "福州某旅行社", Type: "T01", Division: "350102",
		Address: "福州市鼓楼区", Status: "在营", CreditClass: "B", Active: true}
	if err := w.Write(&e); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The zip bomb of issue 8 (1 GiB of zeros added as xl/media/bomb.bin to
// a valid file) is refused by `spotcheck import` with a Chinese message,
// and nothing is imported; the same file without the bomb imports. On
// SQLite and PostgreSQL.
func TestImportRefusesZipBomb(t *testing.T) {
	good := oneEntityXLSX(t)
	bomb, err := ziptest.Bomb(good, "xl/media/bomb.bin", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"depts.csv": []byte("部门代码,部门名称,上级部门代码,区划代码,部门类型\n" +
			"FZWL,福州市文化和旅游局,,350100,文旅部门\nGLWL,鼓楼区文化和旅游局,FZWL,350102,文旅部门\n"),
		"bomb.xlsx": bomb, "good.xlsx": good}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, db := range map[string]func() string{
		"sqlite":   func() string { return filepath.Join(t.TempDir(), "t.db") },
		"postgres": func() string { return pgtest.URL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			db := db()
			if code, _, errs := run(t, "import", "departments", filepath.Join(dir, "depts.csv"), "--db", db); code != 0 {
				t.Fatalf("departments: %s", errs)
			}
			code, out, errs := run(t, "import", "entities", filepath.Join(dir, "bomb.xlsx"), "--db", db)
			if code != 1 || out != "" || !strings.Contains(errs, "“xl/media/bomb.bin”压缩比异常") ||
				!strings.Contains(errs, "解压后为 1.0 GB") || !strings.Contains(errs, "请检查文件是否为正常的Excel表格") {
				t.Fatalf("bomb: exit %d, stdout %q, stderr %s", code, out, errs)
			}
			export := filepath.Join(t.TempDir(), "e.csv")
			if code, _, errs := run(t, "export", "entities", "--db", db, "--out", export); code != 0 {
				t.Fatal(errs)
			}
			if b, _ := os.ReadFile(export); strings.Contains(string(b), "91350100M000100Y43") {
				t.Fatal("the bomb's row was imported")
			}
			if code, out, errs := run(t, "import", "entities", filepath.Join(dir, "good.xlsx"), "--db", db); code != 0 ||
				out != "导入完成：新增 1 条，更新 0 条\n" {
				t.Fatalf("without the bomb: exit %d %q %s", code, out, errs)
			}
		})
	}
}

// A broken .xlsx is explained in Chinese, never with Go's English error.
func TestImportBrokenXLSX(t *testing.T) {
	dir := t.TempDir()
	good := oneEntityXLSX(t)
	for name, tt := range map[string]struct {
		data []byte
		want string
	}{
		"text.xlsx":  {[]byte("统一社会信用代码,名称\n"), "文件不是有效的Excel表格"},
		"cut.xlsx":   {good[:len(good)-100], "文件不是有效的Excel表格"},
		"empty.xlsx": {nil, "文件不是有效的Excel表格"},
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, tt.data, 0o644)
		code, _, errs := run(t, "import", "entities", path, "--db", filepath.Join(dir, "t.db"))
		if code != 1 || !strings.Contains(errs, tt.want) || strings.Contains(errs, "zip") {
			t.Errorf("%s: exit %d, %s", name, code, errs)
		}
	}
	if code, _, errs := run(t, "import", "entities", dir+"/missing.xlsx", "--db", filepath.Join(dir, "t.db")); code != 1 ||
		!strings.Contains(errs, "文件不存在") || strings.Contains(errs, "no such file") {
		t.Errorf("missing file: exit %d, %s", code, errs)
	}
}
