package draw

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is the form of every time of the records: RFC 3339 UTC with Z
// and whole seconds (spec §2).
const TimeLayout = "2006-01-02T15:04:05Z"

// TeamSlot is an entry of the plan's team: a unit and the number of its
// inspectors on every team (spec §3).
type TeamSlot struct {
	Unit string `json:"unit"`
	Size int    `json:"size"`
}

// StratumRule is what a planner decides for one stratum: the rate "a/b",
// the minimum and maximum number selected (Max 0: no maximum) and the length
// of the reserve list (spec §3, §5).
type StratumRule struct {
	ID, Rate          string
	Min, Max, Reserve int
}

// Beacon names the public randomness beacon round declared in a plan
// (spec §3, §4).
type Beacon struct {
	Chain string `json:"chain"`
	Round int64  `json:"round"`
}

// Sources is the "randomness" object of the plan: the sorted participants
// of the commit–reveal, the beacon round and whether dice are rolled
// (spec §3). At least one source is declared.
type Sources struct {
	Beacon *Beacon  `json:"beacon,omitempty"`
	Commit []string `json:"commit,omitempty"`
	Dice   bool     `json:"dice,omitempty"`
}

// PlanSpec is what MakePlan needs besides the input files.
type PlanSpec struct {
	Task, Authority, Operator string
	// Created must be whole seconds; it is written as RFC 3339 UTC with Z.
	Created  time.Time
	CapSlack int
	Team     []TeamSlot
	// Strata holds a rule per stratum present in the frame; a missing rule
	// is an error, rules for strata absent from the frame are dropped.
	Strata []StratumRule
	// Randomness declares the sources; Commit is sorted by MakePlan.
	Randomness Sources
	// Supersedes is the hash of the plan this one replaces, if any.
	Supersedes string
}

// FileDigest is the count of lines and the SHA-256 of a file, as the plan
// and the result record them (spec §3, §7).
type FileDigest struct {
	Count  int    `json:"count"`
	SHA256 string `json:"sha256"`
}

// PlanStratum is an entry of the plan's strata (spec §3): the rule and the
// recomputed Frame (lines of the stratum), Eligible (|E_h|) and N.
type PlanStratum struct {
	ID       string `json:"id"`
	Frame    int    `json:"frame"`
	Eligible int    `json:"eligible"`
	N        int    `json:"n"`
	Rate     string `json:"rate"`
	Min      int    `json:"min"`
	Max      int    `json:"max"`
	Reserve  int    `json:"reserve"`
}

// Plan is plan.json (spec §3).
type Plan struct {
	V          string        `json:"v"`
	Task       string        `json:"task"`
	Authority  string        `json:"authority"`
	Operator   string        `json:"operator"`
	Created    string        `json:"created"`
	CapSlack   int           `json:"cap_slack"`
	Frame      FileDigest    `json:"frame"`
	Exclusions FileDigest    `json:"exclusions"`
	Roster     FileDigest    `json:"roster"`
	Conflicts  FileDigest    `json:"conflicts"`
	Randomness Sources       `json:"randomness"`
	Strata     []PlanStratum `json:"strata"`
	Team       []TeamSlot    `json:"team"`
	Supersedes string        `json:"supersedes,omitempty"`
}

