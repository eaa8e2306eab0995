package staff_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
	"spotcheck/internal/ziptest"
	"spotcheck/web"
	"spotcheck/xlsx"
)

// testEntityID is the credit code of oneEntity's entity, in no demo data.
const testEntityID = "91350100M000100Y43"

// watchedImports is the real store, with a hook called as an import of
// entities starts, so that a test can look at the temporary files of the
// upload while the store reads it.
type watchedImports struct {
	spotcheck.EntityService
	onImport func()
}

func (d *watchedImports) ImportEntities(ctx context.Context, src spotcheck.ImportSource[spotcheck.Entity]) (spotcheck.ImportSummary, error) {
	if d.onImport != nil {
		d.onImport()
	}
	return d.EntityService.ImportEntities(ctx, src)
}

// newImportTestServer serves the real store, logging into logs, with the
// hook of watchedImports.
func newImportTestServer(t *testing.T, logs io.Writer) (*webtest.App, *watchedImports) {
	t.Helper()
	w := &watchedImports{}
	a := webtest.New(t, func(c *web.Config) {
		w.EntityService = c.Services.Entities
		c.Services.Entities = w
		c.Log = slog.New(slog.NewTextHandler(logs, nil))
	})
	return a, w
}

// imported reports whether the entity of oneEntity reached the store.
func imported(t *testing.T, a *webtest.App) bool {
	t.Helper()
	_, err := a.DB.Entities().FindEntityByID(a.As(t, "cityadmin"), testEntityID)
	if err != nil && spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
		t.Fatal(err)
	}
	return err == nil
}

// postFile posts data as the file field of the import form of entities, as
// the city's department administrator.
func postFile(t *testing.T, a *webtest.App, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", "/staff/transfer/entities", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, "cityadmin")})
	rec := httptest.NewRecorder()
	a.Web.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// oneEntity is an .xlsx of one entity, as the program exports it.
func oneEntity(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := xlsx.NewWriter(&buf, xlsx.XLSX, xlsx.Entities)
	if err != nil {
		t.Fatal(err)
	}
	e := spotcheck.Entity{ID: testEntityID, Name: "福州某旅行社", Type: "T01", Division: "350102", Status: "在营",
		CreditClass: "B", Active: true}
	if err := w.Write(&e); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The zip bomb of issue 8, uploaded: refused with a Chinese message that
// says why, and nothing reaches the store. The file without the bomb
// imports.
func TestImportRefusesZipBomb(t *testing.T) {
	a, _ := newImportTestServer(t, io.Discard)
	good := oneEntity(t)
	bomb, err := ziptest.Bomb(good, "xl/media/bomb.bin", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	code, body := postFile(t, a, "bomb.xlsx", bomb)
	if code != 400 || !strings.Contains(body, "“xl/media/bomb.bin”压缩比异常") || !strings.Contains(body, "解压后为 1.0 GB") ||
		!strings.Contains(body, "请检查文件是否为正常的Excel表格") {
		t.Fatalf("bomb: %d\n%s", code, body)
	}
	if imported(t, a) {
		t.Fatalf("the bomb's rows reached the store")
	}
	if code, body := postFile(t, a, "good.xlsx", good); code != 200 || !strings.Contains(body, "新增 1 条") || !imported(t, a) {
		t.Fatalf("without the bomb: %d\n%s", code, body)
	}
}

// A broken upload is explained in Chinese; Go's error is in the server
// log only.
func TestImportBrokenFileMessages(t *testing.T) {
	var logs bytes.Buffer
	a, _ := newImportTestServer(t, &logs)
	good := oneEntity(t)
	tests := []struct {
		name string
		data []byte
		want string
		log  string // in the log, not on the page
	}{
		{"e.xlsx", []byte("统一社会信用代码,名称\n"), "文件不是有效的Excel表格", "zip: not a valid zip file"},
		{"e.xlsx", good[:len(good)/2], "文件不是有效的Excel表格", "zip: not a valid zip file"},
		{"e.csv", good, "文件实际是Excel（.xlsx）文件，不是CSV：请把扩展名改为.xlsx后再导入", ""},
		{"e.csv", []byte("\xff\xfe\x00\x00"), "文件是UTF-16编码", ""},
	}
	for _, tt := range tests {
		logs.Reset()
		code, body := postFile(t, a, tt.name, tt.data)
		if code != 400 || !strings.Contains(body, tt.want) || strings.Contains(body, "zip:") {
			t.Errorf("%s %.20q: %d\n%s", tt.name, tt.data, code, body)
		}
		if tt.log != "" && !strings.Contains(logs.String(), tt.log) {
			t.Errorf("%s %.20q: the log lacks %q:\n%s", tt.name, tt.data, tt.log, logs.String())
		}
	}
	if imported(t, a) {
		t.Fatalf("rows reached the store")
	}
}

// uploadMemory is how much of an upload the import keeps in memory
// (web/staff/transfer.go).
const uploadMemory = 1 << 20

// An upload larger than uploadMemory waits on disk, not in memory, while
// it is imported, and no temporary file outlives the request.
func TestImportUploadOnDisk(t *testing.T) {
	a, d := newImportTestServer(t, io.Discard)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var onDisk []string
	d.onImport = func() {
		des, _ := os.ReadDir(tmp)
		for _, de := range des {
			onDisk = append(onDisk, de.Name())
		}
	}
	csv := "统一社会信用代码,名称,类型,区划代码,地址,经营状态,信用风险分类\n" +
		testEntityID + ",福州某旅行社,T01,350102,福州市,在营,B\n" + strings.Repeat(",,,,,,\n", 2*uploadMemory/7)
	if code, body := postFile(t, a, "e.csv", []byte(csv)); code != 200 || !imported(t, a) {
		t.Fatalf("%d\n%s", code, body)
	}
	if len(onDisk) != 1 || !strings.HasPrefix(onDisk[0], "multipart-") {
		t.Errorf("during the import, the temporary directory held %v, want the upload", onDisk)
	}
	// The .xlsx path keeps its own temporary files; they go too.
	if code, body := postFile(t, a, "e.xlsx", oneEntity(t)); code != 200 {
		t.Fatalf("xlsx: %d\n%s", code, body)
	}
	if des, _ := os.ReadDir(tmp); len(des) != 0 {
		t.Errorf("left in the temporary directory: %v", des)
	}
}
