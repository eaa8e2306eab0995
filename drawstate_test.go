package spotcheck

import (
	"slices"
	"strings"
	"testing"
)

// drawRoles are the people the draw's table test asks for, of a joint
// task of FZWL with the partner FZXF whose plan declares the official
// "sup".
func drawRoles() map[string]*Principal {
	p := func(name, dept string, roles ...string) *Principal {
		return NewPrincipal(User{Username: name, Dept: dept, Roles: roles, Active: true}, accessTree)
	}
	return map[string]*Principal{
		"planner":           p("pl", "FZWL", RolePlanner),
		"partner planner":   p("xfpl", "FZXF", RolePlanner),
		"district planner":  p("glpl", "GLWL", RolePlanner),
		"official":          p("sup", "FZWL", RoleSupervisor),
		"other supervisor":  p("sup2", "FZXF", RoleSupervisor),
		"approver":          p("ap", "FZWL", RoleApprover),
		"district approver": p("glap", "GLWL", RoleApprover),
		"inspector":         p("insp", "FZWL", RoleInspector),
		"public":            Public(),
		"system":            System("cli:root"),
		"nobody":            nil,
	}
}

// drawIn returns draw 7 of the joint task in state: the platform has
// committed, and the official "sup" has committed from DrawRevealing on,
// but not revealed.
func drawIn(state string) *Draw {
	d := &Draw{ID: 7, Task: "T-1", Authority: "FZWL", Partners: []string{"FZXF"}, State: state,
		Commits: []DrawCommit{{Participant: "sup"}, {Participant: SystemParticipant, Commitment: strings.Repeat("a", 64)}}}
	if state != DrawCommitting {
		d.Commits[0].Commitment = strings.Repeat("b", 64)
	}
	return d
}

// TestDrawCan walks every state × action × role: who may act follows the
// role (whatever the state), and then the state decides.
func TestDrawCan(t *testing.T) {
	all := []string{DrawCommitting, DrawRevealing, DrawDrawn, DrawPublished, DrawFailed, DrawSuperseded}
	// The specification, written out: the states each action is taken in…
	states := map[Action][]string{
		DrawActCommit:        {DrawCommitting},
		DrawActReveal:        {DrawRevealing},
		DrawActWithhold:      {DrawCommitting, DrawRevealing},
		DrawActRun:           {DrawRevealing},
		DrawActRequestChange: {DrawDrawn, DrawPublished},
		DrawActApproveChange: {DrawDrawn, DrawPublished},
		DrawActRejectChange:  all,
		DrawActLiftEmbargo:   {DrawDrawn},
		DrawActRedraw:        {DrawCommitting, DrawRevealing, DrawDrawn, DrawPublished, DrawFailed},
	}
	// …and who may take it: the answer for each role in a state that allows it.
	witness := map[string]string{"official": "ok", "nobody": EUNAUTHORIZED}
	manage := map[string]string{"planner": "ok", "district planner": ENOTFOUND, "system": "ok", "nobody": EUNAUTHORIZED}
	approve := map[string]string{"official": "ok", "other supervisor": "ok", "approver": "ok",
		"district approver": ENOTFOUND, "system": "ok", "nobody": EUNAUTHORIZED}
	supervise := map[string]string{"official": "ok", "other supervisor": "ok", "system": "ok", "nobody": EUNAUTHORIZED}
	who := map[Action]map[string]string{
		DrawActCommit: witness, DrawActReveal: witness,
		DrawActWithhold: manage, DrawActRun: manage, DrawActRequestChange: manage, DrawActRedraw: manage,
		DrawActApproveChange: approve, DrawActRejectChange: approve, DrawActLiftEmbargo: supervise,
	}
	if got := DrawMachine.Actions(); len(got) != len(states) {
		t.Fatalf("the machine has %d actions, the test %d: %v", len(got), len(states), got)
	}
	if !slices.Equal(DrawMachine.States, all) {
		t.Fatalf("states %v, want %v", DrawMachine.States, all)
	}
	for _, state := range all {
		for _, a := range DrawMachine.Actions() {
			for role, p := range drawRoles() {
				want, ok := who[a][role]
				if !ok {
					want = EFORBIDDEN
				}
				if want == "ok" && !slices.Contains(states[a], state) {
					want = ECONFLICT
				}
				if got := code(drawIn(state).Can(a, p)); got != want {
					t.Errorf("%s: %s as %s = %s, want %s", state, a, role, got, want)
				}
			}
		}
	}
}

