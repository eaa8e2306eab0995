package staff

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

func (h *Handler) ShowEntities(w http.ResponseWriter, r *http.Request) {
	f := view.EntityFilter(r.URL.Query())
	list, err := h.dir.FindEntities(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ref, err := h.dir.Reference(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "entities", "检查对象名录库", map[string]any{
		"List": list, "F": f, "Q": r.URL.Query(), "Ref": ref, "Statuses": spotcheck.EntityStatuses,
		"Classes": spotcheck.CreditClasses, "Pager": view.ListPager(r, list),
	})
}

func (h *Handler) ShowEntity(w http.ResponseWriter, r *http.Request) {
	e, err := h.dir.FindEntityByID(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	history, err := h.dir.FindChanges(r.Context(), spotcheck.ChangeFilter{Kind: "entity", Key: e.ID, Limit: 200})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "entity", e.Name, map[string]any{"E": e, "History": history.Items})
}

// ShowEntityForm shows the create form, or the edit form of {id}.
func (h *Handler) ShowEntityForm(w http.ResponseWriter, r *http.Request) {
	e := &spotcheck.Entity{Status: spotcheck.StatusOperating, CreditClass: "B", Active: true}
	if id := r.PathValue("id"); id != "" {
		var err error
		if e, err = h.dir.FindEntityByID(r.Context(), id); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.renderEntityForm(w, r, http.StatusOK, e, nil)
}

// entityFormAction is where the form posts: the create URL, or the edit URL
// of the record as stored (the form may hold a corrected code).
func entityFormAction(r *http.Request) string {
	if id := r.PathValue("id"); id != "" {
		return "/staff/entities/" + url.PathEscape(id)
	}
	return "/staff/entities"
}

func (h *Handler) renderEntityForm(w http.ResponseWriter, r *http.Request, status int, e *spotcheck.Entity, problems spotcheck.Problems) {
	ref, err := h.dir.Reference(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	title := "新增检查对象"
	if e.Version > 0 {
		title = "编辑：" + e.Name
	}
	h.render(w, r, status, "entity_form", title, map[string]any{"E": e, "Ref": ref, "Action": entityFormAction(r),
		"Errors": view.FieldErrors(problems), "Problems": problems, "Statuses": spotcheck.EntityStatuses, "Classes": spotcheck.CreditClasses,
		"Tags": strings.Join(e.Tags, "、")})
}

// SaveEntity creates (POST /staff/entities) or updates (POST
// /staff/entities/{id}) an entity; on problems the form comes back with
// what was typed and a message beside each field.
func (h *Handler) SaveEntity(w http.ResponseWriter, r *http.Request) {
	var f view.EntityForm
	ps := h.decode(r, &f)
	e := f.Entity()
	if ps != nil {
		h.renderEntityForm(w, r, http.StatusBadRequest, e, ps)
		return
	}
	var old *spotcheck.Entity
	if id := r.PathValue("id"); id != "" {
		var err error
		if old, err = h.dir.FindEntityByID(r.Context(), id); err != nil {
			h.fail(w, r, err)
			return
		}
		e.GuideCardNo, e.Active = old.GuideCardNo, old.Active
		if old.GuideCardNo != "" {
			e.ID = old.ID // a guide's id comes from the card number
		}
	}
	var err error
	if old != nil && spotcheck.NormalizeCode(e.ID) != old.ID {
		err = h.dir.RecodeEntity(r.Context(), old.ID, e)
	} else {
		if old != nil {
			e.ID = old.ID
		}
		err = h.dir.SaveEntity(r.Context(), e)
	}
	if err != nil {
		if problems, ok := view.InvalidFields(err); ok {
			h.renderEntityForm(w, r, http.StatusBadRequest, e, problems)
			return
		}
		h.fail(w, r, err)
		return
	}
	ok := "saved"
	if r.PathValue("id") == "" {
		ok = "created"
	}
	view.Redirect(w, r, "/staff/entities/"+url.PathEscape(e.ID)+"?ok="+ok)
}

// SetEntityActive deactivates (active=0) or reactivates (active=1) an
// entity; nothing is ever deleted.
func (h *Handler) SetEntityActive(w http.ResponseWriter, r *http.Request) {
	setActive(h, w, r,
		func(ctx context.Context) (*spotcheck.Entity, error) {
			return h.dir.FindEntityByID(ctx, r.PathValue("id"))
		},
		func(e *spotcheck.Entity) (*int, *bool) { return &e.Version, &e.Active },
		h.dir.SaveEntity,
		func(e *spotcheck.Entity) string { return "/staff/entities/" + url.PathEscape(e.ID) })
}
