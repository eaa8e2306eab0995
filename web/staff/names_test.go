package staff_test

import (
	"slices"
	"strings"
	"testing"

	"spotcheck/internal/webtest"
)

// People see names, not codes (issue 9, item 8): the lists show 鼓楼区
// rather than 350102, 旅行社 rather than T01, 福州市文化和旅游局 rather than
// FZWL, and keep the code in the tooltip; filters offer names.
func TestListsShowNames(t *testing.T) {
	a := webtest.New(t)
	tests := []struct {
		user, path, table, column string
		name, code                string
	}{
		{"cityadmin", "/staff/entities?division=350102", "entities", "区划", "鼓楼区", "350102"},
		{"cityadmin", "/staff/entities?type=T01", "entities", "类型", "旅行社", "T01"},
		{"cityadmin", "/staff/inspectors?dept=GLWL", "inspectors", "所属部门", "鼓楼区文化体育和旅游局", "GLWL"},
		{"cityadmin", "/staff/responsibilities?dept=FZWL", "responsibilities", "部门", "福州市文化和旅游局", "FZWL"},
		{"secadmin", "/staff/users?dept=FZWL", "users", "所属部门", "福州市文化和旅游局", "FZWL"},
		{"secadmin", "/staff/users?role=planner", "users", "角色", "计划员", "planner"},
		{"planner", "/staff/tasks", "tasks", "发起部门", "福州市文化和旅游局", "FZWL"},
		{"sysadmin", "/staff/departments", "departments", "服务区划", "鼓楼区", "350102"},
	}
	for _, tt := range tests {
		rec, body := a.Page(t, tt.user, "GET", tt.path, nil)
		if rec.Code != 200 {
			t.Fatalf("%s GET %s: %d", tt.user, tt.path, rec.Code)
		}
		cells := webtest.TableOf(t, body, tt.table).Column(t, tt.column)
		if !slices.ContainsFunc(cells, func(c string) bool { return strings.Contains(c, tt.name) }) {
			t.Errorf("%s: column %s lacks %s: %q", tt.path, tt.column, tt.name, cells)
		}
		if slices.ContainsFunc(cells, func(c string) bool { return slices.Contains(strings.Fields(c), tt.code) }) {
			t.Errorf("%s: column %s shows the code %s: %q", tt.path, tt.column, tt.code, cells)
		}
		if !strings.Contains(body, `title="`+tt.code+`"`) {
			t.Errorf("%s: no tooltip with the code %s", tt.path, tt.code)
		}
	}
	// The filters offer names; their values stay codes.
	_, body := a.Page(t, "cityadmin", "GET", "/staff/entities", nil)
	for _, want := range []string{`<option value="350102" >鼓楼区</option>`, `<option value="T01" >旅行社</option>`,
		`<option value="B" >信用风险一般（B）</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the entity filters lack %s", want)
		}
	}
	// Every page says whose workspace it is by the department's name.
	if !strings.Contains(webtest.Text(body), "福州市文化和旅游局 · 部门管理员") {
		t.Errorf("the header does not name the user's department and role")
	}
}

// TestDrawPagesShowNames: the staff draw page names the task's department
// and each participant by role and unit, with the user name beside it
// (the commitment is computed with it).
func TestDrawPagesShowNames(t *testing.T) {
	a := webtest.New(t)
	_, body := a.Page(t, "planner", "GET", a.Draws.Drawn.Path(), nil)
	if text := webtest.Text(body); !strings.Contains(text, "发起部门 福州市文化和旅游局") {
		t.Errorf("the draw page does not name the department")
	}
	cells := webtest.TableOf(t, body, "commits").Column(t, "参与人")
	if !slices.Contains(cells, "监督员（福州市文化和旅游局） supervisor") || !slices.Contains(cells, "平台 system") {
		t.Errorf("participants %q", cells)
	}
}
