package staff

import (
	"net/http"
	"net/url"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The 随机抽查事项清单 (items). An item is versioned: saving it stores a new
// version with its own effective date and keeps the old ones, so that a
// past task can always show the item as it was. Only complete items with a
// legal basis may be 启用; the domain's Item.Validate says which element is
// missing and the form shows it beside that field.

var itemStatuses = []string{spotcheck.ItemDraft, spotcheck.ItemActive, spotcheck.ItemRetired}

func (s *Handler) ShowItems(w http.ResponseWriter, r *http.Request) {
	f := view.ItemFilter(r.URL.Query())
	list, err := s.svc.Items.FindItems(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ref, err := s.svc.Reference.FindReference(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	depts, err := s.namingDepts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "items", "随机抽查事项清单", map[string]any{
		"List": list, "F": f, "Ref": ref, "Statuses": itemStatuses,
		"Classes": []string{spotcheck.ClassKey, spotcheck.ClassGeneral}, "Depts": deptTree(depts),
		"Pager": view.ListPager(r, list),
	})
}

// itemVersion is one version of an item with who saved it.
type itemVersion struct {
	*spotcheck.Item
	Actor string
}

// ShowItem shows an item's nine elements, its checklist points, every
// version and the departments responsible for it.
func (s *Handler) ShowItem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	it, err := s.svc.Items.FindItemByCode(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := s.svc.Items.FindItemVersions(ctx, it.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	history, err := s.history(ctx, "item", it.Code)
	if err != nil {
		s.fail(w, r, err)
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
	all, err := view.AllPages(func(off int) (spotcheck.List[*spotcheck.Item], error) {
		return s.svc.Items.FindItems(ctx, spotcheck.ItemFilter{Offset: off, Limit: 200})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var points []*spotcheck.Item
	for _, c := range all {
		if c.Parent == it.Code {
			points = append(points, c)
		}
	}
	resps, err := s.svc.Responsibilities.FindResponsibilities(ctx, spotcheck.ResponsibilityFilter{Item: it.Code, Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "item", it.Name, map[string]any{"It": it, "Versions": rows, "Points": points,
		"Responsibilities": resps.Items, "History": history,
		"CanEdit": view.StaffUser(r).Has(spotcheck.PermEditLists) && s.authorizeItemEdit(r, it.Code) == nil})
}

// ShowItemForm shows the create form (?parent= makes a checklist point of
// that item), or the edit form of {code}, which saves a new version.
func (s *Handler) ShowItemForm(w http.ResponseWriter, r *http.Request) {
	it := &spotcheck.Item{Status: spotcheck.ItemDraft, Class: spotcheck.ClassGeneral, EffectiveFrom: s.today(),
		Parent: r.URL.Query().Get("parent")}
	// Show the form only to those who may save it: a new item is
	// city-wide until a department initiates it.
	if code := r.PathValue("code"); code != "" {
		var err error
		if it, err = s.svc.Items.FindItemByCode(r.Context(), code); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.authorizeItemEdit(r, it.Code); err != nil {
			s.fail(w, r, err)
			return
		}
	} else if err := view.StaffUser(r).AuthorizeChange(spotcheck.PermEditLists, spotcheck.CityWide, spotcheck.CityWide); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderItemForm(w, r, http.StatusOK, it, nil, "")
}

func (s *Handler) renderItemForm(w http.ResponseWriter, r *http.Request, status int, it *spotcheck.Item,
	problems spotcheck.Problems, msg string) {
	ref, err := s.svc.Reference.FindReference(r.Context())
	if err != nil {
		s.fail(w, r, err)
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
	s.renderTitled(w, r, status, "item_form", title, map[string]any{"It": it, "Ref": ref, "Methods": spotcheck.Methods,
		"TypeSet": set(it.TargetTypes), "MethodSet": set(it.Methods), "Statuses": itemStatuses,
		"Classes": []string{spotcheck.ClassKey, spotcheck.ClassGeneral}, "Errors": view.FieldErrors(problems),
		"Problems": problems, "Message": msg})
}

// SaveItem creates (POST /staff/items) an item or saves a new version of
// {code} (POST /staff/items/{code}).
func (s *Handler) SaveItem(w http.ResponseWriter, r *http.Request) {
	var f view.ItemForm
	ps := s.decode(r, &f)
	it := f.Item()
	for _, p := range ps {
		if p.Field == "frequency" {
			// Not a number: -1 lets the store's validation name the
			// field, together with every other problem of the item.
			it.Frequency = -1
		} else {
			s.renderItemForm(w, r, http.StatusBadRequest, it, ps, "")
			return
		}
	}
	if code := r.PathValue("code"); code != "" {
		old, err := s.svc.Items.FindItemByCode(r.Context(), code)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		it.Code = old.Code
	}
	s.storeItem(w, r, it, "")
}

// SetItemStatus is the 启用/停用 button of the item page: the current
// version with another status. When the item is not complete (above all,
// without a legal basis) the edit form comes back with the problems beside
// the missing elements, ready to be filled in.
func (s *Handler) SetItemStatus(w http.ResponseWriter, r *http.Request) {
	it, err := s.svc.Items.FindItemByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f view.StateForm
	if ps := s.decode(r, &f); ps != nil {
		s.fail(w, r, ps.Err())
		return
	}
	it.Version, it.Status = f.Version, f.Status
	s.storeItem(w, r, it, "该事项尚不能"+it.Status+"：请补全标红的要素后保存。")
}

// storeItem saves it and goes to its page, or shows the form with the
// problems; msg, when set, explains them above the form.
func (s *Handler) storeItem(w http.ResponseWriter, r *http.Request, it *spotcheck.Item, msg string) {
	err := s.svc.Items.SaveItem(r.Context(), it)
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
		s.fail(w, r, err)
		return
	}
	if m != "" {
		msg = m
	}
	s.renderItemForm(w, r, http.StatusBadRequest, it, problems, msg)
}

// authorizeItemEdit checks that the user keeps the item: the store applies
// the same rule (spotcheck.Principal.AuthorizeItem) when it is saved.
func (s *Handler) authorizeItemEdit(r *http.Request, code string) error {
	rs, err := s.svc.Responsibilities.FindResponsibilities(r.Context(), spotcheck.ResponsibilityFilter{Item: code, Limit: 200})
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
