package store

import (
	"context"
	"database/sql"

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

// QueryForTest runs a read query, for tests that count from the raw rows
// what the store computes (store/stats_test.go).
func (db *DB) QueryForTest(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, query, args...)
}
