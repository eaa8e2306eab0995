package spotcheck

import (
	"slices"
	"strings"
)

// This file turns the directories into the four input files of a draw
// (spec/draw-v1.md §1) for a task: the frame with its strata and
// exclusions, the roster and the conflicts. The functions are pure, so that
// the rules are table-tested without a database; the store loads their
// inputs and freezes their outputs in one transaction.

// FrameCandidate is an entity of the task's scope with what the frame needs.
type FrameCandidate struct {
	ID          string
	Status      string
	CreditClass string
	Key         bool
}

// EntityHistory is what earlier draws of the task's year say about
// entities: until inspections are recorded, an entity counts as inspected
// when a draw that was not superseded selected it.
type EntityHistory struct {
	// SameItem holds entities selected this year by a draw whose task
	// shares an item with this task.
	SameItem map[string]bool
	// ByAuthority counts, per entity, this year's draws of the task's
	// authority that selected it.
	ByAuthority map[string]int
	// ByOthers holds entities selected by a draw of another department's
	// task whose window overlaps this task's (for SkipInspectedByOthers).
	ByOthers map[string]bool
	// Cap is the annual cap setting in force; a zero Cap applies the
	// task's AnnualCap to every entity.
	Cap CapPolicy
}

// FrameEntry is a line of frame.tsv.
type FrameEntry struct{ Entity, Stratum string }

// FrameExclusion is a line of exclusions.tsv: an entity of the frame that
// may not be drawn, and why.
type FrameExclusion struct{ Entity, Reason string }

// Exclusion reason codes (ASCII, spec §1), with their Chinese names.
const (
	ExcludeSuspended    = "closed"
	ExcludeDeregistered = "deregistered"
	ExcludeRevoked      = "revoked"
	ExcludeMovedOut     = "moved-out"
	ExcludeStatus       = "status" // any other status the task does not inspect
	ExcludeInspected    = "inspected-this-year"
	ExcludeAnnualCap    = "annual-cap"
	ExcludeByOthers     = "inspected-by-other" // selected by another department in the window (visit.go)
)

// ExclusionNames names the exclusion reasons in Chinese.
var ExclusionNames = map[string]string{
	ExcludeSuspended: "已停业", ExcludeDeregistered: "已注销", ExcludeRevoked: "已吊销",
	ExcludeMovedOut: "已迁出", ExcludeStatus: "经营状态不在本任务范围",
	ExcludeInspected: "本年度已因相同事项被抽中", ExcludeAnnualCap: "已达本部门年度检查上限",
	ExcludeByOthers: "检查期间内已被其他部门抽中",
}

var statusExclusion = map[string]string{
	StatusSuspended: ExcludeSuspended, StatusDeregistered: ExcludeDeregistered,
	StatusRevoked: ExcludeRevoked, StatusMovedOut: ExcludeMovedOut,
}

// Frame assigns each candidate its stratum and lists the exclusions: a
// status the task does not inspect, already drawn this year for one of the
// same items, or the authority's annual cap per entity reached. An entity
// may have several reasons; each is listed.
func (t *Task) Frame(cands []FrameCandidate, h EntityHistory) ([]FrameEntry, []FrameExclusion) {
	frame := make([]FrameEntry, 0, len(cands))
	var excl []FrameExclusion
	for _, c := range cands {
		frame = append(frame, FrameEntry{c.ID, t.Stratum(c.CreditClass, c.Key)})
		if !slices.Contains(t.Scope.EligibleStatus, c.Status) {
			reason := statusExclusion[c.Status]
			if reason == "" {
				reason = ExcludeStatus
			}
			excl = append(excl, FrameExclusion{c.ID, reason})
		}
		if h.SameItem[c.ID] {
			excl = append(excl, FrameExclusion{c.ID, ExcludeInspected})
		}
		if capped(t, h, c) {
			excl = append(excl, FrameExclusion{c.ID, ExcludeAnnualCap})
		}
		if t.SkipInspectedByOthers && h.ByOthers[c.ID] {
			excl = append(excl, FrameExclusion{c.ID, ExcludeByOthers})
		}
	}
	return frame, excl
}

