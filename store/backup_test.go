package store_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"spotcheck"
	"spotcheck/internal/pgtest"
	"spotcheck/internal/ziptest"
	"spotcheck/ledger"
	"spotcheck/store"
)

// backupSource is a database with a log key, departments, entities, an
// attachment and log entries: every kind of value a backup carries.
func backupSource(t *testing.T, db *store.DB) (signer note.Signer, vkey string) {
	t.Helper()
	signer, vkey, err := ledger.NewKey(ledger.DefaultOrigin)
	if err != nil {
		t.Fatal(err)
	}
	db.UseLogKey(signer, vkey)
	seedDepartments(t, db)
	if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("a.csv", []spotcheck.Entity{
		entity(t, "350102", "MA0000010", "福州甲旅行社（示例）"),
		entity(t, "350104", "MA0000029", "仓山乙网吧\n\"引号\"（示例）"),
	})); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Attachments().SaveAttachment(ctx, "p.jpg", noisePhoto(t, 64, 48, 3), spotcheck.Citation{Kind: "inspection", Key: "1"}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := db.AppendLog(ctx, "test", fmt.Appendf(nil, `{"n":%d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	return signer, vkey
}

// backupWhileWriting takes a backup of db while two goroutines write to
// it, imports (entities, their change rows, the search index) and log
// appends, and returns the backup's file. The backup starts once both
// have written, and they stop when it is done.
func backupWhileWriting(t *testing.T, db *store.DB, vkey string) (string, *store.BackupManifest) {
	t.Helper()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	started := make(chan struct{}, 2)
	errs := make(chan error, 2)
	// Each writer writes until stopped and says when it has written
	// three times, so that the backup starts in the middle of both.
	writer := func(write func(i int) error) {
		wg.Go(func() {
			for i := 0; ; i++ {
				if err := write(i); err != nil {
					errs <- err
					return
				}
				if i == 2 {
					started <- struct{}{}
				}
				select {
				case <-stop:
					return
				default:
				}
			}
		})
	}
	writer(func(i int) error {
		e := entity(t, "350102", fmt.Sprintf("MB%07d", i), fmt.Sprintf("并发写入%d号商店", i))
		_, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("w.csv", []spotcheck.Entity{e}))
		return err
	})
	writer(func(i int) error {
		_, err := db.AppendLog(ctx, "test", fmt.Appendf(nil, `{"w":%d}`, i))
		return err
	})
	<-started
	<-started
	path := filepath.Join(t.TempDir(), "backup.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.Backup(ctx, f, vkey)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		t.Fatalf("writer: %v", err)
	default:
	}
	return path, m
}

// rawDB opens dsn with database/sql only, to count what a restore wrote.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver, src := "sqlite", "file:"+dsn
	if store.IsPostgres(dsn) {
		driver, src = "pgx", dsn
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// checkRestored checks a restored database: every table has the rows the
// manifest counts, the entity counter matches the entities (both are
// written in one transaction, so a torn snapshot would differ), the log
// verifies with the source's key to the manifest's size, the search finds
// an entity by a part of its name, and the database takes new writes
// (on PostgreSQL: the identity counters were moved past the rows).
func checkRestored(t *testing.T, dsn string, m *store.BackupManifest, signer func() (string, *store.DB)) {
	t.Helper()
	raw := rawDB(t, dsn)
	for _, tb := range m.Tables {
		var n int64
		if err := raw.QueryRow("SELECT count(*) FROM " + tb.Name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != tb.Rows {
			t.Errorf("table %s: %d rows, manifest %d", tb.Name, n, tb.Rows)
		}
	}
	var entities, counter int64
	if err := raw.QueryRow(`SELECT count(*), (SELECT value FROM counters WHERE name = 'entity_seq') FROM entities`).Scan(&entities, &counter); err != nil {
		t.Fatal(err)
	}
	if entities != counter || entities < 5 {
		t.Errorf("%d entities, counter %d", entities, counter)
	}
	vkey, db := signer()
	size, err := ledger.VerifyLog(ctx, db, vkey)
	if err != nil || size != m.LogSize || size < 8 {
		t.Fatalf("log verify of the restored database: %d entries (manifest %d), %v", size, m.LogSize, err)
	}
	found, err := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Query: "甲旅行"})
	if err != nil || len(found.Items) != 1 {
		t.Fatalf("search in the restored database: %+v, %v", found, err)
	}
	if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("b.csv", []spotcheck.Entity{
		entity(t, "350102", "MC0000018", "恢复之后新增的书店")})); err != nil {
		t.Fatalf("import after restore: %v", err)
	}
	if _, err := db.AppendLog(ctx, "test", []byte(`{"after":1}`)); err != nil {
		t.Fatalf("append after restore: %v", err)
	}
	if size, err := ledger.VerifyLog(ctx, db, vkey); err != nil || size != m.LogSize+1 {
		t.Fatalf("log verify after a new append: %d, %v", size, err)
	}
}

// TestBackupRestoreDuringWrites: a backup taken while other goroutines
// import and append restores, into SQLite and into PostgreSQL whatever
// the source, to a database whose log verifies and whose row counts are
// the manifest's (so SQLite → PostgreSQL and back both work).
func TestBackupRestoreDuringWrites(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		signer, vkey := backupSource(t, db)
		path, m := backupWhileWriting(t, db, vkey)
		if m.Dialect != db.Dialect() || m.LogKey != vkey || m.Migration == "" {
			t.Fatalf("manifest %+v", m)
		}
		for _, target := range []string{"sqlite", "postgres"} {
			t.Run("to-"+target, func(t *testing.T) {
				dsn := filepath.Join(t.TempDir(), "restored.db")
				if target == "postgres" {
					dsn = pgtest.URL(t)
				}
				size, err := store.Restore(ctx, path, dsn, "")
				if err != nil || size != m.LogSize {
					t.Fatalf("Restore: %d entries, %v (manifest %d)", size, err, m.LogSize)
				}
				checkRestored(t, dsn, m, func() (string, *store.DB) {
					r := openDB(t, dsn)
					r.UseLogKey(signer, vkey)
					return vkey, r
				})
			})
		}
	})
}

// rewriteMember returns the backup at path with member name's lines
// passed through edit; a line edited to "" is left out.
func rewriteMember(t *testing.T, path, name string, edit func(line int, s string) string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != name {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(name)
		sc := bufio.NewScanner(r)
		for i := 0; sc.Scan(); i++ {
			if l := edit(i, sc.Text()); l != "" {
				fmt.Fprintln(w, l)
			}
		}
		r.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestRestoreRefusesTamperedLog: a backup with one log entry changed is
// refused, naming the entry, and the target is left as it was (a SQLite
// path still absent, a PostgreSQL database still without tables); so is
// a backup checked with another key than its log's.
func TestRestoreRefusesTamperedLog(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		_, vkey := backupSource(t, db)
		path := filepath.Join(t.TempDir(), "backup.zip")
		f, _ := os.Create(path)
		if _, err := db.Backup(ctx, f, vkey); err != nil {
			t.Fatal(err)
		}
		f.Close()
		tampered := rewriteMember(t, path, "tables/log_entries.jsonl", func(i int, s string) string {
			if i != 3 {
				return s
			}
			var row []json.RawMessage
			var b struct{ B string }
			if json.Unmarshal([]byte(s), &row) != nil || json.Unmarshal(row[1], &b) != nil {
				t.Fatalf("row %q", s)
			}
			entry, _ := base64.StdEncoding.DecodeString(b.B)
			entry = bytes.Replace(entry, []byte(`"n":3`), []byte(`"n":9`), 1)
			return fmt.Sprintf(`[%s,{"b":"%s"}]`, row[0], base64.StdEncoding.EncodeToString(entry))
		})
		bad := filepath.Join(t.TempDir(), "tampered.zip")
		if err := os.WriteFile(bad, tampered, 0o600); err != nil {
			t.Fatal(err)
		}
		_, otherKey, _ := ledger.NewKey(ledger.DefaultOrigin)
		for _, c := range []struct{ file, key, want string }{
			{bad, "", "第 3 条记录"},
			{path, otherKey, "检查点"},
		} {
			sqlitePath := filepath.Join(t.TempDir(), "restored.db")
			pgURL := pgtest.URL(t)
			for _, dsn := range []string{sqlitePath, pgURL} {
				_, err := store.Restore(ctx, c.file, dsn, c.key)
				if spotcheck.ErrorCode(err) != spotcheck.EINVALID || !strings.Contains(spotcheck.ErrorMessage(err), c.want) {
					t.Fatalf("Restore %s to %s: %v, want %q", c.file, dsn, err, c.want)
				}
			}
			if entries, _ := os.ReadDir(filepath.Dir(sqlitePath)); len(entries) != 0 {
				t.Errorf("the SQLite target's folder holds %v", entries)
			}
			var n int
			if err := rawDB(t, pgURL).QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&n); err != nil || n != 0 {
				t.Errorf("the PostgreSQL target has %d tables (%v)", n, err)
			}
		}
	})
}

// TestRestoreRefusesNonEmptyTarget: an existing SQLite file and a
// PostgreSQL database with tables are refused and left as they were.
func TestRestoreRefusesNonEmptyTarget(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "src.db"))
	_, vkey := backupSource(t, db)
	var buf bytes.Buffer
	if _, err := db.Backup(ctx, &buf, vkey); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backup.zip")
	os.WriteFile(path, buf.Bytes(), 0o600)

	existing := filepath.Join(t.TempDir(), "existing.db")
	os.WriteFile(existing, []byte("keep"), 0o600)
	pg := pgtest.URL(t)
	openDB(t, pg) // migrated: has tables
	for _, dsn := range []string{existing, pg} {
		if _, err := store.Restore(ctx, path, dsn, ""); spotcheck.ErrorCode(err) != spotcheck.EINVALID ||
			!strings.Contains(spotcheck.ErrorMessage(err), "恢复只写入") {
			t.Fatalf("Restore to %s: %v", dsn, err)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep" {
		t.Errorf("the existing file was changed: %q", b)
	}
}

// TestRestoreRefusesBadInput: a file that is not a backup, a truncated
// backup, a member that inflates to a gigabyte of zeros (read only up to
// the bound on a line) and a member with a row fewer than the manifest
// counts, and a manifest without a table, each get a Chinese error, and nothing is written, on PostgreSQL
// either.
func TestRestoreRefusesBadInput(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "src.db"))
	_, vkey := backupSource(t, db)
	var buf bytes.Buffer
	if _, err := db.Backup(ctx, &buf, vkey); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bomb, err := ziptest.Bomb(good, "tables/entities.jsonl", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	goodPath := write("good.zip", good)
	short := rewriteMember(t, goodPath, "tables/entities.jsonl", func(i int, s string) string {
		if i == 0 {
			return s
		}
		return ""
	})
	// A manifest that leaves out a table (its member stays, unread).
	var m store.BackupManifest
	zr, err := zip.OpenReader(goodPath)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := zr.Open("manifest.json")
	err = json.NewDecoder(f).Decode(&m)
	f.Close()
	zr.Close()
	if err != nil {
		t.Fatal(err)
	}
	m.Tables = slices.DeleteFunc(m.Tables, func(bt store.BackupTable) bool { return bt.Name == "users" })
	manifest, _ := json.Marshal(m)
	noUsers := rewriteMember(t, goodPath, "manifest.json", func(i int, _ string) string {
		if i > 0 {
			return ""
		}
		return string(manifest)
	})
	for _, c := range []struct{ name, want string }{
		{write("nousers.zip", noUsers), "备份缺少表 users"},
		{write("text.zip", []byte("这不是备份\n")), "不是 zip 文件"},
		{write("truncated.zip", good[:len(good)/2]), "不是 zip 文件，或文件不完整"},
		{write("bomb.zip", bomb), "行过长"},
		{write("short.zip", short), "清单记载"},
	} {
		target := filepath.Join(t.TempDir(), "out.db")
		_, err := store.Restore(ctx, c.name, target, "")
		if spotcheck.ErrorCode(err) != spotcheck.EINVALID || !strings.Contains(spotcheck.ErrorMessage(err), c.want) {
			t.Errorf("%s: %v, want %q", filepath.Base(c.name), err, c.want)
		}
		if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 0 {
			t.Errorf("%s: the target's folder holds %v", filepath.Base(c.name), entries)
		}
	}
	// A failure during the load (the short member is found out only at
	// its end, after the schema and the tables before it were written)
	// leaves a PostgreSQL target as empty as it was: one transaction.
	pg := pgtest.URL(t)
	if _, err := store.Restore(ctx, filepath.Join(dir, "short.zip"), pg, ""); !strings.Contains(spotcheck.ErrorMessage(err), "清单记载") {
		t.Fatalf("short backup to PostgreSQL: %v", err)
	}
	var n int
	if err := rawDB(t, pg).QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the PostgreSQL target has %d tables after a failed load (%v)", n, err)
	}
	// The good one restores.
	if _, err := store.Restore(ctx, goodPath, filepath.Join(t.TempDir(), "ok.db"), ""); err != nil {
		t.Fatal(err)
	}
}
