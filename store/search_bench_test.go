package store_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// benchEntities is the size of the search benchmark's directory.
const benchEntities = 1_000_000

// BenchmarkSearchEntities measures FindEntities on a directory of a
// million demo entities (demo.Entities, seed 1) for realistic queries:
// 2-, 3- and 4-rune pieces of generated names and credit-code prefixes of
// 6–10 characters, page size 20, counted to MaxCount. It reports the
// median and 99th percentile per query kind, run one at a time and by 20
// clients at once. The database takes a minute to build, so it is kept:
// set SPOTCHECK_BENCH_DB to a directory (SQLite file search-1m.db there)
// or to a postgres:// URL of an empty database; without it the benchmark
// is skipped.
//
//	SPOTCHECK_BENCH_DB=/tmp/bench go test -run XXX -bench SearchEntities -benchtime 1x ./store/
func BenchmarkSearchEntities(b *testing.B) {
	db := benchDB(b)
	queries := benchQueries(200)
	for b.Loop() {
		for _, kind := range []string{"2 runes", "3 runes", "4 runes", "code"} {
			for _, clients := range []int{1, 20} {
				d := runQueries(b, db, queries[kind], clients)
				fmt.Fprintf(os.Stderr, "%-8s %2d clients: median %6.1f ms  p99 %6.1f ms  max %6.1f ms  (%d queries)\n",
					kind, clients, ms(d[len(d)/2]), ms(d[len(d)*99/100]), ms(d[len(d)-1]), len(d))
				b.ReportMetric(ms(d[len(d)/2]), fmt.Sprintf("ms-median-%s-%dc", kind[:1], clients))
				b.ReportMetric(ms(d[len(d)*99/100]), fmt.Sprintf("ms-p99-%s-%dc", kind[:1], clients))
			}
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// runQueries runs every query once, spread over clients goroutines, and
// returns the sorted latencies.
func runQueries(b *testing.B, db *store.DB, qs []string, clients int) []time.Duration {
	var mu sync.Mutex
	var out []time.Duration
	var wg sync.WaitGroup
	next := make(chan string)
	for range clients {
		wg.Go(func() {
			for q := range next {
				start := time.Now()
				if _, err := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Query: q, Limit: 20}); err != nil {
					b.Error(q, err)
				}
				d := time.Since(start)
				mu.Lock()
				out = append(out, d)
				mu.Unlock()
			}
		})
	}
	for _, q := range qs {
		next <- q
	}
	close(next)
	wg.Wait()
	slices.Sort(out)
	return out
}

// benchQueries picks n queries of each kind from the benchmark's names
// and codes, with a fixed seed.
func benchQueries(n int) map[string][]string {
	r := rand.New(rand.NewPCG(7, 7))
	pick := map[int]bool{}
	for len(pick) < 4*n {
		pick[r.IntN(benchEntities)] = true
	}
	out := map[string][]string{}
	i, picked := 0, 0
	for e := range demo.Entities(1, benchEntities) {
		if pick[i] {
			name := []rune(e.Name)
			size := 2 + picked%3
			picked++
			if k := fmt.Sprintf("%d runes", size); len(out[k]) < n && len(name) > size+4 {
				// The demo mark （示例） ends every name; real names do not have it.
				at := r.IntN(len(name) - 4 - size + 1)
				out[k] = append(out[k], string(name[at:at+size]))
			}
			if e.ID != "" && len(out["code"]) < n {
				out["code"] = append(out["code"], e.ID[:6+r.IntN(5)])
			}
		}
		i++
	}
	return out
}

// benchDB opens the benchmark's database, importing the directory into it
// when it is empty.
func benchDB(b *testing.B) *store.DB {
	dsn := os.Getenv("SPOTCHECK_BENCH_DB")
	if dsn == "" {
		b.Skip("SPOTCHECK_BENCH_DB 未设置：设为目录（SQLite）或 postgres:// URL 以运行百万级检索测量")
	}
	if !store.IsPostgres(dsn) {
		if err := os.MkdirAll(dsn, 0o755); err != nil {
			b.Fatal(err)
		}
		dsn = filepath.Join(dsn, "search-1m.db")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if n, err := db.Count(ctx, spotcheck.KindEntities); err != nil || n == benchEntities {
		if err != nil {
			b.Fatal(err)
		}
		return db
	}
	start := time.Now()
	if _, err := db.Departments().ImportDepartments(ctx, spotcheck.SliceSource("depts", demo.Generate(1, 0, demo.StreamDate).Departments)); err != nil {
		b.Fatal(err)
	}
	src := spotcheck.ImportSource[spotcheck.Entity]{Name: "bench", Rows: func(yield func(spotcheck.ImportRow[spotcheck.Entity], error) bool) {
		row := 2
		for e := range demo.Entities(1, benchEntities) {
			if !yield(spotcheck.ImportRow[spotcheck.Entity]{Row: row, Value: e}, nil) {
				return
			}
			row++
		}
	}}
	if _, err := db.Entities().ImportEntities(ctx, src); err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "built %s with %d entities in %.1f s\n", db.Dialect(), benchEntities, time.Since(start).Seconds())
	return db
}
