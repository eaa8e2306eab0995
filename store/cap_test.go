package store_test

import (
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// TestAnnualCap: the system administrator sets the cap (recorded, before
// and after); nobody else may; the next draw's frame excludes the
// entities the authority drew as often as the cap allows, sparing the
// high-risk ones when the setting says so; and supervisors see the
// entities drawn more often than the cap, with the tasks that drew them.
func TestAnnualCap(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		caps := db.Caps()
		c, err := caps.FindCapPolicy(as("planner"))
		if err != nil || c != spotcheck.DefaultCapPolicy() {
			t.Fatalf("default cap %+v, %v", c, err)
		}
		one := spotcheck.CapPolicy{Limit: 1, ExemptHighRisk: true, Source: "国办发〔2024〕54号"}
		wantErr(t, caps.UpdateCapPolicy(as("planner"), &one), spotcheck.EFORBIDDEN)
		bad := spotcheck.CapPolicy{Limit: 0, Source: ""}
		wantErr(t, caps.UpdateCapPolicy(as("sysadmin"), &bad), spotcheck.EINVALID)

		// Two tasks of the city over the same agencies draw them all
		// twice under the default cap of 2.
		var ids []int64
		for i, item := range []string{"WL-LXS-001", "WL-LXS-003"} {
			tk := fullTask("2026-FZWL-CAP-00"+string(rune('1'+i)), "FZWL", item, "2026-03-10", "2026-04-30")
			tk.Scope.Divisions = []string{"350102"}
			if err := db.Tasks().CreateTask(as("planner"), tk); err != nil {
				t.Fatal(err)
			}
			if err := db.Tasks().PublishTask(as("planner"), tk.Code); err != nil {
				t.Fatalf("PublishTask %s: %v", tk.Code, err)
			}
			ids = append(ids, completeDraw(t, db, as, tk.Code, 0).ID)
		}
		alerts, err := caps.FindRepeatAlerts(as("supervisor"), "2026")
		if err != nil || len(alerts) != 0 {
			t.Fatalf("alerts under the default cap: %+v, %v", alerts, err)
		}
		_, err = caps.FindRepeatAlerts(as("planner"), "2026")
		wantErr(t, err, spotcheck.EFORBIDDEN)

		// The administrator lowers the cap to 1; the change is recorded.
		if err := caps.UpdateCapPolicy(as("sysadmin"), &one); err != nil {
			t.Fatalf("UpdateCapPolicy: %v", err)
		}
		ch, err := db.Changes().FindChanges(as("auditor"), spotcheck.ChangeFilter{Kind: "setting", Key: "annual_cap"})
		if err != nil || len(ch.Items) != 1 || !strings.Contains(ch.Items[0].After, `"limit":1`) ||
			!strings.Contains(ch.Items[0].Before, `"limit":2`) {
			t.Fatalf("recorded %+v, %v", ch.Items, err)
		}

		// Repeat alerts: every agency drawn twice and not high-risk.
		picks, err := db.Draws().FindDrawPicks(as("planner"), ids[0])
		if err != nil {
			t.Fatal(err)
		}
		entities, err := db.Entities().FindEntities(as("planner"), spotcheck.EntityFilter{Division: "350102", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		high := map[string]bool{}
		for _, e := range entities.Items {
			high[e.ID] = spotcheck.HighRisk(e.CreditClass, e.Key)
		}
		var wantAlerts, wantCapped, highSeen []string
		for _, p := range picks {
			if p.Reserve {
				continue
			}
			if high[p.Entity] {
				highSeen = append(highSeen, p.Entity)
				continue
			}
			wantAlerts = append(wantAlerts, p.Entity)
			wantCapped = append(wantCapped, p.Entity)
		}
		if len(wantAlerts) == 0 || len(highSeen) == 0 {
			t.Fatalf("the test needs capped and high-risk entities: %d, %d", len(wantAlerts), len(highSeen))
		}
		alerts, err = caps.FindRepeatAlerts(as("supervisor"), "2026")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range alerts {
			got = append(got, a.Entity)
			if a.Count != 2 || a.Limit != 1 || a.AuthorityName != "福州市文化和旅游局" || a.EntityName == "" ||
				len(a.By) != 2 || a.By[0].TaskName == "" || a.By[1].Task != "2026-FZWL-CAP-002" {
				t.Fatalf("alert %+v", a)
			}
		}
		slices.Sort(got)
		slices.Sort(wantAlerts)
		if !slices.Equal(got, wantAlerts) {
			t.Errorf("alerts %v, want %v", got, wantAlerts)
		}

		// The next draw of the city: capped entities are excluded, the
		// high-risk ones are not.
		next := fullTask("2026-FZWL-CAP-003", "FZWL", "WL-LXS-004", "2026-05-01", "2026-05-31")
		next.Scope.Divisions = []string{"350102"}
		if err := db.Tasks().CreateTask(as("planner"), next); err != nil {
			t.Fatal(err)
		}
		if err := db.Tasks().PublishTask(as("planner"), next.Code); err != nil {
			t.Fatalf("PublishTask %s: %v", next.Code, err)
		}
		d := completeDraw(t, db, as, next.Code, 0)
		f, err := db.Draws().FindDrawFiles(as("planner"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var capped []string
		for _, line := range strings.Split(strings.TrimSpace(string(f.Exclusions)), "\n") {
			if e, r, _ := strings.Cut(line, "\t"); r == spotcheck.ExcludeAnnualCap {
				capped = append(capped, e)
			}
		}
		slices.Sort(wantCapped)
		if !slices.Equal(capped, wantCapped) {
			t.Errorf("annual-cap exclusions %v, want %v", capped, wantCapped)
		}
	})
}
