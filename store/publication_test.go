package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// approveAll records, confirms, submits and approves every inspection of
// task still in draft, completed on completed, creating accounts for the
// team members it needs (linked by staff id); it returns the inspections.
func approveAll(t *testing.T, db *store.DB, as func(string) context.Context, first *spotcheck.Inspection, completed string) []spotcheck.Inspection {
	t.Helper()
	sv, task := db.Inspections(), first.Task
	known := map[string]string{first.Team[0]: "member1", first.Team[1]: "member2"}
	// Recorded in March, while the demo's 执法证 are valid.
	now := db.Now
	db.Now = func() time.Time { return time.Date(2026, 3, 12, 4, 0, 0, 0, time.UTC) }
	defer func() { db.Now = now }()
	list, err := sv.FindInspections(as("planner"), spotcheck.InspectionFilter{Task: task})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range list {
		if in.State != spotcheck.InspectionDraft {
			continue
		}
		var team []context.Context
		for _, s := range in.Team {
			name := known[s]
			if name == "" {
				name = "staff-" + strings.ToLower(s)
				known[s] = name
				u := &spotcheck.User{Username: name, Name: "检查员" + s, Dept: "FZWL", Roles: []string{spotcheck.RoleInspector}, StaffID: s}
				if err := db.Accounts().CreateUser(ctx, u, pw); err != nil {
					t.Fatal(err)
				}
			}
			team = append(team, as(name))
		}
		if err := sv.SaveInspection(team[0], recorded(in.ID, completed)); err != nil {
			t.Fatalf("save %d: %v", in.ID, err)
		}
		for _, c := range team {
			if err := sv.ConfirmInspection(c, in.ID); err != nil {
				t.Fatalf("confirm %d: %v", in.ID, err)
			}
		}
		if err := sv.SubmitInspection(team[0], in.ID); err != nil {
			t.Fatalf("submit %d: %v", in.ID, err)
		}
		if err := sv.ApproveInspection(as("approver"), in.ID, ""); err != nil {
			t.Fatalf("approve %d: %v", in.ID, err)
		}
	}
	list, err = sv.FindInspections(as("planner"), spotcheck.InspectionFilter{Task: task})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// wantIn is wantCode with a part of the message.
func wantIn(t *testing.T, what string, err error, code, part string) {
	t.Helper()
	if spotcheck.ErrorCode(err) != code || !strings.Contains(spotcheck.ErrorMessage(err), part) {
		t.Fatalf("%s: got %v (%s), want %s …%s…", what, err, spotcheck.ErrorCode(err), code, part)
	}
}

func drawState(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	var s string
	if err := db.QueryRowForTest(ctx, fmt.Sprintf("SELECT state FROM draws WHERE id = %d", id)).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPublishInspection: only an approved result is published, by an
// approver of its department; the publication is logged and its credit
// record enqueued in the same transaction, with public fields only; a
// correction is a new publication with its reason, version 2 of the same
// record; the portal finds both by name and by credit code, refuses
// absurd queries, and stops showing them at the display period's end.
func TestPublishInspection(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv, ps := db.Inspections(), db.Publications()
		m1, m2, ap := as("member1"), as("member2"), as("approver")
		db.Now = func() time.Time { return time.Date(2026, 10, 12, 4, 0, 0, 0, time.UTC) }
		outbox := func() int { return countRows(t, db, "outbox") }
		refused := func(what string, err error, code string) {
			t.Helper()
			before, changes := outbox(), countChanges(t, db)
			wantCode(t, what, err, code, "")
			if outbox() != before || countChanges(t, db) != changes {
				t.Fatalf("%s: refused, yet something was written", what)
			}
		}
		_, err := ps.PublishInspection(ap, in.ID, "")
		refused("publish a draft", err, spotcheck.ECONFLICT)
		march := func() { db.Now = func() time.Time { return time.Date(2026, 3, 12, 4, 0, 0, 0, time.UTC) } }
		october := func() { db.Now = func() time.Time { return time.Date(2026, 10, 12, 4, 0, 0, 0, time.UTC) } }
		march()
		if err := sv.SaveInspection(m1, recorded(in.ID, "2026-09-29")); err != nil {
			t.Fatal(err)
		}
		for _, c := range []context.Context{m1, m2} {
			if err := sv.ConfirmInspection(c, in.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := sv.SubmitInspection(m1, in.ID); err != nil {
			t.Fatal(err)
		}
		_, err = ps.PublishInspection(ap, in.ID, "")
		refused("publish a submitted result", err, spotcheck.ECONFLICT)
		if err := sv.ApproveInspection(ap, in.ID, ""); err != nil {
			t.Fatal(err)
		}
		october()
		_, err = ps.PublishInspection(m1, in.ID, "")
		refused("a team member publishes", err, spotcheck.EFORBIDDEN)
		_, err = ps.PublishInspection(as("planner"), in.ID, "")
		refused("a planner publishes", err, spotcheck.EFORBIDDEN)
		_, err = ps.PublishInspection(as("inspector"), in.ID, "")
		refused("another district publishes", err, spotcheck.ENOTFOUND)

		logBefore := countRows(t, db, "log_entries")
		pub, err := ps.PublishInspection(ap, in.ID, "")
		if err != nil {
			t.Fatalf("PublishInspection: %v", err)
		}
		if pub.Version != 1 || pub.Original != pub.ID || pub.Corrects != 0 || pub.Due != "2026-11-02" || pub.Late() ||
			pub.PublishedOn != "2026-10-12" || pub.DisplayUntil != "2029-10-11" {
			t.Fatalf("publication: %+v", pub)
		}
		got, err := sv.FindInspectionByID(m1, in.ID)
		if err != nil || got.State != spotcheck.InspectionPublished {
			t.Fatalf("after publishing: %+v, %v", got, err)
		}
		if n := countRows(t, db, "log_entries"); n <= logBefore {
			t.Errorf("the publication was not logged: %d entries, %d before", n, logBefore)
		}
		// Its due date is met when the credit platform acknowledges the
		// record, not when the button is pressed.
		dueSoon := func() bool {
			l, err := sv.FindPublicationsDueSoon(ap, spotcheck.InspectionFilter{}, 30)
			if err != nil {
				t.Fatal(err)
			}
			return slices.ContainsFunc(l, func(x spotcheck.Inspection) bool { return x.ID == in.ID })
		}
		if !dueSoon() {
			t.Error("published, not yet acknowledged: off the due list")
		}
		if n, err := db.NewOutboxWorker(acknowledging{}, spotcheck.DefaultOutboxPolicy).RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("the push: %d sent, %v", n, err)
		}
		if dueSoon() {
			t.Error("acknowledged, still on the due list")
		}
		var key, payload string
		if err := db.QueryRowForTest(ctx, "SELECT min(idem_key), min(payload) FROM outbox").Scan(&key, &payload); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("spotcheck/credit/pub-%d/v1", pub.ID); key != want {
			t.Errorf("outbox key %q, want %q", key, want)
		}
		var rec spotcheck.CreditRecord
		if err := json.Unmarshal([]byte(payload), &rec); err != nil || rec.Validate() != nil {
			t.Fatalf("payload %s: %v", payload, err)
		}
		if rec.TaskCode != "2026-FZWL-SJ-041" || rec.Authority != "福州市文化和旅游局" || rec.Completed != "2026-09-29" ||
			rec.CreditCode != in.Entity || rec.EntityName == "" || rec.DrawType != "不定向抽查" || len(rec.Items) != 1 ||
			rec.Items[0].Outcome != "发现问题" || rec.Display.Result != "发现问题已责令改正" {
			t.Errorf("record: %+v", rec)
		}
		for _, s := range in.Team {
			if strings.Contains(payload, s) || strings.Contains(payload, got.Names[s]) || strings.Contains(payload, "未与游客签订书面合同") {
				t.Errorf("the record names the team or the team's words: %s", payload)
			}
		}
		// The other inspections of the draw are still open: the draw stays sealed.
		if s := drawState(t, db, in.Draw); s != spotcheck.DrawDrawn {
			t.Errorf("draw %s after one of its results was published", s)
		}
		_, err = ps.PublishInspection(ap, in.ID, "")
		refused("publish twice", err, spotcheck.ECONFLICT)

		// A correction: revision 2, approved, published with a reason.
		if err := sv.ReviseInspection(m1, in.ID, "完成日期填写错误"); err != nil {
			t.Fatal(err)
		}
		march()
		if err := sv.SaveInspection(m1, recorded(in.ID, "2026-09-30")); err != nil {
			t.Fatal(err)
		}
		for _, c := range []context.Context{m1, m2} {
			if err := sv.ConfirmInspection(c, in.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := sv.SubmitInspection(m1, in.ID); err != nil {
			t.Fatal(err)
		}
		if err := sv.ApproveInspection(ap, in.ID, "同意更正"); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return time.Date(2026, 10, 20, 4, 0, 0, 0, time.UTC) }
		_, err = ps.PublishInspection(ap, in.ID, "  ")
		refused("a correction without a reason", err, spotcheck.EINVALID)
		corr, err := ps.PublishInspection(ap, in.ID, "完成日期应为9月30日")
		if err != nil {
			t.Fatalf("correction: %v", err)
		}
		if corr.Version != 2 || corr.Original != pub.ID || corr.Corrects != pub.ID || corr.Record.Corrects != 1 ||
			corr.Record.RecordID != pub.Record.RecordID || corr.Record.CorrectionReason != "完成日期应为9月30日" ||
			corr.PublishedOn != "2026-10-20" || corr.DisplayUntil != pub.DisplayUntil {
			t.Fatalf("correction: %+v", corr)
		}
		if n := countRows(t, db, fmt.Sprintf("outbox WHERE idem_key = 'spotcheck/credit/pub-%d/v2'", pub.ID)); n != 1 {
			t.Errorf("the correction's record: %d rows", n)
		}

		// The portal: both, by a part of the name and by the credit code.
		public := spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
		name := []rune(rec.EntityName)
		// (a code's prefix reads the publications' index; a name goes
		// through the entities' search index, publishing entities only)
		for _, q := range []string{string(name[1:3]), strings.ToLower(in.Entity), in.Entity[:8]} {
			l, err := ps.FindPublications(public, spotcheck.PublicationFilter{Query: q})
			if err != nil || len(l) != 2 || l[0].Version != 1 || l[1].Version != 2 {
				t.Errorf("search %q: %d, %v", q, len(l), err)
			}
		}
		if l, err := ps.FindPublications(public, spotcheck.PublicationFilter{Query: "' OR 1=1 --"}); err != nil || len(l) != 0 {
			t.Errorf("an injection: %d, %v", len(l), err)
		}
		for what, q := range map[string]string{"invalid UTF-8": "\xff\xfe旅行社", "10 KB": strings.Repeat("旅", 3400),
			"one character, which the index cannot answer": string(name[1])} {
			_, err := ps.FindPublications(public, spotcheck.PublicationFilter{Query: q})
			wantCode(t, what, err, spotcheck.EINVALID, "")
		}
		// Past the display period, which the correction shares with what
		// it corrects: neither is shown, both are counted.
		if l, err := ps.FindPublications(public, spotcheck.PublicationFilter{Task: "2026-FZWL-SJ-041", Day: "2029-10-11"}); err != nil || len(l) != 2 {
			t.Errorf("the display period's last day: %d, %v", len(l), err)
		}
		if l, err := ps.FindPublications(public, spotcheck.PublicationFilter{Task: "2026-FZWL-SJ-041", Day: "2029-10-12"}); err != nil || len(l) != 0 {
			t.Errorf("the day after the display period: %d, %v", len(l), err)
		}
		if n, err := ps.CountExpired(public, "2026-FZWL-SJ-041", "2029-10-12"); err != nil || n != 2 {
			t.Errorf("expired: %d, %v", n, err)
		}
	})
}

// TestPublishTaskResults: a department that publishes by task refuses one
// entity's publication and a task with results still open; once all are
// approved, the task's results are published at once, each logged and
// enqueued, and the draw's embargo is lifted in the same transaction.
func TestPublishTaskResults(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		ps := db.Publications()
		ap := as("approver")
		db.Now = func() time.Time { return time.Date(2026, 10, 12, 4, 0, 0, 0, time.UTC) }
		wantCode(t, "a planner sets the mode", ps.SetPublicationMode(as("planner"), "FZWL", spotcheck.PublishByTask), spotcheck.EFORBIDDEN, "")
		wantCode(t, "an unknown mode", ps.SetPublicationMode(ap, "FZWL", "weekly"), spotcheck.EINVALID, "")
		if err := ps.SetPublicationMode(ap, "FZWL", spotcheck.PublishByTask); err != nil {
			t.Fatal(err)
		}
		_, err := ps.PublishTaskResults(ap, in.Task)
		wantIn(t, "a task with open results", err, spotcheck.ECONFLICT, "尚有检查结果未审核")
		list := approveAll(t, db, as, in, "2026-09-29")
		_, err = ps.PublishInspection(ap, in.ID, "")
		wantIn(t, "one entity, by task", err, spotcheck.ECONFLICT, "按任务统一公示")
		_, err = ps.PublishTaskResults(as("member1"), in.Task)
		wantCode(t, "a member publishes the task", err, spotcheck.EFORBIDDEN, "")
		if s := drawState(t, db, in.Draw); s != spotcheck.DrawDrawn {
			t.Fatalf("draw %s before", s)
		}
		pubs, err := ps.PublishTaskResults(ap, in.Task)
		if err != nil {
			t.Fatalf("PublishTaskResults: %v", err)
		}
		if len(pubs) != len(list) || countRows(t, db, "outbox") != len(list) {
			t.Fatalf("%d published of %d", len(pubs), len(list))
		}
		if s := drawState(t, db, in.Draw); s != spotcheck.DrawPublished {
			t.Errorf("draw %s after the task's results were published", s)
		}
		if n := countRows(t, db, "inspections WHERE state = 'published'"); n != len(list) {
			t.Errorf("%d inspections published", n)
		}
		_, err = ps.PublishTaskResults(ap, in.Task)
		wantIn(t, "again", err, spotcheck.ECONFLICT, "没有待公示")
		l, err := ps.FindPublications(spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public()),
			spotcheck.PublicationFilter{Task: in.Task})
		if err != nil || len(l) != len(list) {
			t.Errorf("the task's 抽查结果公告: %d, %v", len(l), err)
		}
	})
}

