package staff

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Departments (部门) are the tree that bounds what everyone sees. Viewing
// them needs PermViewDepartments and changing them PermManageDepartments,
// both in the route table; the store checks the tree itself (parents
// exist, no cycle) when a department is saved.

// deptNode is a department placed in the tree, for indented lists and
// <select> options.
type deptNode struct {
	spotcheck.Department
	Depth  int
	Indent string // full-width spaces, since <option> text ignores CSS
}

// deptTree orders departments depth first, children by code, so that a
// list reads as the tree. A department whose parent is missing is shown as
// a root rather than dropped, and a cycle (which the store refuses, but old
// data may hold) cannot loop for ever.
func deptTree(depts []spotcheck.Department) []deptNode {
	byCode := make(map[string]bool, len(depts))
	for _, d := range depts {
		byCode[d.Code] = true
	}
	children := map[string][]spotcheck.Department{}
	for _, d := range depts {
		parent := d.Parent
		if !byCode[parent] {
			parent = ""
		}
		children[parent] = append(children[parent], d)
	}
	for _, c := range children {
		sort.Slice(c, func(i, j int) bool { return c[i].Code < c[j].Code })
	}
	out := make([]deptNode, 0, len(depts))
	seen := map[string]bool{}
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, d := range children[parent] {
			if seen[d.Code] {
				continue
			}
			seen[d.Code] = true
			out = append(out, deptNode{Department: d, Depth: depth, Indent: strings.Repeat("　", depth)})
			walk(d.Code, depth+1)
		}
	}
	walk("", 0)
	for _, d := range depts { // members of a cycle have no root above them
		if !seen[d.Code] {
			seen[d.Code] = true
			out = append(out, deptNode{Department: d})
		}
	}
	return out
}

// scopedDepts keeps the departments whose records the user may keep: the
// choices of a department field on the directory forms. The store refuses
// the others anyway; offering them would only invite a 403.
func scopedDepts(p *spotcheck.Principal, nodes []deptNode) []deptNode {
	var out []deptNode
	for _, n := range nodes {
		if p.InScope(n.Code) {
			out = append(out, n)
		}
	}
	return out
}

func (s *Handler) ShowDepartments(w http.ResponseWriter, r *http.Request) {
	depts, err := s.svc.Departments.FindDepartments(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "departments", "部门", map[string]any{"Tree": deptTree(depts)})
}

func (s *Handler) ShowDepartment(w http.ResponseWriter, r *http.Request) {
	d, err := s.svc.Departments.FindDepartmentByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	depts, err := s.svc.Departments.FindDepartments(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var children []spotcheck.Department
	for _, c := range depts {
		if c.Parent == d.Code {
			children = append(children, c)
		}
	}
	history, err := s.history(r.Context(), "department", d.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "department", d.Name, map[string]any{"Dept": d, "Children": children,
		"History": history})
}

// ShowDepartmentForm shows the create form, or the edit form of {code}.
func (s *Handler) ShowDepartmentForm(w http.ResponseWriter, r *http.Request) {
	d := &spotcheck.Department{Kind: spotcheck.DeptOffice, Active: true, Parent: r.URL.Query().Get("parent")}
	if d.Parent == "" {
		d.Parent = view.StaffUser(r).Dept // new departments go under one of the user's
	}
	if code := r.PathValue("code"); code != "" {
		var err error
		if d, err = s.svc.Departments.FindDepartmentByCode(r.Context(), code); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderDepartmentForm(w, r, http.StatusOK, d, nil, "")
}

func (s *Handler) renderDepartmentForm(w http.ResponseWriter, r *http.Request, status int, d *spotcheck.Department,
	problems spotcheck.Problems, msg string) {
	depts, err := s.svc.Departments.FindDepartments(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ref, err := s.svc.Reference.FindReference(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var parents []deptNode // a department cannot be its own parent
	for _, n := range deptTree(depts) {
		if n.Code != d.Code || d.Version == 0 {
			parents = append(parents, n)
		}
	}
	title := "新增部门"
	if d.Version > 0 {
		title = "编辑：" + d.Name
	}
	s.renderTitled(w, r, status, "department_form", title, map[string]any{"Dept": d, "Parents": parents,
		"Divisions": ref.Divisions, "Kinds": spotcheck.DeptKinds, "Errors": view.FieldErrors(problems),
		"Problems": problems, "Message": msg})
}

// SaveDepartment creates (POST /staff/departments) or updates (POST
// /staff/departments/{code}) a department.
func (s *Handler) SaveDepartment(w http.ResponseWriter, r *http.Request) {
	var f view.DepartmentForm
	ps := s.decode(r, &f)
	d := f.Department()
	if code := r.PathValue("code"); code != "" {
		old, err := s.svc.Departments.FindDepartmentByCode(r.Context(), code)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Code, d.Active = old.Code, old.Active
	}
	saveForm(s, w, r, d, ps, r.PathValue("code") == "", s.svc.Departments.SaveDepartment,
		func(status int, problems spotcheck.Problems, msg string) {
			s.renderDepartmentForm(w, r, status, d, problems, msg)
		},
		func(d *spotcheck.Department) string { return "/staff/departments/" + url.PathEscape(d.Code) })
}

// SetDepartmentActive deactivates or reactivates a department; it stays in
// the tree, since records and past draws name it.
func (s *Handler) SetDepartmentActive(w http.ResponseWriter, r *http.Request) {
	setActive(s, w, r,
		func(ctx context.Context) (*spotcheck.Department, error) {
			return s.svc.Departments.FindDepartmentByCode(ctx, r.PathValue("code"))
		},
		func(d *spotcheck.Department) (*int, *bool) { return &d.Version, &d.Active },
		s.svc.Departments.SaveDepartment,
		func(d *spotcheck.Department, _ string) string { return "/staff/departments/" + url.PathEscape(d.Code) })
}
