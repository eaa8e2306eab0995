package portal

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// RateVisit records the enterprise's rating and complaint after the
// visit (POST /v/{token}/rating); see recusal.go for what the forms of
// the visit's page share.
func (s *Handler) RateVisit(w http.ResponseWriter, r *http.Request) {
	if !s.limitForm(w, r) {
		return
	}
	token := r.PathValue("token")
	rating, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("rating"))) // not a number: 0, refused as no rating
	f := &spotcheck.Feedback{Rating: rating, Comment: r.PostFormValue("comment"), Complaint: r.PostFormValue("complaint"),
		Anonymous: r.PostFormValue("anonymous") != "", Contact: r.PostFormValue("contact")}
	if err := s.svc.Feedback.RateVisit(r.Context(), token, f); err != nil {
		s.formFailed(w, r, "rating", err)
		return
	}
	view.Redirect(w, r, "/v/"+url.PathEscape(token)+"?ok=rating-saved")
}

// ProposeAppointment records a proposed visit time (双预约)
// (POST /v/{token}/appointment).
func (s *Handler) ProposeAppointment(w http.ResponseWriter, r *http.Request) {
	if !s.limitForm(w, r) {
		return
	}
	token := r.PathValue("token")
	a := &spotcheck.Appointment{At: r.PostFormValue("at"), Note: r.PostFormValue("note")}
	if err := s.svc.Feedback.ProposeAppointment(r.Context(), token, a); err != nil {
		s.formFailed(w, r, "appointment", err)
		return
	}
	view.Redirect(w, r, "/v/"+url.PathEscape(token)+"?ok=appointment-proposed")
}
