package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"

	"spotcheck/demo"
	"spotcheck/internal/webtest"
	"spotcheck/web"
)

// login posts the login form as cityadmin from peer with the given
// X-Forwarded-For, and returns the answer.
func login(a *webtest.App, peer, forwarded string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {"cityadmin"},
		"password": {demo.Password}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if forwarded != "" {
		r.Header.Set("X-Forwarded-For", forwarded)
	}
	if peer != "" {
		r.RemoteAddr = peer
	}
	rec := httptest.NewRecorder()
	a.Web.ServeHTTP(rec, r)
	return rec
}

// The address a login is counted against is the one clientAddr finds:
// the store records it with the attempt.
func TestLoginCountsAgainstTheClient(t *testing.T) {
	a := webtest.New(t, func(c *web.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	})
	for _, peer := range []string{"10.0.0.2:4000", "203.0.113.5:4000"} {
		if rec := login(a, peer, "6.6.6.6, 198.51.100.7"); rec.Code != http.StatusSeeOther {
			t.Fatalf("login from %s: %d", peer, rec.Code)
		}
	}
	attempts, err := a.DB.Accounts().FindLoginAttempts(a.As(t, "auditor"), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ips []string
	for _, at := range attempts.Items {
		if at.Username == "cityadmin" {
			ips = append(ips, at.IP)
		}
	}
	slices.Sort(ips)
	if want := []string{"198.51.100.7", "203.0.113.5"}; !slices.Equal(ips, want) {
		t.Fatalf("logins counted against %v, want %v", ips, want)
	}
}

// Issue 8, item 9: over TLS, or behind a proxy that terminates it, every
// answer carries HSTS and the session cookie is Secure with the __Host-
// prefix; over plain HTTP neither.
func TestTLSHeadersAndCookie(t *testing.T) {
	for _, tls := range []bool{true, false} {
		a := webtest.New(t, func(c *web.Config) { c.TLS = tls })
		for _, path := range []string{"/login", "/healthz", "/nosuchpage"} {
			rec := httptest.NewRecorder()
			a.Web.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			hsts := rec.Header().Get("Strict-Transport-Security")
			if tls && !strings.HasPrefix(hsts, "max-age=") || !tls && hsts != "" {
				t.Errorf("TLS %v, GET %s: Strict-Transport-Security %q", tls, path, hsts)
			}
		}
		rec := login(a, "", "")
		cookies := rec.Result().Cookies()
		if rec.Code != http.StatusSeeOther || len(cookies) != 1 {
			t.Fatalf("TLS %v: %d, cookies %v", tls, rec.Code, cookies)
		}
		c := cookies[0]
		if tls && (c.Name != "__Host-spotcheck_session" || !c.Secure) || !tls && (c.Name != "spotcheck_session" || c.Secure) {
			t.Errorf("TLS %v: cookie %s Secure=%v", tls, c.Name, c.Secure)
		}
	}
}
