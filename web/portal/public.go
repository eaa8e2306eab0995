package portal

import (
	"net/http"
	"sort"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The public portal (design §6): no login, and only what is published.
// Handlers run as spotcheck.Public(), so the store refuses anything else.

// publicDept is one department's part of the published item list.
type publicDept struct {
	Dept  spotcheck.Department
	Items []*spotcheck.Item
}

// ShowPortal is the portal's home: the published 抽查事项清单 by department.
func (s *Handler) ShowPortal(w http.ResponseWriter, r *http.Request) {
	groups, err := s.publishedItems(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "portal", "双随机、一公开", map[string]any{"Groups": groups, "LogKey": s.logKey()})
}

func (s *Handler) ShowPublicItems(w http.ResponseWriter, r *http.Request) {
	groups, err := s.publishedItems(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "public_items", "随机抽查事项清单", map[string]any{"Groups": groups})
}

// publishedItems groups the active top-level items by the department that
// initiates them (发起); items without one stand under “其他”.
func (s *Handler) publishedItems(r *http.Request) ([]publicDept, error) {
	ctx := r.Context()
	items, err := view.AllPages(func(off int) (spotcheck.List[*spotcheck.Item], error) {
		return s.svc.Items.FindItems(ctx, spotcheck.ItemFilter{Status: spotcheck.ItemActive, Offset: off, Limit: 200})
	})
	if err != nil {
		return nil, err
	}
	resps, err := view.AllPages(func(off int) (spotcheck.List[*spotcheck.Responsibility], error) {
		return s.svc.Responsibilities.FindResponsibilities(ctx, spotcheck.ResponsibilityFilter{Offset: off, Limit: 200})
	})
	if err != nil {
		return nil, err
	}
	depts, err := s.svc.Departments.FindDepartments(ctx)
	if err != nil {
		return nil, err
	}
	initiator := map[string]string{}
	for _, rs := range resps {
		if rs.Role == spotcheck.RoleInitiate && rs.Active {
			initiator[rs.Item] = rs.Dept
		}
	}
	byDept := map[string]*publicDept{}
	for _, it := range items {
		if it.Parent != "" {
			continue
		}
		code := initiator[it.Code]
		g := byDept[code]
		if g == nil {
			g = &publicDept{Dept: spotcheck.Department{Code: code, Name: "其他"}}
			for _, d := range depts {
				if d.Code == code {
					g.Dept = d
				}
			}
			byDept[code] = g
		}
		g.Items = append(g.Items, it)
	}
	out := make([]publicDept, 0, len(byDept))
	for _, g := range byDept {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dept.Code < out[j].Dept.Code })
	return out, nil
}

// ShowPublicItem shows one published item with its checklist points.
func (s *Handler) ShowPublicItem(w http.ResponseWriter, r *http.Request) {
	it, err := s.svc.Items.FindItemByCode(r.Context(), r.PathValue("code"))
	if err == nil && it.Status != spotcheck.ItemActive {
		err = spotcheck.Errorf(spotcheck.ENOTFOUND, "事项不存在或未公开")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := view.AllPages(func(off int) (spotcheck.List[*spotcheck.Item], error) {
		return s.svc.Items.FindItems(r.Context(), spotcheck.ItemFilter{Status: spotcheck.ItemActive, Offset: off, Limit: 200})
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
	s.renderTitled(w, r, http.StatusOK, "public_item", it.Name, map[string]any{"Item": it, "Points": points})
}
