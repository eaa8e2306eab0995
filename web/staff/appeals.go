package staff

import (
	"net/http"
	"strconv"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The department's side of what enterprises file after publication
// (web/portal/enterprise.go): /staff/appeals lists the objections (异议)
// with their 5-working-day deadline (spotcheck.ObjectionRule) and the
// credit repair applications (信用修复, spotcheck.RepairRule), pending
// first; an approver of the department decides each with a reason. An
// objection is upheld by publishing the corrected, approved revision as
// a correction in the same step (the store asks Objection.CanDecide); a
// granted repair stops the result's display. The store decides who sees
// and decides what.

// ShowAppeals lists the objections and repair applications in the user's
// scope (GET /staff/appeals).
func (s *Handler) ShowAppeals(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	objections, err := s.svc.AfterPublication.FindObjections(ctx, spotcheck.AppealFilter{Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	repairs, err := s.svc.AfterPublication.FindRepairs(ctx, spotcheck.AppealFilter{Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "appeals", "异议与信用修复", map[string]any{
		"Objections": objections, "Repairs": repairs, "Today": s.today(),
		"ObjectionStates": spotcheck.ObjectionStateNames, "RepairStates": spotcheck.RepairStateNames,
		"ObjectionRule": spotcheck.ObjectionRule, "RepairRule": spotcheck.RepairRule,
	})
}

// appealID reads the path's id; a malformed one is a missing record.
func appealID(r *http.Request, missing func(int64) error) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, missing(0)
	}
	return id, nil
}

// DecideObjection upholds (decision=uphold) or rejects an objection with
// the reason (POST /staff/objections/{id}/decide).
func (s *Handler) DecideObjection(w http.ResponseWriter, r *http.Request) {
	id, err := appealID(r, spotcheck.NoObjection)
	if err == nil {
		err = s.svc.AfterPublication.DecideObjection(r.Context(), id, r.PostFormValue("decision") == "uphold", r.PostFormValue("reason"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/appeals?ok=objection-decided")
}

// DecideRepair grants (decision=grant) or refuses a credit repair with the
// reason (POST /staff/repairs/{id}/decide).
func (s *Handler) DecideRepair(w http.ResponseWriter, r *http.Request) {
	id, err := appealID(r, spotcheck.NoRepair)
	if err == nil {
		err = s.svc.AfterPublication.DecideRepair(r.Context(), id, r.PostFormValue("decision") == "grant", r.PostFormValue("reason"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/appeals?ok=repair-decided")
}

// appealTodos are the pending objections (due in 5 working days, overdue
// in red) and credit repair applications of an approver's departments,
// for the home page beside the publication deadlines; none for others.
func (s *Handler) appealTodos(r *http.Request, p *spotcheck.Principal) ([]*homeTodo, error) {
	if s.svc.AfterPublication == nil || !p.Has(spotcheck.PermApproveResults) {
		return nil, nil
	}
	ctx, today := r.Context(), s.today()
	objections, err := s.svc.AfterPublication.FindObjections(ctx, spotcheck.AppealFilter{State: spotcheck.AppealPending})
	if err != nil {
		return nil, err
	}
	o := &homeTodo{ID: "todo-objections", Title: "待处理的异议", Link: "/staff/appeals", Note: spotcheck.ObjectionRule}
	for _, x := range objections {
		o.Urgent = o.Urgent || x.Overdue(today)
		o.add(todoItem{"/staff/appeals", x.EntityName, "应于 " + x.Due + " 前处理"})
	}
	repairs, err := s.svc.AfterPublication.FindRepairs(ctx, spotcheck.AppealFilter{State: spotcheck.AppealPending})
	if err != nil {
		return nil, err
	}
	rp := &homeTodo{ID: "todo-repairs", Title: "待处理的信用修复申请", Link: "/staff/appeals", Note: "企业申请提前停止公示"}
	for _, x := range repairs {
		rp.add(todoItem{"/staff/appeals", x.EntityName, "申请于 " + x.Filed})
	}
	return []*homeTodo{o, rp}, nil
}

// pendingObjections are the pending objections the user decides, for the
// deadline page beside the publication deadlines; nil for others.
func (s *Handler) pendingObjections(r *http.Request, p *spotcheck.Principal) ([]spotcheck.Objection, error) {
	if s.svc.AfterPublication == nil || !p.Has(spotcheck.PermApproveResults) && !p.Has(spotcheck.PermSuperviseDraws) {
		return nil, nil
	}
	return s.svc.AfterPublication.FindObjections(r.Context(), spotcheck.AppealFilter{State: spotcheck.AppealPending})
}
