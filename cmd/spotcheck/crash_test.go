package main

import (
	"bufio"
	"bytes"
	"context"
	crand "crypto/rand"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/pgtest"
	"spotcheck/ledger"
	"spotcheck/store"
	"spotcheck/xlsx"
)

// The crash test (issue 13, item 3). A worker process — this test binary
// started again with crashChildEnv set — imports entities, draws tasks,
// submits and publishes results through the services on one database,
// writing a line to an acknowledgement file (synced) before each action
// ("start …") and after it committed ("done …"). The test kills it with
// SIGKILL at a random moment, checks the database and starts it again.
// After every kill: every acknowledged action is there; every started
// one is whole or absent (an import's rows all or none, a publication
// with its credit record and log entry, a drawn draw with its picks);
// and the log verifies against its signed checkpoints. The outbox's
// pushes have their own kill test, TestServeCreditKilledMidPush.
//
// Many iterations: go test ./cmd/spotcheck -run TestCrashSafety -crash.iterations 200
var crashIterations = flag.Int("crash.iterations", 3, "kills per database in TestCrashSafety")

const (
	crashChildEnv = "SPOTCHECK_CRASH_DB"
	crashAckEnv   = "SPOTCHECK_CRASH_ACK"
	crashKeyEnv   = "SPOTCHECK_CRASH_KEY"
	crashBatch    = 25 // entities per import
)

func TestMain(m *testing.M) {
	if dsn := os.Getenv(crashChildEnv); dsn != "" {
		if err := crashWorker(dsn, os.Getenv(crashAckEnv), os.Getenv(crashKeyEnv)); err != nil {
			fmt.Fprintln(os.Stderr, "crash worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir) // the package run's demo (demoBuild)
	}
	os.Exit(code)
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	t.Run("sqlite", func(t *testing.T) { crashLoop(t, filepath.Join(t.TempDir(), "crash.db")) })
	t.Run("postgres", func(t *testing.T) { crashLoop(t, pgtest.URL(t)) })
}

// crashLoop makes the world, then kills and checks the worker
// crashIterations times.
func crashLoop(t *testing.T, dsn string) {
	dir := t.TempDir()
	key, ack := filepath.Join(dir, "log.key"), filepath.Join(dir, "ack")
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Now: time.Now}
	db, err := m.openLoggedDB(sysCtx, dsn, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := benchInspectionWorld(sysCtx, db, 40); err != nil {
		t.Fatal(err)
	}
	db.Close()
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	for i := range *crashIterations {
		out := &bytes.Buffer{}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dsn, crashAckEnv+"="+ack, crashKeyEnv+"="+key)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wait := time.Duration(300+rnd.IntN(2200)) * time.Millisecond
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			t.Fatalf("iteration %d: the worker stopped by itself (%v):\n%s", i, err, out)
		case <-time.After(wait):
		}
		cmd.Process.Kill() // SIGKILL: no shutdown of any kind
		<-exited
		checkAfterCrash(t, m, dsn, key, ack, i)
	}
}

// crashWorker is the worker process: the four actions in turn until it is
// killed.
func crashWorker(dsn, ackPath, key string) error {
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: os.Stderr, Now: time.Now}
	ctx := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("crash"))
	db, err := m.openLoggedDB(ctx, dsn, key)
	if err != nil {
		return err
	}
	ack, err := os.OpenFile(ackPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	note := func(line string) error {
		if _, err := ack.WriteString(line + "\n"); err != nil {
			return err
		}
		return ack.Sync()
	}
	w, err := newCrashWork(ctx, db)
	if err != nil {
		return err
	}
	for n := 0; ; n++ {
		kind := []string{"import", "draw", "submit", "publish"}[n%4]
		name, do, err := w.next(kind)
		if err != nil {
			return err
		}
		if do == nil {
			continue // nothing of this kind to do now
		}
		if err := note("start " + kind + " " + name); err != nil {
			return err
		}
		if err := do(); err != nil {
			return fmt.Errorf("%s %s: %w", kind, name, err)
		}
		if err := note("done " + kind + " " + name); err != nil {
			return err
		}
	}
}

// crashWork finds and performs the worker's next action of each kind.
type crashWork struct {
	ctx context.Context
	db  *store.DB
	as  func(string) context.Context
	dir string
}

func newCrashWork(ctx context.Context, db *store.DB) (*crashWork, error) {
	users, err := db.Accounts().FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
	}
	as, err := demoStaff(ctx, db, names...)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "spotcheck-crash-")
	return &crashWork{ctx: ctx, db: db, as: as, dir: dir}, err
}

