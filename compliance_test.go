package spotcheck

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// compliantPlan is a plan of two rounds over 120 internet cafés of 鼓楼区
// that meets every rule; each row of TestCheckCompliance breaks one.
func compliantPlan() (*Plan, []Task, ComplianceFacts) {
	p := &Plan{Dept: "FZWL", Year: 2026, Revision: 1, State: PlanDraft, KeyItems: []string{"I1"}}
	task := func(code string, round int) Task {
		t := Task{Code: code, Authority: "FZWL", Plan: "FZWL-2026", Round: round, Items: []string{"I1"},
			Scope: TaskScope{Types: []string{"T06"}, Divisions: []string{"350102"}}, StrataBy: StrataByCredit,
			Strata: []StratumRule{{ID: "A", Rate: "3/100"}, {ID: "B", Rate: "3/100"}, {ID: "C", Rate: "10/100"},
				{ID: "D", Rate: "20/100"}},
			Team: []TeamSlot{{Unit: "FZWL", Size: 2}}, AnnualCap: 2, State: TaskDraft}
		return t
	}
	tasks := []Task{task("R1", 1), task("R2", 2)}
	f := ComplianceFacts{
		Population: []PopulationCell{{"T06", "350102", "A", false, 50}, {"T06", "350102", "B", false, 40},
			{"T06", "350102", "C", false, 20}, {"T06", "350102", "D", false, 10}},
		Items: map[string]Item{"I1": {Code: "I1", Name: "经营资质检查", LegalBasis: "《互联网上网服务营业场所管理条例》",
			Status: ItemActive, Ratio: "3%", Frequency: 2, TargetTypes: []string{"T06"}}},
		Pools:         map[string][]UnitPool{"R1": {{Unit: "FZWL", Pool: 10, Leads: 5}}, "R2": {{Unit: "FZWL", Pool: 10, Leads: 5}}},
		TypeNames:     map[string]string{"T06": "互联网上网服务营业场所"},
		DivisionNames: map[string]string{"350102": "鼓楼区"},
	}
	return p, tasks, f
}

