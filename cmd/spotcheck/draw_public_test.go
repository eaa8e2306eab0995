package main

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/ledger"
	"spotcheck/store"
)

// demoDB returns the path of a new copy of the demo's SQLite database
// (with its log key beside it), which the test may change: the demo is
// run once per package run (demoBuild) and copied for each test.
func demoDB(t *testing.T) string {
	t.Helper()
	src := demoBuild(t)
	dir := t.TempDir()
	files, err := os.ReadDir(filepath.Dir(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(src), f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, filepath.Base(src))
}

// The demo database of the package run (demoBuild), removed by TestMain.
var (
	demoOnce          sync.Once
	demoDir, demoPath string
	demoCode          int
	demoErrs          string
)

// demoBuild runs the demo once per package run into a SQLite database in
// a temporary folder that TestMain removes, and returns its path, which
// only demoDB reads (to copy it).
func demoBuild(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "spotcheck-demo-")
		if err != nil {
			demoCode, demoErrs = -1, err.Error()
			return
		}
		demoDir, demoPath = dir, filepath.Join(dir, "demo.db")
		demoCode, _, demoErrs = run(t, "demo", "--no-serve", "--db", demoPath)
	})
	if demoCode != 0 {
		t.Fatalf("demo: exit %d: %s", demoCode, demoErrs)
	}
	return demoPath
}

// exportBundles exports the bundles of the database (public ones with
// --public) and returns their folders by task code prefix.
func exportBundles(t *testing.T, dbPath string, args ...string) map[string]string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, errs := run(t, append([]string{"draw", "export", "--all", "--db", dbPath, "--out", out}, args...)...)
	if code != 0 {
		t.Fatalf("draw export %v: exit %d: %s", args, code, errs)
	}
	dirs := map[string]string{}
	for _, d := range strings.Fields(stdout) {
		for _, task := range []string{"FZWL-SJ-001", "LH-001"} {
			if strings.Contains(filepath.Base(d), task) {
				dirs[task] = d
			}
		}
	}
	if len(dirs) != 2 {
		t.Fatalf("bundles: %q", stdout)
	}
	return dirs
}

// files lists the files of a bundle folder, log/ included, by relative path.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	return out
}

