package staff

import (
	"net/http"
	"net/url"
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

func (s *Handler) ShowInspectors(w http.ResponseWriter, r *http.Request) {
	k := staffKindOf(r)
	f := view.InspectorFilter(r.URL.Query())
	f.Expert = &k.Expert // the half of the directory the path names
	list, err := s.svc.Inspectors.FindInspectors(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	depts, err := s.namingDepts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "inspectors", k.Name+"名录库", map[string]any{
		"K": k, "List": list, "F": f, "Q": r.URL.Query(), "Today": s.today(),
		"Depts": scopedDepts(view.StaffUser(r), deptTree(depts)),
		"Pager": view.ListPager(r, list),
	})
}

// findInspector loads {id} and checks that it belongs to the half of the
// directory the path names; a link to the other half is sent to the
// record's own address, so that each record has one.
func (s *Handler) findInspector(w http.ResponseWriter, r *http.Request) (*spotcheck.Inspector, bool) {
	in, err := s.svc.Inspectors.FindInspectorByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	if k := kindOfInspector(in); k != staffKindOf(r) {
		if r.Method != http.MethodGet {
			s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "%s“%s”不存在", staffKindOf(r).Name, in.StaffID))
			return nil, false
		}
		rest := strings.TrimPrefix(r.URL.Path, staffKindOf(r).Path)
		view.Redirect(w, r, k.Path+rest)
		return nil, false
	}
	return in, true
}

func (s *Handler) ShowInspector(w http.ResponseWriter, r *http.Request) {
	in, ok := s.findInspector(w, r)
	if !ok {
		return
	}
	history, err := s.history(r.Context(), "inspector", in.StaffID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "inspector", in.Name, map[string]any{"K": kindOfInspector(in), "In": in,
		"Today": s.today(), "History": history})
}

// ShowInspectorForm shows the create form, or the edit form of {id}.
func (s *Handler) ShowInspectorForm(w http.ResponseWriter, r *http.Request) {
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

func (s *Handler) renderInspectorForm(w http.ResponseWriter, r *http.Request, status int, in *spotcheck.Inspector,
	problems spotcheck.Problems, msg string) {
	depts, err := s.namingDepts(r.Context())
	if err != nil {
		s.fail(w, r, err)
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
	s.renderTitled(w, r, status, "inspector_form", title, map[string]any{"K": k, "In": in,
		"Depts": scopedDepts(view.StaffUser(r), deptTree(depts)), "Specialties": strings.Join(in.Specialties, "、"),
		"Items":  strings.Join(in.Items, "、"),
		"Leaves": strings.Join(leaves, "\n"), "Errors": view.FieldErrors(problems), "Problems": problems, "Message": msg})
}

// SaveInspector creates (POST /staff/inspectors) or updates (POST
// /staff/inspectors/{id}) a person; the fields the form of one half does
// not show (an inspector's expert fields, an expert's 主检 flag) are kept.
func (s *Handler) SaveInspector(w http.ResponseWriter, r *http.Request) {
	var f view.InspectorForm
	ps := s.decode(r, &f)
	in := f.Inspector(staffKindOf(r).Expert)
	if r.PathValue("id") != "" {
		old, ok := s.findInspector(w, r)
		if !ok {
			return
		}
		in.StaffID, in.Active = old.StaffID, old.Active
		if in.Expert {
			in.Lead, in.Items = old.Lead, old.Items
		} else {
			in.Field, in.Title, in.Employer = old.Field, old.Title, old.Employer
		}
	}
	saveForm(s, w, r, in, ps, r.PathValue("id") == "", s.svc.Inspectors.SaveInspector,
		func(status int, problems spotcheck.Problems, msg string) {
			s.renderInspectorForm(w, r, status, in, problems, msg)
		},
		func(in *spotcheck.Inspector) string {
			return kindOfInspector(in).Path + "/" + url.PathEscape(in.StaffID)
		})
}

// SetInspectorActive deactivates (active=0) or reactivates (active=1) a
// person: a deactivated one is no longer drawn, and the record stays.
func (s *Handler) SetInspectorActive(w http.ResponseWriter, r *http.Request) {
	in, ok := s.findInspector(w, r)
	if !ok {
		return
	}
	var f view.StateForm
	if ps := s.decode(r, &f); ps != nil {
		s.fail(w, r, ps.Err())
		return
	}
	in.Version, in.Active = f.Version, f.Active
	if err := s.svc.Inspectors.SaveInspector(r.Context(), in); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, kindOfInspector(in).Path+"/"+url.PathEscape(in.StaffID)+"?ok="+view.ActiveFlash(in.Active))
}
