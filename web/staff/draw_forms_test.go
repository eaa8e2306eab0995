package staff_test

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/internal/webtest"
)

// namesInForm returns the names of the fields of the form posting to action.
func namesInForm(body, action string) []string {
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		return nil
	}
	form := body[i:]
	form = form[:strings.Index(form, "</form>")]
	var out []string
	for _, m := range regexp.MustCompile(`\sname="([^"]+)"`).FindAllStringSubmatch(form, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestCommitPostsOnlyCommitment: the commit form has one named field, the
// commitment (the secret fields have no name, so nothing of them is ever
// posted), with what draw.js needs and the command-line way; the server
// refuses a form carrying a secret without passing it on.
func TestCommitPostsOnlyCommitment(t *testing.T) {
	a := webtest.New(t)
	d := a.Draws.Committing
	p := d.Path()
	_, body := a.Page(t, "supervisor", "GET", p, nil)
	if names := namesInForm(body, p+"/commit"); !slices.Equal(names, []string{"commitment"}) {
		t.Errorf("commit form posts %v, want only commitment", names)
	}
	for _, want := range []string{`data-commit-form data-plan="` + d.PlanHash + `" data-participant="supervisor"`,
		"spotcheck draw commit --plan " + d.PlanHash + " --participant supervisor", "data-nocrypto", "data-secret"} {
		if !strings.Contains(body, want) {
			t.Errorf("commit page lacks %q", want)
		}
	}
	secret := "纪检监察室见证-测试秘密值-二〇二六年三月"
	c := draw.Commitment(d.PlanHash, "supervisor", secret)
	rec, body := a.Page(t, "supervisor", "POST", p+"/commit", url.Values{"commitment": {c}, "secret": {secret}})
	if rec.Code != 400 || strings.Contains(body, secret) || a.Commit(t, d.ID, "supervisor").Commitment != "" {
		t.Errorf("a commit with a secret: %d, stored %q", rec.Code, a.Commit(t, d.ID, "supervisor").Commitment)
	}
	rec, body = a.Page(t, "supervisor", "POST", p+"/commit", url.Values{"commitment": {""}})
	if rec.Code != 400 || !strings.Contains(body, "请填写承诺值") {
		t.Errorf("an empty commitment: %d", rec.Code)
	}
	rec, _ = a.Page(t, "supervisor", "POST", p+"/commit", url.Values{"commitment": {c}})
	if rec.Code != 303 || rec.Header().Get("Location") != p+"?ok=committed" {
		t.Errorf("commit: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if got := a.Commit(t, d.ID, "supervisor").Commitment; got != c {
		t.Errorf("stored commitment %q, want %q", got, c)
	}
	// Now the draw waits for the reveal, which posts the secret.
	_, body = a.Page(t, "supervisor", "GET", p, nil)
	if names := namesInForm(body, p+"/reveal"); !slices.Equal(names, []string{"secret"}) {
		t.Errorf("reveal form posts %v", names)
	}
	if !strings.Contains(body, `data-commitment="`+c+`"`) {
		t.Errorf("the reveal form lacks the commitment draw.js checks against")
	}
	// Others may not commit; a planner is refused by the route.
	if rec, _ := a.Page(t, "planner", "POST", p+"/commit", url.Values{"commitment": {c}}); rec.Code != 403 {
		t.Errorf("planner commits: %d", rec.Code)
	}
}

// TestTaskFormErrors: a malformed task form comes back with the problems
// beside their fields and everything as typed.
func TestTaskFormErrors(t *testing.T) {
	a := webtest.New(t)
	form := url.Values{"code": {"x"}, "name": {"测试任务名称"}, "authority": {"FZWL"}, "strata_by": {"credit"},
		"rate.A": {"abc"}, "min.A": {"1"}, "rate.B": {"1/100"}, "min.B": {"zz"}, "rate.C": {"5/100"}, "rate.D": {"5/100"},
		"team_unit": {"FZWL", ""}, "team_size": {"two", ""}, "start": {"2026-13-01"}, "end": {"2026-03-31"},
		"cap_slack": {"0"}, "annual_cap": {"2"}, "partners": {"GLWL"}}
	rec, body := a.Page(t, "planner", "POST", "/staff/tasks", form)
	if rec.Code != 400 {
		t.Fatalf("POST /staff/tasks: %d", rec.Code)
	}
	for _, want := range []string{"应为3–48位字母", "抽查比例“abc”应写成 a/b", "低于 3%", "“zz”不是整数", "“two”不是整数",
		"不是有效日期", "至少选择一个抽查事项",
		`value="测试任务名称"`, `value="abc"`, `value="zz"`, `value="two"`, `value="2026-13-01"`,
		`name="partners" value="GLWL" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	if _, err := a.DB.Tasks().FindTaskByCode(a.As(t, "planner"), "x"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
		t.Errorf("a malformed form made a task: %v", err)
	}
	// A good one is created.
	form = url.Values{"code": {"2026-FZ-009"}, "name": {"演出市场抽查"}, "authority": {"FZWL"}, "strata_by": {"key"},
		"rate.key": {"10/100"}, "min.key": {"1"}, "rate.general": {"5/100"}, "rate.A": {"bogus, not this stratification"},
		"items": {a.Draws.Item}, "team_unit": {"FZWL"}, "team_size": {"2"}, "start": {"2026-12-01"}, "end": {"2026-12-30"},
		"annual_cap": {"2"}, "cap_slack": {"0"}, "eligible_status": {spotcheck.StatusOperating}}
	rec, body = a.Page(t, "planner", "POST", "/staff/tasks", form)
	if rec.Code != 303 || rec.Header().Get("Location") != "/staff/tasks/2026-FZ-009?ok=created" {
		t.Fatalf("create: %d %s\n%s", rec.Code, rec.Header().Get("Location"), body)
	}
	tk, err := a.DB.Tasks().FindTaskByCode(a.As(t, "planner"), "2026-FZ-009")
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, st := range tk.Strata {
		ids = append(ids, st.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"general", "key"}) || len(tk.Team) != 1 ||
		tk.Team[0] != (spotcheck.TeamSlot{Unit: "FZWL", Size: 2}) {
		t.Errorf("task saved as %+v", tk)
	}
	// The new form proposes the planner's department.
	_, body = a.Page(t, "planner", "GET", "/staff/tasks/new", nil)
	if !strings.Contains(body, `<option value="FZWL" selected>`) {
		t.Errorf("the new task form does not propose the planner's department")
	}
}

// TestDrawFormsErrors: the change request and the plan forms keep what was
// typed and name the fields that are wrong; refused steps say why.
func TestDrawFormsErrors(t *testing.T) {
	a := webtest.New(t)
	d := a.Draws.Drawn
	p := d.Path()
	entity := a.Substitutable(t, d)
	rec, body := a.Page(t, "planner", "POST", p+"/changes",
		url.Values{"kind": {"replace"}, "entity": {entity}, "note": {"人员调整说明"}})
	if rec.Code != 400 {
		t.Fatalf("change without reason: %d", rec.Code)
	}
	for _, want := range []string{"请选择原因", "请填写被更换的检查人员编号", "请填写接替的检查人员编号",
		`value="人员调整说明"`, `<option value="replace" selected>`, `<option value="` + entity + `" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("change form lacks %q", want)
		}
	}
	rec, _ = a.Page(t, "planner", "POST", p+"/changes",
		url.Values{"kind": {"substitute"}, "entity": {entity}, "reason": {"closed"}})
	if rec.Code != 303 {
		t.Errorf("change request: %d", rec.Code)
	}
	plan := "/staff/tasks/" + d.Task + "/draws"
	rec, body = a.Page(t, "planner", "POST", plan,
		url.Values{"officials": {"Bad Name"}, "beacon_round": {"soon"}, "reason": {"重抽"}, "supersedes": {"2"}})
	if rec.Code != 400 {
		t.Fatalf("plan: %d", rec.Code)
	}
	for _, want := range []string{"不是有效的用户名", "轮次“soon”应为正整数", "至少4个字", `value="Bad Name"`, ">重抽</textarea>"} {
		if !strings.Contains(body, want) {
			t.Errorf("plan form lacks %q", want)
		}
	}
	// Without naming the draw it supersedes, the store refuses; the form says why.
	rec, body = a.Page(t, "planner", "POST", plan, url.Values{"officials": {"supervisor"}})
	if rec.Code != 409 || !strings.Contains(body, "已有抽取") {
		t.Errorf("second draw without supersedes: %d", rec.Code)
	}
	// A step refused in the draw's state shows the page with the store's
	// reason.
	rec, body = a.Page(t, "planner", "POST", p+"/run", url.Values{})
	if rec.Code != 409 || !strings.Contains(body, "不能") {
		t.Errorf("run of a drawn draw: %d\n%.300s", rec.Code, body)
	}
	// The approver decides chief's request; chief may not.
	decide := p + "/changes/" + strconv.FormatInt(a.Draws.Change, 10) + "/decide"
	rec, _ = a.Page(t, "chief", "POST", decide, url.Values{"decision": {"approve"}})
	if rec.Code != 403 {
		t.Errorf("the requester decides: %d", rec.Code)
	}
	rec, body = a.Page(t, "approver", "POST", decide, url.Values{})
	if rec.Code != 400 || !strings.Contains(body, "请选择批准或驳回") {
		t.Errorf("decision without approve/reject: %d", rec.Code)
	}
	other := a.Draws.Published.Path() + "/changes/" + strconv.FormatInt(a.Draws.Change, 10) + "/decide"
	if rec, _ = a.Page(t, "approver", "POST", other, url.Values{"decision": {"approve"}}); rec.Code != 404 {
		t.Errorf("decision of another draw's change: %d", rec.Code)
	}
	rec, _ = a.Page(t, "approver", "POST", decide, url.Values{"decision": {"approve"}})
	if rec.Code != 303 || rec.Header().Get("Location") != p+"?ok=approved" {
		t.Errorf("approval: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	// Lifting the embargo needs a reason and a supervisor.
	rec, body = a.Page(t, "supervisor", "POST", p+"/embargo", url.Values{})
	if rec.Code != 400 || !strings.Contains(body, "请说明解除保密的原因") {
		t.Errorf("lift without reason: %d", rec.Code)
	}
	if rec, _ = a.Page(t, "approver", "POST", p+"/embargo", url.Values{"reason": {"检查结果已公示"}}); rec.Code != 403 {
		t.Errorf("approver lifts: %d", rec.Code)
	}
	if rec, _ = a.Page(t, "supervisor", "POST", p+"/embargo", url.Values{"reason": {"检查结果已公示"}}); rec.Code != 303 {
		t.Errorf("lift: %d", rec.Code)
	}
	// A re-draw that names the draw it supersedes is planned.
	rec, _ = a.Page(t, "planner", "POST", plan,
		url.Values{"officials": {"supervisor"}, "supersedes": {strconv.FormatInt(d.ID, 10)}, "reason": {"检查对象名录更新后重新抽取"}})
	if rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/staff/draws/4?ok=planned") {
		t.Errorf("re-draw: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	// What the store holds now: the planner's request pending, chief's
	// approved, the draw published and then superseded by draw 4.
	ctx := a.As(t, "planner")
	changes, err := a.DB.Draws().FindDrawChanges(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, c := range changes {
		states[c.RequestedBy] = c.State
	}
	if want := map[string]string{"chief": spotcheck.ChangeApproved, "planner": spotcheck.ChangePending}; len(states) != 2 ||
		states["chief"] != want["chief"] || states["planner"] != want["planner"] {
		t.Errorf("changes %v, want %v", states, want)
	}
	old, err := a.DB.Draws().FindDrawByID(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old.PublishedAt.IsZero() || old.SupersededBy != 4 {
		t.Errorf("draw %d: published at %v, superseded by %d", d.ID, old.PublishedAt, old.SupersededBy)
	}
}
