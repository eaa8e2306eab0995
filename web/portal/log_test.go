package portal_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"spotcheck/internal/webtest"
	"spotcheck/ledger"
	"spotcheck/web"
)

// newLogTestServer serves a log kept in memory (ledger.Memory, which
// behaves as the store does) of n entries and one sealed record, beside
// the real store.
func newLogTestServer(t *testing.T, n int) (*web.Server, *ledger.Memory, string) {
	t.Helper()
	signer, vkey, err := ledger.NewKey("test.example/log")
	if err != nil {
		t.Fatal(err)
	}
	m := ledger.NewMemory(signer, vkey)
	m.Now = func() time.Time { return time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC) }
	for i := range n - 1 {
		if _, err := m.Append("test", fmt.Appendf(nil, `{"n":%d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	_, sha, err := m.AppendSealed("randomness", []byte(`{"seed":"ab"}`))
	if err != nil {
		t.Fatal(err)
	}
	return webtest.New(t, func(c *web.Config) { c.Ledger = m }).Web, m, sha
}

func get(s *web.Server, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec
}

func TestLogRoutes(t *testing.T) {
	const n = 1205
	s, m, sha := newLogTestServer(t, n)
	ctx := t.Context()
	signed, _ := m.LogCheckpoint(ctx)
	e, _ := m.LogEntries(ctx, 0, 3)
	text := "text/plain; charset=utf-8"
	tests := []struct {
		path   string
		status int
		ctype  string
		body   string // exact, or with a leading "~" a part
	}{
		{"/log/key", 200, text, m.LogKey() + "\n"},
		{"/log/checkpoint", 200, text, string(signed)},
		{"/log/entries?start=0&end=3", 200, text, string(e[0]) + "\n" + string(e[1]) + "\n" + string(e[2]) + "\n"},
		{"/log/entries?start=5&end=5", 200, text, ""},
		{"/log/entries?start=205&end=1205", 200, text, "~" + `{"body":{"n":205},`},
		{"/log/entries?start=0&end=1001", 400, text, "~一次最多读取 1000 条记录"},
		{"/log/entries?start=1200&end=1206", 400, text, "~范围超出日志：日志共 1205 条记录"},
		{"/log/entries?start=3&end=2", 400, text, "~范围无效"},
		{"/log/entries?start=0", 400, text, "~参数 end 应为非负整数"},
		{"/log/entries?start=-1&end=2", 400, text, "~参数 start 应为非负整数"},
		{"/log/proof/inclusion?index=7&size=1205", 200, "application/json", `~,"index":7,"size":1205}`},
		{"/log/proof/inclusion?index=0&size=1", 200, "application/json", `{"hashes":[],"index":0,"size":1}`},
		{"/log/proof/inclusion?index=0&size=1206", 400, text, "~size=1206 超出日志"},
		{"/log/proof/inclusion?index=9&size=9", 400, text, "~index=9 不在大小为 9 的树中"},
		{"/log/proof/inclusion?index=x&size=9", 400, text, "~参数 index 应为非负整数"},
		{"/log/proof/consistency?old=10&new=1205", 200, "application/json", `~],"new":1205,"old":10}`},
		{"/log/proof/consistency?old=5&new=5", 200, "application/json", `{"hashes":[],"new":5,"old":5}`},
		{"/log/proof/consistency?old=0&new=5", 400, text, "~old 须至少为 1"},
		{"/log/proof/consistency?old=6&new=5", 400, text, "~old=6 大于 new=5"},
		{"/log/proof/consistency?old=5&new=1206", 400, text, "~new=1206 超出日志"},
		{"/log/records/" + sha, 404, text, "~尚未公开"},
		{"/log/records/" + strings.ToUpper(sha), 404, text, "~64 位小写十六进制"},
		{"/log/records/" + ledger.Digest(nil), 404, text, "~不存在"},
	}
	for _, tt := range tests {
		res := get(s, tt.path)
		body := res.Body.String()
		if res.Code != tt.status || res.Header().Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s: %d %s, want %d %s\n%s", tt.path, res.Code, res.Header().Get("Content-Type"), tt.status, tt.ctype, body)
			continue
		}
		if part, ok := strings.CutPrefix(tt.body, "~"); ok && !strings.Contains(body, part) || !ok && body != tt.body {
			t.Errorf("GET %s: body %.300q\nwant %q", tt.path, body, tt.body)
		}
	}
	if lines := strings.Count(get(s, "/log/entries?start=205&end=1205").Body.String(), "\n"); lines != 1000 {
		t.Errorf("1000 entries in %d lines", lines)
	}

	// The proofs served check against the checkpoint served.
	c, err := ledger.OpenCheckpoint([]byte(get(s, "/log/checkpoint").Body.String()), get(s, "/log/key").Body.String()[:len(m.LogKey())])
	if err != nil {
		t.Fatal(err)
	}
	var p ledger.InclusionProof
	if err := json.Unmarshal(get(s, "/log/proof/inclusion?index=7&size=1205").Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	entry, _ := m.LogEntries(ctx, 7, 8)
	if err := p.Check(c.Root, entry[0]); err != nil {
		t.Errorf("served inclusion proof: %v", err)
	}
	var cp ledger.ConsistencyProof
	if err := json.Unmarshal(get(s, "/log/proof/consistency?old=10&new=1205").Body.Bytes(), &cp); err != nil {
		t.Fatal(err)
	}
	old, err := tlog.TreeHash(10, ledger.HashReader(ctx, m))
	if err != nil {
		t.Fatal(err)
	}
	if err := cp.Check(old, c.Root); err != nil {
		t.Errorf("served consistency proof: %v", err)
	}

	// Once unsealed, the record is served byte for byte.
	if _, err := m.Unseal(sha); err != nil {
		t.Fatal(err)
	}
	res := get(s, "/log/records/"+sha)
	if res.Code != 200 || res.Header().Get("Content-Type") != "application/json" || res.Body.String() != `{"seed":"ab"}` {
		t.Errorf("published record: %d %s %q", res.Code, res.Header().Get("Content-Type"), res.Body)
	}
}

func TestLogRoutesWithoutLog(t *testing.T) {
	s := webtest.New(t, func(c *web.Config) { c.Ledger = nil }).Web
	for _, path := range []string{"/log/key", "/log/checkpoint", "/log/entries?start=0&end=1"} {
		if res := get(s, path); res.Code != http.StatusNotFound || !strings.Contains(res.Body.String(), "未启用") {
			t.Errorf("GET %s without a log: %d %s", path, res.Code, res.Body)
		}
	}
}

func TestPortalShowsLogKey(t *testing.T) {
	s, m, _ := newLogTestServer(t, 3)
	res := get(s, "/")
	body := html.UnescapeString(res.Body.String())
	if res.Code != 200 || !strings.Contains(body, m.LogKey()) || !strings.Contains(body, `href="/log/checkpoint"`) {
		t.Errorf("portal: %d, key or checkpoint link missing", res.Code)
	}
}
