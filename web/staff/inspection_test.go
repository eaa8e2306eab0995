package staff_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// recordForm is a complete record of the inspection's one item: a
// problem found on site, ordered corrected (R05) by its 整改期限.
func recordForm(in spotcheck.Inspection, description string) url.Values {
	return url.Values{"from": {in.State}, "methods": {spotcheck.MethodSite}, "check_in": {"2026-11-27T09:30"},
		"location": {"鼓楼区五四路"}, "completed": {"2026-11-27"},
		"findings.0.outcome": {spotcheck.FindingProblem}, "findings.0.basis": {"《旅行社条例》第二十九条"},
		"findings.0.description": {description}, "results": {"R05"}, "rectify_by": {"2026-12-11"}}
}

// post sends a step of the inspection's page as user and wants a
// redirect back to the page.
func post(t *testing.T, a *webtest.App, user, path string, form url.Values) {
	t.Helper()
	rec, body := a.Page(t, user, "POST", path, form)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("%s POST %s: %d\n%s", user, path, rec.Code, body)
	}
}

// stepper returns a function that sends a step of inspection id's page as
// user, from the state the page shows (the form's "from"), and wants the
// redirect back.
func stepper(t *testing.T, a *webtest.App, id int64) func(user, action string, form url.Values) {
	return func(user, action string, form url.Values) {
		t.Helper()
		cur, err := a.DB.Inspections().FindInspectionByID(a.As(t, user), id)
		if err != nil {
			t.Fatal(err)
		}
		if form == nil {
			form = url.Values{}
		}
		form.Set("from", cur.State)
		post(t, a, user, fmt.Sprintf("/staff/inspections/%d/%s", id, action), form)
	}
}

