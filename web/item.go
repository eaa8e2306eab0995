package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The 随机抽查事项清单 (items). An item is versioned: saving it stores a new
// version with its own effective date and keeps the old ones, so that a
// past task can always show the item as it was. Only complete items with a
// legal basis may be 启用; the domain's Item.Validate says which element is
// missing and the form shows it beside that field.

var itemStatuses = []string{spotcheck.ItemDraft, spotcheck.ItemActive, spotcheck.ItemRetired}

// itemListParams reads the list filters: q (code prefix or name), type,
// status, class and dept (items the department is responsible for).
func itemListParams(q url.Values) spotcheck.ItemFilter {
	f := spotcheck.ItemFilter{Query: strings.TrimSpace(q.Get("q")), TargetType: q.Get("type"), Status: q.Get("status"),
		Class: q.Get("class"), Dept: q.Get("dept")}
	f.Offset, f.Limit = pageParams(q)
	return f
}

func (s *Server) showItems(w http.ResponseWriter, r *http.Request) {
	f := itemListParams(r.URL.Query())
	list, err := s.dir.FindItems(r.Context(), f)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	ref, err := s.dir.Reference(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	depts, err := s.namingDepts(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	types := map[string]string{}
	for _, t := range ref.Types {
		types[t.Code] = t.Name
	}
	s.views.Render(w, r, http.StatusOK, "items", "随机抽查事项清单", map[string]any{
		"List": list, "F": f, "Ref": ref, "TypeNames": types, "Statuses": itemStatuses,
		"Classes": []string{spotcheck.ClassKey, spotcheck.ClassGeneral}, "Depts": deptTree(depts),
		"Pager": newPager(r, list.Total, list.Offset, list.Limit, len(list.Items), list.More),
	})
}

// itemVersion is one version of an item with who saved it.
type itemVersion struct {
	*spotcheck.Item
	Actor string
}

// showItem shows an item's nine elements, its checklist points, every
// version and the departments responsible for it.
func (s *Server) showItem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	it, err := s.dir.FindItemByCode(ctx, r.PathValue("code"))
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	versions, err := s.dir.FindItemVersions(ctx, it.Code)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	history, err := s.history(ctx, "item", it.Code)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	actors := map[int]string{}
	for _, c := range history.Rows {
		actors[c.Version] = c.Actor
	}
	rows := make([]itemVersion, 0, len(versions))
	for i := len(versions) - 1; i >= 0; i-- { // newest first
		rows = append(rows, itemVersion{versions[i], actors[versions[i].Version]})
	}
	all, err := allPages(func(off int) (spotcheck.List[*spotcheck.Item], error) {
		return s.dir.FindItems(ctx, spotcheck.ItemFilter{Offset: off, Limit: 200})
	})
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	var points []*spotcheck.Item
	for _, c := range all {
		if c.Parent == it.Code {
			points = append(points, c)
		}
	}
	resps, err := s.dir.FindResponsibilities(ctx, spotcheck.ResponsibilityFilter{Item: it.Code, Limit: 200})
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	ref, err := s.dir.Reference(ctx)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	depts, err := s.namingDepts(ctx)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.views.Render(w, r, http.StatusOK, "item", it.Name, map[string]any{"It": it, "Versions": rows, "Points": points,
		"Responsibilities": resps.Items, "DeptNames": deptNames(depts), "Types": typeNames(ref, it.TargetTypes),
		"Methods": methodNames(it.Methods), "History": history,
		"CanEdit": view.StaffUser(r).Has(spotcheck.PermEditLists) && s.authorizeItemEdit(r, it.Code) == nil})
}

// showItemForm shows the create form (?parent= makes a checklist point of
// that item), or the edit form of {code}, which saves a new version.
func (s *Server) showItemForm(w http.ResponseWriter, r *http.Request) {
	it := &spotcheck.Item{Status: spotcheck.ItemDraft, Class: spotcheck.ClassGeneral, EffectiveFrom: s.today(),
		Parent: r.URL.Query().Get("parent")}
	// Show the form only to those who may save it: a new item is
	// city-wide until a department initiates it.
	if code := r.PathValue("code"); code != "" {
		var err error
		if it, err = s.dir.FindItemByCode(r.Context(), code); err != nil {
			s.views.Fail(w, r, err)
			return
		}
		if err := s.authorizeItemEdit(r, it.Code); err != nil {
			s.views.Fail(w, r, err)
			return
		}
	} else if err := view.StaffUser(r).AuthorizeChange(spotcheck.PermEditLists, spotcheck.CityWide, spotcheck.CityWide); err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.renderItemForm(w, r, http.StatusOK, it, nil, "")
}

func (s *Server) renderItemForm(w http.ResponseWriter, r *http.Request, status int, it *spotcheck.Item,
	problems spotcheck.Problems, msg string) {
	ref, err := s.dir.Reference(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	title := "新增抽查事项"
	if it.Version > 0 {
		title = "编辑：" + it.Name
	}
	set := func(vs []string) map[string]bool {
		m := map[string]bool{}
		for _, v := range vs {
			m[v] = true
		}
		return m
	}
	s.views.Render(w, r, status, "item_form", title, map[string]any{"It": it, "Ref": ref, "Methods": spotcheck.Methods,
		"TypeSet": set(it.TargetTypes), "MethodSet": set(it.Methods), "Statuses": itemStatuses,
		"Classes": []string{spotcheck.ClassKey, spotcheck.ClassGeneral}, "Errors": view.FieldErrors(problems),
		"Problems": problems, "Message": msg})
}

// itemFromForm reads the item form. A frequency that is not a number
// becomes -1, so that validation names the field instead of storing 0.
// The first PostFormValue parses the form, so PostForm holds the
// checkbox lists below.
func itemFromForm(r *http.Request) *spotcheck.Item {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	freq := 0
	if f := strings.TrimSpace(r.PostFormValue("frequency")); f != "" {
		var err error
		if freq, err = strconv.Atoi(f); err != nil {
			freq = -1
		}
	}
	return &spotcheck.Item{
		Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Parent: r.PostFormValue("parent"),
		LegalBasis: r.PostFormValue("legal_basis"), Body: r.PostFormValue("body"), TargetTypes: r.PostForm["target_types"],
		Content: r.PostFormValue("content"), Standards: r.PostFormValue("standards"), Methods: r.PostForm["methods"],
		Ratio: r.PostFormValue("ratio"), Frequency: freq, Class: r.PostFormValue("class"),
		EffectiveFrom: r.PostFormValue("effective_from"), EffectiveTo: r.PostFormValue("effective_to"),
		Status: r.PostFormValue("status"), Version: v,
	}
}

// saveItem creates (POST /staff/items) an item or saves a new version of
// {code} (POST /staff/items/{code}).
func (s *Server) saveItem(w http.ResponseWriter, r *http.Request) {
	it := itemFromForm(r)
	if code := r.PathValue("code"); code != "" {
		old, err := s.dir.FindItemByCode(r.Context(), code)
		if err != nil {
			s.views.Fail(w, r, err)
			return
		}
		it.Code = old.Code
	}
	s.storeItem(w, r, it, "")
}

// setItemStatus is the 启用/停用 button of the item page: the current
// version with another status. When the item is not complete (above all,
// without a legal basis) the edit form comes back with the problems beside
// the missing elements, ready to be filled in.
func (s *Server) setItemStatus(w http.ResponseWriter, r *http.Request) {
	it, err := s.dir.FindItemByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	it.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	it.Status = r.PostFormValue("status")
	s.storeItem(w, r, it, "该事项尚不能"+it.Status+"：请补全标红的要素后保存。")
}

// storeItem saves it and goes to its page, or shows the form with the
// problems; msg, when set, explains them above the form.
func (s *Server) storeItem(w http.ResponseWriter, r *http.Request, it *spotcheck.Item, msg string) {
	err := s.dir.SaveItem(r.Context(), it)
	if err == nil {
		ok := "saved"
		if r.PathValue("code") == "" {
			ok = "created"
		}
		view.Redirect(w, r, "/staff/items/"+url.PathEscape(it.Code)+"?ok="+ok)
		return
	}
	problems, m, isForm := view.FormProblems(err)
	if !isForm {
		s.views.Fail(w, r, err)
		return
	}
	if m != "" {
		msg = m
	}
	s.renderItemForm(w, r, http.StatusBadRequest, it, problems, msg)
}

// authorizeItemEdit checks that the user keeps the item: the store applies
// the same rule (spotcheck.Principal.AuthorizeItem) when it is saved.
func (s *Server) authorizeItemEdit(r *http.Request, code string) error {
	rs, err := s.dir.FindResponsibilities(r.Context(), spotcheck.ResponsibilityFilter{Item: code, Limit: 200})
	if err != nil {
		return err
	}
	var initiators []string
	for _, x := range rs.Items {
		if x.Role == spotcheck.RoleInitiate && x.Active {
			initiators = append(initiators, x.Dept)
		}
	}
	return view.StaffUser(r).AuthorizeItem(spotcheck.PermEditLists, initiators)
}
