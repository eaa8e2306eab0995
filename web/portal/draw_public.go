package portal

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The public pages of the draws (spec §9, who sees what, amendment 1):
// every plan and its commitments as soon as they are logged; after the
// embargo also the seed and the list of published.tsv — the selected
// entities with their tickets, in ticket order, without strata or teams —
// with a box in which anyone computes an entity's ticket in the browser
// (draw.js) and compares it with the list. No public page shows a table by
// stratum of a drawn task or a per-stratum cutoff: with the list and the
// seed, the cutoffs pin entities to their stratum, a credit risk class.
// The handlers run as the public principal, so the store shows no more;
// and the page itself never shows what is sealed, whatever it is given.

func (s *Handler) ShowPublicDraws(w http.ResponseWriter, r *http.Request) {
	f := view.DrawFilter(r.URL.Query())
	list, err := s.svc.Draws.FindDraws(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := view.DrawRows(list.Items)
	for i := range rows {
		rows[i].Seed, rows[i].Unassigned = "", 0
	}
	s.renderTitled(w, r, http.StatusOK, "public_draws", "随机抽取公示", map[string]any{
		"Rows": rows, "F": f, "Pager": view.ListPager(r, list),
	})
}

// publicPick is a selected entity as the public sees it: no stratum, rank
// or team.
type publicPick struct {
	Entity, Name, Ticket string
}

func (s *Handler) ShowPublicDraw(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := view.DrawID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.svc.Draws.FindDrawByID(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sealed := d.Embargoed()
	data := map[string]any{"D": d, "Row": view.NewDrawRow(*d), "Sealed": sealed, "Officials": officialsOf(d)}
	total := 0
	for _, st := range d.Strata {
		total += st.N
	}
	data["Total"] = total
	if !sealed {
		picks, err := s.svc.Draws.FindDrawPicks(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out := []publicPick{}
		for _, p := range picks {
			if !p.Reserve {
				out = append(out, publicPick{p.Entity, p.EntityName, p.Ticket})
			}
		}
		// In published.tsv's order: in stratum order, the runs of rising
		// tickets would show where one stratum ends.
		slices.SortFunc(out, func(a, b publicPick) int {
			return cmp.Or(strings.Compare(a.Ticket, b.Ticket), strings.Compare(a.Entity, b.Entity))
		})
		data["Picks"], data["Seed"] = out, d.Seed
	}
	// Only what the page shows of the draw is passed on: the seed above
	// and the plan's totals; no stratum.
	d.Strata, d.Seed, d.Unassigned = nil, "", 0
	s.renderTitled(w, r, http.StatusOK, "public_draw", "抽取 #"+strconv.FormatInt(d.ID, 10)+" · "+d.TaskName, data)
}

// officialsOf lists the participants of a draw's commit–reveal other than
// the platform.
func officialsOf(d *spotcheck.Draw) []spotcheck.DrawCommit {
	var out []spotcheck.DrawCommit
	for _, c := range d.Commits {
		if c.Participant != spotcheck.SystemParticipant {
			out = append(out, c)
		}
	}
	return out
}