// crashSeed makes a fresh seed of entities for one import.
func crashSeed() uint64 {
	var b [8]byte
	crand.Read(b[:])
	return uint64(b[0])<<40 | uint64(b[1])<<32 | uint64(b[2])<<24 | uint64(b[3])<<16 | uint64(b[4])<<8 | uint64(b[5])
}

func (w *crashWork) next(kind string) (string, func() error, error) {
	switch kind {
	case "import":
		seed := crashSeed()
		path := filepath.Join(w.dir, fmt.Sprintf("%d.csv", seed))
		f, err := xlsx.Create(path, xlsx.Entities)
		if err != nil {
			return "", nil, err
		}
		for e := range demo.Entities(seed, crashBatch) {
			if err := f.Write(&e); err != nil {
				return "", nil, err
			}
		}
		if err := f.Close(); err != nil {
			return "", nil, err
		}
		return strconv.FormatUint(seed, 10), func() error {
			_, err := xlsx.Transfers(w.db.Transfers())[spotcheck.KindEntities].ImportFile(w.ctx, path)
			return err
		}, nil
	case "draw":
		now := time.Now().In(spotcheck.ChinaTime)
		code := fmt.Sprintf("CRASH-%d", time.Now().UnixNano())
		return code, func() error {
			task := &spotcheck.Task{Code: code, Name: "崩溃测试抽取", Authority: "FZWL", Items: []string{"WL-LXS-001"},
				Scope: spotcheck.TaskScope{Types: []string{"T01"}}, StrataBy: spotcheck.StrataByCredit,
				Strata: []spotcheck.StratumRule{{ID: "A", Rate: "1/100"}, {ID: "B", Rate: "3/100"},
					{ID: "C", Rate: "3/100"}, {ID: "D", Rate: "3/100"}},
				Start: now.Format(spotcheck.DateLayout), End: fmt.Sprintf("%d-12-31", now.Year())}
			if err := w.db.Tasks().CreateTask(w.as("planner"), task); err != nil {
				return err
			}
			if err := w.db.Tasks().PublishTask(w.as("planner"), code); err != nil {
				return err
			}
			_, err := runDemoDraw(w.as, w.db, code, demoDraw{planner: "planner", secret: crand.Text(),
				req: spotcheck.DrawRequest{Officials: []string{"supervisor"}}})
			return err
		}, nil
	case "submit", "publish":
		state := spotcheck.InspectionDraft
		if kind == "publish" {
			state = spotcheck.InspectionSubmitted
		}
		list, err := w.db.Inspections().FindInspections(w.as("planner"), spotcheck.InspectionFilter{State: state})
		if err != nil {
			return "", nil, err
		}
		for _, in := range list {
			if len(in.Team) != 2 || !strings.HasSuffix(in.Task, "-FZWL-BENCH-001") {
				continue
			}
			if kind == "publish" {
				return strconv.FormatInt(in.ID, 10), func() error { return w.publish(in.ID) }, nil
			}
			if team, err := w.members(&in); err == nil { // the world made accounts for some teams only
				return strconv.FormatInt(in.ID, 10), func() error { return w.submit(&in, team) }, nil
			}
		}
		return "", nil, nil
	}
	return "", nil, fmt.Errorf("unknown kind %s", kind)
}

