package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// demoControlTask is 仓山区's task drawn with a control sample (issue 14,
// item 5): right after the first model's reclassification of 仓山区, its
// strata take the new classes and 20 of its picks are the control sample
// (draw/control.go); every inspection is recorded and approved along the
// story, so that the dashboard compares the two hit rates per model
// version (统计分析 › 按风险模型版本的问题发现率).
func demoControlTask(year int) string { return fmt.Sprintf("%d-CSWL-SJ-001", year) }

// demoProblemShare is, per credit class, the share (in percent) of the
// demo's control-task inspections that find a problem. The demo's
// inspections are fiction; these shares make the fiction one where the
// model's high-risk classes do hold more problems.
var demoProblemShare = map[string]uint32{"A": 8, "B": 15, "C": 35, "D": 55}

// demoControl plans, draws and inspects the control task on the story's
// days: created and drawn on day 0, each inspection visited on a working
// day between days 2 and 21, submitted that day and approved the next.
func (m *Main) demoControl(ctx context.Context, db *store.DB, s *demoStory) error {
	users, err := demoTeamAccounts(ctx, db, "CSWL")
	if err != nil {
		return err
	}
	as, err := demoStaff(ctx, db, append([]string{"planner", "supervisor", "approver"}, slices.Collect(maps.Values(users))...)...)
	if err != nil {
		return err
	}
	start := s.days[0]
	if err := demoOverride(ctx, db, start); err != nil {
		return err
	}
	tk := &spotcheck.Task{Code: demoControlTask(start.Year()), Name: "仓山区文化和旅游市场“双随机”抽查（按信用风险分类抽取，设对照样本）",
		Authority: "CSWL", Source: spotcheck.TaskAdHoc,
		Items:    []string{"WL-LXS-001", "WL-WB-001", "WL-YL-001", "WL-YC-001", "WL-DY-001", "WL-WH-001"},
		StrataBy: spotcheck.StrataByCredit, Strata: []spotcheck.StratumRule{{ID: "A", Rate: "10/100", Min: 1, Reserve: 2},
			{ID: "B", Rate: "15/100", Min: 1, Reserve: 2}, {ID: "C", Rate: "30/100", Min: 1, Reserve: 2},
			{ID: "D", Rate: "50/100", Min: 1, Reserve: 1}},
		Team: []spotcheck.TeamSlot{{Unit: "CSWL", Size: 2}}, CapSlack: 4, Control: 20,
		Start: start.Format(spotcheck.DateLayout), End: start.AddDate(0, 0, 60).Format(spotcheck.DateLayout)}
	if err := db.Tasks().CreateTask(as("planner"), tk); err != nil {
		return fmt.Errorf("演示任务 %s：%w", tk.Code, err)
	}
	if err := db.Tasks().PublishTask(as("planner"), tk.Code); err != nil {
		return err
	}
	d, err := runDemoDraw(as, db, tk.Code, demoDraw{planner: "planner",
		req:    spotcheck.DrawRequest{Officials: []string{"supervisor"}},
		secret: "纪检监察室见证-仓山区对照样本抽查-" + tk.Start})
	if err != nil {
		return err
	}
	picks, err := db.Draws().FindDrawPicks(as("planner"), d.ID)
	if err != nil {
		return err
	}
	stratum := map[string]string{}
	for _, p := range picks {
		stratum[p.Entity] = p.Stratum
	}
	s.goTo(1, 9, 0)
	if err := db.Tasks().StartTask(as("planner"), tk.Code); err != nil {
		return err
	}
	list, err := db.Inspections().FindInspections(as("planner"), spotcheck.InspectionFilter{Task: tk.Code})
	if err != nil {
		return err
	}
	for i, in := range list {
		if len(in.Team) == 0 {
			continue // unassigned
		}
		sc, err := demoControlScenario(ctx, db, in, stratum[in.Entity], 2+i%20)
		if err != nil {
			return err
		}
		r := demoRecorder{db: db, s: s, in: in, member: func(staff string) context.Context { return as(users[staff]) },
			approver: as("approver")}
		if err := r.play(sc); err != nil {
			return fmt.Errorf("对照样本任务（%s）：%w", in.EntityName, err)
		}
	}
	return nil
}

// demoOverride has the city administrator override the model for one of
// 仓山区's travel agencies (issue 14, item 2): class D and the key list
// for six months, with the reason, so that the control task draws it in
// stratum D and its page shows the override beside the model's class.
func demoOverride(ctx context.Context, db *store.DB, start time.Time) error {
	as, err := demoStaff(ctx, db, "cityadmin")
	if err != nil {
		return err
	}
	active, operating := true, spotcheck.StatusOperating
	page, err := db.Entities().FindEntities(as("cityadmin"), spotcheck.EntityFilter{Type: "T01", Depts: []string{"CSWL"},
		Status: operating, Active: &active, CreditClass: "B", Limit: 1})
	if err != nil || len(page.Items) == 0 {
		return fmt.Errorf("演示人工调整：仓山区没有B类旅行社（%v）", err)
	}
	_, err = db.RiskOverrides().OverrideRiskClass(as("cityadmin"), page.Items[0].ID, "D", true,
		"省文化和旅游厅转来“不合理低价游”线索，涉嫌以低于成本的价格招徕游客，列为重点检查对象待查实",
		start.AddDate(0, 6, 0).Format(spotcheck.DateLayout))
	return err
}

// demoControlScenario is the control task's inspection of in on working
// day visit: a problem on its first item, found as often as its class
// says (demoProblemShare, decided by a hash of the entity so that the demo
// is the same every time), or nothing found.
func demoControlScenario(ctx context.Context, db *store.DB, in spotcheck.Inspection, class string, visit int) (demoScenario, error) {
	sc := demoScenario{name: "对照样本任务", visit: visit, submit: visit, returned: -1, approve: visit + 1, photos: 1,
		methods: []string{spotcheck.MethodSite}, results: []string{"R01"}, approveComment: "同意", publishAfter: 2}
	sc.findings = func(items []string) []spotcheck.ItemFinding {
		out := make([]spotcheck.ItemFinding, len(items))
		for i, it := range items {
			out[i] = spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone}
		}
		return out
	}
	h := fnv.New32a()
	h.Write([]byte(in.Entity))
	if h.Sum32()%100 >= demoProblemShare[class] {
		return sc, nil
	}
	item, err := db.Items().FindItemByCode(ctx, in.Items[0])
	if err != nil {
		return sc, err
	}
	none := sc.findings
	sc.findings = func(items []string) []spotcheck.ItemFinding {
		out := none(items)
		out[0] = spotcheck.ItemFinding{Item: items[0], Outcome: spotcheck.FindingProblem, Basis: item.LegalBasis,
			Description: "经营台账记录不全，部分经营活动无法核实，现场责令补正"}
		return out
	}
	sc.results = []string{"R08"}
	return sc, nil
}
