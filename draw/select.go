package draw

import (
	"slices"
	"strconv"
)

// Pick is a line of selected.tsv (spec §7): an entity drawn in a stratum,
// its rank, its ticket18, and whether it is on the reserve list.
type Pick struct {
	Stratum  string
	Rank     int
	Entity   string
	Ticket18 string
	Reserve  bool
}

// selection is the outcome of spec §5 for every stratum.
type selection struct {
	lists [][]item // per stratum: ranks 1… (selected, then reserves)
	n     []int    // per stratum: how many of lists[h] are selected
	all   []item   // the selected entities of all strata, in assignment order
	// out holds, per stratum that has an eligible entity left unselected,
	// the first of them in (ticket, entity_id) order: what the control
	// sample (control.go) stops at.
	out []item
}

// selectEntities performs spec §5: in each stratum it orders the eligible
// entities by (ticket, entity_id) and keeps the first n_h as selected and
// the next reserve_h as reserves.
//
// Only the first n_h+reserve_h of a stratum need ordering: a quickselect
// finds the key of the last of them, and only entities whose key is at
// most that are sorted in full.
func (p *inputs) selectEntities(plan *Plan, t *ticketer) selection {
	// One array, grouped by stratum by a counting sort.
	start := make([]int, len(p.strata)+1)
	for h, e := range p.eligibleN {
		start[h+1] = start[h] + e
	}
	items := make([]item, start[len(p.strata)])
	next := slices.Clone(start[:len(p.strata)])
	for i := range p.ents {
		if p.excluded[i] {
			continue
		}
		h := p.stratumOf[i]
		items[next[h]] = item{ticketKey(t.hash(p.entity(i))), uint32(i)}
		next[h]++
	}
	o := &order{p: p, t: t}
	sel := selection{lists: make([][]item, len(p.strata)), n: make([]int, len(p.strata))}
	var keys []uint64
	for h, st := range plan.Strata {
		seg := items[start[h]:start[h+1]]
		need := min(len(seg), st.N+st.Reserve)
		sel.n[h] = st.N
		if len(seg) == 0 {
			continue
		}
		// One more than the selected and reserves is ordered, so that the
		// first unselected entity is known even without reserves.
		sorted := min(len(seg), max(need, st.N+1))
		if sorted < len(seg) {
			keys = keys[:0]
			for _, it := range seg {
				keys = append(keys, it.key)
			}
			cut := nthKey(keys, sorted)
			w := 0
			for _, it := range seg {
				if it.key <= cut {
					seg[w] = it
					w++
				}
			}
			seg = seg[:w]
		}
		slices.SortFunc(seg, o.cmp)
		if st.N < len(seg) {
			sel.out = append(sel.out, seg[st.N])
		}
		sel.lists[h] = seg[:need]
		sel.all = append(sel.all, seg[:st.N]...)
	}
	slices.SortFunc(sel.all, o.cmp)
	return sel
}

// selectedTSV formats selected.tsv (spec §7) and the picks.
func (p *inputs) selectedTSV(sel selection) ([]byte, []Pick) {
	var out []byte
	var picks []Pick
	for h, list := range sel.lists {
		for r, it := range list {
			out = append(out, p.strata[h]...)
			out = append(out, '\t')
			out = strconv.AppendInt(out, int64(r+1), 10)
			out = append(out, '\t')
			e := len(out)
			out = append(out, p.entity(int(it.idx))...)
			out = append(out, '\t')
			t := len(out)
			out = appendTicket18(out, it.key)
			kind := byte('S')
			if r >= sel.n[h] {
				kind = 'R'
			}
			out = append(out, '\t', kind, '\n')
			picks = append(picks, Pick{
				Stratum: p.strata[h], Rank: r + 1, Entity: string(out[e : t-1]),
				Ticket18: string(out[t : t+20]), Reserve: kind == 'R',
			})
		}
	}
	return out, picks
}
