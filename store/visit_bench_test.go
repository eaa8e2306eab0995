package store_test

import (
	"path/filepath"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// BenchmarkMerge times the store's detection and merge of 5 departments'
// draws of 5,000 selections each on SQLite (the 5 × 50,000 is
// `spotcheck bench merge`, docs/performance.md).
func BenchmarkMerge(b *testing.B) {
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	sys := spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("bench"))
	times, _, err := db.BenchMerge(sys, spotcheck.SyntheticSelections(5, 5000, 12500), b.N, nil)
	if err != nil {
		b.Fatal(err)
	}
	var total float64
	for _, d := range times {
		total += d.Wall.Seconds()
	}
	b.ReportMetric(total/float64(len(times)), "s/merge")
}
