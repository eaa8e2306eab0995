package store_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/store"
)

// A task's control sample: its size is logged right after the plan,
// before the randomness; the picks that form it are the first selected
// entities of the whole eligible frame in ticket order, recomputed here
// from the bundle's files with draw.Ticket alone; and the draw records
// the model whose classes its strata took — the classes the
// reclassification just gave, which the frame's strata follow.
func TestDrawControlSample(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		if _, err := db.Risk().LoadRiskModel(ctx, riskModelText("2026.1")); err != nil {
			t.Fatal(err)
		}
		run, err := db.Risk().PreviewReclassification(ctx, "FZWL")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Risk().ApplyReclassification(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		tk := drawTask("2026-FZWL-CTL-001", "WL-LXS-001")
		tk.Control = 6
		if err := db.Tasks().CreateTask(as("planner"), tk); err != nil {
			t.Fatalf("CreateTask: %v", err)
		}
		publishTask(t, db, as, tk.Code)
		d := completeDraw(t, db, as, tk.Code, 0)
		if d.Control != 6 || d.RiskModel != "2026.1" {
			t.Fatalf("draw: control %d, model %q; want 6 and 2026.1", d.Control, d.RiskModel)
		}
		entries, err := db.LogEntries(ctx, d.PlanIndex+1, d.PlanIndex+2)
		if err != nil {
			t.Fatal(err)
		}
		if want := `"body":` + string(draw.ControlRecord(d.PlanHash, 6)); !strings.Contains(string(entries[0]), want) ||
			!strings.Contains(string(entries[0]), `"type":"control"`) {
			t.Fatalf("the entry after the plan is %s, want the control record", entries[0])
		}
		if err := draw.CheckCanonical(draw.ControlRecord(d.PlanHash, 6)); err != nil {
			t.Fatalf("control record: %v", err)
		}

		// The walk, from the files: every eligible entity's ticket, all
		// strata together, taken while selected, at most 6.
		files := mustFiles(t, db, as("planner"), d.ID)
		excluded := map[string]bool{}
		for _, l := range strings.Split(strings.TrimSuffix(string(files.Exclusions), "\n"), "\n") {
			excluded[strings.Split(l, "\t")[0]] = true
		}
		picks, err := db.Draws().FindDrawPicks(as("planner"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		selected, control := map[string]bool{}, map[string]bool{}
		for _, p := range picks {
			selected[p.Entity] = !p.Reserve
			control[p.Entity] = p.Control
		}
		// The reclassification set the frame's strata: every entity it
		// moved stands in the frame at its new class.
		changes, err := db.Risk().FindRiskChanges(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		stratumOf := map[string]string{}
		for _, l := range strings.Split(strings.TrimSuffix(string(files.Frame), "\n"), "\n") {
			f := strings.Split(l, "\t")
			stratumOf[f[0]] = f[1]
		}
		moved := 0
		for _, c := range changes {
			if s, ok := stratumOf[c.Entity]; ok {
				if s != c.NewClass {
					t.Fatalf("%s moved %s→%s but stands in the frame in stratum %s", c.Entity, c.OldClass, c.NewClass, s)
				}
				if c.OldClass != c.NewClass {
					moved++
				}
			}
		}
		if moved == 0 {
			t.Fatal("no entity of the frame changed class in the reclassification: the test shows nothing")
		}

		type entry struct{ ticket, entity string }
		var eligible []entry
		for _, l := range strings.Split(strings.TrimSuffix(string(files.Frame), "\n"), "\n") {
			e := strings.Split(l, "\t")[0]
			if !excluded[e] {
				eligible = append(eligible, entry{draw.Ticket(d.Seed, e), e})
			}
		}
		slices.SortFunc(eligible, func(a, b entry) int {
			return cmp.Or(strings.Compare(a.ticket, b.ticket), strings.Compare(a.entity, b.entity))
		})
		want := map[string]bool{}
		for _, e := range eligible {
			if !selected[e.entity] || len(want) == 6 {
				break
			}
			want[e.entity] = true
		}
		got := map[string]bool{}
		for e, c := range control {
			if c {
				got[e] = true
			}
		}
		if len(want) == 0 || len(got) != len(want) || d.ControlDrawn != len(want) {
			t.Fatalf("control picks %v (ControlDrawn %d), the walk gives %v", got, d.ControlDrawn, want)
		}
		for e := range want {
			if !got[e] {
				t.Fatalf("control picks %v, the walk gives %v", got, want)
			}
		}
		t.Logf("control sample: %d of %d eligible, %d selected", len(got), len(eligible), len(selected))

		// A task without one logs no control entry and marks no pick.
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-CTL-002", "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-CTL-002")
		d2 := completeDraw(t, db, as, "2026-FZWL-CTL-002", 0)
		if d2.Control != 0 || d2.ControlDrawn != 0 {
			t.Fatalf("a task without a control sample: control %d, drawn %d", d2.Control, d2.ControlDrawn)
		}
		next, err := db.LogEntries(ctx, d2.PlanIndex+1, d2.PlanIndex+2)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(next[0]), `"type":"control"`) {
			t.Fatalf("a task without a control sample logged %s", next[0])
		}
	})
}

// A control sample larger than the rule allows is refused with the field.
func TestTaskControlBounds(t *testing.T) {
	tk := drawTask("2026-FZWL-CTL-003", "WL-LXS-001")
	for _, n := range []int{-1, spotcheck.MaxControl + 1} {
		tk.Control = n
		if !slices.ContainsFunc(tk.Validate(), func(f spotcheck.FieldError) bool { return f.Field == "control" }) {
			t.Fatalf("control %d accepted: %v", n, tk.Validate())
		}
	}
}
