package store

import "context"

// The store's part of the scheduled jobs (package jobs registers them):
// work that only the store can do, each a method the job calls.

// RefreshStats brings the planner's statistics up to date (SQLite:
// ANALYZE; PostgreSQL: VACUUM ANALYZE of the entities, then a rebuild of
// the search index), as a large import does after it commits. The
// nightly job keeps them current under the many small changes that no
// import triggers.
func (db *DB) RefreshStats(ctx context.Context) error {
	return db.dialect.refreshStats(ctx, db.write)
}

// SearchStale counts the entities that PostgreSQL's search index does
// not hold yet: added since its last build, or renamed or moved since.
// A search matches them directly, which costs more the more there are
// (store/search_postgres_build.go). On SQLite, whose index every write
// keeps, it is 0.
func (db *DB) SearchStale(ctx context.Context) (int64, error) {
	if db.dialect.name() != "postgres" {
		return 0, nil
	}
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT GREATEST((SELECT value FROM counters WHERE name = 'entity_seq') - built_to, 0)
		+ (SELECT count(*) FROM search_dirty WHERE NOT built) FROM search_state`).Scan(&n)
	return n, err
}

// RebuildSearch rebuilds PostgreSQL's search index now, waiting for a
// rebuild another server runs to end first; on SQLite it does nothing.
func (db *DB) RebuildSearch(ctx context.Context) error {
	return db.dialect.rebuildSearch(ctx, db.write)
}
