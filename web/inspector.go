package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// 执法检查人员 and 专家 are one directory (Inspector with the Expert flag,
// drawn the same way), so their pages share this code and differ only in
// the staffKind the path selects: /staff/inspectors/… or /staff/experts/….
// Records are scoped by department; the store limits the lists to the
// user's subtree and refuses the rest.

// staffKind is one of the two halves of the directory.
type staffKind struct {
	Expert   bool
	Path     string // list page
	Name     string // 执法检查人员 / 专家
	Transfer string // import kind
}

var (
	inspectorKind = staffKind{false, "/staff/inspectors", "执法检查人员", spotcheck.KindInspectors}
	expertKind    = staffKind{true, "/staff/experts", "专家", spotcheck.KindExperts}
)

// staffKindOf returns the half of the directory a request's path names.
func staffKindOf(r *http.Request) staffKind {
	if strings.HasPrefix(r.URL.Path, expertKind.Path) {
		return expertKind
	}
	return inspectorKind
}

func kindOfInspector(in *spotcheck.Inspector) staffKind {
	if in.Expert {
		return expertKind
	}
	return inspectorKind
}

// inspectorListParams reads the list filters: q (name or staff id
// prefix), dept and active.
func inspectorListParams(q url.Values, k staffKind) spotcheck.InspectorFilter {
	f := spotcheck.InspectorFilter{Query: strings.TrimSpace(q.Get("q")), Dept: q.Get("dept"), Expert: &k.Expert}
	f.Active = boolParam(q.Get("active"))
	f.Offset, f.Limit = pageParams(q)
	return f
}

func (s *Server) showInspectors(w http.ResponseWriter, r *http.Request) {
	k := staffKindOf(r)
	f := inspectorListParams(r.URL.Query(), k)
	list, err := s.dir.FindInspectors(r.Context(), f)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	depts, err := s.namingDepts(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.views.Render(w, r, http.StatusOK, "inspectors", k.Name+"名录库", map[string]any{
		"K": k, "List": list, "F": f, "Q": r.URL.Query(), "Today": s.today(),
		"Depts": scopedDepts(view.StaffUser(r), deptTree(depts)), "DeptNames": deptNames(depts),
		"Pager": newPager(r, list.Total, list.Offset, list.Limit, len(list.Items), list.More),
	})
}

// findInspector loads {id} and checks that it belongs to the half of the
// directory the path names; a link to the other half is sent to the
// record's own address, so that each record has one.
func (s *Server) findInspector(w http.ResponseWriter, r *http.Request) (*spotcheck.Inspector, bool) {
	in, err := s.dir.FindInspectorByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.views.Fail(w, r, err)
		return nil, false
	}
	if k := kindOfInspector(in); k != staffKindOf(r) {
		if r.Method != http.MethodGet {
			s.views.Fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "%s“%s”不存在", staffKindOf(r).Name, in.StaffID))
			return nil, false
		}
		rest := strings.TrimPrefix(r.URL.Path, staffKindOf(r).Path)
		view.Redirect(w, r, k.Path+rest)
		return nil, false
	}
	return in, true
}

