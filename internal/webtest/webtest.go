// Package webtest runs the web application for the tests of the web
// packages on the real store: a temporary SQLite database holding the
// demo data, a few draws in each state and two users more than the demo
// has. Tests that go through the real store cannot pass where the product
// fails, and no test double has to copy a rule of the store.
//
// The database is built once per test binary and copied for each App, so
// that a test may change what it likes; building it (the demo imports,
// the users' password hashes, four draws) takes a second or two, a copy a
// few milliseconds.
package webtest

import (
	"context"
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

	"golang.org/x/mod/sumdb/note"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/ledger"
	"spotcheck/store"
	"spotcheck/web"
)

// The demo data of every App: Entities entities generated from Seed as of
// Today.
const (
	Seed     = 20261126
	Entities = 300
	Today    = "2026-11-26"
)

// ExtraUsers are the users of the tests besides demo.Users (whose
// glplanner plans for 鼓楼区, another department than the city bureau's
// tasks): a chief who plans and approves, whom the four-eyes rule stops
// from deciding their own requests. Their password is demo.Password.
var ExtraUsers = []spotcheck.User{
	{Username: "chief", Name: "市局科长（测试）", Dept: "FZWL",
		Roles: []string{spotcheck.RolePlanner, spotcheck.RoleApprover}},
}

// App is the web application on a database of its own.
type App struct {
	DB   *store.DB
	Web  *web.Server
	Data *demo.Data
	// Draws are the draws of the database as built (draws.go).
	Draws Draws

	mu       sync.Mutex
	sessions map[string]string
	tokens   map[string]string
}

// Now is the clock of the test applications (the store's and the web
// server's): it reads Today at 10:00 in China when the test binary starts
// and runs at real speed from there, so that the fixtures' dates — task
// windows of 2026, due dates on the 2026 calendar — hold whatever day the
// tests run on. Tests that need "today" ask it, never time.Now.
var Now = clockFrom(time.Date(2026, 11, 26, 10, 0, 0, 0, spotcheck.ChinaTime))

func clockFrom(start time.Time) func() time.Time {
	t0 := time.Now()
	return func() time.Time { return start.Add(time.Since(t0)) }
}

// New returns the application on a fresh copy of the test database, with
// the log of the draws; configure, when given, changes the web
// configuration before the server is made (a health check of one's own,
// a service wrapped to watch it).
func New(t testing.TB, configure ...func(*web.Config)) *App {
	t.Helper()
	b := built(t)
	dir := t.TempDir()
	for name, data := range b.files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.UseLogKey(b.signer, b.verifier)
	db.Rand = rand.NewChaCha8([32]byte{'w', 'e', 'b'})
	db.Now = Now
	// The server's lifetime ends with the test: the work its pages started
	// in the background stops, and ends, before the database closes.
	life, end := context.WithCancel(context.Background())
	c := web.Config{Services: Services(db), Ledger: db, Health: db.Ping, Now: Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Background: life}
	for _, f := range configure {
		f(&c)
	}
	s, err := web.New(c)
	if err != nil {
		end()
		t.Fatal(err)
	}
	t.Cleanup(func() { end(); s.Wait() })
	return &App{DB: db, Web: s, Data: b.data, Draws: b.draws, sessions: map[string]string{}, tokens: map[string]string{}}
}

// build is the test database, built once per test binary.
type build struct {
	files    map[string][]byte // the database's files by name
	data     *demo.Data
	draws    Draws
	signer   note.Signer
	verifier string
	err      error
	once     sync.Once
}

var db0 build

// built builds the test database the first time and returns it.
func built(t testing.TB) *build {
	t.Helper()
	db0.once.Do(func() { db0.err = db0.make() })
	if db0.err != nil {
		t.Fatalf("building the test database: %v", db0.err)
	}
	return &db0
}

// make loads the demo data and the draws into a database in a temporary
// folder, closes it and keeps its files in memory.
func (b *build) make() error {
	ctx := System()
	dir, err := os.MkdirTemp("", "spotcheck-webtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if b.signer, b.verifier, err = ledger.NewKey("webtest.example/log"); err != nil {
		return err
	}
	db, err := store.Open(ctx, filepath.Join(dir, "test.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	db.UseLogKey(b.signer, b.verifier)
	db.Rand = rand.NewChaCha8([32]byte{'w', 'e', 'b', 't', 'e', 's', 't'})
	db.Now = Now
	b.data = demo.Generate(Seed, Entities, Today)
	if err := demo.Load(ctx, db.Transfers(), db.Accounts(), b.data, nil); err != nil {
		return err
	}
	for _, u := range ExtraUsers {
		if err := db.Accounts().CreateUser(ctx, &u, demo.Password); err != nil {
			return err
		}
	}
	if b.draws, err = makeDraws(ctx, db, b.data); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	b.files = map[string][]byte{}
	des, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, de := range des {
		if data, err := os.ReadFile(filepath.Join(dir, de.Name())); err == nil && len(data) > 0 {
			b.files[de.Name()] = data
		}
	}
	return nil
}

// Session returns a session of username, made once per App.
func (a *App) Session(t testing.TB, username string) string {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.sessions[username]; ok {
		return s
	}
	s, err := a.DB.Accounts().CreateSession(System(), username)
	if err != nil {
		t.Fatalf("CreateSession(%s): %v", username, err)
	}
	a.sessions[username] = s
	return s
}

// Token returns an API token of username, made once per App.
func (a *App) Token(t testing.TB, username string) string {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.tokens[username]; ok {
		return s
	}
	s, err := a.DB.Accounts().CreateAPIToken(System(), username, "webtest", 0)
	if err != nil {
		t.Fatalf("CreateAPIToken(%s): %v", username, err)
	}
	a.tokens[username] = s
	return s
}

// As returns a context in which username acts as the guard of web makes
// them act: their principal, in the department tree as it is now.
func (a *App) As(t testing.TB, username string) context.Context {
	t.Helper()
	ctx, err := principal(System(), a.DB, username)
	if err != nil {
		t.Fatalf("acting as %s: %v", username, err)
	}
	return ctx
}

// Page sends a request as user ("" for a visitor) with a form body (nil
// for none) and returns the response and its body.
func (a *App) Page(t testing.TB, user, method, path string, form url.Values) (*httptest.ResponseRecorder, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if user != "" {
		req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, user)})
	}
	rec := httptest.NewRecorder()
	a.Web.ServeHTTP(rec, req)
	return rec, rec.Body.String()
}

// Call sends one API request as user ("" for no token) and returns the
// response and its body decoded as a JSON object.
func (a *App) Call(t testing.TB, method, path, user, body string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	token := ""
	if user != "" {
		token = a.Token(t, user)
	}
	return a.CallToken(t, method, path, token, body)
}

// CallToken is Call with the token given ("" for none).
func (a *App) CallToken(t testing.TB, method, path, token, body string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	a.Web.ServeHTTP(rec, req)
	var m map[string]any
	if err := jsonObject(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, rec.Body)
	}
	return rec, m
}

// System returns a context acting as the named system principal of the
// tests' own setup (spotcheck.System): the store denies a call without a
// principal, and what the setup does is recorded under this name.
func System() context.Context {
	return spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("webtest"))
}
