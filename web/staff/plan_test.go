package staff_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// postPlanTasks uploads a task sheet (CSV) to the plan's import form.
func postPlanTasks(t *testing.T, a *webtest.App, user, key, data string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "tasks.csv")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(data))
	mw.Close()
	req := httptest.NewRequest("POST", "/staff/plans/"+key+"/tasks", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, user)})
	rec := httptest.NewRecorder()
	a.Web.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

const planSheetHeader = "任务编号,任务名称,轮次,抽查事项,分层“A”,分层“B”,分层“C”,分层“D”,检查组,开始日期,结束日期,工作量余量\n"

func planSheetRow(code string, round int, start, end string) string {
	return code + ",年度抽查," + string(rune('0'+round)) + ",WL-LXS-001,20/100,20/100,30/100,50/100,GLWL:2," + start + "," + end + ",100\n"
}

// TestPlanPages: the 鼓楼区 planner drafts a plan (a form error keeps what
// was typed), imports its tasks (a bad sheet lists its row errors and
// adds nothing), sees the findings after each step and from the live
// check, cannot publish with findings, fixes the plan and publishes it;
// the city sees it filed with it, and the portal shows it with its
// downloads.
func TestPlanPages(t *testing.T) {
	a := webtest.New(t)
	const key = "GLWL-2027"
	rec, body := a.Page(t, "glplanner", "POST", "/staff/plans", url.Values{"dept": {"GLWL"}, "year": {"2027"},
		"name": {"鼓楼区2027年度双随机抽查计划"}, "office": {""}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "鼓楼区2027年度双随机抽查计划") || !strings.Contains(body, "监管责任处室") {
		t.Fatalf("plan without office: %d\n%s", rec.Code, body)
	}
	rec, _ = a.Page(t, "glplanner", "POST", "/staff/plans", url.Values{"dept": {"GLWL"}, "year": {"2027"},
		"name": {"鼓楼区2027年度双随机抽查计划"}, "office": {"文化市场管理科"}, "key_items": {"WL-LXS-001"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/staff/plans/"+key+"?ok=saved" {
		t.Fatalf("create: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	_, body = a.Page(t, "glplanner", "GET", "/staff/plans/"+key, nil)
	if !strings.Contains(body, "不符合规定，计划不能发布") || !strings.Contains(body, `<td title="coverage">抽查比例</td>`) {
		t.Fatalf("an empty plan's page shows no findings:\n%s", body)
	}

	// A bad sheet: every row error, nothing imported.
	code, body := postPlanTasks(t, a, "glplanner", key, planSheetHeader+
		planSheetRow("2027-GLWL-JH-001", 1, "2027-04-01", "2027-06-30")+
		"2027-GLWL-JH-002,年度抽查,x,WL-LXS-001,20/100,20/100,30/100,50/100,GLWL两人,2027-09-01,2027-11-30,0\n")
	if code != http.StatusBadRequest || !strings.Contains(body, "第3行") || !strings.Contains(body, "“x”不是整数") ||
		!strings.Contains(body, "未写入任何数据") {
		t.Fatalf("bad sheet: %d\n%s", code, body)
	}
	// One round only: imported, and the page says which rule is broken.
	code, _ = postPlanTasks(t, a, "glplanner", key, planSheetHeader+planSheetRow("2027-GLWL-JH-001", 1, "2027-04-01", "2027-06-30"))
	if code != http.StatusSeeOther {
		t.Fatalf("import: %d", code)
	}
	_, body = a.Page(t, "glplanner", "GET", "/staff/plans/"+key, nil)
	if !strings.Contains(body, "少于每年 2 轮") || !strings.Contains(body, ">抽查轮次<") || strings.Contains(body, `title="coverage"`) {
		t.Fatalf("findings after the import:\n%s", body)
	}

	// The live check of the form: a key item that is not listed.
	rec, _ = a.Page(t, "glplanner", "POST", "/staff/plans/"+key+"/check", url.Values{"name": {"x"}, "office": {"y"},
		"key_items": {"WL-LXS-001、NOPE-1"}})
	var live struct{ Findings []spotcheck.Finding }
	if err := json.Unmarshal(rec.Body.Bytes(), &live); rec.Code != http.StatusOK || err != nil {
		t.Fatalf("check: %d %v %s", rec.Code, err, rec.Body)
	}
	var item bool
	for _, f := range live.Findings {
		item = item || f.Rule == spotcheck.RuleItem && f.Where == "NOPE-1" && f.RuleName == "抽查事项"
	}
	if !item {
		t.Fatalf("the live check does not flag the unlisted item: %+v", live.Findings)
	}

	// Publishing with a finding is refused and says why.
	rec, body = a.Page(t, "glplanner", "POST", "/staff/plans/"+key+"/publish", url.Values{})
	if rec.Code != http.StatusConflict || !strings.Contains(body, "不能发布") || !strings.Contains(body, "少于每年 2 轮") {
		t.Fatalf("publish with findings: %d\n%s", rec.Code, body)
	}
	// The second round fixes it; publish.
	postPlanTasks(t, a, "glplanner", key, planSheetHeader+planSheetRow("2027-GLWL-JH-002", 2, "2027-09-01", "2027-11-30"))
	_, body = a.Page(t, "glplanner", "GET", "/staff/plans/"+key, nil)
	if !strings.Contains(body, "符合规定：未发现问题") {
		t.Fatalf("after the fix:\n%s", body)
	}
	rec, _ = a.Page(t, "glplanner", "POST", "/staff/plans/"+key+"/publish", url.Values{})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	// Filed with the city: its planner's list shows it under 上报备案.
	_, body = a.Page(t, "planner", "GET", "/staff/plans", nil)
	if i := strings.Index(body, "报本部门备案的计划"); i < 0 || !strings.Contains(body[i:], "/staff/plans/"+key) {
		t.Fatalf("the city's plan list lacks the filed plan:\n%s", body)
	}
	// Published: edits are refused, the portal shows it and its files.
	rec, _ = a.Page(t, "glplanner", "POST", "/staff/plans/"+key, url.Values{"name": {"改"}, "office": {"y"}})
	if rec.Code != http.StatusBadRequest && rec.Code != http.StatusConflict {
		t.Errorf("edit of a published plan: %d", rec.Code)
	}
	_, body = a.Page(t, "", "GET", "/plans", nil)
	if !strings.Contains(body, "鼓楼区2027年度双随机抽查计划") {
		t.Fatalf("the portal lacks the plan:\n%s", body)
	}
	_, body = a.Page(t, "", "GET", "/plans/"+key, nil)
	if !strings.Contains(body, "2027-GLWL-JH-002") || !strings.Contains(body, "文化市场管理科") {
		t.Fatalf("the portal's plan page:\n%s", body)
	}
	// Items by name, their codes in a tooltip.
	if it, err := a.DB.Items().FindItemByCode(webtest.System(), a.Draws.Item); err != nil ||
		!strings.Contains(body, `title="`+it.Code+`">`+it.Name+`</a>`) {
		t.Errorf("the portal's plan page does not name item %s (%v)", a.Draws.Item, err)
	}
	rec, _ = a.Page(t, "", "GET", "/plans/"+key+"/plan.json", nil)
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); rec.Code != http.StatusOK || err != nil || doc["plan"] != key {
		t.Fatalf("plan.json: %d %v %s", rec.Code, err, rec.Body)
	}
	rec, _ = a.Page(t, "", "GET", "/plans/"+key+"/tasks.xlsx", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "PK") {
		t.Fatalf("tasks.xlsx: %d", rec.Code)
	}
	// A change is a revision with its reason; the published one stays in
	// force on the portal until the revision is published.
	rec, body = a.Page(t, "glplanner", "POST", "/staff/plans/"+key+"/revise", url.Values{"reason": {""}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "修订计划须写明原因") {
		t.Fatalf("revision without a reason: %d", rec.Code)
	}
	rec, _ = a.Page(t, "glplanner", "POST", "/staff/plans/"+key+"/revise", url.Values{"reason": {"增加第三轮"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("revise: %d", rec.Code)
	}
	if _, body = a.Page(t, "glplanner", "GET", "/staff/plans/"+key, nil); !strings.Contains(body, "第2版 · 草稿") || !strings.Contains(body, "增加第三轮") {
		t.Fatalf("the revision's page:\n%s", body)
	}
	if _, body = a.Page(t, "", "GET", "/plans/"+key, nil); !strings.Contains(body, "第1版") {
		t.Fatalf("the portal while a revision is drafted:\n%s", body)
	}
	// A draft is not public.
	a.Page(t, "glplanner", "POST", "/staff/plans", url.Values{"dept": {"GLWL"}, "year": {"2028"}, "name": {"草稿"}, "office": {"科"}})
	if rec, _ := a.Page(t, "", "GET", "/plans/GLWL-2028", nil); rec.Code != http.StatusNotFound {
		t.Errorf("a draft plan on the portal: %d", rec.Code)
	}
}
