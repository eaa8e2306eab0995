package store

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"spotcheck/internal/pgtest"
)

// syncBuffer is a bytes.Buffer for a logger that goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// rebuildGoroutines counts the goroutines that run a background rebuild.
func rebuildGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return strings.Count(string(buf), "spotcheck/store.postgres.rebuild(")
}

// openPostgres opens a new PostgreSQL database that logs to a buffer, and a
// raw connection to it.
func openPostgres(t *testing.T) (*DB, *sql.DB, *syncBuffer) {
	url := pgtest.URL(t)
	var logs syncBuffer
	db, err := Open(context.Background(), url, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw, &logs
}

// Close stops a background rebuild that is running (here, waiting for a
// table lock another connection holds) and waits for it: no goroutine of
// it is left, and its cancellation is not logged as an error.
func TestCloseStopsBackgroundRebuild(t *testing.T) {
	ctx := context.Background()
	db, raw, logs := openPostgres(t)
	lock, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.ExecContext(ctx, "LOCK TABLE search_postings IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	db.rebuildSearchInBackground()
	// Wait until the rebuild waits for the lock.
	for {
		var waiting int
		err := raw.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
			WHERE d.datname = current_database() AND NOT l.granted`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := rebuildGoroutines(); n != 1 {
		t.Fatalf("%d rebuild goroutines while the rebuild runs, want 1", n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if n := rebuildGoroutines(); n != 0 {
		t.Errorf("%d rebuild goroutines after Close, want 0", n)
	}
	db.rebuildSearchInBackground() // after Close: starts nothing
	if n := rebuildGoroutines(); n != 0 {
		t.Errorf("a rebuild started after Close")
	}
	if s := logs.String(); s != "" {
		t.Errorf("logged on Close: %s", s)
	}
}

// A background rebuild that fails reports to the DB's logger.
func TestBackgroundRebuildLogsErrors(t *testing.T) {
	ctx := context.Background()
	db, raw, logs := openPostgres(t)
	if _, err := raw.ExecContext(ctx, "ALTER TABLE counters RENAME TO counters_gone"); err != nil {
		t.Fatal(err)
	}
	db.rebuildSearchInBackground()
	db.bg.wg.Wait()
	if s := logs.String(); !strings.Contains(s, "后台重建搜索索引失败") || !strings.Contains(s, "counters") {
		t.Errorf("log of a failed rebuild: %q", s)
	}
}
