package staff

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

func (s *Handler) ShowEntities(w http.ResponseWriter, r *http.Request) {
	f := view.EntityFilter(r.URL.Query())
	list, err := s.svc.Entities.FindEntities(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The filters' types and divisions come from the page's names
	// ($.Names.Ref), read once for the filters and the rows.
	s.renderTitled(w, r, http.StatusOK, "entities", "检查对象名录库", map[string]any{
		"List": list, "F": f, "Q": r.URL.Query(), "Statuses": spotcheck.EntityStatuses,
		"Classes": spotcheck.CreditClasses, "Pager": view.ListPager(r, list),
	})
}

func (s *Handler) ShowEntity(w http.ResponseWriter, r *http.Request) {
	s.renderEntity(w, r, http.StatusOK, nil)
}

// renderEntity renders the entity page; posted is a refused override
// form (web/staff/risk_override.go) to show again, nil for none.
func (s *Handler) renderEntity(w http.ResponseWriter, r *http.Request, status int, posted *entityOverrideView) {
	e, err := s.svc.Entities.FindEntityByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	history, err := s.svc.Changes.FindChanges(r.Context(), spotcheck.ChangeFilter{Kind: "entity", Key: e.ID, Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	risk, err := s.entityRisk(r.Context(), e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	override, err := s.entityOverride(r.Context(), r, e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if override != nil && posted != nil {
		override.keep(posted)
	}
	s.renderTitled(w, r, status, "entity", e.Name, map[string]any{"E": e, "History": history.Items, "Risk": risk,
		"Override": override})
}

// entityEventsShown is how many of an entity's complaints and of its
// penalties its page lists, newest first.
const entityEventsShown = 20

// entityRiskView is the section 信用风险分类 of the entity page: the
// entity's assessment by the latest applied reclassification run (nil
// when no applied run scored it), each factor named, and the complaints
// and penalties on record, the model's inputs.
type entityRiskView struct {
	Risk    *spotcheck.EntityRisk
	Factors []entityFactorView
	// Edited: the directory's class or key-list membership differs from
	// the assessment, changed by hand since the run.
	Edited     bool
	Complaints spotcheck.List[*spotcheck.Complaint]
	Penalties  spotcheck.List[*spotcheck.Penalty]
}

// entityFactorView is one line of the factors' table.
type entityFactorView struct {
	spotcheck.FactorContribution
	Name     string // RiskFactorKind.Name, or the id of a factor no longer registered
	Measures string
}

// entityRisk reads the section 信用风险分类 of e's page. The risk service
// and the events' service see the entity as FindEntityByID does (the
// user's scope); a server built without them shows no section (nil).
func (s *Handler) entityRisk(ctx context.Context, e *spotcheck.Entity) (*entityRiskView, error) {
	if s.svc.Risk == nil || s.svc.RiskEvents == nil {
		return nil, nil
	}
	v := &entityRiskView{}
	er, err := s.svc.Risk.FindEntityRisk(ctx, e.ID)
	switch {
	case spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND:
		// not yet classified by the model: the page says so
	case err != nil:
		return nil, err
	default:
		v.Risk = er
		a := er.Assessment
		v.Edited = e.CreditClass != a.Class || e.Key != a.Key
		for _, c := range a.Contributions {
			f := entityFactorView{FactorContribution: c, Name: c.Factor}
			if k, ok := spotcheck.RiskFactorKindOf(c.Factor); ok {
				f.Name, f.Measures = k.Name, k.Measures
			}
			v.Factors = append(v.Factors, f)
		}
	}
	if v.Complaints, err = s.svc.RiskEvents.FindComplaints(ctx, spotcheck.ComplaintFilter{EntityID: e.ID, Limit: entityEventsShown}); err != nil {
		return nil, err
	}
	if v.Penalties, err = s.svc.RiskEvents.FindPenalties(ctx, spotcheck.PenaltyFilter{EntityID: e.ID, Limit: entityEventsShown}); err != nil {
		return nil, err
	}
	return v, nil
}

// ShowEntityForm shows the create form, or the edit form of {id}.
func (s *Handler) ShowEntityForm(w http.ResponseWriter, r *http.Request) {
	e := &spotcheck.Entity{Status: spotcheck.StatusOperating, CreditClass: "B", Active: true}
	if id := r.PathValue("id"); id != "" {
		var err error
		if e, err = s.svc.Entities.FindEntityByID(r.Context(), id); err != nil {
			s.fail(w, r, err)
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

func (s *Handler) renderEntityForm(w http.ResponseWriter, r *http.Request, status int, e *spotcheck.Entity, problems spotcheck.Problems) {
	ref, err := s.svc.Reference.FindReference(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := "新增检查对象"
	if e.Version > 0 {
		title = "编辑：" + e.Name
	}
	s.renderTitled(w, r, status, "entity_form", title, map[string]any{"E": e, "Ref": ref, "Action": entityFormAction(r),
		"Errors": view.FieldErrors(problems), "Problems": problems, "Statuses": spotcheck.EntityStatuses, "Classes": spotcheck.CreditClasses,
		"Tags": strings.Join(e.Tags, "、")})
}

// SaveEntity creates (POST /staff/entities) or updates (POST
// /staff/entities/{id}) an entity; on problems the form comes back with
// what was typed and a message beside each field.
func (s *Handler) SaveEntity(w http.ResponseWriter, r *http.Request) {
	var f view.EntityForm
	ps := s.decode(r, &f)
	e := f.Entity()
	if ps != nil {
		s.renderEntityForm(w, r, http.StatusBadRequest, e, ps)
		return
	}
	var old *spotcheck.Entity
	if id := r.PathValue("id"); id != "" {
		var err error
		if old, err = s.svc.Entities.FindEntityByID(r.Context(), id); err != nil {
			s.fail(w, r, err)
			return
		}
		e.GuideCardNo, e.Active = old.GuideCardNo, old.Active
		if old.GuideCardNo != "" {
			e.ID = old.ID // a guide's id comes from the card number
		}
	}
	var err error
	if old != nil && spotcheck.NormalizeCode(e.ID) != old.ID {
		err = s.svc.Entities.RecodeEntity(r.Context(), old.ID, e)
	} else {
		if old != nil {
			e.ID = old.ID
		}
		err = s.svc.Entities.SaveEntity(r.Context(), e)
	}
	if err != nil {
		if problems, ok := view.InvalidFields(err); ok {
			s.renderEntityForm(w, r, http.StatusBadRequest, e, problems)
			return
		}
		s.fail(w, r, err)
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
func (s *Handler) SetEntityActive(w http.ResponseWriter, r *http.Request) {
	setActive(s, w, r,
		func(ctx context.Context) (*spotcheck.Entity, error) {
			return s.svc.Entities.FindEntityByID(ctx, r.PathValue("id"))
		},
		func(e *spotcheck.Entity) (*int, *bool) { return &e.Version, &e.Active },
		s.svc.Entities.SaveEntity,
		func(e *spotcheck.Entity, _ string) string { return "/staff/entities/" + url.PathEscape(e.ID) })
}
