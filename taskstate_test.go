package spotcheck

import (
	"slices"
	"strings"
	"testing"
)

// taskRoles are the people the task's table test asks: the city bureau's
// planner, approver and inspector, a district bureau's planner (who may not
// see the city's task) and no principal.
func taskRoles() []*Principal {
	p := func(name, dept string, roles ...string) *Principal {
		return NewPrincipal(User{Username: name, Dept: dept, Roles: roles, Active: true}, accessTree)
	}
	return []*Principal{p("pl", "FZWL", RolePlanner), p("ap", "FZWL", RoleApprover),
		p("in", "FZWL", RoleInspector), p("glpl", "GLWL", RolePlanner), nil}
}

// TestTaskCan is the specification of the task's workflow written out:
// for every action × state, the answer for the planner, the approver, the
// inspector, a district's planner and nobody. ok = allowed, C = ECONFLICT
// (wrong state), F = EFORBIDDEN, N = ENOTFOUND (may not see the task),
// U = EUNAUTHORIZED.
func TestTaskCan(t *testing.T) {
	type row struct{ action, state, planner, approver, inspector, district, nobody string }
	table := []row{
		{"edit", "draft", "ok", "F", "F", "N", "U"},
		{"edit", "published", "C", "F", "F", "N", "U"},
		{"edit", "drawn", "C", "F", "F", "N", "U"},
		{"edit", "inspecting", "C", "F", "F", "N", "U"},
		{"edit", "reviewing", "C", "F", "F", "N", "U"},
		{"edit", "publicized", "C", "F", "F", "N", "U"},
		{"edit", "follow-up", "C", "F", "F", "N", "U"},
		{"edit", "closed", "C", "F", "F", "N", "U"},
		{"edit", "cancelled", "C", "F", "F", "N", "U"},
		{"publish", "draft", "ok", "F", "F", "N", "U"},
		{"publish", "published", "C", "F", "F", "N", "U"},
		{"publish", "drawn", "C", "F", "F", "N", "U"},
		{"publish", "inspecting", "C", "F", "F", "N", "U"},
		{"publish", "reviewing", "C", "F", "F", "N", "U"},
		{"publish", "publicized", "C", "F", "F", "N", "U"},
		{"publish", "follow-up", "C", "F", "F", "N", "U"},
		{"publish", "closed", "C", "F", "F", "N", "U"},
		{"publish", "cancelled", "C", "F", "F", "N", "U"},
		{"draw", "draft", "C", "F", "F", "N", "U"},
		{"draw", "published", "ok", "F", "F", "N", "U"},
		{"draw", "drawn", "C", "F", "F", "N", "U"},
		{"draw", "inspecting", "C", "F", "F", "N", "U"},
		{"draw", "reviewing", "C", "F", "F", "N", "U"},
		{"draw", "publicized", "C", "F", "F", "N", "U"},
		{"draw", "follow-up", "C", "F", "F", "N", "U"},
		{"draw", "closed", "C", "F", "F", "N", "U"},
		{"draw", "cancelled", "C", "F", "F", "N", "U"},
		{"start", "draft", "C", "F", "F", "N", "U"},
		{"start", "published", "C", "F", "F", "N", "U"},
		{"start", "drawn", "ok", "F", "F", "N", "U"},
		{"start", "inspecting", "C", "F", "F", "N", "U"},
		{"start", "reviewing", "C", "F", "F", "N", "U"},
		{"start", "publicized", "C", "F", "F", "N", "U"},
		{"start", "follow-up", "C", "F", "F", "N", "U"},
		{"start", "closed", "C", "F", "F", "N", "U"},
		{"start", "cancelled", "C", "F", "F", "N", "U"},
		{"submit", "draft", "C", "F", "F", "N", "U"},
		{"submit", "published", "C", "F", "F", "N", "U"},
		{"submit", "drawn", "C", "F", "F", "N", "U"},
		{"submit", "inspecting", "ok", "F", "F", "N", "U"},
		{"submit", "reviewing", "C", "F", "F", "N", "U"},
		{"submit", "publicized", "C", "F", "F", "N", "U"},
		{"submit", "follow-up", "C", "F", "F", "N", "U"},
		{"submit", "closed", "C", "F", "F", "N", "U"},
		{"submit", "cancelled", "C", "F", "F", "N", "U"},
		{"publicize", "draft", "F", "C", "F", "F", "U"},
		{"publicize", "published", "F", "C", "F", "F", "U"},
		{"publicize", "drawn", "F", "C", "F", "F", "U"},
		{"publicize", "inspecting", "F", "C", "F", "F", "U"},
		{"publicize", "reviewing", "F", "ok", "F", "F", "U"},
		{"publicize", "publicized", "F", "C", "F", "F", "U"},
		{"publicize", "follow-up", "F", "C", "F", "F", "U"},
		{"publicize", "closed", "F", "C", "F", "F", "U"},
		{"publicize", "cancelled", "F", "C", "F", "F", "U"},
		{"follow-up", "draft", "C", "F", "F", "N", "U"},
		{"follow-up", "published", "C", "F", "F", "N", "U"},
		{"follow-up", "drawn", "C", "F", "F", "N", "U"},
		{"follow-up", "inspecting", "C", "F", "F", "N", "U"},
		{"follow-up", "reviewing", "C", "F", "F", "N", "U"},
		{"follow-up", "publicized", "ok", "F", "F", "N", "U"},
		{"follow-up", "follow-up", "C", "F", "F", "N", "U"},
		{"follow-up", "closed", "C", "F", "F", "N", "U"},
		{"follow-up", "cancelled", "C", "F", "F", "N", "U"},
		{"close", "draft", "C", "F", "F", "N", "U"},
		{"close", "published", "C", "F", "F", "N", "U"},
		{"close", "drawn", "C", "F", "F", "N", "U"},
		{"close", "inspecting", "C", "F", "F", "N", "U"},
		{"close", "reviewing", "C", "F", "F", "N", "U"},
		{"close", "publicized", "ok", "F", "F", "N", "U"},
		{"close", "follow-up", "ok", "F", "F", "N", "U"},
		{"close", "closed", "C", "F", "F", "N", "U"},
		{"close", "cancelled", "C", "F", "F", "N", "U"},
		{"cancel", "draft", "ok", "F", "F", "N", "U"},
		{"cancel", "published", "ok", "F", "F", "N", "U"},
		{"cancel", "drawn", "ok", "F", "F", "N", "U"},
		{"cancel", "inspecting", "C", "F", "F", "N", "U"},
		{"cancel", "reviewing", "C", "F", "F", "N", "U"},
		{"cancel", "publicized", "C", "F", "F", "N", "U"},
		{"cancel", "follow-up", "C", "F", "F", "N", "U"},
		{"cancel", "closed", "C", "F", "F", "N", "U"},
		{"cancel", "cancelled", "C", "F", "F", "N", "U"},
	}
	short := map[string]string{"ok": "ok", "C": ECONFLICT, "F": EFORBIDDEN, "N": ENOTFOUND, "U": EUNAUTHORIZED}
	if got, want := len(table), len(TaskMachine.Actions())*len(TaskMachine.States); got != want {
		t.Fatalf("the table has %d rows, the machine %d action × state pairs", got, want)
	}
	seen := map[string]bool{}
	for _, r := range table {
		seen[r.action+"|"+r.state] = true
		tk := &Task{Code: "T-1", Authority: "FZWL", State: r.state}
		for i, want := range []string{r.planner, r.approver, r.inspector, r.district, r.nobody} {
			if got := code(tk.Can(Action(r.action), taskRoles()[i])); got != short[want] {
				t.Errorf("%s in %s by role %d = %s, want %s", r.action, r.state, i, got, short[want])
			}
		}
	}
	for _, a := range TaskMachine.Actions() {
		for _, s := range TaskMachine.States {
			if !seen[string(a)+"|"+s] {
				t.Errorf("the table misses %s in %s", a, s)
			}
		}
	}
}

