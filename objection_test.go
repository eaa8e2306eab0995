package spotcheck

import (
	"strings"
	"testing"
)

// TestObjectionDue: an objection is decided within 5 working days of its
// filing (国市监信规〔2024〕5号), counted on the notice's calendar: over
// 清明 2026 (04-04…04-06 off) a Thursday's objection is due the next
// Friday but one day later.
func TestObjectionDue(t *testing.T) {
	cal := notice2026()
	for _, c := range []struct{ filed, due string }{
		{"2026-03-13", "2026-03-20"}, // Fri → Fri
		{"2026-04-02", "2026-04-10"}, // Thu: 04-03, 04-07…04-10
		{"2026-09-30", "2026-10-13"}, // 国庆: 10-08, 10-09, 10-10 (worked), 10-12, 10-13
	} {
		if got, err := ObjectionDue(cal, c.filed); err != nil || got != c.due {
			t.Errorf("ObjectionDue(%s) = %s, %v; want %s", c.filed, got, err, c.due)
		}
	}
	if _, err := ObjectionDue(cal, "2026-13-01"); ErrorCode(err) != EINVALID {
		t.Errorf("a bad day: %v", err)
	}
}

// TestCanObjectAndDecide: objections only to a displayed result, one at
// a time; decided once, with a reason, by an approver of the department
// not on the team; upheld only with a later approved revision to publish.
func TestCanObjectAndDecide(t *testing.T) {
	pub := &Publication{ID: 1, Revision: 1, PublishedOn: "2026-03-12", DisplayUntil: "2029-03-11"}
	for _, c := range []struct {
		pub           *Publication
		day, repaired string
		pending       bool
		want          string
	}{
		{nil, "2026-03-13", "", false, "C"},
		{pub, "2026-03-13", "", false, "ok"},
		{pub, "2026-03-13", "", true, "C"},
		{pub, "2029-03-12", "", false, "C"},
		{pub, "2026-06-13", "2026-06-12", false, "C"},
		{pub, "2026-06-11", "2026-06-12", false, "ok"},
	} {
		if got := codeOf(CanObject(c.pub, c.day, c.repaired, c.pending)); got != c.want {
			t.Errorf("CanObject(%v, %s, %q, %v) = %s, want %s", c.pub != nil, c.day, c.repaired, c.pending, got, c.want)
		}
	}
	roles := inspectionRoles() // zhang (member), other, ap, li (member+approver), tjap, nil
	in := &Inspection{ID: 7, Dept: "GLWL", Team: []string{"S1", "S2"}, State: InspectionApproved, Revision: 2}
	o := &Objection{ID: 3, Publication: 1, Dept: "GLWL", State: AppealPending}
	want := []string{"F", "F", "ok", "F", "N", "U"}
	for i, p := range roles {
		if got := codeOf(o.CanDecide(p, true, "经核实有误", in, pub, PublishByEntity)); got != want[i] {
			t.Errorf("role %d upholds: %s, want %s", i, got, want[i])
		}
	}
	ap := roles[2]
	if got := codeOf(o.CanDecide(ap, false, " ", nil, pub, "")); got != "I" {
		t.Errorf("without a reason: %s", got)
	}
	stale := &Inspection{ID: 7, Dept: "GLWL", Team: []string{"S1", "S2"}, State: InspectionPublished, Revision: 1}
	if err := o.CanDecide(ap, true, "有误", stale, pub, ""); ErrorCode(err) != ECONFLICT || !strings.Contains(ErrorMessage(err), "修订") {
		t.Errorf("upheld without a corrected revision: %v", err)
	}
	if err := o.CanDecide(ap, false, "结果无误", stale, pub, ""); err != nil {
		t.Errorf("rejected: %v", err)
	}
	corr := &Publication{ID: 4, Revision: 2, Corrects: 1, PublishedOn: "2026-03-18", DisplayUntil: "2029-03-17"}
	if err := o.CanDecide(ap, true, "已更正", &Inspection{ID: 7, Dept: "GLWL", State: InspectionPublished, Revision: 2}, corr, ""); err != nil {
		t.Errorf("upheld after a correction was published on the inspection's page: %v", err)
	}
	done := &Objection{ID: 3, Dept: "GLWL", State: AppealRejected}
	if got := codeOf(done.CanDecide(ap, false, "再议", nil, pub, "")); got != "C" {
		t.Errorf("decided twice: %s", got)
	}
	if !strings.HasPrefix(o.CorrectionReason(" 有误 "), "异议成立（异议编号 3）：有误") {
		t.Errorf("correction reason %q", o.CorrectionReason(" 有误 "))
	}
}

