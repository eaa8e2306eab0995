package draw

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// wantError requires err to be an *Error for file (and line, when line is
// not 0) whose message contains reason.
func wantError(t *testing.T, what string, err error, file string, line int, reason string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.File != file || (line != 0 && e.Line != line) || !strings.Contains(e.Msg, reason) {
		t.Errorf("%s: got %v, want %s 第%d行：…%s…", what, err, file, line, reason)
	}
}

// lines splits a file into its lines, each with its LF.
func lines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n') + 1
		out = append(out, b[:i])
		b = b[i:]
	}
	return out
}

// Broken input files are rejected with the file, the line and the reason,
// by Run as by Verify.
func TestRejectInputFiles(t *testing.T) {
	b := readVector(t, "testdata/vectors/joint-dice-beacon")
	type edit struct {
		name   string
		file   string
		change func([][]byte) [][]byte
		line   int
		reason string
	}
	swap := func(i int) func([][]byte) [][]byte {
		return func(l [][]byte) [][]byte { l[i-1], l[i] = l[i], l[i-1]; return l }
	}
	dup := func(i int) func([][]byte) [][]byte {
		return func(l [][]byte) [][]byte { return append(l[:i:i], l[i-1:]...) }
	}
	set := func(i int, s string) func([][]byte) [][]byte {
		return func(l [][]byte) [][]byte { l[i-1] = []byte(s); return l }
	}
	edits := []edit{
		{"unsorted frame", FileFrame, swap(5), 6, "未按 entity_id 排序"},
		{"duplicate frame line", FileFrame, dup(5), 6, "重复"},
		{"unsorted exclusions", FileExclusions, swap(3), 4, "未按整行的字节序排序"},
		{"duplicate exclusion", FileExclusions, dup(3), 4, "与第3行重复"},
		{"unsorted roster", FileRoster, swap(2), 3, "未按 inspector_id 排序"},
		{"duplicate roster line", FileRoster, dup(2), 3, "重复"},
		{"unsorted conflicts", FileConflicts, swap(7), 8, "未按整行的字节序排序"},
		{"duplicate conflict", FileConflicts, dup(7), 8, "与第7行重复"},
		{"no final LF", FileRoster, func(l [][]byte) [][]byte {
			l[len(l)-1] = bytes.TrimSuffix(l[len(l)-1], []byte("\n"))
			return l
		}, 10, "没有以换行"},
		{"CRLF", FileFrame, set(3, "913501020JQPTBM59L\tgeneral\r\n"), 3, "回车符"},
		{"empty line", FileConflicts, func(l [][]byte) [][]byte { return append(l[:2:2], append([][]byte{[]byte("\n")}, l[2:]...)...) }, 3, "空行"},
		{"BOM", FileFrame, set(1, "\ufeff9135010203691REY7H\tgeneral\n"), 1, "BOM"},
		{"missing field", FileRoster, set(4, "FZWL-004\tFZWL\n"), 4, "字段不足"},
		{"extra field", FileFrame, set(2, "913501020BKLPP393A\tgeneral\tx\n"), 2, "字段过多"},
		{"two tabs", FileFrame, set(2, "913501020BKLPP393A\t\tgeneral\n"), 2, "字段过多"},
		{"space", FileExclusions, set(1, "913501023MTRCUB66L\tinspected this year\n"), 1, "空格"},
		{"non-ASCII", FileConflicts, set(1, "FZWL-001\t913501123KRBBRL87P\t前员工\n"), 1, "不允许的字符"},
		{"bad flags", FileRoster, set(3, "FZWL-003\tFZWL\tLE\n"), 3, "flags"},
		{"lower-case flags", FileRoster, set(3, "FZWL-003\tFZWL\tl\n"), 3, "flags"},
		{"exclusion outside the frame", FileExclusions, set(1, "913501000000000000\tannual-cap\n"), 1, "不在 frame.tsv 中"},
	}
	for _, e := range edits {
		c := *b
		f := c.file(e.file)
		*f = bytes.Join(e.change(lines(*f)), nil)
		_, err := Run(c.Plan, c.Randomness, c.Inputs)
		wantError(t, e.name+" (Run)", err, e.file, e.line, e.reason)
		_, err = Verify(&c)
		wantError(t, e.name+" (Verify)", err, e.file, e.line, e.reason)
	}
}

