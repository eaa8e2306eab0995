package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"spotcheck/ledger"
	"spotcheck/web"
)

// benchInspections measures issue 11's figures: inspectors submitting
// results with two photos each, concurrently, through the web server on
// loopback, and what the photos cost in storage:
//
//	bench inspections [--clients 200] [--photo-kb 2048] [--spread 0s] [--pg postgres://…]
//
// The world is the demo's directory (certificates all valid) with one
// task of the city bureau drawn for clients/2 inspections, each with a
// team of two; every member is one client, signed in through the login
// form. Each team, all teams at once: both members upload two distinct
// photos; the leader saves the record; both confirm; the leader submits.
// Each request is timed by kind. With --spread the teams start at
// uniformly random moments within that time (inspectors on site do not
// press the button in the same millisecond); 0 starts every team at
// once. Then every client uploads the same third photo, which must be
// stored once. Storage is the database's size (store.DB.Size) before and
// after, against the photos' bytes.
func (m *Main) benchInspections(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench inspections", flag.ContinueOnError)
	clients := fs.Int("clients", 200, "并发检查人员（客户端）数，两人一组")
	photoKB := fs.Int("photo-kb", 2048, "每张照片的大小（KB）")
	spread := fs.Duration("spread", 0, "各组开始时间在此时长内随机分布（0 为同时开始）")
	cpuProfile := fs.String("cpuprofile", "", "把 SQLite 测量阶段的 CPU profile 写到此文件")
	pg := fs.String("pg", "", "另在此 PostgreSQL 服务器上新建临时数据库测量（postgres://…，用后删除）")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 || *clients < 2 || *clients%2 != 0 || *photoKB < 16 {
		return usagef("用法：spotcheck bench inspections [--clients 200] [--photo-kb 2048] [--spread 0s] [--pg 地址]")
	}
	photo := noiseJPEG(*photoKB << 10)
	tmp, err := os.MkdirTemp("", "spotcheck-bench-insp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if err := m.inspectOn(ctx, filepath.Join(tmp, "insp.db"), *clients, photo, *spread); err != nil {
		return err
	}
	if *pg == "" {
		return nil
	}
	dsn, drop, err := tempPostgres(ctx, *pg)
	if err != nil {
		return err
	}
	defer drop()
	return m.inspectOn(ctx, dsn, *clients, photo, *spread)
}

// inspectOn builds the world in dsn, runs the clients and prints the
// figures.
func (m *Main) inspectOn(ctx context.Context, dsn string, clients int, photo []byte, spread time.Duration) error {
	db, err := m.openDB(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	signer, vkey, err := ledger.NewKey("spotcheck.bench/log")
	if err != nil {
		return err
	}
	db.UseLogKey(signer, vkey)
	t0 := time.Now()
	teams, password, err := benchInspectionWorld(ctx, db, clients/2)
	if err != nil {
		return err
	}
	base, stop, err := serveForBench(db, web.Config{})
	if err != nil {
		return err
	}
	defer stop()
	for i := range teams {
		for j, user := range teams[i].users {
			if teams[i].clients[j], err = signIn(base, user, password); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(m.Stdout, "inspections %s: %d inspectors in %d teams, photos of %d KB; setup (not timed) %.1f s\n",
		db.Dialect(), clients, len(teams), len(photo)>>10, time.Since(t0).Seconds())

	// First every client cites the same photo: stored once, the
	// database grows by about one photo however many inspections cite it.
	size0, err := db.Size(ctx)
	if err != nil {
		return err
	}
	shared := &latencies{}
	var wg sync.WaitGroup
	for i := range teams {
		for j := range teams[i].users {
			wg.Go(func() {
				t := time.Now()
				err := teams[i].upload(base, j, photo)
				shared.add(time.Since(t), err == nil)
			})
		}
	}
	wg.Wait()
	before, err := db.Size(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "  one photo cited by %d uploads (%d errors): database grew %.2f MB for one %.2f MB photo\n",
		len(shared.d)+shared.errors, shared.errors, float64(before-size0)/(1<<20), float64(len(photo))/(1<<20))

	// Then the figure: two distinct photos each, save, confirm, submit.
	lat := map[string]*latencies{"upload": {}, "save": {}, "confirm": {}, "submit": {}}
	var photoBytes atomic.Int64
	start := time.Now()
	for i := range teams {
		wg.Go(func() {
			if spread > 0 {
				time.Sleep(rand.N(spread))
			}
			photoBytes.Add(teams[i].run(base, photo, i, lat))
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	after, err := db.Size(ctx)
	if err != nil {
		return err
	}
	for _, k := range []string{"upload", "save", "confirm", "submit"} {
		fmt.Fprintf(m.Stdout, "  %-8s %s\n", k, lat[k].summary(elapsed))
	}
	pb := photoBytes.Load()
	fmt.Fprintf(m.Stdout, "  storage: distinct photos %.1f MB, database grew %.1f MB (%+.2f %% over the photos); peak RSS %d MB\n",
		float64(pb)/(1<<20), float64(after-before)/(1<<20), 100*float64(after-before-pb)/float64(pb), peakRSSMB())
	return nil
}