func TestCheckCompliance(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(p *Plan, ts []Task, f *ComplianceFacts)
		rule   string
		where  []string
		says   string
	}{
		{"compliant", func(*Plan, []Task, *ComplianceFacts) {}, "", nil, ""},
		{"coverage below 3%", func(_ *Plan, ts []Task, _ *ComplianceFacts) { ts[0].Expected, ts[1].Expected = 1, 1 },
			RuleCoverage, []string{"T06/350102"}, "互联网上网服务营业场所/鼓楼区：全年预计抽查 2 户，占 120 户的 1.7%，低于 3%"},
		{"coverage below an item's own floor", func(_ *Plan, _ []Task, f *ComplianceFacts) {
			it := f.Items["I1"]
			it.Ratio = "15%"
			f.Items["I1"] = it
		}, RuleCoverage, []string{"T06/350102"}, "占 120 户的 13.3%，低于 15%"},
		{"one round", func(_ *Plan, ts []Task, _ *ComplianceFacts) { ts[1].Round = 1 },
			RuleRounds, []string{"T06/350102"}, "全年安排 1 轮抽查，少于每年 2 轮"},
		{"C below B", func(_ *Plan, ts []Task, _ *ComplianceFacts) { ts[0].Strata[2].Rate = "2/100" },
			RuleRiskRatio, []string{"R1/C"}, "任务 R1：C类抽查比例 2%（2/100），低于A类的 3%（3/100）"},
		{"key below general", func(_ *Plan, ts []Task, f *ComplianceFacts) {
			for i := range ts {
				ts[i].StrataBy = StrataByKey
				ts[i].Strata = []StratumRule{{ID: "general", Rate: "10/100"}, {ID: "key", Rate: "10/100"}}
			}
			ts[1].Strata[1].Rate = "5/100"
			f.Population = append(f.Population, PopulationCell{"T06", "350102", "C", true, 6})
		}, RuleRiskRatio, []string{"R2/key"}, "重点抽查比例 5%（5/100），低于一般的 10%（10/100）"},
		{"class band of the local configuration", func(_ *Plan, ts []Task, f *ComplianceFacts) {
			f.ClassRatios = ClassRatios{Source: "大庆市文广旅局 2024", Bands: []ClassBand{{"A", "", "5%"}, {"D", "61%", "100%"}}}
			for i := range ts {
				ts[i].Strata[3].Rate = "61/100"
			}
			ts[0].Strata[0].Rate = "10/100"
		}, RuleRiskRatio, []string{"R1/A"}, "不在本地规定的 0%–5% 之内（大庆市文广旅局 2024）"},
		{"class A below the floor is allowed while the cell meets it", func(_ *Plan, ts []Task, _ *ComplianceFacts) {
			ts[0].Strata[0].Rate = "1/100"
		}, "", nil, ""},
		{"item retired", func(_ *Plan, _ []Task, f *ComplianceFacts) {
			it := f.Items["I1"]
			it.Status = ItemRetired
			f.Items["I1"] = it
		}, RuleItem, []string{"I1"}, "状态为“停用”"},
		{"item without legal basis", func(_ *Plan, _ []Task, f *ComplianceFacts) {
			it := f.Items["I1"]
			it.LegalBasis = ""
			f.Items["I1"] = it
		}, RuleItem, []string{"I1"}, "没有检查依据"},
		{"key item not in the list", func(p *Plan, _ []Task, _ *ComplianceFacts) { p.KeyItems = append(p.KeyItems, "I9") },
			RuleItem, []string{"I9"}, "事项 I9 不在抽查事项清单中"},
		{"one lead only", func(_ *Plan, _ []Task, f *ComplianceFacts) {
			f.Pools["R2"] = []UnitPool{{Unit: "FZWL", Pool: 4, Leads: 0}}
		}, RuleInspectors, []string{"R2"}, "任务 R2：预计检查 8 户，只能组成 0 个检查组，8 户将无人检查"},
		{"annual caps", func(_ *Plan, _ []Task, f *ComplianceFacts) {
			f.Capped = []CappedCell{{"FZWL", "T06", "350102", 2, 115}, {"OTHER", "T06", "350102", 5, 120}}
		}, RuleCap, []string{"R1", "R2"}, "115 户已达每年 2 次的检查上限，可抽 5 户，少于预计抽查的 8 户"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ts, f := compliantPlan()
			tc.change(p, ts, &f)
			got := CheckCompliance(p, ts, f)
			var where []string
			for _, x := range got {
				if x.Rule != tc.rule {
					t.Fatalf("finding of rule %s, want only %q: %+v", x.Rule, tc.rule, got)
				}
				where = append(where, x.Where)
			}
			if !slices.Equal(where, tc.where) {
				t.Fatalf("where = %v, want %v (%+v)", where, tc.where, got)
			}
			if tc.says != "" && !strings.Contains(got[0].Message, tc.says) {
				t.Errorf("message %q does not say %q", got[0].Message, tc.says)
			}
		})
	}
}

func TestCheckComplianceIgnoresCancelledTasks(t *testing.T) {
	p, ts, f := compliantPlan()
	ts[1].State = TaskCancelled
	got := CheckCompliance(p, ts, f)
	if len(got) != 1 || got[0].Rule != RuleRounds {
		t.Fatalf("findings = %+v, want the missing round only", got)
	}
}

