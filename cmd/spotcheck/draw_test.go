package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spotcheck/draw"
)

// drawVectors lists the spec's test vectors (copied to draw/testdata).
func drawVectors(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("..", "..", "draw", "testdata", "vectors", "*", draw.FilePlan))
	if err != nil || len(dirs) < 3 {
		t.Fatalf("vectors: %v %v", dirs, err)
	}
	for i, d := range dirs {
		dirs[i] = filepath.Dir(d)
	}
	return dirs
}

// copyBundle copies the named files of the bundle in src to a new folder.
func copyBundle(t *testing.T, src string, names []string) string {
	t.Helper()
	dst := t.TempDir()
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// Replaying the six input files of each vector writes its result.json,
// selected.tsv and assignment.tsv byte for byte.
func TestDrawReplay(t *testing.T) {
	inputs := []string{draw.FilePlan, draw.FileRandomness, draw.FileFrame, draw.FileExclusions, draw.FileRoster, draw.FileConflicts}
	for _, src := range drawVectors(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			dir := copyBundle(t, src, inputs)
			code, out, errs := run(t, "draw", "replay", dir)
			if code != 0 || !strings.HasPrefix(out, "已重算 ") || errs != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
			}
			for _, name := range []string{draw.FileResult, draw.FileSelected, draw.FileAssignment} {
				got, _ := os.ReadFile(filepath.Join(dir, name))
				want, _ := os.ReadFile(filepath.Join(src, name))
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the vector", name)
				}
			}
			// A stale output is overwritten, with a warning.
			os.WriteFile(filepath.Join(dir, draw.FileSelected), []byte("stale\n"), 0o644)
			code, _, errs = run(t, "draw", "replay", dir)
			if code != 0 || !strings.Contains(errs, "selected.tsv 与原有内容不同") {
				t.Fatalf("stale output: exit %d, stderr %q", code, errs)
			}
			if code, out, _ := run(t, "draw", "verify", dir); code != 0 || !strings.HasPrefix(out, "ok ") {
				t.Fatalf("verify after replay: exit %d, %q", code, out)
			}
		})
	}
}

// A replay whose inputs do not match the plan exits 1 with the reason.
func TestDrawReplayRejectsInputs(t *testing.T) {
	src := drawVectors(t)[0]
	dir := copyBundle(t, src, draw.BundleFiles)
	frame, _ := os.ReadFile(filepath.Join(dir, draw.FileFrame))
	os.WriteFile(filepath.Join(dir, draw.FileFrame), append(frame, "999999999999999999\tgeneral\n"...), 0o644)
	code, out, errs := run(t, "draw", "replay", dir)
	if code != 1 || out != "" || !strings.Contains(errs, "frame.tsv") || !strings.Contains(errs, "plan.json 记录为") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	os.Remove(filepath.Join(dir, draw.FileRoster))
	if code, _, errs := run(t, "draw", "replay", dir); code != 1 || !strings.Contains(errs, "roster.tsv：文件不存在") {
		t.Fatalf("missing roster: exit %d, %q", code, errs)
	}
}

// Verify prints "ok <task> <seed_hex[:16]>" for every vector.
func TestDrawVerify(t *testing.T) {
	for _, src := range drawVectors(t) {
		b, err := draw.ReadBundle(src)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := draw.ParsePlan(b.Plan)
		r, _ := draw.ParseResult(b.Result)
		code, out, errs := run(t, "draw", "verify", src)
		if want := "ok " + p.Task + " " + r.Seed[:16] + "\n"; code != 0 || out != want || errs != "" {
			t.Fatalf("%s: exit %d, stdout %q (want %q), stderr %q", src, code, out, want, errs)
		}
	}
}

