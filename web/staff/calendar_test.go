package staff_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"spotcheck/internal/webtest"
	"spotcheck/web"
)

// postCalendar posts data as the CSV of the calendar's import form, as
// user.
func postCalendar(t *testing.T, a *webtest.App, user, name, data string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(data))
	mw.WriteField("note", "国办发明电〔2027〕")
	mw.Close()
	req := httptest.NewRequest("POST", "/staff/calendar/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, user)})
	rec := httptest.NewRecorder()
	a.Web.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// TestCalendarPage: in December 2027 the system administrator's home page
// says that 2028 has no holiday data; the calendar page refuses a bad
// import (every row error, nothing written), takes a good one and a
// single day, and the banner is gone. Nobody else sees the banner.
func TestCalendarPage(t *testing.T) {
	now := time.Date(2027, 12, 1, 2, 0, 0, 0, time.UTC)
	a := webtest.New(t, func(c *web.Config) { c.Now = func() time.Time { return now } })
	const banner = "工作日历缺少2028年的节假日安排数据"

	if _, body := a.Page(t, "sysadmin", "GET", "/staff/", nil); !strings.Contains(body, banner) {
		t.Fatalf("the system administrator's home page has no banner for 2028")
	}
	if _, body := a.Page(t, "planner", "GET", "/staff/", nil); strings.Contains(body, banner) {
		t.Errorf("a planner sees the administrators' banner")
	}

	code, body := postCalendar(t, a, "sysadmin", "2028.csv", "日期,类型\n2028-01-01,休\n2028-02-31,休\n2028-01-29,加班\n")
	if code != http.StatusBadRequest || !strings.Contains(body, "共 2 处错误，未写入任何数据") ||
		!strings.Contains(body, "第3行") || !strings.Contains(body, "“加班”应为“休”或“班”") {
		t.Fatalf("bad import: %d\n%s", code, body)
	}
	if os, err := a.DB.Calendar().FindCalendarOverrides(webtest.System()); err != nil || len(os) != 0 {
		t.Fatalf("after a refused import: %v %v", os, err)
	}
	code, body = postCalendar(t, a, "sysadmin", "2028.csv", "日期,类型\n2028-01-01,休\n2028-01-29,班\n")
	if code != http.StatusOK || !strings.Contains(body, "导入完成（2028.csv）：2 天") {
		t.Fatalf("import: %d\n%s", code, body)
	}

	rec, _ := a.Page(t, "sysadmin", "POST", "/staff/calendar", url.Values{"date": {"2028-01-30"}, "kind": {"班"}, "note": {"更正"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	rec, body = a.Page(t, "sysadmin", "POST", "/staff/calendar", url.Values{"date": {"2028-13-01"}, "kind": {"休"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "不是 YYYY-MM-DD 格式的日期") {
		t.Errorf("bad date: %d", rec.Code)
	}
	_, body = a.Page(t, "sysadmin", "GET", "/staff/calendar?year=2028", nil)
	for _, want := range []string{"2028-01-30", "班（上班）", "更正", "2028-01-01", "国办发明电〔2027〕"} {
		if !strings.Contains(body, want) {
			t.Errorf("the 2028 page lacks %q", want)
		}
	}
	if _, body := a.Page(t, "sysadmin", "GET", "/staff/", nil); strings.Contains(body, banner) {
		t.Errorf("the banner stays after 2028 was imported")
	}
	if rec, _ := a.Page(t, "planner", "POST", "/staff/calendar", url.Values{"date": {"2028-01-31"}, "kind": {"休"}}); rec.Code != http.StatusForbidden {
		t.Errorf("a planner adds an override: %d", rec.Code)
	}
	if os, _ := a.DB.Calendar().FindCalendarOverrides(webtest.System()); len(os) != 3 {
		t.Errorf("%d overrides, want 3", len(os))
	}
}

// The left navigation leads the administrators to their pages: the
// calendar for the system administrator, the security policy for the
// security administrator, and neither for anyone else.
func TestNavigationLeadsToAdminPages(t *testing.T) {
	a := webtest.New(t)
	for _, c := range []struct {
		user     string
		has, not []string
	}{
		{"sysadmin", []string{`href="/staff/calendar"`}, []string{`href="/staff/security"`}},
		{"secadmin", []string{`href="/staff/security"`, `href="/staff/users"`}, []string{`href="/staff/calendar"`}},
		{"planner", nil, []string{`href="/staff/calendar"`, `href="/staff/security"`}},
	} {
		// The account page: every user's, and it links to neither itself.
		_, body := a.Page(t, c.user, "GET", "/staff/account", nil)
		for _, s := range c.has {
			if !strings.Contains(body, s) {
				t.Errorf("%s's navigation lacks %s", c.user, s)
			}
		}
		for _, s := range c.not {
			if strings.Contains(body, s) {
				t.Errorf("%s's navigation shows %s", c.user, s)
			}
		}
	}
}

// TestDrawWindowForm: the system administrator sets a bureau's fixed draw
// window on the calendar page, which then shows this quarter's span on the
// Chinese calendar; a bad number is refused with the field's message and
// nothing is set.
func TestDrawWindowForm(t *testing.T) {
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	a := webtest.New(t, func(c *web.Config) { c.Now = func() time.Time { return now } })
	rec, body := a.Page(t, "sysadmin", "POST", "/staff/calendar/window", url.Values{"dept": {"GLWL"}, "days": {"25"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "固定抽取窗口：应为0–20个工作日") {
		t.Fatalf("25 days: %d\n%s", rec.Code, body)
	}
	rec, _ = a.Page(t, "sysadmin", "POST", "/staff/calendar/window", url.Values{"dept": {"GLWL"}, "days": {"5"}, "note": {"鼓楼区实施细则"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("set: %d %s", rec.Code, rec.Body)
	}
	_, body = a.Page(t, "sysadmin", "GET", "/staff/calendar", nil)
	// 国庆 2026: 1–7 October off; 8, 9, 10 (a Saturday worked), 12 and 13 October.
	for _, want := range []string{"鼓楼区文化体育和旅游局", "鼓楼区实施细则", "2026-10-08 至 2026-10-13"} {
		if !strings.Contains(body, want) {
			t.Errorf("the calendar page lacks %q", want)
		}
	}
}
