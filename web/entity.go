package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// entityListParams reads the list filters from the query string; the same
// names serve the page and GET /api/v1/entities.
func entityListParams(q url.Values) spotcheck.EntityFilter {
	f := spotcheck.EntityFilter{
		Query: strings.TrimSpace(q.Get("q")), Type: q.Get("type"), Division: q.Get("division"),
		Status: q.Get("status"), CreditClass: q.Get("class"), Sort: q.Get("sort"),
	}
	f.Key = boolParam(q.Get("key"))
	f.Active = boolParam(q.Get("active"))
	f.Offset, f.Limit = pageParams(q)
	return f
}

// pager describes the links below a list.
type pager struct {
	From, To int
	Total    string
	Prev     string
	Next     string
	HasAny   bool
}

func newPager(r *http.Request, total, offset, limit, n int, more bool) pager {
	p := pager{From: offset + 1, To: offset + n, Total: countText(total, more), HasAny: n > 0}
	link := func(off int) string {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(off))
		return r.URL.Path + "?" + q.Encode()
	}
	if offset > 0 {
		p.Prev = link(max(offset-limit, 0))
	}
	if offset+n < total || more {
		p.Next = link(offset + limit)
	}
	return p
}

func (s *Server) showEntities(w http.ResponseWriter, r *http.Request) {
	f := entityListParams(r.URL.Query())
	list, err := s.dir.FindEntities(r.Context(), f)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	ref, err := s.dir.Reference(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.views.Render(w, r, http.StatusOK, "entities", "检查对象名录库", map[string]any{
		"List": list, "F": f, "Q": r.URL.Query(), "Ref": ref, "Statuses": spotcheck.EntityStatuses,
		"Classes": spotcheck.CreditClasses, "Pager": newPager(r, list.Total, list.Offset, list.Limit, len(list.Items), list.More),
	})
}

func (s *Server) showEntity(w http.ResponseWriter, r *http.Request) {
	e, err := s.dir.FindEntityByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	history, err := s.dir.FindChanges(r.Context(), spotcheck.ChangeFilter{Kind: "entity", Key: e.ID, Limit: 200})
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	ref, err := s.dir.Reference(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.views.Render(w, r, http.StatusOK, "entity", e.Name, map[string]any{"E": e, "History": history.Items,
		"TypeName": strings.Join(typeNames(ref, []string{e.Type}), ""), "Division": divisionName(ref, e.Division)})
}

// showEntityForm shows the create form, or the edit form of {id}.
func (s *Server) showEntityForm(w http.ResponseWriter, r *http.Request) {
	e := &spotcheck.Entity{Status: spotcheck.StatusOperating, CreditClass: "B", Active: true}
	if id := r.PathValue("id"); id != "" {
		var err error
		if e, err = s.dir.FindEntityByID(r.Context(), id); err != nil {
			s.views.Fail(w, r, err)
			return
		}
	}
	s.renderEntityForm(w, r, http.StatusOK, e, nil)
}

// entityFormAction is where the form posts: the create URL, or the edit URL
// of the record as stored (the form may hold a corrected code).
func entityFormAction(r *http.Request) string {
	if id := r.PathValue("id"); id != "" {
		return "/staff/entities/" + url.PathEscape(id)
	}
	return "/staff/entities"
}

func (s *Server) renderEntityForm(w http.ResponseWriter, r *http.Request, status int, e *spotcheck.Entity, problems spotcheck.Problems) {
	ref, err := s.dir.Reference(r.Context())
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	title := "新增检查对象"
	if e.Version > 0 {
		title = "编辑：" + e.Name
	}
	s.views.Render(w, r, status, "entity_form", title, map[string]any{"E": e, "Ref": ref, "Action": entityFormAction(r),
		"Errors": view.FieldErrors(problems), "Problems": problems, "Statuses": spotcheck.EntityStatuses, "Classes": spotcheck.CreditClasses,
		"Tags": strings.Join(e.Tags, "、")})
}

// entityFromForm reads the entity form; the version field carries the
// version the form was made from, for optimistic locking.
func entityFromForm(r *http.Request) *spotcheck.Entity {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return &spotcheck.Entity{
		ID: r.PostFormValue("id"), Name: r.PostFormValue("name"), Type: r.PostFormValue("type"),
		Division: r.PostFormValue("division"), Address: r.PostFormValue("address"), LegalRep: r.PostFormValue("legal_rep"),
		LicenceNo: r.PostFormValue("licence_no"), GuideCardNo: r.PostFormValue("guide_card_no"),
		Status: r.PostFormValue("status"), CreditClass: r.PostFormValue("credit_class"),
		Key: r.PostFormValue("key") == "1", KeyReason: r.PostFormValue("key_reason"), KeyExpiry: r.PostFormValue("key_expiry"),
		Tags: spotcheck.SplitList(r.PostFormValue("tags")), Founded: r.PostFormValue("founded"), Phone: r.PostFormValue("phone"),
		Active: true, Version: v,
	}
}

// saveEntity creates (POST /staff/entities) or updates (POST
// /staff/entities/{id}) an entity; on problems the form comes back with
// what was typed and a message beside each field.
func (s *Server) saveEntity(w http.ResponseWriter, r *http.Request) {
	e := entityFromForm(r)
	var old *spotcheck.Entity
	if id := r.PathValue("id"); id != "" {
		var err error
		if old, err = s.dir.FindEntityByID(r.Context(), id); err != nil {
			s.views.Fail(w, r, err)
			return
		}
		e.GuideCardNo, e.Active = old.GuideCardNo, old.Active
		if old.GuideCardNo != "" {
			e.ID = old.ID // a guide's id comes from the card number
		}
	}
	var err error
	if old != nil && spotcheck.NormalizeCode(e.ID) != old.ID {
		err = s.dir.RecodeEntity(r.Context(), old.ID, e)
	} else {
		if old != nil {
			e.ID = old.ID
		}
		err = s.dir.SaveEntity(r.Context(), e)
	}
	if err != nil {
		if problems, ok := view.InvalidFields(err); ok {
			s.renderEntityForm(w, r, http.StatusBadRequest, e, problems)
			return
		}
		s.views.Fail(w, r, err)
		return
	}
	ok := "saved"
	if r.PathValue("id") == "" {
		ok = "created"
	}
	view.Redirect(w, r, "/staff/entities/"+url.PathEscape(e.ID)+"?ok="+ok)
}

// setEntityActive deactivates (active=0) or reactivates (active=1) an
// entity; nothing is ever deleted.
func (s *Server) setEntityActive(w http.ResponseWriter, r *http.Request) {
	setActive(s, w, r,
		func(ctx context.Context) (*spotcheck.Entity, error) {
			return s.dir.FindEntityByID(ctx, r.PathValue("id"))
		},
		func(e *spotcheck.Entity) (*int, *bool) { return &e.Version, &e.Active },
		s.dir.SaveEntity,
		func(e *spotcheck.Entity) string { return "/staff/entities/" + url.PathEscape(e.ID) })
}

func divisionName(ref *spotcheck.Reference, code string) string {
	if d, ok := ref.Division(code); ok {
		return d.Name
	}
	return code
}
