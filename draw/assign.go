package draw

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"slices"
	"strconv"
)

// Team is a line of assignment.tsv (spec §7): a selected entity and its
// inspectors in slot order, or nil Inspectors when it is UNASSIGNED.
type Team struct {
	Entity     string
	Inspectors []string
}

// assignment is the outcome of spec §6: for the k-th entity of the
// assignment order, members[k*size : (k+1)*size] are its inspectors'
// roster indices in slot order, or ok[k] is false when it is unassigned.
type assignment struct {
	size    int
	members []int32
	ok      []bool
}

// assign performs spec §6 for the selected entities in assignment order.
//
// For entity e and unit u, draw i is
// pick_i = 1 + (H(seed_hex ‖ ":assign:" ‖ u ‖ ":" ‖ e ‖ "," ‖ decimal(i)) mod M_u).
// A member is eligible for a slot if it is not on the team yet, has no
// conflict with e, has load < cap_u, and, for the lead slot (slot 1 of the
// first unit), has flag L. Before drawing, the eligible members are counted
// from running totals (members under their cap, lead-capable members under
// their cap) less the team and the conflicts of e, so that a slot nobody can
// fill costs no draws: the entity is then unassigned and its partial team
// discarded without counting any load.
func (p *inputs) assign(plan *Plan, seedHex string, order []item) assignment {
	K := len(order)
	units := len(plan.Team)
	size := 0
	members := make([][]int32, units) // R_u in file order
	unitOf := make([]int, len(p.roster))
	for i, m := range p.roster {
		unitOf[i] = -1
		for u, t := range plan.Team {
			if m.unit == t.Unit {
				unitOf[i] = u
				members[u] = append(members[u], int32(i))
			}
		}
	}
	caps := make([]int, units)
	avail := make([]int, units) // members of the unit with load < cap
	availLead := 0              // lead-capable members of the first unit with load < cap
	for u, t := range plan.Team {
		size += t.Size
		caps[u] = capOf(K, t.Size, len(members[u]), plan.CapSlack)
		avail[u] = len(members[u])
	}
	for _, m := range members[0] {
		if p.roster[m].lead {
			availLead++
		}
	}
	load := make([]int, len(p.roster))
	a := assignment{size: size, ok: make([]bool, K)}
	var conf, team []int32
	var buf []byte
	for k, it := range order {
		e := p.entity(int(it.idx))
		conf = p.conflictsOf(e, conf)
		team = team[:0]
		complete := true
	units:
		for u, t := range plan.Team {
			R := members[u]
			buf = append(buf[:0], seedHex...)
			buf = append(buf, ":assign:"...)
			buf = append(buf, t.Unit...)
			buf = append(buf, ':')
			buf = append(buf, e...)
			buf = append(buf, ',')
			prefix := len(buf)
			i := 0
			for slot := 0; slot < t.Size; slot++ {
				lead := u == 0 && slot == 0
				// Count the eligible members.
				n := avail[u] - slot // the team's members of u are all under their cap
				if lead {
					n = availLead
				}
				for _, c := range conf {
					if unitOf[c] == u && load[c] < caps[u] && (!lead || p.roster[c].lead) {
						n--
					}
				}
				if n <= 0 {
					complete = false
					break units
				}
				for {
					i++
					buf = strconv.AppendInt(buf[:prefix], int64(i), 10)
					r := R[modHash(sha256.Sum256(buf), uint64(len(R)))]
					if load[r] < caps[u] && (!lead || p.roster[r].lead) &&
						!slices.Contains(team, r) && !slices.Contains(conf, r) {
						team = append(team, r)
						break
					}
				}
			}
		}
		if !complete {
			continue
		}
		a.ok[k] = true
		a.members = append(a.members, team...)
		for _, r := range team {
			u := unitOf[r]
			if load[r]++; load[r] == caps[u] {
				avail[u]--
				if u == 0 && p.roster[r].lead {
					availLead--
				}
			}
		}
	}
	return a
}

// capOf returns cap_u = ceil(K·size_u / M_u) + cap_slack (spec §6), at
// most K+1: no load can exceed K, so a larger cap changes nothing.
func capOf(K, size, M, slack int) int {
	if M == 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(K), uint64(size))
	if hi > 0 || lo > uint64(K)*uint64(M) {
		return K + 1
	}
	c := int((lo + uint64(M) - 1) / uint64(M))
	if slack > K+1-c {
		return K + 1
	}
	return c + slack
}

// modHash returns x mod m of a 256-bit big-endian x.
func modHash(x [32]byte, m uint64) uint64 {
	var r uint64
	for i := 0; i < 32; i += 8 {
		_, r = bits.Div64(r, binary.BigEndian.Uint64(x[i:]), m)
	}
	return r
}

// assignmentTSV formats assignment.tsv (spec §7) and the teams, and
// counts the unassigned entities.
func (p *inputs) assignmentTSV(order []item, a assignment) ([]byte, []Team, int) {
	var out []byte
	teams := make([]Team, len(order))
	unassigned := 0
	j := 0
	for k, it := range order {
		e := p.entity(int(it.idx))
		out = append(out, e...)
		out = append(out, '\t')
		teams[k].Entity = string(e)
		if !a.ok[k] {
			out = append(out, "UNASSIGNED\n"...)
			unassigned++
			continue
		}
		teams[k].Inspectors = make([]string, a.size)
		for s := range a.size {
			id := p.roster[a.members[j]].id
			j++
			if s > 0 {
				out = append(out, ',')
			}
			out = append(out, id...)
			teams[k].Inspectors[s] = id
		}
		out = append(out, '\n')
	}
	return out, teams, unassigned
}
