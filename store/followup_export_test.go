package store

import "context"

// ExecForTest runs a statement on the writer, for tests that show what
// the database itself refuses (the follow-up events' triggers).
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}
