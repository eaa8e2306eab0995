package draw

import (
	"bytes"
	"encoding/json"
	"fmt"
)

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

// The files of a bundle whose task asked for a control sample (auditors'
// bundle only): control.json is the logged control record as it was
// logged, control.tsv the sample, one line entity_id TAB ticket18 per
// entity in walk order.
const (
	FileControlRecord = "control.json"
	FileControl       = "control.tsv"
)

// ControlRecordBody is control.json decoded.
type ControlRecordBody struct {
	Asked int    `json:"asked"`
	Plan  string `json:"plan"`
	V     string `json:"v"`
}

// ParseControlRecord checks control.json: canonical JSON, the record's
// version and a size from 1 to 1,000,000.
func ParseControlRecord(b []byte) (ControlRecordBody, error) {
	var r ControlRecordBody
	if err := CheckCanonical(b); err != nil {
		return r, errorf(FileControlRecord, 0, "%v", err)
	}
	if err := json.Unmarshal(b, &r); err != nil || r.V != "spotcheck-control/1" || !IsHash(r.Plan) ||
		r.Asked < 1 || r.Asked > 1_000_000 || !bytes.Equal(ControlRecord(r.Plan, r.Asked), b) {
		return r, errorf(FileControlRecord, 0, `应为 {"asked":k,"plan":"<方案哈希>","v":"spotcheck-control/1"}`)
	}
	return r, nil
}

// ControlTSV returns control.tsv of a draw's outcome for a control
// sample of k: the first min(k, o.Control) entities of the assignment
// order with their ticket18.
func (o Outcome) ControlTSV(k int) []byte {
	ticket := make(map[string]string, len(o.Teams))
	for _, p := range o.Picks {
		ticket[p.Entity] = p.Ticket18
	}
	var out []byte
	for _, tm := range o.Teams[:min(k, o.Control)] {
		out = fmt.Appendf(out, "%s\t%s\n", tm.Entity, ticket[tm.Entity])
	}
	return out
}

// verifyControl recomputes the control sample of a bundle that holds
// control.json and control.tsv (both or neither) and compares it.
func verifyControl(b *Bundle, planHash string, o Outcome) error {
	switch {
	case b.ControlRecord == nil && b.Control == nil:
		return nil
	case b.ControlRecord == nil:
		return errorf(FileControlRecord, 0, "文件不存在（抽取包有 %s）", FileControl)
	}
	r, err := ParseControlRecord(b.ControlRecord)
	if err != nil {
		return err
	}
	if r.Plan != planHash {
		return errorf(FileControlRecord, 0, "plan 与 plan.json 的哈希不符")
	}
	if b.Control == nil {
		return errorf(FileControl, 0, "文件不存在（抽取包有 %s）", FileControlRecord)
	}
	return sameLines(FileControl, o.ControlTSV(r.Asked), b.Control)
}
