package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"spotcheck"
	"spotcheck/store"
	"spotcheck/web"
	"spotcheck/xlsx"
)

// benchResults measures the portal's search of published results (issue
// 12): GET /results?q=… served by the real web application in this
// process, with concurrent clients on loopback for a fixed time.
//
//	bench results [--db DSN] [--results 1000000] [--clients 100] [--duration 30s]
//
// A new database gets its world first (benchResultsWorld): the demo's
// bench task drawn and one of its results recorded, approved and
// published through the services, then as many synthetic entities as
// --results imported the way `bench import` does, each given an
// inspection and a publication cloned from the real one
// (store.BenchPublications). An existing database is searched as it is.
// The clients come through a trusted reverse proxy (X-Forwarded-For),
// each a visitor who searches 20 times from one address and then the
// next, so that the per-address limit counts what it would in production
// without throttling the load. Queries are drawn from a pool (--queries)
// of 2–4 character pieces of names and credit-code prefixes of 6–10
// characters (one in five), as in bench search; --keep-answers=false
// measures every search reading the database (web/portal/answers.go).
func (m *Main) benchResults(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench results", flag.ContinueOnError)
	dsn := fs.String("db", "", "数据库（默认临时 SQLite 文件）")
	n := fs.Int("results", 1000000, "新数据库中生成的已公示结果数量")
	clients := fs.Int("clients", 100, "并发客户端数")
	duration := fs.Duration("duration", 30*time.Second, "持续时间")
	pool := fs.Int("queries", 2000, "查询词数量（从前 20,000 家企业的名称片段和代码前缀中抽取）")
	keep := fs.Bool("keep-answers", true, "门户保留查询结果页（false：每次查询都读数据库）")
	cpuProfile := fs.String("cpuprofile", "", "把负载阶段的 CPU profile 写到此文件")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	env, err := m.openBench(ctx, *dsn)
	if err != nil {
		return err
	}
	defer env.close()
	db, sys := env.db, env.sys
	if env.empty {
		start := time.Now()
		added, err := benchResultsWorld(sys, db, *n, env.tmp)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "world: %d publications cloned from one published through the services in %.1f s\n",
			added, time.Since(start).Seconds())
	}
	queries, err := sampleQueries(sys, db, *pool)
	if err != nil {
		return err
	}
	base, stop, err := serveForBench(db, web.Config{
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, PortalAnswers: map[bool]int{true: 0, false: -1}[*keep]})
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(m.Stdout, "results %s: %d queries, %d clients, %s\n", db.Dialect(), len(queries), *clients, *duration)
	if *cpuProfile != "" {
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	lat, found, asked := runResultsLoad(ctx, base, queries, *clients, *duration)
	fmt.Fprintf(m.Stdout, "GET /results?q=  %s; %d of them found results; %d distinct queries asked\n",
		lat.summary(*duration), found, asked)
	return nil
}

// benchResultsWorld makes the searched world in an empty database.
func benchResultsWorld(sys context.Context, db *store.DB, n int, tmp string) (int64, error) {
	tmpl, err := benchPublishedOne(sys, db)
	if err != nil {
		return 0, err
	}
	if err := benchImportEntities(sys, db, n, tmp); err != nil {
		return 0, err
	}
	return db.BenchPublications(sys, tmpl, n)
}

// benchPublishedOne loads the demo's directory, draws a task
// (benchInspectionWorld) and takes one of its inspections through the
// services from record to publication, which it returns.
func benchPublishedOne(sys context.Context, db *store.DB) (*spotcheck.Publication, error) {
	teams, _, err := benchInspectionWorld(sys, db, 1)
	if err != nil {
		return nil, err
	}
	t := teams[0]
	as, err := demoStaff(sys, db, t.users[0], t.users[1], "approver")
	if err != nil {
		return nil, err
	}
	today := time.Now().In(spotcheck.ChinaTime)
	rec := &spotcheck.Inspection{ID: t.id, Methods: []string{spotcheck.MethodSite}, CheckIn: today,
		Completed: today.Format(spotcheck.DateLayout), Results: []string{"R01"}}
	for _, it := range t.items {
		rec.Findings = append(rec.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
	}
	sv := db.Inspections()
	if err := sv.SaveInspection(as(t.users[0]), rec); err != nil {
		return nil, err
	}
	for _, u := range t.users {
		if err := sv.ConfirmInspection(as(u), t.id); err != nil {
			return nil, err
		}
	}
	if err := sv.SubmitInspection(as(t.users[0]), t.id); err != nil {
		return nil, err
	}
	if err := sv.ApproveInspection(as("approver"), t.id, ""); err != nil {
		return nil, err
	}
	return db.Publications().PublishInspection(as("approver"), t.id, "")
}

// benchImportEntities imports n synthetic entities the way bench import
// does.
func benchImportEntities(sys context.Context, db *store.DB, n int, tmp string) error {
	csv := filepath.Join(tmp, "entities.csv")
	if err := writeSyntheticEntities(csv, n); err != nil {
		return err
	}
	_, err := xlsx.Transfers(db.Transfers())[spotcheck.KindEntities].ImportFile(sys, csv)
	return err
}

// runResultsLoad runs the clients until the duration is over, each
// client a visitor that searches 20 times from one address behind the
// proxy and then the next; found counts the answers that listed results,
// asked the distinct queries sent (the kept answers can hold at most
// those: web/portal/answers.go).
func runResultsLoad(ctx context.Context, base string, queries []string, clients int, d time.Duration) (*latencies, int, int) {
	lat := &latencies{}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	found, asked := 0, map[string]bool{}
	for i := range clients {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(i), 9))
			for n := 0; ctx.Err() == nil; n++ {
				raw := queries[rnd.IntN(len(queries))]
				q := url.QueryEscape(raw)
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/results?q="+q, nil)
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i, n/20/250%250, n/20%250+1))
				start := time.Now()
				resp, err := c.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						lat.add(0, false)
					}
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat.add(time.Since(start), resp.StatusCode == http.StatusOK)
				ok := resp.StatusCode == http.StatusOK && strings.Contains(string(body), `id="found"`) &&
					!strings.Contains(string(body), `id="no-match"`)
				mu.Lock()
				asked[raw] = true
				if ok {
					found++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return lat, found, len(asked)
}