// MakePlan validates spec and the input files and returns the canonical
// bytes of plan.json (spec §3), with the counts and digests of the files and
// the frame, eligible and n of every stratum computed from them.
func MakePlan(spec PlanSpec, in Inputs) ([]byte, error) {
	p, err := parseInputs(in)
	if err != nil {
		return nil, err
	}
	if len(p.ents) == 0 {
		return nil, errorf(FileFrame, 0, "检查对象名录为空")
	}
	if spec.Created.IsZero() || spec.Created.Nanosecond() != 0 {
		return nil, errorf(FilePlan, 0, "创建时间必须是整秒")
	}
	plan := Plan{
		V: Version, Task: spec.Task, Authority: spec.Authority, Operator: spec.Operator,
		Created:    spec.Created.UTC().Format(TimeLayout),
		CapSlack:   spec.CapSlack,
		Frame:      FileDigest{p.counts[0], Hash(in.Frame)},
		Exclusions: FileDigest{p.counts[1], Hash(in.Exclusions)},
		Roster:     FileDigest{p.counts[2], Hash(in.Roster)},
		Conflicts:  FileDigest{p.counts[3], Hash(in.Conflicts)},
		Randomness: spec.Randomness,
		Team:       slices.Clone(spec.Team),
		Supersedes: spec.Supersedes,
	}
	plan.Randomness.Commit = slices.Clone(spec.Randomness.Commit)
	slices.Sort(plan.Randomness.Commit)
	rules := map[string]StratumRule{}
	for _, r := range spec.Strata {
		if _, dup := rules[r.ID]; dup {
			return nil, errorf(FilePlan, 0, "分层“%s”的规则重复", r.ID)
		}
		rules[r.ID] = r
	}
	for h, id := range p.strata {
		r, ok := rules[id]
		if !ok {
			return nil, errorf(FilePlan, 0, "名录中有分层“%s”，但没有它的抽查规则", id)
		}
		n, err := SampleSize(p.eligibleN[h], r.Rate, r.Min, r.Max)
		if err != nil {
			return nil, withFile(FilePlan, err)
		}
		plan.Strata = append(plan.Strata, PlanStratum{
			ID: id, Frame: p.frameN[h], Eligible: p.eligibleN[h], N: n,
			Rate: r.Rate, Min: r.Min, Max: r.Max, Reserve: r.Reserve,
		})
	}
	if err := plan.check(); err != nil {
		return nil, err
	}
	b, err := Canonical(&plan)
	if err != nil {
		return nil, withFile(FilePlan, err)
	}
	return b, nil
}

