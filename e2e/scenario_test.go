package e2e

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
)

// scenario is one row of an HTTP scenario table: who sends which request,
// and what the answer must (and must not) say.
type scenario struct {
	name string
	// user is "" for a visitor, a user name (signed in through the login
	// form, once per table run) or "token:<user>" for the user's API token.
	user     string
	method   string
	path     string
	body     payload
	header   http.Header
	status   int
	location string   // prefix the Location header must have; "" = not checked
	want     []string // must occur in the body
	wantNot  []string // must not occur in the body
	// check runs further checks on the answer.
	check func(t *testing.T, res *http.Response, body string)
}

// TestScenarios runs the scenario table against the shared SQLite instance.
func TestScenarios(t *testing.T) {
	a := sharedApp(t)
	runScenarios(t, a, scenarios(t, a))
}

// TestScenariosPostgres runs the same table against an instance of its own
// on PostgreSQL.
func TestScenariosPostgres(t *testing.T) {
	a := postgresApp(t)
	runScenarios(t, a, scenarios(t, a))
}

// runScenarios runs rows in order (some depend on earlier ones, such as
// the lockout), each as a subtest.
func runScenarios(t *testing.T, a *app, rows []scenario) {
	sessions := map[string]string{}
	for _, sc := range rows {
		t.Run(sc.name, func(t *testing.T) {
			var c creds
			switch {
			case strings.HasPrefix(sc.user, "token:"):
				c.token = a.token(t, strings.TrimPrefix(sc.user, "token:"))
			case sc.user != "":
				if sessions[sc.user] == "" {
					sessions[sc.user] = a.login(t, sc.user, demo.Password).Value
				}
				c.cookie = sessions[sc.user]
			}
			if strings.HasPrefix(sc.path, "/logout") {
				delete(sessions, sc.user) // the session ends with this request
			}
			mark := a.logs.mark()
			res, body := a.request(t, c, sc.method, sc.path, sc.body, sc.header)
			checkSecurityHeaders(t, res)
			if res.StatusCode != sc.status {
				t.Errorf("%s %s as %q: status %d, want %d\npage: %s\nserver log: %s", sc.method, sc.path, sc.user,
					res.StatusCode, sc.status, excerpt(body), a.logs.since(mark))
			}
			if loc := res.Header.Get("Location"); sc.location != "" && !strings.HasPrefix(loc, sc.location) {
				t.Errorf("Location %q, want it to start with %q", loc, sc.location)
			}
			for _, s := range sc.want {
				if !strings.Contains(body, s) {
					t.Errorf("the answer lacks %q\npage: %s", s, excerpt(body))
				}
			}
			for _, s := range sc.wantNot {
				if strings.Contains(body, s) {
					t.Errorf("the answer contains %q, which it must not", s)
				}
			}
			if sc.check != nil {
				sc.check(t, res, body)
			}
		})
	}
}

// checkSecurityHeaders checks the headers every response must carry: a
// content security policy that allows no inline script or style, no MIME
// sniffing, and no framing by other sites.
func checkSecurityHeaders(t *testing.T, res *http.Response) {
	t.Helper()
	csp := res.Header.Get("Content-Security-Policy")
	switch {
	case csp == "":
		t.Errorf("no Content-Security-Policy header")
	case strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval"):
		t.Errorf("Content-Security-Policy allows unsafe sources: %s", csp)
	case !strings.Contains(csp, "frame-ancestors 'none'"):
		t.Errorf("Content-Security-Policy lacks frame-ancestors 'none': %s", csp)
	}
	if v := res.Header.Get("X-Content-Type-Options"); v != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", v)
	}
	if v := res.Header.Get("X-Frame-Options"); v != "DENY" {
		t.Errorf("X-Frame-Options = %q, want DENY", v)
	}
}

// apiError checks the API's one error shape, {"error":{"code","message"}},
// with the given code ("" = any) and a Chinese message.
func apiError(code string) func(*testing.T, *http.Response, string) {
	return func(t *testing.T, res *http.Response, body string) {
		t.Helper()
		if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt != "application/json" {
			t.Errorf("Content-Type %q, want application/json", res.Header.Get("Content-Type"))
		}
		var v struct {
			Error *struct {
				Code    *string `json:"code"`
				Message *string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(body), &v); err != nil || v.Error == nil || v.Error.Code == nil || v.Error.Message == nil {
			t.Fatalf("the body is not {\"error\":{\"code\",\"message\"}}: %v\n%s", err, body)
		}
		if *v.Error.Code == "" || code != "" && *v.Error.Code != code {
			t.Errorf("error code %q, want %q", *v.Error.Code, code)
		}
		if !hasHan(*v.Error.Message) {
			t.Errorf("error message %q is not Chinese", *v.Error.Message)
		}
	}
}

// hasHan reports whether s contains a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// sessionCookieOf returns the session cookie a response sets, or nil.
func sessionCookieOf(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

// checkSessionCookie checks the flags of the session cookie set on sign-in
// over plain HTTP: HttpOnly, SameSite=Lax, Path=/ and not Secure (a Secure
// cookie would never come back over http://).
func checkSessionCookie(t *testing.T, res *http.Response, _ string) {
	c := sessionCookieOf(res)
	if c == nil || c.Value == "" {
		t.Fatalf("no %s cookie set: %q", sessionCookie, res.Header.Values("Set-Cookie"))
	}
	if !c.HttpOnly {
		t.Errorf("session cookie without HttpOnly: %s", c.Raw)
	}
	if c.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie SameSite = %v, want Lax: %s", c.SameSite, c.Raw)
	}
	if c.Secure {
		t.Errorf("session cookie is Secure over plain HTTP: %s", c.Raw)
	}
	if c.Path != "/" {
		t.Errorf("session cookie Path = %q, want /: %s", c.Path, c.Raw)
	}
}

// noSession checks that a response starts no session.
func noSession(t *testing.T, res *http.Response, _ string) {
	if c := sessionCookieOf(res); c != nil && c.Value != "" {
		t.Errorf("a session cookie was set: %s", c.Raw)
	}
}

// entityAbsent returns a check that no entity with id was stored.
func entityAbsent(a *app, id string) func(*testing.T, *http.Response, string) {
	return func(t *testing.T, _ *http.Response, _ string) {
		_, err := a.DB.Entities().FindEntityByID(sysCtx, id)
		if code := spotcheck.ErrorCode(err); code != spotcheck.ENOTFOUND {
			t.Errorf("FindEntityByID(%s) after a refused save: %v (code %q), want not_found", id, err, code)
		}
	}
}

// decodeJSON decodes a response body or fails the test.
func decodeJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("body is not the expected JSON: %v\n%s", err, body)
	}
}