// TestTaskNext walks the happy path and the cancellations: the state after
// each allowed action.
func TestTaskNext(t *testing.T) {
	steps := []struct {
		from string
		a    Action
		to   string
	}{
		{TaskDraft, TaskActEdit, TaskDraft}, {TaskDraft, TaskActPublish, TaskPublished},
		{TaskPublished, TaskActDraw, TaskDrawn}, {TaskDrawn, TaskActStart, TaskInspecting},
		{TaskInspecting, TaskActSubmit, TaskReviewing}, {TaskReviewing, TaskActPublicize, TaskPublicized},
		{TaskPublicized, TaskActFollowUp, TaskFollowUp}, {TaskPublicized, TaskActClose, TaskClosed},
		{TaskFollowUp, TaskActClose, TaskClosed}, {TaskDraft, TaskActCancel, TaskCancelled},
		{TaskPublished, TaskActCancel, TaskCancelled}, {TaskDrawn, TaskActCancel, TaskCancelled},
	}
	for _, s := range steps {
		tk := &Task{Code: "T-1", State: s.from}
		if got, err := tk.Next(s.a); err != nil || got != s.to {
			t.Errorf("%s from %s = %s, %v; want %s", s.a, s.from, got, err, s.to)
		}
	}
	tk := &Task{Code: "T-1", State: TaskClosed}
	if _, err := tk.Next(TaskActCancel); !strings.Contains(ErrorMessage(err), "任务 T-1 当前状态为“办结”") {
		t.Errorf("a closed task cancelled: %v", err)
	}
}

