package staff

import (
	"context"
	"net/http"
	"net/url"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// 专业机构 (agencies) assist tasks and are never the inspecting party. They
// belong to no department, so every user with PermViewDirectory sees the
// whole directory; the city bureau keeps it (spotcheck.CityWide).

func (s *Handler) ShowAgencies(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := view.AgencyFilter(q)
	list, err := s.svc.Agencies.FindAgencies(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "agencies", "专业机构名录库", map[string]any{
		"List": list, "F": f, "Q": q, "Pager": view.ListPager(r, list),
	})
}

func (s *Handler) ShowAgency(w http.ResponseWriter, r *http.Request) {
	a, err := s.svc.Agencies.FindAgencyByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	history, err := s.history(r.Context(), "agency", a.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "agency", a.Name, map[string]any{"A": a, "History": history})
}

// ShowAgencyForm shows the create form, or the edit form of {code}, to
// those who may save it.
func (s *Handler) ShowAgencyForm(w http.ResponseWriter, r *http.Request) {
	if err := view.StaffUser(r).AuthorizeChange(spotcheck.PermEditDirectory, spotcheck.CityWide, spotcheck.CityWide); err != nil {
		s.fail(w, r, err)
		return
	}
	a := &spotcheck.Agency{Active: true}
	if code := r.PathValue("code"); code != "" {
		var err error
		if a, err = s.svc.Agencies.FindAgencyByCode(r.Context(), code); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderAgencyForm(w, r, http.StatusOK, a, nil, "")
}

func (s *Handler) renderAgencyForm(w http.ResponseWriter, r *http.Request, status int, a *spotcheck.Agency,
	problems spotcheck.Problems, msg string) {
	title := "新增专业机构"
	if a.Version > 0 {
		title = "编辑：" + a.Name
	}
	s.renderTitled(w, r, status, "agency_form", title, map[string]any{"A": a, "Errors": view.FieldErrors(problems),
		"Problems": problems, "Message": msg})
}

// SaveAgency creates (POST /staff/agencies) or updates (POST
// /staff/agencies/{code}) an agency.
func (s *Handler) SaveAgency(w http.ResponseWriter, r *http.Request) {
	var f view.AgencyForm
	ps := s.decode(r, &f)
	a := f.Agency()
	if code := r.PathValue("code"); code != "" {
		old, err := s.svc.Agencies.FindAgencyByCode(r.Context(), code)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		a.Code, a.Active = old.Code, old.Active
	}
	saveForm(s, w, r, a, ps, r.PathValue("code") == "", s.svc.Agencies.SaveAgency,
		func(status int, problems spotcheck.Problems, msg string) {
			s.renderAgencyForm(w, r, status, a, problems, msg)
		},
		func(a *spotcheck.Agency) string { return "/staff/agencies/" + url.PathEscape(a.Code) })
}

// SetAgencyActive deactivates or reactivates an agency; nothing is deleted.
func (s *Handler) SetAgencyActive(w http.ResponseWriter, r *http.Request) {
	setActive(s, w, r,
		func(ctx context.Context) (*spotcheck.Agency, error) {
			return s.svc.Agencies.FindAgencyByCode(ctx, r.PathValue("code"))
		},
		func(a *spotcheck.Agency) (*int, *bool) { return &a.Version, &a.Active },
		s.svc.Agencies.SaveAgency,
		func(a *spotcheck.Agency, _ string) string { return "/staff/agencies/" + url.PathEscape(a.Code) })
}
