package portal

import (
	"net/http"
	"net/url"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The enterprise's page on the portal (issue 12, item 2): /e/{code}, by
// 统一社会信用代码, every published inspection of that entity still in its
// display period, in the columns of the national credit publicity
// system's 抽查检查结果信息 (检查实施机关, 类型, 日期, 结果, 备注), with what
// was found item by item, what was done (the follow-ups' public fields)
// and each correction beside what it corrects. Names, never codes of
// people; no personal data. A malformed code is a 400 and a code without
// any published result a 404 that says nothing of unpublished inspections.
// What a granted credit repair or the end of the display period stopped
// is named or counted, with the rule.
//
// After publication the visit's page /v/{token} (visitcheck.go) links
// here and carries the enterprise's forms: an objection (异议) and an
// application for credit repair (信用修复), rate-limited per address and
// token like the visit's other forms (ratelimit.go); the token is what
// proves that the applicant is the enterprise.

// ShowEnterprise shows the enterprise's published results
// (GET /e/{code}).
func (s *Handler) ShowEnterprise(w http.ResponseWriter, r *http.Request) {
	if s.svc.AfterPublication == nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "本站未提供企业检查结果查询"))
		return
	}
	e, err := s.svc.AfterPublication.FindEnterpriseResults(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "enterprise", e.Name+" 抽查检查结果", map[string]any{
		"E": e, "DisplayRule": spotcheck.DisplayRule, "RepairRule": spotcheck.RepairRule,
		"ObjectionRule": spotcheck.ObjectionRule,
	})
}

// visitAppeals is what the visit's page shows after publication; nil
// before it, or without the service.
func (s *Handler) visitAppeals(r *http.Request, token string) *spotcheck.VisitAppeals {
	if s.svc.AfterPublication == nil {
		return nil
	}
	v, err := s.svc.AfterPublication.FindVisitAppeals(r.Context(), token)
	if err != nil || v.Publication == nil {
		return nil
	}
	return v
}

// FileObjection files the enterprise's objection to its published result
// (POST /v/{token}/objection).
func (s *Handler) FileObjection(w http.ResponseWriter, r *http.Request) {
	if !s.limitForm(w, r) {
		return
	}
	token := r.PathValue("token")
	if _, err := s.svc.AfterPublication.FileObjection(r.Context(), token, r.PostFormValue("reason")); err != nil {
		s.formFailed(w, r, "objection", err)
		return
	}
	view.Redirect(w, r, "/v/"+url.PathEscape(token)+"?ok=objection-filed#afterpub")
}

// ApplyRepair files the enterprise's application for credit repair
// (POST /v/{token}/repair).
func (s *Handler) ApplyRepair(w http.ResponseWriter, r *http.Request) {
	if !s.limitForm(w, r) {
		return
	}
	token := r.PathValue("token")
	if _, err := s.svc.AfterPublication.ApplyRepair(r.Context(), token, r.PostFormValue("reason")); err != nil {
		s.formFailed(w, r, "repair", err)
		return
	}
	view.Redirect(w, r, "/v/"+url.PathEscape(token)+"?ok=repair-filed#afterpub")
}
