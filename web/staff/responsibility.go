package staff

import (
	"context"
	"net/http"
	"net/url"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The 多部门监管责任事项清单 (responsibilities): which department initiates
// (发起) or joins (配合) which item. A responsibility is small, so it has no
// page of its own: the list has a form to add one and a button per row to
// deactivate or reactivate it.

func (s *Handler) ShowResponsibilities(w http.ResponseWriter, r *http.Request) {
	s.renderResponsibilities(w, r, http.StatusOK, &spotcheck.Responsibility{Role: spotcheck.RoleInitiate,
		Item: view.ResponsibilityFilter(r.URL.Query()).Item}, nil, "")
}

// renderResponsibilities shows the list and, below it, the add form with
// nr (what was typed, after a failed add) and its problems.
func (s *Handler) renderResponsibilities(w http.ResponseWriter, r *http.Request, status int, nr *spotcheck.Responsibility,
	problems spotcheck.Problems, msg string) {
	ctx := r.Context()
	f := view.ResponsibilityFilter(r.URL.Query())
	list, err := s.svc.Responsibilities.FindResponsibilities(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := view.AllPages(func(off int) (spotcheck.List[*spotcheck.Item], error) {
		return s.svc.Items.FindItems(ctx, spotcheck.ItemFilter{Offset: off, Limit: 200})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	itemNames := make(map[string]string, len(items))
	for _, it := range items {
		itemNames[it.Code] = it.Name
	}
	depts, err := s.namingDepts(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, status, "responsibilities", "多部门监管责任事项清单", map[string]any{
		"List": list, "F": f, "Items": items, "ItemNames": itemNames,
		"Depts": scopedDepts(view.StaffUser(r), deptTree(depts)), // the store refuses the others
		"Roles": []string{spotcheck.RoleInitiate, spotcheck.RoleJoin}, "New": nr, "Errors": view.FieldErrors(problems),
		"Problems": problems, "Message": msg, "Next": r.URL.RequestURI(),
		"Pager": view.ListPager(r, list),
	})
}

// AddResponsibility adds a responsibility (POST /staff/responsibilities);
// on problems the list comes back with the form as it was typed.
func (s *Handler) AddResponsibility(w http.ResponseWriter, r *http.Request) {
	var f view.ResponsibilityForm
	s.decode(r, &f) // text fields only: nothing to misparse
	nr := f.Responsibility()
	if err := s.svc.Responsibilities.SaveResponsibility(r.Context(), nr); err != nil {
		if problems, msg, ok := view.FormProblems(err); ok {
			s.renderResponsibilities(w, r, http.StatusBadRequest, nr, problems, msg)
			return
		}
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/responsibilities?"+url.Values{"item": {nr.Item}, "ok": {"created"}}.Encode())
}

// SetResponsibilityActive deactivates or reactivates the responsibility of
// {dept} for {item} and returns to the page the button was on.
func (s *Handler) SetResponsibilityActive(w http.ResponseWriter, r *http.Request) {
	setActive(s, w, r,
		func(ctx context.Context) (*spotcheck.Responsibility, error) {
			return s.svc.Responsibilities.FindResponsibility(ctx, r.PathValue("item"), r.PathValue("dept"))
		},
		func(rs *spotcheck.Responsibility) (*int, *bool) { return &rs.Version, &rs.Active },
		s.svc.Responsibilities.SaveResponsibility,
		func(_ *spotcheck.Responsibility, next string) string { return next })
}
