package draw

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
)

// span locates an identifier in a file's bytes.
type span struct{ off, n uint32 }

// rosterMember is a parsed line of roster.tsv.
type rosterMember struct {
	id, unit, flags string
	lead            bool
}

// conflictPair is a conflicts.tsv line whose inspector is on the roster.
type conflictPair struct {
	ent    []byte
	member int32
}

// inputs is the validated form of the four files that the draw works on.
// It keeps the frame's bytes and points into them, so that a million-line
// frame costs no allocation per line.
type inputs struct {
	frame     []byte
	ents      []span   // entity_id of each frame line
	stratumOf []uint32 // index into strata of each frame line
	strata    []string // stratum ids present in the frame, sorted
	frameN    []int    // frame lines per stratum
	eligibleN []int    // eligible entities per stratum
	excluded  []bool   // per frame line
	counts    [4]int   // lines of frame, exclusions, roster, conflicts
	roster    []rosterMember
	conflicts []conflictPair // sorted by entity, then member
}

func (p *inputs) entity(i int) []byte {
	s := p.ents[i]
	return p.frame[s.off : s.off+s.n]
}

// lineScanner splits a TSV file of spec §1 into lines of a fixed number of
// fields, reporting the first format error with its line number.
type lineScanner struct {
	file      string
	data      []byte
	pos, line int
	start     int // offset of the current line
	whole     []byte
	f         [3][]byte
	ok        bool
	prev      []byte // the previous line, for order checks
	prevLine  int
}

// next reads the next line of nf fields into s.f and sets s.ok, or leaves
// s.ok false at the end of the file.
func (s *lineScanner) next(nf int) error {
	s.ok = false
	if s.pos >= len(s.data) {
		return nil
	}
	if s.line > 0 {
		s.prev, s.prevLine = s.whole, s.line
	}
	s.line++
	s.start = s.pos
	rest := s.data[s.pos:]
	end := bytes.IndexByte(rest, '\n')
	if end < 0 {
		return s.fail("最后一行没有以换行（LF）结束")
	}
	l := rest[:end]
	s.whole = l
	s.pos += end + 1
	if len(l) == 0 {
		return s.fail("不允许空行")
	}
	if s.line == 1 && bytes.HasPrefix(l, []byte("\xef\xbb\xbf")) {
		return s.fail("文件不得以 BOM 开头")
	}
	for k := 0; k < nf; k++ {
		if k == nf-1 {
			if bytes.IndexByte(l, '\t') >= 0 {
				return s.fail("字段过多：应为 %d 个以制表符分隔的字段", nf)
			}
			s.f[k] = l
			break
		}
		t := bytes.IndexByte(l, '\t')
		if t < 0 {
			return s.fail("字段不足：应为 %d 个以制表符分隔的字段，实际为 %d 个", nf, k+1)
		}
		s.f[k], l = l[:t], l[t+1:]
	}
	s.ok = true
	return nil
}

func (s *lineScanner) fail(format string, args ...any) error {
	return &Error{File: s.file, Line: s.line, Msg: fmt.Sprintf(format, args...)}
}

// ident checks field k as an identifier named what.
func (s *lineScanner) ident(k int, what string) error {
	b := s.f[k]
	if isIdent(b) {
		return nil
	}
	switch {
	case len(b) == 0:
		return s.fail("%s 为空（字段之间只能有一个制表符）", what)
	case b[len(b)-1] == '\r':
		return s.fail("%s 以回车符结尾（应以 LF 换行，不用 CRLF）", what)
	case bytes.IndexByte(b, ' ') >= 0:
		return s.fail("%s“%s”含有空格", what, printable(string(b)))
	}
	return s.fail("%s“%s”含有不允许的字符（只允许可打印 ASCII）", what, printable(string(b)))
}

// lineOrder checks that the whole current line sorts strictly after the
// previous one (spec §1: sorted bytewise by whole line; lines unique).
func (s *lineScanner) lineOrder() error {
	if s.prev == nil {
		return nil
	}
	switch c := bytes.Compare(s.prev, s.whole); {
	case c == 0:
		return s.fail("与第%d行重复", s.prevLine)
	case c > 0:
		return s.fail("未按整行的字节序排序（应在第%d行之前）", s.prevLine)
	}
	return nil
}

// parseInputs validates the four files (spec §1) and indexes them.
func parseInputs(in Inputs) (*inputs, error) {
	p := &inputs{frame: in.Frame}
	if err := p.parseFrame(); err != nil {
		return nil, err
	}
	if err := p.parseExclusions(in.Exclusions); err != nil {
		return nil, err
	}
	if err := p.parseRoster(in.Roster); err != nil {
		return nil, err
	}
	if err := p.parseConflicts(in.Conflicts); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *inputs) parseFrame() error {
	if len(p.frame) > math.MaxUint32 {
		return errorf(FileFrame, 0, "文件过大")
	}
	n := bytes.Count(p.frame, []byte{'\n'})
	p.ents = make([]span, 0, n)
	p.stratumOf = make([]uint32, 0, n)
	index := map[string]uint32{}
	var last []byte
	var lastIdx uint32
	sc := lineScanner{file: FileFrame, data: p.frame}
	for {
		if err := sc.next(2); err != nil {
			return err
		} else if !sc.ok {
			break
		}
		if err := sc.ident(0, "entity_id"); err != nil {
			return err
		}
		if err := sc.ident(1, "stratum"); err != nil {
			return err
		}
		e := sc.f[0]
		if len(p.ents) > 0 {
			prev := p.entity(len(p.ents) - 1)
			switch c := bytes.Compare(prev, e); {
			case c == 0:
				return sc.fail("entity_id“%s”与第%d行重复", e, sc.prevLine)
			case c > 0:
				return sc.fail("未按 entity_id 排序（“%s”应在第%d行“%s”之前）", e, sc.prevLine, prev)
			}
		}
		p.ents = append(p.ents, span{uint32(sc.start), uint32(len(e))})
		if st := sc.f[1]; !bytes.Equal(st, last) {
			idx, ok := index[string(st)]
			if !ok {
				idx = uint32(len(index))
				index[string(st)] = idx
			}
			last, lastIdx = st, idx
		}
		p.stratumOf = append(p.stratumOf, lastIdx)
	}
	// Number the strata in sorted order.
	p.strata = make([]string, 0, len(index))
	for id := range index {
		p.strata = append(p.strata, id)
	}
	slices.Sort(p.strata)
	renum := make([]uint32, len(index))
	for i, id := range p.strata {
		renum[index[id]] = uint32(i)
	}
	p.frameN = make([]int, len(p.strata))
	for i, s := range p.stratumOf {
		p.stratumOf[i] = renum[s]
		p.frameN[renum[s]]++
	}
	p.eligibleN = slices.Clone(p.frameN)
	p.excluded = make([]bool, len(p.ents))
	p.counts[0] = len(p.ents)
	return nil
}

