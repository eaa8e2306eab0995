package spotcheck

import (
	"reflect"
	"strings"
	"testing"
)

func validTask() Task {
	return Task{
		Code: "2026-FZWL-SJ-001", Name: "旅行社抽查", Authority: "FZWL", Items: []string{"WL-LXS-001"},
		StrataBy: StrataByCredit, Start: "2026-03-01", End: "2026-04-30",
		Strata: []StratumRule{{ID: "D", Rate: "30/100", Min: 1}, {ID: "A", Rate: "3/100", Min: 1},
			{ID: "B", Rate: "5/100"}, {ID: "C", Rate: "1/10"}},
	}
}

func TestTaskValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Task)
		field  string // "" = valid
	}{
		{"valid task", func(*Task) {}, ""},
		{"rate below three percent is refused", func(tk *Task) { tk.Strata[0].Rate = "2/100" }, "strata.D"},
		{"class A may go below three percent (无事不扰)", func(tk *Task) { tk.Strata[1].Rate = "1/100" }, ""},
		{"rate must be a fraction", func(tk *Task) { tk.Strata[1].Rate = "0.03" }, "strata.A"},
		{"rate above one is refused", func(tk *Task) { tk.Strata[1].Rate = "5/4" }, "strata.A"},
		{"missing stratum is named", func(tk *Task) { tk.Strata = tk.Strata[:3] }, "strata.C"},
		{"stratum of another scheme is refused", func(tk *Task) { tk.Strata[0].ID = "key" }, "strata.key"},
		{"min above max is refused", func(tk *Task) { tk.Strata[0].Min, tk.Strata[0].Max = 5, 2 }, "strata.D"},
		{"window may not cross the year", func(tk *Task) { tk.End = "2027-01-10" }, "end"},
		{"window may not end before it starts", func(tk *Task) { tk.End = "2026-02-01" }, "end"},
		{"a team needs two inspectors", func(tk *Task) { tk.Team = []TeamSlot{{"FZWL", 1}} }, "team"},
		{"the authority leads the team", func(tk *Task) {
			tk.Partners = []string{"FZXF"}
			tk.Team = []TeamSlot{{"FZXF", 1}, {"FZWL", 2}}
		}, "team"},
		{"a team unit must take part in the task", func(tk *Task) { tk.Team = []TeamSlot{{"FZWL", 1}, {"FZGA", 1}} }, "team"},
		{"a task needs an item", func(tk *Task) { tk.Items = nil }, "items"},
		{"task code is ASCII", func(tk *Task) { tk.Code = "二〇二六-1" }, "code"},
		{"an unknown status is refused", func(tk *Task) { tk.Scope.EligibleStatus = []string{"倒闭"} }, "eligible_status"},
		{"a plan task names its plan", func(tk *Task) { tk.Source = TaskFromPlan }, "plan"},
		{"a plan task of its plan", func(tk *Task) { tk.Source, tk.Plan = TaskFromPlan, "FZWL-2026" }, ""},
		{"a plan key has its form", func(tk *Task) { tk.Source, tk.Plan = TaskFromPlan, "2026年度计划" }, "plan"},
		{"the plan is the authority's", func(tk *Task) { tk.Source, tk.Plan = TaskFromPlan, "GLWL-2026" }, "plan"},
		{"the plan is of the task's year", func(tk *Task) { tk.Source, tk.Plan = TaskFromPlan, "FZWL-2025" }, "plan"},
		{"an ad-hoc task has no plan", func(tk *Task) { tk.Plan = "FZWL-2026" }, "plan"},
		{"an unknown source", func(tk *Task) { tk.Source = "whim" }, "source"},
		{"a round is not negative", func(tk *Task) { tk.Round = -1 }, "round"},
		{"round two", func(tk *Task) { tk.Round = 2 }, ""},
		{"an unknown kind", func(tk *Task) { tk.Kind = "random" }, "kind"},
		{"a directed task", func(tk *Task) { tk.Kind = TaskDirected }, ""},
		{"an unknown mode", func(tk *Task) { tk.Mode = "province" }, "mode"},
		{"an unknown joint scope", func(tk *Task) { tk.Joint = "all" }, "joint"},
		{"an own task has no partners", func(tk *Task) { tk.Joint, tk.Partners = TaskOwn, []string{"FZXF"} }, "partners"},
		{"a joint task has partners", func(tk *Task) { tk.Joint = TaskJointCross }, "partners"},
		{"an internal joint task has partners", func(tk *Task) { tk.Joint = TaskJointInternal }, "partners"},
		{"a joint task with its partner", func(tk *Task) { tk.Joint, tk.Partners = TaskJointInternal, []string{"FZZD"} }, ""},
		{"a target for the task's item", func(tk *Task) { tk.ItemTargets = []ItemTarget{{"WL-LXS-001", 30}} }, ""},
		{"a target for another item", func(tk *Task) { tk.ItemTargets = []ItemTarget{{"WL-YCS-001", 30}} }, "item_targets"},
		{"a target of zero", func(tk *Task) { tk.ItemTargets = []ItemTarget{{"WL-LXS-001", 0}} }, "item_targets"},
		{"an item targeted twice", func(tk *Task) { tk.ItemTargets = []ItemTarget{{"WL-LXS-001", 3}, {"WL-LXS-001", 4}} }, "item_targets"},
		{"at most five experts", func(tk *Task) { tk.Experts = 6 }, "experts"},
		{"no negative experts", func(tk *Task) { tk.Experts = -1 }, "experts"},
		{"five experts", func(tk *Task) { tk.Experts = 5 }, ""},
		{"a negative expected size", func(tk *Task) { tk.Expected = -5 }, "expected"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := validTask()
			c.change(&tk)
			tk.Normalize()
			ps := tk.Validate()
			if c.field == "" {
				if len(ps) > 0 {
					t.Fatalf("unexpected problems: %v", ps)
				}
				return
			}
			for _, p := range ps {
				if p.Field == c.field {
					return
				}
			}
			t.Fatalf("no problem on %s; got %v", c.field, ps)
		})
	}
}

