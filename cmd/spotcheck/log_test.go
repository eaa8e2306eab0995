package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spotcheck/draw"
	"spotcheck/ledger"
	"spotcheck/store"
)

// logDB creates a SQLite database with n log entries, signed with the key
// file beside it (the default --log-key), and returns its path.
func logDB(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	signer, vkey, err := ledger.LoadOrCreateKey(logKeyPath(path, ""), ledger.DefaultOrigin)
	if err != nil {
		t.Fatal(err)
	}
	db.UseLogKey(signer, vkey)
	for i := range n {
		if _, err := db.AppendLog(sysCtx, "test", fmt.Appendf(nil, `{"n":%d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestLogVerify(t *testing.T) {
	path := logDB(t, 12)
	code, out, errs := run(t, "log", "verify", "--db", path)
	if code != 0 || out != "ok 12 entries\n" {
		t.Fatalf("log verify: exit %d, stdout %q, stderr %s", code, out, errs)
	}

	// One entry changed in the database file behind the program's back.
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE log_entries SET entry = replace(entry, '"n":5', '"n":6') WHERE idx = 5`); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "log", "verify", "--db", path)
	if code != 1 || out != "" || !strings.HasPrefix(errs, "第 5 条记录") {
		t.Fatalf("tampered log: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestLogVerifyKey(t *testing.T) {
	// A database without a log and without a key is an empty log.
	empty := filepath.Join(t.TempDir(), "empty.db")
	if code, out, errs := run(t, "log", "verify", "--db", empty); code != 0 || out != "ok 0 entries\n" {
		t.Fatalf("empty log: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	// Another key does not verify the log.
	path := logDB(t, 3)
	other := filepath.Join(t.TempDir(), "other.logkey")
	if _, _, err := ledger.LoadOrCreateKey(other, ledger.DefaultOrigin); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "log", "verify", "--db", path, "--log-key", other); code != 1 || !strings.Contains(errs, "检查点") {
		t.Fatalf("other key: exit %d, stderr %q", code, errs)
	}
	// A missing key file, when the log has entries, is an error.
	if code, _, errs := run(t, "log", "verify", "--db", path, "--log-key", filepath.Join(t.TempDir(), "none")); code != 1 || !strings.Contains(errs, "不存在") {
		t.Fatalf("missing key: exit %d, stderr %q", code, errs)
	}
	if code, _, _ := run(t, "log", "check"); code != 2 {
		t.Fatalf("log check: exit %d, want 2", code)
	}
}

func TestOpenLoggedDBCreatesKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	var errs strings.Builder
	m := &Main{Stderr: &errs}
	db, err := m.openLoggedDB(context.Background(), path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fi, err := os.Stat(path + ".logkey")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", fi, err)
	}
	if !strings.HasPrefix(db.LogKey(), ledger.DefaultOrigin+"+") || !strings.Contains(errs.String(), "已生成日志签名密钥") {
		t.Fatalf("key %q, stderr %q", db.LogKey(), errs.String())
	}
	if _, err := db.AppendLog(sysCtx, "test", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	key, _ := os.ReadFile(path + ".logkey")
	if strings.Contains(errs.String(), strings.TrimSpace(string(key))) {
		t.Fatalf("the key was printed")
	}
	if logKeyPath("postgres://x@h/db", "") != "spotcheck-log.key" || logKeyPath("a.db", "b.key") != "b.key" {
		t.Fatalf("logKeyPath defaults")
	}
}

// logVector logs the draw of a spec vector as the platform does (plan,
// commitments, sealed randomness and result, unsealed later), in the
// order given, exports its bundle with the log folder and returns it.
func logVector(t *testing.T, order ...string) string {
	t.Helper()
	src := filepath.Join("..", "..", "draw", "testdata", "vectors", "small-4strata")
	b, err := draw.ReadBundle(src)
	if err != nil {
		t.Fatal(err)
	}
	r, err := draw.ParseRandomness(b.Randomness)
	if err != nil {
		t.Fatal(err)
	}
	signer, vkey, err := ledger.NewKey("test.example/log")
	if err != nil {
		t.Fatal(err)
	}
	m := ledger.NewMemory(signer, vkey)
	var indexes []int64
	var shas []string
	for _, step := range order {
		var i int64
		var sha string
		switch step {
		case "plan":
			i, err = m.Append("plan", b.Plan)
		case "commits":
			for _, c := range r.Commits {
				body, _ := ledger.CommitBody(ledger.Digest(b.Plan), ledger.Commitment{Participant: c.Participant, Commitment: c.Commitment})
				if i, err = m.Append("commit", body); err != nil {
					t.Fatal(err)
				}
				indexes = append(indexes, i)
			}
			continue
		case "randomness":
			i, sha, err = m.AppendSealed("randomness", b.Randomness)
		case "result":
			i, sha, err = m.AppendSealed("result", b.Result)
		}
		if err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, i)
		shas = append(shas, sha)
	}
	for _, sha := range shas {
		if sha != "" {
			m.Unseal(sha)
		}
	}
	dir := t.TempDir()
	if err := b.Write(dir); err != nil {
		t.Fatal(err)
	}
	if err := ledger.WriteBundleLog(context.Background(), dir, m, indexes); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestVerifyBundleLog(t *testing.T) {
	dir := logVector(t, "plan", "commits", "randomness", "result")
	b, err := draw.ReadBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyBundleLog(dir, b); err != nil {
		t.Fatalf("verifyBundleLog: %v", err)
	}
	dir = logVector(t, "plan", "randomness", "commits", "result")
	if b, err = draw.ReadBundle(dir); err != nil {
		t.Fatal(err)
	}
	if err := verifyBundleLog(dir, b); err == nil || !strings.Contains(err.Error(), "参与方“system”的承诺：commit 记录（第 2 条）在 randomness 记录（第 1 条）之后") {
		t.Fatalf("commitments after the randomness: %v", err)
	}
}
