package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"spotcheck/internal/pgtest"
)

// The two folders of migrations are written twice, once per dialect, and
// must define the same schema. The test below compares what the databases
// themselves report after migrating — SQLite's sqlite_master and pragmas,
// PostgreSQL's information_schema and pg_index — not the SQL text: tables,
// columns (name, type mapped per dialect, NOT NULL), primary keys, unique
// constraints and indexes (name, columns, unique, partial).

// schema is a database's catalogue, one line per fact, such as
//
//	entities.name text not null
//	entities pk (credit_code)
//	entities unique (seq)
//	entities index entities_dept (dept, name_key)
type schema map[string]bool

func (s schema) add(format string, args ...any) { s[fmt.Sprintf(format, args...)] = true }

// sqliteType maps a declared SQLite column type to the names compared.
func sqliteType(t string) string {
	switch strings.ToUpper(t) {
	case "INTEGER", "INT", "BIGINT":
		return "integer"
	case "TEXT":
		return "text"
	case "BLOB":
		return "blob"
	case "REAL":
		return "real"
	}
	return "sqlite:" + t
}

// postgresType maps a PostgreSQL data type (information_schema) to the
// names compared.
func postgresType(t string) string {
	switch t {
	case "integer", "bigint", "smallint":
		return "integer"
	case "text", "character varying":
		return "text"
	case "bytea":
		return "blob"
	case "double precision", "real":
		return "real"
	}
	return "postgres:" + t
}

// sqliteSchema reads the catalogue of the SQLite database at path.
func sqliteSchema(t *testing.T, path string) schema {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	s := schema{}
	tables := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	for _, tbl := range tables {
		s.add("table %s", tbl)
		rows, err := db.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info($1) ORDER BY pk, cid`, tbl)
		if err != nil {
			t.Fatal(err)
		}
		var pk []string
		for rows.Next() {
			var name, typ string
			var notNull bool
			var pkPos int
			if err := rows.Scan(&name, &typ, &notNull, &pkPos); err != nil {
				t.Fatal(err)
			}
			if pkPos > 0 {
				pk = append(pk, name)
				notNull = true // PostgreSQL makes a primary key NOT NULL
			}
			s.add("%s.%s %s%s", tbl, name, sqliteType(typ), nullText(notNull))
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if len(pk) > 0 {
			s.add("%s pk (%s)", tbl, strings.Join(pk, ", "))
		}
		rows, err = db.QueryContext(ctx, `SELECT name, "unique", origin, partial FROM pragma_index_list($1)`, tbl)
		if err != nil {
			t.Fatal(err)
		}
		type index struct {
			name, origin    string
			unique, partial bool
		}
		var idx []index
		for rows.Next() {
			var x index
			if err := rows.Scan(&x.name, &x.unique, &x.origin, &x.partial); err != nil {
				t.Fatal(err)
			}
			idx = append(idx, x)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		for _, x := range idx {
			cols := queryStrings(t, db, `SELECT coalesce(name, '(expression)') FROM pragma_index_info($1) ORDER BY seqno`, x.name)
			switch x.origin {
			case "pk": // in table_info already
			case "u":
				s.add("%s unique (%s)", tbl, strings.Join(cols, ", "))
			default:
				s.add("%s index %s %s(%s)%s", tbl, x.name, uniqueText(x.unique), strings.Join(cols, ", "), partialText(x.partial))
			}
		}
	}
	return s
}

// postgresSchema reads the catalogue of the schema public of the
// PostgreSQL database at url.
func postgresSchema(t *testing.T, url string) schema {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := schema{}
	for _, tbl := range queryStrings(t, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`) {
		s.add("table %s", tbl)
	}
	for _, c := range queryStrings(t, db, `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
		FROM information_schema.columns WHERE table_schema = 'public'`) {
		var col, typ, nullable string
		fmt.Sscan(strings.NewReplacer("double precision", "double_precision", "character varying", "character_varying").Replace(c), &col, &typ, &nullable)
		typ = strings.ReplaceAll(typ, "_", " ")
		s.add("%s %s%s", col, postgresType(typ), nullText(nullable == "NO"))
	}
	// Every index of a table: its columns (or expressions), whether it is the
	// primary key or backs a unique constraint.
	for _, x := range queryStrings(t, db, `SELECT t.relname || '|' || i.relname || '|' ||
			CASE WHEN x.indisprimary THEN 'pk' WHEN c.contype = 'u' THEN 'u' ELSE 'c' END || '|' ||
			x.indisunique || '|' || (x.indpred IS NOT NULL) || '|' ||
			array_to_string(ARRAY(SELECT CASE WHEN x.indkey[k - 1] = 0 THEN '(expression)' ELSE pg_get_indexdef(x.indexrelid, k, true) END
				FROM generate_series(1, x.indnkeyatts) k ORDER BY k), ', ')
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype IN ('p', 'u')
		WHERE n.nspname = 'public'`) {
		f := strings.Split(x, "|")
		tbl, name, origin, unique, partial, cols := f[0], f[1], f[2], f[3] == "true", f[4] == "true", f[5]
		switch origin {
		case "pk":
			s.add("%s pk (%s)", tbl, cols)
		case "u":
			s.add("%s unique (%s)", tbl, cols)
		default:
			s.add("%s index %s %s(%s)%s", tbl, name, uniqueText(unique), cols, partialText(partial))
		}
	}
	return s
}

