package staff_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/webtest"
	"spotcheck/web"
)

// deadlineClock is noon in China on webtest.Today (2026-11-26), the
// clock of the deadline tests, for the store and the pages alike.
func deadlineClock() time.Time { return time.Date(2026, 11, 26, 4, 0, 0, 0, time.UTC) }

// districtDeadlines draws two tasks of dept over the travel agencies of
// division (台江区 has only one) and approves an inspection of each, the
// first completed on 2026-10-20 (due 11-17: overdue on 11-26), the second
// on 11-03 (due 12-01: due soon); it returns the links of the two and
// the names of their entities, and makes approver, an approver of dept.
func districtDeadlines(t *testing.T, a *webtest.App, code, dept, division, approver string) (late, soon string, names []string) {
	t.Helper()
	u := &spotcheck.User{Username: approver, Name: approver + "（测试）", Dept: dept, Roles: []string{spotcheck.RoleApprover}}
	if err := a.DB.Accounts().CreateUser(webtest.System(), u, demo.Password); err != nil {
		t.Fatal(err)
	}
	var links []string
	for i, item := range []string{"WL-LXS-005", "WL-LXS-004"} {
		task := code + "-" + strconv.Itoa(i+1)
		a.DrawEveryIn(t, task, dept, item, division)
		list, err := a.DB.Inspections().FindInspections(webtest.System(), spotcheck.InspectionFilter{Task: task})
		if err != nil || len(list) == 0 || len(list[0].Team) == 0 || list[0].EntityName == "" {
			t.Fatalf("%s: %+v, %v", task, list, err)
		}
		in := &list[0]
		approveCompleted(t, a, in, approver, []string{"2026-10-20", "2026-11-03"}[i])
		links = append(links, `href="/staff/inspections/`+strconv.FormatInt(in.ID, 10)+`"`)
		names = append(names, in.EntityName)
	}
	return links[0], links[1], names
}

