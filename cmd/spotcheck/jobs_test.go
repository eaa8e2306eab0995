package main

import (
	"context"
	"path/filepath"
	"testing"

	"spotcheck"
	"spotcheck/internal/pgtest"
	"spotcheck/store"
)

// TestServeRegistersJobs: two servers on one PostgreSQL register the
// platform's jobs once (the search rebuild among them, which only
// PostgreSQL has), each with the schedule the page shows; a server with
// --jobs=false registers none.
func TestServeRegistersJobs(t *testing.T) {
	dsn := pgtest.URL(t)
	startServe(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--instance-name", "app-1")
	startServe(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--instance-name", "app-2")
	admin := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("tester"))
	names := func(dsn string) map[string]spotcheck.JobSchedule {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		js, err := db.Jobs().FindJobs(admin)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]spotcheck.JobSchedule{}
		for _, j := range js {
			out[j.Name] = j.Schedule
		}
		return out
	}
	got := names(dsn)
	if len(got) != 4 || got["refresh-stats"] != spotcheck.JobDailyAt(3, 0) || got["deadline-alerts"] != spotcheck.JobDailyAt(8, 30) ||
		got["search-rebuild"].Every == 0 || got["reclassify"] != spotcheck.JobDailyAt(2, 30) {
		t.Errorf("jobs on PostgreSQL: %v", got)
	}
	path := filepath.Join(t.TempDir(), "s.db")
	startServe(t, "serve", "--db", path, "--addr", "127.0.0.1:0", "--jobs=false")
	if got := names(path); len(got) != 0 {
		t.Errorf("jobs with --jobs=false: %v", got)
	}
}
