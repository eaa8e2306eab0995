package web

import (
	"net/http"
	"strconv"

	"spotcheck"
)

// The public pages of the draws (spec §9, who sees what): every plan and
// its commitments as soon as they are logged; after the embargo also the
// seed, the per-stratum counts and cutoffs and the selected entities
// without strata or teams, with a box in which anyone computes an
// entity's ticket in the browser (draw.js) and compares it with the list.
// The handlers run as the public principal, so the store shows no more;
// and the page itself never shows what is sealed, whatever it is given.

func (s *Server) showPublicDraws(w http.ResponseWriter, r *http.Request) {
	f := drawListParams(r.URL.Query())
	list, err := s.draws.FindDraws(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := drawRows(list.Items)
	for i := range rows {
		rows[i].Seed, rows[i].Unassigned = "", 0
	}
	s.renderTitled(w, r, http.StatusOK, "public_draws", "随机抽取公示", map[string]any{
		"Rows": rows, "F": f, "Pager": newPager(r, list.Total, list.Offset, list.Limit, len(list.Items), list.More),
	})
}

// publicPick is a selected entity as the public sees it: no stratum, rank
// or team.
type publicPick struct {
	Entity, Name, Ticket string
}

// publicStratum is a stratum's count and cutoff, published after the
// embargo.
type publicStratum struct {
	ID, Cutoff string
	N          int
}

func (s *Server) showPublicDraw(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := drawID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.draws.FindDrawByID(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sealed := d.Embargoed()
	data := map[string]any{"D": d, "Row": newDrawRow(*d), "Sealed": sealed, "Officials": officialsOf(d)}
	total := 0
	for _, st := range d.Strata {
		total += st.N
	}
	data["Total"] = total
	if !sealed {
		picks, err := s.draws.FindDrawPicks(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var out []publicPick
		for _, p := range picks {
			if (p.Reserve && !p.Promoted) || p.Replaced {
				continue
			}
			out = append(out, publicPick{p.Entity, p.EntityName, p.Ticket})
		}
		var strata []publicStratum
		for _, st := range d.Strata {
			strata = append(strata, publicStratum{st.ID, st.Cutoff, st.N})
		}
		data["Picks"], data["Strata"], data["Seed"] = out, strata, d.Seed
	}
	// Only what the page shows of the draw is passed on: the stratum rows
	// and the seed above, and the plan's totals.
	d.Strata, d.Seed, d.Unassigned = nil, "", 0
	s.renderTitled(w, r, http.StatusOK, "public_draw", "抽取 #"+strconv.FormatInt(d.ID, 10)+" · "+d.TaskName, data)
}

// officialsOf lists the participants of a draw's commit–reveal other than
// the platform.
func officialsOf(d *spotcheck.Draw) []string {
	var out []string
	for _, c := range d.Commits {
		if c.Participant != spotcheck.SystemParticipant {
			out = append(out, c.Participant)
		}
	}
	return out
}
