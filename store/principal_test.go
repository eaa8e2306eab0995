package store_test

import (
	"context"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/store"
)

// TestNoPrincipalIsRefused: deny by default. A call whose context carries
// no principal is refused with EUNAUTHORIZED by every service — accounts,
// each directory kind, tasks, draws, the change log and the program's own
// jobs — and writes nothing, even where the data is public.
func TestNoPrincipalIsRefused(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-031", "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-031")
		d := completeDraw(t, db, as, "2026-FZWL-SJ-031", 0)
		if err := db.Draws().LiftEmbargo(as("supervisor"), d.ID, "检查结果已公示"); err != nil {
			t.Fatal(err)
		}
		if err := db.Plans().CreatePlan(as("planner"), &spotcheck.Plan{Dept: "FZWL", Year: 2026, Name: "计划", Office: "市场管理处"}); err != nil {
			t.Fatal(err)
		}
		ent, err := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Limit: 1})
		if err != nil || len(ent.Items) == 0 {
			t.Fatalf("FindEntities: %v", err)
		}
		e := *ent.Items[0]
		if _, err := db.Inspections().CreateInspections(as("planner"), "2026-FZWL-SJ-031", d.ID); err != nil {
			t.Fatalf("CreateInspections: %v", err)
		}
		changesBefore := countChanges(t, db)

		nobody := context.Background()
		// An actor alone names nobody either: only a principal counts.
		actorOnly := spotcheck.NewContextWithActor(nobody, spotcheck.Actor{ID: "cli:root", Name: "系统（命令行，root）"})
		calls := map[string]func(context.Context) error{
			// accounts
			"FindUsers": func(c context.Context) error { _, err := db.Accounts().FindUsers(c); return err },
			"CreateUser": func(c context.Context) error {
				return db.Accounts().CreateUser(c, &spotcheck.User{Username: "intruder", Name: "x", Dept: "FZWL",
					Roles: []string{spotcheck.RoleSecurityAdmin}}, "Intruder-2026!")
			},
			"UpdateUser": func(c context.Context) error {
				return db.Accounts().UpdateUser(c, &spotcheck.User{Username: "planner", Name: "x", Dept: "FZWL",
					Roles: []string{spotcheck.RolePlanner}, Active: false})
			},
			"SetPassword": func(c context.Context) error { return db.Accounts().SetPassword(c, "planner", "Intruder-2026!") },
			"CreateAPIToken": func(c context.Context) error {
				_, err := db.Accounts().CreateAPIToken(c, "planner", "x", 0)
				return err
			},
			"DeleteUserSessions": func(c context.Context) error { return db.Accounts().DeleteUserSessions(c, "planner") },
			"UnlockLogin":        func(c context.Context) error { return db.Accounts().UnlockLogin(c, "planner") },
			"FindLoginAttempts":  func(c context.Context) error { _, err := db.Accounts().FindLoginAttempts(c, 0, 10); return err },
			"FindSecurityPolicy": func(c context.Context) error { _, err := db.Accounts().FindSecurityPolicy(c); return err },
			"CreateSession":      func(c context.Context) error { _, err := db.Accounts().CreateSession(c, "planner"); return err },
			"FindUserByUsername": func(c context.Context) error { _, err := db.Accounts().FindUserByUsername(c, "planner"); return err },
			"FindAPITokens":      func(c context.Context) error { _, err := db.Accounts().FindAPITokens(c, "planner"); return err },
			"UpdateSecurityPolicy": func(c context.Context) error {
				p := spotcheck.DefaultSecurityPolicy()
				p.PasswordMinLength = 8
				return db.Accounts().UpdateSecurityPolicy(c, &p)
			},
			// the directory kinds
			"Reference":       func(c context.Context) error { _, err := db.ReferenceData().FindReference(c); return err },
			"FindDepartments": func(c context.Context) error { _, err := db.Departments().FindDepartments(c); return err },
			"SaveDepartment": func(c context.Context) error {
				return db.Departments().SaveDepartment(c, &spotcheck.Department{Code: "NEW", Name: "新部门", Division: "350100",
					Kind: spotcheck.DeptOffice, Parent: "FZWL", Active: true})
			},
			"FindEntities": func(c context.Context) error {
				_, err := db.Entities().FindEntities(c, spotcheck.EntityFilter{})
				return err
			},
			"FindEntityByID": func(c context.Context) error { _, err := db.Entities().FindEntityByID(c, e.ID); return err },
			"SaveEntity": func(c context.Context) error {
				v := e
				v.Name = "被改名"
				return db.Entities().SaveEntity(c, &v)
			},
			"ImportEntities": func(c context.Context) error {
				_, err := db.Entities().ImportEntities(c, spotcheck.SliceSource("x.csv", []spotcheck.Entity{e}))
				return err
			},
			"ExportEntities": func(c context.Context) error {
				return db.Entities().ExportEntities(c, func(*spotcheck.Entity) error { return nil })
			},
			"FindInspectors": func(c context.Context) error {
				_, err := db.Inspectors().FindInspectors(c, spotcheck.InspectorFilter{})
				return err
			},
			"FindAgencies": func(c context.Context) error {
				_, err := db.Agencies().FindAgencies(c, spotcheck.AgencyFilter{})
				return err
			},
			"FindItems":      func(c context.Context) error { _, err := db.Items().FindItems(c, spotcheck.ItemFilter{}); return err },
			"FindItemByCode": func(c context.Context) error { _, err := db.Items().FindItemByCode(c, "WL-LXS-001"); return err },
			"FindResponsibilities": func(c context.Context) error {
				_, err := db.Responsibilities().FindResponsibilities(c, spotcheck.ResponsibilityFilter{})
				return err
			},
			"FindConflicts": func(c context.Context) error {
				_, err := db.Conflicts().FindConflicts(c, spotcheck.ConflictFilter{})
				return err
			},
			// tasks
			"CreateTask": func(c context.Context) error {
				return db.Tasks().CreateTask(c, drawTask("2026-FZWL-SJ-032", "WL-LXS-001"))
			},
			"FindTasks":      func(c context.Context) error { _, err := db.Tasks().FindTasks(c, spotcheck.TaskFilter{}); return err },
			"FindTaskByCode": func(c context.Context) error { _, err := db.Tasks().FindTaskByCode(c, "2026-FZWL-SJ-031"); return err },
			"UpdateTask": func(c context.Context) error {
				return db.Tasks().UpdateTask(c, drawTask("2026-FZWL-SJ-031", "WL-LXS-001"))
			},
			"PublishTask":   func(c context.Context) error { return db.Tasks().PublishTask(c, "2026-FZWL-SJ-031") },
			"CancelTask":    func(c context.Context) error { return db.Tasks().CancelTask(c, "2026-FZWL-SJ-031", "无人撤销") },
			"StartTask":     func(c context.Context) error { return db.Tasks().StartTask(c, "2026-FZWL-SJ-031") },
			"SubmitTask":    func(c context.Context) error { return db.Tasks().SubmitTask(c, "2026-FZWL-SJ-031") },
			"PublicizeTask": func(c context.Context) error { return db.Tasks().PublicizeTask(c, "2026-FZWL-SJ-031") },
			"FollowUpTask":  func(c context.Context) error { return db.Tasks().FollowUpTask(c, "2026-FZWL-SJ-031") },
			"CloseTask":     func(c context.Context) error { return db.Tasks().CloseTask(c, "2026-FZWL-SJ-031") },
			"FindAnnouncedTasks": func(c context.Context) error {
				_, err := db.Tasks().FindAnnouncedTasks(c, spotcheck.TaskFilter{})
				return err
			},
			"FindAnnouncedTaskByCode": func(c context.Context) error {
				_, err := db.Tasks().FindAnnouncedTaskByCode(c, "2026-FZWL-SJ-031")
				return err
			},
			"TaskStep": func(c context.Context) error {
				return db.Tasks().TaskStep(c, "2026-FZWL-SJ-031", spotcheck.TaskActStart, "")
			},
			// draws, a published one included
			"FindDraws":     func(c context.Context) error { _, err := db.Draws().FindDraws(c, spotcheck.DrawFilter{}); return err },
			"FindDrawByID":  func(c context.Context) error { _, err := db.Draws().FindDrawByID(c, d.ID); return err },
			"FindDrawPicks": func(c context.Context) error { _, err := db.Draws().FindDrawPicks(c, d.ID); return err },
			"DrawFiles":     func(c context.Context) error { _, err := db.Draws().FindDrawFiles(c, d.ID); return err },
			"FindDrawChanges": func(c context.Context) error {
				_, err := db.Draws().FindDrawChanges(c, d.ID)
				return err
			},
			"PlanDraw": func(c context.Context) error {
				_, err := db.Draws().PlanDraw(c, "2026-FZWL-SJ-031", spotcheck.DrawRequest{Officials: []string{"supervisor"},
					Supersedes: d.ID, Reason: "无人操作的重新抽取"})
				return err
			},
			"CommitDraw": func(c context.Context) error {
				return db.Draws().CommitDraw(c, d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", supervisorSecret))
			},
			"RunDraw":          func(c context.Context) error { return db.Draws().RunDraw(c, d.ID, spotcheck.DrawRun{}) },
			"WithholdReveal":   func(c context.Context) error { return db.Draws().WithholdReveal(c, d.ID, "supervisor", "") },
			"LiftEmbargo":      func(c context.Context) error { return db.Draws().LiftEmbargo(c, d.ID, "无人解除") },
			"DecideDrawChange": func(c context.Context) error { return db.Draws().DecideDrawChange(c, 1, true, "") },
			"RequestDrawChange": func(c context.Context) error {
				return db.Draws().RequestDrawChange(c, &spotcheck.DrawChange{DrawID: d.ID, Kind: spotcheck.ChangeSubstitute,
					Entity: e.ID, Reason: "closed"})
			},
			// the change log
			"FindChanges": func(c context.Context) error {
				_, err := db.Changes().FindChanges(c, spotcheck.ChangeFilter{})
				return err
			},
			"FindRecordChanges": func(c context.Context) error { _, err := db.FindRecordChanges(c, "entity", e.ID); return err },
			// the log: read by anyone with a principal, the public's
			// included; written on its own by the system only
			"LogSize":       func(c context.Context) error { _, err := db.LogSize(c); return err },
			"LogCheckpoint": func(c context.Context) error { _, err := db.LogCheckpoint(c); return err },
			"LogEntries":    func(c context.Context) error { _, err := db.LogEntries(c, 0, 1); return err },
			"LogHashes":     func(c context.Context) error { _, err := db.LogHashes(c, []int64{0}); return err },
			"LogRecord": func(c context.Context) error {
				_, err := db.LogRecord(c, strings.Repeat("0", 64))
				return err
			},
			"ScanLogEntries": func(c context.Context) error {
				return db.ScanLogEntries(c, func(int64, []byte) error { return nil })
			},
			"AppendLog": func(c context.Context) error { _, err := db.AppendLog(c, "test", []byte("{}")); return err },
			"AppendSealed": func(c context.Context) error {
				_, _, err := db.AppendSealed(c, "test", []byte("{}"))
				return err
			},
			// the working-day calendar's overrides
			"FindCalendarOverrides": func(c context.Context) error { _, err := db.Calendar().FindCalendarOverrides(c); return err },
			"AddCalendarOverride": func(c context.Context) error {
				return db.Calendar().AddCalendarOverride(c, &spotcheck.CalendarOverride{Date: "2028-01-03"})
			},
			"ImportCalendar": func(c context.Context) error {
				_, err := db.Calendar().ImportCalendar(c, "2028.csv", strings.NewReader("2028-01-03,休\n"), "")
				return err
			},
			"FindDrawWindows": func(c context.Context) error { _, err := db.Calendar().FindDrawWindows(c); return err },
			"SetDrawWindow": func(c context.Context) error {
				return db.Calendar().SetDrawWindow(c, &spotcheck.DrawWindow{Dept: "FZWL", Days: 5})
			},
			// annual plans
			"CreatePlan": func(c context.Context) error {
				return db.Plans().CreatePlan(c, &spotcheck.Plan{Dept: "FZWL", Year: 2027, Name: "计划", Office: "处室"})
			},
			"UpdatePlan": func(c context.Context) error {
				return db.Plans().UpdatePlan(c, &spotcheck.Plan{Dept: "FZWL", Year: 2026, Revision: 1, Name: "改", Office: "处室"})
			},
			"FindPlanByKey":     func(c context.Context) error { _, err := db.Plans().FindPlanByKey(c, "FZWL-2026"); return err },
			"FindPlanRevisions": func(c context.Context) error { _, err := db.Plans().FindPlanRevisions(c, "FZWL-2026"); return err },
			"FindPlans":         func(c context.Context) error { _, err := db.Plans().FindPlans(c, spotcheck.PlanFilter{}); return err },
			"FindPlanTasks":     func(c context.Context) error { _, err := db.Plans().FindPlanTasks(c, "FZWL-2026"); return err },
			"FindPlanDocument":  func(c context.Context) error { _, err := db.Plans().FindPlanDocument(c, "FZWL-2026"); return err },
			"CheckPlan":         func(c context.Context) error { _, err := db.Plans().CheckPlan(c, "FZWL-2026", 0); return err },
			"CheckPlanDraft": func(c context.Context) error {
				_, err := db.Plans().CheckPlanDraft(c, &spotcheck.Plan{Dept: "FZWL", Year: 2026})
				return err
			},
			"FindTaskStaffing": func(c context.Context) error {
				_, err := db.Plans().FindTaskStaffing(c, "2026-FZWL-SJ-031")
				return err
			},
			"PublishPlan": func(c context.Context) error { _, err := db.Plans().PublishPlan(c, "FZWL-2026", 0); return err },
			"RevisePlan": func(c context.Context) error {
				_, err := db.Plans().RevisePlan(c, "FZWL-2026", "无人修订")
				return err
			},
			"CreatePlanTasks": func(c context.Context) error {
				return db.Plans().CreatePlanTasks(c, "FZWL-2026", spotcheck.SliceSource("tasks", []spotcheck.Task{*drawTask("2026-FZWL-SJ-033", "WL-LXS-001")}))
			},
			// joint visits, annual caps and repeat alerts
			"ProposeVisits": func(c context.Context) error { _, err := db.Visits().ProposeVisits(c, "2026"); return err },
			"FindVisits": func(c context.Context) error {
				_, err := db.Visits().FindVisits(c, spotcheck.VisitFilter{})
				return err
			},
			"FindVisitByID": func(c context.Context) error { _, err := db.Visits().FindVisitByID(c, 1); return err },
			"AcceptVisit": func(c context.Context) error {
				return db.Visits().AcceptVisit(c, 1, spotcheck.VisitDecision{Date: "2026-04-01"})
			},
			"DeclineVisit": func(c context.Context) error {
				return db.Visits().DeclineVisit(c, 1, spotcheck.VisitDecision{Note: "不合并"})
			},
			"FindCapPolicy": func(c context.Context) error { _, err := db.Caps().FindCapPolicy(c); return err },
			"UpdateCapPolicy": func(c context.Context) error {
				p := spotcheck.CapPolicy{Limit: 1, Source: "x"}
				return db.Caps().UpdateCapPolicy(c, &p)
			},
			"FindRepeatAlerts": func(c context.Context) error { _, err := db.Caps().FindRepeatAlerts(c, "2026"); return err },
			// attachments
			"SaveAttachment": func(c context.Context) error {
				_, err := db.Attachments().SaveAttachment(c, "a.pdf", []byte("%PDF-1.4\n"), spotcheck.Citation{Kind: "inspection", Key: "1"})
				return err
			},
			"FindAttachment": func(c context.Context) error {
				_, err := db.Attachments().FindAttachment(c, strings.Repeat("0", 64))
				return err
			},
			"ReadAttachment": func(c context.Context) error {
				_, _, err := db.Attachments().ReadAttachment(c, strings.Repeat("0", 64))
				return err
			},
			"FindAttachments": func(c context.Context) error {
				_, err := db.Attachments().FindAttachments(c, spotcheck.Citation{Kind: "inspection", Key: "1"})
				return err
			},
			// notices
			"Notice":        func(c context.Context) error { _, err := db.Notices().Notice(c, 1); return err },
			"DeliverNotice": func(c context.Context) error { return db.Notices().DeliverNotice(c, 1) },
			"ReadNotice": func(c context.Context) error {
				_, _, err := db.Notices().ReadNotice(c, strings.Repeat("a", spotcheck.NoticeTokenLen))
				return err
			},
			// inspections
			"CreateInspections": func(c context.Context) error {
				_, err := db.Inspections().CreateInspections(c, "2026-FZWL-SJ-031", d.ID)
				return err
			},
			"FindInspections": func(c context.Context) error {
				_, err := db.Inspections().FindInspections(c, spotcheck.InspectionFilter{})
				return err
			},
			"FindInspectionByID":      func(c context.Context) error { _, err := db.Inspections().FindInspectionByID(c, 1); return err },
			"FindInspectionRevisions": func(c context.Context) error { _, err := db.Inspections().FindInspectionRevisions(c, 1); return err },
			"ResultCatalogue":         func(c context.Context) error { _, err := db.Inspections().ResultCatalogue(c); return err },
			"SaveInspection": func(c context.Context) error {
				return db.Inspections().SaveInspection(c, &spotcheck.Inspection{ID: 1, Results: []string{"R01"}})
			},
			"ConfirmInspection": func(c context.Context) error { return db.Inspections().ConfirmInspection(c, 1) },
			"SubmitInspection":  func(c context.Context) error { return db.Inspections().SubmitInspection(c, 1) },
			"ApproveInspection": func(c context.Context) error { return db.Inspections().ApproveInspection(c, 1, "") },
			"ReturnInspection":  func(c context.Context) error { return db.Inspections().ReturnInspection(c, 1, "退回") },
			"RejectInspection":  func(c context.Context) error { return db.Inspections().RejectInspection(c, 1, "不通过") },
			"ReviseInspection":  func(c context.Context) error { return db.Inspections().ReviseInspection(c, 1, "更正") },
			"FindPublicationsDueSoon": func(c context.Context) error {
				_, err := db.Inspections().FindPublicationsDueSoon(c, spotcheck.InspectionFilter{}, 0)
				return err
			},
			"FindPublicationsOverdue": func(c context.Context) error {
				_, err := db.Inspections().FindPublicationsOverdue(c, spotcheck.InspectionFilter{})
				return err
			},
			// the program's own jobs and settings
			"PublishOldDraws":    func(c context.Context) error { _, err := db.PublishOldDraws(c); return err },
			"RebuildSearchIndex": db.RebuildSearchIndex,
			"Migrate":            func(c context.Context) error { _, err := db.Migrate(c); return err },
			"Count":              func(c context.Context) error { _, err := db.Count(c, spotcheck.KindEntities); return err },
			"Setting":            func(c context.Context) error { _, err := db.Setting(c, "demo"); return err },
			"SetSetting":         func(c context.Context) error { return db.SetSetting(c, "demo", "x") },
		}
		for name, call := range calls {
			for _, c := range []context.Context{nobody, actorOnly} {
				if err := call(c); spotcheck.ErrorCode(err) != spotcheck.EUNAUTHORIZED {
					t.Errorf("%s without a principal: %v, want EUNAUTHORIZED", name, err)
				}
			}
		}
		// The public reads the log.
		for _, name := range []string{"LogSize", "LogEntries", "ScanLogEntries"} {
			if err := calls[name](spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public())); err != nil {
				t.Errorf("%s by the public: %v", name, err)
			}
		}
		if n := countChanges(t, db); n != changesBefore {
			t.Errorf("calls without a principal recorded %d changes", n-changesBefore)
		}
		if _, err := db.Accounts().FindUserByUsername(ctx, "intruder"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Errorf("an account was created by nobody: %v", err)
		}
		// The program's jobs are the system's, not a user's.
		for _, name := range []string{"PublishOldDraws", "RebuildSearchIndex", "Migrate", "Count", "Setting", "SetSetting",
			"AppendLog", "AppendSealed"} {
			if err := calls[name](as("secadmin")); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
				t.Errorf("%s by the security admin: %v, want EFORBIDDEN", name, err)
			}
			if err := calls[name](ctx); err != nil {
				t.Errorf("%s by the system: %v", name, err)
			}
		}
	})
}

