package spotcheck

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// After publication (issue 12, item 3): the enterprise objects to a
// published result (异议), or applies for credit repair (信用修复) of an
// adverse one (repair.go). Both come from the visit's page /v/{token}: the
// notice's token is what proves that the applicant is the enterprise the
// result is about, without an account. A department approver decides
// either with a reason. An objection upheld is a correction: a new
// publication of the inspection's next approved revision, through the
// same step as any correction (Inspection.CanPublish), within
// ObjectionWorkdays working days of the objection. Nothing is edited or
// deleted; every step is a recorded event, and the log holds each public
// fact that changes.

// ObjectionWorkdays is the time, in working days from its filing, within
// which an objection is decided — and, when it shows the result wrong,
// the result corrected (ObjectionRule).
const ObjectionWorkdays = 5

// ObjectionRule names the source of ObjectionWorkdays for pages.
const ObjectionRule = "国市监信规〔2024〕5号：企业对公示的抽查检查结果提出异议，经核实确有错误的，应当在5个工作日内更正"

// The states of an objection and of a credit repair application.
const (
	AppealPending  = "pending"  // 待处理
	AppealUpheld   = "upheld"   // 异议成立（已更正）/ 准予修复
	AppealRejected = "rejected" // 异议不成立 / 不予修复
)

// ObjectionStateNames are an objection's states as pages show them.
var ObjectionStateNames = map[string]string{AppealPending: "待处理", AppealUpheld: "异议成立，已更正公示",
	AppealRejected: "异议不成立"}

// Objection is an enterprise's objection to a published result.
type Objection struct {
	ID          int64
	Publication int64 // the publication objected to
	Inspection  int64
	Dept        string
	Task        string
	Entity      string
	EntityName  string
	Reason      string // what the enterprise says is wrong
	Filed       string // YYYY-MM-DD, China
	FiledAt     time.Time
	Due         string // ObjectionDue
	State       string
	Decision    string // the department's reason
	DecidedBy   string
	DecidedOn   string
	Correction  int64 // the correction's publication when upheld
	LogIndex    int64 // the log entry of the filing
}

// NoObjection answers for an objection that does not exist or that the
// user may not see.
func NoObjection(id int64) error { return Errorf(ENOTFOUND, "没有编号为 %d 的异议", id) }

// ObjectionDue returns the day (YYYY-MM-DD) by which an objection filed on
// filed must be decided (and a wrong result corrected): ObjectionWorkdays
// working days later on cal.
func ObjectionDue(cal WorkdayAdder, filed string) (string, error) {
	d, err := time.Parse(DateLayout, filed)
	if err != nil {
		return "", Errorf(EINVALID, "提出日期“%s”无效", filed)
	}
	due, err := cal.AddWorkdays(d, ObjectionWorkdays)
	if err != nil {
		return "", err
	}
	return due.Format(DateLayout), nil
}

// Overdue reports whether a pending objection is past its due day on
// today (YYYY-MM-DD).
func (o *Objection) Overdue(today string) bool { return o.State == AppealPending && o.Due < today }

// MaxAppealText is the longest text an enterprise or a decision may give,
// in characters.
const MaxAppealText = 1000

// CheckAppealText checks a reason typed into a form (label names it):
// required, valid text of at most MaxAppealText characters, no control
// characters but line breaks; it returns it trimmed.
func CheckAppealText(label, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		return "", Errorf(EINVALID, "%s含有无效字符", label)
	case s == "":
		return "", Errorf(EINVALID, "请填写%s", label)
	case utf8.RuneCountInString(s) > MaxAppealText:
		return "", Errorf(EINVALID, "%s不能超过%d字", label, MaxAppealText)
	case strings.ContainsFunc(s, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f }):
		return "", Errorf(EINVALID, "%s含有控制字符", label)
	}
	return s, nil
}

// Displayed reports whether the portal shows pub on day: within its
// display period (Publication.Shown) and not stopped early by a granted
// credit repair (repaired is the day its display stopped, "" for none).
func Displayed(pub *Publication, day, repaired string) bool {
	return pub.Shown(day) && (repaired == "" || day < repaired)
}