// TestCanApplyRepair: repair of an adverse, displayed result whose
// follow-ups are closed, three months after its first publication, one
// application at a time (RepairRule).
func TestCanApplyRepair(t *testing.T) {
	cat := DefaultResultCatalogue()
	bad := &Publication{PublishedOn: "2026-03-12", DisplayUntil: "2029-03-11", Record: CreditRecord{
		Items: []CreditItem{{Outcome: FindingNames[FindingProblem]}}}}
	clean := &Publication{PublishedOn: "2026-03-12", DisplayUntil: "2029-03-11", Record: CreditRecord{
		Results: []CreditResult{{Code: "R01", National: "R01"}}}}
	open := []FollowUp{{State: FollowUpClosed}, {State: FollowUpOpen}}
	closed := []FollowUp{{State: FollowUpClosed}}
	for _, c := range []struct {
		what string
		c    RepairCheck
		want string
	}{
		{"unpublished", RepairCheck{Day: "2026-07-01"}, "C"},
		{"not adverse", RepairCheck{Publication: clean, Catalogue: cat, Day: "2026-07-01"}, "C"},
		{"rectification open", RepairCheck{Publication: bad, Catalogue: cat, FollowUps: open, Day: "2026-07-01"}, "C"},
		{"too early", RepairCheck{Publication: bad, Catalogue: cat, FollowUps: closed, Day: "2026-06-11"}, "C"},
		{"three months", RepairCheck{Publication: bad, Catalogue: cat, FollowUps: closed, Day: "2026-06-12"}, "ok"},
		{"a correction does not restart", RepairCheck{Publication: &Publication{PublishedOn: "2026-05-01",
			DisplayUntil: "2029-04-30", Record: bad.Record}, First: "2026-03-12", Catalogue: cat, Day: "2026-06-12"}, "ok"},
		{"pending", RepairCheck{Publication: bad, Catalogue: cat, Day: "2026-06-12", Pending: true}, "C"},
		{"repaired", RepairCheck{Publication: bad, Catalogue: cat, Day: "2026-06-13", Repaired: "2026-06-12"}, "C"},
		{"expired", RepairCheck{Publication: bad, Catalogue: cat, Day: "2029-03-12"}, "C"},
	} {
		if got := codeOf(CanApplyRepair(c.c)); got != c.want {
			t.Errorf("%s: %s, want %s", c.what, got, c.want)
		}
	}
	if !Adverse(&CreditRecord{Results: []CreditResult{{Code: "R05", National: "R05"}}}, cat) {
		t.Error("R05 is adverse")
	}
	a := &RepairApplication{ID: 1, Dept: "GLWL", State: AppealPending}
	want := []string{"F", "F", "ok", "ok", "N", "U"}
	for i, p := range inspectionRoles() {
		if got := codeOf(a.CanDecide(p, "整改到位")); got != want[i] {
			t.Errorf("role %d decides a repair: %s, want %s", i, got, want[i])
		}
	}
}

// TestCheckAppealText: required, bounded, valid text.
func TestCheckAppealText(t *testing.T) {
	for in, want := range map[string]string{"": "I", " \n ": "I", "\xff": "I", "a\x00b": "I",
		strings.Repeat("字", MaxAppealText+1): "I", "合同已签订\n附说明": "ok"} {
		if _, err := CheckAppealText("异议内容", in); codeOf(err) != want {
			t.Errorf("%q: %v", in, err)
		}
	}
}
