package spotcheck

import (
	"context"
	"strings"
	"time"
)

// Feedback is the enterprise's rating of a visit, after it, with an
// optional complaint (issue 11, item 6). A complaint may be anonymous:
// then no contact is kept at all. Supervisors (PermSuperviseDraws: 纪检、
// 法制) read feedback beside the inspectors' records; only they see a
// complainant's contact, because a complaint about an inspector must not
// reach the inspector with the complainant's name.
type Feedback struct {
	ID         int64
	Inspection int64
	Rating     int // 1 (很不满意) … 5 (很满意)
	Comment    string
	Complaint  string // "" = none
	Anonymous  bool
	Contact    string // "" when anonymous; shown to supervisors only
	CreatedAt  time.Time
	// What the supervisors' list shows of the visit.
	Task, Entity, EntityName string
	Team                     []string // names
}

// RatingNames are the ratings as pages show them.
var RatingNames = map[int]string{1: "很不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "很满意"}

// FeedbackTextMax bounds a comment or complaint.
const FeedbackTextMax = 1000

// Normalize trims the text and drops the contact of an anonymous one.
func (f *Feedback) Normalize() {
	f.Comment, f.Complaint, f.Contact = strings.TrimSpace(f.Comment), strings.TrimSpace(f.Complaint), strings.TrimSpace(f.Contact)
}

// Validate checks a normalized rating and changes nothing.
func (f *Feedback) Validate() Problems {
	var p Problems
	if RatingNames[f.Rating] == "" {
		p.Add("rating", "评价", "请选择 1 至 5 星的评价")
	}
	p.checkLen("comment", "评价意见", f.Comment, FeedbackTextMax)
	p.checkLen("complaint", "投诉内容", f.Complaint, FeedbackTextMax)
	p.checkLen("contact", "联系方式", f.Contact, ContactMax)
	if f.Anonymous && f.Contact != "" {
		p.Add("contact", "联系方式", "匿名投诉不留联系方式；如需答复，请取消匿名")
	}
	return p
}

// Visited reports whether the visit has taken place, so that it may be
// rated: the team checked in, or the record has left the draft.
func (in *Inspection) Visited() bool {
	return !in.CheckIn.IsZero() || (in.State != InspectionDraft && in.State != "")
}

// Appointment is a visit time the enterprise proposes (双预约), where the
// task allows it (Task.Appointments); the team accepts or declines it on
// the inspection page.
type Appointment struct {
	ID         int64
	Inspection int64
	At         string // YYYY-MM-DD HH:MM, China time
	Note       string
	State      string // ReviewPending, AppointmentAccepted, AppointmentDeclined
	CreatedAt  time.Time
	DecidedBy  string
	DecidedAt  time.Time
	Reply      string
}

// Appointment states besides ReviewPending.
const (
	AppointmentAccepted = "已接受"
	AppointmentDeclined = "已婉拒"
)

// Office hours within which a visit may be proposed.
const (
	AppointmentEarliest = "08:00"
	AppointmentLatest   = "18:00"
)

// Normalize trims the fields.
func (a *Appointment) Normalize() {
	a.At, a.Note = strings.Join(strings.Fields(a.At), " "), strings.TrimSpace(a.Note)
	a.At = strings.Replace(a.At, "T", " ", 1) // <input type=datetime-local>
}

// Validate checks a proposal against its task: the task must allow it,
// and the time lie within the task's window, in office hours, and not
// before today. It changes nothing.
func (a *Appointment) Validate(tk *Task, today string) Problems {
	var p Problems
	if !tk.Appointments {
		p.Add("at", "预约时间", "本任务不接受预约检查时间")
		return p
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", a.At, ChinaTime)
	if err != nil {
		p.Add("at", "预约时间", "“%s”不是有效的时间，应为 YYYY-MM-DD HH:MM", a.At)
		return p
	}
	day, hm := t.Format("2006-01-02"), t.Format("15:04")
	switch {
	case day < tk.Start || day > tk.End:
		p.Add("at", "预约时间", "%s 不在检查期间（%s 至 %s）内", day, tk.Start, tk.End)
	case day < today:
		p.Add("at", "预约时间", "%s 已经过去", day)
	case hm < AppointmentEarliest || hm > AppointmentLatest:
		p.Add("at", "预约时间", "请选择工作时间 %s 至 %s", AppointmentEarliest, AppointmentLatest)
	}
	p.checkLen("note", "说明", a.Note, RecusalReasonMax)
	return p
}

// CanAnswerAppointment decides whether p may accept or decline a
// proposal on in: a member of its team.
func (in *Inspection) CanAnswerAppointment(p *Principal) error {
	if err := in.CanView(p); err != nil {
		return err
	}
	if p.IsSystem() || in.Member(p) != "" {
		return nil
	}
	return Errorf(EFORBIDDEN, "没有权限：只有检查组成员可以答复%s的预约", in.record())
}

// FeedbackService keeps what the enterprise says about a visit from its
// notice's page: ratings and complaints, and proposed visit times
// (store/feedback.go).
type FeedbackService interface {
	// RateVisit records f on the inspection of the notice token, once,
	// after the visit. EINVALID, ENOTFOUND (the token), ECONFLICT
	// (rated already; not visited yet).
	RateVisit(ctx context.Context, token string, f *Feedback) error
	// FindFeedback returns the feedback on inspection id (0: all),
	// newest first, to supervisors only. EFORBIDDEN, EUNAUTHORIZED.
	FindFeedback(ctx context.Context, inspection int64) ([]Feedback, error)
	// ProposeAppointment records a proposed visit time on the inspection
	// of the notice token. EINVALID (Appointment.Validate), ENOTFOUND,
	// ECONFLICT (one is pending already).
	ProposeAppointment(ctx context.Context, token string, a *Appointment) error
	// FindAppointments returns the proposals on inspection id, newest
	// first, to whoever may see the inspection, or to the public
	// holding its notice token (token != ""). ENOTFOUND, EUNAUTHORIZED.
	FindAppointments(ctx context.Context, id int64, token string) ([]Appointment, error)
	// AnswerAppointment accepts or declines a pending proposal, by a team
	// member (CanAnswerAppointment). ENOTFOUND, ECONFLICT (answered),
	// EFORBIDDEN, EUNAUTHORIZED.
	AnswerAppointment(ctx context.Context, id int64, accept bool, reply string) error
}