func TestEstimateStaffing(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		visits, slack        int
		units                []UnitPool
		staffed, short, cap0 int
	}{
		// The demo's draw: 25 entities, 4 inspectors of whom one may lead.
		{"one lead", 25, 0, []UnitPool{{"FZWL", 2, 4, 1}}, 13, 12, 13},
		{"enough leads", 25, 0, []UnitPool{{"FZWL", 2, 4, 3}}, 25, 0, 13},
		{"pool smaller than the team", 5, 0, []UnitPool{{"FZWL", 2, 1, 1}}, 0, 5, 10},
		{"no inspectors", 5, 0, []UnitPool{{"FZWL", 2, 0, 0}}, 0, 5, 0},
		{"joint team short in the partner", 10, 0, []UnitPool{{"FZWL", 1, 5, 5}, {"FIRE", 2, 1, 0}}, 0, 10, 2},
		{"slack helps", 10, 2, []UnitPool{{"FZWL", 2, 5, 1}}, 6, 4, 6},
		{"no visits", 0, 0, []UnitPool{{"FZWL", 2, 0, 0}}, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := EstimateStaffing(tc.visits, tc.slack, tc.units)
			if s.Staffed != tc.staffed || s.Short != tc.short || s.Units[0].Cap != tc.cap0 {
				t.Fatalf("staffed %d short %d cap %d, want %d %d %d (%+v)", s.Staffed, s.Short, s.Units[0].Cap,
					tc.staffed, tc.short, tc.cap0, s)
			}
		})
	}
}

func TestPlanMachine(t *testing.T) {
	depts := []Department{{Code: "FZWL", Kind: DeptBureau}, {Code: "GLWL", Parent: "FZWL", Kind: DeptBureau},
		{Code: "MHWL", Parent: "FZWL", Kind: DeptBureau}}
	planner := func(dept string) *Principal {
		return NewPrincipal(User{Username: "u", Roles: []string{RolePlanner}, Dept: dept}, depts)
	}
	inspector := NewPrincipal(User{Username: "i", Roles: []string{RoleInspector}, Dept: "GLWL"}, depts)
	for _, tc := range []struct {
		state string
		act   Action
		who   *Principal
		code  string
		next  string
	}{
		{PlanDraft, PlanActEdit, planner("GLWL"), "", PlanDraft},
		{PlanDraft, PlanActPublish, planner("GLWL"), "", PlanPublished},
		{PlanDraft, PlanActPublish, planner("FZWL"), "", PlanPublished}, // the city may act for a district
		{PlanDraft, PlanActPublish, planner("MHWL"), ENOTFOUND, ""},     // another district sees nothing
		{PlanDraft, PlanActPublish, inspector, EFORBIDDEN, ""},
		{PlanDraft, PlanActPublish, nil, EUNAUTHORIZED, ""},
		{PlanDraft, PlanActRevise, planner("GLWL"), ECONFLICT, ""},
		{PlanPublished, PlanActEdit, planner("GLWL"), ECONFLICT, ""},
		{PlanPublished, PlanActPublish, planner("GLWL"), ECONFLICT, ""},
		{PlanPublished, PlanActRevise, planner("GLWL"), "", PlanPublished},
		{PlanPublished, PlanActSupersede, planner("GLWL"), "", PlanSuperseded},
		{PlanSuperseded, PlanActRevise, planner("GLWL"), ECONFLICT, ""},
		{PlanSuperseded, PlanActEdit, planner("GLWL"), ECONFLICT, ""},
		{PlanDraft, "delete", planner("GLWL"), EINVALID, ""},
	} {
		p := &Plan{Dept: "GLWL", Year: 2026, Revision: 1, State: tc.state}
		err := p.Can(tc.act, tc.who)
		if ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
			t.Errorf("%s %s: %v, want %q", tc.state, tc.act, err, tc.code)
			continue
		}
		if err == nil {
			if next, _ := p.Next(tc.act); next != tc.next {
				t.Errorf("%s %s → %s, want %s", tc.state, tc.act, next, tc.next)
			}
		}
	}
}

func TestPlanValidate(t *testing.T) {
	p := &Plan{Dept: " glwl ", Year: 2026, Name: "2026年度计划", Office: "市场管理处",
		KeyItems: []string{" i1", "I1", ""}, KeyTasks: []string{" 网吧 ", ""}}
	p.Normalize()
	if ps := p.Validate(); len(ps) > 0 || p.Dept != "GLWL" || !slices.Equal(p.KeyItems, []string{"I1"}) ||
		p.Revision != 1 || p.State != PlanDraft || p.Key() != "GLWL-2026" {
		t.Fatalf("%+v %v", p, ps)
	}
	p.Revision, p.Office = 2, ""
	ps := p.Validate()
	has := func(f string) bool { return slices.ContainsFunc(ps, func(e FieldError) bool { return e.Field == f }) }
	if !has("office") || !has("revision_note") {
		t.Fatalf("problems %v, want office and revision_note", ps)
	}
	if d, y, ok := ParsePlanKey("GLWL-2026"); !ok || d != "GLWL" || y != 2026 {
		t.Fatal("ParsePlanKey")
	}
	if _, _, ok := ParsePlanKey("GLWL-26"); ok {
		t.Fatal("ParsePlanKey accepted GLWL-26")
	}
}

