package staff

import (
	"net/http"
	"net/url"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// 回避关系 (conflicts): inspector × entity pairs that must not meet in an
// inspection. A declared conflict (申报回避) binds at once; an enterprise's
// request (申请回避) binds once approved, so the list offers 通过/驳回 on
// pending requests — a save with Review changed, recorded like any other.
// Like responsibilities they have no page of their own.

// conflictKindSlugs name the two kinds in URLs, which stay ASCII.
var conflictKindSlugs = map[string]string{
	spotcheck.ConflictDeclared: "declared", spotcheck.ConflictRequested: "requested",
}

func conflictKindOfSlug(slug string) string {
	for k, s := range conflictKindSlugs {
		if s == slug {
			return k
		}
	}
	return ""
}

// conflictRow is a conflict with the address of its buttons.
type conflictRow struct {
	*spotcheck.Conflict
	Path string // /staff/conflicts/{staff}/{entity}/{kind}
}

func (s *Handler) ShowConflicts(w http.ResponseWriter, r *http.Request) {
	f := view.ConflictFilter(r.URL.Query())
	s.renderConflicts(w, r, http.StatusOK, &spotcheck.Conflict{StaffID: f.StaffID, EntityID: f.EntityID,
		Kind: spotcheck.ConflictDeclared, From: s.today()}, nil, "")
}

// renderConflicts shows the list and the add form with nc (what was typed,
// after a failed add) and its problems.
func (s *Handler) renderConflicts(w http.ResponseWriter, r *http.Request, status int, nc *spotcheck.Conflict,
	problems spotcheck.Problems, msg string) {
	f := view.ConflictFilter(r.URL.Query())
	list, err := s.svc.Conflicts.FindConflicts(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]conflictRow, len(list.Items))
	for i, c := range list.Items {
		rows[i] = conflictRow{c, "/staff/conflicts/" + url.PathEscape(c.StaffID) + "/" + url.PathEscape(c.EntityID) +
			"/" + conflictKindSlugs[c.Kind]}
	}
	s.renderTitled(w, r, status, "conflicts", "回避关系", map[string]any{
		"Rows": rows, "F": f, "Today": s.today(), "New": nc, "Errors": view.FieldErrors(problems), "Problems": problems,
		"Message": msg, "Next": r.URL.RequestURI(),
		"Kinds":    []string{spotcheck.ConflictDeclared, spotcheck.ConflictRequested},
		"Reviews":  []string{spotcheck.ReviewPending, spotcheck.ReviewApproved, spotcheck.ReviewRejected},
		"Approved": spotcheck.ReviewApproved, "Rejected": spotcheck.ReviewRejected, "Pending": spotcheck.ReviewPending,
		"Pager": view.ListPager(r, list),
	})
}

// AddConflict records a conflict (POST /staff/conflicts); a request
// starts 待审核, a declaration 已通过 (Conflict.Validate).
func (s *Handler) AddConflict(w http.ResponseWriter, r *http.Request) {
	var f view.ConflictForm
	s.decode(r, &f) // text fields only: nothing to misparse
	nc := f.Conflict()
	if err := s.svc.Conflicts.SaveConflict(r.Context(), nc); err != nil {
		if problems, msg, ok := view.FormProblems(err); ok {
			s.renderConflicts(w, r, http.StatusBadRequest, nc, problems, msg)
			return
		}
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/conflicts?"+url.Values{"staff_id": {nc.StaffID}, "ok": {"created"}}.Encode())
}

// findConflict loads the conflict of the path's staff, entity and kind.
func (s *Handler) findConflict(r *http.Request) (*spotcheck.Conflict, error) {
	return s.svc.Conflicts.FindConflict(r.Context(), r.PathValue("staff"), r.PathValue("entity"), conflictKindOfSlug(r.PathValue("kind")))
}

// ReviewConflict approves (review=已通过) or rejects (已驳回) a request.
func (s *Handler) ReviewConflict(w http.ResponseWriter, r *http.Request) {
	s.changeConflict(w, r, func(c *spotcheck.Conflict, f *view.StateForm) string {
		c.Review = f.Review
		return "saved"
	})
}

// SetConflictActive deactivates or reactivates a conflict.
func (s *Handler) SetConflictActive(w http.ResponseWriter, r *http.Request) {
	s.changeConflict(w, r, func(c *spotcheck.Conflict, f *view.StateForm) string {
		c.Active = f.Active
		return view.ActiveFlash(c.Active)
	})
}

// changeConflict applies change to the conflict of the path at the
// version the button was made from, saves it and returns to the list.
func (s *Handler) changeConflict(w http.ResponseWriter, r *http.Request,
	change func(*spotcheck.Conflict, *view.StateForm) string) {
	c, err := s.findConflict(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f view.StateForm
	if ps := s.decode(r, &f); ps != nil {
		s.fail(w, r, ps.Err())
		return
	}
	c.Version = f.Version
	ok := change(c, &f)
	if err := s.svc.Conflicts.SaveConflict(r.Context(), c); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash(f.Next, ok))
}