// A tampered bundle fails verification: exit 1, the first problem on
// stderr with its file (and line).
func TestDrawVerifyTampered(t *testing.T) {
	src := filepath.Join(filepath.Dir(drawVectors(t)[0]), "small-4strata")
	cases := []struct {
		file   string
		edit   func([]byte) []byte
		stderr string
	}{
		{draw.FileSelected, func(b []byte) []byte { return bytes.Replace(b, []byte("\t2\t"), []byte("\t3\t"), 1) }, "selected.tsv 第2行：应为"},
		{draw.FileAssignment, func(b []byte) []byte { return bytes.Replace(b, []byte("FZWL-003"), []byte("FZWL-002"), 1) }, "assignment.tsv 第1行"},
		{draw.FileFrame, func(b []byte) []byte { return bytes.Replace(b, []byte("\tC\n"), []byte("\tD\n"), 1) }, "frame.tsv：SHA-256 与 plan.json 记录的不符"},
		{draw.FileConflicts, func(b []byte) []byte { return append(b, b[:20]...) }, "conflicts.tsv 第11行"},
		{draw.FileRandomness, func(b []byte) []byte { return bytes.Replace(b, []byte("9f1c"), []byte("9f1d"), 1) }, "randomness.json：参与方“system”揭示的秘密与其承诺不符"},
		{draw.FilePlan, func(b []byte) []byte { return bytes.Replace(b, []byte(`,"cap_slack"`), []byte(`, "cap_slack"`), 1) }, "plan.json：第21字节：字符串之外不允许空白"},
		{draw.FileResult, func(b []byte) []byte { return append(b, '\n') }, "result.json：第676字节：JSON 之后有多余的换行或空白"},
	}
	for _, c := range cases {
		dir := copyBundle(t, src, draw.BundleFiles)
		path := filepath.Join(dir, c.file)
		b, _ := os.ReadFile(path)
		os.WriteFile(path, c.edit(b), 0o644)
		code, out, errs := run(t, "draw", "verify", dir)
		if code != 1 || out != "" || !strings.Contains(errs, c.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q, want %q", c.file, code, out, errs, c.stderr)
		}
	}
	dir := copyBundle(t, src, draw.BundleFiles[:8])
	if code, _, errs := run(t, "draw", "verify", dir); code != 1 || !strings.Contains(errs, "assignment.tsv：文件不存在") {
		t.Errorf("missing file: exit %d, %q", code, errs)
	}
}

// Commit through a pipe reproduces the commitments of the vectors, whose
// randomness.json reveals the secrets; one trailing LF or CRLF is removed.
func TestDrawCommit(t *testing.T) {
	for _, src := range drawVectors(t) {
		b, err := draw.ReadBundle(src)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := draw.ParseRandomness(b.Randomness)
		for i, rv := range r.Reveals {
			for _, end := range []string{"", "\n", "\r\n"} {
				code, out, errs := runStdin(t, rv.Secret+end, "draw", "commit", "--plan", r.Plan, "--participant", rv.Participant)
				if want := r.Commits[i].Commitment + "\n"; code != 0 || out != want {
					t.Fatalf("%s %q: exit %d, stdout %q (want %q), stderr %q", src, end, code, out, want, errs)
				}
			}
		}
	}
	plan := strings.Repeat("ab", 32)
	for _, c := range []struct {
		stdin string
		args  []string
		code  int
		errs  string
	}{
		{"一二三四五六七八九十一二三四五六七八九\n", []string{"--plan", plan, "--participant", "p"}, 1, "至少需要 20 个字符"},
		{"aaaaaaaaaaaaaaaaaaaa\n\n", []string{"--plan", plan, "--participant", "p"}, 1, "不能有换行"},
		{"aaaaaaaaaaaaaaaaaaaa\nbbbb\n", []string{"--plan", plan, "--participant", "p"}, 1, "不能有换行"},
		{"aaaaaaaaaaaaaaaaaaaa\r", []string{"--plan", plan, "--participant", "p"}, 1, "控制字符"},
		{"aaaaaaaaaaaaaaaaaaaa", []string{"--plan", strings.ToUpper(plan), "--participant", "p"}, 2, "64 位小写十六进制"},
		{"aaaaaaaaaaaaaaaaaaaa", []string{"--plan", plan, "--participant", "张三"}, 2, "--participant"},
		{"aaaaaaaaaaaaaaaaaaaa", []string{"--plan", plan}, 2, "用法"},
	} {
		code, out, errs := runStdin(t, c.stdin, append([]string{"draw", "commit"}, c.args...)...)
		if code != c.code || out != "" || !strings.Contains(errs, c.errs) {
			t.Errorf("%q %v: exit %d, stdout %q, stderr %q", c.stdin, c.args, code, out, errs)
		}
	}
}

func TestDrawUsage(t *testing.T) {
	for _, args := range [][]string{{"draw"}, {"draw", "nope"}, {"draw", "verify"}, {"draw", "replay", "a", "b"}, {"draw", "verify", "--x", "d"}} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// bench draw runs end to end on a small frame.
func TestBenchDrawSmall(t *testing.T) {
	code, out, errs := run(t, "bench", "draw", "--entities", "3000", "--inspectors", "40")
	if code != 0 {
		t.Fatalf("exit %d, %s", code, errs)
	}
	for _, w := range []string{"generate: 3000 entities", "draw: ", "replay+verify", "sqlite: loaded 3000 rows"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}