func (p *inputs) parseExclusions(data []byte) error {
	sc := lineScanner{file: FileExclusions, data: data}
	fi := 0
	for {
		if err := sc.next(2); err != nil {
			return err
		} else if !sc.ok {
			break
		}
		if err := sc.ident(0, "entity_id"); err != nil {
			return err
		}
		if err := sc.ident(1, "reason"); err != nil {
			return err
		}
		if err := sc.lineOrder(); err != nil {
			return err
		}
		// Lines sorted by whole line are sorted by entity_id, as is the
		// frame: one pass finds every entity.
		e := sc.f[0]
		for fi < len(p.ents) && bytes.Compare(p.entity(fi), e) < 0 {
			fi++
		}
		if fi == len(p.ents) || !bytes.Equal(p.entity(fi), e) {
			return sc.fail("entity_id“%s”不在 frame.tsv 中", e)
		}
		if !p.excluded[fi] {
			p.excluded[fi] = true
			p.eligibleN[p.stratumOf[fi]]--
		}
		p.counts[1]++
	}
	return nil
}

func (p *inputs) parseRoster(data []byte) error {
	sc := lineScanner{file: FileRoster, data: data}
	units := map[string]string{}
	for {
		if err := sc.next(3); err != nil {
			return err
		} else if !sc.ok {
			break
		}
		if err := sc.ident(0, "inspector_id"); err != nil {
			return err
		}
		if err := sc.ident(1, "unit"); err != nil {
			return err
		}
		if !validFlags(sc.f[2]) {
			return sc.fail("flags“%s”应为“-”或按字母顺序排列、互不重复的大写字母", printable(string(sc.f[2])))
		}
		if sc.prev != nil {
			prev := p.roster[len(p.roster)-1].id
			switch c := strings.Compare(prev, string(sc.f[0])); {
			case c == 0:
				return sc.fail("inspector_id“%s”与第%d行重复", sc.f[0], sc.prevLine)
			case c > 0:
				return sc.fail("未按 inspector_id 排序（“%s”应在第%d行“%s”之前）", sc.f[0], sc.prevLine, prev)
			}
		}
		unit, ok := units[string(sc.f[1])]
		if !ok {
			unit = string(sc.f[1])
			units[unit] = unit
		}
		p.roster = append(p.roster, rosterMember{
			id: string(sc.f[0]), unit: unit, flags: string(sc.f[2]),
			lead: bytes.IndexByte(sc.f[2], 'L') >= 0,
		})
	}
	p.counts[2] = len(p.roster)
	return nil
}

func (p *inputs) parseConflicts(data []byte) error {
	sc := lineScanner{file: FileConflicts, data: data}
	for {
		if err := sc.next(3); err != nil {
			return err
		} else if !sc.ok {
			break
		}
		for k, what := range []string{"inspector_id", "entity_id", "reason"} {
			if err := sc.ident(k, what); err != nil {
				return err
			}
		}
		if err := sc.lineOrder(); err != nil {
			return err
		}
		p.counts[3]++
		if m := p.member(sc.f[0]); m >= 0 {
			p.conflicts = append(p.conflicts, conflictPair{sc.f[1], int32(m)})
		}
	}
	slices.SortFunc(p.conflicts, func(a, b conflictPair) int {
		if c := bytes.Compare(a.ent, b.ent); c != 0 {
			return c
		}
		return int(a.member - b.member)
	})
	return nil
}

// member returns the roster index of inspector id, or -1.
func (p *inputs) member(id []byte) int {
	lo, hi := 0, len(p.roster)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if p.roster[mid].id < string(id) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(p.roster) && p.roster[lo].id == string(id) {
		return lo
	}
	return -1
}

// conflictsOf returns the distinct roster members in conflict with entity e.
func (p *inputs) conflictsOf(e []byte, dst []int32) []int32 {
	dst = dst[:0]
	i, _ := slices.BinarySearchFunc(p.conflicts, e, func(c conflictPair, e []byte) int { return bytes.Compare(c.ent, e) })
	for ; i < len(p.conflicts) && bytes.Equal(p.conflicts[i].ent, e); i++ {
		if m := p.conflicts[i].member; len(dst) == 0 || dst[len(dst)-1] != m {
			dst = append(dst, m)
		}
	}
	return dst
}
