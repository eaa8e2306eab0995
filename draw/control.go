package draw

import "fmt"

// The control sample (对照样本) measures the risk model (issue 14, item
// 3; docs/control-sample.md). It is not part of spotcheck-draw/1 and
// changes nothing the specification defines: it is derived from a draw's
// own tickets, so it needs no randomness of its own and anyone holding
// the auditors' bundle can recompute it.
//
// Walk the eligible entities of every stratum together in (ticket,
// entity_id) order. Every entity before the first one that is not
// selected is selected (each stratum selects its lowest tickets), and
// whether an entity comes before that point depends on its ticket alone,
// not on its stratum: these entities are a sample of the whole eligible
// frame drawn uniformly, like a draw without strata at the rate of the
// most sparsely drawn stratum, and they are inspected anyway. The control
// sample of size k is the first k of them. Comparing what inspections of
// the control sample find with what the strata's other picks find shows
// whether the strata send inspectors where the problems are.

// controlLength returns how many entities of sel.all, the selected
// entities in (ticket, entity_id) order, come before the first eligible
// entity left unselected in any stratum: the most a control sample of
// this draw can hold.
func (sel selection) controlLength(o *order) int {
	if len(sel.out) == 0 {
		return len(sel.all) // every eligible entity was selected
	}
	stop := sel.out[0]
	for _, it := range sel.out[1:] {
		if o.cmp(it, stop) < 0 {
			stop = it
		}
	}
	n := 0
	for n < len(sel.all) && o.cmp(sel.all[n], stop) < 0 {
		n++
	}
	return n
}

// RecordControl is the type of the control record and of its log entry.
const RecordControl = "control"

// ControlRecord returns the record that fixes a draw's control sample
// size before any randomness exists, logged right after the plan:
//
//	{"asked":k,"plan":"<plan_hash>","v":"spotcheck-control/1"}
//
// (canonical JSON, spec §2). Logged before the seed, the size cannot be
// chosen afterwards to suit what the draw picked.
func ControlRecord(planHash string, k int) []byte {
	return fmt.Appendf(nil, `{"asked":%d,"plan":"%s","v":"spotcheck-control/1"}`, k, planHash)
}
