package store_test

import (
	"context"
	"testing"

	"spotcheck/store"
)

// Ping answers from the read pool, fails once the database is closed and
// gives up when its context ends, which bounds /healthz.
func TestPing(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		if err := db.Ping(ctx); err != nil {
			t.Fatalf("Ping: %v", err)
		}
		if st := db.ReadStats(); st.InUse != 0 || st.OpenConnections == 0 {
			t.Errorf("after Ping: %d in use of %d open", st.InUse, st.OpenConnections)
		}
		done, cancel := context.WithCancel(ctx)
		cancel()
		if err := db.Ping(done); err == nil {
			t.Error("Ping with an ended context succeeded")
		}
		db.Close()
		if err := db.Ping(ctx); err == nil {
			t.Error("Ping on a closed database succeeded")
		}
	})
}
