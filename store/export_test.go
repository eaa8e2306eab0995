package store

import (
	"context"
	"database/sql"
	"time"

	"spotcheck"
	"spotcheck/ledger"
)

// QueryRowForTest runs a read query, for tests that look at what the
// database itself keeps (planner statistics).
func (db *DB) QueryRowForTest(ctx context.Context, query string) *sql.Row {
	return db.read.QueryRowContext(ctx, query)
}

// LogStorageForTest returns the log's storage on db's tables, for the
// conformance suite ledger.TestStorage.
func (db *DB) LogStorageForTest() ledger.Storage { return logStorage{db} }

// ClaimRiskRunForTest takes the reclassification's computing slot as a
// preview does and keeps it, as if that preview were still scoring.
func (db *DB) ClaimRiskRunForTest(ctx context.Context, model, dept string) (int64, error) {
	run := &spotcheck.RiskRun{Model: model, Dept: dept, Day: db.Now().Format(spotcheck.DateLayout),
		State: spotcheck.RiskRunRunning, CreatedBy: actorID(ctx), CreatedAt: db.Now().UTC().Truncate(time.Second)}
	err := db.inTx(ctx, func(t *tx) error {
		_, err := db.Risk().claimRun(ctx, t, run)
		return err
	})
	return run.ID, err
}

// QueryForTest runs a read query, for tests that count from the raw rows
// what the store computes (store/stats_test.go).
func (db *DB) QueryForTest(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, query, args...)
}
