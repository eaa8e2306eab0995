package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/draw"
	"spotcheck/ledger"
	"spotcheck/store"
)

// benchTaskDraw measures a real task's draw in a database the size of a
// province (issue 13, item 5): unlike bench draw, whose frame is
// synthetic and in memory, the frame here is frozen from the directory
// by the store, as a planner's draw does.
//
//	bench taskdraw --db DSN [--log-key FILE] [--types T09,T14] [--rate 3/100] [--inspectors 1000]
//
// A database without the demo's staff gets them first (the demo's
// departments, inspectors, items and accounts; no entities), so that it
// can follow `bench import`, and --inspectors more inspectors of the city
// bureau, so that a frame of a million entities has a roster of its size
// (ensureDrawStaff). Then a task of the city bureau over the entities of
// --types, stratified by credit class at --rate, is created and
// published, and its draw is taken through the workflow: plan (freezing
// frame, exclusions, roster and conflicts), the supervisor's commitment
// and reveal, the run (selection, assignment, inspections). Last the
// whole log is verified with the key of --log-key, as `spotcheck log
// verify` does. Each step is timed.
func (m *Main) benchTaskDraw(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench taskdraw", flag.ContinueOnError)
	dsn := dbFlag(fs)
	keyPath := logKeyFlag(fs)
	types := fs.String("types", "T09,T14", "任务范围：检查对象类别，逗号分隔")
	rate := fs.String("rate", "3/100", "各层抽取比例")
	inspectors := fs.Int("inspectors", 1000, "市局另加的执法检查人员数（均可任主检）")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("bench taskdraw 不接受位置参数")
	}
	db, err := m.openLoggedDB(ctx, *dsn, *keyPath)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("bench"))
	start := time.Now()
	if err := ensureDrawStaff(sys, db, *inspectors); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "staff: %.2f s\n", time.Since(start).Seconds())
	as, err := demoStaff(sys, db, "planner", "supervisor")
	if err != nil {
		return err
	}
	now := time.Now().In(spotcheck.ChinaTime)
	code := fmt.Sprintf("%d-FZWL-SCALE-%s", now.Year(), strings.ToUpper(rand.Text()[:6]))
	task := &spotcheck.Task{Code: code, Name: "省级规模抽取测试", Authority: "FZWL", Items: []string{"WL-LXS-001"},
		Scope: spotcheck.TaskScope{Types: strings.Split(*types, ",")}, StrataBy: spotcheck.StrataByCredit,
		// Two visits of slack over each inspector's even share (spec §6),
		// so that the last teams still find someone free.
		CapSlack: 2,
		Start:    now.Format(spotcheck.DateLayout), End: fmt.Sprintf("%d-12-31", now.Year())}
	for _, s := range []string{"A", "B", "C", "D"} {
		task.Strata = append(task.Strata, spotcheck.StratumRule{ID: s, Rate: *rate, Reserve: 5})
	}
	start = time.Now()
	if err := db.Tasks().CreateTask(as("planner"), task); err != nil {
		return err
	}
	if err := db.Tasks().PublishTask(as("planner"), code); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "task %s created and published (checked against the plan rules): %.2f s\n", code, time.Since(start).Seconds())
	runtime.GC()
	secret := rand.Text()
	start = time.Now()
	d, err := db.Draws().PlanDraw(as("planner"), code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
	if err != nil {
		return err
	}
	planned := time.Since(start)
	fmt.Fprintf(m.Stdout, "plan %s: frame of %d entities (%d excluded), %d inspectors, frozen and logged in %.2f s\n",
		db.Dialect(), d.FrameCount, d.Excluded, d.RosterCount, planned.Seconds())
	start = time.Now()
	if err := db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", secret)); err != nil {
		return err
	}
	if err := db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", secret); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "commit and reveal: %.2f s\n", time.Since(start).Seconds())
	start = time.Now()
	if err := db.Draws().RunDraw(as("planner"), d.ID, spotcheck.DrawRun{}); err != nil {
		return err
	}
	ran := time.Since(start)
	if d, err = db.Draws().FindDrawByID(as("planner"), d.ID); err != nil {
		return err
	}
	selected := 0
	for _, s := range d.Strata {
		selected += s.N
	}
	fmt.Fprintf(m.Stdout, "run: %d selected, %d unassigned, drawn, assigned and stored in %.2f s; peak RSS %d MB\n",
		selected, d.Unassigned, ran.Seconds(), peakRSSMB())
	_, vkey, err := ledger.LoadKey(logKeyPath(*dsn, *keyPath))
	if err != nil {
		return err
	}
	start = time.Now()
	size, err := ledger.VerifyLog(ctx, db, vkey)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "log verify: ok %d entries in %.2f s\n", size, time.Since(start).Seconds())
	return nil
}

// ensureDrawStaff loads the demo's world without entities when the
// database has no planner yet: departments, inspectors (certificates
// valid for three more years, so that the roster is not emptied by
// expiry), items and the demo's accounts. Then it imports n more
// inspectors of the city bureau, each of whom may lead: the draw caps
// every inspector's share of the visits (spec §6), so with a minority
// of leaders the leaders run out before the teams do.
func ensureDrawStaff(sys context.Context, db *store.DB, n int) error {
	now := time.Now().In(spotcheck.ChinaTime)
	if _, err := db.Accounts().FindUserByUsername(sys, "planner"); spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND {
		data := demo.Generate(demoSeed, 0, now.Format(spotcheck.DateLayout))
		for i := range data.Inspectors {
			if data.Inspectors[i].CertNo != "" {
				data.Inspectors[i].CertExpiry = now.AddDate(3, 0, 0).Format(spotcheck.DateLayout)
			}
		}
		if err := demo.Load(sys, db.Transfers(), db.Accounts(), data, nil); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	more := make([]spotcheck.Inspector, n)
	for k := range more {
		more[k] = spotcheck.Inspector{StaffID: fmt.Sprintf("SC%05d", k+1), Name: fmt.Sprintf("规模测试%05d", k+1),
			Dept: "FZWL", CertNo: fmt.Sprintf("闽文旅执字第350100%05d号", k+1), Lead: true,
			CertExpiry: now.AddDate(3, 0, 0).Format(spotcheck.DateLayout), Active: true}
	}
	_, err := db.Inspectors().ImportInspectors(sys, false, spotcheck.SliceSource("bench", more))
	return err
}
