package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/pgtest"
)

// sysCtx is the context of tests that call the store directly, as the
// command line does: a system principal (the store refuses a context
// without one).
var sysCtx = spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("cli:test"))

// run runs the program with args and returns its exit status and output.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }}
	code = m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestCreditCode(t *testing.T) {
	code, out, _ := run(t, "creditcode", "91350100M000100Y43", " 91350100m000100y43 ", "350100000000001")
	if code != 0 {
		t.Fatalf("exit %d, out %q", code, out)
	}
	want := "91350100M000100Y43\tOK\n 91350100m000100y43 \tOK\n350100000000001\tOK 注册号\n"
	if out != want {
		t.Fatalf("out = %q, want %q", out, want)
	}
	code, out, _ = run(t, "creditcode", "91350100M000100Y43", "91350100M000100Y44")
	if code != 1 || !strings.Contains(out, "91350100M000100Y44\t校验位错误：第18位应为“3”，实际为“4”") {
		t.Fatalf("exit %d, out %q", code, out)
	}
	if code, _, _ := run(t, "creditcode"); code != 2 {
		t.Fatalf("no args: exit %d, want 2", code)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"import", "entities"}, {"import", "planes", "x.csv"}, {"export", "entities"}} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

const entityHeader = "统一社会信用代码,名称,类型,区划代码,地址,经营状态,信用风险分类\n"

func TestImportBadRowsWriteNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	if code, _, errs := run(t, "demo", "--no-serve", "--db", db); code != 0 {
		t.Fatalf("demo: %d %s", code, errs)
	}
	_, before, _ := run(t, "export", "entities", "--db", db, "--out", filepath.Join(dir, "before.csv"))
	_ = before
	csv := filepath.Join(dir, "bad.csv")
	body := entityHeader +
		"91350102MA2Y0000X0,好的示例,旅行社,350102,福州市,在营,A\n" + // check character wrong
		"9.13501E+17,数字化的代码,T01,350102,福州市,在营,A\n" +
		"91350100M000100Y43,未知类型,飞机场,350102,福州市,在营,A\n" +
		"91350100M000100Y43,重复,T01,350102,福州市,在营,B\n" +
		"91350102MA0000010D,,T01,350199,福州市,倒闭,E\n"
	os.WriteFile(csv, []byte(body), 0o644)
	code, out, errs := run(t, "import", "entities", csv, "--db", db)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errs)
	}
	for _, w := range []string{
		"第2行 统一社会信用代码：校验位错误",
		"第3行 统一社会信用代码：代码“9.13501E+17”已被表格软件存为数字",
		"第4行 类型：“飞机场”不是已知的检查对象类型",
		"第5行 统一社会信用代码：“91350100M000100Y43”与第4行重复",
		"第6行 名称：不能为空",
		"第6行 区划代码：“350199”不是已知的行政区划代码",
		"第6行 经营状态：“倒闭”无效",
		"第6行 信用风险分类：“E”无效",
		"未写入任何数据",
	} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	// Nothing written: the good rows of the file are not in the database.
	after := filepath.Join(dir, "after.csv")
	run(t, "export", "entities", "--db", db, "--out", after)
	a, _ := os.ReadFile(after)
	b, _ := os.ReadFile(filepath.Join(dir, "before.csv"))
	if !bytes.Equal(a, b) {
		t.Fatal("a failed import changed the entities")
	}
	// An unknown extra column is an error too.
	os.WriteFile(csv, []byte(strings.TrimSuffix(entityHeader, "\n")+",备注\n"), 0o644)
	if code, _, errs := run(t, "import", "entities", csv, "--db", db); code != 1 || !strings.Contains(errs, "第1行 备注") {
		t.Fatalf("extra column: exit %d, %s", code, errs)
	}
}

// The demo database exports every kind, and every export re-imports
// unchanged, in .csv and .xlsx alike.
func TestDemoExportReimport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	code, out, errs := run(t, "demo", "--no-serve", "--db", db)
	if code != 0 || !strings.Contains(out, "planner") || !strings.Contains(out, demo.Password) {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errs)
	}
	// A second run keeps the database.
	if code, _, errs := run(t, "demo", "--no-serve", "--db", db); code != 0 || !strings.Contains(errs, "已存在") {
		t.Fatalf("second demo: %d %s", code, errs)
	}
	for _, kind := range []string{"departments", "entities", "inspectors", "experts", "agencies", "items", "responsibilities", "conflicts"} {
		for _, ext := range []string{".csv", ".xlsx"} {
			file := filepath.Join(dir, kind+ext)
			if code, _, errs := run(t, "export", kind, "--out", file, "--db", db); code != 0 {
				t.Fatalf("export %s%s: %s", kind, ext, errs)
			}
			code, out, errs := run(t, "import", "--db", db, kind, file)
			if code != 0 || out != "导入完成：新增 0 条，更新 0 条\n" {
				t.Fatalf("re-import %s%s: exit %d, %q, %s", kind, ext, code, out, errs)
			}
		}
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "entities.csv"))
	if !bytes.HasPrefix(csv, []byte("\xef\xbb\xbf统一社会信用代码,")) || !bytes.Contains(csv, []byte("\r\n")) {
		t.Fatalf("CSV export lacks BOM or CRLF: %q", csv[:40])
	}
	if lines := bytes.Count(csv, []byte("\r\n")); lines < 3001 {
		t.Fatalf("entities.csv has %d lines", lines)
	}
}

