package portal_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// publishOne records in (completed 2026-11-20; with problem, one on its
// first item, rectification ordered), has its team confirm and submit it, and
// approves and publishes it as the system; it returns the publication.
func publishOne(t *testing.T, a *webtest.App, in spotcheck.Inspection, members []string, problem bool) *spotcheck.Publication {
	t.Helper()
	rec := &spotcheck.Inspection{ID: in.ID, Methods: []string{spotcheck.MethodSite}, CheckIn: webtest.Now(),
		Completed: "2026-11-20", Results: []string{"R01"}}
	for _, it := range in.Items {
		rec.Findings = append(rec.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
	}
	if problem {
		rec.Results, rec.RectifyBy = []string{"R05"}, "2026-11-25"
		rec.Findings[0] = spotcheck.ItemFinding{Item: in.Items[0], Outcome: spotcheck.FindingProblem,
			Basis: "《旅行社条例》第二十九条", Description: "未与游客签订书面合同"}
	}
	a.Approve(t, rec, members, "")
	pub, err := a.DB.Publications().PublishInspection(webtest.System(), in.ID, "")
	if err != nil {
		t.Fatalf("PublishInspection: %v", err)
	}
	return pub
}

// TestEnterprisePage: /e/{code} is a 400 for a malformed code and a 404
// that names nothing for one whose result is not published; once it is,
// the page shows the result in the national system's columns, item by
// item, with the display rule, and no inspector; the visit's page links
// to it and offers the objection and says why repair is not open.
func TestEnterprisePage(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	token := tokenOf(t, a, in.ID)
	for _, bad := range []string{"ABC", "91350100M000100Y4A", url.PathEscape("'; DROP TABLE x;--")} {
		if rec, body := a.Page(t, "", "GET", "/e/"+bad, nil); rec.Code != http.StatusBadRequest || !strings.Contains(body, "不是有效的统一社会信用代码") {
			t.Errorf("malformed %s: %d", bad, rec.Code)
		}
	}
	rec, body := a.Page(t, "", "GET", "/e/"+in.Entity, nil)
	if rec.Code != http.StatusNotFound || !strings.Contains(body, "未查询到") || strings.Contains(body, in.EntityName) {
		t.Fatalf("before publication: %d\n%s", rec.Code, body)
	}
	if _, body := a.Page(t, "", "GET", "/v/"+token, nil); strings.Contains(body, `id="afterpub"`) {
		t.Fatal("the visit's page speaks of a publication before there is one")
	}
	publishOne(t, a, in, members, false)
	rec, body = a.Page(t, "", "GET", "/e/"+strings.ToLower(in.Entity), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("the page: %d\n%s", rec.Code, body)
	}
	tb := webtest.TableOf(t, body, "enterprise-results")
	if got := tb.Column(t, "结果"); len(got) != 1 || got[0] != "未发现问题" {
		t.Errorf("结果: %v", got)
	}
	if got := tb.Column(t, "检查实施机关"); len(got) != 1 || got[0] == "" || strings.Contains(got[0], in.Dept) {
		t.Errorf("检查实施机关: %v", got)
	}
	for _, want := range []string{in.EntityName, "抽查检查结果信息", "日期", "备注", spotcheck.DisplayRule, "异议", "信用修复"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, sid := range in.Team {
		if strings.Contains(body, sid) || strings.Contains(body, in.Names[sid]) {
			t.Errorf("the page names the team: %s", sid)
		}
	}
	_, body = a.Page(t, "", "GET", "/v/"+token, nil)
	if !strings.Contains(body, `href="/e/`+in.Entity+`"`) || !strings.Contains(body, `id="objection-form"`) ||
		!strings.Contains(body, "未发现问题，无需信用修复") {
		t.Fatalf("the visit's page after publication:\n%s", body)
	}
}

// TestObjectionForm: the enterprise objects on its visit's page (a
// reason required; the form kept on refusal), the department's approver
// sees it with its due date on /staff/appeals and rejects it with a
// reason, which the enterprise then reads; the form is rate-limited per
// token.
func TestObjectionForm(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	token := tokenOf(t, a, in.ID)
	publishOne(t, a, in, members, false)
	path := "/v/" + token + "/objection"
	rec, body := a.Page(t, "", "POST", path, url.Values{"reason": {"  "}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "请填写异议内容") {
		t.Fatalf("an empty objection: %d\n%s", rec.Code, body)
	}
	rec, _ = a.Page(t, "", "POST", path, url.Values{"reason": {"检查日期有误"}})
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "ok=objection-filed") {
		t.Fatalf("an objection: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	_, body = a.Page(t, "", "GET", "/v/"+token+"?ok=objection-filed", nil)
	if !strings.Contains(body, "异议已提交") || !strings.Contains(body, "检查日期有误") || !strings.Contains(body, "正在处理中") {
		t.Fatalf("after filing:\n%s", body)
	}
	l, err := a.DB.AfterPublication().FindObjections(webtest.System(), spotcheck.AppealFilter{})
	if err != nil || len(l) != 1 {
		t.Fatalf("objections: %+v, %v", l, err)
	}
	if rec, _ := a.Page(t, "planner", "GET", "/staff/appeals", nil); rec.Code != http.StatusForbidden {
		t.Errorf("a planner opens the appeals: %d", rec.Code)
	}
	_, body = a.Page(t, "approver", "GET", "/staff/appeals", nil)
	if !strings.Contains(body, `id="objections-list"`) || !strings.Contains(body, l[0].Due) || !strings.Contains(body, "检查日期有误") {
		t.Fatalf("the approver's list:\n%s", body)
	}
	for _, page := range []string{"/staff/deadlines", "/staff/"} {
		if _, body := a.Page(t, "approver", "GET", page, nil); !strings.Contains(body, l[0].Due) ||
			!(strings.Contains(body, `id="deadlines-objections"`) || strings.Contains(body, `todo-objections`)) {
			t.Errorf("%s does not list the objection due %s", page, l[0].Due)
		}
	}
	decide := fmt.Sprintf("/staff/objections/%d/decide", l[0].ID)
	if rec, body := a.Page(t, "approver", "POST", decide, url.Values{"decision": {"uphold"}, "reason": {"有误"}}); rec.Code != http.StatusConflict ||
		!strings.Contains(body, "修订") {
		t.Fatalf("upheld without a corrected revision: %d\n%s", rec.Code, body)
	}
	if rec, _ := a.Page(t, "approver", "POST", decide, url.Values{"decision": {"reject"}, "reason": {"检查日期与记录一致"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("reject: %d", rec.Code)
	}
	_, body = a.Page(t, "", "GET", "/v/"+token, nil)
	if !strings.Contains(body, "异议不成立：检查日期与记录一致") {
		t.Fatalf("the enterprise does not see the outcome:\n%s", body)
	}
	// The token's forms: 8 per window, 2 used above.
	for i := 0; i < 6; i++ {
		a.Page(t, "", "POST", path, url.Values{"reason": {""}})
	}
	if rec, _ := a.Page(t, "", "POST", path, url.Values{"reason": {"再次异议"}}); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("the 9th form of a token: %d", rec.Code)
	}
}

// TestRepairForm: credit repair of an adverse result opens once its
// follow-ups are closed and it has been displayed 3 months; the approver
// grants it on /staff/appeals with a reason; the enterprise's page then
// says it was repaired instead of showing it, and the visit's page says
// so too.
func TestRepairForm(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	token := tokenOf(t, a, in.ID)
	publishOne(t, a, in, members, true)
	path := "/v/" + token + "/repair"
	if _, body := a.Page(t, "", "GET", "/v/"+token, nil); !strings.Contains(body, "后续处置（整改）尚未全部完结") {
		t.Fatalf("repair before the rectification:\n%s", body)
	}
	fs, err := a.DB.FollowUps().FindFollowUps(webtest.System(), spotcheck.FollowUpFilter{Inspection: in.ID})
	if err != nil || len(fs) == 0 {
		t.Fatalf("follow-ups: %v, %v", fs, err)
	}
	for _, f := range fs {
		if err := a.DB.FollowUps().RecordFollowUp(webtest.System(), f.ID, spotcheck.FollowUpChange{Dept: f.Dept, Measures: []string{"order"}}); err != nil {
			t.Fatal(err)
		}
		if err := a.DB.FollowUps().CloseFollowUp(webtest.System(), f.ID, webtest.Today, "已整改"); err != nil {
			t.Fatal(err)
		}
	}
	if rec, body := a.Page(t, "", "POST", path, url.Values{"reason": {"已整改"}}); rec.Code != http.StatusConflict || !strings.Contains(body, "满3个月") {
		t.Fatalf("repair before 3 months: %d\n%s", rec.Code, body)
	}
	now := a.DB.Now
	a.DB.Now = func() time.Time { return now().AddDate(0, 3, 1) }
	defer func() { a.DB.Now = now }()
	if rec, _ := a.Page(t, "", "POST", path, url.Values{"reason": {"已按要求整改完毕"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("repair: %d", rec.Code)
	}
	l, err := a.DB.AfterPublication().FindRepairs(webtest.System(), spotcheck.AppealFilter{})
	if err != nil || len(l) != 1 {
		t.Fatalf("repairs: %+v, %v", l, err)
	}
	decide := fmt.Sprintf("/staff/repairs/%d/decide", l[0].ID)
	if rec, _ := a.Page(t, "approver", "POST", decide, url.Values{"decision": {"grant"}, "reason": {"整改到位"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("grant: %d", rec.Code)
	}
	_, body := a.Page(t, "", "GET", "/e/"+in.Entity, nil)
	if !strings.Contains(body, `id="enterprise-repaired"`) || !strings.Contains(body, "已信用修复") || strings.Contains(body, "未与游客签订书面合同") {
		t.Fatalf("the page after the repair:\n%s", body)
	}
	if tb := webtest.TableOf(t, body, "enterprise-results"); len(tb.Column(t, "结果")) != 0 {
		t.Errorf("a repaired result is still shown: %v", tb.Column(t, "结果"))
	}
	if _, body := a.Page(t, "", "GET", "/v/"+token, nil); !strings.Contains(body, `id="afterpub-repaired"`) || !strings.Contains(body, "准予信用修复") {
		t.Fatalf("the visit's page after the repair:\n%s", body)
	}
}
