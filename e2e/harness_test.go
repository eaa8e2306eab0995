package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/pgtest"
	"spotcheck/internal/webtest"
	"spotcheck/ledger"
	"spotcheck/store"
	"spotcheck/web"
)

// The demo data of every instance. A fixed seed and "today" give the same
// records on every run, so a failure can be looked at again with
// `spotcheck demo` and the same arguments.
const (
	demoSeed     = 20261126
	demoEntities = 500
	demoToday    = "2026-11-26"
)

// sessionCookie is the session cookie's name over plain HTTP; a scenario
// checks that signing in sets exactly this cookie.
const sessionCookie = "spotcheck_session"

// cityBureau is the demo's root department (福州市文化和旅游局).
const cityBureau = "FZWL"

// extraUsers are accounts the tests use, besides the demo users: the
// account the matrix signs in as, the one whose token it tries to revoke
// and the one whose user pages it requests must not be accounts that
// other tests sign in as.
var extraUsers = []spotcheck.User{
	{Username: "e2e.login", Name: "矩阵登录账号", Dept: cityBureau, Roles: []string{spotcheck.RoleInspector}},
	{Username: "e2e.owner", Name: "令牌持有账号", Dept: cityBureau, Roles: []string{spotcheck.RolePlanner}},
	{Username: "e2e.target", Name: "被管理账号", Dept: "GLWL", Roles: []string{spotcheck.RoleInspector}},
}

// app is one running instance of the application: the store on its own
// database, loaded with the demo data, behind the real web handler on a
// local port.
type app struct {
	URL  string
	DB   *store.DB
	Web  *web.Server
	Data *demo.Data
	fx   *fixtures
	// logRecord is the digest of a record published in the log.
	logRecord string

	logs   *logBuffer
	srv    *httptest.Server
	client *http.Client
	dir    string // temporary directory to remove, "" for PostgreSQL

	mu     sync.Mutex
	tokens map[string]string // username → API token secret
}

// sysCtx is the context of the tests' own calls of the store, as the
// command line makes them: the system principal "cli:e2e" (the store
// refuses a call without a principal).
var sysCtx = spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("cli:e2e"))

// asUser returns ctx carrying the principal of the account username, as
// the web application makes it for that user when they sign in.
func (a *app) asUser(ctx context.Context, username string) (context.Context, error) {
	u, err := a.DB.Accounts().FindUserByUsername(sysCtx, username)
	if err != nil {
		return nil, err
	}
	depts, err := a.DB.Departments().FindDepartments(sysCtx)
	if err != nil {
		return nil, err
	}
	return spotcheck.NewContextWithPrincipal(ctx, spotcheck.NewPrincipal(*u, depts)), nil
}

// startApp opens the database named by dsn, loads the demo data through
// the same imports a user runs, adds extraUsers and serves the web
// application. Warnings and errors of the server's log go to logw and are
// kept for failure messages. The loading is done as the system principal
// of sysCtx.
func startApp(ctx context.Context, dsn string, logw io.Writer) (*app, error) {
	ctx = spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("cli:e2e"))
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	// The platform's draw secrets from a fixed stream: the draws of a run
	// are the same every time, so a failure can be reproduced.
	db.Rand = rand.NewChaCha8([32]byte{'e', '2', 'e'})
	db.Now = webtest.Now // the fixtures' 2026 dates hold whatever day the tests run
	signer, vkey, err := ledger.NewKey("e2e.example/log")
	if err != nil {
		db.Close()
		return nil, err
	}
	db.UseLogKey(signer, vkey)
	a := &app{DB: db, Data: demo.Generate(demoSeed, demoEntities, demoToday), logs: &logBuffer{},
		tokens: map[string]string{}}
	if err := a.load(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if a.logRecord, err = publishLogRecord(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	logger := slog.New(slog.NewTextHandler(io.MultiWriter(a.logs, logw), &slog.HandlerOptions{Level: slog.LevelWarn}))
	if a.Web, err = web.New(web.Config{Services: webtest.Services(db), Ledger: db, Log: logger, Now: webtest.Now}); err != nil {
		db.Close()
		return nil, fmt.Errorf("web.New: %w", err)
	}
	a.Web.MarkReady() // as serve does once it listens: /readyz is 200
	a.srv = httptest.NewServer(a.Web)
	a.URL = a.srv.URL
	// Redirects are part of what is tested (303 after a POST, to /login
	// for visitors), so the client never follows them.
	a.client = &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return a, nil
}

func (a *app) load(ctx context.Context) error {
	if err := demo.Load(ctx, a.DB.Transfers(), a.DB.Accounts(), a.Data, nil); err != nil {
		return fmt.Errorf("demo.Load: %w", err)
	}
	for _, u := range extraUsers {
		if err := a.DB.Accounts().CreateUser(ctx, &u, demo.Password); err != nil {
			return fmt.Errorf("CreateUser %s: %w", u.Username, err)
		}
	}
	fx, err := pickFixtures(ctx, a)
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	a.fx = fx
	return nil
}

// publishLogRecord logs a record sealed and publishes it, so that the
// log's routes have a record to serve, and returns its digest. It is a
// randomness record: a result record is never published (spec §8,
// amendment 1).
func publishLogRecord(ctx context.Context, db *store.DB) (string, error) {
	_, sha, err := db.AppendSealed(ctx, "randomness", []byte(`{"e2e":"matrix"}`))
	if err == nil {
		_, err = db.Unseal(ctx, sha)
	}
	return sha, err
}

// close stops the server (waiting for requests in flight, so that nothing
// logs after a test has ended, and for the work its pages started in the
// background) and closes the database.
func (a *app) close() {
	if a.srv != nil {
		a.srv.Close()
	}
	if a.Web != nil {
		a.Web.Wait()
	}
	a.DB.Close()
	if a.dir != "" {
		os.RemoveAll(a.dir)
	}
}

var (
	sharedOnce sync.Once
	shared     *app
	sharedErr  error
)

// sharedApp returns the instance on SQLite that the tests of this binary
// share, starting it on first use. Tests that change data do so on records
// of their own, so that they do not disturb each other.
func sharedApp(t testing.TB) *app {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "spotcheck-e2e-")
		if err != nil {
			sharedErr = err
			return
		}
		start := time.Now()
		shared, sharedErr = startApp(context.Background(), filepath.Join(dir, "e2e.db"), io.Discard)
		if sharedErr != nil {
			os.RemoveAll(dir)
			return
		}
		shared.dir = dir
		fmt.Fprintf(os.Stderr, "e2e: SQLite instance with %d demo entities ready in %v\n",
			demoEntities, time.Since(start).Round(time.Millisecond))
	})
	if sharedErr != nil {
		t.Fatalf("starting the application on SQLite: %v", sharedErr)
	}
	return shared
}

