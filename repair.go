package spotcheck

import (
	"cmp"
	"slices"
	"time"
)

// Credit repair (信用修复, issue 12 item 3): an enterprise whose published
// result is adverse applies, from its visit's page, for the result to stop
// being displayed before its display period ends; the department decides
// with a reason. A granted repair stops the display from the day of the
// decision — the publication stays, recorded, and the portal says that it
// was repaired. What allows an application is RepairRule.

// RepairMinMonths is how long an adverse result is displayed before its
// repair may be asked for.
const RepairMinMonths = 3

// RepairRule says when credit repair may be applied for, with its sources.
// notes/domain-rules.md (d) records that 国市监信规〔2024〕5号 lets
// enterprises apply for credit repair of published results; the minimum
// display time follows 《市场监督管理行政处罚信息公示规定》 (a minor matter
// may stop being displayed early once displayed for three months) and is
// the platform's setting, RepairMinMonths, until a department's 细则 says
// otherwise.
const RepairRule = "信用修复（国市监信规〔2024〕5号）：检查结果为发现问题的，在后续处置（整改）全部完结、" +
	"且自公示之日起满3个月后（参照《市场监督管理行政处罚信息公示规定》），企业可申请提前停止公示；" +
	"准予修复的，自决定之日起停止公示，记录留存"

// RepairStateNames are a repair application's states as pages show them.
var RepairStateNames = map[string]string{AppealPending: "待处理", AppealUpheld: "准予信用修复，已停止公示",
	AppealRejected: "不予修复"}

// RepairApplication is an enterprise's application for credit repair of
// its published result.
type RepairApplication struct {
	ID          int64
	Publication int64
	Inspection  int64
	Dept        string
	Task        string
	Entity      string
	EntityName  string
	Reason      string
	Filed       string
	FiledAt     time.Time
	State       string
	Decision    string
	DecidedBy   string
	DecidedOn   string // for a granted one: the day the display stopped
	LogIndex    int64
}

// NoRepair answers for an application that does not exist or that the
// user may not see.
func NoRepair(id int64) error {
	return Errorf(ENOTFOUND, "没有编号为 %d 的信用修复申请", id)
}

// Adverse reports whether a published record shows a problem: an item
// found wanting, or a result category (or its national one) that is a
// problem. Only such a result can be repaired.
func Adverse(r *CreditRecord, cat ResultCatalogue) bool {
	if slices.ContainsFunc(r.Items, func(it CreditItem) bool { return it.Outcome == FindingNames[FindingProblem] }) {
		return true
	}
	for _, res := range r.Results {
		for _, code := range []string{res.Code, res.National} {
			if c, ok := cat.Category(code); ok && c.Problem {
				return true
			}
		}
	}
	return false
}

// RepairCheck is what CanApplyRepair is decided on.
type RepairCheck struct {
	Publication *Publication // the inspection's latest publication; nil: none
	Catalogue   ResultCatalogue
	FollowUps   []FollowUp // the inspection's follow-ups
	First       string     // the day of the first publication (a correction does not restart the time)
	Day         string     // today, YYYY-MM-DD in China
	Repaired    string     // the day its display stopped by a repair, "" none
	Pending     bool       // an application of it is pending
}

// CanApplyRepair decides whether the enterprise may apply for credit
// repair (RepairRule): a result published and displayed, adverse, its
// follow-ups all closed (the rectification done), displayed for at least
// RepairMinMonths, and no application pending.
func CanApplyRepair(c RepairCheck) error {
	pub := c.Publication
	switch {
	case pub == nil:
		return Errorf(ECONFLICT, "该检查结果尚未公示，无需信用修复")
	case !Displayed(pub, c.Day, c.Repaired):
		return Errorf(ECONFLICT, "该检查结果已停止公示（公示期满或已信用修复），无需信用修复")
	case !Adverse(&pub.Record, c.Catalogue):
		return Errorf(ECONFLICT, "该检查结果未发现问题，无需信用修复")
	case slices.ContainsFunc(c.FollowUps, func(f FollowUp) bool { return f.State != FollowUpClosed }):
		return Errorf(ECONFLICT, "后续处置（整改）尚未全部完结，完结后方可申请信用修复（%s）", RepairRule)
	case c.Pending:
		return Errorf(ECONFLICT, "您的信用修复申请正在处理中，请勿重复申请")
	}
	first := cmp.Or(c.First, pub.PublishedOn)
	from, err := RepairFrom(first)
	if err != nil {
		return err
	}
	if c.Day < from {
		return Errorf(ECONFLICT, "自公示之日（%s）起满%d个月后方可申请信用修复，即 %s 起", first, RepairMinMonths, from)
	}
	return nil
}

// RepairFrom is the first day a repair of a result first published on
// first may be applied for.
func RepairFrom(first string) (string, error) {
	d, err := time.Parse(DateLayout, first)
	if err != nil {
		return "", Errorf(EINVALID, "公示日期“%s”无效", first)
	}
	return d.AddDate(0, RepairMinMonths, 0).Format(DateLayout), nil
}

// CanDecide decides whether p may decide the application, granting it or
// not, with reason: an approver of results of its department, once.
func (a *RepairApplication) CanDecide(p *Principal, reason string) error {
	return canDecideAppeal(p, a.Dept, a.State, NoRepair(a.ID), "信用修复申请", reason)
}

// EnterpriseResults is the enterprise's page on the portal: every
// published inspection of one credit code.
type EnterpriseResults struct {
	Code string
	Name string
	Day  string // the day it is shown for
	// Shown are the inspections displayed on Day; Repaired those whose
	// display a credit repair stopped; Expired counts those past their
	// display period.
	Shown    []EnterpriseResult
	Repaired []EnterpriseResult
	Expired  int
}

// EnterpriseResult is one published inspection with its versions (the
// first first: corrections beside what they correct) and what was done.
type EnterpriseResult struct {
	Inspection   int64
	Publications []Publication
	FollowUps    []PublicFollowUp
	Objections   int    // how many objections were filed
	RepairedOn   string // the day a granted repair stopped its display
}

// Latest is the publication in force.
func (e *EnterpriseResult) Latest() *Publication { return &e.Publications[len(e.Publications)-1] }

// PublicFollowUp is what the public sees of a follow-up: its kind, its
// measures' names, its state and closing day — no notes typed by staff.
type PublicFollowUp struct {
	Kind     string
	Measures []string
	State    string
	Closed   string
}

// PublicFollowUps returns the public fields of fs.
func PublicFollowUps(fs []FollowUp) []PublicFollowUp {
	out := []PublicFollowUp{}
	for _, f := range fs {
		pf := PublicFollowUp{Kind: FollowUpKindNames[f.Kind], State: FollowUpStateNames[f.State], Closed: f.Closed}
		for _, m := range f.Measures {
			pf.Measures = append(pf.Measures, MeasureName(m))
		}
		out = append(out, pf)
	}
	return out
}

// VisitAppeals is what the visit's page shows after publication.
type VisitAppeals struct {
	Publication *Publication // latest; nil: not published
	CreditCode  string       // for the link to the enterprise's page
	Repaired    string
	Objections  []Objection
	Repairs     []RepairApplication
	CanObject   error // nil: the form is offered
	CanRepair   error
}
