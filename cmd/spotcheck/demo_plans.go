package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// demoPlans builds the demo's year of supervision through the same
// services staff use, each step by the demo user whose job it is:
//
//   - the city bureau's annual plan, checked and published (logged, on the
//     portal), with tasks in every state up to 检查中: a draft, announced
//     ones, a drawn joint task with the fire brigade (sealed), a travel-
//     agency task whose draw is published and whose inspections have
//     started, and a cancelled ad-hoc task;
//   - 鼓楼区's plan, published and so filed with the city; its
//     entertainment task's draw selects some of the joint task's venues,
//     which the platform merges into joint visits that the city accepts;
//     one entity of it is left without a team by the draw and given one
//     by an approved, logged assignment (spec §7);
//   - 鼓楼区's draft plan for next year, which fails the compliance check
//     with its findings on view.
func (m *Main) demoPlans(ctx context.Context, db *store.DB, now time.Time) error {
	as, err := demoStaff(ctx, db, "planner", "glplanner", "supervisor", "approver")
	if err != nil {
		return err
	}
	year := now.Year()
	start := now.Format(spotcheck.DateLayout)
	end := now.AddDate(0, 0, 90)
	if end.Year() != year {
		end = time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	window := func(t *spotcheck.Task) { t.Start, t.End = start, end.Format(spotcheck.DateLayout) }
	code := func(s string) string { return fmt.Sprintf("%d-%s", year, s) }
	credit := []spotcheck.StratumRule{{ID: "A", Rate: "3/100", Min: 1, Reserve: 2}, {ID: "B", Rate: "5/100", Min: 1, Reserve: 2},
		{ID: "C", Rate: "10/100", Min: 1, Reserve: 2}, {ID: "D", Rate: "30/100", Min: 1, Reserve: 1}}
	everyType := []string{"WL-LXS-001", "WL-ZX-001", "WL-JQ-001", "WL-FD-001", "WL-DY-001", "WL-WB-001", "WL-YL-001",
		"WL-YC-001", "WL-YSP-001", "WL-WH-001", "WL-CB-001", "WL-DYY-001"}

	// The city bureau's plan.
	city := &spotcheck.Plan{Dept: "FZWL", Year: year, Name: fmt.Sprintf("福州市文化和旅游局%d年度“双随机、一公开”抽查工作计划", year),
		Office: "市场管理处", KeyItems: []string{"WL-LXS-005", "WL-YL-002", "WL-WB-002"},
		KeyTasks: []string{"旅行社不合理低价游专项整治", "娱乐场所消防安全联合检查（与市消防救援支队）", "网吧接纳未成年人专项检查"},
		Note:     "按照国办发〔2015〕58号、国发〔2019〕5号和省、市“双随机、一公开”监管工作要求制定，全年不少于两轮，对信用风险高和重点检查对象提高抽查比例。"}
	if err := db.Plans().CreatePlan(as("planner"), city); err != nil {
		return fmt.Errorf("演示计划：%w", err)
	}
	cityTasks := []spotcheck.Task{{
		Code: code("FZWL-SJ-001"), Name: "旅行社及A级旅游景区“双随机”抽查（第一批）", Round: 1,
		Items: []string{"WL-LXS-001", "WL-LXS-002", "WL-JQ-001"}, Scope: spotcheck.TaskScope{Types: []string{"T01", "T03"}},
		StrataBy: spotcheck.StrataByCredit, Strata: credit, Team: []spotcheck.TeamSlot{{Unit: "FZWL", Size: 2}},
	}, {
		Code: code("LH-001"), Name: "娱乐场所消防安全部门联合抽查", Round: 1, Partners: []string{"FZXF"},
		Items: []string{"WL-YL-002", "WL-YL-001"}, Scope: spotcheck.TaskScope{Types: []string{"T07", "T08"}},
		StrataBy: spotcheck.StrataByKey,
		// 重点 venues are all checked, so that 鼓楼区's own check of them
		// meets this one at every 重点 venue of 鼓楼区: the joint visits.
		Strata: []spotcheck.StratumRule{{ID: "general", Rate: "5/100", Min: 2, Reserve: 2}, {ID: "key", Rate: "100/100"}},
		Team:   []spotcheck.TeamSlot{{Unit: "FZWL", Size: 2}, {Unit: "FZXF", Size: 1}}, CapSlack: 3,
	}, {
		Code: code("FZWL-ZH-001"), Name: "全市文化和旅游市场“双随机”综合抽查（第一轮）", Round: 1, Items: everyType,
		StrataBy: spotcheck.StrataByCredit, Strata: credit, Team: []spotcheck.TeamSlot{{Unit: "FZWL", Size: 2}}, CapSlack: 2,
	}, {
		Code: code("FZWL-ZH-002"), Name: "全市文化和旅游市场“双随机”综合抽查（第二轮）", Round: 2, Items: everyType,
		StrataBy: spotcheck.StrataByCredit, Strata: credit, Team: []spotcheck.TeamSlot{{Unit: "FZWL", Size: 2}}, CapSlack: 2,
	}}
	for i := range cityTasks {
		window(&cityTasks[i])
	}
	if err := db.Plans().CreatePlanTasks(as("planner"), city.Key(), spotcheck.SliceSource("演示", cityTasks)); err != nil {
		return fmt.Errorf("演示计划 %s 的任务：%w", city.Key(), err)
	}
	if err := publishDemoPlan(as("planner"), db, city.Key()); err != nil {
		return err
	}
	for _, c := range []string{code("FZWL-SJ-001"), code("LH-001"), code("FZWL-ZH-001")} {
		if err := db.Tasks().PublishTask(as("planner"), c); err != nil {
			return fmt.Errorf("演示任务 %s：%w", c, err)
		}
	}
	d, err := runDemoDraw(as, db, code("FZWL-SJ-001"), demoDraw{planner: "planner",
		req: spotcheck.DrawRequest{Officials: []string{"supervisor"}}, secret: "纪检监察室见证-旅行社景区第一批-" + start})
	if err != nil {
		return err
	}
	if err := demoSubstitution(as, db, d.ID); err != nil {
		return err
	}
	if err := db.Draws().LiftEmbargo(as("supervisor"), d.ID, "演示：检查结果已公示"); err != nil {
		return err
	}
	if err := db.Tasks().StartTask(as("planner"), code("FZWL-SJ-001")); err != nil {
		return err
	}
	if _, err := runDemoDraw(as, db, code("LH-001"), demoDraw{planner: "planner",
		req: spotcheck.DrawRequest{Officials: []string{"supervisor"}, Dice: true},
		run: spotcheck.DrawRun{Dice: "31415926535897932384626433832795"}, secret: "纪检监察室见证-娱乐场所联合抽查-" + start}); err != nil {
		return err
	}
	adhoc := &spotcheck.Task{Code: code("FZWL-LS-001"), Name: "游艺娱乐场所投诉举报核查（临时任务）", Authority: "FZWL",
		Source: spotcheck.TaskAdHoc, Items: []string{"WL-YL-005"}, Scope: spotcheck.TaskScope{Types: []string{"T08"}},
		StrataBy: spotcheck.StrataByCredit, Strata: credit}
	window(adhoc)
	if err := db.Tasks().CreateTask(as("planner"), adhoc); err != nil {
		return fmt.Errorf("演示任务 %s：%w", adhoc.Code, err)
	}
	if err := db.Tasks().CancelTask(as("planner"), adhoc.Code, "举报人已撤回举报，经电话核实无需另行抽查"); err != nil {
		return err
	}
	draft := &spotcheck.Task{Code: code("FZWL-LS-002"), Name: "春节前旅游市场秩序检查（临时任务，草拟中）", Authority: "FZWL",
		Source: spotcheck.TaskAdHoc, Items: []string{"WL-LXS-005", "WL-LXS-003"}, Scope: spotcheck.TaskScope{Types: []string{"T01"}},
		StrataBy: spotcheck.StrataByCredit, Strata: credit}
	window(draft)
	if err := db.Tasks().CreateTask(as("planner"), draft); err != nil {
		return fmt.Errorf("演示任务 %s：%w", draft.Code, err)
	}
	return m.demoDistrictPlans(as, db, now, window, code)
}

// demoDistrictPlans builds 鼓楼区's plans (see demoPlans).
func (m *Main) demoDistrictPlans(as func(string) context.Context, db *store.DB, now time.Time,
	window func(*spotcheck.Task), code func(string) string) error {
	year := now.Year()
	gl := &spotcheck.Plan{Dept: "GLWL", Year: year, Name: fmt.Sprintf("鼓楼区文化体育和旅游局%d年度“双随机、一公开”抽查工作计划", year),
		Office: "文化市场科", KeyItems: []string{"WL-YL-003", "WL-WB-002"},
		KeyTasks: []string{"娱乐场所接纳未成年人专项检查", "配合市局开展娱乐场所消防安全联合检查"}}
	if err := db.Plans().CreatePlan(as("glplanner"), gl); err != nil {
		return fmt.Errorf("演示计划：%w", err)
	}
	key := []spotcheck.StratumRule{{ID: "general", Rate: "30/100", Min: 2, Reserve: 1}, {ID: "key", Rate: "100/100"}}
	credit := []spotcheck.StratumRule{{ID: "A", Rate: "3/100", Min: 1}, {ID: "B", Rate: "5/100", Min: 1},
		{ID: "C", Rate: "10/100", Min: 1}, {ID: "D", Rate: "30/100", Min: 1}}
	team := []spotcheck.TeamSlot{{Unit: "GLWL", Size: 2}}
	tasks := []spotcheck.Task{{
		Code: code("GLWL-SJ-001"), Name: "鼓楼区娱乐场所接纳未成年人及营业管理抽查", Round: 1,
		Items: []string{"WL-YL-003", "WL-YL-006"}, Scope: spotcheck.TaskScope{Types: []string{"T07", "T08"}},
		StrataBy: spotcheck.StrataByKey, Strata: key, Team: team, CapSlack: 2,
	}, {
		Code: code("GLWL-ZH-001"), Name: "鼓楼区文化和旅游市场综合抽查（第一轮）", Round: 1, Items: []string{"WL-WB-002", "WL-LXS-003"},
		StrataBy: spotcheck.StrataByCredit, Strata: credit, Team: team,
	}, {
		Code: code("GLWL-ZH-002"), Name: "鼓楼区文化和旅游市场综合抽查（第二轮）", Round: 2, Items: []string{"WL-WB-004", "WL-LXS-006"},
		StrataBy: spotcheck.StrataByCredit, Strata: credit, Team: team,
	}}
	for i := range tasks {
		window(&tasks[i])
	}
	if err := db.Plans().CreatePlanTasks(as("glplanner"), gl.Key(), spotcheck.SliceSource("演示", tasks)); err != nil {
		return fmt.Errorf("演示计划 %s 的任务：%w", gl.Key(), err)
	}
	if err := publishDemoPlan(as("glplanner"), db, gl.Key()); err != nil {
		return err
	}
	for _, c := range []string{code("GLWL-SJ-001"), code("GLWL-ZH-001")} {
		if err := db.Tasks().PublishTask(as("glplanner"), c); err != nil {
			return fmt.Errorf("演示任务 %s：%w", c, err)
		}
	}
	if _, err := runDemoDraw(as, db, code("GLWL-SJ-001"), demoDraw{planner: "glplanner",
		req: spotcheck.DrawRequest{Officials: []string{"supervisor"}}, secret: "鼓楼区纪检组见证-娱乐场所抽查-" + now.Format(spotcheck.DateLayout)}); err != nil {
		return err
	}
	if err := demoNightCheck(as, db, now, window, code); err != nil {
		return err
	}
	if err := demoAcceptVisits(as, db, now); err != nil {
		return err
	}

	// Next year's plan, being drafted: it fails the check twice. Its
	// first round draws class D below the others (risk-ratio), and its
	// second round leaves out the types with one or two entities, which
	// then get a single round (rounds).
	next := &spotcheck.Plan{Dept: "GLWL", Year: year + 1, Name: fmt.Sprintf("鼓楼区文化体育和旅游局%d年度“双随机、一公开”抽查工作计划（草案）", year+1),
		Office: "文化市场科", KeyTasks: []string{"网吧接纳未成年人专项检查"}}
	if err := db.Plans().CreatePlan(as("glplanner"), next); err != nil {
		return fmt.Errorf("演示计划：%w", err)
	}
	low := []spotcheck.StratumRule{{ID: "A", Rate: "5/100", Min: 1}, {ID: "B", Rate: "5/100", Min: 1},
		{ID: "C", Rate: "5/100", Min: 1}, {ID: "D", Rate: "3/100", Min: 1}}
	busy := []string{"T01", "T02", "T03", "T04", "T05", "T06", "T07", "T08", "T09", "T10", "T11", "T13", "T14"}
	drafts := []spotcheck.Task{{
		Code: fmt.Sprintf("%d-GLWL-ZH-001", year+1), Name: "鼓楼区文化和旅游市场综合抽查（第一轮）", Round: 1,
		Items: []string{"WL-WB-002", "WL-LXS-003"}, StrataBy: spotcheck.StrataByCredit, Strata: low, Team: team,
		Start: fmt.Sprintf("%d-03-02", year+1), End: fmt.Sprintf("%d-04-30", year+1),
	}, {
		Code: fmt.Sprintf("%d-GLWL-ZH-002", year+1), Name: "鼓楼区文化和旅游市场综合抽查（第二轮）", Round: 2,
		Items: []string{"WL-WB-004", "WL-LXS-006"}, Scope: spotcheck.TaskScope{Types: busy},
		StrataBy: spotcheck.StrataByCredit, Strata: credit, Team: team,
		Start: fmt.Sprintf("%d-09-01", year+1), End: fmt.Sprintf("%d-10-30", year+1),
	}}
	return db.Plans().CreatePlanTasks(as("glplanner"), next.Key(), spotcheck.SliceSource("演示", drafts))
}

// publishDemoPlan publishes a plan, which must pass its check: a finding
// here is a bug of the demo, reported whole.
func publishDemoPlan(ctx context.Context, db *store.DB, key string) error {
	fs, err := db.Plans().PublishPlan(ctx, key, 0)
	if err != nil {
		for _, f := range fs {
			err = fmt.Errorf("%w\n%s\t%s\t%s", err, f.Rule, f.Where, f.Message)
		}
		return fmt.Errorf("演示计划 %s：%w", key, err)
	}
	return nil
}

// demoNightCheck is 鼓楼区's ad-hoc night check of entertainment venues,
// the one draw of the demo that leaves an entity without a team, on
// purpose: each visit takes one of 鼓楼区's lead-qualified inspectors and
// one of the city brigade's, and 26 venues (the strata's maxima) are more
// than 鼓楼区's five leads can take at the per-inspector cap of spec §6,
// ceil(26 / 6) = 5 each. The planner sees the shortfall on the task page
// before the draw; after it, the unassigned venue gets its team by an
// approved, logged assignment (spec §7).
func demoNightCheck(as func(string) context.Context, db *store.DB, now time.Time,
	window func(*spotcheck.Task), code func(string) string) error {
	tk := &spotcheck.Task{Code: code("GLWL-LS-001"), Name: "鼓楼区歌舞娱乐场所夜间专项检查（临时任务）", Authority: "GLWL",
		Source: spotcheck.TaskAdHoc, Partners: []string{"FZWL"}, Joint: spotcheck.TaskJointInternal,
		Items: []string{"WL-YL-004", "WL-YL-005"}, Scope: spotcheck.TaskScope{Types: []string{"T07", "T08"}},
		StrataBy: spotcheck.StrataByKey, Strata: []spotcheck.StratumRule{
			{ID: "general", Rate: "50/100", Min: 2, Max: 20, Reserve: 1}, {ID: "key", Rate: "100/100", Max: 6}},
		Team: []spotcheck.TeamSlot{{Unit: "GLWL", Size: 1}, {Unit: "FZWL", Size: 1}}}
	window(tk)
	if err := db.Tasks().CreateTask(as("glplanner"), tk); err != nil {
		return fmt.Errorf("演示任务 %s：%w", tk.Code, err)
	}
	if err := db.Tasks().PublishTask(as("glplanner"), tk.Code); err != nil {
		return err
	}
	d, err := runDemoDraw(as, db, tk.Code, demoDraw{planner: "glplanner",
		req: spotcheck.DrawRequest{Officials: []string{"supervisor"}}, secret: "鼓楼区纪检组见证-夜间专项检查-" + now.Format(spotcheck.DateLayout)})
	if err != nil {
		return err
	}
	return demoAssignUnassigned(as, db, d.ID)
}

// demoAssignUnassigned gives every entity that the draw left without a
// team (spec §6) one by hand: the first lead-qualified member of each
// unit's roster without a conflict with it, requested by the planner,
// approved by a second official and logged (spec §7).
func demoAssignUnassigned(as func(string) context.Context, db *store.DB, id int64) error {
	files, err := db.Draws().FindDrawFiles(as("glplanner"), id)
	if err != nil {
		return err
	}
	picks, err := db.Draws().FindDrawPicks(as("glplanner"), id)
	if err != nil {
		return err
	}
	n := 0
	for _, p := range picks {
		if p.Reserve || p.Inspectors != nil {
			continue
		}
		team, err := demoTeam(files, p.Entity, []string{"GLWL", "FZWL"})
		if err != nil {
			return err
		}
		c := &spotcheck.DrawChange{DrawID: id, Kind: spotcheck.ChangeAssign, Entity: p.Entity, Reason: "no-team",
			Inspectors: team, Note: "演示：主检人员已达工作量上限，经审核从人员库指派"}
		if err := db.Draws().RequestDrawChange(as("glplanner"), c); err != nil {
			return fmt.Errorf("演示指派：%w", err)
		}
		if err := db.Draws().DecideDrawChange(as("approver"), c.ID, true, "演示：同意指派"); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("演示抽取 %d 没有未分配检查组的对象", id)
	}
	return nil
}

// demoTeam picks, for each unit in order, the first roster member (a
// lead-qualified one for the first) without a conflict with entity.
func demoTeam(f *spotcheck.DrawFiles, entity string, units []string) ([]string, error) {
	conflicted := map[string]bool{}
	for _, line := range strings.Split(string(f.Conflicts), "\n") {
		if cols := strings.Split(line, "\t"); len(cols) >= 2 && cols[1] == entity {
			conflicted[cols[0]] = true
		}
	}
	var team []string
	for i, u := range units {
		for _, line := range strings.Split(string(f.Roster), "\n") {
			cols := strings.Split(line, "\t")
			if len(cols) == 3 && cols[1] == u && !conflicted[cols[0]] && (i > 0 || strings.Contains(cols[2], "L")) {
				team = append(team, cols[0])
				break
			}
		}
		if len(team) != i+1 {
			return nil, fmt.Errorf("演示指派：%s 没有可指派的人员", u)
		}
	}
	return team, nil
}

// demoAcceptVisits has the lead department's planner accept every
// proposed joint visit but the first, which stays proposed for the demo's
// users to decide; each is set a week from now.
func demoAcceptVisits(as func(string) context.Context, db *store.DB, now time.Time) error {
	vs, err := db.Visits().FindVisits(as("planner"), spotcheck.VisitFilter{State: spotcheck.VisitProposed})
	if err != nil {
		return err
	}
	if len(vs) < 2 {
		return fmt.Errorf("演示：联合检查建议只有 %d 条", len(vs))
	}
	planner := map[string]string{"FZWL": "planner", "GLWL": "glplanner"}
	date := now.AddDate(0, 0, 7).Format(spotcheck.DateLayout)
	for _, v := range vs[1:] {
		if err := db.Visits().AcceptVisit(as(planner[v.Lead]), v.ID, spotcheck.VisitDecision{Date: date,
			Note: "演示：牵头部门确认合并，各部门一次进门、分别审核本部门事项"}); err != nil {
			return fmt.Errorf("演示联合检查 %d：%w", v.ID, err)
		}
	}
	return nil
}
