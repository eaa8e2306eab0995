package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/ledger"
	"spotcheck/store"
)

// planWorld is the demo world with a planner of 鼓楼区 and one of 闽侯,
// as principals of their own departments.
func planWorld(t *testing.T, db *store.DB) (as func(string) context.Context, district func(dept string) context.Context) {
	t.Helper()
	as = drawWorld(t, db)
	depts, err := db.Departments().FindDepartments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	district = func(dept string) context.Context {
		return spotcheck.NewContextWithPrincipal(ctx, spotcheck.NewPrincipal(spotcheck.User{Username: "pl-" + dept,
			Roles: []string{spotcheck.RolePlanner}, Dept: dept}, depts))
	}
	return as, district
}

// planTask is a task of 鼓楼区's plan over all its entities in a round.
func planTask(code string, round int) spotcheck.Task {
	return spotcheck.Task{Code: code, Name: "鼓楼区年度抽查第" + string(rune('0'+round)) + "轮", Round: round,
		Items: []string{"WL-LXS-001"}, StrataBy: spotcheck.StrataByCredit,
		Strata: []spotcheck.StratumRule{{ID: "A", Rate: "20/100"}, {ID: "B", Rate: "20/100"}, {ID: "C", Rate: "30/100"},
			{ID: "D", Rate: "50/100"}},
		Team: []spotcheck.TeamSlot{{Unit: "GLWL", Size: 2}}, CapSlack: 100,
		Start: "2026-04-01", End: "2026-06-30"}
}

func rulesOf(fs []spotcheck.Finding) []string {
	var out []string
	for _, f := range fs {
		if !slices.Contains(out, f.Rule) {
			out = append(out, f.Rule)
		}
	}
	return out
}

func TestPlanLifecycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		_, district := planWorld(t, db)
		gl := district("GLWL")
		plans := db.Plans()
		p := &spotcheck.Plan{Dept: "GLWL", Year: 2026, Name: "鼓楼区2026年度双随机抽查计划", Office: "文化市场管理科",
			KeyItems: []string{"WL-LXS-001"}, KeyTasks: []string{"旅行社经营行为专项检查"}}
		if err := plans.CreatePlan(gl, p); err != nil {
			t.Fatal(err)
		}
		if err := plans.CreatePlan(gl, &spotcheck.Plan{Dept: "GLWL", Year: 2026, Name: "x", Office: "y"}); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("second plan for the year: %v, want ECONFLICT", err)
		}
		// Another district neither sees nor edits the draft; the city sees it.
		other := district("CSWL")
		if _, err := plans.FindPlanByKey(other, "GLWL-2026"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("another district's draft: %v, want ENOTFOUND", err)
		}
		if _, err := plans.FindPlanByKey(district("FZWL"), "GLWL-2026"); err != nil {
			t.Fatalf("the city does not see the district's draft: %v", err)
		}

		// Without tasks every type × division of the district is short.
		fs, err := plans.CheckPlan(gl, "GLWL-2026", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rulesOf(fs), []string{spotcheck.RuleCoverage, spotcheck.RuleRounds}) {
			t.Fatalf("findings of an empty plan: %+v", fs)
		}

		// An import with a bad row creates nothing.
		bad := planTask("2026-GLWL-JH-002", 2)
		bad.Start, bad.End = "2027-01-01", "2027-03-31"
		err = plans.CreatePlanTasks(gl, "GLWL-2026", spotcheck.SliceSource("tasks", []spotcheck.Task{planTask("2026-GLWL-JH-001", 1), bad}))
		if ie := importErr(t, err); ie.Problems[0].Row != 3 {
			t.Fatalf("import problems %+v, want row 3", ie.Problems)
		}
		if ts, _ := plans.FindPlanTasks(gl, "GLWL-2026"); len(ts) != 0 {
			t.Fatalf("a refused import left %d tasks", len(ts))
		}

		// One round only: refused with the finding, nothing published or logged.
		if err := plans.CreatePlanTasks(gl, "GLWL-2026", spotcheck.SliceSource("tasks", []spotcheck.Task{planTask("2026-GLWL-JH-001", 1)})); err != nil {
			t.Fatal(err)
		}
		entries := len(allEntries(t, db))
		fs, err = plans.PublishPlan(gl, "GLWL-2026", 0)
		if spotcheck.ErrorCode(err) != spotcheck.EINVALID || !slices.Equal(rulesOf(fs), []string{spotcheck.RuleRounds}) {
			t.Fatalf("publish with one round: %v %+v", err, fs)
		}
		if got, _ := plans.FindPlanByKey(gl, "GLWL-2026"); got.State != spotcheck.PlanDraft || len(allEntries(t, db)) != entries {
			t.Fatalf("a refused publication changed the plan (%s) or the log", got.State)
		}

		// The second round fixes it.
		if err := plans.CreatePlanTasks(gl, "GLWL-2026", spotcheck.SliceSource("tasks", []spotcheck.Task{planTask("2026-GLWL-JH-002", 2)})); err != nil {
			t.Fatal(err)
		}
		if fs, err := plans.PublishPlan(gl, "GLWL-2026", 0); err != nil {
			t.Fatalf("publish: %v %+v", err, fs)
		}
		got, err := plans.FindPlanByKey(spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public()), "GLWL-2026")
		if err != nil || got.State != spotcheck.PlanPublished || got.FiledWith != "FZWL" || got.LogIndex < 0 {
			t.Fatalf("published plan %+v: %v", got, err)
		}
		var logged int
		var planEntry ledger.Entry
		for _, e := range allEntries(t, db) {
			pe, err := ledger.ParseEntry(e)
			if err != nil {
				t.Fatal(err)
			}
			if pe.Type == "annual_plan" {
				logged++
				planEntry = pe
				if err := draw.CheckCanonical(pe.Body); err != nil {
					t.Errorf("plan record %s: %v", pe.Body, err)
				}
			}
		}
		if logged != 1 {
			t.Fatalf("%d plan entries in the log, want 1", logged)
		}
		// The public JSON is the document the log holds the digest of.
		doc, err := plans.FindPlanDocument(spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public()), "GLWL-2026")
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(doc)
		if !bytes.Contains(planEntry.Body, []byte(`"sha256":"`+hex.EncodeToString(sum[:])+`"`)) {
			t.Fatalf("the document's digest is not the log's:\n%s\n%s", doc, planEntry.Body)
		}

		filed, err := plans.FindPlans(district("FZWL"), spotcheck.PlanFilter{FiledWith: "FZWL"})
		if err != nil || filed.Total != 1 || filed.Items[0].Key() != "GLWL-2026" {
			t.Fatalf("plans filed with the city: %+v %v", filed, err)
		}

		// A published plan is changed only by a revision.
		got.Note = "改"
		if err := plans.UpdatePlan(gl, got); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("edit of a published plan: %v, want ECONFLICT", err)
		}
		if err := plans.CreatePlanTasks(gl, "GLWL-2026", spotcheck.SliceSource("tasks", []spotcheck.Task{planTask("2026-GLWL-JH-003", 3)})); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("task added to a published plan: %v, want ECONFLICT", err)
		}
		if _, err := plans.RevisePlan(gl, "GLWL-2026", " "); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Fatalf("revision without a reason: %v, want EINVALID", err)
		}
		rev, err := plans.RevisePlan(gl, "GLWL-2026", "增加第三轮抽查")
		if err != nil || rev.Revision != 2 || rev.State != spotcheck.PlanDraft {
			t.Fatalf("revise: %+v %v", rev, err)
		}
		if _, err := plans.RevisePlan(gl, "GLWL-2026", "再改"); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("second open revision: %v, want ECONFLICT", err)
		}
		pub := spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
		if revs, err := plans.FindPlanRevisions(pub, "GLWL-2026"); err != nil || len(revs) != 1 || revs[0].Revision != 1 {
			t.Fatalf("the public sees revisions %+v (%v), want the published one", revs, err)
		}
		if cur, _ := plans.FindPlanByKey(gl, "GLWL-2026"); cur.Revision != 1 {
			t.Fatalf("the plan in force is revision %d while the revision is a draft", cur.Revision)
		}
		if _, err := plans.PublishPlan(gl, "GLWL-2026", 2); err != nil {
			t.Fatal(err)
		}
		revs, err := plans.FindPlanRevisions(gl, "GLWL-2026")
		if err != nil || len(revs) != 2 || revs[0].State != spotcheck.PlanPublished || revs[1].State != spotcheck.PlanSuperseded {
			t.Fatalf("revisions after the second publication: %+v %v", revs, err)
		}
		// The published document stays as it was published when a task
		// of the plan is cancelled later.
		doc, err = plans.FindPlanDocument(gl, "GLWL-2026")
		if err != nil || !bytes.Contains(doc, []byte(`"2026-GLWL-JH-002"`)) {
			t.Fatalf("revision 2's document (%v):\n%s", err, doc)
		}
		if err := db.Tasks().CancelTask(gl, "2026-GLWL-JH-002", "第二轮并入市局综合抽查"); err != nil {
			t.Fatal(err)
		}
		if again, err := plans.FindPlanDocument(gl, "GLWL-2026"); err != nil || !bytes.Equal(again, doc) {
			t.Fatalf("the published document changed after a task was cancelled (%v):\n%s", err, again)
		}
	})
}