// members are the accounts of an inspection's team.
func (w *crashWork) members(in *spotcheck.Inspection) ([]string, error) {
	users, err := w.db.Accounts().FindUsers(w.ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range in.Team {
		for _, u := range users {
			if u.StaffID == s {
				out = append(out, u.Username)
			}
		}
	}
	if len(out) != len(in.Team) {
		return nil, fmt.Errorf("inspection %d: %d of its team have accounts", in.ID, len(out))
	}
	return out, nil
}

func (w *crashWork) submit(in *spotcheck.Inspection, team []string) error {
	as := func(u string) context.Context {
		ctx, err := demoStaff(w.ctx, w.db, u)
		if err != nil {
			panic(err)
		}
		return ctx(u)
	}
	today := time.Now().In(spotcheck.ChinaTime)
	rec := &spotcheck.Inspection{ID: in.ID, Methods: []string{spotcheck.MethodSite}, CheckIn: today,
		Completed: today.Format(spotcheck.DateLayout), Results: []string{"R01"}}
	for _, it := range in.Items {
		rec.Findings = append(rec.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
	}
	sv := w.db.Inspections()
	if err := sv.SaveInspection(as(team[0]), rec); err != nil {
		return err
	}
	for _, u := range team {
		if err := sv.ConfirmInspection(as(u), in.ID); err != nil {
			return err
		}
	}
	return sv.SubmitInspection(as(team[0]), in.ID)
}

func (w *crashWork) publish(id int64) error {
	if err := w.db.Inspections().ApproveInspection(w.as("approver"), id, ""); err != nil {
		return err
	}
	_, err := w.db.Publications().PublishInspection(w.as("approver"), id, "")
	return err
}

// checkAfterCrash checks the database after the worker was killed.
func checkAfterCrash(t *testing.T, m *Main, dsn, key, ackPath string, iteration int) {
	t.Helper()
	db, err := m.openLoggedDB(sysCtx, dsn, key)
	if err != nil {
		t.Fatalf("iteration %d: the database does not open after the kill: %v", iteration, err)
	}
	defer db.Close()
	if _, err := ledger.VerifyLog(sysCtx, db, db.LogKey()); err != nil {
		t.Fatalf("iteration %d: log verify: %v", iteration, err)
	}
	f, err := os.Open(ackPath)
	if err != nil {
		t.Fatalf("iteration %d: no acknowledgement yet: %v", iteration, err)
	}
	defer f.Close()
	done := map[string]bool{}
	var started []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		state, action, _ := strings.Cut(sc.Text(), " ")
		if state == "done" {
			done[action] = true
		} else {
			started = append(started, action)
		}
	}
	for _, action := range started {
		kind, name, _ := strings.Cut(action, " ")
		present, err := crashPresent(db, kind, name)
		if err != nil {
			t.Fatalf("iteration %d, %s: %v", iteration, action, err)
		}
		if done[action] && !present {
			t.Errorf("iteration %d: %s was acknowledged and is not there", iteration, action)
		}
	}
	if len(done) == 0 && iteration == *crashIterations-1 {
		t.Errorf("no action was acknowledged in %d iterations", iteration+1)
	}
}

// crashPresent reports whether the action is there whole; an action there
// in part is an error.
func crashPresent(db *store.DB, kind, name string) (bool, error) {
	switch kind {
	case "import":
		seed, _ := strconv.ParseUint(name, 10, 64)
		codes := map[string]bool{} // the batch's entities with a code (a person's has none)
		for e := range demo.Entities(seed, crashBatch) {
			if e.ID != "" {
				codes[e.ID] = true
			}
		}
		n := 0
		for code := range codes {
			if _, err := db.Entities().FindEntityByID(sysCtx, code); err == nil {
				n++
			} else if spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
				return false, err
			}
		}
		if n != 0 && n != len(codes) {
			return false, fmt.Errorf("half an import: %d of %d entities", n, len(codes))
		}
		return n == len(codes), nil
	case "draw":
		l, err := db.Draws().FindDraws(sysCtx, spotcheck.DrawFilter{Task: name})
		if err != nil {
			return false, err
		}
		drawn := false
		for _, d := range l.Items {
			if d.State != spotcheck.DrawDrawn {
				continue
			}
			// Whole: a seed, and a stored pick for every line of its
			// result's selected.tsv. A draw may select nobody (every
			// entity of the frame already inspected for the item, when
			// the kill came before the batch import that would have
			// added eligible ones), so zero picks alone is no sign.
			picks, err := db.Draws().FindDrawPicks(sysCtx, d.ID)
			if err != nil {
				return false, err
			}
			files, err := db.Draws().FindDrawFiles(sysCtx, d.ID)
			if err != nil {
				return false, err
			}
			if lines := bytes.Count(files.Selected, []byte("\n")); len(picks) != lines || d.Seed == "" {
				return false, fmt.Errorf("a drawn draw with %d picks for %d selected lines, seed %q", len(picks), lines, d.Seed)
			}
			drawn = true
		}
		return drawn, nil
	case "submit":
		id, _ := strconv.ParseInt(name, 10, 64)
		in, err := db.Inspections().FindInspectionByID(sysCtx, id)
		if err != nil {
			return false, err
		}
		return in.State != spotcheck.InspectionDraft, nil
	case "publish":
		id, _ := strconv.ParseInt(name, 10, 64)
		pubs, err := db.Publications().FindInspectionPublications(sysCtx, id)
		if err != nil || len(pubs) == 0 {
			return false, err
		}
		all, err := store.NewOutboxService(db, nil).FindOutbox(sysCtx, "", 0, 10000)
		if err != nil {
			return false, err
		}
		n := 0
		for _, r := range all.Items {
			if r.Kind == spotcheck.OutboxKindCredit && r.Key == pubs[0].OutboxKey() {
				n++
			}
		}
		if n != 1 || pubs[0].LogIndex < 0 {
			return false, fmt.Errorf("a publication with %d credit records, log index %d", n, pubs[0].LogIndex)
		}
		return true, nil
	}
	return false, fmt.Errorf("unknown kind %s", kind)
}
