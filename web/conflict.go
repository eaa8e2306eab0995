package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

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

// conflictListParams reads the list filters: staff_id, entity_id, review.
func conflictListParams(q url.Values) spotcheck.ConflictFilter {
	f := spotcheck.ConflictFilter{StaffID: strings.TrimSpace(q.Get("staff_id")),
		EntityID: strings.ToUpper(strings.TrimSpace(q.Get("entity_id"))), Review: q.Get("review")}
	f.Offset, f.Limit = pageParams(q)
	return f
}

func (s *Server) showConflicts(w http.ResponseWriter, r *http.Request) {
	f := conflictListParams(r.URL.Query())
	s.renderConflicts(w, r, http.StatusOK, &spotcheck.Conflict{StaffID: f.StaffID, EntityID: f.EntityID,
		Kind: spotcheck.ConflictDeclared, From: s.today()}, nil, "")
}

// renderConflicts shows the list and the add form with nc (what was typed,
// after a failed add) and its problems.
func (s *Server) renderConflicts(w http.ResponseWriter, r *http.Request, status int, nc *spotcheck.Conflict,
	problems spotcheck.Problems, msg string) {
	f := conflictListParams(r.URL.Query())
	list, err := s.dir.FindConflicts(r.Context(), f)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	rows := make([]conflictRow, len(list.Items))
	for i, c := range list.Items {
		rows[i] = conflictRow{c, "/staff/conflicts/" + url.PathEscape(c.StaffID) + "/" + url.PathEscape(c.EntityID) +
			"/" + conflictKindSlugs[c.Kind]}
	}
	s.views.Render(w, r, status, "conflicts", "回避关系", map[string]any{
		"Rows": rows, "F": f, "Today": s.today(), "New": nc, "Errors": view.FieldErrors(problems), "Problems": problems,
		"Message": msg, "Next": r.URL.RequestURI(),
		"Kinds":    []string{spotcheck.ConflictDeclared, spotcheck.ConflictRequested},
		"Reviews":  []string{spotcheck.ReviewPending, spotcheck.ReviewApproved, spotcheck.ReviewRejected},
		"Approved": spotcheck.ReviewApproved, "Rejected": spotcheck.ReviewRejected, "Pending": spotcheck.ReviewPending,
		"Pager": newPager(r, list.Total, list.Offset, list.Limit, len(list.Items), list.More),
	})
}

// addConflict records a conflict (POST /staff/conflicts); a request
// starts 待审核, a declaration 已通过 (Conflict.Validate).
func (s *Server) addConflict(w http.ResponseWriter, r *http.Request) {
	nc := &spotcheck.Conflict{StaffID: r.PostFormValue("staff_id"), EntityID: r.PostFormValue("entity_id"),
		Kind: r.PostFormValue("kind"), Reason: r.PostFormValue("reason"), From: r.PostFormValue("from"),
		To: r.PostFormValue("to"), Active: true}
	if err := s.dir.SaveConflict(r.Context(), nc); err != nil {
		if problems, msg, ok := view.FormProblems(err); ok {
			s.renderConflicts(w, r, http.StatusBadRequest, nc, problems, msg)
			return
		}
		s.views.Fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/conflicts?"+url.Values{"staff_id": {nc.StaffID}, "ok": {"created"}}.Encode())
}

// findConflict loads the conflict of the path's staff, entity and kind.
func (s *Server) findConflict(r *http.Request) (*spotcheck.Conflict, error) {
	return s.dir.FindConflict(r.Context(), r.PathValue("staff"), r.PathValue("entity"), conflictKindOfSlug(r.PathValue("kind")))
}

// reviewConflict approves (review=已通过) or rejects (已驳回) a request.
func (s *Server) reviewConflict(w http.ResponseWriter, r *http.Request) {
	s.changeConflict(w, r, func(c *spotcheck.Conflict) string {
		c.Review = r.PostFormValue("review")
		return "saved"
	})
}

// setConflictActive deactivates or reactivates a conflict.
func (s *Server) setConflictActive(w http.ResponseWriter, r *http.Request) {
	s.changeConflict(w, r, func(c *spotcheck.Conflict) string {
		c.Active = r.PostFormValue("active") == "1"
		return view.ActiveFlash(c.Active)
	})
}

// changeConflict applies change to the conflict of the path at the
// version the button was made from, saves it and returns to the list.
func (s *Server) changeConflict(w http.ResponseWriter, r *http.Request, change func(*spotcheck.Conflict) string) {
	c, err := s.findConflict(r)
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	c.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	ok := change(c)
	if err := s.dir.SaveConflict(r.Context(), c); err != nil {
		s.views.Fail(w, r, err)
		return
	}
	view.Redirect(w, r, view.WithFlash(r.PostFormValue("next"), ok))
}
