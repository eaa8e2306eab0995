package spotcheck

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Inspection is the record of one entity's inspection under one task's
// draw (issue 11): who inspected, how, what they found on each item, the
// entity-level results, and the approval. Its workflow is
// InspectionMachine, separate from its task's. An approved inspection is
// never edited in place: a correction is a new Revision, with its Reason,
// submitted and approved again; the earlier revisions stay as they were.
type Inspection struct {
	ID       int64 // the inspection; every revision shares it
	Revision int   // 1, 2, …: the current revision is the highest
	Reason   string
	Task     string
	Draw     int64
	Entity   string
	Visit    int64  // the joint visit it is part of, 0 for none
	Dept     string // the department of the task that inspects (its approvers decide)
	Team     []string
	Items    []string
	Methods  []string
	CheckIn  time.Time // when the team arrived (实地检查 only)
	Location string    // where, if the phone gave it; never required
	Findings []ItemFinding
	Results  []string
	SubCodes map[string][]string // result code → whose rules the problem breaks
	Remark   string              // what a result such as 其他情况 means
	// RectifyBy is the 整改期限 of a result that orders a correction (R05;
	// ValidateRectification in followup.go), YYYY-MM-DD.
	RectifyBy string
	State     string
	// Completed is the day the inspection was completed (YYYY-MM-DD):
	// the publication clock runs from it.
	Completed      string
	PublicationDue string // set on approval (PublicationDue)
	Confirmations  []Confirmation
	Approver       string
	Comment        string // the approver's, on returning, rejecting or approving
	UpdatedBy      string
	UpdatedAt      time.Time
	// What the pages show of the entity and the team, read with the
	// inspection (the store's Find methods): a team member must know where
	// to go and with whom, though the directory records of other
	// departments are not theirs to read.
	EntityName, Address string
	Names               map[string]string // staff id of the team → name
	CertNos             map[string]string // staff id of the team → 执法证号
}

// Confirmation is one team member's confirmation of the record as it
// stands: a later edit clears them all, because they confirmed what they
// read.
type Confirmation struct {
	Inspector string // staff id
	At        time.Time
}

// Member returns the staff id of the team member p is, or "": the staff
// id the account is linked to (User.StaffID), when the draw put that
// person on the team.
func (in *Inspection) Member(p *Principal) string {
	if p == nil || p.StaffID == "" {
		return ""
	}
	if slices.Contains(in.Team, p.StaffID) {
		return p.StaffID
	}
	return ""
}

// Confirmed reports whether staff id s has confirmed the current record.
func (in *Inspection) Confirmed(s string) bool {
	return slices.ContainsFunc(in.Confirmations, func(c Confirmation) bool { return c.Inspector == s })
}

// Unconfirmed lists the team members who have not confirmed yet.
func (in *Inspection) Unconfirmed() []string {
	var out []string
	for _, s := range in.Team {
		if !in.Confirmed(s) {
			out = append(out, s)
		}
	}
	return out
}

// NoInspection is the answer for an inspection that does not exist, and
// for one the user may not see.
func NoInspection(id int64) error { return Errorf(ENOTFOUND, "没有编号为 %d 的检查记录", id) }

// record names the inspection in messages.
func (in *Inspection) record() string {
	if in.Revision > 1 {
		return fmt.Sprintf("检查记录 %d（第%d版）", in.ID, in.Revision)
	}
	return fmt.Sprintf("检查记录 %d", in.ID)
}

// Normalize trims what people type and drops empty list entries.
func (in *Inspection) Normalize() {
	in.Location = strings.TrimSpace(in.Location)
	in.Remark = strings.TrimSpace(in.Remark)
	in.Reason = strings.TrimSpace(in.Reason)
	in.Completed = strings.TrimSpace(in.Completed)
	in.RectifyBy = strings.TrimSpace(in.RectifyBy)
	for i := range in.Findings {
		f := &in.Findings[i]
		for _, s := range []*string{&f.Item, &f.Outcome, &f.Basis, &f.Description, &f.Remark} {
			*s = strings.TrimSpace(*s)
		}
	}
	in.Methods = slices.DeleteFunc(in.Methods, func(s string) bool { return strings.TrimSpace(s) == "" })
	in.Results = slices.DeleteFunc(in.Results, func(s string) bool { return strings.TrimSpace(s) == "" })
}

