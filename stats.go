package spotcheck

import (
	"context"
	"slices"
)

// The statistics dashboard (issue 14, item 4): for a year and a
// department's subtree, how far the work reached (coverage against the
// floor and the rounds of CoverageRequirement), what it found (results by
// national category, the share of inspections that found a problem by
// stratum and by item), how fast results were published, who did the work
// and how often an entity was inspected again, and how many inspections
// were made in joint visits. The store computes every figure with grouped
// SQL; the rules (the floor, the rounds, the cap) are asked here.

// StatsFilter chooses the figures: the year (the draws' year for coverage,
// workload and joint visits; the completion date for results, hit rates
// and publication) and a department whose subtree narrows the user's
// scope ("" for the whole scope). A department outside the scope is
// refused (EFORBIDDEN), never widened to.
type StatsFilter struct {
	Year int
	Dept string
}

// CoverageRow is the coverage of one target type in one division (or, in
// the totals, of a type over every division, Division "", or of a
// division over every type, Type ""): the active, operating entities of
// the scope's departments, those a counted pick of the year's drawn draws
// of the scope selected, the draws that selected any (the rounds), and
// the requirement of CoverageRequirement with whether it is met.
type CoverageRow struct {
	Type, TypeName         string
	Division, DivisionName string
	Entities, Inspected    int
	Rounds                 int
	Floor                  int // tenths of a percent (30 = 3 %)
	RoundsRequired         int
	MeetsFloor             bool
	MeetsRounds            bool
}

// Percent is the share of the entities inspected, in percent.
func (r CoverageRow) Percent() float64 {
	if r.Entities == 0 {
		return 0
	}
	return float64(r.Inspected) * 100 / float64(r.Entities)
}

// CategoryCount is the number of completed inspections with a result of
// one national category (R01–R08, S01–S05), named.
type CategoryCount struct {
	Code, Name  string
	Inspections int
}

// HitRate is, for one stratum or item, the completed inspections that
// looked at it and those of them that found a problem.
type HitRate struct {
	Key, Name   string
	Inspections int
	Problems    int
}

// Percent is the hit rate in percent.
func (h HitRate) Percent() float64 {
	if h.Inspections == 0 {
		return 0
	}
	return float64(h.Problems) * 100 / float64(h.Inspections)
}

// StatsTimeliness is a department's publication timeliness (Timeliness),
// named.
type StatsTimeliness struct {
	Timeliness
	DeptName string
}

// Workload is one inspector's inspections of the year: those whose team
// they are on (not withdrawn), and of those the ones completed (approved
// or published).
type Workload struct {
	Staff, Name, Dept, DeptName string
	Inspections, Completed      int
}

// MultiAuthority is an entity whose inspections of the year came from
// several authorities' draws.
type MultiAuthority struct {
	Entity, EntityName string
	Authorities        int
	Inspections        int
}

// JointShare counts the inspections of the year and those of them merged
// into joint visits (进一次门、查多项事).
type JointShare struct{ Joint, All int }

// Percent is the share of joint inspections in percent.
func (j JointShare) Percent() float64 {
	if j.All == 0 {
		return 0
	}
	return float64(j.Joint) * 100 / float64(j.All)
}

// Stats are the figures of the dashboard.
type Stats struct {
	Year     int
	Dept     string   // the department asked for, "" for the user's whole scope
	Scope    []string // the departments counted; nil for every department
	Coverage []CoverageRow
	ByType   []CoverageRow // totals per type over the divisions
	ByDiv    []CoverageRow // totals per division over the types
	// Completed counts the inspections completed in the year; Results
	// counts them by national category (an inspection counts once per
	// category it shows).
	Completed    int
	Results      []CategoryCount
	HitByStratum []HitRate
	HitByItem    []HitRate
	ByModel      []ModelHitRate // by risk model version, with the control sample (statsmodel.go)
	Timeliness   []StatsTimeliness
	Workload     []Workload
	Cap          CapPolicy
	Repeats      []RepeatAlert // by one authority more often than the cap
	Multi        []MultiAuthority
	Joint        JointShare
}

// StatsService computes the dashboard's figures (store/stats*.go).
type StatsService interface {
	// FindStats returns the figures of f for the user's scope: every
	// department for a supervisor (PermSuperviseDraws) or a system
	// principal, else the user's subtree; f.Dept narrows it to that
	// department's subtree. PermViewStats (EFORBIDDEN), EINVALID for a
	// year outside 2000–2200, EFORBIDDEN for a department outside the
	// scope, ENOTFOUND for one that does not exist.
	FindStats(ctx context.Context, f StatsFilter) (*Stats, error)
}

// CoverageRequirement is the floor (tenths of a percent) and the rounds a
// year that a target type must reach under items: the strictest of the
// items that target it (an item with no target types targets every type),
// and at least the defaults (DefaultFloorRatio, DefaultRounds). The plan's
// compliance check and the dashboard both ask it.
func CoverageRequirement(typ string, items []Item) (floor, rounds int) {
	floor, _ = ParsePercent(DefaultFloorRatio)
	rounds = DefaultRounds
	for _, it := range items {
		if len(it.TargetTypes) > 0 && !slices.Contains(it.TargetTypes, typ) {
			continue
		}
		if r, ok := ParsePercent(it.Ratio); ok && r > floor {
			floor = r
		}
		rounds = max(rounds, it.Frequency)
	}
	return floor, rounds
}

// BelowFloor reports whether x entities of n fall short of floor (tenths
// of a percent).
func BelowFloor(x float64, n, floor int) bool { return x*1000 < float64(n*floor) }

// MeetsFloor reports whether inspected entities of n reach floor; an empty
// population meets any floor.
func MeetsFloor(inspected, n, floor int) bool {
	return n == 0 || !BelowFloor(float64(inspected), n, floor)
}

// StratumName names a stratum id as pages show it (A类, 重点…), or
// returns the id.
func StratumName(id string) string { return orDefault(stratumNames[id], id) }