// TestInspectionPages: the team records the inspection on its page, both
// members confirm, one submits; the approver finds it in the queue,
// returns it with a comment (refused without one); the team fixes it and
// resubmits; the approver approves and the publication due date shows;
// the approved record has no form and a save is refused.
func TestInspectionPages(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d", in.ID)
	rec, body := a.Page(t, members[0], "GET", "/staff/inspections", nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, `href="`+path+`"`) || !strings.Contains(body, "录入检查结果") {
		t.Fatalf("my work lacks the inspection: %d\n%s", rec.Code, body)
	}
	if in.EntityName == "" || !strings.Contains(body, in.EntityName) || !strings.Contains(body, in.Address) {
		t.Errorf("my work does not name the entity %q at %q", in.EntityName, in.Address)
	}
	rec, body = a.Page(t, members[0], "GET", path, nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, `id="inspection-form"`) {
		t.Fatalf("the team's page: %d\n%s", rec.Code, body)
	}
	// A map link where the entity has an address (a guide, T05, has none).
	if in.Address != "" && !strings.Contains(body, "https://uri.amap.com/search?keyword=") {
		t.Errorf("the page has no map link to %q", in.Address)
	}
	for _, s := range in.Team {
		if !strings.Contains(body, in.Names[s]) || !strings.Contains(body, in.CertNos[s]) {
			t.Errorf("the page does not name team member %s (%s, %s)", s, in.Names[s], in.CertNos[s])
		}
	}
	step := stepper(t, a, in.ID)
	step(members[0], "save", recordForm(in, "未与游客签订书面合同"))
	step(members[0], "confirm", nil)
	_, body = a.Page(t, members[0], "GET", path, nil)
	if strings.Contains(body, path+"/confirm") {
		t.Error("a member who confirmed is offered the confirmation again")
	}
	step(members[1], "confirm", nil)
	step(members[0], "submit", nil)

	_, body = a.Page(t, "approver", "GET", "/staff/inspections?state=submitted", nil)
	if !strings.Contains(body, `href="`+path+`"`) || !strings.Contains(body, "待审核的检查") {
		t.Fatalf("the approver's queue lacks the inspection:\n%s", body)
	}
	_, body = a.Page(t, members[0], "GET", path, nil)
	if !strings.Contains(body, `id="inspection-bring"`) || !strings.Contains(body, "执法证件") {
		t.Errorf("the visit does not say what to bring:\n%s", body)
	}
	_, body = a.Page(t, "approver", "GET", path, nil)
	for _, want := range []string{path + "/approve", path + "/return", path + "/reject", "未与游客签订书面合同"} {
		if !strings.Contains(body, want) {
			t.Errorf("the approver's page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="inspection-form"`) {
		t.Error("a submitted inspection shows the recording form")
	}
	rec, body = a.Page(t, "approver", "POST", path+"/return", url.Values{"from": {spotcheck.InspectionSubmitted}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "退回须填写意见") {
		t.Fatalf("a return without a comment: %d", rec.Code)
	}
	step("approver", "return", url.Values{"comment": {"问题描述须写明合同份数"}})
	_, body = a.Page(t, members[1], "GET", path, nil)
	if !strings.Contains(body, "问题描述须写明合同份数") || !strings.Contains(body, `id="inspection-form"`) {
		t.Fatalf("the returned page lacks the comment or the form:\n%s", body)
	}
	step(members[1], "save", recordForm(in, "3 份团队合同未与游客签订书面合同"))
	step(members[1], "confirm", nil)
	step(members[0], "confirm", nil)
	step(members[1], "submit", nil)
	step("approver", "approve", nil)

	got, err := a.DB.Inspections().FindInspectionByID(a.As(t, "approver"), in.ID)
	if err != nil || got.State != spotcheck.InspectionApproved || got.PublicationDue <= got.Completed {
		t.Fatalf("after approval: %+v, %v", got, err)
	}
	_, body = a.Page(t, members[0], "GET", path, nil)
	if !strings.Contains(body, `id="inspection-publication-due">`+got.PublicationDue+`<`) {
		t.Errorf("the approved page lacks the due date %s", got.PublicationDue)
	}
	// People see names, not log-ins: the approver by name, to a team
	// member, who may not read the accounts.
	if !strings.Contains(body, "<dt>审核人</dt><dd>法制科审核员（示例）</dd>") {
		t.Errorf("the approved page does not name the approver:\n%s", body)
	}
	if strings.Contains(body, `id="inspection-form"`) || strings.Contains(body, path+"/confirm") {
		t.Error("an approved inspection is offered for editing")
	}
	rec, _ = a.Page(t, members[0], "POST", path+"/save", recordForm(*got, "改写"))
	if rec.Code != http.StatusConflict {
		t.Errorf("a save of an approved inspection: %d, want 409", rec.Code)
	}
	if after, _ := a.DB.Inspections().FindInspectionByID(a.As(t, "approver"), in.ID); after.Findings[0].Description != "3 份团队合同未与游客签订书面合同" {
		t.Errorf("the approved record changed: %+v", after.Findings)
	}
	// A correction is a new revision, with a reason.
	rec, body = a.Page(t, members[0], "POST", path+"/revise", url.Values{"from": {spotcheck.InspectionApproved}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "更正已审核的检查结果须说明理由") {
		t.Fatalf("a revision without a reason: %d", rec.Code)
	}
	step(members[0], "revise", url.Values{"reason": {"合同份数有误"}})
	_, body = a.Page(t, members[0], "GET", path, nil)
	if !strings.Contains(body, "第2版") || !strings.Contains(body, `id="inspection-form"`) ||
		len(webtest.TableOf(t, body, "inspection-revisions").Rows) != 2 {
		t.Errorf("the revision's page lacks its number, form or the two revisions")
	}
}

// TestInspectionPageRefusals: a finding of a problem without its legal
// basis is refused with the field's message, the form keeps what was
// typed and nothing is saved; another district's staff and an inspector
// of another team get "not found"; a role that reaches no inspection is
// forbidden.
func TestInspectionPageRefusals(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d", in.ID)
	form := recordForm(in, "未与游客签订书面合同")
	form.Del("findings.0.basis")
	rec, body := a.Page(t, members[0], "POST", path+"/save", form)
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "发现问题须填写法律依据") ||
		!strings.Contains(body, "未与游客签订书面合同") || !strings.Contains(body, `value="2026-11-27T09:30"`) {
		t.Fatalf("a problem without its legal basis: %d\n%s", rec.Code, body)
	}
	got, err := a.DB.Inspections().FindInspectionByID(a.As(t, members[0]), in.ID)
	if err != nil || len(got.Findings) != 0 || len(got.Methods) != 0 || got.Completed != "" {
		t.Fatalf("the refused save changed the record: %+v, %v", got, err)
	}
	for user, want := range map[string]int{"glplanner": http.StatusNotFound, "inspector": http.StatusNotFound,
		"sysadmin": http.StatusForbidden, "planner": http.StatusOK} {
		if rec, _ := a.Page(t, user, "GET", path, nil); rec.Code != want {
			t.Errorf("%s GET %s: %d, want %d", user, path, rec.Code, want)
		}
	}
	if rec, _ := a.Page(t, "inspector", "POST", path+"/save", recordForm(in, "x")); rec.Code != http.StatusNotFound {
		t.Errorf("another team's inspector saves: %d, want 404", rec.Code)
	}
	_, body = a.Page(t, "planner", "GET", path, nil)
	if strings.Contains(body, `id="inspection-form"`) || strings.Contains(body, path+"/approve") {
		t.Error("the planner, who neither records nor approves, is offered a form or a decision")
	}
}
