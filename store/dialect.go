package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"spotcheck"
)

// dialect holds everything that differs between SQLite and PostgreSQL. All
// other SQL in this package is shared text with $n placeholders.
type dialect interface {
	name() string
	// lockMigrations serialises concurrent migrators inside t.
	lockMigrations(ctx context.Context, t *sql.Tx) error
	// refreshStats brings the planner statistics up to date after a large
	// import, outside any transaction; on PostgreSQL it also rebuilds the
	// search index.
	refreshStats(ctx context.Context, db *sql.DB) error
	// bulkInsert inserts rows into table within t, as fast as the database
	// allows: COPY on PostgreSQL, one prepared statement on SQLite.
	bulkInsert(ctx context.Context, t *tx, table string, cols []string, rows [][]any) error

	// The search index of entity names (store/search.go): the bigrams of
	// each entity's name_key, by its seq, and its owning department.

	// indexNames indexes new entities: keys[i] is the name_key of seqs[i]
	// and depts[i] its owning department.
	indexNames(ctx context.Context, t *tx, seqs []int64, keys, depts []string) error
	// reindexName records a new name_key or department of one entity.
	reindexName(ctx context.Context, t *tx, seq int64, key, dept string) error
	// findNames is plan 2 of FindEntities.
	findNames(ctx context.Context, db *DB, q nameQuery) (spotcheck.List[*spotcheck.Entity], error)
	// rebuildSearch rebuilds the index from the entities where it is not
	// kept current by every write.
	rebuildSearch(ctx context.Context, db *sql.DB) error

	// skipLocked ends the subquery of the outbox's claim
	// (store/outbox_worker.go) and the query of a job's claim
	// (store/jobs.go): on PostgreSQL it locks the rows it picks
	// and passes over those another worker has locked; SQLite's one
	// writer needs nothing.
	skipLocked() string

	// The dashboard's grouped queries (store/stats*.go) unfold lists
	// kept in one column. Each returns a FROM item named alias, joined
	// laterally to the tables before it, whose column value is text.

	// jsonStrings unfolds the JSON array of strings in column col (an
	// inspection revision's results).
	jsonStrings(col, alias string) string
	// jsonHasAny is the condition that the array of strings in col holds
	// one of the values of query (a subquery of one text column).
	jsonHasAny(col, query string) string
	// jsonObjects unfolds the JSON array of objects in col (a revision's
	// findings); jsonField reads a string field of one of them.
	jsonObjects(col, alias string) string
	jsonField(alias, field string) string
	// commaMembers unfolds a list kept as ",a,b," (an inspection's team).
	commaMembers(col, alias string) string
}

type sqlite struct{}

// journalSizeLimit is the size in bytes that SQLite truncates the WAL file
// to when it restarts it after a checkpoint (PRAGMA journal_size_limit).
// Without a limit the file keeps the size of the largest burst of writes
// between two checkpoints (a million-row import leaves gigabytes) for as
// long as the database is open.
const journalSizeLimit = 64 << 20

// sqliteDSN builds the modernc DSN with the pragmas of design §4; writer
// connections begin their transactions IMMEDIATE.
//
// The pragmas are listed in the order SQLite's documentation implies:
// busy_timeout first, because journal_mode=WAL (and every other pragma
// that touches the file) takes a lock and, without a timeout, fails at once
// with SQLITE_BUSY when another connection or process holds one; then the
// journal (journal_mode, journal_size_limit, synchronous, which WAL makes
// safe at NORMAL), then per-connection settings. modernc.org/sqlite runs
// busy_timeout first whatever the order (then the rest in name order), so
// the list reads as it runs where it matters.
func sqliteDSN(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", journalSizeLimit))
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// A 64 MiB page cache (the default is 2 MiB) keeps million-row imports
	// from re-reading the same B-tree pages through syscalls: 1M entities
	// import in 26 s instead of 37–50 s. Memory-mapped I/O on the writer
	// was tried and left out: it added up to 250 MB of resident memory to
	// an import for no speed.
	// Readers, several at a time, get 16 MiB each and read the file
	// memory-mapped, which spares a search the syscall per page that was a
	// quarter of its time.
	if writer {
		q.Add("_pragma", "cache_size(-65536)")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "cache_size(-16384)")
		q.Add("_pragma", "mmap_size(1073741824)")
	}
	return "file:" + path + "?" + q.Encode()
}

