package portal

import (
	"net/http"
	"net/url"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The enterprise's forms on its visit's page /v/{token} (issue 11, item
// 6): a recusal request (回避申请) against an inspector of this visit's
// team, chosen by the name the page shows; a proposed visit time (双预约)
// where the task allows it; a rating, with an optional complaint, after
// the visit. No login: the token is the key. Every form is rate-limited
// per client address and per token (ratelimit.go) and, like every POST,
// refused when it comes from another site (web/server.go's cross-origin
// protection). A refusal shows the page again with the reason beside the
// field and what was typed, and changes nothing.

// visitForms is what the forms of the page show.
type visitForms struct {
	Token        string
	Team         []string // the names the page shows, to choose from
	CanRecuse    bool     // the team may still change (Inspection.CanRequestRecusal)
	CanRate      bool     // the visit took place (Inspection.Visited)
	Appointments bool     // the task allows 双预约
	Proposals    []spotcheck.Appointment
	Ratings      map[int]string
	// After a refusal: which form, what was typed, and why.
	Form    string
	Values  url.Values
	Errors  map[string]string
	Message string
}

// renderVisitCheck shows the visit of the path's token with its forms;
// f carries a refused form, or is empty.
func (s *Handler) renderVisitCheck(w http.ResponseWriter, r *http.Request, status int, f *visitForms) {
	ctx := r.Context()
	n, in, err := s.svc.Notices.ReadNotice(ctx, r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := view.NoticeData(ctx, s.svc, r, n, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Token, f.CanRecuse, f.CanRate, f.Ratings = n.Token, in.CanRequestRecusal() == nil, in.Visited(), spotcheck.RatingNames
	for _, m := range d.Team {
		f.Team = append(f.Team, m.Name)
	}
	if f.Values == nil {
		f.Values = url.Values{}
	}
	if d.Task != nil && d.Task.Appointments && s.svc.Feedback != nil {
		f.Appointments = true
		if f.Proposals, err = s.svc.Feedback.FindAppointments(ctx, 0, n.Token); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderTitled(w, r, status, "visitcheck", "核实检查", map[string]any{
		"Notice": d, "Draw": s.visitDraw(r, in.Task, in.Draw), "Forms": f,
		"After": s.visitAppeals(r, n.Token), "ObjectionStates": spotcheck.ObjectionStateNames, // after publication: enterprise.go
		"RepairStates": spotcheck.RepairStateNames, "ObjectionRule": spotcheck.ObjectionRule, "RepairRule": spotcheck.RepairRule,
	})
}

// formFailed answers a refused form: the page again with the reason, or
// the error page for anything but a refusal of what was typed.
func (s *Handler) formFailed(w http.ResponseWriter, r *http.Request, form string, err error) {
	problems, msg, ok := view.FormProblems(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	status, _, _ := view.ErrorStatus(err)
	s.renderVisitCheck(w, r, status, &visitForms{Form: form, Values: r.PostForm, Errors: view.FieldErrors(problems), Message: msg})
}

// RequestRecusal files the enterprise's recusal request
// (POST /v/{token}/recusal).
func (s *Handler) RequestRecusal(w http.ResponseWriter, r *http.Request) {
	if !s.limitForm(w, r) {
		return
	}
	token := r.PathValue("token")
	q := &spotcheck.RecusalRequest{InspectorName: r.PostFormValue("inspector"), Reason: r.PostFormValue("reason"),
		Contact: r.PostFormValue("contact")}
	if err := s.svc.Recusals.RequestRecusal(r.Context(), token, q); err != nil {
		s.formFailed(w, r, "recusal", err)
		return
	}
	view.Redirect(w, r, "/v/"+url.PathEscape(token)+"?ok=recusal-filed")
}
