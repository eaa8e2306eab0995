package spotcheck

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Joint inspections, one visit (进一次门、查多项事; issue 10 item 4). When
// the draws of several departments' tasks select the same entity in
// overlapping windows, the platform proposes one visit: one combined
// checklist of every department's items, one team made of each
// department's drawn inspectors, one notice, one date. The lead department
// accepts the proposal (the visit is then made) or declines it (each
// department then inspects on its own). Detection is the pure function
// ProposeVisits; the store feeds it the selections of drawn tasks and
// persists what it returns.

// TaskSelection is what one drawn task selected: the task's code,
// authority, window and items, and each selected entity with the
// inspectors the draw assigned to it (none when unassigned).
type TaskSelection struct {
	Task      string
	Authority string
	Start     string // YYYY-MM-DD
	End       string
	Items     []string
	Draw      int64 // the draw's id: draws are numbered in the order they were planned
	Picks     []SelectedEntity
}

// SelectedEntity is an entity a draw selected, with its team.
type SelectedEntity struct {
	Entity     string
	Inspectors []string // nil: unassigned
}

// VisitPart is one task's share of a visit: its department, its items and
// the inspectors its draw assigned to the entity.
type VisitPart struct {
	Task       string
	Dept       string
	Draw       int64
	Items      []string
	Inspectors []string
}

// VisitItem is a line of a visit's combined checklist: one item of one
// department's task.
type VisitItem struct{ Dept, Task, Item string }

// VisitMember is one inspector of a visit's team, with the department
// that sent them.
type VisitMember struct{ Dept, Inspector string }

// Visit is one joint visit of an entity (联合检查): proposed by the
// platform, accepted or declined by the lead department. Start and End are
// the overlap of the tasks' windows; Date (within it) and Notice are set
// when the visit is accepted.
type Visit struct {
	ID         int64
	Entity     string
	EntityName string
	Year       string
	Lead       string // the department that leads: see ProposeVisits
	Start, End string
	Parts      []VisitPart // the lead's first, then in draw order
	// Partners are the other departments of the visit's tasks (a joint
	// task's partners), which see the visit too.
	Partners   []string
	State      string
	Date       string
	Notice     string // 联合检查通知书 number, e.g. 联检〔2026〕12号
	Note       string // the lead's note when accepting or declining
	ProposedAt time.Time
	DecidedBy  string
	DecidedAt  time.Time
	// Names names the codes of the parts for pages: tasks, items and
	// inspectors (the reads fill it; departments are named by the pages).
	Names map[string]string
}

// Name returns the name of a task, item or inspector code of the visit,
// or the code when it has none.
func (v *Visit) Name(code string) string {
	if n := v.Names[code]; n != "" {
		return n
	}
	return code
}

// The states of a visit.
const (
	VisitProposed = "proposed" // 待确认: detected, waiting for the lead department
	VisitAccepted = "accepted" // 已合并: one visit
	VisitDeclined = "declined" // 不合并: each department inspects on its own
)

// VisitStateNames are the visit's states as pages show them.
var VisitStateNames = map[string]string{VisitProposed: "待确认", VisitAccepted: "已合并", VisitDeclined: "不合并"}

// The actions of a visit.
const (
	VisitActAccept  Action = "accept"  // the lead department accepts: one visit, one date, one notice
	VisitActDecline Action = "decline" // the lead department declines, with a reason
)

// VisitMachine is the table of the visit's workflow: a proposal is decided
// once, by the planner of the lead department.
var VisitMachine = Machine{
	States: []string{VisitProposed, VisitAccepted, VisitDeclined},
	Names:  VisitStateNames,
	Table: []Transition{
		{VisitActAccept, []string{VisitProposed}, VisitAccepted, PermManageDraws},
		{VisitActDecline, []string{VisitProposed}, VisitDeclined, PermManageDraws},
	},
}

// NoVisit is the answer for a visit that does not exist, and for one that
// touches none of the user's departments.
func NoVisit(id int64) error { return Errorf(ENOTFOUND, "没有编号为 %d 的联合检查", id) }

