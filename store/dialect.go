package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// dialect holds everything that differs between SQLite and PostgreSQL. All
// other SQL in this package is shared text with $n placeholders.
type dialect interface {
	name() string
	// lockMigrations serialises concurrent migrators inside t.
	lockMigrations(ctx context.Context, t *sql.Tx) error
	// refreshStats brings the planner statistics (and on PostgreSQL the
	// visibility map, which lets counts skip heap pages) up to date after
	// a large import, outside any transaction.
	refreshStats(ctx context.Context, db *sql.DB) error
	// bulkInsert inserts rows into table within t, as fast as the database
	// allows: COPY on PostgreSQL, one prepared statement on SQLite.
	bulkInsert(ctx context.Context, t *tx, table string, cols []string, rows [][]any) error

	// The search index of entity names (store/search.go): the bigrams of
	// each entity's name_key, by its seq.

	// indexNames indexes new entities: keys[i] is the name_key of seqs[i]
	// and depts[i] its owning department, which the index holds as a term
	// so that a search within a user's departments is answered by the
	// index alone.
	indexNames(ctx context.Context, t *tx, seqs []int64, keys, depts []string) error
	// reindexName replaces the indexed name_key and department of one entity.
	reindexName(ctx context.Context, t *tx, seq int64, key, dept string) error
	// namePostings returns a query of the seqs of the entities whose
	// name_key holds every one of words (each of two runes or more) and,
	// when depts is not nil, that belong to one of depts, in no particular
	// order: a count reads as few rows as it can.
	namePostings(words, depts []string, arg func(any) string) string
	// nameJoin returns a FROM clause that joins the entities, as e, to the
	// matches of words, its condition, and the expression that orders the
	// rows by seq. The join reads the index lazily in seq order where the
	// database can, so that a LIMIT stops it early. few says that the
	// matches are known to be few (at most MaxCount), so that a database
	// without lazy reads collects them all rather than scanning in seq
	// order for them. depts limits the matches as for namePostings.
	nameJoin(words, depts []string, arg func(any) string, few bool) (from, where, order string)
}

type sqlite struct{}

func (sqlite) name() string { return "sqlite" }

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

func (sqlite) namePostings(words, depts []string, arg func(any) string) string {
	return "SELECT rowid FROM entity_fts WHERE entity_fts MATCH " + arg(ftsQuery(words, depts))
}

func (sqlite) nameJoin(words, depts []string, arg func(any) string, _ bool) (from, where, order string) {
	return "entity_fts f CROSS JOIN entities e", "f.entity_fts MATCH " + arg(ftsQuery(words, depts)) + " AND e.seq = f.rowid", "f.rowid"
}

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

// refreshStats: VACUUM ANALYZE of the tables a large import fills; after a
// million-row import it took the city search median from 489 to 196 ms.
func (postgres) refreshStats(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, "VACUUM ANALYZE entities, entity_search")
	return err
}

func (postgres) name() string { return "postgres" }

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

// PostgreSQL's search index is entity_search (seq, tokens text[],
// name_key) with a GIN index on tokens, the distinct bigrams of name_key.
// The bigrams of a word only narrow the rows down; name_key LIKE on the
// same row confirms the word, so that a count reads one table.

func (postgres) indexNames(ctx context.Context, t *tx, seqs []int64, keys, depts []string) error {
	rows := make([][]any, len(seqs))
	for i, seq := range seqs {
		rows[i] = []any{seq, pgTokens(keys[i], depts[i]), keys[i]}
	}
	return postgres{}.bulkInsert(ctx, t, "entity_search", []string{"seq", "tokens", "name_key"}, rows)
}

func (postgres) reindexName(ctx context.Context, t *tx, seq int64, key, dept string) error {
	_, err := t.ExecContext(ctx, `INSERT INTO entity_search (seq, tokens, name_key) VALUES ($1, $2, $3)
		ON CONFLICT (seq) DO UPDATE SET tokens = excluded.tokens, name_key = excluded.name_key`, seq, pgTokens(key, dept), key)
	return err
}

// pgTokens are the indexed tokens of an entity: the bigrams of its
// name_key and "@" and its department, longer than any bigram.
func pgTokens(key, dept string) []string { return append(bigrams(key), "@"+dept) }

func (postgres) namePostings(words, depts []string, arg func(any) string) string {
	return "SELECT seq FROM entity_search WHERE " + pgWords(words, depts, arg)
}

// nameJoin leaves the choice between the GIN (collect the matches, sort
// them) and the seq order (scan, filter) to the planner, except for few
// matches: the planner cannot tell a rare bigram from a frequent one
// outside its most common elements, and a scan in seq order for a rare
// one reads the whole table. So few matches are ordered by seq + 0, which
// no index provides: they are collected through the GIN and sorted.
func (postgres) nameJoin(words, depts []string, arg func(any) string, few bool) (from, where, order string) {
	m := "SELECT seq FROM entity_search WHERE " + pgWords(words, depts, arg)
	if few {
		return "entities e", "e.seq IN (" + m + ")", "e.seq + 0"
	}
	return "entities e", "e.seq IN (" + m + ")", "e.seq"
}

// pgWords is the condition on entity_search that its name holds words
// and, when depts is not nil, that it belongs to one of the departments.
func pgWords(words, depts []string, arg func(any) string) string {
	cond := "tokens @> " + arg(wordBigrams(words))
	if depts != nil {
		ts := make([]string, len(depts))
		for i, d := range depts {
			ts[i] = "@" + d
		}
		cond += " AND tokens && " + arg(ts)
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) > 2 {
			cond += " AND name_key LIKE " + arg("%"+escapeLike(w)+"%") + ` ESCAPE '\'`
		}
	}
	return cond
}

// insertSQL is INSERT INTO table (cols) VALUES ($1…$n).
func insertSQL(table string, cols []string) string {
	ph := make([]string, len(cols))
	for i := range cols {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(ph, ", ") + ")"
}
