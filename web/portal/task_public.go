package portal

import (
	"net/http"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The 抽查任务公告 (issue 10): every task from its publication on — who
// checks which items, where, when — and the cancelled ones as 已撤销 with
// the reason. Drafts are not shown. No entity is listed here: the draw's
// own public page shows the selected entities once its embargo ends, and
// not before (spec §8).

func (s *Handler) ShowPublicTasks(w http.ResponseWriter, r *http.Request) {
	f := view.TaskFilter(r.URL.Query())
	list, err := s.svc.Tasks.FindAnnouncedTasks(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "public_tasks", "抽查任务公告", map[string]any{
		"List": list, "F": f, "Pager": view.ListPager(r, list), "StateName": spotcheck.TaskStateNames,
		"Kind": spotcheck.TaskKindNames,
	})
}

func (s *Handler) ShowPublicTask(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tk, err := s.svc.Tasks.FindAnnouncedTaskByCode(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var items []*spotcheck.Item
	for _, code := range tk.Items {
		it, err := s.svc.Items.FindItemByCode(ctx, code)
		if err != nil {
			it = &spotcheck.Item{Code: code}
		}
		items = append(items, it)
	}
	draws, err := s.svc.Draws.FindDraws(ctx, spotcheck.DrawFilter{Task: tk.Code, Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := view.DrawRows(draws.Items)
	for i := range rows {
		rows[i].Seed, rows[i].Unassigned = "", 0
	}
	// Whether its 抽查结果公告 has results shown (results.go).
	var results []spotcheck.Publication
	if s.svc.Publications != nil {
		if results, err = s.svc.Publications.FindPublications(ctx, spotcheck.PublicationFilter{Task: tk.Code, Limit: 1}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderTitled(w, r, http.StatusOK, "public_task", tk.Name, map[string]any{
		"T": tk, "Items": items, "Draws": rows, "LogEnd": tk.LogIndex + 1, "Results": len(results) > 0,
		"Names": map[string]string{"state": spotcheck.TaskStateNames[tk.State], "kind": spotcheck.TaskKindNames[tk.Kind],
			"source": spotcheck.TaskSourceNames[tk.Source], "mode": spotcheck.TaskModeNames[tk.Mode],
			"joint": spotcheck.TaskJointNames[tk.Joint]},
	})
}