// TestPublicationTimeliness: per department, published on time, late and
// not yet published (overdue); the supervisor sees the late ones by person.
func TestPublicationTimeliness(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		ps := db.Publications()
		ap := as("approver")
		db.Now = func() time.Time { return time.Date(2026, 10, 12, 4, 0, 0, 0, time.UTC) }
		list := approveAll(t, db, as, in, "2026-09-29") // due 2026-11-02
		if len(list) < 3 {
			t.Fatalf("need three inspections, have %d", len(list))
		}
		if _, err := ps.PublishInspection(ap, list[0].ID, ""); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return time.Date(2026, 11, 5, 4, 0, 0, 0, time.UTC) }
		if _, err := ps.PublishInspection(ap, list[1].ID, ""); err != nil {
			t.Fatal(err)
		}
		counts, late, err := ps.FindTimeliness(ap)
		if err != nil || len(counts) != 1 || late != nil {
			t.Fatalf("the approver: %+v %+v %v", counts, late, err)
		}
		want := spotcheck.Timeliness{Dept: "FZWL", OnTime: 1, Late: 1, Pending: len(list) - 2, PendingOverdue: len(list) - 2}
		if counts[0] != want {
			t.Errorf("counts %+v, want %+v", counts[0], want)
		}
		_, late, err = ps.FindTimeliness(as("supervisor"))
		if err != nil || len(late) != len(list)-1 {
			t.Fatalf("the supervisor's late list: %d, %v", len(late), err)
		}
		for _, l := range late {
			if l.Approver != "approver" || l.Due != "2026-11-02" {
				t.Errorf("late: %+v", l)
			}
		}
		if late[0].Inspection != list[1].ID || late[0].PublishedOn != "2026-11-05" {
			t.Errorf("the published late one first: %+v", late[0])
		}
		_, _, err = ps.FindTimeliness(as("member1"))
		wantCode(t, "an inspector", err, spotcheck.EFORBIDDEN, "")
	})
}

// acknowledging is a credit platform that acknowledges every record.
type acknowledging struct{}

func (acknowledging) Send(context.Context, *spotcheck.OutboxRecord) (string, error) {
	return `{"code":0,"message":"已接收"}`, nil
}