// CanObject decides whether the enterprise may object to pub (its
// inspection's latest publication; nil: none) on day: the result must be
// published and displayed (repaired is as for Displayed), and no other
// objection of it may be pending.
func CanObject(pub *Publication, day, repaired string, pending bool) error {
	switch {
	case pub == nil:
		return Errorf(ECONFLICT, "该检查结果尚未公示，不能提出异议")
	case !Displayed(pub, day, repaired):
		return Errorf(ECONFLICT, "该检查结果已停止公示（公示期满或已信用修复），不能提出异议")
	case pending:
		return Errorf(ECONFLICT, "您对该检查结果的异议正在处理中，请等待处理结果，勿重复提出")
	}
	return nil
}

// canDecideAppeal is what deciding an objection or a repair asks: an
// approver of results in the department (a supervisor or the system
// acts anywhere), a pending application, and a reason.
func canDecideAppeal(p *Principal, dept, state string, missing error, what, reason string) error {
	switch {
	case p == nil:
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	case !p.Has(PermApproveResults):
		return p.Authorize(PermApproveResults, dept)
	case !p.InScope(dept):
		return missing
	case state != AppealPending:
		return Errorf(ECONFLICT, "该%s已处理，不能再次处理", what)
	}
	_, err := CheckAppealText("处理理由", reason)
	return err
}

// CanDecide decides whether p may decide the objection, upholding it or
// not, with reason. Upholding corrects the result: in (the inspection,
// its current revision) must have a revision approved after the published
// one (pub), which the correction then publishes — the team revises the
// record and an approver approves it first — and p must be allowed to
// publish it (Inspection.CanPublish, as for any correction); or a
// correction has been published since the objection (CorrectedBy).
func (o *Objection) CanDecide(p *Principal, upheld bool, reason string, in *Inspection, pub *Publication, mode string) error {
	if err := canDecideAppeal(p, o.Dept, o.State, NoObjection(o.ID), "异议", reason); err != nil {
		return err
	}
	if !upheld || o.CorrectedBy(pub) {
		return nil
	}
	if in == nil || pub == nil || in.State != InspectionApproved || in.Revision <= pub.Revision {
		return Errorf(ECONFLICT, "异议成立须公示更正后的结果：请先由检查组更正（修订）该检查记录并经审核通过，再裁定异议成立")
	}
	return in.CanPublish(p, mode, pub, reason)
}

// CorrectedBy reports whether pub, the inspection's latest publication,
// is a correction published since the objection was filed (on the
// inspection's page): upholding the objection then names it rather than
// publishing again.
func (o *Objection) CorrectedBy(pub *Publication) bool {
	return pub != nil && pub.ID > o.Publication && pub.Corrects != 0
}

// CorrectionReason is the reason a correction that upholds objection o
// publishes with.
func (o *Objection) CorrectionReason(reason string) string {
	return "异议成立（异议编号 " + strconv.FormatInt(o.ID, 10) + "）：" + strings.TrimSpace(reason)
}

// AppealFilter selects objections or repair applications for the staff.
type AppealFilter struct {
	Dept  string
	State string // "" for all
	Limit int
}

// AfterPublicationService is the enterprise's side of published results:
// its page by credit code, its objections and credit repairs (filed with
// the notice's token) and the department's decisions.
type AfterPublicationService interface {
	// FindEnterpriseResults is the enterprise's page (anyone): ENOTFOUND
	// when no result of code was ever published.
	FindEnterpriseResults(ctx context.Context, code string) (*EnterpriseResults, error)
	// FindVisitAppeals is what /v/{token} shows of the result after
	// publication: its latest publication, objections and repairs.
	FindVisitAppeals(ctx context.Context, token string) (*VisitAppeals, error)
	FileObjection(ctx context.Context, token, reason string) (*Objection, error)
	DecideObjection(ctx context.Context, id int64, upheld bool, reason string) error
	FindObjections(ctx context.Context, f AppealFilter) ([]Objection, error)
	ApplyRepair(ctx context.Context, token, reason string) (*RepairApplication, error)
	DecideRepair(ctx context.Context, id int64, grant bool, reason string) error
	FindRepairs(ctx context.Context, f AppealFilter) ([]RepairApplication, error)
}