// capped reports whether the annual cap excludes a candidate: the
// setting's (CapPolicy.Capped, with its high-risk exemption) when there is
// one, else the task's own AnnualCap.
func capped(t *Task, h EntityHistory, c FrameCandidate) bool {
	if h.Cap.Limit == 0 {
		return h.ByAuthority[c.ID] >= t.AnnualCap
	}
	return h.Cap.Capped(t, h.ByAuthority[c.ID], c.CreditClass, c.Key)
}

// RosterEntry is a line of roster.tsv.
type RosterEntry struct{ Inspector, Unit, Flags string }

// Roster lists the inspectors a task may draw: active, of one of the team's
// units (unitOf maps an inspector's department to the unit it serves, ""
// for none), with a 执法证 valid through the task's last day, whose 执法事项范围
// covers every item of the task (Inspector.Covers), and not on leave on any
// day of the window. Flags are L (may lead) and E (expert), in ascending
// order, or "-".
//
// Only holders of a valid 执法证 may be on the roster (spec/draw-v1.md §1),
// so the experts a task asks for per visit (Task.Experts) are not drawn
// here: an expert without one cannot be a roster line, and the spec's team
// has no slot kind outside its units. The task's professional agency
// (Task.Agency) is not a department and so never a unit: it assists and
// never inspects.
func (t *Task) Roster(inspectors []Inspector, unitOf func(dept string) string) []RosterEntry {
	units := t.Units()
	var out []RosterEntry
	for _, in := range inspectors {
		unit := unitOf(in.Dept)
		if !in.Active || !slices.Contains(units, unit) || !in.CertValidThrough(t.End) || t.onLeave(in.Leaves) ||
			!in.Covers(t.Items) {
			continue
		}
		flags := ""
		if in.Expert {
			flags += "E"
		}
		if in.Lead {
			flags += "L"
		}
		if flags == "" {
			flags = "-"
		}
		out = append(out, RosterEntry{in.StaffID, unit, flags})
	}
	return out
}

// onLeave reports whether a leave overlaps the task's window.
func (t *Task) onLeave(ls []Leave) bool {
	for _, l := range ls {
		if l.From <= t.End && l.To >= t.Start {
			return true
		}
	}
	return false
}

// ConflictEntry is a line of conflicts.tsv.
type ConflictEntry struct{ Inspector, Entity, Reason string }

// Conflict reason codes (ASCII, spec §1).
const (
	ConflictReasonDeclared  = "declared"  // 申报回避
	ConflictReasonRequested = "requested" // 申请回避, approved
	ConflictReasonRotation  = "rotation"  // assigned to the entity in the authority's previous draw
)

// ConflictNames names the conflict reasons in Chinese.
var ConflictNames = map[string]string{
	ConflictReasonDeclared: "申报回避", ConflictReasonRequested: "申请回避（已通过）",
	ConflictReasonRotation: "上次抽查已检查该对象（轮换）",
}

// Conflicts lists the 回避 pairs that matter to the draw: directory
// conflicts in force on some day of the window (declared ones, and requests
// that were approved) and the rotation pairs, each limited to inspectors of
// the roster and entities of the frame.
func (t *Task) Conflicts(cs []Conflict, rotation []ConflictEntry, roster []RosterEntry, frame []FrameEntry) []ConflictEntry {
	onRoster := make(map[string]bool, len(roster))
	for _, r := range roster {
		onRoster[r.Inspector] = true
	}
	inFrame := make(map[string]bool, len(frame))
	for _, f := range frame {
		inFrame[f.Entity] = true
	}
	var out []ConflictEntry
	add := func(c ConflictEntry) {
		if onRoster[c.Inspector] && inFrame[c.Entity] {
			out = append(out, c)
		}
	}
	for _, c := range cs {
		if !c.Active || c.From > t.End || (c.To != "" && c.To < t.Start) {
			continue
		}
		switch {
		case c.Kind == ConflictDeclared:
			add(ConflictEntry{c.StaffID, c.EntityID, ConflictReasonDeclared})
		case c.Kind == ConflictRequested && c.Review == ReviewApproved:
			add(ConflictEntry{c.StaffID, c.EntityID, ConflictReasonRequested})
		}
	}
	for _, r := range rotation {
		add(r)
	}
	slices.SortFunc(out, func(a, b ConflictEntry) int {
		return strings.Compare(a.Inspector+"\t"+a.Entity+"\t"+a.Reason, b.Inspector+"\t"+b.Entity+"\t"+b.Reason)
	})
	return slices.Compact(out)
}