func (sqlite) name() string { return "sqlite" }

func (sqlite) skipLocked() string { return "" }

func (sqlite) jsonStrings(col, alias string) string { return "json_each(" + col + ") AS " + alias }

func (d sqlite) jsonObjects(col, alias string) string { return d.jsonStrings(col, alias) }

func (d sqlite) jsonHasAny(col, query string) string {
	return "EXISTS (SELECT 1 FROM " + d.jsonStrings(col, "x") + " WHERE x.value IN (" + query + "))"
}

func (sqlite) jsonField(alias, field string) string {
	return "json_extract(" + alias + ".value, '$." + field + "')"
}

// commaMembers turns ",a,b," into the JSON array ["a","b"]: staff ids
// hold neither quotes nor commas (spotcheck.Inspector.Validate).
func (sqlite) commaMembers(col, alias string) string {
	return `json_each('["' || replace(trim(` + col + `, ','), ',', '","') || '"]') AS ` + alias
}

// lockMigrations needs nothing: writer transactions begin IMMEDIATE.
func (sqlite) lockMigrations(context.Context, *sql.Tx) error { return nil }

func (sqlite) bulkInsert(ctx context.Context, t *tx, table string, cols []string, rows [][]any) error {
	stmt, err := t.PrepareContext(ctx, insertSQL(table, cols))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return nil
}

// SQLite's search index is the contentless FTS5 table entity_fts (rowid =
// seq) with positions: its text is every bigram of name_key in order, each
// hex-encoded so that the ascii tokenizer takes it as one term. A word is
// then the phrase of its bigrams, which matches exactly where the word
// occurs; FTS5 reads doclists in rowid order, lazily.

func (sqlite) indexNames(ctx context.Context, t *tx, seqs []int64, keys, depts []string) error {
	stmt, err := t.PrepareContext(ctx, "INSERT INTO entity_fts (rowid, tokens) VALUES ($1, $2)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, seq := range seqs {
		if _, err := stmt.ExecContext(ctx, seq, ftsText(keys[i])+" "+ftsDept(depts[i])); err != nil {
			return err
		}
	}
	return nil
}

func (d sqlite) reindexName(ctx context.Context, t *tx, seq int64, key, dept string) error {
	if _, err := t.ExecContext(ctx, "DELETE FROM entity_fts WHERE rowid = $1", seq); err != nil {
		return err
	}
	return d.indexNames(ctx, t, []int64{seq}, []string{key}, []string{dept})
}

// findNames counts the matches from the index alone when the words are
// the only condition, else joined to the entities; FTS5 reads its doclists
// in rowid order, lazily, so that LIMIT stops it early.
func (sqlite) findNames(ctx context.Context, db *DB, q nameQuery) (spotcheck.List[*spotcheck.Entity], error) {
	out := spotcheck.List[*spotcheck.Entity]{Items: []*spotcheck.Entity{}}
	out.Offset, out.Limit = pageOf(q.offset, q.limit)
	c := conds{list: slices.Clone(q.c.list), args: slices.Clone(q.c.args)}
	match := "f.entity_fts MATCH " + c.arg(ftsQuery(q.words, q.depts))
	var err error
	switch {
	case q.noCount:
		out.Total = -1
	case len(q.c.list) == 0:
		out.Total, out.More, err = countCapped(ctx, db.read, "SELECT rowid FROM entity_fts f WHERE "+match, c.args)
	default:
		out.Total, out.More, err = countCapped(ctx, db.read,
			"SELECT 1 FROM entity_fts f CROSS JOIN entities e WHERE "+match+" AND e.seq = f.rowid AND "+c.where(), c.args)
	}
	if err != nil || out.Total == 0 {
		return out, err
	}
	var query string
	if q.sortBy == "" {
		query = fmt.Sprintf("SELECT e.%s FROM entity_fts f CROSS JOIN entities e WHERE %s AND e.seq = f.rowid AND %s ORDER BY f.rowid LIMIT %d OFFSET %d",
			strings.Join(append(append([]string{}, entities.cols...), metaCols...), ", e."), match, c.where(), out.Limit, out.Offset)
	} else {
		query = fmt.Sprintf("SELECT %s FROM entities WHERE seq IN (SELECT e.seq FROM entity_fts f CROSS JOIN entities e WHERE %s AND e.seq = f.rowid AND %s ORDER BY f.rowid LIMIT %d) ORDER BY %s LIMIT %d OFFSET %d",
			entities.selectCols(), match, c.where(), spotcheck.MaxCount+1, q.sortBy, out.Limit, out.Offset)
	}
	out.Items, err = scanAll(ctx, db.read, entities, query, c.args)
	return out, err
}

