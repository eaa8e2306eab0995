package store_test

import (
	"crypto/sha256"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
	"spotcheck/internal/pgtest"
	"spotcheck/ledger"
	"spotcheck/store"
)

// forEachLogDB is forEachDB with a log key and a second, raw connection to
// the same database, through which tests change the log behind the
// store's back.
func forEachLogDB(t *testing.T, fn func(t *testing.T, db *store.DB, raw *sql.DB)) {
	t.Helper()
	run := func(t *testing.T, dsn, driver, rawDSN string) {
		db := openDB(t, dsn)
		signer, vkey, err := ledger.NewKey("test.example/log")
		if err != nil {
			t.Fatal(err)
		}
		db.UseLogKey(signer, vkey)
		raw, err := sql.Open(driver, rawDSN)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		fn(t, db, raw)
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "test.db")
		run(t, path, "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := pgtest.URL(t)
		run(t, url, "pgx", url)
	})
}

// TestLogStorage runs the log's conformance suite on the store's tables:
// appends, checkpoints, rollbacks, sealed records and concurrent writers,
// on SQLite and PostgreSQL (where the head row is locked FOR UPDATE).
func TestLogStorage(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		ledger.TestStorage(t, func(t *testing.T) ledger.Storage {
			return openDB(t, filepath.Join(t.TempDir(), "test.db")).LogStorageForTest()
		})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		ledger.TestStorage(t, func(t *testing.T) ledger.Storage { return openDB(t, pgtest.URL(t)).LogStorageForTest() })
	})
}

// mth is RFC 6962's Merkle tree hash, written out without tlog.
func mth(entries [][]byte) []byte {
	if len(entries) == 1 {
		h := sha256.Sum256(append([]byte{0}, entries[0]...))
		return h[:]
	}
	k := 1
	for k*2 < len(entries) {
		k *= 2
	}
	h := sha256.Sum256(append(append([]byte{1}, mth(entries[:k])...), mth(entries[k:])...))
	return h[:]
}

func body(i int) []byte { return fmt.Appendf(nil, `{"n":%d,"plan":"%064x"}`, i, i) }

// allEntries reads the whole log through the 1000-entry pages.
func allEntries(t *testing.T, db *store.DB) [][]byte {
	t.Helper()
	var out [][]byte
	for {
		page, err := db.LogEntries(ctx, int64(len(out)), int64(len(out))+ledger.MaxEntriesPerRequest)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
	}
}

func TestLogAppendAndProofs(t *testing.T) {
	forEachLogDB(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		signed, err := db.LogCheckpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := ledger.OpenCheckpoint(signed, db.LogKey()); err != nil || c.Size != 0 || c.Root != sha256.Sum256(nil) {
			t.Fatalf("empty log checkpoint %+v, %v", c, err)
		}
		for i := range 13 {
			idx, err := db.AppendLog(ctx, "test", body(i))
			if err != nil || idx != int64(i) {
				t.Fatalf("AppendLog %d = %d, %v", i, idx, err)
			}
		}
		// A bulk append large enough to be flushed in parts.
		var bodies [][]byte
		for i := 13; i < 9000; i++ {
			bodies = append(bodies, body(i))
		}
		if err := db.AppendLogBulk(ctx, "test", bodies); err != nil {
			t.Fatal(err)
		}
		if idx, err := db.AppendLog(ctx, "test", body(9000)); err != nil || idx != 9000 {
			t.Fatalf("AppendLog after bulk = %d, %v", idx, err)
		}
		const n = 9001
		entries := allEntries(t, db)
		if len(entries) != n {
			t.Fatalf("%d entries", len(entries))
		}
		want := `{"body":{"n":5,"plan":"` + fmt.Sprintf("%064x", 5) + `"},"time":"2026-03-01T08:00:00Z","type":"test"}`
		if string(entries[5]) != want {
			t.Fatalf("entry 5 = %s", entries[5])
		}
		signed, err = db.LogCheckpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ledger.OpenCheckpoint(signed, db.LogKey())
		if err != nil || c.Size != n {
			t.Fatalf("checkpoint %+v, %v", c, err)
		}
		if string(c.Root[:]) != string(mth(entries)) {
			t.Fatalf("root differs from RFC 6962 MTH of the entries")
		}
		// One checkpoint per committed transaction: 13 + 1 + 1.
		var sizes []int64
		roots := map[int64]tlog.Hash{}
		db.ScanLogCheckpoints(ctx, func(size int64, signed []byte) error {
			c, err := ledger.OpenCheckpoint(signed, db.LogKey())
			if err != nil {
				t.Errorf("checkpoint %d: %v", size, err)
			}
			sizes = append(sizes, size)
			roots[size] = c.Root
			return nil
		})
		if len(sizes) != 15 || sizes[12] != 13 || sizes[13] != 9000 {
			t.Fatalf("checkpoint sizes %v", sizes)
		}
		for _, i := range []int64{0, 1, 12, 13, 4095, 4096, 8191, 8999, 9000} {
			p, err := ledger.ProveInclusion(ctx, db, i, n)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Check(c.Root, entries[i]); err != nil {
				t.Errorf("tlog: inclusion of %d: %v", i, err)
			}
			leaf := rfc6962.DefaultHasher.HashLeaf(entries[i])
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(i), n, leaf, hashes(p.Hashes), c.Root[:]); err != nil {
				t.Errorf("merkle: inclusion of %d: %v", i, err)
			}
		}
		for _, old := range sizes {
			p, err := ledger.ProveConsistency(ctx, db, old, n)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Check(roots[old], c.Root); err != nil {
				t.Errorf("tlog: consistency %d→%d: %v", old, n, err)
			}
			oldRoot := roots[old]
			if err := proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(old), n, hashes(p.Hashes), oldRoot[:], c.Root[:]); err != nil {
				t.Errorf("merkle: consistency %d→%d: %v", old, n, err)
			}
		}
		if _, err := ledger.ProveInclusion(ctx, db, 0, n+1); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Errorf("proof beyond the tree: %v", err)
		}
		if got, err := ledger.VerifyLog(ctx, db, db.LogKey()); got != n || err != nil {
			t.Fatalf("VerifyLog = %d, %v", got, err)
		}
		// A failed append leaves nothing behind.
		if _, err := db.AppendLog(ctx, "test", []byte(`not json`)); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Fatalf("bad body: %v", err)
		}
		if size, _ := db.LogSize(ctx); size != n {
			t.Fatalf("size %d after a failed append", size)
		}
	})
}

