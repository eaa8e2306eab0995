package portal_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/internal/webtest"
	"spotcheck/web/portal"
)

// tokenOf returns the notice token of inspection id.
func tokenOf(t *testing.T, a *webtest.App, id int64) string {
	t.Helper()
	n, err := a.DB.Notices().Notice(webtest.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	return n.Token
}

// postFrom sends a public form from a client address, with extra headers.
func postFrom(a *webtest.App, addr, path string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	a.Web.ServeHTTP(rec, req)
	return rec
}

// recusals returns every recusal request.
func recusals(t *testing.T, a *webtest.App) []spotcheck.RecusalRequest {
	t.Helper()
	l, err := a.DB.Recusals().FindRecusals(webtest.System(), spotcheck.RecusalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestRecusalFormToApproval: the visit's page offers the team by name; a
// request naming someone not on the visit is refused with the reason
// beside the field and what was typed kept, and so is one posted from
// another site, both storing nothing; a good one is filed, reviewed by
// the department admin on /staff/recusals, and its approval asks for the
// replacement in this draw.
func TestRecusalFormToApproval(t *testing.T) {
	a := webtest.New(t)
	in, _ := a.Inspection(t)
	token := tokenOf(t, a, in.ID)
	name := in.Names[in.Team[1]]
	rec, body := a.Page(t, "", "GET", "/v/"+token, nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, `id="recusal-form"`) || !strings.Contains(body, "<option >"+name+"</option>") {
		t.Fatalf("the visit's page offers no recusal of %s: %d\n%s", name, rec.Code, body)
	}

	path := "/v/" + token + "/recusal"
	rec, body = a.Page(t, "", "POST", path, url.Values{"inspector": {"王冒名"}, "reason": {"与本企业负责人系同学关系"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "“王冒名”不是本次检查的检查人员") ||
		!strings.Contains(body, "与本企业负责人系同学关系</textarea>") {
		t.Fatalf("a request naming someone not on the visit: %d\n%s", rec.Code, body)
	}
	rec = postFrom(a, "192.0.2.7", path, url.Values{"inspector": {name}, "reason": {"与本企业负责人系同学关系"}},
		map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "跨站请求被拒绝") {
		t.Fatalf("a cross-site request: %d\n%s", rec.Code, rec.Body.String())
	}
	if l := recusals(t, a); len(l) != 0 {
		t.Fatalf("refused requests were stored: %+v", l)
	}

	rec, _ = a.Page(t, "", "POST", path, url.Values{"inspector": {name}, "reason": {"与本企业负责人系近亲属"}, "contact": {"0591-8888"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/v/"+token+"?ok=recusal-filed" {
		t.Fatalf("a good request: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if _, body := a.Page(t, "", "GET", "/v/"+token+"?ok=recusal-filed", nil); !strings.Contains(body, "回避申请已提交") {
		t.Errorf("no confirmation after filing")
	}
	l := recusals(t, a)
	if len(l) != 1 || l[0].Inspector != in.Team[1] || l[0].State != spotcheck.ReviewPending {
		t.Fatalf("filed: %+v", l)
	}

	if rec, _ := a.Page(t, "approver", "GET", "/staff/recusals", nil); rec.Code != http.StatusForbidden {
		t.Errorf("the approver opens the recusal requests: %d", rec.Code)
	}
	_, body = a.Page(t, "cityadmin", "GET", "/staff/recusals", nil)
	if !strings.Contains(body, `id="recusals-pending"`) || !strings.Contains(body, "与本企业负责人系近亲属") {
		t.Fatalf("the department admin does not see the request:\n%s", body)
	}
	review := fmt.Sprintf("/staff/recusals/%d/review", l[0].ID)
	if rec, body := a.Page(t, "cityadmin", "POST", review, url.Values{"decision": {"reject"}}); rec.Code != http.StatusBadRequest ||
		!strings.Contains(body, "驳回回避申请须说明理由") {
		t.Fatalf("a rejection without a reason: %d\n%s", rec.Code, body)
	}
	if rec, _ := a.Page(t, "cityadmin", "POST", review, url.Values{"decision": {"approve"}, "note": {"属实"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("approval: %d", rec.Code)
	}
	l = recusals(t, a)
	if l[0].State != spotcheck.ReviewApproved || l[0].Change == 0 {
		t.Fatalf("approved: %+v", l[0])
	}
	_, body = a.Page(t, "cityadmin", "GET", "/staff/recusals?ok=recusal-approved", nil)
	if !strings.Contains(body, fmt.Sprintf("变更申请 #%d", l[0].Change)) || !strings.Contains(body, "已批准回避申请") {
		t.Fatalf("the decided request does not show its change:\n%s", body)
	}
}

// TestPublicFormsRateLimited: one visit's forms take FormsPerToken
// submissions in a window, from anywhere, and one address FormsPerAddress
// over all visits; beyond that the answer is 429 with Retry-After and a
// Chinese message, and the form is not processed.
func TestPublicFormsRateLimited(t *testing.T) {
	a := webtest.New(t)
	in, _ := a.Inspection(t)
	token := tokenOf(t, a, in.ID)
	bad := url.Values{"inspector": {"王冒名"}, "reason": {"理由理由理由"}}
	for i := range portal.FormsPerToken {
		if rec := postFrom(a, fmt.Sprintf("192.0.2.%d", i+1), "/v/"+token+"/recusal", bad, nil); rec.Code != http.StatusBadRequest {
			t.Fatalf("submission %d: %d", i+1, rec.Code)
		}
	}
	good := url.Values{"inspector": {in.Names[in.Team[0]]}, "reason": {"与本企业负责人系近亲属"}}
	rec := postFrom(a, "198.51.100.1", "/v/"+token+"/recusal", good, nil)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "提交过于频繁") {
		t.Fatalf("one submission too many for the token: %d %q\n%s", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	}
	if l := recusals(t, a); len(l) != 0 {
		t.Fatalf("a limited request was processed: %+v", l)
	}

	// One address over other visits.
	list, err := a.DB.Inspections().FindInspections(webtest.System(), spotcheck.InspectionFilter{Task: in.Task})
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, o := range list {
		if o.ID == in.ID {
			continue
		}
		other := tokenOf(t, a, o.ID)
		for range portal.FormsPerToken - 1 {
			if sent == portal.FormsPerAddress {
				break
			}
			if rec := postFrom(a, "203.0.113.9", "/v/"+other+"/rating", url.Values{"rating": {"9"}}, nil); rec.Code == http.StatusTooManyRequests {
				t.Fatalf("submission %d from one address limited early", sent+1)
			}
			sent++
		}
	}
	if sent < portal.FormsPerAddress {
		t.Fatalf("only %d other visits' forms to send", sent)
	}
	other := tokenOf(t, a, list[len(list)-1].ID)
	if rec := postFrom(a, "203.0.113.9", "/v/"+other+"/rating", url.Values{"rating": {"5"}}, nil); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("one submission too many from the address: %d", rec.Code)
	}
}

// TestRatingSeenBySupervisors: after the visit the enterprise rates it;
// an anonymous complaint with a contact is refused; supervisors read the
// complaint with the contact beside the record, the team does not.
func TestRatingSeenBySupervisors(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	token := tokenOf(t, a, in.ID)
	if _, body := a.Page(t, "", "GET", "/v/"+token, nil); strings.Contains(body, `id="rating-form"`) {
		t.Fatalf("a rating form before the visit")
	}
	if err := a.DB.Inspections().SaveInspection(a.As(t, members[0]), &spotcheck.Inspection{ID: in.ID,
		Methods: []string{spotcheck.MethodSite}, CheckIn: webtest.Now().Add(-time.Hour)}); err != nil {
		t.Fatalf("SaveInspection: %v", err)
	}
	path := "/v/" + token + "/rating"
	rec, body := a.Page(t, "", "POST", path, url.Values{"rating": {"1"}, "complaint": {"检查人员索要礼品"}, "anonymous": {"1"}, "contact": {"13900000000"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "匿名投诉不留联系方式") || !strings.Contains(body, "检查人员索要礼品</textarea>") {
		t.Fatalf("an anonymous complaint with a contact: %d\n%s", rec.Code, body)
	}
	rec, _ = a.Page(t, "", "POST", path, url.Values{"rating": {"1"}, "complaint": {"检查人员索要礼品"}, "contact": {"13900000000"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("a rating: %d", rec.Code)
	}
	if rec, body := a.Page(t, "", "POST", path, url.Values{"rating": {"5"}}); rec.Code != http.StatusConflict || !strings.Contains(body, "每次检查只能评价一次") {
		t.Fatalf("a second rating: %d\n%s", rec.Code, body)
	}
	_, body = a.Page(t, "supervisor", "GET", "/staff/feedback", nil)
	if !strings.Contains(body, "检查人员索要礼品") || !strings.Contains(body, "13900000000") {
		t.Fatalf("the supervisor's list:\n%s", body)
	}
	_, body = a.Page(t, "supervisor", "GET", fmt.Sprintf("/staff/inspections/%d", in.ID), nil)
	if !strings.Contains(body, `id="inspection-feedback"`) || !strings.Contains(body, "13900000000") {
		t.Fatalf("the supervisor does not see the complaint beside the record:\n%s", body)
	}
	for _, u := range []string{members[0], "approver"} {
		if rec, body := a.Page(t, u, "GET", fmt.Sprintf("/staff/inspections/%d", in.ID), nil); rec.Code != http.StatusOK ||
			strings.Contains(body, "13900000000") || strings.Contains(body, "检查人员索要礼品") {
			t.Errorf("%s sees the complaint: %d", u, rec.Code)
		}
	}
	if rec, _ := a.Page(t, members[0], "GET", "/staff/feedback", nil); rec.Code != http.StatusForbidden {
		t.Errorf("a team member opens the feedback list: %d", rec.Code)
	}
}