// TestTaskCanCancel: a cancellation says why.
func TestTaskCanCancel(t *testing.T) {
	pl, in := taskRoles()[0], taskRoles()[2]
	tests := []struct {
		name, state, reason string
		p                   *Principal
		want                string
	}{
		{"with a reason", TaskPublished, "上级通知暂停", pl, "ok"},
		{"without a reason", TaskPublished, "", pl, EINVALID},
		{"with blanks only", TaskDraft, "  \t", pl, EINVALID},
		{"a reason too long", TaskDraft, strings.Repeat("因", 501), pl, EINVALID},
		{"once inspecting", TaskInspecting, "上级通知暂停", pl, ECONFLICT},
		{"by an inspector", TaskPublished, "上级通知暂停", in, EFORBIDDEN},
		{"by nobody", TaskPublished, "上级通知暂停", nil, EUNAUTHORIZED},
	}
	for _, tt := range tests {
		tk := &Task{Code: "T-1", Authority: "FZWL", State: tt.state}
		if got := code(tk.CanCancel(tt.p, tt.reason)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	tk := &Task{Code: "T-1", Authority: "FZWL", State: TaskDrawn}
	if err := tk.CanCancel(pl, ""); !strings.Contains(ErrorMessage(err), "须说明理由") {
		t.Errorf("the refusal says %q", ErrorMessage(err))
	}
	if !slices.Contains(TaskActions, TaskActCancel) || TaskActionNames[TaskActCancel] != "撤销" {
		t.Error("cancel is not offered")
	}
}

// TestHandover: 市抽县查 hands an entity to the bureau below the authority
// whose division it is; that bureau sees the task and takes no step.
func TestHandover(t *testing.T) {
	for _, tt := range []struct{ division, want string }{
		{"350102", "GLWL"}, {"350103", "TJWL"}, {"350100", "FZWL"}, {"350199", "FZWL"},
	} {
		if got := HandoverDept(accessTree, "FZWL", tt.division); got != tt.want {
			t.Errorf("an entity of %s is handed to %s, want %s", tt.division, got, tt.want)
		}
	}
	gl := taskRoles()[3] // GLWL's planner
	tk := &Task{Code: "T-1", Authority: "FZWL", State: TaskDrawn, Mode: ModeCityDrawsDistrict}
	if got := code(tk.Can(TaskActStart, gl)); got != ENOTFOUND {
		t.Errorf("before the handover: %s", got)
	}
	tk.HandedTo = []string{"GLWL"}
	if got := code(tk.Can(TaskActStart, gl)); got != EFORBIDDEN {
		t.Errorf("after the handover: %s", got)
	}
	if !slices.Equal(tk.Viewers(), []string{"FZWL", "GLWL"}) || code(gl.AuthorizeTask(PermViewDraws, tk.Viewers(), nil)) != "ok" {
		t.Errorf("viewers %v", tk.Viewers())
	}
	if got := code(tk.Can(TaskActStart, taskRoles()[0])); got != "ok" {
		t.Errorf("the city's planner: %s", got)
	}
}
