package draw

import (
	"strings"
	"testing"
)

// Every assigned team keeps the rules of spec §6: the lead may lead, nobody
// is twice on a team or in conflict with the entity, every unit gives its
// size from its own roster, and no load exceeds the cap.
func TestAssignmentInvariants(t *testing.T) {
	var bundles []*Bundle
	for _, dir := range vectorDirs(t) {
		bundles = append(bundles, readVector(t, dir))
	}
	syn, err := Synthetic(30_000, 60)
	if err != nil {
		t.Fatal(err)
	}
	bundles = append(bundles, syn)
	for _, b := range bundles {
		o, err := Run(b.Plan, b.Randomness, b.Inputs)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := ParsePlan(b.Plan)
		l, _ := ParseInputs(b.Inputs)
		roster := map[string]RosterLine{}
		perUnit := map[string]int{}
		for _, r := range l.Roster {
			roster[r.Inspector] = r
			perUnit[r.Unit]++
		}
		conflict := map[[2]string]bool{}
		for _, c := range l.Conflicts {
			conflict[[2]string{c.Inspector, c.Entity}] = true
		}
		load := map[string]int{}
		assigned := 0
		for _, team := range o.Teams {
			if team.Inspectors == nil {
				continue
			}
			assigned++
			seen := map[string]bool{}
			k := 0
			for u, slot := range p.Team {
				for s := range slot.Size {
					id := team.Inspectors[k]
					k++
					r := roster[id]
					switch {
					case r.Unit != slot.Unit:
						t.Fatalf("%s: %s of unit %s in a slot of %s", team.Entity, id, r.Unit, slot.Unit)
					case u == 0 && s == 0 && !strings.Contains(r.Flags, "L"):
						t.Fatalf("%s: lead %s has no flag L", team.Entity, id)
					case seen[id]:
						t.Fatalf("%s: %s twice", team.Entity, id)
					case conflict[[2]string{id, team.Entity}]:
						t.Fatalf("%s: %s is in conflict", team.Entity, id)
					}
					seen[id] = true
					load[id]++
				}
			}
			if k != len(team.Inspectors) {
				t.Fatalf("%s: %d inspectors", team.Entity, len(team.Inspectors))
			}
		}
		K := len(o.Teams)
		for id, n := range load {
			u := roster[id].Unit
			for _, slot := range p.Team {
				if slot.Unit == u {
					if cp := capOf(K, slot.Size, perUnit[u], p.CapSlack); n > cp {
						t.Fatalf("%s: load %d above cap %d", id, n, cp)
					}
				}
			}
		}
		if assigned == 0 {
			t.Fatalf("%s: nothing assigned", p.Task)
		}
	}
}

// A unit without inspectors leaves every entity unassigned, as does a
// roster without anyone who may lead.
func TestAssignmentImpossible(t *testing.T) {
	frame := []FrameLine{{"E1", "A"}, {"E2", "A"}, {"E3", "A"}}
	for name, roster := range map[string][]RosterLine{
		"no member of the second unit": {{"I1", "U", "L"}, {"I2", "U", "L"}},
		"nobody may lead":              {{"I1", "U", "-"}, {"I2", "U", "E"}, {"V1", "V", "L"}},
	} {
		in, err := BuildInputs(frame, nil, roster, nil)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := MakePlan(PlanSpec{
			Task: "T", Authority: "U", Operator: "op", Created: mustTime(t, "2026-03-01T08:00:00Z"),
			Team:       []TeamSlot{{Unit: "U", Size: 1}, {Unit: "V", Size: 1}},
			Strata:     []StratumRule{{ID: "A", Rate: "1/1"}},
			Randomness: Sources{Dice: true},
		}, in)
		if err != nil {
			t.Fatal(err)
		}
		rnd, err := MakeRandomness(plan, nil, nil, nil, "12345678901234567890")
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(plan, rnd, in)
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := ParseResult(o.Result); r.Unassigned != 3 || strings.Count(string(o.Assignment), "UNASSIGNED") != 3 {
			t.Fatalf("%s: %s", name, o.Assignment)
		}
	}
}

func TestCapOf(t *testing.T) {
	for _, c := range []struct{ K, size, M, slack, want int }{
		{9, 2, 8, 0, 3}, {23, 2, 5, 1, 11}, {10, 1, 0, 0, 0}, {10, 5, 2, 0, 11}, {10, 1, 10, 1 << 52, 11}, {0, 1, 3, 0, 0},
	} {
		if got := capOf(c.K, c.size, c.M, c.slack); got != c.want {
			t.Errorf("capOf(%v) = %d, want %d", c, got, c.want)
		}
	}
}
