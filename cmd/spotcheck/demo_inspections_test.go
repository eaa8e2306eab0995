package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// TestDemoInspections: the demo has what issue 11 asks of it — visits in
// every state (upcoming, in progress, submitted, returned, approved), the
// demo inspector's among those in progress, submitted and returned,
// findings with photos and a PDF, two publications overdue and one due
// soon on the day the demo is made (run's clock, 2026-11-26), one
// rectification order, one 经营异常 hand-off (both published, the first
// corrected once) and one recusal request pending review.
func TestDemoInspections(t *testing.T) {
	dbPath := demoDB(t)
	db, err := store.Open(sysCtx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }
	u, err := db.Accounts().FindUserByUsername(sysCtx, "glplanner")
	if err != nil {
		t.Fatal(err)
	}
	depts, err := db.Departments().FindDepartments(sysCtx)
	if err != nil {
		t.Fatal(err)
	}
	gl := spotcheck.NewContextWithPrincipal(sysCtx, spotcheck.NewPrincipal(*u, depts))
	sv := db.Inspections()
	all, err := sv.FindInspections(gl, spotcheck.InspectionFilter{Task: "2026-GLWL-SJ-001"})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	mine := map[string]bool{}
	var photos, pdfs int
	for _, in := range all {
		state := in.State
		if state == spotcheck.InspectionDraft && !in.CheckIn.IsZero() {
			state = "in progress"
		}
		count[state]++
		if slices.Contains(in.Team, demo.DemoInspector) {
			mine[state] = true
		}
		ev, err := db.Attachments().FindAttachments(gl, spotcheck.Citation{Kind: "inspection", Key: strconv.FormatInt(in.ID, 10)})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range ev {
			switch a.Type {
			case "image/jpeg":
				photos++
			case "application/pdf":
				pdfs++
			}
		}
	}
	for _, s := range []string{spotcheck.InspectionDraft, "in progress", spotcheck.InspectionSubmitted,
		spotcheck.InspectionReturned, spotcheck.InspectionApproved} {
		if count[s] == 0 {
			t.Errorf("no inspection is %s: %v", s, count)
		}
	}
	for _, s := range []string{"in progress", spotcheck.InspectionSubmitted, spotcheck.InspectionReturned} {
		if !mine[s] {
			t.Errorf("the demo inspector has no inspection that is %s: %v", s, mine)
		}
	}
	if photos < 8 || pdfs < 2 {
		t.Errorf("evidence: %d photos, %d PDFs", photos, pdfs)
	}
	overdue, err := sv.FindPublicationsOverdue(gl, spotcheck.InspectionFilter{})
	if err != nil || len(overdue) != 2 {
		t.Errorf("overdue publications: %d, %v", len(overdue), err)
	}
	soon, err := sv.FindPublicationsDueSoon(gl, spotcheck.InspectionFilter{}, 0)
	if err != nil || len(soon) == 0 {
		t.Errorf("publications due soon: %d, %v", len(soon), err)
	}
	fus, err := db.FollowUps().FindFollowUps(gl, spotcheck.FollowUpFilter{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, f := range fus {
		kinds[f.Kind]++
	}
	if kinds[spotcheck.FollowRectify] != 1 || kinds[spotcheck.FollowAbnormal] != 1 {
		t.Errorf("follow-ups by kind: %v, want one rectification order and one 经营异常 hand-off", kinds)
	}
	// Published: the rectification order (corrected once) and the
	// hand-off, on the portal's 抽查结果公告 with the correction.
	public := spotcheck.NewContextWithPrincipal(sysCtx, spotcheck.Public())
	pubs, err := db.Publications().FindPublications(public, spotcheck.PublicationFilter{Task: "2026-GLWL-SJ-001"})
	if err != nil || len(pubs) != 3 {
		t.Fatalf("publications: %d, %v; want two and a correction", len(pubs), err)
	}
	var corrections int
	for _, p := range pubs {
		if p.Corrects != 0 && p.Reason != "" && strings.Contains(p.Record.Items[0].Basis, "第二十三条") {
			corrections++
		}
	}
	if corrections != 1 {
		t.Errorf("corrections: %d, want 1: %+v", corrections, pubs)
	}
	// Their credit records, pushed to the demo's receiver: one
	// acknowledged, the correction a dead letter, the hand-off retrying;
	// and those of 仓山区's control task (demo_control.go), published
	// before the receiver went down, acknowledged.
	control, err := db.Publications().FindPublications(public, spotcheck.PublicationFilter{Task: demoControlTask(2026)})
	if err != nil || len(control) == 0 {
		t.Fatalf("the control task's publications: %d, %v", len(control), err)
	}
	counts, err := store.NewOutboxService(db, nil).OutboxCounts(sysCtx)
	if err != nil || counts != (spotcheck.OutboxCounts{Retrying: 1, Delivered: 1 + len(control), Dead: 1}) {
		t.Errorf("outbox: %+v, %v; want %d delivered, one retrying, one dead", counts, err, 1+len(control))
	}
	rs, err := db.Recusals().FindRecusals(gl, spotcheck.RecusalFilter{})
	if err != nil || len(rs) != 1 || rs[0].State != spotcheck.ReviewPending {
		t.Errorf("recusal requests: %+v, %v; want one pending", rs, err)
	}
}
