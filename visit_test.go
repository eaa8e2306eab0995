package spotcheck

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// sel is a selection of task code by dept, drawn as draw id, in the
// window [start, end] of 2026 (MM-DD), of the entities given as
// "entity:inspector,inspector" (no inspectors after the colon: unassigned).
func sel(code, dept string, id int64, start, end string, picks ...string) TaskSelection {
	s := TaskSelection{Task: code, Authority: dept, Draw: id, Start: "2026-" + start, End: "2026-" + end,
		Items: []string{dept + "-item"}}
	for _, p := range picks {
		e, team, _ := strings.Cut(p, ":")
		var ins []string
		if team != "" {
			ins = strings.Split(team, ",")
		}
		s.Picks = append(s.Picks, SelectedEntity{e, ins})
	}
	return s
}

// visitLine summarizes a proposed visit as "entity lead [start–end] task,task".
func visitLine(v Visit) string {
	var tasks []string
	for _, p := range v.Parts {
		tasks = append(tasks, p.Task)
	}
	return fmt.Sprintf("%s %s [%s–%s] %s", v.Entity, v.Lead, v.Start[5:], v.End[5:], strings.Join(tasks, ","))
}

func TestProposeVisits(t *testing.T) {
	tests := []struct {
		name string
		sels []TaskSelection
		want []string
	}{
		{"two departments, overlapping windows: one visit, led by the first draw",
			[]TaskSelection{sel("XF-1", "FZXF", 9, "03-10", "04-30", "E1:x1"), sel("WL-1", "FZWL", 4, "03-01", "03-31", "E1:w1,w2", "E2:w3")},
			[]string{"E1 FZWL [03-10–03-31] WL-1,XF-1"}},
		{"windows that do not overlap: no visit",
			[]TaskSelection{sel("WL-1", "FZWL", 1, "03-01", "03-31", "E1:w1"), sel("XF-1", "FZXF", 2, "04-01", "04-30", "E1:x1")},
			nil},
		{"windows that touch on one day overlap",
			[]TaskSelection{sel("WL-1", "FZWL", 1, "03-01", "03-31", "E1:w1"), sel("XF-1", "FZXF", 2, "03-31", "04-30", "E1:x1")},
			[]string{"E1 FZWL [03-31–03-31] WL-1,XF-1"}},
		{"two tasks of one department are no joint visit",
			[]TaskSelection{sel("WL-1", "FZWL", 1, "03-01", "03-31", "E1:w1"), sel("WL-2", "FZWL", 2, "03-01", "03-31", "E1:w2")},
			nil},
		{"three departments narrow the common window; a fourth outside it stays apart",
			[]TaskSelection{sel("WL-1", "FZWL", 1, "03-01", "05-31", "E1:w1"), sel("XF-1", "FZXF", 2, "04-01", "06-30", "E1:x1"),
				sel("SC-1", "FZSC", 3, "05-01", "07-31", "E1:s1"), sel("GA-1", "FZGA", 4, "06-01", "06-30", "E1:g1")},
			[]string{"E1 FZWL [05-01–05-31] WL-1,XF-1,SC-1"}},
		{"spring and autumn pairs make two visits of one entity",
			[]TaskSelection{sel("WL-1", "FZWL", 1, "03-01", "03-31", "E1:w1"), sel("WL-2", "FZWL", 3, "09-01", "09-30", "E1:w1"),
				sel("XF-1", "FZXF", 2, "03-15", "04-15", "E1:x1"), sel("XF-2", "FZXF", 4, "09-10", "10-10", "E1:x2")},
			[]string{"E1 FZWL [03-15–03-31] WL-1,XF-1", "E1 FZWL [09-10–09-30] WL-2,XF-2"}},
		{"the lead is the lowest draw id, whatever the input order; entities come sorted",
			[]TaskSelection{sel("B", "FZXF", 2, "01-01", "12-31", "E2:", "E1:x"), sel("A", "FZWL", 7, "01-01", "12-31", "E1:w", "E2:w")},
			[]string{"E1 FZXF [01-01–12-31] B,A", "E2 FZXF [01-01–12-31] B,A"}},
		{"an entity selected once is no visit", []TaskSelection{sel("A", "FZWL", 1, "01-01", "12-31", "E1:w")}, nil},
		{"nothing", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range ProposeVisits(tt.sels) {
				got = append(got, visitLine(v))
				if v.State != VisitProposed || v.Year != "2026" {
					t.Errorf("state %q year %q", v.State, v.Year)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestVisitChecklistAndTeam(t *testing.T) {
	vs := ProposeVisits([]TaskSelection{
		{Task: "WL-1", Authority: "FZWL", Draw: 1, Start: "2026-03-01", End: "2026-03-31", Items: []string{"I1", "I2"},
			Picks: []SelectedEntity{{"E", []string{"w1", "w2"}}}},
		{Task: "XF-1", Authority: "FZXF", Draw: 2, Start: "2026-03-01", End: "2026-03-31", Items: []string{"X1", "I1"},
			Picks: []SelectedEntity{{"E", []string{"x1", "w2"}}}}, // w2 serves both (a shared inspector): once in the team
		{Task: "SC-1", Authority: "FZSC", Draw: 3, Start: "2026-03-01", End: "2026-03-31", Items: []string{"S1"},
			Picks: []SelectedEntity{{"E", nil}}},
	})
	if len(vs) != 1 {
		t.Fatalf("%d visits", len(vs))
	}
	v := vs[0]
	want := []VisitItem{{"FZWL", "WL-1", "I1"}, {"FZWL", "WL-1", "I2"}, {"FZXF", "XF-1", "X1"}, {"FZXF", "XF-1", "I1"}, {"FZSC", "SC-1", "S1"}}
	if got := v.Checklist(); !slices.Equal(got, want) {
		t.Errorf("checklist %v, want %v", got, want)
	}
	if got := v.ItemsOf("FZXF"); !slices.Equal(got, want[2:4]) {
		t.Errorf("FZXF sees %v", got)
	}
	team := []VisitMember{{"FZWL", "w1"}, {"FZWL", "w2"}, {"FZXF", "x1"}}
	if got := v.Team(); !slices.Equal(got, team) {
		t.Errorf("team %v, want %v", got, team)
	}
	if got := v.Unstaffed(); !slices.Equal(got, []string{"FZSC"}) {
		t.Errorf("unstaffed %v", got)
	}
	if got := v.Departments(); !slices.Equal(got, []string{"FZWL", "FZXF", "FZSC"}) {
		t.Errorf("departments %v", got)
	}
}

// TestVisitCan walks state × action × role: the planner of the lead
// department decides (a city planner also for a district's visit, its
// subtree); a partner's planner sees the visit but may not decide; a
// department outside it does not even see it.
func TestVisitCan(t *testing.T) {
	p := func(dept string, roles ...string) *Principal {
		return NewPrincipal(User{Username: "u-" + dept, Dept: dept, Roles: roles, Active: true}, accessTree)
	}
	roles := map[string]*Principal{
		"lead planner":     p("GLWL", RolePlanner),
		"city planner":     p("FZWL", RolePlanner),
		"partner planner":  p("FZXF", RolePlanner),
		"other planner":    p("TJWL", RolePlanner),
		"lead approver":    p("GLWL", RoleApprover),
		"supervisor":       p("FZWL", RoleSupervisor),
		"lead inspector":   p("GLWL", RoleInspector),
		"system":           System("cli:root"),
		"nobody":           nil,
		"partner approver": p("FZXF", RoleApprover),
	}
	who := map[string]string{"lead planner": "ok", "city planner": "ok", "system": "ok",
		"partner planner": EFORBIDDEN, "other planner": ENOTFOUND, "lead approver": EFORBIDDEN,
		"supervisor": EFORBIDDEN, "lead inspector": EFORBIDDEN, "nobody": EUNAUTHORIZED, "partner approver": EFORBIDDEN}
	for _, state := range VisitMachine.States {
		for _, a := range VisitMachine.Actions() {
			for role, pr := range roles {
				v := &Visit{ID: 3, Lead: "GLWL", State: state, Parts: []VisitPart{{Dept: "GLWL"}, {Dept: "FZXF"}}}
				want := who[role]
				if want == "ok" && state != VisitProposed {
					want = ECONFLICT
				}
				if got := code(v.Can(a, pr)); got != want {
					t.Errorf("%s: %s as %s = %s, want %s", state, a, role, got, want)
				}
			}
		}
	}
	v := &Visit{ID: 3, Lead: "GLWL", State: VisitProposed, Parts: []VisitPart{{Dept: "GLWL"}, {Dept: "FZXF"}}}
	if next, err := v.Next(VisitActAccept); err != nil || next != VisitAccepted {
		t.Errorf("accept → %q %v", next, err)
	}
	if next, err := v.Next(VisitActDecline); err != nil || next != VisitDeclined {
		t.Errorf("decline → %q %v", next, err)
	}
	v.State = VisitAccepted
	if _, err := v.Next(VisitActDecline); !strings.Contains(ErrorMessage(err), "联合检查 3 当前状态为“已合并”") {
		t.Errorf("decline an accepted visit: %v", err)
	}
	if err := v.Can(VisitActAccept, roles["partner planner"]); !strings.Contains(ErrorMessage(err), "只有牵头部门（GLWL）") {
		t.Errorf("partner accepts: %v", err)
	}
}

func TestVisitDecision(t *testing.T) {
	v := &Visit{Start: "2026-03-10", End: "2026-03-31"}
	tests := []struct {
		a     Action
		d     VisitDecision
		field string // "" = valid
	}{
		{VisitActAccept, VisitDecision{Date: "2026-03-10"}, ""},
		{VisitActAccept, VisitDecision{Date: " 2026-03-31 "}, ""},
		{VisitActAccept, VisitDecision{Date: "2026-04-01"}, "date"},
		{VisitActAccept, VisitDecision{Date: "2026-03-09"}, "date"},
		{VisitActAccept, VisitDecision{Date: "2026-3-9"}, "date"},
		{VisitActAccept, VisitDecision{}, "date"},
		{VisitActDecline, VisitDecision{Note: "检查内容差异大"}, ""},
		{VisitActDecline, VisitDecision{Note: " "}, "note"},
	}
	for _, tt := range tests {
		ps := tt.d.Validate(v, tt.a)
		got := ""
		if len(ps) > 0 {
			got = ps[0].Field
		}
		if got != tt.field {
			t.Errorf("%s %+v: %v, want field %q", tt.a, tt.d, ps, tt.field)
		}
	}
	if n := VisitNotice("2026", 12); n != "联检〔2026〕12号" {
		t.Errorf("notice %q", n)
	}
}

// mergeInput is the figure: 5 departments' draws of 50,000
// entities each, from a population of 125,000, so that most entities are
// selected by two or more departments.
func mergeInput() []TaskSelection { return SyntheticSelections(5, 50000, 125000) }

func TestProposeVisitsAtScale(t *testing.T) {
	sels := mergeInput()
	vs := ProposeVisits(sels)
	parts := 0
	for _, v := range vs {
		parts += len(v.Parts)
		if len(v.Parts) < 2 {
			t.Fatalf("visit of %s has %d parts", v.Entity, len(v.Parts))
		}
	}
	// Every selected entity of two or more departments is in exactly one visit.
	count := map[string]int{}
	for _, s := range sels {
		for _, p := range s.Picks {
			count[p.Entity]++
		}
	}
	shared, sharedParts := 0, 0
	for _, n := range count {
		if n > 1 {
			shared++
			sharedParts += n
		}
	}
	if len(vs) != shared || parts != sharedParts {
		t.Errorf("%d visits of %d parts, want %d of %d", len(vs), parts, shared, sharedParts)
	}
}

func BenchmarkProposeVisits(b *testing.B) {
	sels := mergeInput()
	b.ResetTimer()
	for b.Loop() {
		ProposeVisits(sels)
	}
}

func TestSyntheticSelections(t *testing.T) {
	for _, s := range mergeInput() {
		seen := map[string]bool{}
		for _, p := range s.Picks {
			seen[p.Entity] = true
		}
		if len(seen) != 50000 {
			t.Errorf("%s selects %d distinct entities, want 50000", s.Task, len(seen))
		}
	}
}

// TestVisitPartners: a joint task's partner department sees the visit (it
// is refused the lead's decision, not told the visit does not exist).
func TestVisitPartners(t *testing.T) {
	v := &Visit{ID: 4, Lead: "GLWL", State: VisitProposed, Parts: []VisitPart{{Dept: "GLWL"}, {Dept: "TJWL"}}}
	fire := NewPrincipal(User{Username: "xf", Dept: "FZXF", Roles: []string{RolePlanner}, Active: true}, accessTree)
	if got := code(v.Can(VisitActAccept, fire)); got != ENOTFOUND {
		t.Errorf("an outsider: %s", got)
	}
	v.Partners = []string{"FZXF", "TJWL"}
	if got := code(v.Can(VisitActAccept, fire)); got != EFORBIDDEN {
		t.Errorf("a partner: %s", got)
	}
	if got := v.Departments(); !slices.Equal(got, []string{"GLWL", "TJWL", "FZXF"}) {
		t.Errorf("departments %v", got)
	}
}
