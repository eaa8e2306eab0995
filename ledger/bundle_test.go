package ledger

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// draw is a draw logged as the platform logs it: plan, commitments, then
// randomness and result sealed (or in the clear), later unsealed.
type draw struct {
	m       *Memory
	rec     BundleRecords
	indexes []int64
}

const (
	testPlan       = `{"task":"T1","v":"spotcheck-draw/1"}`
	testRandomness = `{"plan":"…","v":"spotcheck-draw/1"}`
	testResult     = `{"seed":"00","v":"spotcheck-draw/1"}`
	// testPublication stands for a publication record (package draw
	// makes the real ones).
	testPublication = `{"draw":"…","v":"spotcheck-draw/1"}`
)

// logDraw logs a draw. order lists the steps: "plan", "commit:<id>",
// "randomness", "result" (sealed) or "randomness!", "result!" (clear), and
// "publication". Sealed records are unsealed at the end as the platform
// does, except the result (Servable).
func logDraw(t *testing.T, order ...string) *draw {
	t.Helper()
	d := &draw{m: newMemory(t, 3), rec: BundleRecords{Plan: []byte(testPlan), Randomness: []byte(testRandomness), Result: []byte(testResult)}}
	planHash := Digest(d.rec.Plan)
	var sealed []string
	for _, step := range order {
		var i int64
		var err error
		switch {
		case step == "plan":
			i, err = d.m.Append("plan", d.rec.Plan)
		case strings.HasPrefix(step, "commit:"):
			c := Commitment{Participant: strings.TrimPrefix(step, "commit:"), Commitment: Digest([]byte(step))}
			d.rec.Commitments = append(d.rec.Commitments, c)
			body, _ := CommitBody(planHash, c)
			i, err = d.m.Append("commit", body)
		case step == "randomness!":
			i, err = d.m.Append("randomness", d.rec.Randomness)
		case step == "result!":
			i, err = d.m.Append("result", d.rec.Result)
		case step == "publication":
			d.rec.Publication = []byte(testPublication)
			i, err = d.m.Append(TypePublication, d.rec.Publication)
		default:
			var sha string
			data := d.rec.Randomness
			if step == "result" {
				data = d.rec.Result
			}
			i, sha, err = d.m.AppendSealed(step, data)
			if Servable(step) {
				sealed = append(sealed, sha)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		d.indexes = append(d.indexes, i)
		d.m.Append("other", []byte(`{}`))
	}
	for _, sha := range sealed {
		if _, err := d.m.Unseal(sha); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// export writes the bundle's log folder and returns the bundle folder.
func (d *draw) export(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := WriteBundleLog(ctx, dir, d.m, d.indexes); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBundleLog(t *testing.T) {
	d := logDraw(t, "plan", "commit:p1", "commit:system", "randomness", "result")
	dir := d.export(t)
	if err := VerifyBundleLog(dir, d.rec); err != nil {
		t.Fatalf("VerifyBundleLog: %v", err)
	}
	// The files are what cli.md says.
	key, _ := os.ReadFile(filepath.Join(dir, "log", "key"))
	if string(key) != d.m.LogKey()+"\n" {
		t.Errorf("log/key = %q", key)
	}
	entry, _ := os.ReadFile(filepath.Join(dir, "log", "3.json"))
	if !bytes.Equal(entry, d.m.mem.entries[3]) {
		t.Errorf("log/3.json = %s", entry)
	}
	proof, _ := os.ReadFile(filepath.Join(dir, "log", "3.proof.json"))
	if !bytes.HasPrefix(proof, []byte(`{"hashes":[`)) || !bytes.HasSuffix(proof, []byte(`,"index":3,"size":14}`)) {
		t.Errorf("log/3.proof.json = %s", proof)
	}
	// In the clear, too.
	clear := logDraw(t, "plan", "commit:p1", "randomness!", "result!")
	if err := VerifyBundleLog(clear.export(t), clear.rec); err != nil {
		t.Fatalf("VerifyBundleLog of clear entries: %v", err)
	}
}

// TestPublicBundleLog: a public bundle (spec §9, amendment 1) has no
// result.json; its result is the sealed entry the publication record
// names, and the publication entry must be logged after the randomness and
// the result.
func TestPublicBundleLog(t *testing.T) {
	public := func(d *draw) BundleRecords {
		r := d.rec
		r.Result, r.ResultSHA = nil, Digest([]byte(testResult))
		return r
	}
	d := logDraw(t, "plan", "commit:p1", "randomness", "result", "publication")
	dir := d.export(t)
	if err := VerifyBundleLog(dir, public(d)); err != nil {
		t.Fatalf("public bundle: %v", err)
	}
	if err := VerifyBundleLog(dir, d.rec); err != nil {
		t.Fatalf("full bundle with its publication: %v", err)
	}
	tests := []struct {
		name  string
		order []string
		edit  func(*BundleRecords)
		want  string
	}{
		{"publication missing", []string{"plan", "commit:p1", "randomness", "result"},
			func(r *BundleRecords) { r.Publication = []byte(testPublication) }, "published.tsv：log/ 中没有与之相符的 publication 记录"},
		{"publication changed", []string{"plan", "commit:p1", "randomness", "result", "publication"},
			func(r *BundleRecords) { r.Publication = []byte(`{"draw":"x","v":"spotcheck-draw/1"}`) }, "published.tsv：log/ 中没有与之相符的 publication 记录"},
		{"publication before the result", []string{"plan", "commit:p1", "randomness", "publication", "result"}, nil,
			"published.tsv：publication 记录（第 9 条）在 randomness（第 7 条）或 result（第 11 条）记录之前"},
		{"another result", []string{"plan", "commit:p1", "randomness", "result", "publication"},
			func(r *BundleRecords) { r.ResultSHA = Digest(nil) }, "publication 记录：log/ 中没有它所指摘要为 " + Digest(nil) + " 的 sealed result 记录"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := logDraw(t, tt.order...)
			rec := public(d)
			if tt.edit != nil {
				tt.edit(&rec)
			}
			err := VerifyBundleLog(d.export(t), rec)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("VerifyBundleLog: %v\nwant %s…", err, tt.want)
			}
		})
	}
}

// TestResultNeverServed: the result record stays sealed to the public
// (spec §8, amendment 1): it cannot be unsealed, and is not served.
func TestResultNeverServed(t *testing.T) {
	m := newMemory(t, 0)
	_, sha, err := m.AppendSealed("result", []byte(testResult))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Unseal(sha); err == nil {
		t.Error("the result record was unsealed")
	}
	if _, err := m.LogRecord(ctx, sha); err == nil {
		t.Error("the result record is served")
	}
}

func TestBundleLogProblems(t *testing.T) {
	edit := func(name string, f func([]byte) []byte) func(*testing.T, string, *BundleRecords) {
		return func(t *testing.T, dir string, _ *BundleRecords) {
			p := filepath.Join(dir, "log", name)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(p, f(b), 0o644)
		}
	}
	_, otherKey, _ := NewKey("test.example/log")
	tests := []struct {
		name   string
		order  []string
		change func(*testing.T, string, *BundleRecords)
		want   string
	}{
		{"plan after randomness", []string{"commit:p1", "randomness", "plan", "result"}, nil, "plan.json：plan 记录（第 7 条）在 randomness 记录（第 5 条）之后"},
		{"commit after randomness", []string{"plan", "randomness", "commit:p1", "result"}, nil, "参与方“p1”的承诺：commit 记录（第 7 条）在 randomness 记录（第 5 条）之后"},
		{"plan changed", []string{"plan", "commit:p1", "randomness", "result"}, func(_ *testing.T, _ string, r *BundleRecords) {
			r.Plan = []byte(`{"task":"T2","v":"spotcheck-draw/1"}`)
		}, "plan.json：log/ 中没有内容与之相同的 plan 记录"},
		{"commitment changed", []string{"plan", "commit:p1", "randomness", "result"}, func(_ *testing.T, _ string, r *BundleRecords) {
			r.Commitments[0].Commitment = Digest(nil)
		}, "参与方“p1”的承诺：log/ 中没有对应的 commit 记录"},
		{"result changed", []string{"plan", "commit:p1", "randomness", "result"}, func(_ *testing.T, _ string, r *BundleRecords) {
			r.Result = []byte(`{"seed":"01","v":"spotcheck-draw/1"}`)
		}, "result.json：log/ 中既没有内容与之相同的 result 记录，也没有摘要为"},
		{"randomness missing", []string{"plan", "commit:p1", "result"}, nil, "randomness.json："},
		{"entry edited", []string{"plan", "commit:p1", "randomness", "result"},
			edit("3.json", func(b []byte) []byte { return bytes.Replace(b, []byte("T1"), []byte("T2"), 1) }), "log/3.json：不在签名的检查点中"},
		{"proof edited", []string{"plan", "commit:p1", "randomness", "result"},
			edit("5.proof.json", func(b []byte) []byte { return bytes.Replace(b, []byte(`"index":5`), []byte(`"index":4`), 1) }), "log/5.json：包含证明是第 4 条记录"},
		{"proof missing", []string{"plan", "commit:p1", "randomness", "result"}, func(t *testing.T, dir string, _ *BundleRecords) {
			os.Remove(filepath.Join(dir, "log", "5.proof.json"))
		}, "log/5.json：缺少包含证明"},
		{"checkpoint edited", []string{"plan", "commit:p1", "randomness", "result"},
			edit("checkpoint", func(b []byte) []byte { return bytes.Replace(b, []byte("\n12\n"), []byte("\n11\n"), 1) }), "log/checkpoint：检查点签名无效"},
		{"other key", []string{"plan", "commit:p1", "randomness", "result"},
			edit("key", func([]byte) []byte { return []byte(otherKey + "\n") }), "log/checkpoint：检查点没有该日志公钥"},
		{"key missing", []string{"plan", "commit:p1", "randomness", "result"}, func(t *testing.T, dir string, _ *BundleRecords) {
			os.Remove(filepath.Join(dir, "log", "key"))
		}, "log/key：无法读取（文件不存在）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := logDraw(t, tt.order...)
			dir := d.export(t)
			if tt.change != nil {
				tt.change(t, dir, &d.rec)
			}
			err := VerifyBundleLog(dir, d.rec)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("VerifyBundleLog: %v\nwant %s…", err, tt.want)
			}
		})
	}
}