// rebuildSearch: the FTS5 index is kept by every write.
func (sqlite) rebuildSearch(context.Context, *sql.DB) error { return nil }

// ftsDept is the term of a department in the FTS text: "zz" and the hex
// of its code, which no bigram term (pure hex) can equal.
func ftsDept(dept string) string { return "zz" + hex.EncodeToString([]byte(dept)) }

// ftsText is the indexed text of a name_key: its bigrams in order, hex.
func ftsText(key string) string {
	var b []byte
	for i, t := range allBigrams(key) {
		if i > 0 {
			b = append(b, ' ')
		}
		b = hex.AppendEncode(b, []byte(t))
	}
	return string(b)
}

// ftsQuery is an FTS5 query of all words, each the phrase of its bigrams,
// and, when depts is not nil, of one of the departments.
func ftsQuery(words, depts []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + ftsText(w) + `"`
	}
	q := strings.Join(parts, " AND ")
	if depts != nil {
		ds := make([]string, len(depts))
		for i, d := range depts {
			ds[i] = ftsDept(d)
		}
		if len(ds) == 0 {
			ds = []string{ftsDept("")} // no department: matches nothing
		}
		q += " AND (" + strings.Join(ds, " OR ") + ")"
	}
	return q
}

// refreshStats: ANALYZE; VACUUM on SQLite would rewrite the whole file.
func (sqlite) refreshStats(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, "ANALYZE")
	return err
}

type postgres struct{}

func (postgres) name() string { return "postgres" }

func (postgres) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }

func (postgres) jsonStrings(col, alias string) string {
	return "jsonb_array_elements_text(CAST(" + col + " AS jsonb)) AS " + alias + "(value)"
}

// jsonHasAny uses jsonb's ?| (does the array hold any of these
// strings): against unfolding the array for each row, 0.24 s instead of
// 0.58 s over 100,000 revisions.
func (postgres) jsonHasAny(col, query string) string {
	return "CAST(" + col + " AS jsonb) ?| ARRAY(" + query + ")"
}

func (postgres) jsonObjects(col, alias string) string {
	return "jsonb_array_elements(CAST(" + col + " AS jsonb)) AS " + alias + "(value)"
}

func (postgres) jsonField(alias, field string) string {
	return "(" + alias + ".value ->> '" + field + "')"
}

func (postgres) commaMembers(col, alias string) string {
	return "unnest(string_to_array(trim(both ',' from " + col + "), ',')) AS " + alias + "(value)"
}

// migrationLockID is an arbitrary constant shared by all app servers.
const migrationLockID = 7301123

func (postgres) lockMigrations(ctx context.Context, t *sql.Tx) error {
	_, err := t.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockID)
	return err
}

// bulkInsert uses COPY through the pgx connection under the transaction:
// the COPY joins the open transaction, so a rollback undoes it too.
func (postgres) bulkInsert(ctx context.Context, t *tx, table string, cols []string, rows [][]any) error {
	return t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}

// insertSQL is INSERT INTO table (cols) VALUES ($1…$n).
func insertSQL(table string, cols []string) string {
	ph := make([]string, len(cols))
	for i := range cols {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(ph, ", ") + ")"
}
