package store

import (
	"context"
	"database/sql"
)

// QueryRowForTest runs a read query, for tests that look at what the
// database itself keeps (planner statistics).
func (db *DB) QueryRowForTest(ctx context.Context, query string) *sql.Row {
	return db.read.QueryRowContext(ctx, query)
}
