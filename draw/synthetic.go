package draw

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Synthetic returns a deterministic draw bundle (plan.json,
// randomness.json and the four input files; no result) for benchmarks: a
// frame of entities 18-character credit-code-like ids in four strata A–D
// drawn at 3/100 (reserve 50 each), 2% of them excluded, a roster of
// inspectors of one unit BENCH of which every fourth may lead, teams of two,
// a cap_slack large enough for that quarter to lead every team, about
// entities/300 (at least 1,000) conflicts, and one participant "system" in
// the commit–reveal. It is what `spotcheck bench draw` and
// BenchmarkDraw1M measure.
func Synthetic(entities, inspectors int) (*Bundle, error) {
	if entities < 1 || inspectors < 0 || entities > 100_000_000 {
		return nil, &Error{Msg: "检查对象数量应在 1 与 1 亿之间，执法检查人员数量不能为负数"}
	}
	rng := rand.New(rand.NewPCG(2026, 3))
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY" // the credit-code characters
	strata := []string{"A", "B", "C", "D"}
	id := func(dst []byte, i int) []byte {
		// "9135" + district + 12 characters that grow with i: ids come out sorted.
		dst = append(dst, "913501"...)
		var d [12]byte
		for j := len(d) - 1; j >= 0; j-- {
			d[j] = alphabet[i%len(alphabet)]
			i /= len(alphabet)
		}
		return append(dst, d[:]...)
	}
	frame := make([]byte, 0, entities*21)
	var excl []byte
	for i := range entities {
		frame = id(frame, i*7+3)
		s := strata[[]int{0, 1, 1, 1, 1, 2, 2, 2, 3, 3}[rng.IntN(10)]]
		frame = append(frame, '\t')
		frame = append(frame, s...)
		frame = append(frame, '\n')
		if rng.IntN(50) == 0 {
			excl = id(excl, i*7+3)
			excl = append(excl, "\tinspected-this-year\n"...)
		}
	}
	var roster []byte
	for i := range inspectors {
		flags := "-"
		if i%4 == 0 {
			flags = "L"
		}
		roster = fmt.Appendf(roster, "INS-%06d\tBENCH\t%s\n", i+1, flags)
	}
	var conflicts []string
	if inspectors > 0 {
		for range max(1000, entities/300) {
			e := string(id(nil, rng.IntN(entities)*7+3))
			conflicts = append(conflicts, fmt.Sprintf("INS-%06d\t%s\trotation\n", rng.IntN(inspectors)+1, e))
		}
	}
	slices.Sort(conflicts)
	in := Inputs{Frame: frame, Exclusions: excl, Roster: roster, Conflicts: []byte(strings.Join(slices.Compact(conflicts), ""))}
	if in.Exclusions == nil {
		in.Exclusions = []byte{}
	}
	// The lead-capable quarter leads K teams and fills second slots too:
	// a cap of about 6K/M (ceil(2K/M) + slack) leaves room for both.
	slack := 0
	if inspectors > 0 {
		slack = (4*(entities*3/100+4))/inspectors + 1
	}
	spec := PlanSpec{
		Task: "BENCH-" + fmt.Sprint(entities), Authority: "BENCH", Operator: "bench", CapSlack: slack,
		Created:    time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC),
		Team:       []TeamSlot{{Unit: "BENCH", Size: 2}},
		Randomness: Sources{Commit: []string{"system"}},
	}
	for _, s := range strata {
		spec.Strata = append(spec.Strata, StratumRule{ID: s, Rate: "3/100", Min: 1, Reserve: 50})
	}
	plan, err := MakePlan(spec, in)
	if err != nil {
		return nil, err
	}
	const secret = "0123456789abcdef0123456789abcdef"
	rnd, err := MakeRandomness(plan,
		[]Commit{{Participant: "system", Commitment: Commitment(Hash(plan), "system", secret)}},
		[]Reveal{{Participant: "system", Secret: secret}}, nil, "")
	if err != nil {
		return nil, err
	}
	return &Bundle{Plan: plan, Randomness: rnd, Inputs: in}, nil
}