// TestSystemPrincipalIsRecorded: what a system principal does is recorded
// under its name, never as nobody.
func TestSystemPrincipalIsRecorded(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		cli := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("cli:root"))
		u := &spotcheck.User{Username: "audit1", Name: "审计", Dept: "FZWL", Roles: []string{spotcheck.RoleAuditAdmin}}
		if err := db.Accounts().CreateUser(cli, u, "Audit-Admin-2026"); err != nil {
			t.Fatalf("the command line creates an administrator: %v", err)
		}
		e := entity(t, "350102", "MA0000037", "系统写入旅行社（示例）")
		if err := db.Entities().SaveEntity(cli, &e); err != nil {
			t.Fatal(err)
		}
		for _, kk := range [][2]string{{"user", "audit1"}, {"entity", e.ID}} {
			cs, err := db.FindRecordChanges(ctx, kk[0], kk[1])
			if err != nil || len(cs) != 1 || cs[0].Actor != "cli:root" {
				t.Errorf("%s %s: changes %+v, %v; want one by cli:root", kk[0], kk[1], cs, err)
			}
		}
	})
}

// countChanges counts the whole change history.
func countChanges(t *testing.T, db *store.DB) int {
	t.Helper()
	l, err := db.Changes().FindChanges(ctx, spotcheck.ChangeFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}
