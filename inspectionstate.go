package spotcheck

import (
	"slices"
	"strings"
	"time"
)

// The inspection's state machine (issue 11 item 4), separate from its
// task's: the team records and confirms a draft and submits it; an
// approver of the inspection's department, who is not on the team (four
// eyes), returns it for editing, rejects it or approves it; an approved
// result is published. An approved or rejected record is never edited in
// place: revise opens the next revision, in draft, which goes the same
// way. The store asks Inspection.Can (or its named variants), then
// Inspection.Next, inside the transaction of each step.

// The states of an inspection.
const (
	InspectionDraft     = "draft"     // 未录入: the team is recording it
	InspectionSubmitted = "submitted" // 待审核
	InspectionReturned  = "returned"  // 退回: back to the team for editing
	InspectionRejected  = "rejected"  // 不通过
	InspectionApproved  = "approved"  // 已审核
	InspectionPublished = "published" // 已公示
	// InspectionWithdrawn (已撤回): the draw no longer inspects the
	// entity — an approved substitution took it out, or a re-draw
	// superseded the draw — before the team submitted a record. It stays,
	// with what was recorded, and leaves the team's work.
	InspectionWithdrawn = "withdrawn"
)

// InspectionStateNames are the states as pages show them.
var InspectionStateNames = map[string]string{
	InspectionDraft: "未录入", InspectionSubmitted: "待审核", InspectionReturned: "退回",
	InspectionRejected: "不通过", InspectionApproved: "已审核", InspectionPublished: "已公示",
	InspectionWithdrawn: "已撤回",
}

// The actions of an inspection.
const (
	InspActSave    Action = "save"    // record methods, check-in, findings, results
	InspActConfirm Action = "confirm" // a team member confirms the record
	InspActSubmit  Action = "submit"  // to the approver
	InspActReturn  Action = "return"  // back to the team, with a comment
	InspActReject  Action = "reject"  // 不通过, with a comment
	InspActApprove Action = "approve" // 审核通过: the publication clock's due date is set
	InspActPublish Action = "publish" // 公示
	InspActRevise  Action = "revise"  // open the next revision, with a reason
	// InspActWithdraw follows an approved change of the draw (store):
	// the one who approves draw changes takes it, never a page.
	InspActWithdraw Action = "withdraw"
)

var inspectionStates = []string{InspectionDraft, InspectionSubmitted, InspectionReturned, InspectionRejected,
	InspectionApproved, InspectionPublished, InspectionWithdrawn}

var inspectionEditable = []string{InspectionDraft, InspectionReturned}

// InspectionMachine is the table of the inspection's workflow. revise
// leaves the revision it starts from as it is ("" To): the new revision
// starts in InspectionDraft.
var InspectionMachine = Machine{
	States: inspectionStates,
	Names:  InspectionStateNames,
	Table: []Transition{
		{InspActSave, inspectionEditable, "", PermRecordInspections},
		{InspActConfirm, inspectionEditable, "", PermRecordInspections},
		{InspActSubmit, inspectionEditable, InspectionSubmitted, PermRecordInspections},
		{InspActReturn, []string{InspectionSubmitted}, InspectionReturned, PermApproveResults},
		{InspActReject, []string{InspectionSubmitted}, InspectionRejected, PermApproveResults},
		{InspActApprove, []string{InspectionSubmitted}, InspectionApproved, PermApproveResults},
		{InspActPublish, []string{InspectionApproved}, InspectionPublished, PermApproveResults},
		{InspActRevise, []string{InspectionApproved, InspectionPublished, InspectionRejected}, "", PermRecordInspections},
		{InspActWithdraw, inspectionEditable, InspectionWithdrawn, PermApproveDraws},
	},
}

// InspectionActionNames name the actions on buttons and in the history.
var InspectionActionNames = map[Action]string{
	InspActSave: "保存", InspActConfirm: "确认", InspActSubmit: "提交审核", InspActReturn: "退回",
	InspActReject: "不通过", InspActApprove: "审核通过", InspActPublish: "公示", InspActRevise: "更正",
	InspActWithdraw: "撤回",
}

// CanView decides whether p may see the inspection: a member of its team,
// or staff of its department who view its tasks or approve its results,
// or a supervisor. Anyone else gets NoInspection, which says nothing.
func (in *Inspection) CanView(p *Principal) error {
	switch {
	case p == nil:
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	case p.IsSystem(), in.Member(p) != "", p.Has(PermSuperviseDraws):
		return nil
	case (p.Has(PermViewDraws) || p.Has(PermApproveResults)) && p.InScope(in.Dept):
		return nil
	}
	return NoInspection(in.ID)
}