func (s *Server) showInspector(w http.ResponseWriter, r *http.Request) {
	in, ok := s.findInspector(w, r)
	if !ok {
		return
	}
	history, err := s.history(r.Context(), "inspector", in.StaffID)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	depts, err := s.namingDepts(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.views.Render(w, r, http.StatusOK, "inspector", in.Name, map[string]any{"K": kindOfInspector(in), "In": in,
		"DeptName": deptNames(depts)[in.Dept], "Today": s.today(), "History": history})
}

// showInspectorForm shows the create form, or the edit form of {id}.
func (s *Server) showInspectorForm(w http.ResponseWriter, r *http.Request) {
	k := staffKindOf(r)
	in := &spotcheck.Inspector{Expert: k.Expert, Active: true, Dept: view.StaffUser(r).Dept}
	if r.PathValue("id") != "" {
		var ok bool
		if in, ok = s.findInspector(w, r); !ok {
			return
		}
	}
	s.renderInspectorForm(w, r, http.StatusOK, in, nil, "")
}

func (s *Server) renderInspectorForm(w http.ResponseWriter, r *http.Request, status int, in *spotcheck.Inspector,
	problems spotcheck.Problems, msg string) {
	depts, err := s.namingDepts(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	k := kindOfInspector(in)
	title := "新增" + k.Name
	if in.Version > 0 {
		title = "编辑：" + in.Name
	}
	leaves := make([]string, len(in.Leaves))
	for i, l := range in.Leaves {
		leaves[i] = l.From + "~" + l.To
	}
	s.views.Render(w, r, status, "inspector_form", title, map[string]any{"K": k, "In": in,
		"Depts": scopedDepts(view.StaffUser(r), deptTree(depts)), "Specialties": strings.Join(in.Specialties, "、"),
		"Leaves": strings.Join(leaves, "\n"), "Errors": view.FieldErrors(problems), "Problems": problems, "Message": msg})
}

// inspectorFromForm reads the inspector form. Leave periods are typed one
// per line (or separated as in files) and parsed as files are.
func inspectorFromForm(r *http.Request, k staffKind) *spotcheck.Inspector {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	leaves := strings.NewReplacer("\r\n", "；", "\n", "；").Replace(r.PostFormValue("leaves"))
	return &spotcheck.Inspector{
		StaffID: r.PostFormValue("staff_id"), Name: r.PostFormValue("name"), Dept: r.PostFormValue("dept"),
		CertNo: r.PostFormValue("cert_no"), CertExpiry: r.PostFormValue("cert_expiry"),
		Lead: r.PostFormValue("lead") == "1", Expert: k.Expert, Field: r.PostFormValue("field"),
		Title: r.PostFormValue("title"), Employer: r.PostFormValue("employer"),
		Specialties: spotcheck.SplitList(r.PostFormValue("specialties")), Phone: r.PostFormValue("phone"),
		Leaves: spotcheck.ParseLeaves(leaves), Active: true, Version: v,
	}
}

// saveInspector creates (POST /staff/inspectors) or updates (POST
// /staff/inspectors/{id}) a person; the fields the form of one half does
// not show (an inspector's expert fields, an expert's 主检 flag) are kept.
func (s *Server) saveInspector(w http.ResponseWriter, r *http.Request) {
	in := inspectorFromForm(r, staffKindOf(r))
	if r.PathValue("id") != "" {
		old, ok := s.findInspector(w, r)
		if !ok {
			return
		}
		in.StaffID, in.Active = old.StaffID, old.Active
		if in.Expert {
			in.Lead = old.Lead
		} else {
			in.Field, in.Title, in.Employer = old.Field, old.Title, old.Employer
		}
	}
	saveForm(s, w, r, in, r.PathValue("id") == "", s.dir.SaveInspector,
		func(status int, problems spotcheck.Problems, msg string) {
			s.renderInspectorForm(w, r, status, in, problems, msg)
		},
		func(in *spotcheck.Inspector) string {
			return kindOfInspector(in).Path + "/" + url.PathEscape(in.StaffID)
		})
}

// setInspectorActive deactivates (active=0) or reactivates (active=1) a
// person: a deactivated one is no longer drawn, and the record stays.
func (s *Server) setInspectorActive(w http.ResponseWriter, r *http.Request) {
	in, ok := s.findInspector(w, r)
	if !ok {
		return
	}
	in.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	in.Active = r.PostFormValue("active") == "1"
	if err := s.dir.SaveInspector(r.Context(), in); err != nil {
		s.views.Fail(w, r, err)
		return
	}
	view.Redirect(w, r, kindOfInspector(in).Path+"/"+url.PathEscape(in.StaffID)+"?ok="+view.ActiveFlash(in.Active))
}
