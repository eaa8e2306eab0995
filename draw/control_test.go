package draw

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// controlWorld is a frame of a large sparsely drawn stratum A, a small
// densely drawn stratum D and a stratum C drawn with no reserve, with a
// few exclusions, drawn with the dice digits dice.
func controlDraw(t *testing.T, dice string) (Outcome, []FrameLine, map[string]bool) {
	o, frame, excluded, _ := controlBundle(t, dice)
	return o, frame, excluded
}

// controlBundle is controlDraw with the draw's bundle.
func controlBundle(t *testing.T, dice string) (Outcome, []FrameLine, map[string]bool, *Bundle) {
	t.Helper()
	var frame []FrameLine
	for i := range 1200 {
		s := "A"
		switch {
		case i%12 == 0:
			s = "D"
		case i%5 == 0:
			s = "C"
		}
		frame = append(frame, FrameLine{fmt.Sprintf("E%05d", i), s})
	}
	excl := []Exclusion{{"E00007", "annual-cap"}, {"E00024", "inspected-this-year"}}
	in, err := BuildInputs(frame, excl, []RosterLine{{"I1", "U", "L"}, {"I2", "U", "-"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := MakePlan(PlanSpec{
		Task: "T", Authority: "U", Operator: "op", Created: mustTime(t, "2026-03-01T08:00:00Z"),
		Team: []TeamSlot{{Unit: "U", Size: 2}}, CapSlack: 1000,
		Strata: []StratumRule{{ID: "A", Rate: "5/100", Reserve: 3}, {ID: "C", Rate: "10/100"},
			{ID: "D", Rate: "40/100", Reserve: 2}},
		Randomness: Sources{Dice: true},
	}, in)
	if err != nil {
		t.Fatal(err)
	}
	rnd, err := MakeRandomness(plan, nil, nil, nil, dice)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(plan, rnd, in)
	if err != nil {
		t.Fatal(err)
	}
	excluded := map[string]bool{}
	for _, x := range excl {
		excluded[x.Entity] = true
	}
	return o, frame, excluded, &Bundle{Plan: plan, Randomness: rnd, Result: o.Result, Inputs: in,
		Selected: o.Selected, Assignment: o.Assignment}
}

// Control agrees with the definition computed the slow way: every
// eligible entity's full ticket, all strata together, in (ticket,
// entity_id) order, taken while selected.
func TestControlLength(t *testing.T) {
	for i := range 20 {
		o, frame, excluded := controlDraw(t, fmt.Sprintf("%020d", 31337*i+1))
		selected := map[string]bool{}
		for _, p := range o.Picks {
			if !p.Reserve {
				selected[p.Entity] = true
			}
		}
		type entry struct{ ticket, entity string }
		var all []entry
		for _, f := range frame {
			if !excluded[f.Entity] {
				all = append(all, entry{Ticket(o.Seed, f.Entity), f.Entity})
			}
		}
		slices.SortFunc(all, func(a, b entry) int {
			if c := strings.Compare(a.ticket, b.ticket); c != 0 {
				return c
			}
			return strings.Compare(a.entity, b.entity)
		})
		want := 0
		for want < len(all) && selected[all[want].entity] {
			want++
		}
		if o.Control != want {
			t.Fatalf("draw %d: Control = %d, the walk gives %d", i, o.Control, want)
		}
		if want == 0 {
			t.Fatalf("draw %d: an empty control sample cannot tell this test anything", i)
		}
		for j := range want { // the prefix is the walk, in order
			if o.Teams[j].Entity != all[j].entity {
				t.Fatalf("draw %d: control entity %d is %s, the walk has %s", i, j+1, o.Teams[j].Entity, all[j].entity)
			}
		}
	}
}

// The control sample does not favour a stratum: over many draws, the
// share of its entities from the densely drawn stratum D is D's share of
// the eligible frame, while the selection as a whole over-represents D
// eight times.
var controlDraws = 300

func TestControlUniform(t *testing.T) {
	var control, controlD, selected, selectedD int
	for i := range controlDraws {
		o, frame, _ := controlDraw(t, fmt.Sprintf("%020d", 7919*i+11))
		stratum := map[string]string{}
		for _, f := range frame {
			stratum[f.Entity] = f.Stratum
		}
		for j, tm := range o.Teams {
			d := stratum[tm.Entity] == "D"
			selected++
			if d {
				selectedD++
			}
			if j < o.Control {
				control++
				if d {
					controlD++
				}
			}
		}
	}
	// D is 100 of the 1,198 eligible entities (8.3 %). With ~300·45
	// control entities the share's standard error is about 0.24 %.
	share := float64(controlD) / float64(control)
	if share < 0.07 || share > 0.097 {
		t.Fatalf("stratum D is %.1f%% of %d control entities, want about 8.3%%", 100*share, control)
	}
	if s := float64(selectedD) / float64(selected); s < 0.3 {
		t.Fatalf("stratum D is only %.1f%% of the selection: the test's strata are not drawn at different rates", 100*s)
	}
	t.Logf("control: %d entities, %.2f%% from D; selection: %.2f%% from D", control, 100*share,
		100*float64(selectedD)/float64(selected))
}

// Verify recomputes a bundle's control sample: the files as the platform
// writes them pass; a changed line, a record of another plan or size, or
// one file without the other is refused, naming the file.
func TestVerifyControl(t *testing.T) {
	o, _, _, b := controlBundle(t, "27182818284590452353602874")
	planHash := Hash(b.Plan)
	b.ControlRecord, b.Control = ControlRecord(planHash, 10), o.ControlTSV(10)
	if n := strings.Count(string(b.Control), "\n"); n != min(10, o.Control) || n == 0 {
		t.Fatalf("control.tsv has %d lines, want %d", n, min(10, o.Control))
	}
	if _, err := Verify(b); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	for name, c := range map[string]struct {
		record, sample []byte
		file           string
	}{
		"a line changed":   {ControlRecord(planHash, 10), []byte(strings.Replace(string(b.Control), "E", "F", 1)), FileControl},
		"a line too few":   {ControlRecord(planHash, 10), o.ControlTSV(9), FileControl},
		"another size":     {ControlRecord(planHash, 9), b.Control, FileControl},
		"another plan":     {ControlRecord(strings.Repeat("a", 64), 10), b.Control, FileControlRecord},
		"not canonical":    {[]byte(`{"asked": 10,"plan":"` + planHash + `","v":"spotcheck-control/1"}`), b.Control, FileControlRecord},
		"no control.json":  {nil, b.Control, FileControlRecord},
		"no control.tsv":   {ControlRecord(planHash, 10), nil, FileControl},
		"a size of nought": {ControlRecord(planHash, 0), b.Control, FileControlRecord},
	} {
		bad := *b
		bad.ControlRecord, bad.Control = c.record, c.sample
		_, err := Verify(&bad)
		var de *Error
		if !errors.As(err, &de) || de.File != c.file {
			t.Errorf("%s: %v, want an error in %s", name, err, c.file)
		}
	}
}