// approveCompleted records in as completed on completed, with no problem
// found, has its team confirm and submit it and approver approve it.
func approveCompleted(t *testing.T, a *webtest.App, in *spotcheck.Inspection, approver, completed string) {
	t.Helper()
	members := make([]context.Context, 0, len(in.Team))
	for _, sid := range in.Team {
		name := strings.ToLower(sid)
		if _, err := a.DB.Accounts().FindUserByUsername(webtest.System(), name); err != nil {
			who, err := a.DB.Inspectors().FindInspectorByID(webtest.System(), sid)
			if err != nil {
				t.Fatal(err)
			}
			m := &spotcheck.User{Username: name, Name: who.Name, Dept: who.Dept, Roles: []string{spotcheck.RoleInspector}, StaffID: sid}
			if err := a.DB.Accounts().CreateUser(webtest.System(), m, demo.Password); err != nil {
				t.Fatal(err)
			}
		}
		members = append(members, a.As(t, name))
	}
	sv := a.DB.Inspections()
	rec := &spotcheck.Inspection{ID: in.ID, Methods: []string{spotcheck.MethodSite}, CheckIn: deadlineClock(),
		Completed: completed, Results: []string{"R01"}}
	for _, it := range in.Items {
		rec.Findings = append(rec.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
	}
	if err := sv.SaveInspection(members[0], rec); err != nil {
		t.Fatalf("SaveInspection: %v", err)
	}
	for _, m := range members {
		if err := sv.ConfirmInspection(m, in.ID); err != nil {
			t.Fatalf("ConfirmInspection: %v", err)
		}
	}
	if err := sv.SubmitInspection(members[0], in.ID); err != nil {
		t.Fatalf("SubmitInspection: %v", err)
	}
	if err := sv.ApproveInspection(a.As(t, approver), in.ID, ""); err != nil {
		t.Fatalf("ApproveInspection: %v", err)
	}
}

// TestDeadlinesScoped: 鼓楼区's and 台江区's approvers each see, on the
// deadline page and on their home page, their own district's overdue and
// due-soon publications and never the other district's, whatever the
// filter asks; the supervisor sees the overdue ones of both.
func TestDeadlinesScoped(t *testing.T) {
	a := webtest.New(t, func(c *web.Config) { c.Now = deadlineClock })
	a.DB.Now = deadlineClock
	glLate, glSoon, glNames := districtDeadlines(t, a, "2026-GL-DUE", "GLWL", "350102", "glapprover")
	tjLate, tjSoon, tjNames := districtDeadlines(t, a, "2026-TJ-DUE", "TJWL", "350103", "tjapprover")
	mine := map[string][]string{"glapprover": {glLate, glSoon}, "tjapprover": {tjLate, tjSoon}}
	theirs := map[string][]string{"glapprover": append([]string{tjLate, tjSoon}, tjNames...),
		"tjapprover": append([]string{glLate, glSoon}, glNames...)}
	for user, own := range mine {
		rec, body := a.Page(t, user, "GET", "/staff/deadlines", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", user, rec.Code, body)
		}
		late, soon := section(body, "deadlines-late"), section(body, "deadlines-soon")
		if !strings.Contains(late, own[0]) || !strings.Contains(soon, own[1]) || strings.Contains(late, own[1]) {
			t.Errorf("%s: overdue %q, due soon %q; want %s overdue and %s due soon", user, late, soon, own[0], own[1])
		}
		if !strings.Contains(body, "企业信息公示暂行条例") || !strings.Contains(body, "2026-11-17") || !strings.Contains(body, "2026-12-01") {
			t.Errorf("%s: the page lacks the rule or the due dates", user)
		}
		for _, path := range []string{"/staff/deadlines", "/staff/deadlines?dept=TJWL", "/staff/deadlines?dept=GLWL",
			"/staff/deadlines?dept=FZWL", "/staff/"} {
			_, body := a.Page(t, user, "GET", path, nil)
			for _, other := range theirs[user] {
				if strings.Contains(body, other) {
					t.Errorf("%s sees %s of the other district on %s", user, other, path)
				}
			}
		}
		_, body = a.Page(t, user, "GET", "/staff/", nil)
		if !strings.Contains(section(body, "todo-overdue"), own[0]) || !strings.Contains(section(body, "todo-due"), own[1]) {
			t.Errorf("%s: the home page's to-dos lack %s (overdue) or %s (due soon):\n%s", user, own[0], own[1], section(body, "todos"))
		}
	}
	_, body := a.Page(t, "supervisor", "GET", "/staff/", nil)
	if late := section(body, "todo-overdue"); !strings.Contains(late, glLate) || !strings.Contains(late, tjLate) ||
		!strings.Contains(late, "各部门") || strings.Contains(late, glSoon) {
		t.Errorf("the supervisor's late items: %s", late)
	}
	_, body = a.Page(t, "supervisor", "GET", "/staff/deadlines?dept=TJWL", nil)
	if late := section(body, "deadlines-late"); !strings.Contains(late, tjLate) || strings.Contains(late, glLate) {
		t.Errorf("the supervisor's late items of 台江区: %s", late)
	}
	// Counted per department, each with its one overdue and one due soon.
	_, body = a.Page(t, "supervisor", "GET", "/staff/deadlines", nil)
	byDept := section(body, "deadlines-by-dept")
	for _, d := range []string{"GLWL", "TJWL"} {
		if !regexp.MustCompile(`\?dept=` + d + `">[^<]+</a></td><td>1</td><td>1</td>`).MatchString(byDept) {
			t.Errorf("the supervisor's count of %s: %s", d, byDept)
		}
	}
	// Counted per person: each member of the team of 鼓楼区's overdue item,
	// whose own list holds it.
	_, body = a.Page(t, "glapprover", "GET", "/staff/deadlines", nil)
	people := regexp.MustCompile(`href="/staff/deadlines\?staff=([^"]+)"`).FindAllStringSubmatch(section(body, "deadlines-by-person"), -1)
	if len(people) < 2 {
		t.Fatalf("鼓楼区's people: %s", section(body, "deadlines-by-person"))
	}
	for _, m := range people {
		_, body := a.Page(t, "glapprover", "GET", "/staff/deadlines?staff="+m[1], nil)
		if !strings.Contains(body, glLate) && !strings.Contains(body, glSoon) {
			t.Errorf("the list of %s holds neither of 鼓楼区's items", m[1])
		}
		if _, tj := a.Page(t, "tjapprover", "GET", "/staff/deadlines?staff="+m[1], nil); strings.Contains(tj, glLate) || strings.Contains(tj, glSoon) {
			t.Errorf("台江区's approver sees the items of %s of 鼓楼区", m[1])
		}
	}
	if rec, _ := a.Page(t, "gladmin", "GET", "/staff/deadlines", nil); rec.Code != http.StatusForbidden {
		t.Errorf("a department admin opens the deadlines: %d", rec.Code)
	}
}

// section returns the element of body with id, up to its closing tag of
// the same name at the same depth (the tests' pages nest no element of
// one name inside another of that name and id).
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	start := strings.LastIndexByte(body[:i], '<')
	tag := body[start+1 : start+1+strings.IndexAny(body[start+1:], " >")]
	end := strings.Index(body[i:], "</"+tag+">")
	if end < 0 {
		return body[start:]
	}
	return body[start : i+end]
}

