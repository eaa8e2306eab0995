package store

import (
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSQLitePragmas checks the pragmas of both SQLite pools as the
// connections report them, and that the DSN lists busy_timeout before
// journal_mode (see sqliteDSN).
func TestSQLitePragmas(t *testing.T) {
	ctx := context.Background()
	for _, writer := range []bool{true, false} {
		u, err := url.Parse(sqliteDSN("x.db", writer))
		if err != nil {
			t.Fatal(err)
		}
		pragmas := u.Query()["_pragma"]
		names := make([]string, len(pragmas))
		for i, p := range pragmas {
			names[i], _, _ = strings.Cut(p, "(")
		}
		busy, wal := slices.Index(names, "busy_timeout"), slices.Index(names, "journal_mode")
		if busy != 0 || wal < busy {
			t.Errorf("writer=%v: pragmas in the order %v; busy_timeout must come first, before journal_mode", writer, names)
		}
	}

	db, err := Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string]string{
		"busy_timeout":       "10000",
		"journal_mode":       "wal",
		"journal_size_limit": "67108864",
		"synchronous":        "1",
		"foreign_keys":       "1",
	}
	for pool, conn := range map[string]querier{"writer": db.write, "reader": db.read} {
		for name, v := range want {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+name).Scan(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", pool, name, err)
			}
			if got != v {
				t.Errorf("%s: PRAGMA %s = %s, want %s", pool, name, got, v)
			}
		}
	}
}
