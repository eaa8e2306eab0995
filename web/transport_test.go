package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/pgtest"
	"spotcheck/store"
)

// These tests run the web application on the real store (both databases)
// behind a real listener: what they check is what a database connection
// and a TCP connection do while a client is slow.

// storeCtx is the context of the tests' own calls of the store: a system
// principal, as the command line has (the store refuses a call without
// one).
var storeCtx = spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("test:web"))

// forEachStore runs fn on a fresh SQLite and a fresh PostgreSQL database
// holding the demo data with the given number of entities.
func forEachStore(t *testing.T, entities int, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	open := func(t *testing.T, dsn string) *store.DB {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := demo.Load(storeCtx, db.Transfers(), db.Accounts(), demo.Generate(20261126, entities, "2026-11-26"), nil); err != nil {
			t.Fatal(err)
		}
		return db
	}
	t.Run("sqlite", func(t *testing.T) { fn(t, open(t, filepath.Join(t.TempDir(), "t.db"))) })
	t.Run("postgres", func(t *testing.T) { fn(t, open(t, pgtest.URL(t))) })
}

// storeServer serves db through the web application on a local listener
// whose connections have small socket buffers, so that a client that does
// not read stalls the server's writes after a few kilobytes.
func storeServer(t *testing.T, db *store.DB) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(Config{Services: storeServices(db), Health: db.Ping,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s)
	ts.Listener = smallBuffers{ts.Listener}
	ts.Start()
	t.Cleanup(ts.Close)
	return s, ts
}

type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096)
	}
	return c, err
}

// stalledClient sends a GET for path with the session cookie on c and
// reads only the status line of the answer, then nothing more.
func stalledClient(c net.Conn, path, session string) string {
	c.(*net.TCPConn).SetReadBuffer(4096)
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: spotcheck\r\nCookie: spotcheck_session=%s\r\n\r\n", path, session)
	// A generous bound, only to turn a hang into a failure.
	c.SetReadDeadline(time.Now().Add(time.Minute))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Sprintf("no answer (%v): the server hangs", err)
	}
	return strings.TrimSpace(line)
}

// Issue 8, item 1: clients that start an export and stop reading hold no
// database connection, and the pages keep answering.
func TestStalledDownloadsHoldNoConnection(t *testing.T) {
	forEachStore(t, 3000, func(t *testing.T, db *store.DB) {
		_, ts := storeServer(t, db)
		session, err := db.Accounts().CreateSession(storeCtx, "cityadmin")
		if err != nil {
			t.Fatal(err)
		}
		// Six at once, as in the report; more than the export slots and
		// than SQLite's read pool.
		lines := make(chan string, 6)
		for range cap(lines) {
			// Closed when the test ends, before the server, which waits for it.
			c, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			go func() { lines <- stalledClient(c, "/staff/transfer/entities/export/entities.csv", session) }()
		}
		sent := 0
		for range cap(lines) {
			switch line := <-lines; line {
			case "HTTP/1.1 200 OK":
				sent++
			case "HTTP/1.1 503 Service Unavailable": // no slot in time: also fine
			default:
				t.Fatalf("export: %s", line)
			}
		}
		if sent == 0 {
			t.Fatal("no export was sent")
		}
		// Every client has its answer started and reads no more; the
		// export (3000 entities, ~500 KB) is far larger than the buffers.
		if st := db.ReadStats(); st.InUse != 0 {
			t.Errorf("%d database connections in use while %d clients do not read their exports", st.InUse, sent)
		}
		c := &http.Client{Timeout: time.Minute}
		for _, path := range []string{"/", "/items", "/draws", "/healthz"} {
			resp, err := c.Get(ts.URL + path)
			if err != nil {
				t.Fatalf("GET %s while exports stall: %v", path, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s while exports stall: %s", path, resp.Status)
			}
		}
	})
}

// When every export slot is taken, a download is refused at once with
// 503, a Chinese reason and Retry-After, instead of queueing for a
// database connection; a download that gets its slot leaves no temporary
// file behind.
func TestExportSlots(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	forEachStore(t, 50, func(t *testing.T, db *store.DB) {
		s, ts := storeServer(t, db)
		session, err := db.Accounts().CreateSession(storeCtx, "cityadmin")
		if err != nil {
			t.Fatal(err)
		}
		get := func() (*http.Response, string) {
			req, _ := http.NewRequest("GET", ts.URL+"/staff/transfer/entities/export/entities.xlsx", nil)
			req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: session})
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}
		s.exportWait = 0
		for range exportSlots {
			s.exports <- struct{}{}
		}
		resp, body := get()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
			!strings.Contains(body, "系统正忙") {
			t.Errorf("all slots taken: %s, Retry-After %q\n%s", resp.Status, resp.Header.Get("Retry-After"), body)
		}
		<-s.exports
		resp, body = get()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "PK") ||
			resp.Header.Get("Content-Length") != fmt.Sprint(len(body)) {
			t.Errorf("one slot free: %s, %d bytes, Content-Length %q", resp.Status, len(body), resp.Header.Get("Content-Length"))
		}
		<-s.exports
		ts.Close() // waits for the handler to finish
		if left, _ := filepath.Glob(filepath.Join(tmp, "spotcheck-*")); len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}
	})
}

