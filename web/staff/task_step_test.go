package staff_test

import (
	"net/url"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/internal/webtest"
)

// TestTaskWorkflowPages: a task made on the form is a draft, which the
// page offers to edit and publish but not to draw; published, it offers
// the draw and the cancellation; each button posts the state the page
// showed, and a refused step says why and changes nothing.
func TestTaskWorkflowPages(t *testing.T) {
	a := webtest.New(t)
	const code = "2026-FZ-TASK-1"
	form := url.Values{"code": {code}, "name": {"演出市场抽查"}, "authority": {"FZWL"}, "strata_by": {"key"},
		"rate.key": {"10/100"}, "min.key": {"1"}, "rate.general": {"5/100"}, "items": {a.Draws.Item},
		"target." + a.Draws.Item: {"12"}, "team_unit": {"FZWL"}, "team_size": {"2"}, "start": {"2026-12-01"},
		"end": {"2026-12-30"}, "annual_cap": {"2"}, "cap_slack": {"0"}, "eligible_status": {spotcheck.StatusOperating},
		"source": {spotcheck.TaskFromPlan}, "plan": {"FZWL-2026"}, "round": {"2"}, "kind": {spotcheck.TaskDirected},
		"mode": {spotcheck.ModeSameLevel}, "experts": {"1"}, "expected": {"40"}}
	if err := a.DB.Plans().CreatePlan(a.As(t, "planner"), &spotcheck.Plan{Dept: "FZWL", Year: 2026, Name: "2026年度计划", Office: "市场管理处"}); err != nil {
		t.Fatal(err)
	}
	rec, body := a.Page(t, "planner", "POST", "/staff/tasks", form)
	if rec.Code != 303 {
		t.Fatalf("create: %d\n%s", rec.Code, body)
	}
	page := "/staff/tasks/" + code
	item, err := a.DB.Items().FindItemByCode(webtest.System(), a.Draws.Item)
	if err != nil {
		t.Fatal(err)
	}
	_, body = a.Page(t, "planner", "GET", page, nil)
	for _, want := range []string{">草稿</span>", "编辑草稿", `action="` + page + `/publish"`, "年度计划（FZWL-2026），计入第 2 轮",
		"定向抽查", "本级抽取、本级检查", `<span title="` + item.Code + `">` + item.Name + "</span>：12 户", "1 名（从专家名录库选派）"} {
		if !strings.Contains(body, want) {
			t.Errorf("the draft's page lacks %q", want)
		}
	}
	if strings.Contains(body, "发起随机抽取</a>") {
		t.Error("the draft's page offers a draw")
	}
	// The approver sees no step of the planner's.
	if _, body := a.Page(t, "approver", "GET", page, nil); strings.Contains(body, "/publish\"") {
		t.Error("the approver is offered to publish")
	}
	// The draft is edited on its form.
	rec, body = a.Page(t, "planner", "GET", page+"/edit", nil)
	if rec.Code != 200 || !strings.Contains(body, `value="FZWL-2026"`) || !strings.Contains(body, `action="`+page+`"`) {
		t.Fatalf("edit form: %d", rec.Code)
	}
	form.Set("name", "演出市场专项抽查")
	if rec, body := a.Page(t, "planner", "POST", page, form); rec.Code != 303 {
		t.Fatalf("save the draft: %d\n%s", rec.Code, body)
	}
	// A step posted from an out-of-date page changes nothing.
	rec, body = a.Page(t, "planner", "POST", page+"/publish", url.Values{"from": {spotcheck.TaskPublished}})
	if rec.Code != 409 || !strings.Contains(body, "页面已过期") {
		t.Errorf("a stale publish: %d", rec.Code)
	}
	rec, _ = a.Page(t, "planner", "POST", page+"/publish", url.Values{"from": {spotcheck.TaskDraft}})
	if rec.Code != 303 || rec.Header().Get("Location") != page+"?ok=task-publish" {
		t.Fatalf("publish: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	_, body = a.Page(t, "planner", "GET", page, nil)
	for _, want := range []string{">已发布</span>", "发起随机抽取</a>", "撤销任务", "日志第"} {
		if !strings.Contains(body, want) {
			t.Errorf("the published task's page lacks %q", want)
		}
	}
	if strings.Contains(body, "编辑草稿") {
		t.Error("a published task is offered for editing")
	}
	// Edited in place now: refused, saying why.
	rec, body = a.Page(t, "planner", "POST", page, form)
	if rec.Code != 409 || !strings.Contains(body, "不能直接修改") {
		t.Errorf("edit of a published task: %d\n%s", rec.Code, body)
	}
	if rec, body := a.Page(t, "planner", "GET", page+"/edit", nil); rec.Code != 200 || !strings.Contains(body, "不能直接修改") ||
		strings.Contains(body, `id="taskform"`) {
		t.Errorf("edit form of a published task: %d", rec.Code)
	}
	// Cancelled without a reason: refused; with one: 已撤销 and the reason.
	rec, body = a.Page(t, "planner", "POST", page+"/cancel", url.Values{"from": {spotcheck.TaskPublished}})
	if rec.Code != 400 || !strings.Contains(body, "须说明理由") {
		t.Errorf("cancel without a reason: %d", rec.Code)
	}
	rec, _ = a.Page(t, "planner", "POST", page+"/cancel", url.Values{"from": {spotcheck.TaskPublished}, "reason": {"上级通知调整"}})
	if rec.Code != 303 {
		t.Fatalf("cancel: %d", rec.Code)
	}
	_, body = a.Page(t, "planner", "GET", page, nil)
	if !strings.Contains(body, ">已撤销</span>") || !strings.Contains(body, "撤销理由：上级通知调整") || strings.Contains(body, "发起随机抽取</a>") {
		t.Errorf("the cancelled task's page:\n%s", body)
	}
	// The list filters by state.
	_, body = a.Page(t, "planner", "GET", "/staff/tasks?state=cancelled", nil)
	if !strings.Contains(body, code) {
		t.Error("the cancelled task is not listed as cancelled")
	}
	if _, body = a.Page(t, "planner", "GET", "/staff/tasks?state=draft", nil); strings.Contains(body, code) {
		t.Error("the cancelled task is listed as a draft")
	}
}

// TestTaskHandoverPage: the page of a 市抽县查 task lists the 指派 of its
// draw by the bureaus' names.
func TestTaskHandoverPage(t *testing.T) {
	a := webtest.New(t)
	planner, sup := a.As(t, "planner"), a.As(t, "supervisor")
	const code = "2026-FZ-SCXC-1"
	tk := &spotcheck.Task{Code: code, Name: "市抽县查任务", Authority: "FZWL", Items: []string{a.Draws.Item},
		Mode: spotcheck.ModeCityDrawsDistrict, StrataBy: spotcheck.StrataByKey,
		Strata: []spotcheck.StratumRule{{ID: "key", Rate: "50/100", Min: 1}, {ID: "general", Rate: "20/100", Min: 1}},
		Start:  "2026-12-01", End: "2026-12-30"}
	if err := a.DB.Tasks().CreateTask(planner, tk); err != nil {
		t.Fatal(err)
	}
	_, body := a.Page(t, "planner", "GET", "/staff/tasks/"+code, nil)
	if !strings.Contains(body, "市抽县查：指派") || !strings.Contains(body, "抽取完成后自动指派") {
		t.Fatal("the draft's page has no handover section")
	}
	if err := a.DB.Tasks().PublishTask(planner, code); err != nil {
		t.Fatal(err)
	}
	d, err := a.DB.Draws().PlanDraw(planner, code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Draws().CommitDraw(sup, d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", webtest.Secret)); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Draws().RevealDraw(sup, d.ID, "supervisor", webtest.Secret); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Draws().RunDraw(planner, d.ID, spotcheck.DrawRun{}); err != nil {
		t.Fatal(err)
	}
	hs, err := a.DB.Tasks().FindTaskHandovers(planner, code)
	if err != nil || len(hs) == 0 {
		t.Fatalf("handovers: %v, %v", hs, err)
	}
	_, body = a.Page(t, "planner", "GET", "/staff/tasks/"+code, nil)
	rows := webtest.TableOf(t, body, "handovers").Column(t, "检查对象")
	if len(rows) != len(hs) || !strings.Contains(body, "文化和旅游局") {
		t.Errorf("the page lists %d handovers, the store %d", len(rows), len(hs))
	}
}

// TestTaskPageForeseesStaffing: before the draw the task page shows the
// expected staffing, and a team the pool cannot fill is flagged — here
// one inspector of 鼓楼区 leads each visit, and its five leads at the
// per-inspector cap of spec §6 cannot head every visit.
func TestTaskPageForeseesStaffing(t *testing.T) {
	a := webtest.New(t)
	tk := &spotcheck.Task{Code: "2026-GL-STAFF-1", Name: "鼓楼区人员配置测试", Authority: "GLWL", Items: []string{a.Draws.Item},
		StrataBy: spotcheck.StrataByKey, Strata: []spotcheck.StratumRule{{ID: "general", Rate: "100/100"}, {ID: "key", Rate: "100/100"}},
		Partners: []string{"FZWL"}, Team: []spotcheck.TeamSlot{{Unit: "GLWL", Size: 1}, {Unit: "FZWL", Size: 1}},
		Start: "2026-12-01", End: "2026-12-30"}
	if err := a.DB.Tasks().CreateTask(a.As(t, "glplanner"), tk); err != nil {
		t.Fatal(err)
	}
	_, body := a.Page(t, "glplanner", "GET", "/staff/tasks/"+tk.Code, nil)
	if !strings.Contains(body, "预计人员配置（抽取前）") || !strings.Contains(body, "将“未分配”检查组") {
		t.Fatalf("the task page does not foresee the shortfall:\n%s", body)
	}
}