func nullText(notNull bool) string {
	if notNull {
		return " not null"
	}
	return ""
}

func uniqueText(unique bool) string {
	if unique {
		return "unique "
	}
	return ""
}

func partialText(partial bool) string {
	if partial {
		return " where …"
	}
	return ""
}

func queryStrings(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// schemaDiff returns the facts of a that b lacks and those of b that a
// lacks, sorted, leaving out those that only names the dialect's own
// search index (design §4), which each database keeps its own way.
func schemaDiff(a, b schema, own func(fact string) bool) (onlyA, onlyB []string) {
	for f := range a {
		if !b[f] && !own(f) {
			onlyA = append(onlyA, f)
		}
	}
	for f := range b {
		if !a[f] && !own(f) {
			onlyB = append(onlyB, f)
		}
	}
	slices.Sort(onlyA)
	slices.Sort(onlyB)
	return onlyA, onlyB
}

// searchIndex reports whether a fact concerns the search index of one
// dialect only: SQLite's FTS5 table entity_fts (and its shadow tables),
// PostgreSQL's postings (store/search_postgres*.go).
func searchIndex(fact string) bool {
	tbl, _, _ := strings.Cut(strings.TrimPrefix(fact, "table "), " ")
	tbl, _, _ = strings.Cut(tbl, ".")
	return tbl == "entity_fts" || strings.HasPrefix(tbl, "entity_fts_") || strings.HasPrefix(tbl, "search_")
}

func TestMigrationsDefineTheSameSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	openDB(t, path)
	url := pgtest.URL(t)
	openDB(t, url)
	lite, pg := sqliteSchema(t, path), postgresSchema(t, url)
	if len(lite) < 100 {
		t.Fatalf("only %d facts read from SQLite", len(lite))
	}
	onlyLite, onlyPG := schemaDiff(lite, pg, searchIndex)
	for _, f := range onlyLite {
		t.Errorf("only on SQLite: %s", f)
	}
	for _, f := range onlyPG {
		t.Errorf("only on PostgreSQL: %s", f)
	}
}

// The comparison fails on a pair that differs: a column, its type, its
// NULL, an index and a unique constraint that one dialect lacks.
func TestMigrationParityCatchesDifferences(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pair.db")
	lite, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	url := pgtest.URL(t)
	pg, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	for db, stmts := range map[*sql.DB][]string{
		lite: {
			`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, body BLOB, extra INTEGER)`,
			`CREATE INDEX t_name ON t (name, id)`,
			`CREATE INDEX t_note ON t (note)`,
		},
		pg: {
			`CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, note TEXT NOT NULL, body TEXT, UNIQUE (name))`,
			`CREATE INDEX t_name ON t (name, id)`,
		},
	} {
		for _, s := range stmts {
			if _, err := db.ExecContext(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
	}
	onlyLite, onlyPG := schemaDiff(sqliteSchema(t, path), postgresSchema(t, url), searchIndex)
	wantLite := []string{"t index t_note (note)", "t.body blob", "t.extra integer", "t.note text"}
	wantPG := []string{"t unique (name)", "t.body text", "t.note text not null"}
	if !slices.Equal(onlyLite, wantLite) || !slices.Equal(onlyPG, wantPG) {
		t.Errorf("differences found:\nonly SQLite %q\nonly PostgreSQL %q\nwant %q and %q", onlyLite, onlyPG, wantLite, wantPG)
	}
}
