package store_test

import (
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// TestDrawWindow: the system administrator sets a bureau's fixed draw
// window (recorded, a planner may not), and a task that asks for it is
// drawn only in the first working days of the quarter on the Chinese
// calendar: Q1 2026 begins with the 元旦 holiday (1–3 January) and the
// 调休 Sunday of 4 January.
func TestDrawWindow(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		cal := db.Calendar()
		admin := signedIn(t, db, "FZWL", spotcheck.RoleSystemAdmin)

		wantErr(t, cal.SetDrawWindow(as("planner"), &spotcheck.DrawWindow{Dept: "FZWL", Days: 5}), spotcheck.EFORBIDDEN)
		wantErr(t, cal.SetDrawWindow(admin, &spotcheck.DrawWindow{Dept: "FZXF", Days: 5}), spotcheck.EINVALID)
		wantErr(t, cal.SetDrawWindow(admin, &spotcheck.DrawWindow{Dept: "FZWL", Days: 30}), spotcheck.EINVALID)

		tk := drawTask("2026-FZWL-CK-001", "WL-LXS-001")
		tk.DrawWindow = true
		if err := db.Tasks().CreateTask(as("planner"), tk); err != nil {
			t.Fatal(err)
		}
		if err := db.Tasks().PublishTask(as("planner"), tk.Code); err != nil {
			t.Fatal(err)
		}
		req := spotcheck.DrawRequest{Officials: []string{"supervisor"}}
		db.Now = func() time.Time { return time.Date(2026, 1, 8, 9, 0, 0, 0, time.UTC) }
		_, err := db.Draws().PlanDraw(as("planner"), tk.Code, req)
		wantErr(t, err, spotcheck.EINVALID) // FZWL has no window yet

		if err := cal.SetDrawWindow(admin, &spotcheck.DrawWindow{Dept: "FZWL", Days: 4, Note: "实施细则第八条"}); err != nil {
			t.Fatal(err)
		}
		if err := cal.SetDrawWindow(admin, &spotcheck.DrawWindow{Dept: "FZWL", Days: 5, Note: "实施细则第八条（修订）"}); err != nil {
			t.Fatal(err)
		}
		ws, err := cal.FindDrawWindows(as("planner"))
		if err != nil || len(ws) != 1 || ws[0].Days != 5 || ws[0].By != "u-fzwl" {
			t.Fatalf("windows %+v, %v", ws, err)
		}
		history, err := db.Changes().FindChanges(signedIn(t, db, "FZWL", spotcheck.RoleAuditAdmin), spotcheck.ChangeFilter{Kind: "draw-window", Key: "FZWL"})
		if err != nil || len(history.Items) != 2 || history.Items[0].Before == "" {
			t.Fatalf("history %+v, %v: want the two settings, the later with the earlier as before", history.Items, err)
		}

		// 2026-01-09 is the sixth working day (4, 5, 6, 7, 8 January).
		db.Now = func() time.Time { return time.Date(2026, 1, 9, 1, 0, 0, 0, time.UTC) }
		_, err = db.Draws().PlanDraw(as("planner"), tk.Code, req)
		wantErr(t, err, spotcheck.ECONFLICT)
		if got := spotcheck.ErrorMessage(err); got != "本部门的抽取只能在每季度前 5 个工作日内进行（本季度为 2026-01-04 至 2026-01-08），今天（2026-01-09）不在窗口内" {
			t.Errorf("message %q", got)
		}
		// 2026-01-08 23:30 UTC is already 9 January in China.
		db.Now = func() time.Time { return time.Date(2026, 1, 8, 16, 30, 0, 0, time.UTC) }
		_, err = db.Draws().PlanDraw(as("planner"), tk.Code, req)
		wantErr(t, err, spotcheck.ECONFLICT)

		db.Now = func() time.Time { return time.Date(2026, 1, 4, 1, 0, 0, 0, time.UTC) }
		if _, err := db.Draws().PlanDraw(as("planner"), tk.Code, req); err != nil {
			t.Fatalf("a draw on the 调休 Sunday that opens the window: %v", err)
		}
	})
}
