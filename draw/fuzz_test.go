package draw

import (
	"testing"
	"time"
)

// FuzzVerify feeds arbitrary contents of the nine bundle files to Verify
// and Run, which must never panic (seeded with the vectors).
func FuzzVerify(f *testing.F) {
	for _, dir := range vectorDirs(f) {
		b := readVector(f, dir)
		f.Add(b.Plan, b.Randomness, b.Result, b.Frame, b.Exclusions, b.Roster, b.Conflicts, b.Selected, b.Assignment)
	}
	f.Fuzz(func(t *testing.T, plan, rnd, res, frame, excl, roster, conflicts, selected, assignment []byte) {
		b := &Bundle{Plan: plan, Randomness: rnd, Result: res,
			Inputs:   Inputs{Frame: frame, Exclusions: excl, Roster: roster, Conflicts: conflicts},
			Selected: selected, Assignment: assignment}
		Verify(b)
		Run(plan, rnd, b.Inputs)
		ParseInputs(b.Inputs)
		ParseResult(res)
	})
}

// FuzzDraw: whatever input files pass validation, the plan made for them,
// the draw and the bundle written from it verify (and nothing panics). The
// digests are recomputed, so the fuzzer reaches selection and assignment.
func FuzzDraw(f *testing.F) {
	for _, dir := range vectorDirs(f) {
		b := readVector(f, dir)
		f.Add(b.Frame, b.Exclusions, b.Roster, b.Conflicts, uint8(3), uint8(2), uint8(1), uint8(0))
	}
	f.Fuzz(func(t *testing.T, frame, excl, roster, conflicts []byte, rate, size1, size2, slack uint8) {
		in := Inputs{Frame: frame, Exclusions: excl, Roster: roster, Conflicts: conflicts}
		l, err := ParseInputs(in)
		if err != nil || len(l.Frame) == 0 {
			return
		}
		units := map[string]bool{}
		spec := PlanSpec{Task: "F", Authority: "F", Operator: "f", Created: time.Unix(1e9, 0),
			CapSlack: int(slack % 4), Randomness: Sources{Dice: true}}
		for _, r := range l.Roster {
			if !units[r.Unit] && len(spec.Team) < 2 {
				units[r.Unit] = true
				spec.Team = append(spec.Team, TeamSlot{Unit: r.Unit, Size: int([]uint8{size1, size2}[len(spec.Team)]%4) + 1})
			}
		}
		if len(spec.Team) == 0 {
			spec.Team = []TeamSlot{{Unit: "nobody", Size: 1}}
		}
		seen := map[string]bool{}
		for _, fl := range l.Frame {
			if !seen[fl.Stratum] {
				seen[fl.Stratum] = true
				spec.Strata = append(spec.Strata, StratumRule{ID: fl.Stratum, Rate: "1/" + string(rune('1'+rate%9)), Min: int(rate % 3), Reserve: int(rate % 5)})
			}
		}
		plan, err := MakePlan(spec, in)
		if err != nil {
			t.Fatalf("MakePlan of valid inputs: %v", err)
		}
		rnd, err := MakeRandomness(plan, nil, nil, nil, "31415926535897932384")
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(plan, rnd, in)
		if err != nil {
			t.Fatal(err)
		}
		b := &Bundle{Plan: plan, Randomness: rnd, Result: o.Result, Inputs: in, Selected: o.Selected, Assignment: o.Assignment}
		if _, err := Verify(b); err != nil {
			t.Fatalf("the bundle of a draw does not verify: %v", err)
		}
	})
}

// FuzzVerifyPublic feeds arbitrary contents of a public bundle and its
// publication record to VerifyPublic and its parsers, which must never
// panic (seeded with the vectors).
func FuzzVerifyPublic(f *testing.F) {
	for _, dir := range vectorDirs(f) {
		b := readVector(f, dir)
		published, err := Published(b.Selected)
		if err != nil {
			f.Fatal(err)
		}
		pub, err := MakePublication(Hash(b.Plan), published, Hash(b.Result))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b.Plan, b.Randomness, published, pub)
	}
	f.Fuzz(func(t *testing.T, plan, rnd, published, pub []byte) {
		ParsePublished(published)
		ParsePublication(pub)
		VerifyPublic(&PublicBundle{Plan: plan, Randomness: rnd, Published: published}, pub)
	})
}