// ValidateDraft checks what a draft may hold: known methods and results,
// complete findings only where an outcome is chosen, lengths. A draft may
// be incomplete; ValidateForSubmit asks for the rest.
func (in *Inspection) ValidateDraft(cat ResultCatalogue) Problems {
	var ps Problems
	for _, m := range in.Methods {
		if MethodNames[m] == "" {
			ps.Add("methods", "核查方式", "“%s”不是有效的核查方式", m)
		}
	}
	for _, c := range in.Results {
		if _, ok := cat.Category(c); !ok {
			ps.Add("results", "检查结果", "“%s”不是结果目录中的结果类别", c)
		}
	}
	for i, f := range in.Findings {
		if !slices.Contains(in.Items, f.Item) {
			ps.Add(fmt.Sprintf("findings.%d.item", i), "检查事项", "“%s”不是本次检查的事项", f.Item)
		}
		if f.Outcome != "" {
			ps = append(ps, f.Validate(i+1)...)
		}
	}
	ps.checkDate("completed", "完成日期", in.Completed)
	ps.checkDate("rectify_by", "整改期限", in.RectifyBy)
	ps.checkLen("location", "签到位置", in.Location, 200)
	ps.checkLen("remark", "结果说明", in.Remark, 1000)
	return ps
}

// ValidateForSubmit checks a record that goes to the approver: methods,
// a check-in for a visit on site, a finding on every item, a valid result
// set, the completion date, the 整改期限 of an ordered correction
// (ValidateRectification), and results that agree with the findings (a
// problem on an item is a problem result; 未发现问题 allows no problem on
// any item).
func (in *Inspection) ValidateForSubmit(cat ResultCatalogue) Problems {
	ps := ValidateMethods(in.Methods)
	if NeedsCheckIn(in.Methods) && in.CheckIn.IsZero() {
		ps.Add("check_in", "签到", "实地检查须先签到（记录到达时间）")
	}
	ps = append(ps, ValidateFindings(in.Items, in.Findings)...)
	ps = append(ps, ValidateResults(in.Results, in.SubCodes, in.Remark, cat)...)
	if ps.checkRequired("completed", "完成日期", in.Completed) {
		ps.checkDate("completed", "完成日期", in.Completed)
	}
	ps.checkLen("location", "签到位置", in.Location, 200)
	ps = append(ps, in.ValidateRectification(cat)...)
	problem := slices.ContainsFunc(in.Findings, func(f ItemFinding) bool { return f.Outcome == FindingProblem })
	switch {
	case problem && !cat.FoundProblem(in.Results):
		ps.Add("results", "检查结果", "检查事项中有“发现问题”，检查结果须选择相应的问题类别")
	case problem && slices.Contains(in.Results, "R01"):
		ps.Add("results", "检查结果", "检查事项中有“发现问题”，检查结果不能为“未发现问题”")
	}
	return ps
}

// Revise returns revision n+1 of an approved (or rejected) inspection: the
// same record, in draft, with reason and without the confirmations,
// approval and due date of the earlier one, which stays as it was.
func (in *Inspection) Revise(reason string) Inspection {
	next := *in
	next.Revision = in.Revision + 1
	next.Reason = strings.TrimSpace(reason)
	next.State = InspectionDraft
	next.Confirmations, next.Approver, next.Comment, next.PublicationDue = nil, "", "", ""
	next.Findings = slices.Clone(in.Findings)
	next.Results = slices.Clone(in.Results)
	next.Methods = slices.Clone(in.Methods)
	next.SubCodes = maps.Clone(in.SubCodes)
	next.Confirmations = nil
	return next
}