func TestTaskDefaultsAndSortedStrata(t *testing.T) {
	tk := validTask()
	tk.Normalize()
	if ps := tk.Validate(); len(ps) > 0 {
		t.Fatal(ps)
	}
	if tk.AnnualCap != DefaultAnnualCap || !reflect.DeepEqual(tk.Team, []TeamSlot{{"FZWL", 2}}) ||
		!reflect.DeepEqual(tk.Scope.EligibleStatus, []string{StatusOperating}) {
		t.Fatalf("defaults not filled: %+v", tk)
	}
	var ids []string
	for _, s := range tk.Strata {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, "") != "ABCD" {
		t.Fatalf("strata not sorted: %v", ids)
	}
}

func TestStratum(t *testing.T) {
	for _, c := range []struct {
		by, class string
		key       bool
		want      string
	}{
		{StrataByCredit, "C", true, "C"},
		{StrataByKey, "A", true, "key"},
		{StrataByKey, "D", false, "general"},
		{StrataByKeyCredit, "B", true, "key"},
		{StrataByKeyCredit, "B", false, "B"},
	} {
		tk := Task{StrataBy: c.by}
		if got := tk.Stratum(c.class, c.key); got != c.want {
			t.Errorf("%s %s %v: got %s, want %s", c.by, c.class, c.key, got, c.want)
		}
	}
}

func TestFrameExclusions(t *testing.T) {
	tk := validTask()
	tk.Normalize()
	cands := []FrameCandidate{
		{ID: "E1", Status: StatusOperating, CreditClass: "A"},
		{ID: "E2", Status: StatusDeregistered, CreditClass: "B"},
		{ID: "E3", Status: StatusOperating, CreditClass: "C", Key: true},
		{ID: "E4", Status: StatusSuspended, CreditClass: "D"},
		{ID: "E5", Status: StatusOperating, CreditClass: "D"},
	}
	h := EntityHistory{SameItem: map[string]bool{"E3": true}, ByAuthority: map[string]int{"E3": 2, "E5": 1}}
	frame, excl := tk.Frame(cands, h)
	if len(frame) != 5 || frame[2] != (FrameEntry{"E3", "C"}) {
		t.Fatalf("frame: %v", frame)
	}
	want := []FrameExclusion{{"E2", ExcludeDeregistered}, {"E3", ExcludeInspected}, {"E3", ExcludeAnnualCap}, {"E4", ExcludeSuspended}}
	if !reflect.DeepEqual(excl, want) {
		t.Fatalf("exclusions:\n got %v\nwant %v", excl, want)
	}
}

