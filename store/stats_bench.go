package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"spotcheck"
)

// The statistics dashboard's benchmark (spotcheck bench stats): its world
// and the time of each section's queries.

// BenchStatsWorld fills the world of the dashboard's benchmark: n
// inspections of the year before today in tmpl's draw
// (BenchRiskHistory, one year), a pick of the draw for each and a
// publication for each published one (BenchPublications). Only a system
// principal may call it, and it is never called but by the bench.
func (db *DB) BenchStatsWorld(ctx context.Context, tmpl *spotcheck.Publication, n int) (BenchRiskCounts, error) {
	c, err := db.BenchRiskHistory(ctx, tmpl.Inspection, 1, n)
	if err != nil {
		return c, err
	}
	err = db.inTx(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `INSERT INTO draw_picks (draw_id, stratum, rank, entity_id, ticket, reserve)
			SELECT i.draw_id, 'BENCH', i.id, i.entity_id, '', 0 FROM inspections i
			WHERE i.draw_id = (SELECT draw_id FROM inspections WHERE id = $1)
				AND NOT EXISTS (SELECT 1 FROM draw_picks p WHERE p.draw_id = i.draw_id AND p.entity_id = i.entity_id)`,
			tmpl.Inspection)
		if err != nil {
			return err
		}
		// Each inspection keeps its pick's stratum, as createInspections
		// does for a real draw.
		_, err = t.ExecContext(ctx, `UPDATE inspections SET stratum = 'BENCH'
			WHERE draw_id = (SELECT draw_id FROM inspections WHERE id = $1) AND id <> $1`, tmpl.Inspection)
		return err
	})
	if err != nil {
		return c, fmt.Errorf("bench stats picks: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, "ANALYZE draw_picks"); err != nil {
		return c, err
	}
	_, err = db.BenchPublications(ctx, tmpl, 0)
	return c, err
}

// StatsTiming is the time of one section of the dashboard, each run.
type StatsTiming struct {
	Section string
	Runs    []time.Duration
}

// Median is the median of the runs.
func (s StatsTiming) Median() time.Duration {
	r := slices.Clone(s.Runs)
	slices.Sort(r)
	return r[len(r)/2]
}

// BenchStatsSections runs each section of FindStats (the whole city, the
// year) runs times and returns their times. Only a system principal.
func (sv *StatsService) BenchStatsSections(ctx context.Context, year, runs int) (out []StatsTiming, err error) {
	defer wrap(&err, "bench stats", year)
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return nil, err
	}
	q := sv.db.read
	depts, err := findDepartments(ctx, q)
	if err != nil {
		return nil, err
	}
	sc := statsScope{year: fmt.Sprintf("%04d", year)}
	sections := []struct {
		name string
		run  func(*spotcheck.Stats) error
	}{
		{"coverage", func(s *spotcheck.Stats) error { return sv.coverage(ctx, q, sc, s) }},
		{"results", func(s *spotcheck.Stats) error { return sv.results(ctx, q, sc, s) }},
		{"strata", func(s *spotcheck.Stats) error { return sv.hitByStratum(ctx, q, sc, s) }},
		{"items", func(s *spotcheck.Stats) error { return sv.hitByItem(ctx, q, sc, s) }},
		{"models", func(s *spotcheck.Stats) error { return sv.modelHitRates(ctx, q, sc, s) }},
		{"timeliness", func(s *spotcheck.Stats) (err error) { s.Timeliness, err = sv.timeliness(ctx, q, sc, depts); return err }},
		{"workload", func(s *spotcheck.Stats) error { return sv.workload(ctx, q, sc, s, depts) }},
		{"repeats", func(s *spotcheck.Stats) error { return sv.repeats(ctx, q, sc, s) }},
		{"multi", func(s *spotcheck.Stats) error { return sv.multiAuthority(ctx, q, sc, s) }},
		{"joint", func(s *spotcheck.Stats) error { return sv.joint(ctx, q, sc, s) }},
	}
	for _, sec := range sections {
		t := StatsTiming{Section: sec.name}
		for range runs {
			start := time.Now()
			if err := sec.run(&spotcheck.Stats{Year: year}); err != nil {
				return nil, fmt.Errorf("%s: %w", sec.name, err)
			}
			t.Runs = append(t.Runs, time.Since(start))
		}
		out = append(out, t)
	}
	return out, nil
}
