package main

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/ledger"
	"spotcheck/store"
)

// TestDemoRisk: the demo's reclassification history has the first model
// applied to 仓山区 — every move recorded, each moved entity standing
// where its assessment puts it — and a preview under the revised model
// waiting for the administrator, which has changed nothing yet and can
// still be applied.
func TestDemoRisk(t *testing.T) {
	today := time.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout)
	db := demoDirectoryDB(t, demoSeed, 300, today)
	applied, pending, err := demoRisk(sysCtx, db, today)
	if err != nil {
		t.Fatalf("demoRisk: %v", err)
	}
	if applied.State != spotcheck.RiskRunApplied || applied.Model != "2026.1" || applied.Dept != "CSWL" ||
		applied.Entities == 0 || applied.Moves == 0 {
		t.Fatalf("applied run: %+v", applied)
	}
	changes, err := db.Risk().FindRiskChanges(sysCtx, applied.ID)
	if err != nil || len(changes) != applied.Moves {
		t.Fatalf("%d recorded moves for %d: %v", len(changes), applied.Moves, err)
	}
	for _, c := range changes[:5] {
		e, err := db.Entities().FindEntityByID(sysCtx, c.Entity)
		if err != nil {
			t.Fatal(err)
		}
		er, err := db.Risk().FindEntityRisk(sysCtx, c.Entity)
		if err != nil {
			t.Fatal(err)
		}
		if e.CreditClass != c.NewClass || e.CreditClass != er.Assessment.Class || e.Key != er.Assessment.Key {
			t.Errorf("%s stands at %s (key %v); move to %s; assessment %s (key %v)", e.ID, e.CreditClass, e.Key,
				c.NewClass, er.Assessment.Class, er.Assessment.Key)
		}
	}
	if pending.State != spotcheck.RiskRunPreviewed || pending.Model != "2026.2" || pending.Dept != "FZWL" ||
		pending.Entities != 300 || pending.Moves == 0 {
		t.Fatalf("pending run: %+v", pending)
	}
	if n, _ := db.Risk().FindRiskChanges(sysCtx, pending.ID); len(n) != 0 {
		t.Fatalf("a preview changed %d entities", len(n))
	}
	if r, err := db.Risk().ApplyReclassification(sysCtx, pending.ID); err != nil || r.Moves != pending.Moves {
		t.Fatalf("applying the pending preview: %+v, %v", r, err)
	}
}

// demoDirectoryDB is a new SQLite database with a log key and the demo's
// directories, lists and accounts (demo.Load) of n entities on day today,
// without the demo's plans, draws and inspections; closed by the test's
// cleanup.
func demoDirectoryDB(t *testing.T, seed uint64, n int, today string) *store.DB {
	t.Helper()
	db, err := store.Open(sysCtx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	signer, vkey, err := ledger.NewKey("spotcheck.test/log")
	if err != nil {
		t.Fatal(err)
	}
	db.UseLogKey(signer, vkey)
	if err := demo.Load(sysCtx, db.Transfers(), db.Accounts(), demo.Generate(seed, n, today), nil); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestDemoControlTask: in the demo, 仓山区's task was drawn after its
// reclassification with a control sample and the model's classes (one of
// them overridden by hand, in force), and its inspections were completed.
func TestDemoControlTask(t *testing.T) {
	db, err := store.Open(sysCtx, demoDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ovs, err := db.RiskOverrides().FindActiveRiskOverrides(sysCtx)
	if err != nil || len(ovs) != 1 || ovs[0].Class != "D" || ovs[0].Reason == "" {
		t.Fatalf("active overrides: %+v, %v", ovs, err)
	}
	page, err := db.Draws().FindDraws(sysCtx, spotcheck.DrawFilter{Task: demoControlTask(time.Now().In(spotcheck.ChinaTime).Year())})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("the control task's draws: %+v, %v", page, err)
	}
	d, err := db.Draws().FindDrawByID(sysCtx, page.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Control != 20 || d.ControlDrawn < 2 || d.RiskModel != "2026.1" {
		t.Fatalf("control task's draw: control %d, drawn %d, model %q", d.Control, d.ControlDrawn, d.RiskModel)
	}
	picks, err := db.Draws().FindDrawPicks(sysCtx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(picks, func(p spotcheck.DrawPick) bool { return p.Entity == ovs[0].Entity && p.Stratum == "D" }) {
		t.Errorf("the overridden entity %s was not drawn in stratum D", ovs[0].Entity)
	}
}
