// Package demo generates realistic synthetic data for a municipal culture &
// tourism bureau: Fuzhou (福州市文化和旅游局, division 350100) with its 13
// county-level divisions. `spotcheck demo` loads a few thousand entities from
// it, and the million-row benchmarks stream entities from it.
//
// Everything is derived from a seed (math/rand/v2's PCG) and from a "today"
// passed in, never from the clock or a global source, so the same arguments
// give the same data on every machine and every run. Every entity, agency
// and employer name ends in （示例）, so nobody mistakes a demo record for a
// real firm; every record passes its domain Validate against
// spotcheck.DefaultTargetTypes and spotcheck.DefaultDivisions.
package demo

import (
	"iter"
	"math/rand/v2"
	"strconv"
	"time"

	"spotcheck"
)

// Data is one generated demo installation, in the order a new installation
// imports it (spotcheck.ImportKinds): parents before children, the records
// that conflicts and responsibilities point at before them.
type Data struct {
	Departments      []spotcheck.Department
	Entities         []spotcheck.Entity
	Inspectors       []spotcheck.Inspector // inspectors, then experts (Expert set)
	Agencies         []spotcheck.Agency
	Items            []spotcheck.Item
	Responsibilities []spotcheck.Responsibility
	Conflicts        []spotcheck.Conflict
	Complaints       []spotcheck.Complaint // inputs of the risk model (riskevents.go)
	Penalties        []spotcheck.Penalty
}

// StreamDate is the "today" of Entities: a stream has no caller's date, and
// a fixed one keeps streams reproducible.
const StreamDate = "2026-01-01"

// Streams of the PCG, one per part of the data: each part draws from its own
// sequence, so a change to how one part is made leaves the others as they
// were.
const (
	streamEntities   = 0x656e746974696573 // "entities"
	streamInspectors = 0x696e7370         // "insp"
	streamAgencies   = 0x6167656e         // "agen"
	streamConflicts  = 0x636f6e66         // "conf"
)

// Generate returns a demo installation with n entities, its departments,
// about 100 inspectors and 15 experts, 6 agencies, the item list with its
// responsibilities, a few conflicts, and a few dozen complaints and
// administrative penalties. Dates (certificate expiry, key-list
// expiry, leaves, conflicts) are relative to today, YYYY-MM-DD; Generate
// panics on a malformed today, which is a programming error.
func Generate(seed uint64, n int, today string) *Data {
	day := mustDay(today)
	d := &Data{Departments: departments()}
	g := newEntityGen(seed, day, true)
	d.Entities = make([]spotcheck.Entity, 0, max(n, 0))
	for range max(n, 0) {
		d.Entities = append(d.Entities, g.next())
	}
	d.Inspectors = inspectors(newRand(seed, streamInspectors), day)
	d.Agencies = agencies(newRand(seed, streamAgencies), g)
	d.Items = items()
	d.Responsibilities = responsibilities(d.Items)
	d.Conflicts = conflicts(newRand(seed, streamConflicts), day, d.Inspectors, d.Entities)
	d.Complaints, d.Penalties = riskEvents(newRand(seed, streamRiskEvents), day, d.Entities)
	return d
}

// Entities streams n synthetic entities with constant memory, for
// million-row imports and benchmarks. Codes (and 导游证号) are unique within
// one stream by construction, for streams of up to 100 million entities;
// they need not equal those of Generate for the same seed. Dates are relative to StreamDate. Each range over the sequence
// starts the stream afresh, so it yields the same entities every time.
func Entities(seed uint64, n int) iter.Seq[spotcheck.Entity] {
	return func(yield func(spotcheck.Entity) bool) {
		g := newEntityGen(seed, mustDay(StreamDate), false)
		for range n {
			if !yield(g.next()) {
				return
			}
		}
	}
}

// newRand returns the PCG-backed generator of one stream of seed.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// mustDay parses a YYYY-MM-DD date; callers pass constants or a date they
// formatted themselves, so a bad one is a bug.
func mustDay(s string) time.Time {
	t, err := time.Parse(spotcheck.DateLayout, s)
	if err != nil {
		panic("demo: invalid date " + strconv.Quote(s) + ", want YYYY-MM-DD")
	}
	return t
}

// day formats t plus days as YYYY-MM-DD.
func day(t time.Time, days int) string {
	return t.AddDate(0, 0, days).Format(spotcheck.DateLayout)
}

// between returns a random date in [from, to], or from when to is earlier.
func between(r *rand.Rand, from, to time.Time) string {
	span := int(to.Sub(from).Hours() / 24)
	if span <= 0 {
		return from.Format(spotcheck.DateLayout)
	}
	return day(from, r.IntN(span+1))
}

// pick returns a random element of s.
func pick[T any](r *rand.Rand, s []T) T {
	return s[r.IntN(len(s))]
}

// chance reports true with probability percent/100.
func chance(r *rand.Rand, percent int) bool {
	return r.IntN(100) < percent
}

// personName returns a random Chinese name of two or three characters.
func personName(r *rand.Rand) string {
	name := []rune{pick(r, surnames), pick(r, givenChars)}
	if chance(r, 70) {
		name = append(name, pick(r, givenChars))
	}
	return string(name)
}

// phone returns an internal contact number: a Fuzhou landline (0591, eight
// digits starting with 2 or 8) or a mobile number.
func phone(r *rand.Rand, mobile bool) string {
	if mobile {
		return pick(r, mobilePrefixes) + digits(r, 8)
	}
	return "0591-" + pick(r, []string{"2", "8"}) + digits(r, 7)
}

// digits returns n random decimal digits.
func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// permutation is a keyed bijection of [0, n): a four-round Feistel network
// over the smallest even number of bits that covers n, with cycle walking
// past n. Codes are drawn from it by counter, so they look random yet are
// unique by construction, and a stream needs no memory of the codes it made.
type permutation struct {
	n    uint64
	half uint
	mask uint64
	keys [4]uint64
}

func newPermutation(n uint64, r *rand.Rand) permutation {
	bits := uint(2)
	for uint64(1)<<bits < n {
		bits++
	}
	bits += bits % 2
	p := permutation{n: n, half: bits / 2, mask: 1<<(bits/2) - 1}
	for i := range p.keys {
		p.keys[i] = r.Uint64()
	}
	return p
}

// at returns the image of i, which must be below n.
func (p *permutation) at(i uint64) uint64 {
	x := i
	for {
		l, rt := x>>p.half, x&p.mask
		for _, k := range p.keys {
			l, rt = rt, l^(mix(rt^k)&p.mask)
		}
		x = l<<p.half | rt
		if x < p.n {
			return x
		}
	}
}

// mix is the SplitMix64 finaliser, the Feistel round function.
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
