package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// submit records, confirms and submits inspection id as its team.
func submit(t *testing.T, db *store.DB, as func(string) context.Context, id int64) {
	t.Helper()
	db.Now = func() time.Time { return time.Date(2026, 3, 12, 4, 0, 0, 0, time.UTC) }
	sv := db.Inspections()
	if err := sv.SaveInspection(as("member1"), recorded(id, "2026-03-12")); err != nil {
		t.Fatalf("SaveInspection: %v", err)
	}
	for _, m := range []string{"member1", "member2"} {
		if err := sv.ConfirmInspection(as(m), id); err != nil {
			t.Fatalf("ConfirmInspection: %v", err)
		}
	}
	if err := sv.SubmitInspection(as("member1"), id); err != nil {
		t.Fatalf("SubmitInspection: %v", err)
	}
}

// TestRecusalRequestToConflictAndReplacement: the public files a recusal
// request from the notice's token against an inspector of THIS visit; one
// not on the visit, a missing reason, an unknown token are refused with
// nothing stored; a second request while one is pending is refused; the
// review is a department admin's (not an approver's), a rejection needs a
// reason; an approval makes the conflict active and approved and asks for
// a replacement of the inspector in this draw (reason "conflict") by a
// member of the same unit not on the team, which takes effect only when a
// second official approves it.
func TestRecusalRequestToConflictAndReplacement(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		n, err := db.Notices().Notice(as("member1"), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		public := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public())
		sv := db.Recusals()
		recused := in.Team[1]
		name := in.Names[recused]
		if name == "" {
			t.Fatalf("team member %s has no name: %+v", recused, in.Names)
		}

		before := countRows(t, db, "conflicts")
		for _, bad := range []struct {
			token string
			q     spotcheck.RecusalRequest
			code  string
			says  string
		}{
			{n.Token, spotcheck.RecusalRequest{InspectorName: "不在本组的人", Reason: "曾为本企业提供咨询服务"}, spotcheck.EINVALID, "不是本次检查的检查人员"},
			{n.Token, spotcheck.RecusalRequest{InspectorName: name, Reason: " "}, spotcheck.EINVALID, "回避理由"},
			{strings.Repeat("a", spotcheck.NoticeTokenLen), spotcheck.RecusalRequest{InspectorName: name, Reason: "曾为本企业提供咨询服务"}, spotcheck.ENOTFOUND, "没有这份检查通知书"},
		} {
			q := bad.q
			err := sv.RequestRecusal(public, bad.token, &q)
			if spotcheck.ErrorCode(err) != bad.code || !strings.Contains(fmt.Sprint(err), bad.says) {
				t.Fatalf("RequestRecusal(%+v): %v, want %s saying %q", bad.q, err, bad.code, bad.says)
			}
		}
		if got := countRows(t, db, "conflicts"); got != before || countRows(t, db, "recusal_requests") != 0 {
			t.Fatalf("refused requests stored something: conflicts %d→%d", before, got)
		}

		q := &spotcheck.RecusalRequest{InspectorName: name, Reason: "该检查人员系本企业法定代表人的近亲属", Contact: "0591-12345678"}
		if err := sv.RequestRecusal(public, n.Token, q); err != nil {
			t.Fatalf("RequestRecusal: %v", err)
		}
		if q.ID == 0 || q.Inspector != recused || q.State != spotcheck.ReviewPending {
			t.Fatalf("filed request: %+v", q)
		}
		c, err := db.Conflicts().FindConflict(as("cityadmin"), recused, in.Entity, spotcheck.ConflictRequested)
		if err != nil || c.Review != spotcheck.ReviewPending {
			t.Fatalf("the request's conflict: %+v, %v; want pending", c, err)
		}
		again := &spotcheck.RecusalRequest{InspectorName: name, Reason: "再次申请回避该检查人员"}
		if err := sv.RequestRecusal(public, n.Token, again); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("a second request while pending: %v, want ECONFLICT", err)
		}

		// Its conflict is not decided on the conflicts' own form, which
		// would leave the request pending and ask for no replacement.
		bypass := *c
		bypass.Review = spotcheck.ReviewApproved
		if err := db.Conflicts().SaveConflict(as("cityadmin"), &bypass); spotcheck.ErrorCode(err) != spotcheck.EINVALID ||
			!strings.Contains(fmt.Sprint(err), "请在“回避申请”中审核") {
			t.Fatalf("deciding the request on the conflicts' form: %v, want EINVALID", err)
		}
		if _, err := sv.ReviewRecusal(as("approver"), q.ID, true, ""); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Fatalf("review by an approver: %v, want EFORBIDDEN", err)
		}
		if _, err := sv.ReviewRecusal(as("cityadmin"), q.ID, false, ""); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Fatalf("rejection without a reason: %v, want EINVALID", err)
		}
		changes, err := db.Draws().FindDrawChanges(as("planner"), in.Draw)
		if err != nil || len(changes) != 0 {
			t.Fatalf("changes before approval: %+v, %v", changes, err)
		}

		got, err := sv.ReviewRecusal(as("cityadmin"), q.ID, true, "情况属实")
		if err != nil {
			t.Fatalf("ReviewRecusal: %v", err)
		}
		if got.State != spotcheck.ReviewApproved || got.Change == 0 {
			t.Fatalf("approved request: %+v; want a change asked for", got)
		}
		c, err = db.Conflicts().FindConflict(as("cityadmin"), recused, in.Entity, spotcheck.ConflictRequested)
		if err != nil || c.Review != spotcheck.ReviewApproved || !c.Active {
			t.Fatalf("the conflict after approval: %+v, %v; want active and approved", c, err)
		}
		if _, err := sv.ReviewRecusal(as("cityadmin"), q.ID, false, "重复审核"); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("second review: %v, want ECONFLICT", err)
		}
		changes, err = db.Draws().FindDrawChanges(as("planner"), in.Draw)
		if err != nil || len(changes) != 1 {
			t.Fatalf("changes after approval: %+v, %v", changes, err)
		}
		ch := changes[0]
		if ch.ID != got.Change || ch.Kind != spotcheck.ChangeReplace || ch.Reason != "conflict" || ch.State != spotcheck.ChangePending ||
			ch.Entity != in.Entity || ch.Inspector != recused || ch.NewInspector == "" || slices.Contains(in.Team, ch.NewInspector) {
			t.Fatalf("the change asked for: %+v (team %v)", ch, in.Team)
		}
		files, err := db.Draws().FindDrawFiles(as("planner"), in.Draw)
		if err != nil {
			t.Fatal(err)
		}
		unitOf := map[string]string{}
		for _, line := range strings.Split(string(files.Roster), "\n") {
			if f := strings.Split(line, "\t"); len(f) == 3 {
				unitOf[f[0]] = f[1]
			}
		}
		if unitOf[ch.NewInspector] != unitOf[recused] {
			t.Fatalf("new inspector %s of unit %s, the recused one of %s", ch.NewInspector, unitOf[ch.NewInspector], unitOf[recused])
		}

		// The team changes only when a second official approves.
		if err := db.Draws().DecideDrawChange(as("cityadmin"), ch.ID, true, ""); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Fatalf("the department admin approving the change: %v, want EFORBIDDEN", err)
		}
		if err := db.Draws().DecideDrawChange(as("approver"), ch.ID, true, "同意更换"); err != nil {
			t.Fatalf("DecideDrawChange: %v", err)
		}
		after, err := db.Inspections().FindInspectionByID(as("approver"), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(after.Team, recused) || !slices.Contains(after.Team, ch.NewInspector) {
			t.Fatalf("team after the change: %v; want %s replaced by %s", after.Team, recused, ch.NewInspector)
		}
		l, err := sv.FindRecusals(as("cityadmin"), spotcheck.RecusalFilter{})
		if err != nil || len(l) != 1 || l[0].Change != ch.ID {
			t.Fatalf("FindRecusals: %+v, %v", l, err)
		}
	})
}

// TestRecusalRefusedOnceSubmitted: after the record is submitted the
// team no longer changes, so a request is refused and nothing stored.
func TestRecusalRefusedOnceSubmitted(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		n, err := db.Notices().Notice(as("member1"), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		submit(t, db, as, in.ID)
		public := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public())
		q := &spotcheck.RecusalRequest{InspectorName: in.Names[in.Team[0]], Reason: "曾为本企业提供咨询服务"}
		if err := db.Recusals().RequestRecusal(public, n.Token, q); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("request after submission: %v, want ECONFLICT", err)
		}
		if countRows(t, db, "recusal_requests") != 0 {
			t.Fatal("a refused request was stored")
		}
	})
}