func BenchmarkCheckCompliance(b *testing.B) {
	p, tasks, f := benchPlan()
	b.ResetTimer()
	for range b.N {
		CheckCompliance(p, tasks, f)
	}
}

// benchPlan is a plan of 200 tasks over 20 types × 14 divisions × 4
// classes × 2 key flags (the aggregates of a million entities).
func benchPlan() (*Plan, []Task, ComplianceFacts) {
	p := &Plan{Dept: "FZWL", Year: 2026}
	f := ComplianceFacts{Items: map[string]Item{}, Pools: map[string][]UnitPool{}}
	var types, divs []string
	for i := range 20 {
		types = append(types, "T"+string(rune('A'+i)))
	}
	for i := range 14 {
		divs = append(divs, "3501"+string(rune('0'+i/10))+string(rune('0'+i%10)))
	}
	for _, ty := range types {
		for _, d := range divs {
			for _, c := range CreditClasses {
				f.Population = append(f.Population, PopulationCell{ty, d, c, false, 800}, PopulationCell{ty, d, c, true, 100})
			}
		}
	}
	var tasks []Task
	for i := range 200 {
		code := "T" + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
		item := "I" + string(rune('0'+i%10))
		f.Items[item] = Item{Code: item, Status: ItemActive, LegalBasis: "x", Ratio: "3%", Frequency: 2}
		tasks = append(tasks, Task{Code: code, Authority: "FZWL", Round: 1 + i%2, Items: []string{item},
			Scope: TaskScope{Types: []string{types[i%20]}}, StrataBy: StrataByKeyCredit,
			Strata: []StratumRule{{ID: "A", Rate: "3/100"}, {ID: "B", Rate: "5/100"}, {ID: "C", Rate: "10/100"},
				{ID: "D", Rate: "20/100"}, {ID: "key", Rate: "30/100"}},
			Team: []TeamSlot{{Unit: "FZWL", Size: 2}}, AnnualCap: 2})
		f.Pools[code] = []UnitPool{{Unit: "FZWL", Pool: 2000, Leads: 1500}}
	}
	return p, tasks, f
}

func TestCoverageFigures(t *testing.T) {
	for _, tc := range []struct {
		x     float64
		floor int
		count string
		pct   string
	}{
		{2, 30, "2", "1.7"}, {3.55, 30, "3.5", "2.95"}, {3.4, 30, "3.4", "2.8"}, {0, 30, "0", "0.0"},
	} {
		if c, p := count(tc.x), below(tc.x*100/120, tc.floor); c != tc.count || p != tc.pct {
			t.Errorf("%v of 120: %s, %s%%; want %s, %s%%", tc.x, c, p, tc.count, tc.pct)
		}
	}
}

func TestTasksAsPublished(t *testing.T) {
	p := &Plan{PublishedAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	tasks := []Task{{Code: "before", CreatedAt: p.PublishedAt.Add(-time.Hour)}, {Code: "at", CreatedAt: p.PublishedAt},
		{Code: "after", CreatedAt: p.PublishedAt.Add(time.Hour)},
		{Code: "cancelled", State: TaskCancelled, CreatedAt: p.PublishedAt.Add(-time.Hour)}}
	var got []string
	for _, tk := range p.TasksAsPublished(tasks) {
		got = append(got, tk.Code)
	}
	if !slices.Equal(got, []string{"before", "at"}) {
		t.Fatalf("tasks as published: %v", got)
	}
}