func TestDrawCanMessages(t *testing.T) {
	sup := drawRoles()["official"]
	planner := drawRoles()["planner"]
	revealed := drawIn(DrawRevealing)
	revealed.Commits[0].Revealed = true
	committed := drawIn(DrawCommitting) // sup committed, sup3 not yet
	committed.Commits[0].Commitment = strings.Repeat("b", 64)
	committed.Commits = append(committed.Commits, DrawCommit{Participant: "sup3"})
	tests := []struct {
		name string
		d    *Draw
		a    Action
		p    *Principal
		want string // a part of the message
	}{
		{"a commitment is not changed", committed, DrawActCommit, sup, "sup 已提交承诺"},
		{"reveals wait for every commitment", drawIn(DrawCommitting), DrawActReveal, sup, "还有参与人未提交承诺"},
		{"a secret is revealed once", revealed, DrawActReveal, sup, "sup 已揭示"},
		{"the state is named", drawIn(DrawDrawn), DrawActRun, planner, "抽取 7 当前状态为“已抽取（保密中）”"},
		{"a superseded draw is not superseded again", drawIn(DrawSuperseded), DrawActRedraw, planner, "抽取 7 已被取代"},
		{"one who may not see the draw learns nothing", drawIn(DrawRevealing), DrawActRun, drawRoles()["district planner"],
			"没有编号为 7 的抽取"},
		{"an unknown action", drawIn(DrawDrawn), Action("delete"), planner, "没有“delete”这一操作"},
		{"nobody", drawIn(DrawDrawn), DrawActLiftEmbargo, nil, "请先登录"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.d.Can(tt.a, tt.p); err == nil || !strings.Contains(ErrorMessage(err), tt.want) {
				t.Errorf("got %v, want a refusal saying %q", err, tt.want)
			}
		})
	}
	// A user named like the platform's participant is not it.
	impostor := NewPrincipal(User{Username: SystemParticipant, Dept: "FZWL", Roles: []string{RoleSupervisor}}, accessTree)
	if got := code(drawIn(DrawRevealing).Can(DrawActReveal, impostor)); got != EFORBIDDEN {
		t.Errorf("a user named %q reveals for the platform: %s", SystemParticipant, got)
	}
}

// TestDrawNext walks every state × action: the state after it, or
// ECONFLICT where the table does not allow it.
func TestDrawNext(t *testing.T) {
	same := "="
	next := map[Action]map[string]string{
		DrawActCommit:        {DrawCommitting: DrawRevealing},
		DrawActReveal:        {DrawRevealing: same},
		DrawActWithhold:      {DrawCommitting: DrawFailed, DrawRevealing: DrawFailed},
		DrawActRun:           {DrawRevealing: DrawDrawn},
		DrawActRequestChange: {DrawDrawn: same, DrawPublished: same},
		DrawActApproveChange: {DrawDrawn: same, DrawPublished: same},
		DrawActRejectChange: {DrawCommitting: same, DrawRevealing: same, DrawDrawn: same, DrawPublished: same,
			DrawFailed: same, DrawSuperseded: same},
		DrawActLiftEmbargo: {DrawDrawn: DrawPublished},
		DrawActRedraw: {DrawCommitting: DrawSuperseded, DrawRevealing: DrawSuperseded, DrawDrawn: DrawSuperseded,
			DrawPublished: DrawSuperseded, DrawFailed: DrawSuperseded},
	}
	for _, state := range DrawMachine.States {
		for _, a := range DrawMachine.Actions() {
			want, ok := next[a][state]
			if want == same {
				want = state
			}
			got, err := drawIn(state).Next(a)
			switch {
			case !ok && code(err) != ECONFLICT:
				t.Errorf("%s: %s → %q, %v; want ECONFLICT", state, a, got, err)
			case ok && (err != nil || got != want):
				t.Errorf("%s: %s → %q, %v; want %s", state, a, got, err, want)
			}
		}
	}
	// A commit leaves the draw collecting while another official has not
	// committed.
	d := drawIn(DrawCommitting)
	d.Commits = append(d.Commits, DrawCommit{Participant: "sup3"})
	if got, _ := d.Next(DrawActCommit); got != DrawCommitting {
		t.Errorf("a commit with another one missing → %s", got)
	}
	if _, err := d.Next(Action("delete")); code(err) != EINVALID {
		t.Errorf("an unknown action: %v", err)
	}
}