func TestPlanPublishRefusals(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, district := planWorld(t, db)
		plans := db.Plans()
		p := &spotcheck.Plan{Dept: "GLWL", Year: 2026, Name: "鼓楼区2026年度计划", Office: "文化市场管理科"}
		if err := plans.CreatePlan(as("inspector"), p); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Fatalf("an inspector creates a plan: %v, want EFORBIDDEN", err)
		}
		if err := plans.CreatePlan(district("CSWL"), p); spotcheck.ErrorCode(err) == "" {
			t.Fatal("another district created 鼓楼区's plan")
		}
		if err := plans.CreatePlan(district("GLWL"), &spotcheck.Plan{Dept: "GLWL", Year: 2026}); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Fatalf("a plan without name and office: %v, want EINVALID", err)
		}
		if err := plans.CreatePlan(district("GLWL"), p); err != nil {
			t.Fatal(err)
		}
		if _, err := plans.PublishPlan(district("CSWL"), "GLWL-2026", 0); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("another district publishes: %v, want ENOTFOUND", err)
		}
		// A task whose team is larger than the district's roster.
		tk := planTask("2026-GLWL-JH-001", 1)
		tk.Team = []spotcheck.TeamSlot{{Unit: "GLWL", Size: 10}}
		if err := plans.CreatePlanTasks(district("GLWL"), "GLWL-2026", spotcheck.SliceSource("tasks", []spotcheck.Task{tk})); err != nil {
			t.Fatal(err)
		}
		fs, err := plans.CheckPlan(district("GLWL"), "GLWL-2026", 0)
		if err != nil {
			t.Fatal(err)
		}
		var staffing *spotcheck.Finding
		for i := range fs {
			if fs[i].Rule == spotcheck.RuleInspectors {
				staffing = &fs[i]
			}
		}
		if staffing == nil || staffing.Where != "2026-GLWL-JH-001" {
			t.Fatalf("no inspectors finding for a team larger than the roster: %+v", fs)
		}
		// The task page's estimate says the same.
		st, err := plans.FindTaskStaffing(district("GLWL"), "2026-GLWL-JH-001")
		if err != nil || st.Visits == 0 || st.Short != st.Visits || st.Units[0].Pool >= 10 {
			t.Fatalf("staffing %+v, %v; want every visit short", st, err)
		}
		if _, err := plans.FindTaskStaffing(district("CSWL"), "2026-GLWL-JH-001"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("another district's staffing: %v, want ENOTFOUND", err)
		}
	})
}