// postgresApp starts an instance of its own on a fresh PostgreSQL database
// (skipped without SPOTCHECK_TEST_POSTGRES, failed under CI=true; see
// internal/pgtest). Its log goes to t.Log.
func postgresApp(t *testing.T) *app {
	t.Helper()
	dsn := pgtest.URL(t)
	a, err := startApp(context.Background(), dsn, testLogWriter{t})
	if err != nil {
		t.Fatalf("starting the application on PostgreSQL: %v", err)
	}
	// Registered after pgtest's cleanup, so it runs before the database is
	// dropped.
	t.Cleanup(a.close)
	return a
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.close()
	}
	os.Exit(code)
}

// testLogWriter sends the server's log lines to t.Log.
type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// logBuffer keeps the server's warnings and errors for failure messages.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// mark returns the position of the log's end, for since.
func (l *logBuffer) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

// since returns what was logged after mark (at most about 1500 bytes), for
// a failure message. Requests of parallel tests may be in it too.
func (l *logBuffer) since(mark int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()[mark:]
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	if s == "" {
		return "(nothing)"
	}
	return s
}

// payload is a request body with its content type.
type payload struct {
	ctype string
	data  string
}

// form encodes key, value pairs as an HTML form would send them.
func form(kv ...string) payload {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return payload{"application/x-www-form-urlencoded", v.Encode()}
}

// jsonBody is a JSON request body.
func jsonBody(s string) payload { return payload{"application/json", s} }

// creds says who a request comes from: a session cookie, an API token or
// nobody.
type creds struct {
	cookie string // session token
	token  string // API token secret
}

// request sends one request and returns the response with its body read
// (and closed).
func (a *app) request(t testing.TB, c creds, method, path string, body payload, h http.Header) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	if body.data != "" {
		r = strings.NewReader(body.data)
	}
	req, err := http.NewRequest(method, a.URL+path, r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if body.ctype != "" {
		req.Header.Set("Content-Type", body.ctype)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := a.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return res, string(b)
}

// get is request for a GET without body or headers.
func (a *app) get(t testing.TB, c creds, path string) (*http.Response, string) {
	t.Helper()
	return a.request(t, c, http.MethodGet, path, payload{}, nil)
}

// session starts a session for username directly in the store, as a
// successful sign-in would, without a password check: the matrix needs
// hundreds of signed-in requests and must not fill the login log.
func (a *app) session(t testing.TB, username string) string {
	t.Helper()
	tok, err := a.DB.Accounts().CreateSession(sysCtx, username)
	if err != nil {
		t.Fatalf("CreateSession(%s): %v", username, err)
	}
	return tok
}

// login signs in through the login form and returns the session cookie
// it set.
func (a *app) login(t testing.TB, username, password string) *http.Cookie {
	t.Helper()
	res, body := a.request(t, creds{}, http.MethodPost, "/login",
		form("username", username, "password", password, "next", "/staff/"), nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing in as %s: status %d, want 303; page:\n%s", username, res.StatusCode, excerpt(body))
	}
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c
		}
	}
	t.Fatalf("signing in as %s: no %s cookie in %q", username, sessionCookie, res.Header.Values("Set-Cookie"))
	return nil
}

// token returns an API token of username, made once through the
// AccountService as the command line makes it: for any active user, so
// that the matrix can show that users without PermUseAPI are refused even
// with a token. A token that no longer works (signing out everywhere and
// revoking all tokens revoke it) is replaced.
func (a *app) token(t testing.TB, username string) string {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.tokens[username]; ok {
		if _, err := a.DB.Accounts().AuthenticateToken(sysCtx, s); err == nil {
			return s
		}
	}
	s, err := a.DB.Accounts().CreateAPIToken(sysCtx, username, "e2e", 0)
	if err != nil {
		t.Fatalf("CreateAPIToken(%s): %v", username, err)
	}
	a.tokens[username] = s
	return s
}

// excerpt shortens a page for a failure message: its visible text only,
// at most a few hundred characters.
func excerpt(body string) string {
	var b strings.Builder
	in := false
	for _, r := range body {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	if r := []rune(s); len(r) > 600 {
		s = string(r[:600]) + "…"
	}
	return s
}