// TestHomeTodos: a team member's home page lists the visit coming up
// before its window opens, then to record; once recorded, waiting for each
// member's confirmation until they confirm, then ready to submit; the
// approver finds it submitted; once returned, the members find it with
// the approver's comment. A to-do done leaves the list.
func TestHomeTodos(t *testing.T) {
	clock := time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC)
	a := webtest.New(t, func(c *web.Config) { c.Now = func() time.Time { return clock } })
	a.DB.Now = deadlineClock
	in, members := a.Inspection(t)
	link := `href="/staff/inspections/` + strconv.FormatInt(in.ID, 10) + `"`
	// want checks that user's to-dos hold the inspection in the to-do
	// with id todo and in no other.
	want := func(user, todo string) {
		t.Helper()
		_, body := a.Page(t, user, "GET", "/staff/", nil)
		for _, id := range []string{"todo-upcoming", "todo-record", "todo-confirm", "todo-submit", "todo-returned", "todo-approve"} {
			if got := strings.Contains(section(body, id), link); got != (id == todo) {
				t.Errorf("%s: the inspection in %s: %v, want %v\n%s", user, id, got, id == todo, section(body, "todos"))
			}
		}
	}
	want(members[0], "todo-upcoming")
	clock = deadlineClock()
	want(members[0], "todo-record")
	want("approver", "")

	sv := a.DB.Inspections()
	rec := &spotcheck.Inspection{ID: in.ID, Methods: []string{spotcheck.MethodSite}, CheckIn: deadlineClock(),
		Completed: "2026-11-26", Results: []string{"R01"}}
	for _, it := range in.Items {
		rec.Findings = append(rec.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
	}
	if err := sv.SaveInspection(a.As(t, members[0]), rec); err != nil {
		t.Fatal(err)
	}
	want(members[0], "todo-confirm")
	want(members[1], "todo-confirm")
	if err := sv.ConfirmInspection(a.As(t, members[0]), in.ID); err != nil {
		t.Fatal(err)
	}
	want(members[0], "") // waiting for the colleague
	want(members[1], "todo-confirm")
	if err := sv.ConfirmInspection(a.As(t, members[1]), in.ID); err != nil {
		t.Fatal(err)
	}
	want(members[0], "todo-submit")
	want(members[1], "todo-submit")
	if err := sv.SubmitInspection(a.As(t, members[0]), in.ID); err != nil {
		t.Fatal(err)
	}
	want(members[0], "")
	want("approver", "todo-approve")
	if err := sv.ReturnInspection(a.As(t, "approver"), in.ID, "请补充现场照片"); err != nil {
		t.Fatal(err)
	}
	want("approver", "")
	want(members[1], "todo-returned")
	if _, body := a.Page(t, members[1], "GET", "/staff/", nil); !strings.Contains(section(body, "todo-returned"), "请补充现场照片") {
		t.Error("the returned to-do lacks the approver's comment")
	}
}
