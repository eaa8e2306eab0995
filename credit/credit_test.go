package credit

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"spotcheck"
)

const secret = "tok-3f9c1e-very-secret"

var rec = &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: "pub-7", Version: 2, Payload: []byte(`{"检查结果":"未发现问题"}`)}

// TestSendAnswers: what counts as an acknowledgement — a 2xx JSON object
// without an error — and the receipt kept; 200 with an error body, a
// non-JSON body, a code, 5xx and a refused token are failures in Chinese.
func TestSendAnswers(t *testing.T) {
	for _, c := range []struct {
		status  int
		body    string
		receipt string
		err     string
	}{
		{200, `{"success":true,"receipt":"FJ-2026-0001"}`, "FJ-2026-0001", ""},
		{201, `{"code":0,"id":9}`, `{"code":0,"id":9}`, ""},
		{200, `{"success":false,"error":"字段缺失"}`, "", "报告错误：字段缺失"},
		{200, `{"success":false}`, "", "success 为 false"},
		{200, `{"code":"E102","msg":"格式错误"}`, "", "应答代码 E102"},
		{200, `<html>ok</html>`, "", "不是 JSON 对象"},
		{200, ``, "", "不是 JSON 对象"},
		{503, `maintenance`, "", "HTTP 503"},
		{401, `{}`, "", "拒绝了令牌"},
	} {
		var got http.Header
		var gotBody string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = r.Header
			b, _ := io.ReadAll(r.Body)
			gotBody = string(b)
			w.WriteHeader(c.status)
			fmt.Fprint(w, c.body)
		}))
		s, err := New(srv.URL+"/push", Token{secret}, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		receipt, err := s.Send(context.Background(), rec)
		srv.Close()
		if receipt != c.receipt || (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%d %s: receipt %q, error %v", c.status, c.body, receipt, err)
		}
		if got.Get("Idempotency-Key") != "spotcheck/credit/pub-7/v2" || got.Get("Authorization") != "Bearer "+secret ||
			!strings.HasPrefix(got.Get("Content-Type"), "application/json") || gotBody != string(rec.Payload) {
			t.Errorf("request: %v %q", got, gotBody)
		}
	}
}

// TestTokenNeverShown: the token prints as *** in every format, and a
// receiver that echoes the request's headers in its error does not put
// the token into the error (which the page shows).
func TestTokenNeverShown(t *testing.T) {
	tok := Token{secret}
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s %q", tok, tok, tok, tok, tok)} {
		if strings.Contains(s, secret) {
			t.Errorf("the token printed: %s", s)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "bad request, headers: %v", r.Header)
	}))
	defer srv.Close()
	s, _ := New(srv.URL, tok, time.Second)
	_, err := s.Send(context.Background(), rec)
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "***") {
		t.Errorf("error: %v", err)
	}
	if strings.Contains(fmt.Sprintf("%+v %#v", s, s), secret) {
		t.Error("the sender prints its token")
	}
}

// TestNewRefusesBadEndpoints: the addresses refused, each with a Chinese
// message that does not repeat credentials.
func TestNewRefusesBadEndpoints(t *testing.T) {
	for _, e := range []string{"", "credit.example.cn/push", "http://credit.example.cn/push", "ftp://credit.example.cn/",
		"https://user:pw-secret@credit.example.cn/push", "https://", "::bad"} {
		_, err := New(e, Token{}, 0)
		if err == nil || !strings.Contains(err.Error(), "信用平台地址") || strings.Contains(err.Error(), "pw-secret") {
			t.Errorf("%q: %v", e, err)
		}
	}
	for _, e := range []string{"https://credit.example.cn/push", "http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]:9/x"} {
		if _, err := New(e, Token{}, 0); err != nil {
			t.Errorf("%q: %v", e, err)
		}
	}
	if got := Redact("https://credit.example.cn/push?key=abc#f"); got != "https://credit.example.cn/push" {
		t.Errorf("Redact: %s", got)
	}
}

// TestUnreachableAndTimeout: nothing listening, and a receiver that does
// not answer in time, each reported in Chinese.
func TestUnreachableAndTimeout(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	s, _ := New(addr, Token{}, time.Second)
	if _, err := s.Send(context.Background(), rec); err == nil || !strings.Contains(err.Error(), "无法连接信用平台") {
		t.Errorf("unreachable: %v", err)
	}
	// The handler holds the request until the test ends: the server does
	// not notice the client's hang-up before the body is read.
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer slow.Close()
	defer close(release)
	s, _ = New(slow.URL, Token{}, 100*time.Millisecond)
	if _, err := s.Send(context.Background(), rec); err == nil || !strings.Contains(err.Error(), "超时") {
		t.Errorf("timeout: %v", err)
	}
}

// TestLoadToken: from a file (without its newline), from the
// environment, and a missing file said in Chinese.
func TestLoadToken(t *testing.T) {
	f := filepath.Join(t.TempDir(), "token")
	os.WriteFile(f, []byte(secret+"\n"), 0o600)
	if tok, err := LoadToken(f); err != nil || tok.v != secret {
		t.Errorf("file: %v", err)
	}
	t.Setenv(TokenEnv, "env-token")
	if tok, err := LoadToken(""); err != nil || tok.v != "env-token" {
		t.Errorf("env: %v", err)
	}
	if _, err := LoadToken(f + ".missing"); err == nil || !strings.Contains(err.Error(), "不存在") {
		t.Errorf("missing: %v", err)
	}
}
