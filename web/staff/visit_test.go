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

// TestVisitPages: after a city and a district task draw the same
// agencies, the planner finds the proposals on the list, opens one (the
// combined checklist grouped by department, named), is refused a date
// outside the overlap with the reason beside the field, accepts, and the
// page shows the one date and notice; the fire brigade does not see it,
// a supervisor sees it without the buttons.
func TestVisitPages(t *testing.T) {
	a := webtest.New(t)
	a.DrawEvery(t, "2026-WEB-VISIT-1", "FZWL", "WL-LXS-004")
	a.DrawEvery(t, "2026-WEB-VISIT-2", "GLWL", "WL-LXS-005")
	vs, err := a.DB.Visits().FindVisits(a.As(t, "planner"), spotcheck.VisitFilter{State: spotcheck.VisitProposed})
	if err != nil || len(vs) == 0 {
		t.Fatalf("no proposals: %v", err)
	}
	v := vs[0]
	_, body := a.Page(t, "planner", "GET", "/staff/visits?state=proposed", nil)
	if rows := webtest.TableOf(t, body, "visits").Rows; len(rows) != len(vs) {
		t.Fatalf("the list has %d rows, want %d", len(rows), len(vs))
	}
	path := fmt.Sprintf("/staff/visits/%d", v.ID)
	rec, body := a.Page(t, "planner", "GET", path, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("visit page: %d", rec.Code)
	}
	for _, want := range []string{"确认合并", "不合并", "福州市文化和旅游局", "鼓楼区文化体育和旅游局", "旅游服务质量保证金交存情况检查",
		"不合理低价游及强迫购物情况检查", "合并检查清单", "data-confirm=", "（本部门事项，结果由本部门审核）"} {
		if !strings.Contains(body, want) {
			t.Errorf("the visit page lacks %q", want)
		}
	}
	rec, body = a.Page(t, "planner", "POST", path+"/accept", url.Values{"date": {"2027-01-05"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "应在各任务检查期间的重叠部分内") {
		t.Fatalf("a date outside the window: %d", rec.Code)
	}
	rec, _ = a.Page(t, "planner", "POST", path+"/accept", url.Values{"date": {"2026-12-01"}, "note": {"一次进门"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", rec.Code, rec.Body)
	}
	_, body = a.Page(t, "planner", "GET", path+"?ok=visit-accepted", nil)
	for _, want := range []string{"已合并", "2026-12-01", spotcheck.VisitNotice("2026", v.ID), "已确认合并"} {
		if !strings.Contains(body, want) {
			t.Errorf("the accepted visit's page lacks %q", want)
		}
	}
	if strings.Contains(body, `action="`+path+`/accept"`) {
		t.Error("an accepted visit still offers the button")
	}
	if rec, _ := a.Page(t, "firedept", "GET", path, nil); rec.Code != http.StatusNotFound {
		t.Errorf("the fire brigade's planner: %d, want 404", rec.Code)
	}
	rec, body = a.Page(t, "supervisor", "GET", fmt.Sprintf("/staff/visits/%d", vs[len(vs)-1].ID), nil)
	if rec.Code != http.StatusOK || strings.Contains(body, "/decline") {
		t.Errorf("the supervisor's view: %d, buttons shown: %v", rec.Code, strings.Contains(body, "/decline"))
	}
}

// TestCapAndAlertPages: the system administrator lowers the cap on its
// page (a bad value is refused beside its field), a planner may not; the
// supervisor's alert page then names the agencies the city drew twice and
// the tasks that drew them.
func TestCapAndAlertPages(t *testing.T) {
	a := webtest.New(t)
	a.DrawEvery(t, "2026-WEB-CAP-1", "FZWL", "WL-LXS-004")
	a.DrawEvery(t, "2026-WEB-CAP-2", "FZWL", "WL-LXS-005")
	_, body := a.Page(t, "sysadmin", "GET", "/staff/caps", nil)
	if !strings.Contains(body, "国办发〔2024〕54号") {
		t.Errorf("the cap page does not name its source")
	}
	if rec, _ := a.Page(t, "planner", "GET", "/staff/caps", nil); rec.Code != http.StatusForbidden {
		t.Errorf("a planner's cap page: %d", rec.Code)
	}
	rec, body := a.Page(t, "sysadmin", "POST", "/staff/caps", url.Values{"limit": {"0"}, "source": {"国办发〔2024〕54号"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "应为1–12次") {
		t.Fatalf("a cap of 0: %d", rec.Code)
	}
	_, body = a.Page(t, "supervisor", "GET", "/staff/alerts?year=2026", nil)
	if !strings.Contains(body, "本年度没有超过上限的检查") {
		t.Errorf("alerts under the default cap")
	}
	rec, _ = a.Page(t, "sysadmin", "POST", "/staff/caps", url.Values{"limit": {"1"}, "source": {"国办发〔2024〕54号"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d", rec.Code)
	}
	if c, _ := a.DB.Caps().FindCapPolicy(a.As(t, "planner")); c.Limit != 1 || c.ExemptHighRisk {
		t.Errorf("stored %+v", c)
	}
	_, body = a.Page(t, "supervisor", "GET", "/staff/alerts?year=2026", nil)
	rows := webtest.TableOf(t, body, "alerts").Rows
	found := false
	for _, r := range rows {
		found = found || strings.Contains(r[1], "福州市文化和旅游局") && strings.Contains(r[2], "2（上限1）") &&
			strings.Contains(r[3], "联合检查测试任务 2026-WEB-CAP-1") && strings.Contains(r[3], "联合检查测试任务 2026-WEB-CAP-2")
	}
	if !found {
		t.Errorf("no alert names the two tasks: %v", rows)
	}
	if rec, _ := a.Page(t, "planner", "GET", "/staff/alerts", nil); rec.Code != http.StatusForbidden {
		t.Errorf("a planner's alerts: %d", rec.Code)
	}
}