// Can decides whether p may take action a on the inspection now: a
// principal (EUNAUTHORIZED), sight of it (ENOTFOUND), the permission
// (EFORBIDDEN) — for the team's actions membership of the team, for the
// approver's the inspection's department and not being on its team —
// then the state (ECONFLICT). A system principal acts for anyone.
func (in *Inspection) Can(a Action, p *Principal) error {
	tr, ok := InspectionMachine.Transition(a)
	if !ok {
		return InspectionMachine.Check(in.record(), in.State, a)
	}
	if err := in.CanView(p); err != nil {
		return err
	}
	if !p.Has(tr.Perm) {
		return p.Authorize(tr.Perm, "")
	}
	if !p.IsSystem() {
		switch tr.Perm {
		case PermRecordInspections:
			if in.Member(p) == "" {
				return Errorf(EFORBIDDEN, "只有本次检查的检查组成员可以%s%s", InspectionActionNames[a], in.record())
			}
		case PermApproveResults:
			if !p.InScope(in.Dept) {
				return Errorf(EFORBIDDEN, "没有权限：%s 不属于您的部门", in.record())
			}
			if in.Member(p) != "" {
				return Errorf(EFORBIDDEN, "您是%s的检查组成员，不能审核本组的检查结果", in.record())
			}
		}
	}
	return InspectionMachine.Check(in.record(), in.State, a)
}

// Next returns the inspection's state after action a, which Can allowed.
func (in *Inspection) Next(a Action) (string, error) {
	return InspectionMachine.Next(in.record(), in.State, a)
}

// CanConfirm decides whether p, whose directory entry is who, may confirm
// the record on day (YYYY-MM-DD, in China): Can, then a 执法证 valid that
// day (an inspector whose certificate has expired may not inspect), then
// not twice.
func (in *Inspection) CanConfirm(p *Principal, who *Inspector, day string) error {
	if err := in.Can(InspActConfirm, p); err != nil {
		return err
	}
	staff := in.Member(p)
	if p.IsSystem() && who != nil && slices.Contains(in.Team, who.StaffID) {
		staff = who.StaffID
	}
	if who == nil || staff == "" || staff != who.StaffID {
		return Errorf(EFORBIDDEN, "只有本次检查的检查组成员可以确认%s", in.record())
	}
	if !who.CertValidThrough(day) {
		if who.CertNo == "" {
			return Errorf(EFORBIDDEN, "%s没有执法证，不能确认检查记录", who.Name)
		}
		return Errorf(EFORBIDDEN, "%s的执法证（%s）已于 %s 到期，不能确认检查记录", who.Name, who.CertNo, who.CertExpiry)
	}
	if in.Confirmed(who.StaffID) {
		return Errorf(ECONFLICT, "%s已确认%s", who.Name, in.record())
	}
	return nil
}

// CanSubmit decides whether p may submit the record now: Can, every team
// member's confirmation (ECONFLICT naming who is missing), then a
// complete record (EINVALID with its problems).
func (in *Inspection) CanSubmit(p *Principal, cat ResultCatalogue) error {
	if err := in.Can(InspActSubmit, p); err != nil {
		return err
	}
	if len(in.Team) == 0 {
		return Errorf(ECONFLICT, "%s没有检查组成员，不能提交", in.record())
	}
	if miss := in.Unconfirmed(); len(miss) > 0 {
		return Errorf(ECONFLICT, "%s尚有检查组成员未确认：%s", in.record(), strings.Join(miss, "、"))
	}
	return in.ValidateForSubmit(cat).Err()
}

// CanDecide decides whether p may return or reject the record with
// comment, which says why (EINVALID without one); approving needs none.
func (in *Inspection) CanDecide(a Action, p *Principal, comment string) error {
	if err := in.Can(a, p); err != nil {
		return err
	}
	if (a == InspActReturn || a == InspActReject) && strings.TrimSpace(comment) == "" {
		return Errorf(EINVALID, "%s须填写意见，说明原因", InspectionActionNames[a])
	}
	if len([]rune(comment)) > 1000 {
		return Errorf(EINVALID, "审核意见不能超过1000字")
	}
	return nil
}

// CanRevise decides whether p may open the next revision, with reason.
func (in *Inspection) CanRevise(p *Principal, reason string) error {
	if err := in.Can(InspActRevise, p); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return Errorf(EINVALID, "更正已审核的检查结果须说明理由")
	}
	if len([]rune(reason)) > 500 {
		return Errorf(EINVALID, "更正理由不能超过500字")
	}
	return nil
}

// WorkdayAdder gives the n-th working day after a day; package workday's
// Calendar is one. It errs for a year without holiday data.
type WorkdayAdder interface {
	AddWorkdays(day time.Time, n int) (time.Time, error)
}

// PublicationWorkdays is the time, in working days after an inspection is
// completed, within which its result must be public: 企业信息公示暂行条例
// (Arts. 6–7) has information a department generates about an enterprise,
// inspection results included, published within 20 working days; the
// Fuzhou plan applies the same limit (notes/domain-rules.md §1.7).
const PublicationWorkdays = 20

// DueSoonWorkdays is how many working days before its publication due
// date an approved inspection is listed as due soon (issue 11, §5).
const DueSoonWorkdays = 5

// PublicationRule names the source of PublicationWorkdays for pages.
const PublicationRule = "《企业信息公示暂行条例》第六条、第七条：检查结果自产生之日起20个工作日内公示"

// PublicationDue returns the day (YYYY-MM-DD) by which the result of an
// inspection completed on completed must be public.
func PublicationDue(cal WorkdayAdder, completed string) (string, error) {
	d, err := time.Parse(DateLayout, completed)
	if err != nil {
		return "", Errorf(EINVALID, "完成日期“%s”无效", completed)
	}
	due, err := cal.AddWorkdays(d, PublicationWorkdays)
	if err != nil {
		return "", err
	}
	return due.Format(DateLayout), nil
}
