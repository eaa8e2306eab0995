package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The 多部门监管责任事项清单 (responsibilities): which department initiates
// (发起) or joins (配合) which item. A responsibility is small, so it has no
// page of its own: the list has a form to add one and a button per row to
// deactivate or reactivate it.

// responsibilityListParams reads the list filters: item code and dept.
func responsibilityListParams(q url.Values) spotcheck.ResponsibilityFilter {
	f := spotcheck.ResponsibilityFilter{Item: strings.ToUpper(strings.TrimSpace(q.Get("item"))), Dept: q.Get("dept")}
	f.Offset, f.Limit = pageParams(q)
	return f
}

func (s *Server) showResponsibilities(w http.ResponseWriter, r *http.Request) {
	s.renderResponsibilities(w, r, http.StatusOK, &spotcheck.Responsibility{Role: spotcheck.RoleInitiate,
		Item: responsibilityListParams(r.URL.Query()).Item}, nil, "")
}

// renderResponsibilities shows the list and, below it, the add form with
// nr (what was typed, after a failed add) and its problems.
func (s *Server) renderResponsibilities(w http.ResponseWriter, r *http.Request, status int, nr *spotcheck.Responsibility,
	problems spotcheck.Problems, msg string) {
	ctx := r.Context()
	f := responsibilityListParams(r.URL.Query())
	list, err := s.dir.FindResponsibilities(ctx, f)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	items, err := allPages(func(off int) (spotcheck.List[*spotcheck.Item], error) {
		return s.dir.FindItems(ctx, spotcheck.ItemFilter{Offset: off, Limit: 200})
	})
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	itemNames := make(map[string]string, len(items))
	for _, it := range items {
		itemNames[it.Code] = it.Name
	}
	depts, err := s.namingDepts(ctx)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.views.Render(w, r, status, "responsibilities", "多部门监管责任事项清单", map[string]any{
		"List": list, "F": f, "Items": items, "ItemNames": itemNames, "DeptNames": deptNames(depts),
		"Depts": scopedDepts(view.StaffUser(r), deptTree(depts)), // the store refuses the others
		"Roles": []string{spotcheck.RoleInitiate, spotcheck.RoleJoin}, "New": nr, "Errors": view.FieldErrors(problems),
		"Problems": problems, "Message": msg, "Next": r.URL.RequestURI(),
		"Pager": newPager(r, list.Total, list.Offset, list.Limit, len(list.Items), list.More),
	})
}

// addResponsibility adds a responsibility (POST /staff/responsibilities);
// on problems the list comes back with the form as it was typed.
func (s *Server) addResponsibility(w http.ResponseWriter, r *http.Request) {
	nr := &spotcheck.Responsibility{Item: r.PostFormValue("item"), Dept: r.PostFormValue("dept"),
		Role: r.PostFormValue("role"), Note: r.PostFormValue("note"), Active: true}
	if err := s.dir.SaveResponsibility(r.Context(), nr); err != nil {
		if problems, msg, ok := view.FormProblems(err); ok {
			s.renderResponsibilities(w, r, http.StatusBadRequest, nr, problems, msg)
			return
		}
		s.views.Fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/responsibilities?"+url.Values{"item": {nr.Item}, "ok": {"created"}}.Encode())
}

// setResponsibilityActive deactivates or reactivates the responsibility of
// {dept} for {item} and returns to the page the button was on.
func (s *Server) setResponsibilityActive(w http.ResponseWriter, r *http.Request) {
	setActive(s, w, r,
		func(ctx context.Context) (*spotcheck.Responsibility, error) {
			return s.dir.FindResponsibility(ctx, r.PathValue("item"), r.PathValue("dept"))
		},
		func(rs *spotcheck.Responsibility) (*int, *bool) { return &rs.Version, &rs.Active },
		s.dir.SaveResponsibility,
		func(*spotcheck.Responsibility) string { return r.PostFormValue("next") })
}