// TestDemoPublicBundle: the demo's published draw exports as a public
// bundle of plan.json, randomness.json, published.tsv and log/ — no
// result.json, no cutoff, no stratum (spec §9, amendment 1) — which `draw
// verify` accepts, saying what needs the auditors' bundle, and rejects
// with the file and line when published.tsv is tampered with.
func TestDemoPublicBundle(t *testing.T) {
	dbPath := demoDB(t)
	pub := exportBundles(t, dbPath, "--public")
	dir := pub["FZWL-SJ-001"]
	for _, f := range files(t, dir) {
		if !slices.Contains([]string{draw.FilePlan, draw.FileRandomness, draw.FilePublished, "log/checkpoint", "log/key"}, f) &&
			!strings.HasPrefix(f, "log/") {
			t.Errorf("the public bundle holds %s", f)
		}
		data, _ := os.ReadFile(filepath.Join(dir, f))
		if bytes.Contains(data, []byte(`"cutoff"`)) || bytes.Contains(data, []byte(`"type":"result"`)) {
			t.Errorf("%s of the public bundle holds a cutoff or the result record", f)
		}
	}
	published, err := os.ReadFile(filepath.Join(dir, draw.FilePublished))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSuffix(string(published), "\n"), "\n") {
		if len(strings.Split(line, "\t")) != 2 {
			t.Fatalf("published.tsv line %q is not entity_id TAB ticket18", line)
		}
	}
	code, out, errs := run(t, "draw", "verify", dir)
	if code != 0 || !strings.HasPrefix(out, "ok 2026-FZWL-SJ-001 ") || !strings.Contains(errs, "第 2 步") || !strings.Contains(errs, "第 4 步") {
		t.Fatalf("draw verify of the public bundle: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// The full bundle holds published.tsv as well and checks it, with its
	// publication entry.
	full := exportBundles(t, dbPath)["FZWL-SJ-001"]
	if got, _ := os.ReadFile(filepath.Join(full, draw.FilePublished)); !bytes.Equal(got, published) {
		t.Fatalf("the full bundle's published.tsv differs:\n%s", got)
	}
	if code, out, errs := run(t, "draw", "verify", full); code != 0 || !strings.HasPrefix(out, "ok ") || errs != "" {
		t.Fatalf("draw verify of the full bundle: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// The draw under embargo: only the plan, which is not yet a draw to verify.
	if code, _, errs := run(t, "draw", "verify", pub["LH-001"]); code != 1 || !strings.Contains(errs, "randomness.json：文件不存在") {
		t.Errorf("public bundle under embargo: exit %d, %q", code, errs)
	}

	lines := strings.SplitAfter(string(published), "\n")
	lines = lines[:len(lines)-1]
	entity, ticket, _ := strings.Cut(strings.TrimSuffix(lines[1], "\n"), "\t")
	other := "0.999999999999999999"
	tests := []struct {
		name, published, stderr string
	}{
		{"wrong ticket", strings.Replace(string(published), entity+"\t"+ticket, entity+"\t"+ticket[:19]+string("10"[ticket[19]&1]), 1),
			"published.tsv 第2行：“" + entity + "”的票号应为 " + ticket},
		{"wrong order", lines[1] + lines[0] + strings.Join(lines[2:], ""), "published.tsv 第2行：未按 ticket18、entity_id 排序"},
		{"line missing", strings.Join(lines[:len(lines)-1], ""), "published.tsv：有"},
		{"entity added", string(published) + "91350100ZZZZZZZZZZ\t" + other + "\n", "published.tsv 第" + strconv.Itoa(len(lines)+1) + "行：“91350100ZZZZZZZZZZ”的票号应为"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, draw.FilePublished), []byte(tt.published), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs := run(t, "draw", "verify", dir)
			if code != 1 || out != "" || !strings.Contains(errs, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q, want %q", code, out, errs, tt.stderr)
			}
		})
	}
	// A publication record changed in log/ fails its inclusion proof.
	os.WriteFile(filepath.Join(dir, draw.FilePublished), published, 0o644)
	entries, _ := filepath.Glob(filepath.Join(dir, "log", "*.json"))
	for _, e := range entries {
		data, _ := os.ReadFile(e)
		if bytes.Contains(data, []byte(`"type":"publication"`)) {
			os.WriteFile(e, bytes.Replace(data, []byte(`"count":`), []byte(`"count":1`), 1), 0o644)
			if code, _, errs := run(t, "draw", "verify", dir); code != 1 || !strings.Contains(errs, "不在签名的检查点中") {
				t.Errorf("edited publication entry: exit %d, %q", code, errs)
			}
		}
	}
}

// TestMigrateOldPublishedDraw: a database made before amendment 1 has an
// unseal entry for a published draw's result, which stays in the log as
// history; `spotcheck migrate` appends the draw's publication record once,
// after which the result is not served, and the public bundle verifies.
func TestMigrateOldPublishedDraw(t *testing.T) {
	dbPath := demoDB(t)
	// Lift the embargo of the joint task the way the program did before
	// the amendment: randomness and result unsealed, no publication.
	ctx := sysCtx
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	signer, vkey, err := ledger.LoadKey(logKeyPath(dbPath, ""))
	if err != nil {
		t.Fatal(err)
	}
	db.UseLogKey(signer, vkey)
	list, err := db.Draws().FindDraws(ctx, spotcheck.DrawFilter{Task: "2026-LH-001", State: spotcheck.DrawDrawn})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("drawn draws: %v %v", list.Items, err)
	}
	id := list.Items[0].ID
	f, err := db.Draws().FindDrawFiles(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	resSHA := ledger.Digest(f.Result)
	if _, err := db.Unseal(ctx, ledger.Digest(f.Randomness)); err != nil {
		t.Fatal(err)
	}
	u, err := db.AppendLog(ctx, ledger.TypeUnseal, ledger.UnsealBody(f.LogIndexes[len(f.LogIndexes)-1], "result", resSHA))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE log_records SET unseal_index = ` + strconv.Itoa(int(u)) + `, published_at = '2026-11-26T09:00:00Z' WHERE sha256 = '` + resSHA + `'`,
		`UPDATE draws SET state = 'published', published_at = '2026-11-26T09:00:00Z' WHERE id = ` + strconv.Itoa(int(id)),
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	code, out, errs := run(t, "migrate", "--db", dbPath)
	if code != 0 || !strings.Contains(out, "0008_draw_publication") || !strings.Contains(errs, "已为 1 个已公开的抽取补记 publication 记录") {
		t.Fatalf("migrate: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, _, errs := run(t, "migrate", "--db", dbPath); code != 0 || errs != "" {
		t.Fatalf("migrate again: exit %d, stderr %q", code, errs)
	}
	if code, out, errs := run(t, "log", "verify", "--db", dbPath); code != 0 {
		t.Fatalf("log verify: exit %d, %q %q", code, out, errs)
	}
	dir := exportBundles(t, dbPath, "--public")["LH-001"]
	if code, out, errs := run(t, "draw", "verify", dir); code != 0 || !strings.HasPrefix(out, "ok 2026-LH-001 ") {
		t.Fatalf("draw verify of the migrated draw's public bundle: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	db, err = store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.LogRecord(ctx, resSHA); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
		t.Errorf("the migrated draw's result is served: %v", err)
	}
}

// TestServePublicDraw: on the running program, the published demo draw's
// result record is 404 at /log/records/ while its randomness is served; the
// public page shows no cutoff table and the public bundle no result.
func TestServePublicDraw(t *testing.T) {
	dbPath := demoDB(t)
	full := exportBundles(t, dbPath)["FZWL-SJ-001"]
	res, _ := os.ReadFile(filepath.Join(full, draw.FileResult))
	rnd, _ := os.ReadFile(filepath.Join(full, draw.FileRandomness))
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Now: time.Now,
		Ready: func(addr string) { ready <- addr }}
	done := make(chan int, 1)
	go func() { done <- m.Run(ctx, []string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0"}) }()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("serve exited with %d", code)
	}
	defer func() {
		cancel()
		<-done
	}()
	get := func(path string) (int, []byte) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	if code, _ := get("/log/records/" + ledger.Digest(res)); code != 404 {
		t.Errorf("GET /log/records/<result>: %d, want 404", code)
	}
	if code, body := get("/log/records/" + ledger.Digest(rnd)); code != 200 || !bytes.Equal(body, rnd) {
		t.Errorf("GET /log/records/<randomness>: %d", code)
	}
	code, page := get("/draws/1")
	if code != 200 || bytes.Contains(page, []byte(`id="cutoffs"`)) || !bytes.Contains(page, []byte(`data-selected`)) {
		t.Errorf("GET /draws/1: %d, cutoff table or no list", code)
	}
	code, zipped := get("/draws/1/bundle.zip")
	if code != 200 {
		t.Fatalf("GET /draws/1/bundle.zip: %d", code)
	}
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		if !strings.Contains(f.Name, "/log/") {
			names = append(names, filepath.Base(f.Name))
		}
	}
	slices.Sort(names)
	if want := []string{draw.FilePlan, draw.FilePublished, draw.FileRandomness}; !slices.Equal(names, want) {
		t.Errorf("public bundle files %v, want %v", names, want)
	}
}
