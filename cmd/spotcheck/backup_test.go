package main

import (
	"archive/zip"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"spotcheck"
	"spotcheck/internal/pgtest"
	"spotcheck/ledger"
	"spotcheck/store"
)

// writeWhile writes to the database dsn, signed with the key file
// keyPath, from two goroutines (log appends and entity imports) until the
// returned stop is called; it returns once both have written.
func writeWhile(t *testing.T, dsn, keyPath string) (stop func()) {
	t.Helper()
	db, err := store.Open(sysCtx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	signer, vkey, err := ledger.LoadKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	db.UseLogKey(signer, vkey)
	done := make(chan struct{})
	started := make(chan struct{}, 2)
	errs := make(chan error, 2)
	var wg sync.WaitGroup
	loop := func(write func(i int) error) {
		for i := 0; ; i++ {
			if err := write(i); err != nil {
				errs <- err
				return
			}
			if i == 2 {
				started <- struct{}{}
			}
			select {
			case <-done:
				return
			default:
			}
		}
	}
	wg.Go(func() {
		loop(func(i int) error {
			_, err := db.AppendLog(sysCtx, "test", fmt.Appendf(nil, `{"w":%d}`, i))
			return err
		})
	})
	wg.Go(func() {
		loop(func(i int) error {
			first17 := fmt.Sprintf("91350102MW%07d", i)
			c, _ := spotcheck.USCCCheckChar(first17)
			_, err := db.Entities().ImportEntities(sysCtx, spotcheck.SliceSource("w.csv", []spotcheck.Entity{{
				ID: first17 + string(c), Name: fmt.Sprintf("备份期间写入的第%d家", i), Type: "T01", Division: "350102",
				Status: "在营", CreditClass: "B", Active: true}}))
			return err
		})
	})
	<-started
	<-started
	return func() {
		close(done)
		wg.Wait()
		db.Close()
		select {
		case err := <-errs:
			t.Fatalf("writer: %v", err)
		default:
		}
	}
}

// manifestOf reads the manifest of the backup at path.
func manifestOf(t *testing.T, path string) store.BackupManifest {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var m store.BackupManifest
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// rowCounts maps each table of m to its number of rows.
func rowCounts(m store.BackupManifest) map[string]int64 {
	out := map[string]int64{}
	for _, t := range m.Tables {
		out[t.Name] = t.Rows
	}
	return out
}

// TestBackupRestoreDemo: the demo (every kind of record: draws, plans,
// inspections with photos and signatures, publications, the outbox) backed
// up from SQLite while two goroutines write restores to a new SQLite file
// and to an empty PostgreSQL database; `log verify` with the source's key
// passes on both, and a backup of each restored database counts the same
// rows in every table as the first backup.
func TestBackupRestoreDemo(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "demo.db")
	if code, _, errs := run(t, "demo", "--no-serve", "--db", src); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	key := logKeyPath(src, "")
	stop := writeWhile(t, src, key)
	backup := filepath.Join(dir, "demo.zip")
	code, out, errs := run(t, "backup", "--out", backup, "--db", src)
	stop()
	if code != 0 || out != "备份完成："+backup+"\n" {
		t.Fatalf("backup: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	m := manifestOf(t, backup)
	want := rowCounts(m)
	if want["attachments"] == 0 || want["draws"] == 0 || want["publications"] == 0 || m.LogSize == 0 {
		t.Fatalf("the demo's backup lacks records: %v", want)
	}
	for _, target := range []string{filepath.Join(dir, "restored.db"), pgtest.URL(t)} {
		code, out, errs := run(t, "restore", backup, "--db", target)
		if wantOut := fmt.Sprintf("ok %d entries\n", m.LogSize); code != 0 || out != wantOut {
			t.Fatalf("restore to %s: exit %d, stdout %q (want %q), stderr %s", target, code, out, wantOut, errs)
		}
		if code, out, errs := run(t, "log", "verify", "--db", target, "--log-key", key); code != 0 || out != fmt.Sprintf("ok %d entries\n", m.LogSize) {
			t.Fatalf("log verify of %s: exit %d, stdout %q, stderr %s", target, code, out, errs)
		}
		again := filepath.Join(t.TempDir(), "again.zip")
		if code, _, errs := run(t, "backup", "--out", again, "--db", target, "--log-key", key); code != 0 {
			t.Fatalf("backup of %s: %s", target, errs)
		}
		got := rowCounts(manifestOf(t, again))
		for name, n := range want {
			if got[name] != n {
				t.Errorf("%s: table %s has %d rows, the first backup %d", target, name, got[name], n)
			}
		}
	}
}

// TestBackupFromPostgres: a PostgreSQL database backed up while it is
// written to restores to SQLite, and its log verifies there.
func TestBackupFromPostgres(t *testing.T) {
	dir := t.TempDir()
	url := pgtest.URL(t)
	key := filepath.Join(dir, "pg.logkey")
	if code, _, errs := run(t, "demo", "--no-serve", "--db", url, "--log-key", key); code != 0 {
		t.Fatalf("demo on postgres: %s", errs)
	}
	stop := writeWhile(t, url, key)
	backup := filepath.Join(dir, "pg.zip")
	code, _, errs := run(t, "backup", "--out", backup, "--db", url, "--log-key", key)
	stop()
	if code != 0 {
		t.Fatalf("backup: %s", errs)
	}
	m := manifestOf(t, backup)
	target := filepath.Join(dir, "from-pg.db")
	if code, out, errs := run(t, "restore", backup, "--db", target); code != 0 || out != fmt.Sprintf("ok %d entries\n", m.LogSize) {
		t.Fatalf("restore: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	if code, out, errs := run(t, "log", "verify", "--db", target, "--log-key", key); code != 0 || out != fmt.Sprintf("ok %d entries\n", m.LogSize) {
		t.Fatalf("log verify: exit %d, stdout %q, stderr %s", code, out, errs)
	}
}

// TestRestoreCommandRefuses: a backup of a database whose log entry 5
// was changed behind the program's back is refused, naming the entry,
// with exit 1 and no target; so are a target that exists, a backup
// checked with another key, and a file that is not a backup; a missing
// file argument is wrong usage.
func TestRestoreCommandRefuses(t *testing.T) {
	src := logDB(t, 12)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.zip")
	if code, _, errs := run(t, "backup", "--out", good, "--db", src); code != 0 {
		t.Fatalf("backup: %s", errs)
	}
	raw, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE log_entries SET entry = replace(entry, '"n":5', '"n":6') WHERE idx = 5`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	bad := filepath.Join(dir, "bad.zip")
	if code, _, errs := run(t, "backup", "--out", bad, "--db", src); code != 0 {
		t.Fatalf("backup: %s", errs)
	}
	other := filepath.Join(dir, "other.logkey")
	if _, _, err := ledger.LoadOrCreateKey(other, ledger.DefaultOrigin); err != nil {
		t.Fatal(err)
	}
	notBackup := filepath.Join(dir, "notes.txt")
	os.WriteFile(notBackup, []byte("备忘\n"), 0o600)
	existing := filepath.Join(dir, "existing.db")
	os.WriteFile(existing, nil, 0o600)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"restore", bad, "--db", filepath.Join(dir, "t1.db")}, "第 5 条记录"},
		{[]string{"restore", good, "--db", filepath.Join(dir, "t2.db"), "--log-key", other}, "第 0 条记录的检查点"},
		{[]string{"restore", notBackup, "--db", filepath.Join(dir, "t3.db")}, "不是有效的 spotcheck 备份"},
		{[]string{"restore", good, "--db", existing}, "已存在"},
	} {
		code, out, errs := run(t, c.args...)
		if code != 1 || out != "" || !strings.HasPrefix(errs, c.want) && !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, want %q", c.args, code, out, errs, c.want)
		}
	}
	for _, name := range []string{"t1.db", "t2.db", "t3.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s exists after a refused restore", name)
		}
	}
	if code, _, _ := run(t, "restore", "--db", filepath.Join(dir, "t4.db")); code != 2 {
		t.Errorf("restore without a file: exit %d, want 2", code)
	}
	// The good backup, checked with a file of the verifier key alone (as
	// /log/key serves it), restores.
	_, vkey, _ := ledger.LoadKey(logKeyPath(src, ""))
	pub := filepath.Join(dir, "log.pub")
	os.WriteFile(pub, []byte(vkey+"\n"), 0o644)
	if code, out, errs := run(t, "restore", good, "--db", filepath.Join(dir, "t6.db"), "--log-key", pub); code != 0 || out != "ok 12 entries\n" {
		t.Fatalf("restore with the verifier key: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	// The good backup, checked with the log's own key file, restores.
	if code, out, errs := run(t, "restore", good, "--db", filepath.Join(dir, "t5.db"), "--log-key", logKeyPath(src, "")); code != 0 || out != "ok 12 entries\n" {
		t.Fatalf("restore: exit %d, stdout %q, stderr %s", code, out, errs)
	}
}
