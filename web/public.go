package web

import (
	"context"
	"net/http"
	"sort"
	"time"

	"spotcheck"
)

// The public portal (design §6): no login, and only what is published.
// Handlers run as spotcheck.Public(), so the store refuses anything else.

// publicDept is one department's part of the published item list.
type publicDept struct {
	Dept  spotcheck.Department
	Items []*spotcheck.Item
}

// showPortal is the portal's home: the published 抽查事项清单 by department.
func (s *Server) showPortal(w http.ResponseWriter, r *http.Request) {
	groups, err := s.publishedItems(r)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.views.Render(w, r, http.StatusOK, "portal", "双随机、一公开", map[string]any{"Groups": groups, "LogKey": s.logKey()})
}

func (s *Server) showPublicItems(w http.ResponseWriter, r *http.Request) {
	groups, err := s.publishedItems(r)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.views.Render(w, r, http.StatusOK, "public_items", "随机抽查事项清单", map[string]any{"Groups": groups})
}

// publishedItems groups the active top-level items by the department that
// initiates them (发起); items without one stand under “其他”.
func (s *Server) publishedItems(r *http.Request) ([]publicDept, error) {
	ctx := r.Context()
	items, err := allPages(func(off int) (spotcheck.List[*spotcheck.Item], error) {
		return s.dir.FindItems(ctx, spotcheck.ItemFilter{Status: spotcheck.ItemActive, Offset: off, Limit: 200})
	})
	if err != nil {
		return nil, err
	}
	resps, err := allPages(func(off int) (spotcheck.List[*spotcheck.Responsibility], error) {
		return s.dir.FindResponsibilities(ctx, spotcheck.ResponsibilityFilter{Offset: off, Limit: 200})
	})
	if err != nil {
		return nil, err
	}
	depts, err := s.dir.FindDepartments(ctx)
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

// showPublicItem shows one published item with its checklist points.
func (s *Server) showPublicItem(w http.ResponseWriter, r *http.Request) {
	it, err := s.dir.FindItemByCode(r.Context(), r.PathValue("code"))
	if err == nil && it.Status != spotcheck.ItemActive {
		err = spotcheck.Errorf(spotcheck.ENOTFOUND, "事项不存在或未公开")
	}
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	all, err := allPages(func(off int) (spotcheck.List[*spotcheck.Item], error) {
		return s.dir.FindItems(r.Context(), spotcheck.ItemFilter{Status: spotcheck.ItemActive, Offset: off, Limit: 200})
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
	ref, err := s.dir.Reference(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.views.Render(w, r, http.StatusOK, "public_item", it.Name, map[string]any{"Item": it, "Points": points,
		"Types": typeNames(ref, it.TargetTypes), "Methods": methodNames(it.Methods)})
}

// showPublicSoon is the skeleton of the portal's later sections: plans,
// task announcements and results come with the plans and publicity stages.
func (s *Server) showPublicSoon(w http.ResponseWriter, r *http.Request) {
	titles := map[string]string{"/plans": "年度抽查计划", "/tasks": "抽查任务公告", "/results": "抽查结果公示"}
	s.views.Render(w, r, http.StatusOK, "public_soon", titles[r.URL.Path], nil)
}

// health answers a load balancer or monitor: 200 "ok" when the database
// answers a query within healthTimeout, 503 otherwise, so that an instance
// whose database is gone, or whose read pool is all taken, is seen as
// down.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.ping != nil {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		if err := s.ping(ctx); err != nil {
			s.log.Warn("health check", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("数据库无响应\n"))
			return
		}
	}
	w.Write([]byte("ok\n"))
}

// healthTimeout bounds the database check of /healthz.
const healthTimeout = 2 * time.Second

// allPages collects every page of a list.
func allPages[T any](page func(offset int) (spotcheck.List[T], error)) ([]T, error) {
	var out []T
	for off := 0; ; {
		l, err := page(off)
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		off += len(l.Items)
		if len(l.Items) == 0 || off >= l.Total && !l.More {
			return out, nil
		}
	}
}

func typeNames(ref *spotcheck.Reference, codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if t, ok := ref.Type(c); ok {
			out = append(out, t.Name)
		} else {
			out = append(out, c)
		}
	}
	return out
}

func methodNames(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		name := c
		for _, m := range spotcheck.Methods {
			if m.Code == c {
				name = m.Name
			}
		}
		out = append(out, name)
	}
	return out
}
