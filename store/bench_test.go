package store_test

import (
	"path/filepath"
	"slices"
	"testing"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// BenchmarkImportEntities imports 20,000 synthetic entities into a new
// SQLite database per iteration; the million-row figure is `spotcheck bench
// import` (docs/performance.md).
func BenchmarkImportEntities(b *testing.B) {
	rows := slices.Collect(demo.Entities(1, 20000))
	depts := demo.Generate(1, 0, "2026-01-01").Departments
	for b.Loop() {
		b.StopTimer()
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Departments().ImportDepartments(ctx, spotcheck.SliceSource("d", depts)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("e", rows)); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// An import of analyzeAfter rows or more refreshes the planner statistics
// (without them a code-prefix search took seconds, docs/performance.md).
func TestLargeImportRefreshesStatistics(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		depts := demo.Generate(1, 0, "2026-01-01").Departments
		if _, err := db.Departments().ImportDepartments(ctx, spotcheck.SliceSource("d", depts)); err != nil {
			t.Fatal(err)
		}
		rows := slices.Collect(demo.Entities(7, 10000))
		if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("e", rows)); err != nil {
			t.Fatal(err)
		}
		query := `SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'entities'`
		if db.Dialect() == "postgres" {
			query = `SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'entities' AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL`
		}
		var n int
		if err := db.QueryRowForTest(ctx, query).Scan(&n); err != nil || n == 0 {
			t.Fatalf("no statistics after a large import: %d, %v", n, err)
		}
	})
}
