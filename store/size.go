package store

import "context"

// Size returns the bytes the database occupies: for SQLite its pages (the
// write-ahead log's committed pages included, as a reader sees them), for
// PostgreSQL pg_database_size of the current database. The benchmarks
// compare it before and after a load (issue 11's storage figure: the
// database grows by no more than the photos' bytes plus 5 %).
func (db *DB) Size(ctx context.Context) (int64, error) {
	q := `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`
	if db.dialect.name() == "postgres" {
		q = `SELECT pg_database_size(current_database())`
	}
	var n int64
	err := db.write.QueryRowContext(ctx, q).Scan(&n)
	return n, err
}
