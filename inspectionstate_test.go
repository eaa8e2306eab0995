package spotcheck

import (
	"strings"
	"testing"
	"time"
)

// inspectionRoles are the people the inspection's table test asks, about
// an inspection of GLWL whose team is S1 and S2: S1, a member; an
// inspector of GLWL not on the team; GLWL's approver; S2, a member who is
// also an approver; TJWL's approver; and nobody.
func inspectionRoles() []*Principal {
	p := func(name, staff, dept string, roles ...string) *Principal {
		return NewPrincipal(User{Username: name, StaffID: staff, Dept: dept, Roles: roles, Active: true}, accessTree)
	}
	return []*Principal{p("zhang", "S1", "GLWL", RoleInspector), p("other", "S3", "GLWL", RoleInspector),
		p("ap", "", "GLWL", RoleApprover), p("li", "S2", "GLWL", RoleInspector, RoleApprover),
		p("tjap", "", "TJWL", RoleApprover), nil}
}

// codeOf abbreviates an error for the tables: ok, C (ECONFLICT),
// F (EFORBIDDEN), N (ENOTFOUND), U (EUNAUTHORIZED), I (EINVALID).
func codeOf(err error) string {
	if err == nil {
		return "ok"
	}
	return map[string]string{ECONFLICT: "C", EFORBIDDEN: "F", ENOTFOUND: "N", EUNAUTHORIZED: "U",
		EINVALID: "I"}[ErrorCode(err)]
}

