package store_test

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/ledger"
	"spotcheck/store"
)

// publicationChecks checks a published draw as spec §8 and §9 (amendment 1)
// want it: the result record is not served and has no unseal entry after
// its sealed one other than those listed in oldUnseals; the publication
// entry is logged with exactly the record of published.tsv; the public
// gets no cutoff, no result, no selected.tsv, and the list of published.tsv.
func publicationChecks(t *testing.T, db *store.DB, d *spotcheck.Draw, full *spotcheck.DrawFiles, oldUnseals int) {
	t.Helper()
	resSHA, rndSHA := ledger.Digest(full.Result), ledger.Digest(full.Randomness)
	if _, err := db.LogRecord(ctx, resSHA); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
		t.Errorf("the result record is served at /log/records/: %v", err)
	}
	if got, err := db.LogRecord(ctx, rndSHA); err != nil || string(got) != string(full.Randomness) {
		t.Errorf("the randomness record is not served: %v", err)
	}
	published, err := draw.Published(full.Selected)
	if err != nil {
		t.Fatal(err)
	}
	wantPub, err := draw.MakePublication(d.PlanHash, published, resSHA)
	if err != nil {
		t.Fatal(err)
	}
	var pubs, resultUnseals int
	for _, e := range allEntries(t, db) {
		pe, err := ledger.ParseEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case pe.Type == ledger.TypePublication:
			pubs++
			if string(pe.Body) != string(wantPub) {
				t.Errorf("publication entry %s\nwant %s", pe.Body, wantPub)
			}
		case pe.Type == ledger.TypeUnseal && strings.Contains(string(pe.Body), resSHA):
			resultUnseals++
		}
	}
	if pubs != 1 || resultUnseals != oldUnseals {
		t.Errorf("%d publication entries, %d unseal entries of the result; want 1, %d", pubs, resultUnseals, oldUnseals)
	}

	pub := spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
	pd, err := db.Draws().FindDrawByID(pub, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range pd.Strata {
		if s.Cutoff != "" {
			t.Errorf("the public sees the cutoff of stratum %s", s.ID)
		}
	}
	pf, err := db.Draws().FindDrawFiles(pub, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pf.Result != nil || pf.Selected != nil || pf.Frame != nil || pf.Assignment != nil ||
		string(pf.Randomness) != string(full.Randomness) || string(pf.Published) != string(published) {
		t.Errorf("public bundle: result %q selected %q published %q", pf.Result, pf.Selected, pf.Published)
	}
	picks, err := db.Draws().FindDrawPicks(pub, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var list strings.Builder
	for _, p := range picks {
		if p.Stratum != "" || p.Rank != 0 || p.Inspectors != nil {
			t.Errorf("public pick shows stratum, rank or team: %+v", p)
		}
		list.WriteString(p.Entity + "\t" + p.Ticket + "\n")
	}
	if list.String() != string(published) {
		t.Errorf("the public list\n%s\nis not published.tsv\n%s", list.String(), published)
	}
	if _, err := ledger.VerifyLog(ctx, db, db.LogKey()); err != nil {
		t.Errorf("VerifyLog: %v", err)
	}
}

// TestDrawPublication: lifting the embargo unseals the randomness and the
// later events, not the result, and logs the publication record in the
// clear (spec §8, amendment 1); staff still get everything.
func TestDrawPublication(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-021", "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-021")
		d := completeDraw(t, db, as, "2026-FZWL-SJ-021", 0)
		if err := db.Draws().LiftEmbargo(as("supervisor"), d.ID, "检查结果已公示"); err != nil {
			t.Fatalf("LiftEmbargo: %v", err)
		}
		full := mustFiles(t, db, as("planner"), d.ID)
		publicationChecks(t, db, d, full, 0)

		// Staff keep the cutoffs and the whole bundle, published.tsv and
		// the publication entry included.
		sd, err := db.Draws().FindDrawByID(as("planner"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sd.Strata[0].Cutoff == "" {
			t.Error("staff lost the cutoffs")
		}
		b := &draw.Bundle{Plan: full.Plan, Randomness: full.Randomness, Result: full.Result, Selected: full.Selected,
			Assignment: full.Assignment, Published: full.Published,
			Inputs: draw.Inputs{Frame: full.Frame, Exclusions: full.Exclusions, Roster: full.Roster, Conflicts: full.Conflicts}}
		if full.Published == nil {
			t.Fatal("the full bundle lacks published.tsv")
		}
		if _, err := draw.Verify(b); err != nil {
			t.Errorf("Verify of the full bundle: %v", err)
		}
		// Nothing unseals a result record.
		if _, err := db.Unseal(ctx, ledger.Digest(full.Result)); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Errorf("Unseal of the result: %v", err)
		}
	})
}

// TestPublishOldDraws: a draw published before amendment 1 (its result
// unsealed, no publication record), built here as the program then did,
// gets its publication record once and is no longer served; the earlier
// unseal entry stays in the log.
func TestPublishOldDraws(t *testing.T) {
	forEachLogDB(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		as := drawWorld(t, db)
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-022", "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-022")
		d := completeDraw(t, db, as, "2026-FZWL-SJ-022", 0)
		if n, err := db.PublishOldDraws(ctx); n != 0 || err != nil {
			t.Fatalf("PublishOldDraws with nothing to do = %d, %v", n, err)
		}
		full := mustFiles(t, db, as("planner"), d.ID)
		resSHA := ledger.Digest(full.Result)
		resIdx := full.LogIndexes[len(full.LogIndexes)-1]

		// The old LiftEmbargo: unseal randomness and result, state published.
		if _, err := db.Unseal(ctx, ledger.Digest(full.Randomness)); err != nil {
			t.Fatal(err)
		}
		u, err := db.AppendLog(ctx, ledger.TypeUnseal, ledger.UnsealBody(resIdx, "result", resSHA))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE log_records SET unseal_index = $1, published_at = '2026-03-01T08:00:00Z' WHERE sha256 = $2`, []any{u, resSHA}},
			{`UPDATE draws SET state = 'published', published_at = '2026-03-01T08:00:00Z' WHERE id = $1`, []any{d.ID}},
		} {
			if _, err := raw.Exec(q.sql, q.args...); err != nil {
				t.Fatal(err)
			}
		}

		n, err := db.PublishOldDraws(ctx)
		if n != 1 || err != nil {
			t.Fatalf("PublishOldDraws = %d, %v", n, err)
		}
		publicationChecks(t, db, d, full, 1)
		size, _ := db.LogSize(ctx)
		if n, err := db.PublishOldDraws(ctx); n != 0 || err != nil {
			t.Fatalf("PublishOldDraws again = %d, %v", n, err)
		}
		if again, _ := db.LogSize(ctx); again != size {
			t.Errorf("the second run appended %d entries", again-size)
		}
		pf := mustFiles(t, db, spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public()), d.ID)
		if !slices.Contains(pf.LogIndexes, size-1) {
			t.Errorf("the public bundle's entries %v lack the publication entry %d", pf.LogIndexes, size-1)
		}
	})
}