// Departments lists the visit's departments, the lead first, then the
// parts' and the partners', each once.
func (v *Visit) Departments() []string {
	out := []string{v.Lead}
	for _, p := range v.Parts {
		if !slices.Contains(out, p.Dept) {
			out = append(out, p.Dept)
		}
	}
	for _, d := range v.Partners {
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// Can decides whether p may take action a on the visit now: a principal
// (EUNAUTHORIZED); one without the permission, EFORBIDDEN; one who sees
// none of its departments, NoVisit; one who is not a planner of the lead
// department, EFORBIDDEN;
// then the state (ECONFLICT).
func (v *Visit) Can(a Action, p *Principal) error {
	tr, ok := VisitMachine.Transition(a)
	if !ok {
		return VisitMachine.Check(v.record(), v.State, a)
	}
	if p == nil {
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	}
	if !p.Has(tr.Perm) {
		return p.Authorize(tr.Perm, "")
	}
	if err := p.AuthorizeDraw(PermViewDraws, v.Departments()); err != nil {
		return orMissing(err, NoVisit(v.ID))
	}
	if !p.IsSystem() && !p.InScope(v.Lead) {
		return Errorf(EFORBIDDEN, "没有权限：只有牵头部门（%s）可以确认或拒绝合并", v.Lead)
	}
	return VisitMachine.Check(v.record(), v.State, a)
}

// Next returns the visit's state after action a, which Can allowed.
func (v *Visit) Next(a Action) (string, error) {
	return VisitMachine.Next(v.record(), v.State, a)
}

func (v *Visit) record() string { return fmt.Sprintf("联合检查 %d", v.ID) }

// Checklist is the combined checklist: every department's items, grouped
// by department in the order of the parts, each item once per department.
func (v *Visit) Checklist() []VisitItem {
	var out []VisitItem
	seen := map[[2]string]bool{}
	for _, p := range v.Parts {
		for _, it := range p.Items {
			if k := [2]string{p.Dept, it}; !seen[k] {
				seen[k] = true
				out = append(out, VisitItem{p.Dept, p.Task, it})
			}
		}
	}
	return out
}

// ItemsOf returns the checklist lines of one department: each department
// sees and approves the results of its own items.
func (v *Visit) ItemsOf(dept string) []VisitItem {
	var out []VisitItem
	for _, it := range v.Checklist() {
		if it.Dept == dept {
			out = append(out, it)
		}
	}
	return out
}

// Team is the one team of the visit: each department's drawn inspectors,
// in the order of the parts, each inspector once.
func (v *Visit) Team() []VisitMember {
	var out []VisitMember
	seen := map[string]bool{}
	for _, p := range v.Parts {
		for _, in := range p.Inspectors {
			if !seen[in] {
				seen[in] = true
				out = append(out, VisitMember{p.Dept, in})
			}
		}
	}
	return out
}

// Unstaffed lists the departments whose draw left the entity without
// inspectors: the merged team lacks them until the draw's change workflow
// assigns some.
func (v *Visit) Unstaffed() []string {
	var out []string
	for _, p := range v.Parts {
		if len(p.Inspectors) == 0 && !slices.Contains(out, p.Dept) {
			out = append(out, p.Dept)
		}
	}
	return out
}

// VisitDecision is the lead department's answer to a proposal: the date
// of the visit when accepting (within the overlap of the windows), a
// reason when declining.
type VisitDecision struct {
	Date string
	Note string
}

// Validate checks a decision for action a against the visit.
func (d *VisitDecision) Validate(v *Visit, a Action) Problems {
	var p Problems
	d.Date, d.Note = strings.TrimSpace(d.Date), strings.TrimSpace(d.Note)
	switch a {
	case VisitActAccept:
		if p.checkRequired("date", "检查日期", d.Date) {
			if !ValidDate(d.Date) {
				p.Add("date", "检查日期", "“%s”不是有效日期（YYYY-MM-DD）", d.Date)
			} else if d.Date < v.Start || d.Date > v.End {
				p.Add("date", "检查日期", "应在各任务检查期间的重叠部分内（%s 至 %s）", v.Start, v.End)
			}
		}
	case VisitActDecline:
		if len([]rune(d.Note)) < 2 {
			p.Add("note", "原因", "不合并必须说明原因")
		}
	}
	if len([]rune(d.Note)) > 500 {
		p.Add("note", "说明", "不能超过500字")
	}
	return p
}

// VisitNotice is the number of a visit's one notice (联合检查通知书).
func VisitNotice(year string, id int64) string { return fmt.Sprintf("联检〔%s〕%d号", year, id) }

// ProposeVisits detects the entities that tasks of different departments
// selected in overlapping windows and proposes one visit for each group.
//
// The rule for the lead: the department whose draw came first (the lowest
// draw id; for equal ids the lower task code) leads. Its draw fixed the
// entity first, and the others joined it; the rule needs no other input
// and gives the same answer whichever order the selections come in.
//
// For each entity the selections are taken in that order: the first
// opens a group, and every later selection whose window overlaps the
// group's common window (the intersection so far) joins it and narrows
// it; the selections left over start again, so that an entity selected in
// spring by two departments and in autumn by two others gets two visits.
// A group is proposed only when it has tasks of at least two departments.
// Selections of a task already part of a visit are left out by the
// caller. Time and memory are linear in the number of selections: one map
// from entity to its selections, and groups of at most as many parts as
// there are tasks.
func ProposeVisits(sels []TaskSelection) []Visit {
	order := make([]int32, len(sels)) // selection → its rank in draw order
	byDraw := make([]int, len(sels))
	for i := range byDraw {
		byDraw[i] = i
	}
	slices.SortFunc(byDraw, func(a, b int) int {
		if c := cmpInt64(sels[a].Draw, sels[b].Draw); c != 0 {
			return c
		}
		return strings.Compare(sels[a].Task, sels[b].Task)
	})
	for rank, i := range byDraw {
		order[i] = int32(rank)
	}
	// One entry per selected entity, sorted by entity and then draw order:
	// an entity's selections are then one run of entries, in the order the
	// lead rule needs. A sort of flat entries beats a map of small lists.
	total := 0
	for i := range sels {
		total += len(sels[i].Picks)
	}
	entries := make([]pickRef, 0, total)
	for i := range sels {
		for j := range sels[i].Picks {
			entries = append(entries, pickRef{sels[i].Picks[j].Entity, order[i], int32(i), int32(j)})
		}
	}
	slices.SortFunc(entries, func(a, b pickRef) int {
		if c := strings.Compare(a.entity, b.entity); c != 0 {
			return c
		}
		return int(a.rank - b.rank)
	})
	var out []Visit
	for start := 0; start < len(entries); {
		end := start + 1
		for end < len(entries) && entries[end].entity == entries[start].entity {
			end++
		}
		if end-start > 1 {
			out = groupVisits(out, sels, entries[start:end])
		}
		start = end
	}
	return out
}

// pickRef is one selected entity of selection sel (pick its index in the
// selection's Picks), rank the selection's place in draw order.
type pickRef struct {
	entity          string
	rank, sel, pick int32
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// groupVisits appends the visits of one entity selected by the picks refs
// (in draw order).
func groupVisits(out []Visit, sels []TaskSelection, refs []pickRef) []Visit {
	used := make([]bool, len(refs))
	for first := range refs {
		if used[first] {
			continue
		}
		s := &sels[refs[first].sel]
		start, end := s.Start, s.End
		group := []pickRef{refs[first]}
		used[first] = true
		for j := first + 1; j < len(refs); j++ {
			o := &sels[refs[j].sel]
			if used[j] || o.Start > end || o.End < start {
				continue
			}
			used[j] = true
			group = append(group, refs[j])
			start, end = max(start, o.Start), min(end, o.End)
		}
		if !slices.ContainsFunc(group, func(g pickRef) bool { return sels[g.sel].Authority != s.Authority }) {
			continue // one department's tasks only
		}
		v := Visit{Entity: refs[first].entity, Year: s.Start[:min(4, len(s.Start))], Lead: s.Authority,
			Start: start, End: end, State: VisitProposed, Parts: make([]VisitPart, 0, len(group))}
		for _, g := range group {
			o := &sels[g.sel]
			v.Parts = append(v.Parts, VisitPart{Task: o.Task, Dept: o.Authority, Draw: o.Draw,
				Items: o.Items, Inspectors: o.Picks[g.pick].Inspectors})
		}
		out = append(out, v)
	}
	return out
}

// VisitFilter narrows a list of visits.
type VisitFilter struct {
	State string // "" = all
	Task  string // visits with a part of this task
	Year  string
}

// VisitService keeps the joint visits (store/visit.go).
type VisitService interface {
	// ProposeVisits detects, among the drawn and not superseded draws of
	// the year, the entities that tasks of different departments selected
	// in overlapping windows, and stores one proposal per group that no
	// earlier proposal holds (spotcheck.ProposeVisits); it returns how many
	// it proposed. PermManageDraws. A draw that runs proposes the visits
	// of its own selection by itself.
	ProposeVisits(ctx context.Context, year string) (int, error)
	// FindVisits lists the visits that touch a task of one of the user's
	// departments (a supervisor sees all), newest first. PermViewDraws.
	FindVisits(ctx context.Context, f VisitFilter) ([]Visit, error)
	// FindVisitByID returns one visit; one the user may not see is NoVisit.
	FindVisitByID(ctx context.Context, id int64) (*Visit, error)
	// AcceptVisit makes the visit: the lead department's planner fixes its
	// date within the overlap; the visit gets its notice number, combined
	// checklist and team. Visit.Can (EFORBIDDEN, ECONFLICT); EINVALID.
	AcceptVisit(ctx context.Context, id int64, d VisitDecision) error
	// DeclineVisit records that the tasks inspect the entity separately,
	// with a reason. Visit.Can; EINVALID.
	DeclineVisit(ctx context.Context, id int64, d VisitDecision) error
}
