package spotcheck

import (
	"fmt"
	"strings"
	"testing"
)

// TestRecusalRequestValidate: the inspector is named by the name the
// page shows and must be on this visit's team (a name two members share
// names nobody); a reason of a few characters is required; the contact is
// bounded.
func TestRecusalRequestValidate(t *testing.T) {
	in := &Inspection{Entity: "91350100MA00000001", Team: []string{"FZ0001", "FZ0002", "FZ0003"},
		Names: map[string]string{"FZ0001": "林一", "FZ0002": "陈二", "FZ0003": "陈二"}}
	for _, c := range []struct {
		name, inspector, reason, contact string
		want                             string // "" = valid; else a fragment of the problem
		staff                            string
	}{
		{"a member by name", "林一", "系本企业负责人近亲属", "", "", "FZ0001"},
		{"someone not on the visit", "王五", "系本企业负责人近亲属", "", "“王五”不是本次检查的检查人员", ""},
		{"a name two members share", "陈二", "系本企业负责人近亲属", "", "不是本次检查的检查人员", ""},
		{"a staff id is not a name", "FZ0001", "系本企业负责人近亲属", "", "不是本次检查的检查人员", ""},
		{"nobody chosen", "", "系本企业负责人近亲属", "", "申请回避的检查人员：不能为空", ""},
		{"no reason", "林一", "  ", "", "回避理由：不能为空", "FZ0001"},
		{"too short a reason", "林一", "亲戚", "", "至少4个字", "FZ0001"},
		{"too long a reason", "林一", strings.Repeat("因", RecusalReasonMax+1), "", "不能超过500个字符", "FZ0001"},
		{"too long a contact", "林一", "系本企业负责人近亲属", strings.Repeat("1", ContactMax+1), "联系方式", "FZ0001"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := &RecusalRequest{InspectorName: c.inspector, Reason: c.reason, Contact: c.contact}
			q.Normalize()
			ps := q.Validate(in)
			got := fmt.Sprint(ps.Err())
			if c.want == "" && len(ps) != 0 || c.want != "" && !strings.Contains(got, c.want) {
				t.Fatalf("Validate: %v, want %q", got, c.want)
			}
			if q.Inspector != c.staff || q.Entity != in.Entity {
				t.Fatalf("found %q for %q, want %q", q.Inspector, c.inspector, c.staff)
			}
		})
	}
}

// TestCanRequestRecusal: only while the team may still change.
func TestCanRequestRecusal(t *testing.T) {
	for state, ok := range map[string]bool{InspectionDraft: true, InspectionReturned: true, InspectionSubmitted: false,
		InspectionApproved: false, InspectionRejected: false, InspectionPublished: false} {
		if err := (&Inspection{State: state}).CanRequestRecusal(); (err == nil) != ok || err != nil && ErrorCode(err) != ECONFLICT {
			t.Errorf("%s: %v, want allowed %t", state, err, ok)
		}
	}
}

// TestAppointmentValidate: a proposal needs a task that allows it, a
// time in the window, in office hours, not before today.
func TestAppointmentValidate(t *testing.T) {
	tk := &Task{Start: "2026-10-08", End: "2026-10-30", Appointments: true}
	for _, c := range []struct{ at, want string }{
		{"2026-10-12 09:30", ""},
		{"2026-10-12T09:30", ""},
		{"2026-10-10 08:00", ""},
		{"2026-10-30 18:00", ""},
		{"2026-10-31 09:00", "不在检查期间（2026-10-08 至 2026-10-30）内"},
		{"2026-10-07 09:00", "不在检查期间"},
		{"2026-10-09 09:00", "已经过去"},
		{"2026-10-12 07:59", "请选择工作时间"},
		{"2026-10-12 18:01", "请选择工作时间"},
		{"2026-10-12", "不是有效的时间"},
		{"", "不是有效的时间"},
	} {
		a := &Appointment{At: c.at}
		a.Normalize()
		got := fmt.Sprint(a.Validate(tk, "2026-10-10").Err())
		if c.want == "" && got != "<nil>" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%q: %s, want %q", c.at, got, c.want)
		}
	}
	// The first valid one again, but the task does not allow 双预约.
	a := &Appointment{At: "2026-10-12 09:30"}
	if got := fmt.Sprint(a.Validate(&Task{Start: "2026-10-08", End: "2026-10-30"}, "2026-10-10").Err()); !strings.Contains(got, "本任务不接受预约检查时间") {
		t.Errorf("a task without 双预约: %s", got)
	}
}

// TestFeedbackValidate: a rating of 1 to 5; an anonymous complaint keeps
// no contact.
func TestFeedbackValidate(t *testing.T) {
	for _, c := range []struct {
		f    Feedback
		want string
	}{
		{Feedback{Rating: 5}, ""},
		{Feedback{Rating: 1, Complaint: "态度差", Anonymous: true}, ""},
		{Feedback{Rating: 0}, "请选择 1 至 5 星的评价"},
		{Feedback{Rating: 6}, "请选择 1 至 5 星的评价"},
		{Feedback{Rating: 2, Anonymous: true, Contact: "13800000000"}, "匿名投诉不留联系方式"},
		{Feedback{Rating: 2, Complaint: strings.Repeat("差", FeedbackTextMax+1)}, "投诉内容"},
	} {
		f := c.f
		f.Normalize()
		got := fmt.Sprint(f.Validate().Err())
		if c.want == "" && got != "<nil>" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%+v: %s, want %q", c.f, got, c.want)
		}
	}
}