// TestInspectionCan is the inspection's workflow written out: for every
// action × state, the answer for each of inspectionRoles. The team's
// actions are the members', the approver's never a member's (four eyes),
// and nobody outside the department learns that the record exists.
func TestInspectionCan(t *testing.T) {
	type row struct{ action, state, member, outsider, approver, memberApprover, district, nobody string }
	table := []row{
		{"save", "draft", "ok", "N", "F", "ok", "N", "U"},
		{"save", "submitted", "C", "N", "F", "C", "N", "U"},
		{"save", "returned", "ok", "N", "F", "ok", "N", "U"},
		{"save", "rejected", "C", "N", "F", "C", "N", "U"},
		{"save", "approved", "C", "N", "F", "C", "N", "U"},
		{"save", "published", "C", "N", "F", "C", "N", "U"},
		{"confirm", "draft", "ok", "N", "F", "ok", "N", "U"},
		{"confirm", "submitted", "C", "N", "F", "C", "N", "U"},
		{"confirm", "returned", "ok", "N", "F", "ok", "N", "U"},
		{"confirm", "rejected", "C", "N", "F", "C", "N", "U"},
		{"confirm", "approved", "C", "N", "F", "C", "N", "U"},
		{"confirm", "published", "C", "N", "F", "C", "N", "U"},
		{"submit", "draft", "ok", "N", "F", "ok", "N", "U"},
		{"submit", "submitted", "C", "N", "F", "C", "N", "U"},
		{"submit", "returned", "ok", "N", "F", "ok", "N", "U"},
		{"submit", "rejected", "C", "N", "F", "C", "N", "U"},
		{"submit", "approved", "C", "N", "F", "C", "N", "U"},
		{"submit", "published", "C", "N", "F", "C", "N", "U"},
		{"return", "draft", "F", "N", "C", "F", "N", "U"},
		{"return", "submitted", "F", "N", "ok", "F", "N", "U"},
		{"return", "returned", "F", "N", "C", "F", "N", "U"},
		{"return", "rejected", "F", "N", "C", "F", "N", "U"},
		{"return", "approved", "F", "N", "C", "F", "N", "U"},
		{"return", "published", "F", "N", "C", "F", "N", "U"},
		{"reject", "draft", "F", "N", "C", "F", "N", "U"},
		{"reject", "submitted", "F", "N", "ok", "F", "N", "U"},
		{"reject", "returned", "F", "N", "C", "F", "N", "U"},
		{"reject", "rejected", "F", "N", "C", "F", "N", "U"},
		{"reject", "approved", "F", "N", "C", "F", "N", "U"},
		{"reject", "published", "F", "N", "C", "F", "N", "U"},
		{"approve", "draft", "F", "N", "C", "F", "N", "U"},
		{"approve", "submitted", "F", "N", "ok", "F", "N", "U"},
		{"approve", "returned", "F", "N", "C", "F", "N", "U"},
		{"approve", "rejected", "F", "N", "C", "F", "N", "U"},
		{"approve", "approved", "F", "N", "C", "F", "N", "U"},
		{"approve", "published", "F", "N", "C", "F", "N", "U"},
		{"publish", "draft", "F", "N", "C", "F", "N", "U"},
		{"publish", "submitted", "F", "N", "C", "F", "N", "U"},
		{"publish", "returned", "F", "N", "C", "F", "N", "U"},
		{"publish", "rejected", "F", "N", "C", "F", "N", "U"},
		{"publish", "approved", "F", "N", "ok", "F", "N", "U"},
		{"publish", "published", "F", "N", "C", "F", "N", "U"},
		{"revise", "draft", "C", "N", "F", "C", "N", "U"},
		{"revise", "submitted", "C", "N", "F", "C", "N", "U"},
		{"revise", "returned", "C", "N", "F", "C", "N", "U"},
		{"revise", "rejected", "ok", "N", "F", "ok", "N", "U"},
		{"revise", "approved", "ok", "N", "F", "ok", "N", "U"},
		{"revise", "published", "ok", "N", "F", "ok", "N", "U"},
		// Withdrawn (an approved substitution or a re-draw took the
		// entity out) is the end: nothing more happens to the record.
		// Withdrawing follows an approved change of the draw, by one who
		// approves draw changes, of a record not yet submitted.
		{"save", "withdrawn", "C", "N", "F", "C", "N", "U"},
		{"confirm", "withdrawn", "C", "N", "F", "C", "N", "U"},
		{"submit", "withdrawn", "C", "N", "F", "C", "N", "U"},
		{"return", "withdrawn", "F", "N", "C", "F", "N", "U"},
		{"reject", "withdrawn", "F", "N", "C", "F", "N", "U"},
		{"approve", "withdrawn", "F", "N", "C", "F", "N", "U"},
		{"publish", "withdrawn", "F", "N", "C", "F", "N", "U"},
		{"revise", "withdrawn", "C", "N", "F", "C", "N", "U"},
		{"withdraw", "draft", "F", "N", "ok", "ok", "N", "U"},
		{"withdraw", "submitted", "F", "N", "C", "C", "N", "U"},
		{"withdraw", "returned", "F", "N", "ok", "ok", "N", "U"},
		{"withdraw", "rejected", "F", "N", "C", "C", "N", "U"},
		{"withdraw", "approved", "F", "N", "C", "C", "N", "U"},
		{"withdraw", "published", "F", "N", "C", "C", "N", "U"},
		{"withdraw", "withdrawn", "F", "N", "C", "C", "N", "U"},
	}
	if len(table) != len(InspectionMachine.Table)*len(InspectionMachine.States) {
		t.Fatalf("the table has %d rows, the machine %d actions × %d states", len(table),
			len(InspectionMachine.Table), len(InspectionMachine.States))
	}
	roles := inspectionRoles()
	for _, r := range table {
		in := &Inspection{ID: 7, Dept: "GLWL", Team: []string{"S1", "S2"}, State: r.state}
		want := []string{r.member, r.outsider, r.approver, r.memberApprover, r.district, r.nobody}
		for i, p := range roles {
			if got := codeOf(in.Can(Action(r.action), p)); got != want[i] {
				t.Errorf("%s in %s by %s: %s, want %s", r.action, r.state, who(p), got, want[i])
			}
		}
		next, err := in.Next(Action(r.action))
		if (err == nil) != (r.approver == "ok" || r.member == "ok") {
			t.Errorf("Next(%s) in %s: %v", r.action, r.state, err)
		}
		if err == nil && InspectionMachine.Names[next] == "" {
			t.Errorf("Next(%s) in %s = %q, not a state", r.action, r.state, next)
		}
	}
	if err := (&Inspection{State: InspectionDraft}).Can("delete", roles[0]); codeOf(err) != "I" {
		t.Errorf("an unknown action: %v", err)
	}
}