// InspectionFilter selects inspections; zero fields match everything the
// user may see, but for withdrawn records, which State selects.
type InspectionFilter struct {
	Task   string
	Entity string
	State  string
	Mine   bool   // only those of the user's teams
	Dept   string // only those of this department (Inspection.Dept), among those the user may see
	Staff  string // only those whose team has this staff id (one person's), among those the user may see
}

// InspectionService keeps inspections (store/inspection*.go). Every
// method needs a principal (EUNAUTHORIZED without one); a user who may
// not see an inspection gets ENOTFOUND for it, as for one that does not
// exist. Each step is one transaction, recorded in the change history; a
// refused step changes nothing.
type InspectionService interface {
	// CreateInspections makes the inspections of a drawn draw of task:
	// one per selected entity that is not a reserve, with the team the
	// draw assigned. Running it again creates none twice. PermManageDraws
	// on the task (EFORBIDDEN/ENOTFOUND); ECONFLICT when the draw has
	// not run.
	CreateInspections(ctx context.Context, task string, draw int64) (int, error)
	// FindInspections lists the current revisions an inspector's teams
	// have, or those of the tasks of the user's departments.
	FindInspections(ctx context.Context, f InspectionFilter) ([]Inspection, error)
	// FindInspectionByID returns the current revision (ENOTFOUND).
	FindInspectionByID(ctx context.Context, id int64) (*Inspection, error)
	// FindInspectionRevisions returns every revision, the first first.
	FindInspectionRevisions(ctx context.Context, id int64) ([]Inspection, error)
	// SaveInspection replaces the editable fields of a draft or returned
	// inspection (a team member; ECONFLICT otherwise, EINVALID with the
	// field problems) and clears the confirmations.
	SaveInspection(ctx context.Context, in *Inspection) error
	// ConfirmInspection records the user's confirmation (a team member
	// whose 执法证 is valid today: EFORBIDDEN otherwise).
	ConfirmInspection(ctx context.Context, id int64) error
	// SubmitInspection sends it to the approver: every member confirmed
	// (ECONFLICT) and a complete, valid record (EINVALID).
	SubmitInspection(ctx context.Context, id int64) error
	// ApproveInspection approves a submitted inspection (an approver of
	// its department, never a team member: EFORBIDDEN) and sets its
	// publication due date from the working-day calendar.
	ApproveInspection(ctx context.Context, id int64, comment string) error
	// ReturnInspection sends it back for editing; a comment is required.
	ReturnInspection(ctx context.Context, id int64, comment string) error
	// RejectInspection refuses it (不通过); a comment is required.
	RejectInspection(ctx context.Context, id int64, comment string) error
	// ResultCatalogue returns the result catalogue the results are chosen
	// from (reference data); any signed-in user may read it.
	ResultCatalogue(ctx context.Context) (ResultCatalogue, error)
	// ReviseInspection opens the next revision of an approved or rejected
	// inspection, in draft, with a reason (EINVALID without one).
	ReviseInspection(ctx context.Context, id int64, reason string) error
	// FindPublicationsDueSoon lists the approved, not yet published
	// inspections the user may see (as FindInspections; f.Dept for one
	// department, f.Mine or f.Staff for one person; f.State is ignored)
	// whose publication is due today or within days working days
	// (DueSoonWorkdays when days ≤ 0), soonest first. EUNAUTHORIZED
	// without a principal; the calendar's error (workday.ErrNoData) when
	// a year on the way has no holiday data.
	FindPublicationsDueSoon(ctx context.Context, f InspectionFilter, days int) ([]Inspection, error)
	// FindPublicationsOverdue lists, as FindPublicationsDueSoon, those
	// whose due date has passed, the longest overdue first. EUNAUTHORIZED
	// without a principal.
	FindPublicationsOverdue(ctx context.Context, f InspectionFilter) ([]Inspection, error)
}
