package draw

import (
	"bytes"
	"slices"
	"strings"
)

// FrameLine is a line of frame.tsv: an entity of the frozen population and
// its stratum (spec §1).
type FrameLine struct{ Entity, Stratum string }

// Exclusion is a line of exclusions.tsv: an entity of the frame that is not
// eligible, and why (spec §1).
type Exclusion struct{ Entity, Reason string }

// RosterLine is a line of roster.tsv (spec §1). Flags is "-" or distinct
// capital letters in ascending order, e.g. "L" or "EL"; L marks an inspector
// who may lead a team.
type RosterLine struct{ Inspector, Unit, Flags string }

// Conflict is a line of conflicts.tsv: a 回避 pair and its reason code
// (spec §1).
type Conflict struct{ Inspector, Entity, Reason string }

// Inputs holds the four input files' exact bytes.
type Inputs struct{ Frame, Exclusions, Roster, Conflicts []byte }

// Lines is the parsed content of the four input files, in file order.
type Lines struct {
	Frame      []FrameLine
	Exclusions []Exclusion
	Roster     []RosterLine
	Conflicts  []Conflict
}

// BuildInputs formats the four input files of spec §1. It sorts every
// list, removes exact duplicate exclusion and conflict lines, and validates
// the identifiers (printable ASCII without TAB, LF or space). A duplicate
// entity in the frame or inspector in the roster is an error, and so is an
// exclusion of an entity that is not in the frame. Empty flags are taken as
// "-"; other flags must be distinct capital letters in ascending order.
func BuildInputs(frame []FrameLine, excl []Exclusion, roster []RosterLine, conflicts []Conflict) (Inputs, error) {
	fr := slices.Clone(frame)
	slices.SortFunc(fr, func(a, b FrameLine) int { return strings.Compare(a.Entity, b.Entity) })
	var in Inputs
	var buf bytes.Buffer
	for i, l := range fr {
		if err := identErr(FileFrame, "entity_id", l.Entity); err != nil {
			return in, err
		}
		if err := identErr(FileFrame, "stratum", l.Stratum); err != nil {
			return in, err
		}
		if i > 0 && fr[i-1].Entity == l.Entity {
			return in, errorf(FileFrame, 0, "检查对象“%s”重复", l.Entity)
		}
		buf.WriteString(l.Entity + "\t" + l.Stratum + "\n")
	}
	in.Frame = slices.Clone(buf.Bytes())

	lines := make([]string, 0, len(excl))
	for _, l := range excl {
		if err := identErr(FileExclusions, "entity_id", l.Entity); err != nil {
			return in, err
		}
		if err := identErr(FileExclusions, "reason", l.Reason); err != nil {
			return in, err
		}
		if _, ok := slices.BinarySearchFunc(fr, l.Entity, func(f FrameLine, e string) int { return strings.Compare(f.Entity, e) }); !ok {
			return in, errorf(FileExclusions, 0, "排除的检查对象“%s”不在名录（frame.tsv）中", l.Entity)
		}
		lines = append(lines, l.Entity+"\t"+l.Reason+"\n")
	}
	in.Exclusions = joinSorted(lines)

	ro := slices.Clone(roster)
	slices.SortFunc(ro, func(a, b RosterLine) int { return strings.Compare(a.Inspector, b.Inspector) })
	buf.Reset()
	for i, l := range ro {
		if err := identErr(FileRoster, "inspector_id", l.Inspector); err != nil {
			return in, err
		}
		if err := identErr(FileRoster, "unit", l.Unit); err != nil {
			return in, err
		}
		if l.Flags == "" {
			l.Flags = "-"
		}
		if !validFlags([]byte(l.Flags)) {
			return in, errorf(FileRoster, 0, "执法检查人员“%s”的 flags“%s”应为“-”或按字母顺序排列、互不重复的大写字母", l.Inspector, printable(l.Flags))
		}
		if i > 0 && ro[i-1].Inspector == l.Inspector {
			return in, errorf(FileRoster, 0, "执法检查人员“%s”重复", l.Inspector)
		}
		buf.WriteString(l.Inspector + "\t" + l.Unit + "\t" + l.Flags + "\n")
	}
	in.Roster = slices.Clone(buf.Bytes())

	lines = lines[:0]
	for _, l := range conflicts {
		for _, f := range [][2]string{{"inspector_id", l.Inspector}, {"entity_id", l.Entity}, {"reason", l.Reason}} {
			if err := identErr(FileConflicts, f[0], f[1]); err != nil {
				return in, err
			}
		}
		lines = append(lines, l.Inspector+"\t"+l.Entity+"\t"+l.Reason+"\n")
	}
	in.Conflicts = joinSorted(lines)

	if _, err := parseInputs(in); err != nil {
		return in, err
	}
	return in, nil
}

// identErr is CheckIdentifier with the file set.
func identErr(file, what, s string) error {
	if err := CheckIdentifier(what+" ", s); err != nil {
		return withFile(file, err)
	}
	return nil
}

// joinSorted sorts lines, drops exact duplicates and concatenates them. The
// fields hold no byte below "!" and TAB sorts first, so sorting whole lines
// sorts by the fields in order.
func joinSorted(lines []string) []byte {
	slices.Sort(lines)
	lines = slices.Compact(lines)
	return []byte(strings.Join(lines, ""))
}

// validFlags reports whether f is "-" or distinct capitals in ascending
// order (spec §1).
func validFlags(f []byte) bool {
	if len(f) == 1 && f[0] == '-' {
		return true
	}
	if len(f) == 0 {
		return false
	}
	for i, c := range f {
		if c < 'A' || c > 'Z' || i > 0 && c <= f[i-1] {
			return false
		}
	}
	return true
}

// ParseInputs validates the four files as spec §1 requires (format, order,
// uniqueness, exclusions within the frame) and returns their lines.
func ParseInputs(in Inputs) (*Lines, error) {
	p, err := parseInputs(in)
	if err != nil {
		return nil, err
	}
	l := &Lines{Frame: make([]FrameLine, len(p.ents))}
	for i := range p.ents {
		l.Frame[i] = FrameLine{string(p.entity(i)), p.strata[p.stratumOf[i]]}
	}
	for _, r := range p.roster {
		l.Roster = append(l.Roster, RosterLine{r.id, r.unit, r.flags})
	}
	sc := lineScanner{file: FileExclusions, data: in.Exclusions}
	for sc.next(2) == nil && sc.ok {
		l.Exclusions = append(l.Exclusions, Exclusion{string(sc.f[0]), string(sc.f[1])})
	}
	sc = lineScanner{file: FileConflicts, data: in.Conflicts}
	for sc.next(3) == nil && sc.ok {
		l.Conflicts = append(l.Conflicts, Conflict{string(sc.f[0]), string(sc.f[1]), string(sc.f[2])})
	}
	return l, nil
}