// TestInspectionMember: a user is a member by the staff id their account
// is linked to, never by a user name that looks like one.
func TestInspectionMember(t *testing.T) {
	in := &Inspection{Team: []string{"GL0001", "GL0002"}}
	p := func(name, staff string) *Principal {
		return NewPrincipal(User{Username: name, StaffID: staff, Roles: []string{RoleInspector}}, nil)
	}
	tests := []struct {
		p    *Principal
		want string
	}{
		{p("lin", "GL0002"), "GL0002"},
		{p("gl0001", ""), ""},       // the user name of the old convention
		{p("gl0001", "gl0001"), ""}, // staff ids compare exactly
		{p("lin", "GL0003"), ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := in.Member(tt.p); got != tt.want {
			t.Errorf("Member(%s) = %q, want %q", who(tt.p), got, tt.want)
		}
	}
}

func who(p *Principal) string {
	if p == nil {
		return "nobody"
	}
	return p.Username
}

// TestInspectionConfirm: each member confirms for themselves, with a
// 执法证 valid on the day, once; the system principal may confirm for a
// member (the demo), never for someone off the team.
func TestInspectionConfirm(t *testing.T) {
	roles := inspectionRoles()
	s1 := &Inspector{StaffID: "S1", Name: "张三", CertNo: "35010001", CertExpiry: "2026-12-31"}
	s2 := &Inspector{StaffID: "S2", Name: "李四", CertNo: "35010002", CertExpiry: "2026-06-30"}
	s3 := &Inspector{StaffID: "S3", Name: "王五", CertNo: "35010003", CertExpiry: "2027-12-31"}
	sys := System("demo")
	confirmed := &Inspection{ID: 7, Dept: "GLWL", Team: []string{"S1", "S2"}, State: InspectionDraft,
		Confirmations: []Confirmation{{Inspector: "S1"}}}
	tests := []struct {
		name string
		in   *Inspection
		p    *Principal
		who  *Inspector
		day  string
		want string
	}{
		{"a member with a valid certificate", nil, roles[0], s1, "2026-12-07", "ok"},
		{"on the certificate's last day", nil, roles[0], s1, "2026-12-31", "ok"},
		{"the day after it expired", nil, roles[0], s1, "2027-01-01", "F"},
		{"a member whose certificate expired", nil, roles[3], s2, "2026-12-07", "F"},
		{"a member for another member", nil, roles[0], s2, "2026-06-01", "F"},
		{"an inspector off the team", nil, roles[1], s3, "2026-12-07", "N"},
		{"without a directory entry", nil, roles[0], nil, "2026-12-07", "F"},
		{"the approver", nil, roles[2], s1, "2026-12-07", "F"},
		{"twice", confirmed, roles[0], s1, "2026-12-07", "C"},
		{"a returned record", &Inspection{ID: 7, Dept: "GLWL", Team: []string{"S1", "S2"}, State: InspectionReturned},
			roles[0], s1, "2026-12-07", "ok"},
		{"a submitted record", &Inspection{ID: 7, Dept: "GLWL", Team: []string{"S1", "S2"}, State: InspectionSubmitted},
			roles[0], s1, "2026-12-07", "C"},
		{"the system for a member", nil, sys, s1, "2026-12-07", "ok"},
		{"the system for someone off the team", nil, sys, s3, "2026-12-07", "F"},
		{"nobody", nil, nil, s1, "2026-12-07", "U"},
	}
	for _, tt := range tests {
		in := tt.in
		if in == nil {
			in = &Inspection{ID: 7, Dept: "GLWL", Team: []string{"S1", "S2"}, State: InspectionDraft}
		}
		if got := codeOf(in.CanConfirm(tt.p, tt.who, tt.day)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	err := (&Inspection{ID: 7, Dept: "GLWL", Team: []string{"S1", "S2"}, State: InspectionDraft}).
		CanConfirm(roles[3], s2, "2026-12-07")
	if msg := ErrorMessage(err); !strings.Contains(msg, "2026-06-30") || !strings.Contains(msg, "李四") {
		t.Errorf("the refusal says neither who nor when: %q", msg)
	}
}

// completeInspection is a record that may be submitted but for the
// confirmations the tests vary.
func completeInspection() *Inspection {
	return &Inspection{ID: 7, Revision: 1, Dept: "GLWL", Team: []string{"S1", "S2"}, State: InspectionDraft,
		Items: []string{"I1", "I2"}, Methods: []string{MethodSite, MethodWritten},
		CheckIn: time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC), Completed: "2026-12-07",
		Findings:      []ItemFinding{{Item: "I1", Outcome: FindingNone}, {Item: "I2", Outcome: FindingNA}},
		Results:       []string{"R01"},
		Confirmations: []Confirmation{{Inspector: "S1"}, {Inspector: "S2"}}}
}

// TestInspectionSubmit: every member confirms, and the record is complete.
func TestInspectionSubmit(t *testing.T) {
	cat := DefaultResultCatalogue()
	s1 := inspectionRoles()[0]
	tests := []struct {
		name   string
		change func(in *Inspection)
		want   string
	}{
		{"complete and confirmed", func(in *Inspection) {}, "ok"},
		{"one member has not confirmed", func(in *Inspection) { in.Confirmations = in.Confirmations[:1] }, "C"},
		{"nobody confirmed", func(in *Inspection) { in.Confirmations = nil }, "C"},
		{"the member is off the team now", func(in *Inspection) { in.Team = nil }, "N"},
		{"on site without a check-in", func(in *Inspection) { in.CheckIn = time.Time{} }, "I"},
		{"in writing needs no check-in", func(in *Inspection) {
			in.CheckIn, in.Methods = time.Time{}, []string{MethodWritten, MethodVideo}
		}, "ok"},
		{"no method", func(in *Inspection) { in.Methods = nil }, "I"},
		{"an item without a finding", func(in *Inspection) { in.Findings = in.Findings[:1] }, "I"},
		{"no result", func(in *Inspection) { in.Results = nil }, "I"},
		{"no completion date", func(in *Inspection) { in.Completed = "" }, "I"},
		{"a problem on an item, 未发现问题 as result", func(in *Inspection) {
			in.Findings[0] = ItemFinding{Item: "I1", Outcome: FindingProblem, Basis: "《旅行社条例》第二十九条", Description: "未签合同"}
		}, "I"},
		{"a problem on an item and a problem result", func(in *Inspection) {
			in.Findings[0] = ItemFinding{Item: "I1", Outcome: FindingProblem, Basis: "《旅行社条例》第二十九条", Description: "未签合同"}
			in.Results, in.RectifyBy = []string{"R05"}, "2026-12-21"
		}, "ok"},
		{"a correction ordered without its 整改期限", func(in *Inspection) {
			in.Findings[0] = ItemFinding{Item: "I1", Outcome: FindingProblem, Basis: "《旅行社条例》第二十九条", Description: "未签合同"}
			in.Results = []string{"R05"}
		}, "I"},
		{"already submitted", func(in *Inspection) { in.State = InspectionSubmitted }, "C"},
	}
	for _, tt := range tests {
		in := completeInspection()
		tt.change(in)
		if got := codeOf(in.CanSubmit(s1, cat)); got != tt.want {
			t.Errorf("%s: %s (%v), want %s", tt.name, got, in.CanSubmit(s1, cat), tt.want)
		}
	}
}

// TestInspectionDecideAndRevise: returning and rejecting say why, a
// revision says why, and it starts afresh without touching the one it
// revises.
func TestInspectionDecideAndRevise(t *testing.T) {
	roles := inspectionRoles()
	ap, s1 := roles[2], roles[0]
	in := completeInspection()
	in.State = InspectionSubmitted
	for _, tt := range []struct {
		a       Action
		comment string
		want    string
	}{
		{InspActReturn, "", "I"}, {InspActReturn, "  ", "I"}, {InspActReturn, "第2项未写依据", "ok"},
		{InspActReject, "", "I"}, {InspActReject, "不属实", "ok"}, {InspActApprove, "", "ok"},
		{InspActApprove, strings.Repeat("长", 1001), "I"},
	} {
		if got := codeOf(in.CanDecide(tt.a, ap, tt.comment)); got != tt.want {
			t.Errorf("%s with %q: %s, want %s", tt.a, tt.comment, got, tt.want)
		}
	}
	in.State, in.Approver, in.PublicationDue = InspectionApproved, "ap", "2027-01-05"
	in.SubCodes = map[string][]string{"WL01": {"LY"}}
	if got := codeOf(in.CanRevise(s1, "")); got != "I" {
		t.Errorf("a revision without a reason: %s", got)
	}
	if got := codeOf(in.CanRevise(ap, "笔误")); got != "F" {
		t.Errorf("the approver revising: %s", got)
	}
	if err := in.CanRevise(s1, "笔误：第1项应为不涉及"); err != nil {
		t.Fatalf("revise: %v", err)
	}
	next := in.Revise(" 笔误：第1项应为不涉及 ")
	if next.Revision != 2 || next.State != InspectionDraft || next.Reason != "笔误：第1项应为不涉及" ||
		next.Confirmations != nil || next.Approver != "" || next.PublicationDue != "" {
		t.Errorf("revision: %+v", next)
	}
	next.Findings[0].Outcome, next.SubCodes["WL01"] = FindingNA, nil
	if in.Findings[0].Outcome != FindingNone || in.State != InspectionApproved || len(in.SubCodes["WL01"]) != 1 {
		t.Errorf("editing the revision changed the approved one: %+v", in)
	}
}

// fakeCalendar is a working-day calendar with the holidays and make-up
// days (调休) listed; a year outside years has no data.
type fakeCalendar struct {
	off, on map[string]bool
	years   []int
}

func (c fakeCalendar) AddWorkdays(d time.Time, n int) (time.Time, error) {
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		found := false
		for _, y := range c.years {
			found = found || y == d.Year()
		}
		if !found {
			return time.Time{}, Errorf(EINVALID, "%d 年没有节假日安排数据", d.Year())
		}
		k := d.Format(DateLayout)
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		if c.on[k] || !weekend && !c.off[k] {
			n--
		}
	}
	return d, nil
}

// TestPublicationDue: 20 working days after completion, weekends and
// holidays not counted, a make-up Saturday counted.
func TestPublicationDue(t *testing.T) {
	cal := fakeCalendar{
		off:   map[string]bool{"2026-10-01": true, "2026-10-02": true, "2026-10-05": true, "2026-10-06": true, "2026-10-07": true},
		on:    map[string]bool{"2026-10-10": true},
		years: []int{2026},
	}
	tests := []struct{ completed, want, err string }{
		{"2026-12-01", "2026-12-29", ""}, // four plain weeks
		{"2026-09-30", "2026-11-03", ""}, // 10-01…10-07 off; the Saturday 10-10 worked
		{"2026-12-07", "", EINVALID},     // runs into 2027, which has no data
		{"2026-13-01", "", EINVALID},
	}
	for _, tt := range tests {
		got, err := PublicationDue(cal, tt.completed)
		if got != tt.want || ErrorCode(err) != tt.err && !(err == nil && tt.err == "") {
			t.Errorf("PublicationDue(%s) = %s, %v; want %s, %s", tt.completed, got, err, tt.want, tt.err)
		}
	}
	if PublicationWorkdays != 20 || !strings.Contains(PublicationRule, "企业信息公示暂行条例") {
		t.Errorf("the rule and its source: %d, %s", PublicationWorkdays, PublicationRule)
	}
}