func TestTemplateImportsEmpty(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{".csv", ".xlsx"} {
		file := filepath.Join(dir, "tpl"+ext)
		if code, _, errs := run(t, "template", "entities", "--out", file); code != 0 {
			t.Fatalf("template: %s", errs)
		}
		code, out, errs := run(t, "import", "entities", file, "--db", filepath.Join(dir, "t.db"))
		if code != 0 || out != "导入完成：新增 0 条，更新 0 条\n" {
			t.Fatalf("import template%s: %d %q %s", ext, code, out, errs)
		}
	}
}

func TestImportOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	key := filepath.Join(dir, "log.key")
	if code, _, errs := run(t, "demo", "--no-serve", "--db", url, "--log-key", key); code != 0 {
		t.Fatalf("demo on postgres: %s", errs)
	}
	// The demo's draws export and verify, and so does the log, on PostgreSQL too.
	code, out, errs := run(t, "draw", "export", "--all", "--db", url, "--log-key", key, "--out", filepath.Join(dir, "bundles"))
	if code != 0 || len(strings.Fields(out)) != 5 {
		t.Fatalf("draw export on postgres: %d %q %s", code, out, errs)
	}
	for _, b := range strings.Fields(out) {
		if code, _, errs := run(t, "draw", "verify", b); code != 0 {
			t.Fatalf("draw verify %s: %s", b, errs)
		}
	}
	if code, out, errs := run(t, "log", "verify", "--db", url, "--log-key", key); code != 0 || !strings.HasPrefix(out, "ok ") {
		t.Fatalf("log verify on postgres: %d %q %s", code, out, errs)
	}
	file := filepath.Join(dir, "e.csv")
	run(t, "export", "entities", "--db", url, "--out", file)
	if code, out, errs := run(t, "import", "entities", file, "--db", url); code != 0 || !strings.Contains(out, "新增 0 条，更新 0 条") {
		t.Fatalf("re-import on postgres: %d %q %s", code, out, errs)
	}
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Now: time.Now,
		Ready: func(addr string) { ready <- addr }}
	done := make(chan int, 1)
	go func() {
		done <- m.Run(ctx, []string{"demo", "--db", filepath.Join(dir, "d.db"), "--addr", "127.0.0.1:0"})
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("demo exited with %d before serving", code)
	case <-time.After(60 * time.Second):
		t.Fatal("demo did not start serving")
	}
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "检查对象") {
		t.Fatalf("GET / = %d %s", resp.StatusCode, body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("demo exit %d after shutdown", code)
	}
}

func TestCreditCodeWarning(t *testing.T) {
	// 92350102 + organisation code 12345678 with a wrong own check + GB 32100 check.
	first17 := "92350102123456780"
	cc, _ := spotcheck.USCCCheckChar(first17)
	code, out, _ := run(t, "creditcode", first17+string(cc))
	if code != 0 || !strings.HasPrefix(out, first17+string(cc)+"\tOK 警告：") {
		t.Fatalf("exit %d, out %q", code, out)
	}
}

// A GB 18030 file as Excel on Chinese Windows saves it imports like UTF-8;
// a broken quote is reported with its row, together with what came before.
func TestImportEncodingsAndBrokenCSV(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	if code, _, errs := run(t, "demo", "--no-serve", "--db", db); code != 0 {
		t.Fatal(errs)
	}
	body := "统一社会信用代码,名称,类型,区划代码,地址,经营状态,信用风险分类\r\n" +
		"91350100M000100Y43,闽江示例旅行社（示例）,旅行社,350102,福州市鼓楼区五四路1号,在营,B\r\n"
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(body)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "gbk.csv")
	os.WriteFile(file, []byte(gbk), 0o644)
	code, out, errs := run(t, "import", "entities", file, "--db", db)
	if code != 0 || out != "导入完成：新增 1 条，更新 0 条\n" {
		t.Fatalf("GB 18030: exit %d %q %s", code, out, errs)
	}
	exp := filepath.Join(dir, "e.csv")
	run(t, "export", "entities", "--db", db, "--out", exp)
	if b, _ := os.ReadFile(exp); !strings.Contains(string(b), "闽江示例旅行社（示例）") {
		t.Fatal("imported name not exported")
	}

	broken := entityHeader + ",缺代码,T01,350102,福州市,在营,A\n" + "91350100M000100Y43,\"未闭合,T01,350102,福州市,在营,A\n"
	os.WriteFile(file, []byte(broken), 0o644)
	code, _, errs = run(t, "import", "entities", file, "--db", db)
	if code != 1 || !strings.Contains(errs, "第2行 统一社会信用代码：不能为空") || !strings.Contains(errs, "第3行") ||
		strings.Contains(errs, "重复") {
		t.Fatalf("broken CSV: exit %d\n%s", code, errs)
	}
}

func TestProgressBar(t *testing.T) {
	var errb bytes.Buffer
	m := &Main{Stderr: &errb, StderrIsTerminal: true}
	p := m.newProgress("导入检查对象")
	p.update(5000, 50, 100)
	p.finish()
	if s := errb.String(); !strings.Contains(s, "\r导入检查对象 [███████████████░░░░░░░░░░░░░░░]  50% 5000 行") {
		t.Fatalf("terminal progress: %q", s)
	}
	errb.Reset()
	m.StderrIsTerminal = false
	p = m.newProgress("导入检查对象")
	for i := int64(1); i <= 10; i++ {
		p.update(int(i)*100000, i*10, 100)
	}
	if lines := strings.Count(errb.String(), "\n"); lines != 10 || strings.Contains(errb.String(), "\r") {
		t.Fatalf("plain progress: %q", errb.String())
	}
}