func TestDrawCanWithhold(t *testing.T) {
	planner := drawRoles()["planner"]
	revealed := drawIn(DrawRevealing)
	revealed.Commits[0].Revealed = true
	tests := []struct {
		name        string
		d           *Draw
		p           *Principal
		participant string
		want        string
	}{
		{"an official who has not revealed", drawIn(DrawRevealing), planner, "sup", "ok"},
		{"one who has not committed", drawIn(DrawCommitting), planner, "sup", "ok"},
		{"the platform always reveals", drawIn(DrawRevealing), planner, SystemParticipant, ECONFLICT},
		{"one who revealed", revealed, planner, "sup", ECONFLICT},
		{"one the plan did not declare", drawIn(DrawRevealing), planner, "zhang", EFORBIDDEN},
		{"after the run", drawIn(DrawDrawn), planner, "sup", ECONFLICT},
		{"the official may not", drawIn(DrawRevealing), drawRoles()["official"], "sup", EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(tt.d.CanWithhold(tt.p, tt.participant)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDrawCanDecide(t *testing.T) {
	roles := drawRoles()
	pending := &DrawChange{ID: 3, DrawID: 7, State: ChangePending, RequestedBy: "pl"}
	own := &DrawChange{ID: 4, DrawID: 7, State: ChangePending, RequestedBy: "ap"}
	done := &DrawChange{ID: 5, DrawID: 7, State: ChangeApproved, RequestedBy: "pl"}
	tests := []struct {
		name    string
		state   string
		c       *DrawChange
		approve bool
		p       *Principal
		want    string
	}{
		{"another official approves", DrawDrawn, pending, true, roles["approver"], "ok"},
		{"after publication too", DrawPublished, pending, true, roles["approver"], "ok"},
		{"the requester may not (four eyes)", DrawDrawn, own, true, roles["approver"], EFORBIDDEN},
		{"nor reject their own", DrawDrawn, own, false, roles["approver"], EFORBIDDEN},
		{"a decided change stays decided", DrawDrawn, done, false, roles["approver"], ECONFLICT},
		{"a superseded draw's change is rejected", DrawSuperseded, pending, false, roles["approver"], "ok"},
		{"but not approved", DrawSuperseded, pending, true, roles["approver"], ECONFLICT},
		{"the planner may not decide", DrawDrawn, pending, true, roles["planner"], EFORBIDDEN},
		{"one who may not see the draw", DrawDrawn, pending, true, roles["district approver"], ENOTFOUND},
		{"nobody", DrawDrawn, pending, true, nil, EUNAUTHORIZED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := drawIn(tt.state).CanDecide(tt.c, tt.approve, tt.p)
			if got := code(err); got != tt.want {
				t.Errorf("got %s (%v), want %s", got, err, tt.want)
			}
			if tt.want == ENOTFOUND && !strings.Contains(ErrorMessage(err), "变更申请") {
				t.Errorf("the refusal names the draw, not the change: %v", err)
			}
		})
	}
}

func TestActsAs(t *testing.T) {
	sup := drawRoles()["official"]
	if err := sup.ActsAs("sup"); err != nil {
		t.Errorf("as themself: %v", err)
	}
	if got := code(sup.ActsAs("sup2")); got != EFORBIDDEN {
		t.Errorf("for another: %s", got)
	}
}

// TestTaskCanPlanDraw: a task has one live draw.
func TestTaskCanPlanDraw(t *testing.T) {
	tk := &Task{Code: "T-1", Authority: "FZWL", Partners: []string{"FZXF"}, State: TaskPublished}
	roles := drawRoles()
	live := *drawIn(DrawFailed)
	old := *drawIn(DrawSuperseded)
	old.ID = 6
	other := *drawIn(DrawDrawn)
	other.ID, other.Task = 9, "T-2"
	tests := []struct {
		name       string
		p          *Principal
		draws      []Draw
		supersedes int64
		want       string
	}{
		{"the first draw", roles["planner"], nil, 0, "ok"},
		{"the first draw after superseded ones", roles["planner"], []Draw{old}, 0, "ok"},
		{"a second live draw", roles["planner"], []Draw{old, live}, 0, ECONFLICT},
		{"a re-draw of the live draw, failed too", roles["planner"], []Draw{old, live}, 7, "ok"},
		{"a re-draw of a superseded draw", roles["planner"], []Draw{old, live}, 6, ECONFLICT},
		{"a re-draw of another task's draw", roles["planner"], []Draw{old, live, other}, 9, EINVALID},
		{"a re-draw of no draw", roles["planner"], []Draw{live}, 8, EINVALID},
		{"a partner may not plan", roles["partner planner"], nil, 0, EFORBIDDEN},
		{"a district does not know the task", roles["district planner"], nil, 0, ENOTFOUND},
		{"the system may", roles["system"], []Draw{live}, 7, "ok"},
		{"nobody may not", nil, nil, 0, EUNAUTHORIZED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(tk.CanPlanDraw(tt.p, tt.draws, tt.supersedes)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	// The task's state: a draw runs on a published task; a re-draw on a
	// drawn one, too; never on a draft or a cancelled task.
	states := []struct {
		state      string
		supersedes int64
		want       string
	}{
		{TaskDraft, 0, ECONFLICT}, {TaskPublished, 0, "ok"}, {TaskDrawn, 0, ECONFLICT}, {TaskDrawn, 7, "ok"},
		{TaskPublished, 7, "ok"}, {TaskInspecting, 7, ECONFLICT}, {TaskCancelled, 0, ECONFLICT}, {TaskCancelled, 7, ECONFLICT},
	}
	for _, tt := range states {
		st := *tk
		st.State = tt.state
		var draws []Draw
		if tt.supersedes != 0 {
			draws = []Draw{live}
		}
		if got := code(st.CanPlanDraw(roles["planner"], draws, tt.supersedes)); got != tt.want {
			t.Errorf("plan a draw of a %s task (supersedes %d) = %s, want %s", tt.state, tt.supersedes, got, tt.want)
		}
	}
	draft := *tk
	draft.State = TaskDraft
	if err := draft.CanPlanDraw(roles["planner"], nil, 0); !strings.Contains(ErrorMessage(err), "尚未发布") {
		t.Errorf("a draft's refusal says %q", ErrorMessage(err))
	}
	if got := tk.LiveDraw([]Draw{old, other, live}); got == nil || got.ID != 7 {
		t.Errorf("LiveDraw = %+v, want draw 7", got)
	}
	if got := tk.LiveDraw([]Draw{old, other}); got != nil {
		t.Errorf("LiveDraw of a task without one = %+v", got)
	}
	if msg := ErrorMessage(NoTask("T-1")); !strings.Contains(msg, "T-1") || code(NoTask("T-1")) != ENOTFOUND {
		t.Errorf("NoTask: %s", msg)
	}
}
