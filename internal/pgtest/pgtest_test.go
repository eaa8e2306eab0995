package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestURLCreatesAndDropsDatabase(t *testing.T) {
	base := os.Getenv(EnvVar)
	if base == "" {
		URL(t) // skips, or fails under CI=true
		return
	}

	var mu sync.Mutex
	var names []string
	t.Run("group", func(t *testing.T) {
		for i := range 3 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				// Registered before URL, so it runs after URL's drop: the
				// drop must cope with this connection still open (WITH FORCE).
				var db *sql.DB
				t.Cleanup(func() {
					if db != nil {
						db.Close()
					}
				})
				u := URL(t)
				name := dbName(t, u)
				if !strings.HasPrefix(name, "t_") {
					t.Fatalf("database name %q, want t_…", name)
				}
				if q := mustParse(t, u).RawQuery; q != mustParse(t, base).RawQuery {
					t.Errorf("query %q, want %q kept from %s", q, mustParse(t, base).RawQuery, EnvVar)
				}
				var err error
				if db, err = sql.Open("pgx", u); err != nil {
					t.Fatal(err)
				}
				var got string
				if err := db.QueryRow("SELECT current_database()").Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != name {
					t.Fatalf("connected to %q, want %q", got, name)
				}
				if _, err := db.Exec("CREATE TABLE probe (id int PRIMARY KEY)"); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				names = append(names, name)
				mu.Unlock()
			})
		}
	})
	if len(names) != 3 {
		t.Fatalf("%d databases created, want 3", len(names))
	}
	if len(map[string]bool{names[0]: true, names[1]: true, names[2]: true}) != 3 {
		t.Fatalf("database names not distinct: %v", names)
	}

	db := open(t, base)
	for _, name := range names {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("database %s still exists after its test ended", name)
		}
	}
}

// stop ends a call of URL at the fake's Skip or Fatal, as runtime.Goexit would.
type stop struct{}

type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                      {}
func (f *fakeTB) Skip(args ...any)             { f.skipped = fmt.Sprint(args...); panic(stop{}) }
func (f *fakeTB) Fatal(args ...any)            { f.failed = fmt.Sprint(args...); panic(stop{}) }
func (f *fakeTB) Fatalf(s string, args ...any) { f.failed = fmt.Sprintf(s, args...); panic(stop{}) }

func callURL(t *testing.T) *fakeTB {
	f := &fakeTB{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(stop); !ok {
					panic(r)
				}
			}
		}()
		u := URL(f)
		t.Fatalf("URL returned %q, want skip or failure", u)
	}()
	return f
}

func TestURLWithoutServer(t *testing.T) {
	t.Setenv(EnvVar, "")

	t.Run("skipped outside CI", func(t *testing.T) {
		t.Setenv("CI", "")
		f := callURL(t)
		if f.failed != "" || !strings.Contains(f.skipped, "scripts/test") {
			t.Fatalf("skipped=%q failed=%q, want a skip that names scripts/test", f.skipped, f.failed)
		}
	})
	t.Run("fails under CI", func(t *testing.T) {
		t.Setenv("CI", "true")
		f := callURL(t)
		if f.skipped != "" || !strings.Contains(f.failed, "CI 中不允许跳过 PostgreSQL 测试") {
			t.Fatalf("skipped=%q failed=%q, want a CI failure", f.skipped, f.failed)
		}
	})
	t.Run("rejects a non-URL", func(t *testing.T) {
		t.Setenv("CI", "")
		t.Setenv(EnvVar, "host=localhost dbname=x")
		f := callURL(t)
		if f.skipped != "" || !strings.Contains(f.failed, EnvVar) {
			t.Fatalf("skipped=%q failed=%q, want a failure naming %s", f.skipped, f.failed, EnvVar)
		}
	})
}

func mustParse(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func dbName(t testing.TB, raw string) string {
	return strings.TrimPrefix(mustParse(t, raw).Path, "/")
}

func open(t testing.TB, raw string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}