// ParsePlan decodes plan.json, requiring its canonical form (spec §2) and
// checking every field (spec §3), including that n of every stratum follows
// from its eligible, rate, min and max. It does not look at the input files
// (see Run and Verify).
func ParsePlan(b []byte) (Plan, error) {
	var p Plan
	if err := decodeRecord(FilePlan, b, &p); err != nil {
		return Plan{}, err
	}
	if err := p.check(); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// check validates the fields of a plan (spec §3).
func (p *Plan) check() error {
	fail := func(format string, args ...any) error { return errorf(FilePlan, 0, format, args...) }
	if p.V != Version {
		return fail("v 应为“%s”", Version)
	}
	for _, f := range []struct{ name, v string }{{"task", p.Task}, {"authority", p.Authority}, {"operator", p.Operator}} {
		if strings.TrimSpace(f.v) == "" {
			return fail("%s 不能为空", f.name)
		}
		if err := checkText(f.v); err != nil {
			return withFile(FilePlan, err)
		}
	}
	if t, err := time.Parse(TimeLayout, p.Created); err != nil || t.Format(TimeLayout) != p.Created {
		return fail("created“%s”应为 RFC 3339 UTC 整秒时间，如 2026-03-01T08:00:00Z", printable(p.Created))
	}
	if p.CapSlack < 0 {
		return fail("cap_slack 不能为负数")
	}
	for _, f := range []struct {
		name string
		d    FileDigest
	}{{"frame", p.Frame}, {"exclusions", p.Exclusions}, {"roster", p.Roster}, {"conflicts", p.Conflicts}} {
		if f.d.Count < 0 || !isHex64(f.d.SHA256) {
			return fail("%s 的 count 应为非负整数，sha256 应为 64 位小写十六进制", f.name)
		}
	}
	r := p.Randomness
	if len(r.Commit) == 0 && r.Beacon == nil && !r.Dice {
		return fail("randomness 至少要声明一种随机源（commit、beacon、dice）")
	}
	for i, id := range r.Commit {
		if err := CheckIdentifier("参与方 ", id); err != nil {
			return withFile(FilePlan, err)
		}
		if i > 0 && id <= r.Commit[i-1] {
			return fail("randomness.commit 应按字节序排列且互不重复（“%s”）", id)
		}
	}
	if b := r.Beacon; b != nil {
		if err := CheckIdentifier("beacon.chain ", b.Chain); err != nil {
			return withFile(FilePlan, err)
		}
		if b.Round < 1 {
			return fail("beacon.round 应为正整数")
		}
	}
	if len(p.Strata) == 0 {
		return fail("strata 不能为空（名录中至少要有一个检查对象）")
	}
	for i, s := range p.Strata {
		if err := CheckIdentifier("分层 ", s.ID); err != nil {
			return withFile(FilePlan, err)
		}
		if i > 0 && s.ID <= p.Strata[i-1].ID {
			return fail("strata 应按 id 的字节序排列且互不重复（“%s”）", s.ID)
		}
		if s.Min < 0 || s.Max < 0 || s.Reserve < 0 {
			return fail("分层“%s”的 min、max、reserve 不能为负数", s.ID)
		}
		if s.Frame < 1 || s.Eligible < 0 || s.Eligible > s.Frame {
			return fail("分层“%s”的 frame 或 eligible 不合理", s.ID)
		}
		n, err := SampleSize(s.Eligible, s.Rate, s.Min, s.Max)
		if err != nil {
			return withFile(FilePlan, err)
		}
		if s.N != n {
			return fail("分层“%s”的 n 应为 %d，记录为 %d", s.ID, n, s.N)
		}
	}
	if len(p.Team) == 0 {
		return fail("team 不能为空")
	}
	for i, t := range p.Team {
		if err := CheckIdentifier("team.unit ", t.Unit); err != nil {
			return withFile(FilePlan, err)
		}
		if t.Size < 1 {
			return fail("单位“%s”的 size 应至少为 1", t.Unit)
		}
		for _, u := range p.Team[:i] {
			if u.Unit == t.Unit {
				return fail("team 中单位“%s”重复", t.Unit)
			}
		}
	}
	if p.Supersedes != "" && !isHex64(p.Supersedes) {
		return fail("supersedes 应为 64 位小写十六进制的方案哈希")
	}
	return nil
}

// ParseRate parses a rate "a/b" of spec §2: two positive decimal integers
// without sign or leading zeros, a ≤ b.
func ParseRate(rate string) (a, b uint64, err error) {
	as, bs, ok := strings.Cut(rate, "/")
	a, errA := parsePositive(as)
	b, errB := parsePositive(bs)
	if !ok || errA != nil || errB != nil || a > b {
		return 0, 0, &Error{Msg: "比例“" + printable(rate) + "”应为 a/b（正整数，无前导零，a ≤ b）"}
	}
	return a, b, nil
}

func parsePositive(s string) (uint64, error) {
	if s == "" || s[0] < '1' || s[0] > '9' {
		return 0, strconv.ErrSyntax
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.ParseUint(s, 10, 64)
}

// SampleSize returns n of a stratum (spec §3):
// n = min(eligible, max(min, ceil(eligible·a/b))), then, if max > 0,
// n = min(n, max). The arithmetic is exact (128-bit).
func SampleSize(eligible int, rate string, minN, maxN int) (int, error) {
	a, b, err := ParseRate(rate)
	if err != nil {
		return 0, err
	}
	if eligible < 0 || minN < 0 || maxN < 0 {
		return 0, &Error{Msg: "eligible、min、max 不能为负数"}
	}
	hi, lo := bits.Mul64(uint64(eligible), a)
	lo, carry := bits.Add64(lo, b-1, 0)
	hi += carry
	q, _ := bits.Div64(hi, lo, b) // a ≤ b, so the quotient is at most eligible
	n := min(eligible, max(minN, int(q)))
	if maxN > 0 {
		n = min(n, maxN)
	}
	return n, nil
}
