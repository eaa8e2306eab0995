package portal

import (
	"net/http"
	"strconv"
	"unicode/utf8"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// 一细则 on the portal (issue 12, item 4): each department's implementing
// rules and workflow, every version kept, with the parameters the
// platform enforces today beside the clauses that name them.

// ShowPublicRules lists the departments' current documents and the
// parameters the platform enforces (GET /rules).
func (s *Handler) ShowPublicRules(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	docs, err := s.svc.Rules.FindRulesDocs(ctx, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	params, err := s.svc.Rules.FindRuleParams(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "public_rules", "实施细则和工作流程", map[string]any{"Docs": docs, "Params": params})
}

// ShowPublicRulesDoc shows a department's document: the current version
// (GET /rules/{dept}) or one of the earlier ones (GET /rules/{dept}/{version}),
// with the list of versions.
func (s *Handler) ShowPublicRulesDoc(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	dept := r.PathValue("dept")
	if len(dept) > 64 || !utf8.ValidString(dept) {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有该部门的实施细则"))
		return
	}
	version := 0
	if v := r.PathValue("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			s.fail(w, r, spotcheck.NoRulesDoc(dept, 0))
			return
		}
		version = n
	}
	d, err := s.svc.Rules.FindRulesDoc(ctx, dept, version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := s.svc.Rules.FindRulesDocs(ctx, dept)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	params, err := s.svc.Rules.FindRuleParams(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "public_rules_doc", d.Title, map[string]any{
		"Page": view.NewRulesPage(d, params), "Versions": versions, "Latest": versions[0].Version,
	})
}
