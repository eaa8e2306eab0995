package staff_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"spotcheck"
	"spotcheck/credit"
	"spotcheck/internal/webtest"
	"spotcheck/store"
	"spotcheck/web"
)

// outboxApp is the test application whose outbox page reports worker's
// transport, as serve wires it.
func outboxApp(t *testing.T, worker func(*store.DB) *store.OutboxWorker) (*webtest.App, *store.OutboxWorker) {
	t.Helper()
	a := webtest.New(t)
	var w *store.OutboxWorker
	if worker != nil {
		w = worker(a.DB)
	}
	svc := webtest.Services(a.DB)
	svc.Outbox = store.NewOutboxService(a.DB, w)
	s, err := web.New(web.Config{Services: svc, Ledger: a.DB, Health: a.DB.Ping, Now: webtest.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	a.Web = s
	return a, w
}

func enqueue(t *testing.T, db *store.DB, keys ...string) {
	t.Helper()
	for _, k := range keys {
		r := &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: k, Version: 1,
			Payload: []byte(`{"抽查任务编号":"2026-GLWL-001","检查结果":"未发现问题","key":"` + k + `"}`)}
		if err := db.EnqueueOutbox(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOutboxPageWithoutEndpoint: a server without --credit-endpoint says
// so on the page, the records stay pending and may be exported; only the
// system administrator reaches the page.
func TestOutboxPageWithoutEndpoint(t *testing.T) {
	a, _ := outboxApp(t, nil)
	enqueue(t, a.DB, "pub-1", "pub-2")
	rec, body := a.Page(t, "sysadmin", "GET", "/staff/outbox", nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, "未配置信用平台地址") || !strings.Contains(body, "待发送（2）") ||
		!strings.Contains(body, "spotcheck/credit/pub-2/v1") {
		t.Fatalf("%d\n%s", rec.Code, body)
	}
	for _, u := range []string{"planner", "secadmin", "supervisor"} {
		if rec, _ := a.Page(t, u, "GET", "/staff/outbox", nil); rec.Code != http.StatusForbidden {
			t.Errorf("%s: %d", u, rec.Code)
		}
		if rec, _ := a.Page(t, u, "POST", "/staff/outbox/retry", url.Values{}); rec.Code != http.StatusForbidden {
			t.Errorf("%s retry: %d", u, rec.Code)
		}
	}
	rec, _ = a.Page(t, "sysadmin", "GET", "/staff/outbox/export/outbox.xlsx?state=pending", nil)
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if rec.Code != http.StatusOK || err != nil {
		t.Fatalf("export: %d %v", rec.Code, err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) != 3 || !strings.Contains(strings.Join(rows[0], ","), "抽查任务编号") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), url.PathEscape("信用平台推送记录")) {
		t.Errorf("export: %q %v", rows, rec.Header())
	}
}

// TestOutboxPageTransport: a receiver that refuses the token is reported
// on the page in Chinese and without the token; the record that gave up
// is in the dead list with its error, is retried (one, then all — CSRF
// as every form), and once delivered shows the receiver's receipt.
func TestOutboxPageTransport(t *testing.T) {
	const secret = "tok-page-secret-77"
	var refuse atomic.Bool
	refuse.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refuse.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "bad token %s", r.Header.Get("Authorization"))
			return
		}
		fmt.Fprintf(w, `{"success":true,"receipt":"FJ-%s"}`, r.Header.Get("Idempotency-Key"))
	}))
	defer srv.Close()
	tokFile := t.TempDir() + "/token"
	if err := os.WriteFile(tokFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tok, err := credit.LoadToken(tokFile)
	if err != nil {
		t.Fatal(err)
	}
	sender, err := credit.New(srv.URL+"/push", tok, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	a, w := outboxApp(t, func(db *store.DB) *store.OutboxWorker {
		w := db.NewOutboxWorker(sender, spotcheck.OutboxPolicy{MaxAttempts: 1})
		w.SetTransport(sender.Endpoint(), "")
		return w
	})
	enqueue(t, a.DB, "pub-1", "pub-2", "pub-3")
	ctx := context.Background()
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	_, body := a.Page(t, "sysadmin", "GET", "/staff/outbox", nil)
	if !strings.Contains(body, "信用平台拒绝了令牌（HTTP 401）") || !strings.Contains(body, "已放弃（3）") ||
		!strings.Contains(body, srv.URL+"/push") || strings.Contains(body, secret) {
		t.Fatalf("refused token:\n%s", body)
	}

	// A cross-site form is refused; the administrator's own retries one.
	req := httptest.NewRequest("POST", "/staff/outbox/retry", strings.NewReader("id=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, "sysadmin")})
	rr := httptest.NewRecorder()
	a.Web.ServeHTTP(rr, req)
	if rr.Code != http.StatusForbidden {
		t.Errorf("cross-site retry: %d", rr.Code)
	}
	refuse.Store(false)
	if rec, _ := a.Page(t, "sysadmin", "POST", "/staff/outbox/retry", url.Values{"id": {"999"}}); rec.Code != http.StatusNotFound {
		t.Errorf("retry of a record that is not dead: %d", rec.Code)
	}
	rec, _ := a.Page(t, "sysadmin", "POST", "/staff/outbox/retry", url.Values{"id": {"1"}, "note": {"令牌已更换"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("retry one: %d", rec.Code)
	}
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	_, body = a.Page(t, "sysadmin", "GET", "/staff/outbox?ok=outbox-retried", nil)
	if !strings.Contains(body, "已重新排入发送队列") || !strings.Contains(body, "已放弃（2）") || !strings.Contains(body, "已送达（1）") ||
		!strings.Contains(body, "FJ-spotcheck/credit/pub-1/v1") || strings.Contains(body, "推送出现问题") {
		t.Fatalf("after one retry:\n%s", body)
	}
	if rec, _ := a.Page(t, "sysadmin", "POST", "/staff/outbox/retry", url.Values{"note": {"全部"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("retry all: %d", rec.Code)
	}
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if c, err := store.NewOutboxService(a.DB, nil).OutboxCounts(a.As(t, "sysadmin")); err != nil || c.Delivered != 3 || c.Dead != 0 {
		t.Errorf("counts: %+v %v", c, err)
	}
	// Each retry is listed with who made it and why: one, then the two.
	_, body = a.Page(t, "sysadmin", "GET", "/staff/outbox", nil)
	if strings.Count(body, "令牌已更换") != 1 || strings.Count(body, "<td>全部</td>") != 2 {
		t.Errorf("the retries on the page:\n%s", body)
	}
}

// TestOutboxPageUnreachable: an endpoint where nothing listens is
// reported on the page in Chinese, naming the host, and the record waits
// for its next attempt.
func TestOutboxPageUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	sender, err := credit.New(addr+"/push", credit.Token{}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	a, w := outboxApp(t, func(db *store.DB) *store.OutboxWorker {
		w := db.NewOutboxWorker(sender, spotcheck.OutboxPolicy{})
		w.SetTransport(sender.Endpoint(), "")
		return w
	})
	enqueue(t, a.DB, "pub-1")
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, body := a.Page(t, "sysadmin", "GET", "/staff/outbox", nil)
	host := strings.TrimPrefix(addr, "http://")
	if !strings.Contains(body, "无法连接信用平台 "+host) || !strings.Contains(body, "<tr><td>0</td><td>1</td><td>0</td><td>0</td></tr>") ||
		!strings.Contains(body, "待发送（1）") {
		t.Errorf("unreachable:\n%s", body)
	}
}
