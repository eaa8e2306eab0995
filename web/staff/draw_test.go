package staff_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"spotcheck/internal/webtest"
)

// The staff pages of tasks and draws, on the real store with the draws of
// webtest: 1 waits for the supervisor's commitment, 2 is drawn and sealed
// with a substitution chief requested, 3 is published.

// TestDrawPagesByRole: who reaches the task and draw pages (design §1):
// planners, supervisors and approvers of the task's departments (the
// supervisors everywhere); not inspectors or admins, nor a planner of
// another department; visitors are sent to sign in.
func TestDrawPagesByRole(t *testing.T) {
	a := webtest.New(t)
	d := a.Draws
	viewers := []string{"planner", "supervisor", "approver", "chief"}
	pages := []string{"/staff/tasks", "/staff/tasks/" + d.Drawn.Task, "/staff/draws", d.Committing.Path(), d.Drawn.Path(),
		d.Published.Path()}
	for _, p := range pages {
		for _, u := range viewers {
			if rec, body := a.Page(t, u, "GET", p, nil); rec.Code != 200 {
				t.Errorf("%s GET %s: %d, want 200\n%.400s", u, p, rec.Code, body)
			}
		}
		for _, u := range []string{"inspector", "cityadmin"} {
			if rec, _ := a.Page(t, u, "GET", p, nil); rec.Code != 403 {
				t.Errorf("%s GET %s: %d, want 403", u, p, rec.Code)
			}
		}
		if rec, _ := a.Page(t, "", "GET", p, nil); rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("visitor GET %s: %d %s, want a redirect to /login", p, rec.Code, rec.Header().Get("Location"))
		}
	}
	// A planner of 鼓楼 may use the pages, but not on the city's task,
	// which for them does not exist: the answer is a missing task's.
	for p, want := range map[string]int{"/staff/tasks": 200, "/staff/draws": 200, "/staff/tasks/" + d.Drawn.Task: 404,
		d.Drawn.Path(): 404, d.Drawn.Path() + "/bundle.zip": 404, "/staff/tasks/" + d.Drawn.Task + "/draws/new": 404} {
		rec, body := a.Page(t, "glplanner", "GET", p, nil)
		if rec.Code != want || strings.Contains(body, "不属于您的部门") {
			t.Errorf("glplanner GET %s: %d, want %d\n%.300s", p, rec.Code, want, body)
		}
	}
	for _, id := range []string{strconv.FormatInt(d.Drawn.ID, 10), "99"} {
		if _, body := a.Page(t, "glplanner", "GET", "/staff/draws/"+id, nil); !strings.Contains(body, "没有编号为 "+id+" 的抽取") {
			t.Errorf("glplanner GET /staff/draws/%s: not the answer for a missing draw\n%.300s", id, body)
		}
	}
	_, body := a.Page(t, "glplanner", "GET", "/staff/draws", nil)
	if strings.Contains(body, d.Drawn.Path()+`"`) {
		t.Errorf("the list shows glplanner a draw of another department")
	}
	// The forms of planners only.
	for _, p := range []string{"/staff/tasks/new", "/staff/tasks/" + d.Drawn.Task + "/draws/new"} {
		for u, want := range map[string]int{"planner": 200, "chief": 200, "supervisor": 403, "approver": 403} {
			if rec, _ := a.Page(t, u, "GET", p, nil); rec.Code != want {
				t.Errorf("%s GET %s: %d, want %d", u, p, rec.Code, want)
			}
		}
	}
	// The navigation offers the pages to those who may use them.
	for u, want := range map[string]bool{"planner": true, "supervisor": true, "inspector": false} {
		rec, body := a.Page(t, u, "GET", "/staff/", nil)
		if rec.Code != 200 {
			t.Fatalf("%s GET /staff/: %d", u, rec.Code)
		}
		if got := strings.Contains(body, `href="/staff/draws"`); got != want {
			t.Errorf("%s: navigation links the draws: %v, want %v", u, got, want)
		}
	}
}

// formsOf returns the actions of the POST forms of a page.
func formsOf(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestDrawActionsByRole: each role is offered the steps that are theirs,
// in the states they belong to.
func TestDrawActionsByRole(t *testing.T) {
	a := webtest.New(t)
	one, two, three := a.Draws.Committing.Path(), a.Draws.Drawn.Path(), a.Draws.Published.Path()
	decide := two + "/changes/" + strconv.FormatInt(a.Draws.Change, 10) + "/decide"
	tests := []struct {
		user, path string
		has, lacks []string
	}{
		{"supervisor", one, []string{one + "/commit"}, []string{one + "/withhold", one + "/run", one + "/reveal"}},
		{"planner", one, []string{one + "/withhold"}, []string{one + "/commit", one + "/reveal", one + "/embargo"}},
		{"approver", one, nil, []string{one + "/commit", one + "/withhold"}},
		{"planner", two, []string{two + "/changes"}, []string{decide, two + "/embargo", two + "/run"}},
		{"approver", two, []string{decide}, []string{two + "/changes", two + "/embargo"}},
		{"supervisor", two, []string{decide, two + "/embargo"}, []string{two + "/changes"}},
		// chief requested the change: no buttons to decide it.
		{"chief", two, []string{two + "/changes"}, []string{decide}},
		{"supervisor", three, nil, []string{three + "/embargo", three + "/commit"}},
	}
	for _, tt := range tests {
		rec, body := a.Page(t, tt.user, "GET", tt.path, nil)
		if rec.Code != 200 {
			t.Fatalf("%s GET %s: %d", tt.user, tt.path, rec.Code)
		}
		forms := formsOf(body)
		for _, f := range tt.has {
			if !slices.Contains(forms, f) {
				t.Errorf("%s on %s: no form for %s (forms %v)", tt.user, tt.path, f, forms)
			}
		}
		for _, f := range tt.lacks {
			if slices.Contains(forms, f) {
				t.Errorf("%s on %s: offered %s", tt.user, tt.path, f)
			}
		}
	}
	_, body := a.Page(t, "chief", "GET", two, nil)
	if !strings.Contains(body, "本人申请，须由他人审批") {
		t.Errorf("the requester is not told that another must decide")
	}
	// The stepper shows where each draw stands.
	for p, current := range map[string]string{one: "收集承诺", two: "抽取（保密中）"} {
		_, body := a.Page(t, "planner", "GET", p, nil)
		if !regexp.MustCompile(`class="step current"[^>]*><span class="stepno">\d</span> ` + current).MatchString(body) {
			t.Errorf("%s: current step is not %s", p, current)
		}
	}
}
