package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// publishOne records, submits, approves and publishes one result of the
// test database's published draw through the store, as its team and the
// approver, and returns the inspection.
func publishApproved(t *testing.T, a *webtest.App) spotcheck.Inspection {
	t.Helper()
	in, members := a.Inspection(t)
	rec := &spotcheck.Inspection{ID: in.ID, Methods: []string{spotcheck.MethodWritten},
		Completed: webtest.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout), Results: []string{"R08"}}
	for _, it := range in.Items {
		rec.Findings = append(rec.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingProblem,
			Basis: "《旅行社条例》第二十九条", Description: "未与游客签订书面合同"})
	}
	a.Approve(t, rec, members, "approver")
	if _, err := a.DB.Publications().PublishInspection(a.As(t, "approver"), in.ID, ""); err != nil {
		t.Fatalf("PublishInspection: %v", err)
	}
	return in
}

// TestResultsDisplayPeriod: a result is shown on the task's 抽查结果公告,
// in the list of tasks and by search while its display period lasts; the
// day after it ends, none of them shows it, the task's page says that a
// result is past its display period (and the rule), and the .xlsx is
// gone.
func TestResultsDisplayPeriod(t *testing.T) {
	a := webtest.New(t)
	in := publishApproved(t, a)
	task := "/results/" + url.PathEscape(in.Task)
	search := "/results?q=" + url.QueryEscape(in.Entity)
	for _, p := range []string{task, "/results", search} {
		if rec, body := a.Page(t, "", "GET", p, nil); rec.Code != http.StatusOK || !strings.Contains(body, in.Task) {
			t.Fatalf("%s while shown: %d\n%s", p, rec.Code, body)
		}
	}
	if _, body := a.Page(t, "", "GET", "/tasks/"+url.PathEscape(in.Task), nil); !strings.Contains(body, `id="task-results"`) {
		t.Errorf("the task's announcement does not link to its results:\n%s", body)
	}
	end, err := spotcheck.DisplayEnd(webtest.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout))
	if err != nil {
		t.Fatal(err)
	}
	last, _ := time.ParseInLocation(spotcheck.DateLayout, end, spotcheck.ChinaTime)
	a.DB.Now = func() time.Time { return last.AddDate(0, 0, 1).Add(10 * time.Hour) }

	rec, body := a.Page(t, "", "GET", task, nil)
	if rec.Code != http.StatusOK || strings.Contains(body, in.EntityName) || !strings.Contains(body, "1 条结果已过公示期") ||
		!strings.Contains(body, spotcheck.DisplayRule) {
		t.Errorf("the task's page after the display period: %d\n%s", rec.Code, body)
	}
	if _, body = a.Page(t, "", "GET", "/results", nil); strings.Contains(body, "/results/"+in.Task+"\"") {
		t.Errorf("the list of tasks still shows %s", in.Task)
	}
	if rec, body = a.Page(t, "", "GET", search, nil); rec.Code != http.StatusOK || strings.Contains(body, in.EntityName) ||
		!strings.Contains(body, `id="no-match"`) {
		t.Errorf("the search after the display period: %d\n%s", rec.Code, body)
	}
	if _, body = a.Page(t, "", "GET", "/tasks/"+url.PathEscape(in.Task), nil); strings.Contains(body, `id="task-results"`) {
		t.Error("the task's announcement links to results no longer shown")
	}
	if rec, _ = a.Page(t, "", "GET", task+"/results.xlsx", nil); rec.Code != http.StatusNotFound {
		t.Errorf("the .xlsx after the display period: %d", rec.Code)
	}
}

// TestResultsSearchInput: what the public types is text: an injection or
// LIKE's wildcards match nothing (the page says so in Chinese) instead of
// every result; a single character, a query over the bound or with control
// characters is refused with a Chinese message and the page still lists
// the tasks.
func TestResultsSearchInput(t *testing.T) {
	a := webtest.New(t)
	in := publishApproved(t, a)
	for _, q := range []string{"' OR 1=1 --", "%%", "__", `\\`, "旅行社' UNION SELECT * FROM users --"} {
		rec, body := a.Page(t, "", "GET", "/results?q="+url.QueryEscape(q), nil)
		if rec.Code != http.StatusOK || strings.Contains(body, in.Entity) || !strings.Contains(body, "没有找到与") {
			t.Errorf("search %q: %d\n%s", q, rec.Code, body)
		}
	}
	// One character is more than the name index can answer: refused
	// rather than scanned.
	for _, q := range []string{"%", "_", `\`, "旅"} {
		rec, body := a.Page(t, "", "GET", "/results?q="+url.QueryEscape(q), nil)
		if rec.Code != http.StatusBadRequest || !strings.Contains(body, "两个字以上") {
			t.Errorf("search %q: %d\n%.600s", q, rec.Code, body)
		}
	}
	for what, q := range map[string]string{
		"100 KB":            url.QueryEscape(strings.Repeat("a", 100<<10)),
		"a control":         url.QueryEscape("旅行社\x00"),
		"invalid UTF-8 too": "%C3%28",
	} {
		rec, body := a.Page(t, "", "GET", "/results?q="+q, nil)
		if rec.Code != http.StatusBadRequest || !strings.Contains(body, "请输入企业名称或统一社会信用代码") ||
			!strings.Contains(body, "/results/"+in.Task) {
			t.Errorf("%s: %d\n%.600s", what, rec.Code, body)
		}
	}
}