func hashes(hs []tlog.Hash) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = hs[i][:]
	}
	return out
}

func TestVerifyLogCatchesTampering(t *testing.T) {
	forEachLogDB(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		for i := range 20 {
			if _, err := db.AppendLog(ctx, "test", body(i)); err != nil {
				t.Fatal(err)
			}
		}
		entries := allEntries(t, db)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := raw.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		restore := func() {
			exec(`DELETE FROM log_entries`)
			for i, e := range entries {
				exec(`INSERT INTO log_entries (idx, entry) VALUES ($1, $2)`, i, e)
			}
		}
		edited := []byte(strings.Replace(string(entries[7]), `"n":7`, `"n":8`, 1))
		tests := []struct {
			name   string
			tamper func()
			want   string
		}{
			{"edited", func() { exec(`UPDATE log_entries SET entry = $1 WHERE idx = 7`, edited) }, "第 7 条记录与存储的哈希不符"},
			{"deleted", func() { exec(`DELETE FROM log_entries WHERE idx = 7`) }, "第 7 条记录缺失"},
			{"deleted last", func() { exec(`DELETE FROM log_entries WHERE idx = 19`) }, "第 19 条记录缺失"},
			{"swapped", func() {
				exec(`UPDATE log_entries SET entry = $1 WHERE idx = 4`, entries[11])
				exec(`UPDATE log_entries SET entry = $1 WHERE idx = 11`, entries[4])
			}, "第 4 条记录与存储的哈希不符"},
			{"inserted", func() {
				for i := 19; i >= 3; i-- {
					exec(`UPDATE log_entries SET idx = $1 WHERE idx = $2`, i+1, i)
				}
				exec(`INSERT INTO log_entries (idx, entry) VALUES (3, $1)`, entries[0])
			}, "第 3 条记录与存储的哈希不符"},
		}
		for _, tt := range tests {
			tt.tamper()
			_, err := ledger.VerifyLog(ctx, db, db.LogKey())
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("%s: VerifyLog: %v\nwant %s…", tt.name, err, tt.want)
			}
			restore()
			if _, err := ledger.VerifyLog(ctx, db, db.LogKey()); err != nil {
				t.Fatalf("after restoring %s: %v", tt.name, err)
			}
		}
		// Entry and hashes rewritten: the checkpoint signed after it fails.
		exec(`UPDATE log_entries SET entry = $1 WHERE idx = 7`, edited)
		var hs []tlog.Hash
		for i, e := range entries {
			if i == 7 {
				e = edited
			}
			h, err := tlog.StoredHashes(int64(i), e, tlog.HashReaderFunc(func(x []int64) ([]tlog.Hash, error) {
				out := make([]tlog.Hash, len(x))
				for j := range x {
					out[j] = hs[x[j]]
				}
				return out, nil
			}))
			if err != nil {
				t.Fatal(err)
			}
			hs = append(hs, h...)
		}
		for i, h := range hs {
			exec(`UPDATE log_hashes SET hash = $1 WHERE idx = $2`, h[:], i)
		}
		if _, err := ledger.VerifyLog(ctx, db, db.LogKey()); err == nil || !strings.HasPrefix(err.Error(), "第 7 条记录与签名的检查点（大小 8）不符") {
			t.Errorf("rewritten hashes: %v", err)
		}
	})
}

func TestLogWithoutKey(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "test.db"))
	if _, err := db.AppendLog(ctx, "test", []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "未配置日志签名密钥") {
		t.Fatalf("append without a key: %v", err)
	}
	if _, err := db.LogCheckpoint(ctx); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
		t.Fatalf("checkpoint without a key: %v", err)
	}
}
