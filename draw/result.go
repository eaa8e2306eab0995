package draw

import (
	"encoding/hex"
	"strings"
)

// ResultStratum is an entry of the result's strata (spec §7): n and the
// ticket18 of rank n, or "" when n is 0.
type ResultStratum struct {
	ID     string `json:"id"`
	N      int    `json:"n"`
	Cutoff string `json:"cutoff"`
}

// Result is result.json (spec §7).
type Result struct {
	V          string          `json:"v"`
	Plan       string          `json:"plan"`
	Randomness string          `json:"randomness"`
	Seed       string          `json:"seed"`
	Selected   FileDigest      `json:"selected"`
	Assignment FileDigest      `json:"assignment"`
	Strata     []ResultStratum `json:"strata"`
	Unassigned int             `json:"unassigned"`
}

// Outcome is what Run computes.
type Outcome struct {
	// Seed is seed_hex (spec §4).
	Seed string
	// Result, Selected and Assignment are the bytes of result.json,
	// selected.tsv and assignment.tsv (spec §7).
	Result, Selected, Assignment []byte
	// Picks are the lines of selected.tsv, in file order.
	Picks []Pick
	// Teams are the lines of assignment.tsv, in assignment order.
	Teams []Team
	// Control is how many of the first Teams may form the control
	// sample (control.go): a task that asks for k takes the entities of
	// the first min(k, Control) lines. Not part of spotcheck-draw/1.
	Control int
}

// Run checks the inputs against the plan and the randomness (spec §9
// steps 1–3: the plan's canonical form and fields, the files' format, order,
// counts and digests, the strata's frame, eligible and n, the commitments
// and the declared sources) and performs the draw (spec §5–§7).
func Run(plan, randomness []byte, in Inputs) (Outcome, error) {
	d, err := prepare(plan, randomness, in)
	if err != nil {
		return Outcome{}, err
	}
	return d.run()
}

// prepared is a draw whose inputs have passed steps 1–3.
type prepared struct {
	plan     Plan
	planHash string
	rndHash  string
	seedHex  string
	in       *inputs
}

func prepare(plan, randomness []byte, in Inputs) (*prepared, error) {
	p, err := ParsePlan(plan)
	if err != nil {
		return nil, err
	}
	parsed, err := checkInputs(&p, in)
	if err != nil {
		return nil, err
	}
	r, err := ParseRandomness(randomness)
	if err != nil {
		return nil, err
	}
	planHash := Hash(plan)
	if err := r.checkAgainst(&p, planHash); err != nil {
		return nil, err
	}
	s := r.seed()
	return &prepared{plan: p, planHash: planHash, rndHash: Hash(randomness),
		seedHex: hex.EncodeToString(s[:]), in: parsed}, nil
}

// checkInputs checks the four files against the plan: format and order
// (spec §1), counts and digests (§9 step 1), and the frame, eligible and n
// of every stratum (§9 step 2).
func checkInputs(p *Plan, in Inputs) (*inputs, error) {
	parsed, err := parseInputs(in)
	if err != nil {
		return nil, err
	}
	for i, f := range []struct {
		file string
		d    FileDigest
		data []byte
	}{
		{FileFrame, p.Frame, in.Frame},
		{FileExclusions, p.Exclusions, in.Exclusions},
		{FileRoster, p.Roster, in.Roster},
		{FileConflicts, p.Conflicts, in.Conflicts},
	} {
		if parsed.counts[i] != f.d.Count {
			return nil, errorf(f.file, 0, "有 %d 行，plan.json 记录为 %d 行", parsed.counts[i], f.d.Count)
		}
		if Hash(f.data) != f.d.SHA256 {
			return nil, errorf(f.file, 0, "SHA-256 与 plan.json 记录的不符")
		}
	}
	if len(parsed.strata) != len(p.Strata) {
		return nil, errorf(FilePlan, 0, "strata 应有 %d 个分层（frame.tsv 中有：%s），记录为 %d 个",
			len(parsed.strata), strings.Join(parsed.strata, "、"), len(p.Strata))
	}
	for h, s := range p.Strata {
		switch {
		case s.ID != parsed.strata[h]:
			return nil, errorf(FilePlan, 0, "strata 第 %d 个分层应为“%s”，记录为“%s”", h+1, parsed.strata[h], s.ID)
		case s.Frame != parsed.frameN[h]:
			return nil, errorf(FilePlan, 0, "分层“%s”的 frame 应为 %d，记录为 %d", s.ID, parsed.frameN[h], s.Frame)
		case s.Eligible != parsed.eligibleN[h]:
			return nil, errorf(FilePlan, 0, "分层“%s”的 eligible 应为 %d，记录为 %d", s.ID, parsed.eligibleN[h], s.Eligible)
		}
	}
	return parsed, nil
}

