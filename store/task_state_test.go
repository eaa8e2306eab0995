package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/store"
)

// taskActions returns the actions of a task's recorded changes, oldest
// first.
func taskActions(t *testing.T, db *store.DB, code string) []string {
	t.Helper()
	cs, err := db.FindRecordChanges(ctx, "task", code)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Action)
	}
	return out
}

func taskState(t *testing.T, db *store.DB, as func(string) context.Context, code string) *spotcheck.Task {
	t.Helper()
	tk, err := db.Tasks().FindTaskByCode(as("planner"), code)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestTaskWorkflow walks a task through every state; each step is
// recorded, the draw moves it to drawn, and its publication is in the log.
func TestTaskWorkflow(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		tasks := db.Tasks()
		const code = "2026-FZWL-SJ-101"
		if err := tasks.CreateTask(as("planner"), drawTask(code, "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		if tk := taskState(t, db, as, code); tk.State != spotcheck.TaskDraft {
			t.Fatalf("a new task is %q, want a draft", tk.State)
		}
		// A draft is edited in place, and cannot be drawn.
		edited := drawTask(code, "WL-LXS-001")
		edited.Name, edited.Kind, edited.Round = "旅行社专项抽查", spotcheck.TaskDirected, 1
		if err := tasks.UpdateTask(as("planner"), edited); err != nil {
			t.Fatalf("UpdateTask of a draft: %v", err)
		}
		_, err := db.Draws().PlanDraw(as("planner"), code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		wantErr(t, err, spotcheck.ECONFLICT)
		if !strings.Contains(spotcheck.ErrorMessage(err), "尚未发布") {
			t.Errorf("the draft's draw is refused with %q", spotcheck.ErrorMessage(err))
		}
		if err := tasks.PublishTask(as("planner"), code); err != nil {
			t.Fatal(err)
		}
		tk := taskState(t, db, as, code)
		if tk.State != spotcheck.TaskPublished || tk.Name != "旅行社专项抽查" || tk.PublishedAt.IsZero() {
			t.Fatalf("after publishing: %+v", tk)
		}
		// The announcement is the log's entry at LogIndex.
		entries, err := db.LogEntries(ctx, tk.LogIndex, tk.LogIndex+1)
		if err != nil || len(entries) != 1 {
			t.Fatalf("LogEntries: %v", err)
		}
		var entry struct {
			Type string
			Body map[string]any
		}
		if err := json.Unmarshal(entries[0], &entry); err != nil || entry.Type != store.TaskTypeAnnouncement ||
			entry.Body["task"] != code || entry.Body["kind"] != spotcheck.TaskDirected {
			t.Errorf("the announcement entry: %s (%v)", entries[0], err)
		}
		// Editing it now is refused, saying why.
		edited.Name = "改名"
		err = tasks.UpdateTask(as("planner"), edited)
		wantErr(t, err, spotcheck.ECONFLICT)
		if msg := spotcheck.ErrorMessage(err); !strings.Contains(msg, "“已发布”，不能直接修改") {
			t.Errorf("the edit of a published task is refused with %q", msg)
		}
		completeDraw(t, db, as, code, 0)
		if tk := taskState(t, db, as, code); tk.State != spotcheck.TaskDrawn {
			t.Fatalf("after the draw: %q", tk.State)
		}
		steps := []struct {
			user string
			step func(context.Context, string) error
			want string
		}{
			{"planner", tasks.StartTask, spotcheck.TaskInspecting},
			{"planner", tasks.SubmitTask, spotcheck.TaskReviewing},
			{"approver", tasks.PublicizeTask, spotcheck.TaskPublicized},
			{"planner", tasks.FollowUpTask, spotcheck.TaskFollowUp},
			{"planner", tasks.CloseTask, spotcheck.TaskClosed},
		}
		for _, s := range steps {
			if err := s.step(as(s.user), code); err != nil {
				t.Fatalf("to %s: %v", s.want, err)
			}
			if tk := taskState(t, db, as, code); tk.State != s.want {
				t.Fatalf("state %q, want %q", tk.State, s.want)
			}
		}
		want := []string{"create", "edit", "publish", "draw", "start", "submit", "publicize", "follow-up", "close"}
		if got := taskActions(t, db, code); !slices.Equal(got, want) {
			t.Errorf("recorded %v, want %v", got, want)
		}
		// The list filters by state.
		l, err := tasks.FindTasks(as("planner"), spotcheck.TaskFilter{State: spotcheck.TaskClosed})
		if err != nil || len(l.Items) != 1 || l.Items[0].Code != code {
			t.Errorf("closed tasks: %+v, %v", l.Items, err)
		}
		l, err = tasks.FindTasks(as("planner"), spotcheck.TaskFilter{State: spotcheck.TaskDraft})
		if err != nil || len(l.Items) != 0 {
			t.Errorf("draft tasks: %+v, %v", l.Items, err)
		}
	})
}

// TestTaskRefusals: a step the machine, the role or the rules refuse
// changes nothing, neither the task nor its history.
func TestTaskRefusals(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		tasks := db.Tasks()
		const code = "2026-FZWL-SJ-102"
		if err := tasks.CreateTask(as("planner"), drawTask(code, "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		// A team no visit could get: more of 鼓楼区's inspectors a visit
		// than 鼓楼区 has.
		big := drawTask("2026-GLWL-SJ-102", "WL-LXS-001")
		big.Authority, big.Team = "GLWL", []spotcheck.TeamSlot{{Unit: "GLWL", Size: 10}}
		if err := tasks.CreateTask(as("glplanner"), big); err != nil {
			t.Fatal(err)
		}
		err := tasks.PublishTask(as("glplanner"), big.Code)
		if spotcheck.ErrorCode(err) != spotcheck.EINVALID || !strings.Contains(spotcheck.ErrorMessage(err), "少于每组 10 人，无法组成检查组") {
			t.Errorf("publishing a task whose team cannot be formed: %v", err)
		}
		if tk := taskState(t, db, as, big.Code); tk.State != spotcheck.TaskDraft || tk.LogIndex != 0 {
			t.Errorf("after the refusal the task is %s (log %d)", tk.State, tk.LogIndex)
		}
		refusals := []struct {
			name string
			err  error
			want string
		}{
			{"start a draft", tasks.StartTask(as("planner"), code), spotcheck.ECONFLICT},
			{"close a draft", tasks.CloseTask(as("planner"), code), spotcheck.ECONFLICT},
			{"publish another district's task", tasks.PublishTask(as("glplanner"), code), spotcheck.ENOTFOUND},
			{"cancel another district's task", tasks.CancelTask(as("glplanner"), code, "不需要"), spotcheck.ENOTFOUND},
			{"publish as an inspector", tasks.PublishTask(as("inspector"), code), spotcheck.EFORBIDDEN},
			{"publish as an approver", tasks.PublishTask(as("approver"), code), spotcheck.EFORBIDDEN},
			{"cancel without a reason", tasks.CancelTask(as("planner"), code, " "), spotcheck.EINVALID},
			{"publicize a draft", tasks.PublicizeTask(as("approver"), code), spotcheck.ECONFLICT},
			{"an unknown step", tasks.TaskStep(as("planner"), code, "delete", ""), spotcheck.EINVALID},
			{"no principal", tasks.PublishTask(context.Background(), code), spotcheck.EUNAUTHORIZED},
			{"no such task", tasks.PublishTask(as("planner"), "2026-FZWL-SJ-999"), spotcheck.ENOTFOUND},
		}
		for _, r := range refusals {
			if got := spotcheck.ErrorCode(r.err); got != r.want {
				t.Errorf("%s: %v, want %s", r.name, r.err, r.want)
			}
		}
		if tk := taskState(t, db, as, code); tk.State != spotcheck.TaskDraft {
			t.Errorf("after the refusals the task is %q", tk.State)
		}
		if got := taskActions(t, db, code); !slices.Equal(got, []string{"create"}) {
			t.Errorf("refusals recorded: %v", got)
		}
		// Cancelled with a reason, it is off: no draw, no step, no edit.
		publishTask(t, db, as, code)
		if err := tasks.CancelTask(as("planner"), code, "上级通知调整抽查安排"); err != nil {
			t.Fatal(err)
		}
		tk := taskState(t, db, as, code)
		if tk.State != spotcheck.TaskCancelled || tk.CancelReason != "上级通知调整抽查安排" || !tk.Announced() {
			t.Errorf("cancelled: %+v", tk)
		}
		_, err = db.Draws().PlanDraw(as("planner"), code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		wantErr(t, err, spotcheck.ECONFLICT)
		wantErr(t, tasks.CancelTask(as("planner"), code, "再次撤销"), spotcheck.ECONFLICT)
		wantErr(t, tasks.UpdateTask(as("planner"), drawTask(code, "WL-LXS-001")), spotcheck.ECONFLICT)
		if got := taskActions(t, db, code); !slices.Equal(got, []string{"create", "publish", "cancel"}) {
			t.Errorf("recorded %v", got)
		}
	})
}

// TestTaskCancelledDuringDraw: a task cancelled while its draw collects
// commitments is not drawn; the run is refused and nothing is drawn.
func TestTaskCancelledDuringDraw(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		const code = "2026-FZWL-SJ-103"
		if err := db.Tasks().CreateTask(as("planner"), drawTask(code, "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, code)
		d, err := db.Draws().PlanDraw(as("planner"), code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", supervisorSecret)); err != nil {
			t.Fatal(err)
		}
		if err := db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", supervisorSecret); err != nil {
			t.Fatal(err)
		}
		if err := db.Tasks().CancelTask(as("planner"), code, "抽查对象范围有误"); err != nil {
			t.Fatal(err)
		}
		err = db.Draws().RunDraw(as("planner"), d.ID, spotcheck.DrawRun{})
		wantErr(t, err, spotcheck.ECONFLICT)
		if !strings.Contains(spotcheck.ErrorMessage(err), "已撤销") {
			t.Errorf("the run is refused with %q", spotcheck.ErrorMessage(err))
		}
		got, err := db.Draws().FindDrawByID(as("planner"), d.ID)
		if err != nil || got.State == spotcheck.DrawDrawn {
			t.Errorf("the draw of a cancelled task ran: %+v, %v", got, err)
		}
	})
}

// TestRosterItemScope: an inspector whose 执法事项范围 lacks the task's item
// is not on its draw's roster; one that covers it is; an unknown item code
// in a range is refused.
func TestRosterItemScope(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		admin := as("cityadmin")
		bad := spotcheck.Inspector{StaffID: "SCOPE-0", Name: "范围未知", Dept: "FZWL", CertNo: "C-0", CertExpiry: "2027-12-31",
			Items: []string{"NO-SUCH-ITEM"}, Active: true}
		err := db.Inspectors().SaveInspector(admin, &bad)
		wantErr(t, err, spotcheck.EINVALID)
		if !strings.Contains(spotcheck.ErrorMessage(err), "NO-SUCH-ITEM") {
			t.Errorf("the refusal says %q", spotcheck.ErrorMessage(err))
		}
		for _, in := range []spotcheck.Inspector{
			{StaffID: "SCOPE-1", Name: "范围内", Dept: "FZWL", CertNo: "C-1", CertExpiry: "2027-12-31",
				Items: []string{"wl-lxs-001", "WL-LXS-002"}, Active: true},
			{StaffID: "SCOPE-2", Name: "范围外", Dept: "FZWL", CertNo: "C-2", CertExpiry: "2027-12-31",
				Items: []string{"WL-LXS-002"}, Active: true},
		} {
			if err := db.Inspectors().SaveInspector(admin, &in); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Inspectors().FindInspectorByID(admin, "SCOPE-1")
		if err != nil || !slices.Equal(got.Items, []string{"WL-LXS-001", "WL-LXS-002"}) {
			t.Fatalf("stored range: %+v, %v", got, err)
		}
		const code = "2026-FZWL-SJ-104"
		if err := db.Tasks().CreateTask(as("planner"), drawTask(code, "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, code)
		d := completeDraw(t, db, as, code, 0)
		f, err := db.Draws().FindDrawFiles(as("planner"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		roster := string(f.Roster)
		if !strings.Contains(roster, "SCOPE-1\t") || strings.Contains(roster, "SCOPE-2\t") {
			t.Errorf("roster:\n%s", roster)
		}
	})
}

// TestAnnouncedTasks: the portal's 抽查任务公告 shows published tasks and
// cancelled ones that had been published, never drafts, and never what
// the announcement does not tell (strata, teams).
func TestAnnouncedTasks(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		tasks := db.Tasks()
		for _, code := range []string{"2026-FZWL-GG-1", "2026-FZWL-GG-2", "2026-FZWL-GG-3", "2026-FZWL-GG-4"} {
			if err := tasks.CreateTask(as("planner"), drawTask(code, "WL-LXS-001")); err != nil {
				t.Fatal(err)
			}
		}
		publishTask(t, db, as, "2026-FZWL-GG-2")
		publishTask(t, db, as, "2026-FZWL-GG-3")
		if err := tasks.CancelTask(as("planner"), "2026-FZWL-GG-3", "抽查范围调整"); err != nil {
			t.Fatal(err)
		}
		if err := tasks.CancelTask(as("planner"), "2026-FZWL-GG-4", "起草有误"); err != nil {
			t.Fatal(err)
		}
		public := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public())
		l, err := tasks.FindAnnouncedTasks(public, spotcheck.TaskFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, tk := range l.Items {
			codes = append(codes, tk.Code)
			if len(tk.Strata) != 0 || len(tk.Team) != 0 || tk.CreatedBy != "" {
				t.Errorf("the public sees more than the announcement: %+v", tk)
			}
		}
		if !slices.Equal(codes, []string{"2026-FZWL-GG-3", "2026-FZWL-GG-2"}) {
			t.Errorf("announced %v", codes)
		}
		tk, err := tasks.FindAnnouncedTaskByCode(public, "2026-FZWL-GG-3")
		if err != nil || tk.State != spotcheck.TaskCancelled || tk.CancelReason != "抽查范围调整" || tk.Items[0] != "WL-LXS-001" {
			t.Errorf("a cancelled announcement: %+v, %v", tk, err)
		}
		for _, code := range []string{"2026-FZWL-GG-1", "2026-FZWL-GG-4", "NOPE"} {
			_, err := tasks.FindAnnouncedTaskByCode(public, code)
			wantErr(t, err, spotcheck.ENOTFOUND)
		}
		_, err = tasks.FindAnnouncedTasks(context.Background(), spotcheck.TaskFilter{})
		wantErr(t, err, spotcheck.EUNAUTHORIZED)
	})
}

// TestCityDrawsDistrict: running the draw of a 市抽县查 task hands each
// selected entity to the bureau of its division, recorded; the district
// bureau then sees the task and the entities handed to it, and no other.
func TestCityDrawsDistrict(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		const code = "2026-FZWL-SCXC-1"
		tk := drawTask(code, "WL-LXS-001")
		tk.Mode = spotcheck.ModeCityDrawsDistrict
		if err := db.Tasks().CreateTask(as("planner"), tk); err != nil {
			t.Fatal(err)
		}
		_, err := db.Tasks().FindTaskByCode(as("glplanner"), code)
		wantErr(t, err, spotcheck.ENOTFOUND)
		publishTask(t, db, as, code)
		d := completeDraw(t, db, as, code, 0)
		picks, err := db.Draws().FindDrawPicks(as("planner"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		selected := map[string]bool{}
		for _, p := range picks {
			if !p.Reserve {
				selected[p.Entity] = true
			}
		}
		hs, err := db.Tasks().FindTaskHandovers(as("planner"), code)
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) != len(selected) || len(hs) == 0 {
			t.Fatalf("%d handovers of %d selected entities", len(hs), len(selected))
		}
		depts, err := db.Departments().FindDepartments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mine := 0
		for _, h := range hs {
			e, err := db.Entities().FindEntityByID(ctx, h.Entity)
			if err != nil {
				t.Fatal(err)
			}
			if !selected[h.Entity] || h.Dept != spotcheck.HandoverDept(depts, "FZWL", e.Division) || h.Draw != d.ID ||
				h.EntityName == "" || h.Actor != "planner" {
				t.Errorf("handover %+v of entity in %s", h, e.Division)
			}
			if h.Dept == "GLWL" {
				mine++
			}
		}
		if mine == 0 {
			t.Fatal("no entity of 鼓楼区 was handed over; the test proves nothing")
		}
		// The district bureau sees the task, in its list too, and its own handovers only.
		if _, err := db.Tasks().FindTaskByCode(as("glplanner"), code); err != nil {
			t.Errorf("the district bureau does not see the task: %v", err)
		}
		l, err := db.Tasks().FindTasks(as("glplanner"), spotcheck.TaskFilter{})
		if err != nil || len(l.Items) != 1 || l.Items[0].Code != code {
			t.Errorf("the district's tasks: %+v, %v", l.Items, err)
		}
		own, err := db.Tasks().FindTaskHandovers(as("glplanner"), code)
		if err != nil || len(own) != mine {
			t.Errorf("the district sees %d handovers, want %d (%v)", len(own), mine, err)
		}
		// It may not act on the city's task.
		wantErr(t, db.Tasks().StartTask(as("glplanner"), code), spotcheck.EFORBIDDEN)
		if got := taskActions(t, db, code); !slices.Equal(got, []string{"create", "publish", "draw", "handover"}) {
			t.Errorf("recorded %v", got)
		}
		// A task of the same level hands nothing over.
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SCXC-2", "WL-LXS-002")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-SCXC-2")
		completeDraw(t, db, as, "2026-FZWL-SCXC-2", 0)
		if hs, err := db.Tasks().FindTaskHandovers(as("planner"), "2026-FZWL-SCXC-2"); err != nil || len(hs) != 0 {
			t.Errorf("a same-level task's handovers: %v, %v", hs, err)
		}
	})
}
