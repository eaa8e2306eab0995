package spotcheck

import (
	"context"
	"strings"
	"time"
)

// The enterprise's side of a visit (issue 11, item 6, second half): from
// the notice's page /v/{token}, without signing in, the enterprise may ask
// that an inspector of THIS visit recuse (回避申请), propose a visit time
// within the window where the task allows it (双预约), and after the visit
// rate it and complain. The token is the only key, so every act names the
// inspection through it and can reach nothing else.

// RecusalRequest is an enterprise's 回避申请 against one inspector of the
// team of the visit its notice names. Filing it records a 申请回避
// conflict pending review (Conflict, ReviewPending); a department admin's
// approval makes that conflict active for later draws and asks, for this
// draw, to replace the inspector (a pending ChangeReplace with reason
// "conflict", chosen by the spec's assignment rules, approved by a second
// official like every draw change).
type RecusalRequest struct {
	ID            int64
	Inspection    int64
	Entity        string
	Inspector     string // staff id, found from the name the enterprise chose
	InspectorName string
	Reason        string
	Contact       string // optional: how the department may answer
	State         string // ReviewPending, ReviewApproved, ReviewRejected
	CreatedAt     time.Time
	DecidedBy     string
	DecidedAt     time.Time
	Note          string // the reviewer's
	// Change is the draw change asked for on approval, 0 for none:
	// ChangeNote then says why (no eligible member, draw not run).
	Change     int64
	ChangeNote string
}

// Limits of what the enterprise types.
const (
	RecusalReasonMin = 4
	RecusalReasonMax = 500
	ContactMax       = 100
)

// Normalize trims what the enterprise typed.
func (q *RecusalRequest) Normalize() {
	for _, f := range []*string{&q.InspectorName, &q.Reason, &q.Contact} {
		*f = strings.TrimSpace(*f)
	}
}

// Validate checks a normalized request against the inspection it was
// filed on: the inspector must be named on THIS visit's team, by the name
// the page shows, and a reason given. It fills q.Inspector and q.Entity
// and changes nothing else.
func (q *RecusalRequest) Validate(in *Inspection) Problems {
	var p Problems
	if p.checkRequired("inspector", "申请回避的检查人员", q.InspectorName) {
		q.Inspector = in.TeamMemberNamed(q.InspectorName)
		if q.Inspector == "" {
			p.Add("inspector", "申请回避的检查人员", "“%s”不是本次检查的检查人员，只能对本次检查组成员申请回避", q.InspectorName)
		}
	}
	if p.checkRequired("reason", "回避理由", q.Reason) && len([]rune(q.Reason)) < RecusalReasonMin {
		p.Add("reason", "回避理由", "请说明理由（至少%d个字）", RecusalReasonMin)
	}
	p.checkLen("reason", "回避理由", q.Reason, RecusalReasonMax)
	p.checkLen("contact", "联系方式", q.Contact, ContactMax)
	q.Entity = in.Entity
	return p
}

// TeamMemberNamed returns the staff id of the team member whose name (as
// the notice shows it) is name, or "" when no member, or more than one,
// bears it.
func (in *Inspection) TeamMemberNamed(name string) string {
	found := ""
	for _, s := range in.Team {
		if orName(in.Names[s], s) == name {
			if found != "" {
				return ""
			}
			found = s
		}
	}
	return found
}

// orName returns a, or b when a is empty.
func orName(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// CanRequestRecusal decides whether the enterprise may still ask for a
// recusal on in: only before the record is submitted, while the team can
// still change.
func (in *Inspection) CanRequestRecusal() error {
	switch in.State {
	case InspectionDraft, InspectionReturned:
		return nil
	}
	return Errorf(ECONFLICT, "本次检查已提交审核，不能再申请回避；如有异议请联系检查部门")
}

// CanReviewRecusal decides whether p may decide a recusal request: a
// department admin (PermEditDirectory) of the entity's bureau, who keeps
// its conflicts.
func CanReviewRecusal(p *Principal, entityDept string) error {
	if p == nil {
		return Errorf(EUNAUTHORIZED, "请先登录")
	}
	if p.Authorize(PermEditDirectory, entityDept) != nil {
		return Errorf(EFORBIDDEN, "没有权限：只有检查对象所属部门的部门管理员可以审核回避申请")
	}
	return nil
}

// RecusalFilter selects recusal requests.
type RecusalFilter struct {
	State      string // "" = any
	Inspection int64  // 0 = any
	Limit      int
}

// RecusalService keeps the enterprises' recusal requests
// (store/recusal.go).
type RecusalService interface {
	// RequestRecusal files q on the inspection of the notice token, as
	// the public: it records the request and a 申请回避 conflict pending
	// review, in one transaction, and sets q.ID. EINVALID (q's problems,
	// among them an inspector not on this visit), ENOTFOUND (the token),
	// ECONFLICT (a request for that inspector and entity already pending
	// or approved; the record already submitted).
	RequestRecusal(ctx context.Context, token string, q *RecusalRequest) error
	// FindRecusals returns the requests on entities in the user's scope
	// that match f, newest first. EUNAUTHORIZED, EFORBIDDEN.
	FindRecusals(ctx context.Context, f RecusalFilter) ([]RecusalRequest, error)
	// ReviewRecusal approves or rejects request id with a note (required
	// on rejection). An approval makes the conflict active and 已通过 and,
	// when the draw has been run, requests a ChangeReplace for this
	// draw whose new inspector the spec's assignment rules choose; both
	// in the same transaction. EINVALID, ENOTFOUND, ECONFLICT (decided
	// already), EFORBIDDEN (CanReviewRecusal), EUNAUTHORIZED.
	ReviewRecusal(ctx context.Context, id int64, approve bool, note string) (*RecusalRequest, error)
}