// run performs selection and assignment and formats the result files.
func (d *prepared) run() (Outcome, error) {
	p := d.in
	t := newTicketer(d.seedHex)
	sel := p.selectEntities(&d.plan, t)
	a := p.assign(&d.plan, d.seedHex, sel.all)
	o := Outcome{Seed: d.seedHex, Control: sel.controlLength(&order{p: p, t: t})}
	o.Selected, o.Picks = p.selectedTSV(sel)
	var unassigned int
	o.Assignment, o.Teams, unassigned = p.assignmentTSV(sel.all, a)
	res := Result{
		V: Version, Plan: d.planHash, Randomness: d.rndHash, Seed: d.seedHex,
		Selected:   FileDigest{len(o.Picks), Hash(o.Selected)},
		Assignment: FileDigest{len(o.Teams), Hash(o.Assignment)},
		Unassigned: unassigned,
	}
	for h, s := range d.plan.Strata {
		rs := ResultStratum{ID: s.ID, N: s.N}
		if s.N > 0 {
			rs.Cutoff = string(appendTicket18(nil, sel.lists[h][s.N-1].key))
		}
		res.Strata = append(res.Strata, rs)
	}
	b, err := Canonical(&res)
	if err != nil {
		return Outcome{}, withFile(FileResult, err)
	}
	o.Result = b
	return o, nil
}

// ParseResult decodes result.json, requiring its canonical form (spec §2),
// and checks its fields on their own. Verify compares it with the draw.
func ParseResult(b []byte) (Result, error) {
	var r Result
	if err := decodeRecord(FileResult, b, &r); err != nil {
		return Result{}, err
	}
	fail := func(format string, args ...any) (Result, error) {
		return Result{}, errorf(FileResult, 0, format, args...)
	}
	if r.V != Version {
		return fail("v 应为“%s”", Version)
	}
	if !isHex64(r.Plan) || !isHex64(r.Randomness) || !isHex64(r.Seed) {
		return fail("plan、randomness、seed 应为 64 位小写十六进制")
	}
	for _, d := range []FileDigest{r.Selected, r.Assignment} {
		if d.Count < 0 || !isHex64(d.SHA256) {
			return fail("selected、assignment 的 count 应为非负整数，sha256 应为 64 位小写十六进制")
		}
	}
	for i, s := range r.Strata {
		if err := CheckIdentifier("分层 ", s.ID); err != nil {
			return Result{}, withFile(FileResult, err)
		}
		if i > 0 && s.ID <= r.Strata[i-1].ID {
			return fail("strata 应按 id 的字节序排列且互不重复（“%s”）", s.ID)
		}
		if s.N < 0 || (s.N == 0) != (s.Cutoff == "") || s.Cutoff != "" && !isTicket18(s.Cutoff) {
			return fail("分层“%s”的 n 与 cutoff 不合格式（cutoff 应为“0.”加 18 位数字，n 为 0 时为空）", s.ID)
		}
	}
	if r.Unassigned < 0 || r.Unassigned > r.Assignment.Count {
		return fail("unassigned 应在 0 与 assignment.count 之间")
	}
	return r, nil
}

func isTicket18(s string) bool {
	return len(s) == 20 && s[:2] == "0." && strings.Trim(s[2:], "0123456789") == ""
}
