package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// publishedWorld records, approves and publishes the world's inspection
// (completed 2026-03-10, published 2026-03-12) and returns the contexts,
// the inspection, its publication and its notice's token.
func publishedWorld(t *testing.T, db *store.DB) (func(string) context.Context, *spotcheck.Inspection, *spotcheck.Publication, string) {
	t.Helper()
	as, in := inspectionWorld(t, db)
	at(t, db, "2026-03-12")
	n, err := db.Notices().Notice(as("member1"), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	public := spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
	if _, err := db.AfterPublication().FileObjection(public, n.Token, "结果有误"); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
		t.Fatalf("an objection before publication: %v", err)
	}
	if _, err := db.AfterPublication().FindEnterpriseResults(public, in.Entity); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND ||
		strings.Contains(spotcheck.ErrorMessage(err), in.EntityName) {
		t.Fatalf("the page of an entity whose result is not published: %v", err)
	}
	reviseAndApprove(t, db, as, in.ID, "")
	at(t, db, "2026-03-12")
	pub, err := db.Publications().PublishInspection(as("approver"), in.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return as, in, pub, n.Token
}

// reviseAndApprove opens the next revision when reason is set, then
// records (completed 2026-03-10), confirms, submits and approves it.
func reviseAndApprove(t *testing.T, db *store.DB, as func(string) context.Context, id int64, reason string) {
	t.Helper()
	sv, m1, m2 := db.Inspections(), as("member1"), as("member2")
	if reason != "" {
		if err := sv.ReviseInspection(m1, id, reason); err != nil {
			t.Fatal(err)
		}
	}
	if err := sv.SaveInspection(m1, recorded(id, "2026-03-10")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []context.Context{m1, m2} {
		if err := sv.ConfirmInspection(c, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := sv.SubmitInspection(m1, id); err != nil {
		t.Fatal(err)
	}
	if err := sv.ApproveInspection(as("approver"), id, ""); err != nil {
		t.Fatal(err)
	}
}

// TestObjectionCorrectsResult: the enterprise objects with its notice's
// token; the objection is due 5 working days later and logged; an
// approver upholds it only with an approved corrected revision, which is
// then published as a correction in the same step, or rejects it with a
// reason; the enterprise's page shows the original and its correction,
// and stops showing them at the end of the display period, saying so.
func TestObjectionCorrectsResult(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in, pub, token := publishedWorld(t, db)
		sv, ap := db.AfterPublication(), as("approver")
		public := spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
		refused := func(what string, err error, code string) {
			t.Helper()
			logs, changes, pubs := countRows(t, db, "log_entries"), countChanges(t, db), countRows(t, db, "publications")
			wantCode(t, what, err, code, "")
			if countRows(t, db, "log_entries") != logs || countChanges(t, db) != changes || countRows(t, db, "publications") != pubs {
				t.Fatalf("%s: refused, yet something was written", what)
			}
		}

		page, err := sv.FindEnterpriseResults(public, strings.ToLower(in.Entity))
		if err != nil || page.Code != in.Entity || len(page.Shown) != 1 || len(page.Shown[0].Publications) != 1 ||
			len(page.Shown[0].FollowUps) == 0 || page.Name == "" {
			t.Fatalf("the enterprise's page: %+v, %v", page, err)
		}
		for _, bad := range []string{"ABC", "'; DROP TABLE publications; --", "\xff\xfe", strings.Repeat("9", 10000)} {
			_, err := sv.FindEnterpriseResults(public, bad)
			wantCode(t, "a malformed code", err, spotcheck.EINVALID, "")
		}

		at(t, db, "2026-03-13") // a Friday: 5 working days is the next Friday
		_, err = sv.FileObjection(public, token, "  ")
		refused("an objection without a reason", err, spotcheck.EINVALID)
		_, err = sv.FileObjection(public, spotcheck.NewNoticeToken(), "结果有误")
		refused("an unknown token", err, spotcheck.ENOTFOUND)
		logs := countRows(t, db, "log_entries")
		o, err := sv.FileObjection(public, token, "我公司已签订书面合同，检查结果有误")
		if err != nil {
			t.Fatalf("FileObjection: %v", err)
		}
		if o.Due != "2026-03-20" || o.State != spotcheck.AppealPending || o.Publication != pub.ID || countRows(t, db, "log_entries") <= logs {
			t.Fatalf("objection: %+v", o)
		}
		_, err = sv.FileObjection(public, token, "再次提出")
		refused("a second objection while one is pending", err, spotcheck.ECONFLICT)

		if l, err := sv.FindObjections(ap, spotcheck.AppealFilter{State: spotcheck.AppealPending}); err != nil || len(l) != 1 || l[0].EntityName == "" {
			t.Fatalf("the department's list: %+v, %v", l, err)
		}
		if l, err := sv.FindObjections(as("inspector"), spotcheck.AppealFilter{}); err == nil && len(l) != 0 {
			t.Fatalf("another district sees %d objections", len(l))
		}
		refused("a team member decides", sv.DecideObjection(as("member1"), o.ID, false, "不成立"), spotcheck.EFORBIDDEN)
		refused("another district decides", sv.DecideObjection(as("inspector"), o.ID, false, "不成立"), spotcheck.EFORBIDDEN)
		refused("a decision without a reason", sv.DecideObjection(ap, o.ID, false, " "), spotcheck.EINVALID)
		refused("upheld without a corrected revision", sv.DecideObjection(ap, o.ID, true, "合同已签订"), spotcheck.ECONFLICT)

		reviseAndApprove(t, db, as, in.ID, "企业异议：核实合同")
		at(t, db, "2026-03-18")
		if err := sv.DecideObjection(ap, o.ID, true, "经核实已签订书面合同"); err != nil {
			t.Fatalf("uphold: %v", err)
		}
		refused("decide twice", sv.DecideObjection(ap, o.ID, false, "不成立"), spotcheck.ECONFLICT)
		v, err := sv.FindVisitAppeals(public, token)
		if err != nil || len(v.Objections) != 1 || v.Objections[0].State != spotcheck.AppealUpheld || v.Publication.Version != 2 ||
			v.Objections[0].Correction != v.Publication.ID || !strings.Contains(v.Publication.Reason, "异议成立") || v.CanObject != nil {
			t.Fatalf("after upholding: %+v, %v", v, err)
		}
		page, err = sv.FindEnterpriseResults(public, in.Entity)
		if err != nil || len(page.Shown) != 1 || len(page.Shown[0].Publications) != 2 || page.Shown[0].Objections != 1 {
			t.Fatalf("the page after the correction: %+v, %v", page, err)
		}

		o2, err := sv.FileObjection(public, token, "仍有异议")
		if err != nil {
			t.Fatal(err)
		}
		if err := sv.DecideObjection(ap, o2.ID, false, "更正后的结果与记录一致"); err != nil {
			t.Fatalf("reject: %v", err)
		}
		if v, err := sv.FindVisitAppeals(public, token); err != nil || v.Objections[1].State != spotcheck.AppealRejected ||
			v.Objections[1].Decision != "更正后的结果与记录一致" {
			t.Fatalf("after rejecting: %+v, %v", v, err)
		}

		// Corrected on the inspection's page while the objection waits:
		// upholding it names that correction and publishes nothing more.
		o3, err := sv.FileObjection(public, token, "第三次异议")
		if err != nil {
			t.Fatal(err)
		}
		reviseAndApprove(t, db, as, in.ID, "再次核实")
		at(t, db, "2026-03-18")
		corr, err := db.Publications().PublishInspection(ap, in.ID, "再次更正")
		if err != nil {
			t.Fatal(err)
		}
		pubs := countRows(t, db, "publications")
		if err := sv.DecideObjection(ap, o3.ID, true, "已于检查记录页面更正"); err != nil {
			t.Fatalf("uphold after the correction: %v", err)
		}
		if v, err := sv.FindVisitAppeals(public, token); err != nil || v.Objections[2].Correction != corr.ID ||
			countRows(t, db, "publications") != pubs {
			t.Fatalf("upheld after the correction: %+v, %v", v, err)
		}

		// The display period ends three years after the last publication.
		at(t, db, "2029-03-18")
		page, err = sv.FindEnterpriseResults(public, in.Entity)
		if err != nil || len(page.Shown) != 0 || page.Expired != 1 {
			t.Fatalf("after the display period: %+v, %v", page, err)
		}
		_, err = sv.FileObjection(public, token, "结果有误")
		refused("an objection after the display period", err, spotcheck.ECONFLICT)
	})
}

// TestCreditRepair: an adverse result may be repaired only once its
// follow-ups are closed and it has been displayed for 3 months; a granted
// repair stops its display from the decision (the page says repaired, the
// search leaves it out), the publication stays and the step is logged.
func TestCreditRepair(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in, _, token := publishedWorld(t, db)
		sv, ap, m1 := db.AfterPublication(), as("approver"), as("member1")
		public := spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
		refused := func(what string, err error, code string) {
			t.Helper()
			logs, changes := countRows(t, db, "log_entries"), countChanges(t, db)
			wantCode(t, what, err, code, "")
			if countRows(t, db, "log_entries") != logs || countChanges(t, db) != changes {
				t.Fatalf("%s: refused, yet something was written", what)
			}
		}
		_, err := sv.ApplyRepair(public, token, "已整改")
		refused("repair while the rectification is open", err, spotcheck.ECONFLICT)
		fs, err := db.FollowUps().FindFollowUps(m1, spotcheck.FollowUpFilter{Inspection: in.ID})
		if err != nil || len(fs) == 0 {
			t.Fatalf("follow-ups: %v, %v", fs, err)
		}
		at(t, db, "2026-03-20")
		for _, f := range fs {
			if err := db.FollowUps().RecordFollowUp(m1, f.ID, spotcheck.FollowUpChange{Dept: "FZWL", Measures: []string{"order"}}); err != nil {
				t.Fatal(err)
			}
			if err := db.FollowUps().CloseFollowUp(m1, f.ID, "2026-03-20", "已整改完毕"); err != nil {
				t.Fatal(err)
			}
		}
		_, err = sv.ApplyRepair(public, token, "已整改")
		refused("repair before 3 months of display", err, spotcheck.ECONFLICT)
		at(t, db, "2026-06-12")
		a, err := sv.ApplyRepair(public, token, "已按要求整改完毕，申请信用修复")
		if err != nil {
			t.Fatalf("ApplyRepair: %v", err)
		}
		_, err = sv.ApplyRepair(public, token, "再次申请")
		refused("a second application while one is pending", err, spotcheck.ECONFLICT)
		refused("a team member decides", sv.DecideRepair(m1, a.ID, true, "准予"), spotcheck.EFORBIDDEN)
		refused("a decision without a reason", sv.DecideRepair(ap, a.ID, true, ""), spotcheck.EINVALID)
		if l, err := sv.FindRepairs(ap, spotcheck.AppealFilter{State: spotcheck.AppealPending}); err != nil || len(l) != 1 {
			t.Fatalf("the department's list: %+v, %v", l, err)
		}
		pubs := countRows(t, db, "publications")
		if err := sv.DecideRepair(ap, a.ID, true, "整改到位，准予修复"); err != nil {
			t.Fatalf("grant: %v", err)
		}
		page, err := sv.FindEnterpriseResults(public, in.Entity)
		if err != nil || len(page.Shown) != 0 || len(page.Repaired) != 1 || page.Repaired[0].RepairedOn != "2026-06-12" {
			t.Fatalf("the page after the repair: %+v, %v", page, err)
		}
		if l, err := db.Publications().FindPublications(public, spotcheck.PublicationFilter{Query: in.Entity}); err != nil || len(l) != 0 {
			t.Fatalf("the search after the repair: %d, %v", len(l), err)
		}
		if countRows(t, db, "publications") != pubs {
			t.Fatal("the repair changed the publications")
		}
		// The credit platform is told to stop displaying the version shown.
		var payload string
		stopKey := fmt.Sprintf("spotcheck/%s/pub-%d/v1", spotcheck.OutboxKindCreditStop, a.Publication)
		if err := db.QueryRowForTest(ctx, "SELECT payload FROM outbox WHERE idem_key = '"+stopKey+"'").Scan(&payload); err != nil {
			t.Fatalf("the stop message %s: %v", stopKey, err)
		}
		var stop spotcheck.CreditStop
		if err := json.Unmarshal([]byte(payload), &stop); err != nil || stop.Schema != spotcheck.CreditStopSchema ||
			stop.RecordID != fmt.Sprintf("pub-%d", a.Publication) || stop.Version != 1 || stop.CreditCode != in.Entity ||
			stop.StoppedOn != "2026-06-12" || stop.Reason != spotcheck.CreditStopRepair || stop.Authority == "" {
			t.Fatalf("the stop message: %v %s", err, payload)
		}
		_, err = sv.FileObjection(public, token, "结果有误")
		refused("an objection to a repaired result", err, spotcheck.ECONFLICT)
		v, err := sv.FindVisitAppeals(public, token)
		if err != nil || v.Repaired != "2026-06-12" || len(v.Repairs) != 1 || v.Repairs[0].State != spotcheck.AppealUpheld || v.CanRepair == nil {
			t.Fatalf("the visit after the repair: %+v, %v", v, err)
		}
	})
}