// withPlan returns the bundle's plan changed by edit and re-encoded.
func withPlan(t *testing.T, plan []byte, edit func(*Plan)) []byte {
	t.Helper()
	p, err := ParsePlan(plan)
	if err != nil {
		t.Fatal(err)
	}
	edit(&p)
	b, err := Canonical(&p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A plan whose counts, digests or strata do not fit the files is rejected
// with the reason.
func TestRejectPlanMismatch(t *testing.T) {
	b := readVector(t, "testdata/vectors/small-4strata")
	cases := []struct {
		name   string
		edit   func(*Plan)
		file   string
		reason string
	}{
		{"frame count", func(p *Plan) { p.Frame.Count++ }, FileFrame, "有 60 行，plan.json 记录为 61 行"},
		{"conflicts count", func(p *Plan) { p.Conflicts.Count = 0 }, FileConflicts, "有 10 行，plan.json 记录为 0 行"},
		{"roster digest", func(p *Plan) { p.Roster.SHA256 = strings.Repeat("0", 64) }, FileRoster, "SHA-256"},
		{"stratum frame", func(p *Plan) { p.Strata[1].Frame++ }, FilePlan, "分层“B”的 frame 应为 18，记录为 19"},
		{"stratum eligible", func(p *Plan) { p.Strata[2].Eligible--; p.Strata[2].N = 3 }, FilePlan, "分层“C”的 eligible 应为 12，记录为 11"},
		{"stratum n", func(p *Plan) { p.Strata[0].N = 2 }, FilePlan, "分层“A”的 n 应为 1，记录为 2"},
		{"missing stratum", func(p *Plan) { p.Strata = p.Strata[:3] }, FilePlan, "strata 应有 4 个分层"},
		{"stratum renamed", func(p *Plan) { p.Strata[3].ID = "E" }, FilePlan, "第 4 个分层应为“D”"},
		{"no sources", func(p *Plan) { p.Randomness = Sources{} }, FilePlan, "至少要声明一种随机源"},
		{"unsorted participants", func(p *Plan) { p.Randomness.Commit = []string{"zhang-jiwei", "system"} }, FilePlan, "字节序"},
		{"duplicate unit", func(p *Plan) { p.Team = append(p.Team, p.Team[0]) }, FilePlan, "重复"},
		{"team size 0", func(p *Plan) { p.Team[0].Size = 0 }, FilePlan, "size"},
		{"created with offset", func(p *Plan) { p.Created = "2026-03-02T09:00:00+08:00" }, FilePlan, "created"},
		{"created with fraction", func(p *Plan) { p.Created = "2026-03-02T01:00:00.5Z" }, FilePlan, "created"},
		{"bad rate", func(p *Plan) { p.Strata[0].Rate = "3/0100" }, FilePlan, "比例"},
		{"upper-case hash", func(p *Plan) { p.Frame.SHA256 = strings.ToUpper(p.Frame.SHA256) }, FilePlan, "sha256"},
		{"bad supersedes", func(p *Plan) { p.Supersedes = "abc" }, FilePlan, "supersedes"},
		{"changed task", func(p *Plan) { p.Task += "x" }, FileRandomness, "plan 与 plan.json 的哈希不符"},
	}
	for _, c := range cases {
		plan := withPlan(t, b.Plan, c.edit)
		_, err := Run(plan, b.Randomness, b.Inputs)
		wantError(t, c.name, err, c.file, 0, c.reason)
	}
}

// withRandomness returns the randomness record changed by edit.
func withRandomness(t *testing.T, rnd []byte, edit func(*Randomness)) []byte {
	t.Helper()
	r, err := ParseRandomness(rnd)
	if err != nil {
		t.Fatal(err)
	}
	edit(&r)
	b, err := Canonical(&r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Randomness that does not fit its commitments or the plan is rejected
// with the reason.
func TestRejectRandomness(t *testing.T) {
	small := readVector(t, "testdata/vectors/small-4strata")
	joint := readVector(t, "testdata/vectors/joint-dice-beacon")
	cases := []struct {
		name   string
		b      *Bundle
		edit   func(*Randomness)
		reason string
	}{
		{"secret not matching", small, func(r *Randomness) { r.Reveals[1].Secret += "!" }, "揭示的秘密与其承诺不符"},
		{"commitment changed", small, func(r *Randomness) { r.Commits[0].Commitment = strings.Repeat("ab", 32) }, "揭示的秘密与其承诺不符"},
		{"short secret", small, func(r *Randomness) {
			r.Reveals[0].Secret = "一二三四五六七八九十一二三四五六七八九"
			r.Commits[0].Commitment = Commitment(r.Plan, "system", r.Reveals[0].Secret)
		}, "至少需要 20 个字符"},
		{"participant missing", small, func(r *Randomness) { r.Commits, r.Reveals = r.Commits[:1], r.Reveals[:1] }, "应有 2 个参与方"},
		{"reveal missing", small, func(r *Randomness) { r.Reveals = r.Reveals[:1] }, "reveals 与 commits 的参与方不一致"},
		{"undeclared participant", small, func(r *Randomness) {
			r.Commits[0].Participant, r.Reveals[0].Participant = "aaa", "aaa"
			r.Commits[0].Commitment = Commitment(r.Plan, "aaa", r.Reveals[0].Secret)
		}, "未在 plan.json 中声明"},
		{"other plan", small, func(r *Randomness) { r.Plan = strings.Repeat("0", 64) }, "揭示的秘密与其承诺不符"},
		{"undeclared dice", small, func(r *Randomness) { r.Dice = "12345678901234567890" }, "未声明 dice"},
		{"missing dice", joint, func(r *Randomness) { r.Dice = "" }, "缺少 plan.json 声明的 dice"},
		{"short dice", joint, func(r *Randomness) { r.Dice = "1234567890123456789" }, "至少 20 位"},
		{"dice letters", joint, func(r *Randomness) { r.Dice = "1234567890123456789x" }, "至少 20 位"},
		{"missing beacon", joint, func(r *Randomness) { r.Beacon = nil }, "缺少 plan.json 声明的 beacon"},
		{"other round", joint, func(r *Randomness) { r.Beacon.Round++ }, "第 1000 轮"},
		{"beacon hex", joint, func(r *Randomness) { r.Beacon.Randomness = strings.ToUpper(r.Beacon.Randomness) }, "64 位小写十六进制"},
	}
	for _, c := range cases {
		rnd := withRandomness(t, c.b.Randomness, c.edit)
		_, err := Run(c.b.Plan, rnd, c.b.Inputs)
		wantError(t, c.name, err, FileRandomness, 0, c.reason)
	}
	// A changed beacon value or dice roll changes the seed, which the
	// verifier finds in result.json.
	c := *joint
	c.Randomness = withRandomness(t, joint.Randomness, func(r *Randomness) { r.Dice = "11111111111111111111" })
	_, err := Verify(&c)
	wantError(t, "other dice", err, FileResult, 0, "randomness 与 randomness.json 的哈希不符")
}

// Changed result files are rejected with the file and line.
func TestRejectResultFiles(t *testing.T) {
	b := readVector(t, "testdata/vectors/small-4strata")
	c := *b
	l := lines(c.Selected)
	l[2], l[3] = l[3], l[2]
	c.Selected = bytes.Join(l, nil)
	_, err := Verify(&c)
	wantError(t, "swapped selected lines", err, FileSelected, 3, "应为")

	c = *b
	c.Assignment = c.Assignment[:len(c.Assignment)-1]
	_, err = Verify(&c)
	wantError(t, "no final LF", err, FileAssignment, 9, "没有以换行")

	c = *b
	c.Assignment = append(c.Assignment[:len(c.Assignment):len(c.Assignment)], "x\tUNASSIGNED\n"...)
	_, err = Verify(&c)
	wantError(t, "extra line", err, FileAssignment, 10, "多余的行")

	c = *b
	c.Selected = bytes.Join(lines(c.Selected)[:5], nil)
	_, err = Verify(&c)
	wantError(t, "missing lines", err, FileSelected, 6, "缺少此行")

	c = *b
	c.Result = bytes.Replace(c.Result, []byte(`"unassigned":2`), []byte(`"unassigned":1`), 1)
	_, err = Verify(&c)
	wantError(t, "unassigned", err, FileResult, 0, "unassigned 应为 2，记录为 1")

	c = *b
	c.Result = bytes.Replace(c.Result, []byte(`"n":3`), []byte(`"n":2`), 1)
	_, err = Verify(&c)
	wantError(t, "stratum n", err, FileResult, 0, "分层“C”应为 n=3")

	c = *b
	c.Result = bytes.Replace(c.Result, []byte(`"count":13`), []byte(`"count":12`), 1)
	_, err = Verify(&c)
	wantError(t, "selected count", err, FileResult, 0, "selected 的 count 或 sha256 与 selected.tsv 不符")
}
