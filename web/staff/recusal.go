package staff

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The staff's side of the enterprise's forms on /v/{token}
// (web/portal/recusal.go): department admins review recusal requests
// (/staff/recusals) — an approval makes the conflict active and asks for
// the replacement in this draw, which a second official approves on the
// draw's page like every change; the team answers proposed visit times on
// the inspection page; supervisors read ratings and complaints beside the
// inspectors' records (/staff/feedback, and on the inspection page), and
// only they see a complainant's contact (FeedbackService.FindFeedback).

// ShowRecusals lists the recusal requests in the user's scope, pending
// first (GET /staff/recusals).
func (s *Handler) ShowRecusals(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pending, err := s.svc.Recusals.FindRecusals(ctx, spotcheck.RecusalFilter{State: spotcheck.ReviewPending})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.svc.Recusals.FindRecusals(ctx, spotcheck.RecusalFilter{Limit: 100})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var decided []spotcheck.RecusalRequest
	for _, q := range all {
		if q.State != spotcheck.ReviewPending {
			decided = append(decided, q)
		}
	}
	s.renderTitled(w, r, http.StatusOK, "recusals", "回避申请", map[string]any{
		"Pending": pending, "Decided": decided,
	})
}

// ReviewRecusal approves (decision=approve) or rejects a request
// (POST /staff/recusals/{id}/review).
func (s *Handler) ReviewRecusal(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有这份回避申请"))
		return
	}
	approve := r.PostFormValue("decision") == "approve"
	if _, err := s.svc.Recusals.ReviewRecusal(r.Context(), id, approve, r.PostFormValue("note")); err != nil {
		s.fail(w, r, err)
		return
	}
	ok := "recusal-rejected"
	if approve {
		ok = "recusal-approved"
	}
	view.Redirect(w, r, "/staff/recusals?ok="+ok)
}

// ShowFeedback lists the ratings and complaints, to supervisors
// (GET /staff/feedback).
func (s *Handler) ShowFeedback(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Feedback.FindFeedback(r.Context(), 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "feedback", "企业评价与投诉", map[string]any{
		"Feedback": list, "Ratings": spotcheck.RatingNames,
	})
}

// AnswerAppointment accepts (decision=accept) or declines a proposed
// visit time, and returns to the inspection page
// (POST /staff/appointments/{id}/answer).
func (s *Handler) AnswerAppointment(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有这个预约"))
		return
	}
	accept := r.PostFormValue("decision") == "accept"
	if err := s.svc.Feedback.AnswerAppointment(r.Context(), id, accept, strings.TrimSpace(r.PostFormValue("reply"))); err != nil {
		s.fail(w, r, err)
		return
	}
	ok := "appointment-declined"
	if accept {
		ok = "appointment-accepted"
	}
	view.Redirect(w, r, view.WithFlash(r.PostFormValue("next"), ok))
}

// addVisitPublic adds to the inspection page's data what the enterprise
// said: the proposed visit times (with the buttons for the team), and,
// for supervisors, the rating and complaint.
func (s *Handler) addVisitPublic(ctx context.Context, p *spotcheck.Principal, in *spotcheck.Inspection, data map[string]any) {
	if s.svc.Feedback == nil {
		return
	}
	if list, err := s.svc.Feedback.FindAppointments(ctx, in.ID, ""); err == nil {
		data["Appointments"] = list
		data["CanAnswer"] = in.CanAnswerAppointment(p) == nil
		data["PendingState"] = spotcheck.ReviewPending
	}
	if p != nil && p.Has(spotcheck.PermSuperviseDraws) {
		if list, err := s.svc.Feedback.FindFeedback(ctx, in.ID); err == nil {
			data["Feedback"] = list
			data["Ratings"] = spotcheck.RatingNames
		}
	}
}