// Issue 8, item 9: a body that arrives too slowly is cut off at the
// route's read deadline (here shortened) with 408, instead of keeping the
// connection for as long as the client likes.
func TestSlowBodyIsCutOff(t *testing.T) {
	s, err := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.limits[interactive].read = 200 * time.Millisecond
	ts := httptest.NewServer(s)
	defer ts.Close()
	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Headers and the first byte of a 100-byte login form; the rest never comes.
	fmt.Fprint(c, "POST /login HTTP/1.1\r\nHost: spotcheck\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: 100\r\n\r\nu")
	c.SetReadDeadline(time.Now().Add(time.Minute)) // only to turn a hang into a failure
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("no answer to a stalled body (%v): the connection stays open", err)
	}
	if !strings.HasPrefix(line, "HTTP/1.1 408 ") {
		t.Fatalf("stalled body: %q, want 408", line)
	}
}

// /healthz asks the database: 200 while it answers, 503 when it does not.
func TestHealthzTouchesTheDatabase(t *testing.T) {
	forEachStore(t, 10, func(t *testing.T, db *store.DB) {
		_, ts := storeServer(t, db)
		get := func() int {
			resp, err := ts.Client().Get(ts.URL + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if code := get(); code != http.StatusOK {
			t.Fatalf("database up: %d", code)
		}
		db.Close()
		if code := get(); code != http.StatusServiceUnavailable {
			t.Fatalf("database closed: %d, want 503", code)
		}
	})
}

// A check that does not return in time makes /healthz 503 as well. The
// check is a double, since a database cannot be made to hang on cue; it
// is the only service the route uses.
func TestHealthzTimesOut(t *testing.T) {
	s, err := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Health: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("hanging database: %d, want 503", rec.Code)
	}
}

// Every route has a transport class; files go out as downloads and only
// the import and the inspections' evidence take an upload's size and time.
func TestRouteClasses(t *testing.T) {
	s := newBare(t)
	downloads := map[string]bool{
		"GET /staff/transfer/{kind}/template/{file}":     true,
		"GET /staff/transfer/{kind}/export/{file}":       true,
		"GET /staff/draws/{id}/bundle.zip":               true,
		"GET /draws/{id}/bundle.zip":                     true,
		"GET /staff/plans/template.xlsx":                 true,
		"GET /staff/plans/{key}/tasks/{file}":            true,
		"GET /plans/{key}/plan.json":                     true,
		"GET /plans/{key}/tasks.xlsx":                    true,
		"GET /staff/inspections/{id}/evidence/{sha}":     true,
		"GET /staff/visits/{id}/record/signatures/{sha}": true,
		"GET /results/{task}/results.xlsx":               true,
		"GET /staff/outbox/export/{file}":                true,
		"GET /staff/stats/{file}":                        true,
	}
	for _, rt := range s.Routes() {
		if rt.Download != downloads[rt.Pattern] {
			t.Errorf("%s: download %v", rt.Pattern, rt.Download)
		}
		if rt.Upload != (rt.Pattern == "POST /staff/transfer/{kind}" || rt.Pattern == "POST /staff/inspections/{id}/evidence") {
			t.Errorf("%s: upload %v", rt.Pattern, rt.Upload)
		}
	}
}

// An import upload whose body stops arriving is answered 408 once the
// upload class's read time has passed, like any other slow body, and not
// taken for a form without a file.
func TestSlowUploadIsCutOff(t *testing.T) {
	forEachStore(t, 0, func(t *testing.T, db *store.DB) {
		s, ts := storeServer(t, db)
		s.limits[upload].read = 200 * time.Millisecond
		session, err := db.Accounts().CreateSession(storeCtx, "cityadmin")
		if err != nil {
			t.Fatal(err)
		}
		c, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// The start of a multipart body of 10,000 bytes; the rest never comes.
		part := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.csv\"\r\n\r\n名称,"
		fmt.Fprintf(c, "POST /staff/transfer/entities HTTP/1.1\r\nHost: spotcheck\r\nCookie: spotcheck_session=%s\r\n"+
			"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000\r\n\r\n%s", session, part)
		c.SetReadDeadline(time.Now().Add(time.Minute)) // only to turn a hang into a failure
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			t.Fatalf("no answer to a stalled upload (%v)", err)
		}
		if !strings.HasPrefix(line, "HTTP/1.1 408 ") {
			t.Fatalf("stalled upload: %q, want 408", line)
		}
	})
}

// newBare is the server without services, for what answers without one:
// the route table, the OpenAPI document, limits before any handler.
func newBare(t *testing.T) *Server {
	t.Helper()
	s, err := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// storeServices are db's services, as cmd/spotcheck wires them.
func storeServices(db *store.DB) Services {
	return Services{Accounts: db.Accounts(), Entities: db.Entities(), Inspectors: db.Inspectors(),
		Agencies: db.Agencies(), Items: db.Items(), Responsibilities: db.Responsibilities(),
		Departments: db.Departments(), Conflicts: db.Conflicts(), RiskEvents: db.RiskEvents(), Risk: db.Risk(), RiskOverrides: db.RiskOverrides(), Reference: db.ReferenceData(),
		Changes: db.Changes(), Tasks: db.Tasks(), Draws: db.Draws(), Calendar: db.Calendar(),
		Plans: db.Plans()}
}
