package staff_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/internal/webtest"
	"spotcheck/jobs"
)

// TestJobsPage: the system administrator sees each job with its schedule
// and, once it ran, which server ran it, its outcome, its error and who
// asked for it; "run now" queues one run that a scheduler takes; a
// cross-site form and every other user are refused.
func TestJobsPage(t *testing.T) {
	a := webtest.New(t)
	work := jobs.Job{Name: "work", Title: "整理数据（测试）", Schedule: spotcheck.JobEvery(time.Hour),
		Run: func(context.Context) (map[string]int64, error) { return map[string]int64{"rows": 7}, nil }}
	fail := jobs.Job{Name: "fail", Title: "推送对账（测试）", Schedule: spotcheck.JobDailyAt(3, 0),
		Run: func(context.Context) (map[string]int64, error) { return nil, errors.New("对账文件格式错误") }}
	s := jobs.New(a.DB, "server-7", nil, work, fail)
	sys := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("tester"))
	if err := s.Register(sys); err != nil {
		t.Fatal(err)
	}
	rec, body := a.Page(t, "sysadmin", "GET", "/staff/jobs", nil)
	if rec.Code != http.StatusOK || !strings.Contains(body, "整理数据（测试）") || !strings.Contains(body, "每 1 小时") ||
		!strings.Contains(body, "每天 03:00（北京时间）") || strings.Count(body, "尚未运行") != 2 {
		t.Fatalf("%d\n%s", rec.Code, body)
	}

	// A cross-site form is refused; the administrator's own is taken.
	req := httptest.NewRequest("POST", "/staff/jobs/work/run", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, "sysadmin")})
	rr := httptest.NewRecorder()
	a.Web.ServeHTTP(rr, req)
	if rr.Code != http.StatusForbidden {
		t.Errorf("cross-site run: %d", rr.Code)
	}
	for _, u := range []string{"planner", "secadmin", "auditor", "supervisor"} {
		if rec, _ := a.Page(t, u, "GET", "/staff/jobs", nil); rec.Code != http.StatusForbidden {
			t.Errorf("%s: %d", u, rec.Code)
		}
		if rec, _ := a.Page(t, u, "POST", "/staff/jobs/work/run", url.Values{}); rec.Code != http.StatusForbidden {
			t.Errorf("%s run: %d", u, rec.Code)
		}
	}
	for _, name := range []string{"work", "fail"} {
		if rec, _ := a.Page(t, "sysadmin", "POST", "/staff/jobs/"+name+"/run", url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("run now: %d", rec.Code)
		}
	}
	if rec, _ := a.Page(t, "sysadmin", "POST", "/staff/jobs/nothing/run", url.Values{}); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown job: %d", rec.Code)
	}
	_, body = a.Page(t, "sysadmin", "GET", "/staff/jobs?ok=job-requested", nil)
	if !strings.Contains(body, "已请求立即运行：") || strings.Count(body, "系统管理员（示例） 已请求立即运行") != 2 ||
		strings.Contains(body, `action="/staff/jobs/work/run"`) {
		t.Fatalf("waiting requests:\n%s", body)
	}
	if rec, _ := a.Page(t, "sysadmin", "POST", "/staff/jobs/work/run", url.Values{}); rec.Code != http.StatusConflict {
		t.Errorf("a second request while one waits: %d", rec.Code)
	}

	if ran, err := s.RunDue(sys); ran != 2 || err != nil {
		t.Fatalf("ran %d, %v", ran, err)
	}
	_, body = a.Page(t, "sysadmin", "GET", "/staff/jobs", nil)
	body = html.UnescapeString(body)
	for _, want := range []string{"server-7", "成功", "rows=7", "失败", "对账文件格式错误", `action="/staff/jobs/work/run"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Who asked, in each job's last run and in the list of runs.
	if strings.Count(body, "系统管理员（示例） 请求") != 2 || strings.Count(body, "<td>系统管理员（示例）</td>") != 2 ||
		strings.Contains(body, "尚未运行") {
		t.Errorf("runs:\n%s", body)
	}
}