// TestPlanClassRatiosSetting: the local ratios by credit class are a
// setting with its source; a task outside them is a risk-ratio finding
// that names the source, and without the setting only the order counts.
func TestPlanClassRatiosSetting(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		_, district := planWorld(t, db)
		gl := district("GLWL")
		plans := db.Plans()
		if err := plans.CreatePlan(gl, &spotcheck.Plan{Dept: "GLWL", Year: 2026, Name: "计划", Office: "科"}); err != nil {
			t.Fatal(err)
		}
		tasks := []spotcheck.Task{planTask("2026-GLWL-JH-001", 1), planTask("2026-GLWL-JH-002", 2)}
		if err := plans.CreatePlanTasks(gl, "GLWL-2026", spotcheck.SliceSource("tasks", tasks)); err != nil {
			t.Fatal(err)
		}
		if fs, err := plans.CheckPlan(gl, "GLWL-2026", 0); err != nil || len(fs) != 0 {
			t.Fatalf("without local ratios: %+v %v", fs, err)
		}
		if err := db.SetSetting(ctx, "plan_class_ratios", `{"Source":"大庆市文广旅局〔2024〕","Bands":[{"Class":"A","Max":"5%"},{"Class":"D","Min":"61%"}]}`); err != nil {
			t.Fatal(err)
		}
		fs, err := plans.CheckPlan(gl, "GLWL-2026", 0)
		if err != nil {
			t.Fatal(err)
		}
		var where []string
		for _, f := range fs {
			if f.Rule != spotcheck.RuleRiskRatio || !strings.Contains(f.Message, "大庆市文广旅局〔2024〕") {
				t.Errorf("finding %+v", f)
			}
			where = append(where, f.Where)
		}
		// A at 20/100 above 5 %, D at 50/100 below 61 %, in both tasks.
		if !slices.Equal(where, []string{"2026-GLWL-JH-001/A", "2026-GLWL-JH-001/D", "2026-GLWL-JH-002/A", "2026-GLWL-JH-002/D"}) {
			t.Fatalf("findings at %v", where)
		}
	})
}

// TestCreateTaskOfPlan: a task created on its own that names a plan is
// held to the plan: a draft takes it, a published plan refuses it until a
// revision is opened, an unknown plan is a field problem.
func TestCreateTaskOfPlan(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		_, district := planWorld(t, db)
		gl := district("GLWL")
		plans := db.Plans()
		if err := plans.CreatePlan(gl, &spotcheck.Plan{Dept: "GLWL", Year: 2026, Name: "计划", Office: "科"}); err != nil {
			t.Fatal(err)
		}
		task := func(code string, round int, plan string) *spotcheck.Task {
			tk := planTask(code, round)
			tk.Authority, tk.Plan, tk.Source = "GLWL", plan, spotcheck.TaskFromPlan
			return &tk
		}
		if err := db.Tasks().CreateTask(gl, task("2026-GLWL-JH-009", 1, "GLWL-2025")); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Fatalf("a task of an unknown plan: %v, want EINVALID", err)
		}
		for i, code := range []string{"2026-GLWL-JH-001", "2026-GLWL-JH-002"} {
			if err := db.Tasks().CreateTask(gl, task(code, i+1, "GLWL-2026")); err != nil {
				t.Fatal(err)
			}
		}
		if ts, err := plans.FindPlanTasks(gl, "GLWL-2026"); err != nil || len(ts) != 2 {
			t.Fatalf("the plan's tasks: %d, %v", len(ts), err)
		}
		if _, err := plans.PublishPlan(gl, "GLWL-2026", 0); err != nil {
			t.Fatal(err)
		}
		if err := db.Tasks().CreateTask(gl, task("2026-GLWL-JH-003", 3, "GLWL-2026")); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("a task added to a published plan: %v, want ECONFLICT", err)
		}
		if _, err := plans.RevisePlan(gl, "GLWL-2026", "增加第三轮"); err != nil {
			t.Fatal(err)
		}
		if err := db.Tasks().CreateTask(gl, task("2026-GLWL-JH-003", 3, "GLWL-2026")); err != nil {
			t.Fatalf("a task added to the open revision: %v", err)
		}
	})
}
