package store

import (
	"context"
	"testing"
)

// StoredBytes is what the database holds on disk, for the storage bound of
// attachments: on SQLite the pages of the file (WAL included: page_count
// is the database as this connection sees it); on PostgreSQL the data
// pages (main fork) of the tables an upload writes, of their TOAST tables
// and of all their indexes. Left out: the free-space and visibility maps,
// a few fixed pages per relation that autovacuum creates when it likes,
// and the catalogue's own tables, which no upload grows.
func StoredBytes(t testing.TB, db *DB) int64 {
	t.Helper()
	q := `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`
	if db.dialect.name() == "postgres" {
		q = `WITH tbl AS (
			SELECT oid FROM pg_class WHERE relname IN ('attachments', 'attachment_refs', 'changes')
			UNION SELECT reltoastrelid FROM pg_class WHERE relname IN ('attachments', 'attachment_refs', 'changes') AND reltoastrelid <> 0),
		rel AS (SELECT oid FROM tbl UNION SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT oid FROM tbl))
		SELECT sum(pg_relation_size(oid, 'main'))::bigint FROM rel`
	}
	var n int64
	if err := db.write.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