func TestRoster(t *testing.T) {
	tk := validTask()
	tk.Partners = []string{"FZXF"}
	tk.Team = []TeamSlot{{"FZWL", 2}, {"FZXF", 1}}
	depts := []Department{
		{Code: "FZWL", Kind: DeptBureau}, {Code: "FZZD", Parent: "FZWL", Kind: DeptOffice},
		{Code: "GLWL", Parent: "FZWL", Kind: DeptBureau}, {Code: "FZXF", Kind: DeptPartner},
	}
	ins := []Inspector{
		{StaffID: "A1", Dept: "FZZD", CertNo: "x", CertExpiry: "2027-01-01", Lead: true, Active: true},
		{StaffID: "A2", Dept: "FZWL", CertNo: "x", CertExpiry: "2026-04-29", Active: true},  // expires in the window
		{StaffID: "A3", Dept: "FZWL", CertNo: "x", CertExpiry: "2026-12-31", Active: false}, // deactivated
		{StaffID: "A4", Dept: "GLWL", CertNo: "x", CertExpiry: "2026-12-31", Active: true},  // another bureau
		{StaffID: "A5", Dept: "FZWL", CertNo: "", CertExpiry: "2026-12-31", Active: true},   // no certificate
		{StaffID: "A6", Dept: "FZWL", CertNo: "x", CertExpiry: "2026-12-31", Active: true, Expert: true, Lead: true},
		{StaffID: "A7", Dept: "FZWL", CertNo: "x", CertExpiry: "2026-12-31", Active: true,
			Leaves: []Leave{{"2026-04-30", "2026-05-03"}}}, // on leave the last day
		{StaffID: "A8", Dept: "FZWL", CertNo: "x", CertExpiry: "2026-12-31", Active: true,
			Items: []string{"WL-YCS-001", "WL-LXS-001"}}, // 执法事项范围 covers the task's item
		{StaffID: "A9", Dept: "FZWL", CertNo: "x", CertExpiry: "2026-12-31", Active: true, Lead: true,
			Items: []string{"WL-YCS-001"}}, // 执法事项范围 without the task's item
		{StaffID: "X1", Dept: "FZXF", CertNo: "x", CertExpiry: "2026-12-31", Active: true,
			Leaves: []Leave{{"2026-01-01", "2026-02-28"}}}, // leave before the window
	}
	unitOf := func(d string) string { return UnitOf(depts, d) }
	got := tk.Roster(ins, unitOf)
	want := []RosterEntry{{"A1", "FZWL", "L"}, {"A6", "FZWL", "EL"}, {"A8", "FZWL", "-"}, {"X1", "FZXF", "-"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("roster:\n got %v\nwant %v", got, want)
	}
	// A second item of the task that A8's range lacks takes A8 off; a
	// professional agency never adds anyone.
	tk.Items = append(tk.Items, "WL-JQ-001")
	tk.Agency = "91350100MA00000001"
	got = tk.Roster(ins, unitOf)
	want = []RosterEntry{{"A1", "FZWL", "L"}, {"A6", "FZWL", "EL"}, {"X1", "FZXF", "-"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("roster of two items:\n got %v\nwant %v", got, want)
	}
}

func TestInspectorItems(t *testing.T) {
	in := Inspector{Items: []string{" wl-lxs-001 ", "ＷＬ-ＹＣＳ-００１", "WL-LXS-001", ""}}
	in.Normalize()
	if !reflect.DeepEqual(in.Items, []string{"WL-LXS-001", "WL-YCS-001"}) {
		t.Errorf("normalized items %v", in.Items)
	}
	if !in.Covers([]string{"WL-YCS-001"}) || in.Covers([]string{"WL-YCS-001", "WL-JQ-001"}) {
		t.Error("Covers")
	}
	if none := (Inspector{}); !none.Covers([]string{"WL-JQ-001"}) {
		t.Error("an empty range is unrestricted")
	}
}

func TestDrawConflicts(t *testing.T) {
	tk := validTask()
	roster := []RosterEntry{{"A1", "FZWL", "L"}, {"A2", "FZWL", "-"}}
	frame := []FrameEntry{{"E1", "A"}, {"E2", "B"}}
	cs := []Conflict{
		{StaffID: "A1", EntityID: "E1", Kind: ConflictDeclared, From: "2025-01-01", Active: true},
		{StaffID: "A2", EntityID: "E1", Kind: ConflictRequested, Review: ReviewPending, From: "2026-01-01", Active: true},
		{StaffID: "A2", EntityID: "E2", Kind: ConflictRequested, Review: ReviewApproved, From: "2026-01-01", Active: true},
		{StaffID: "A1", EntityID: "E2", Kind: ConflictDeclared, From: "2025-01-01", To: "2025-12-31", Active: true}, // ended
		{StaffID: "A9", EntityID: "E1", Kind: ConflictDeclared, From: "2025-01-01", Active: true},                   // not on roster
		{StaffID: "A2", EntityID: "E1", Kind: ConflictDeclared, From: "2025-01-01", Active: false},                  // deactivated
	}
	rotation := []ConflictEntry{{"A1", "E2", ConflictReasonRotation}, {"A1", "E9", ConflictReasonRotation}}
	got := tk.Conflicts(cs, rotation, roster, frame)
	want := []ConflictEntry{{"A1", "E1", "declared"}, {"A1", "E2", "rotation"}, {"A2", "E2", "requested"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("conflicts:\n got %v\nwant %v", got, want)
	}
}

func TestDrawRequestParticipants(t *testing.T) {
	r := DrawRequest{Officials: []string{"zhang", " liu ", "zhang"}}
	r.Normalize()
	if ps := r.Validate(); len(ps) > 0 {
		t.Fatal(ps)
	}
	if got := r.Participants(); !reflect.DeepEqual(got, []string{"liu", "system", "zhang"}) {
		t.Fatalf("participants: %v", got)
	}
	r = DrawRequest{Supersedes: 3, Reason: "错", Officials: []string{"zhang"}}
	if ps := r.Validate(); len(ps) == 0 {
		t.Fatal("a re-draw without a reason was accepted")
	}
	if ps := (&DrawRequest{}).Validate(); len(ps) == 0 {
		t.Fatal("a draw without an official was accepted")
	}
}
