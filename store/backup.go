package store

import (
	"archive/zip"
	"compress/flate"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"spotcheck"
)

// A backup (spotcheck backup, issue 13) is one zip file in the same form
// for both databases, so that a SQLite installation moves to PostgreSQL
// (and back) by a backup and a restore:
//
//	tables/<table>.jsonl  one member per table: a JSON array per row, the
//	                      values in the manifest's column order
//	manifest.json         BackupManifest, written last (it holds the counts)
//
// A value is null, an integer (a JSON number), a text (a JSON string), or
// an object for what JSON cannot hold as such: {"b":"<base64>"} bytes,
// {"s":"<base64>"} a text that is not valid UTF-8, {"f":"<decimal>"} a
// floating-point number. The schema has nothing else (booleans are 0/1,
// times RFC 3339 text).
//
// Every table is read in one read transaction: on SQLite in WAL mode that
// is one snapshot of the file, on PostgreSQL a REPEATABLE READ, READ ONLY
// transaction; so a backup taken while the server writes is the database
// as it was at one instant, attachments (rows of attachments) included.
// What is derived from other rows (the search indexes: SQLite's
// entity_fts, PostgreSQL's search_* tables) is left out and rebuilt by
// Restore; so are schema_migrations, which the manifest names instead.
// The log's signing key is not in the database and not in the backup; the
// manifest records its verifier key (public) when the caller gives it.

const (
	backupFormat   = "spotcheck-backup"
	backupVersion  = 1
	backupManifest = "manifest.json"
)

// BackupManifest describes a backup: the member manifest.json.
type BackupManifest struct {
	Format  string `json:"format"`  // "spotcheck-backup"
	Version int    `json:"version"` // of this format: 1
	// Dialect is the source database: "sqlite" or "postgres".
	Dialect string `json:"dialect"`
	// Migration is the last migration applied to the source; Migrations
	// all of them, in order.
	Migration  string   `json:"migration"`
	Migrations []string `json:"migrations"`
	// CreatedAt is when the backup's transaction began (RFC 3339 UTC).
	CreatedAt string `json:"created_at"`
	// LogKey is the log's verifier key when the backup was given it.
	LogKey string `json:"log_key,omitempty"`
	// LogSize is the size of the log in the backup (log_head).
	LogSize int64 `json:"log_size"`
	// Tables in an order that satisfies the foreign keys.
	Tables []BackupTable `json:"tables"`
}

// BackupTable is one table of a backup.
type BackupTable struct {
	Name    string   `json:"name"`
	File    string   `json:"file"`
	Columns []string `json:"columns"`
	Rows    int64    `json:"rows"`
}

// derivedTable reports whether a table is left out of backups: rebuilt
// from other rows (search indexes) or described by the manifest.
func derivedTable(name string) bool {
	switch name {
	case "schema_migrations", "search_postings", "search_terms", "search_dirty", "search_state":
		return true
	}
	return strings.HasPrefix(name, "entity_fts") || strings.HasPrefix(name, "sqlite_")
}

// orderedBy names the columns whose order the log's tables are written
// in: VerifyLog reads them in index order.
var orderedBy = map[string]string{"log_entries": "idx", "log_hashes": "idx", "log_checkpoints": "size"}

// Backup writes a backup of the whole database to w and returns its
// manifest; logKey is the log's verifier key to record ("" for none). It
// is the program's own (a system principal).
func (db *DB) Backup(ctx context.Context, w io.Writer, logKey string) (*BackupManifest, error) {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return nil, err
	}
	var opts *sql.TxOptions
	if db.dialect.name() == "postgres" {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	rt, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer rt.Rollback()
	// The first read starts SQLite's snapshot.
	m := &BackupManifest{Format: backupFormat, Version: backupVersion, Dialect: db.dialect.name(), CreatedAt: db.now(), LogKey: logKey}
	rows, err := rt.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		m.Migrations = append(m.Migrations, n)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(m.Migrations) > 0 {
		m.Migration = m.Migrations[len(m.Migrations)-1]
	}
	if err := rt.QueryRowContext(ctx, `SELECT size FROM log_head WHERE id = 1`).Scan(&m.LogSize); err != nil {
		return nil, err
	}
	names, err := tablesInOrder(ctx, rt, db.dialect.name())
	if err != nil {
		return nil, err
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	for _, name := range names {
		bt, err := backupTable(ctx, rt, zw, name)
		if err != nil {
			return nil, fmt.Errorf("备份表 %s：%w", name, err)
		}
		m.Tables = append(m.Tables, *bt)
	}
	mw, err := zw.CreateHeader(&zip.FileHeader{Name: backupManifest, Method: zip.Deflate})
	if err != nil {
		return nil, err
	}
	enc := json.NewEncoder(mw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return m, rt.Commit()
}

// backupTable writes the rows of one table as the member tables/<name>.jsonl.
func backupTable(ctx context.Context, rt *sql.Tx, zw *zip.Writer, name string) (*BackupTable, error) {
	q := "SELECT * FROM " + name
	if col, ok := orderedBy[name]; ok {
		q += " ORDER BY " + col
	}
	rows, err := rt.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	bt := &BackupTable{Name: name, File: "tables/" + name + ".jsonl", Columns: cols}
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: bt.File, Method: zip.Deflate})
	if err != nil {
		return nil, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var line []byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		line = append(line[:0], '[')
		for i, v := range vals {
			if i > 0 {
				line = append(line, ',')
			}
			if line, err = appendValue(line, v); err != nil {
				return nil, fmt.Errorf("列 %s：%w", cols[i], err)
			}
		}
		line = append(line, ']', '\n')
		if _, err := fw.Write(line); err != nil {
			return nil, err
		}
		bt.Rows++
	}
	return bt, rows.Err()
}

// appendValue appends the backup's encoding of one column value.
func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case bool:
		if v {
			return append(b, '1'), nil
		}
		return append(b, '0'), nil
	case string:
		if !utf8.ValidString(v) {
			b = append(b, `{"s":"`...)
			return append(base64.StdEncoding.AppendEncode(b, []byte(v)), `"}`...), nil
		}
		return appendJSONString(b, v), nil
	case []byte:
		b = append(b, `{"b":"`...)
		return append(base64.StdEncoding.AppendEncode(b, v), `"}`...), nil
	case float64:
		b = append(b, `{"f":"`...)
		return append(strconv.AppendFloat(b, v, 'g', -1, 64), `"}`...), nil
	}
	return nil, fmt.Errorf("备份不支持 %T 类型的值", v)
}

// appendJSONString appends s (valid UTF-8) as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// tablesInOrder lists the tables a backup holds, each after the tables
// its foreign keys refer to (by name where the keys leave a choice), from
// the catalog of the database.
func tablesInOrder(ctx context.Context, q querier, dialect string) ([]string, error) {
	var listQ, fkQ string
	if dialect == "postgres" {
		listQ = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
		fkQ = `SELECT c.relname, f.relname FROM pg_constraint k
			JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE k.contype = 'f' AND n.nspname = current_schema()`
	} else {
		listQ = `SELECT name FROM sqlite_master WHERE type = 'table'`
		fkQ = `SELECT m.name, f."table" FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`
	}
	names, err := queryStrings(ctx, q, listQ)
	if err != nil {
		return nil, err
	}
	names = slices.DeleteFunc(names, derivedTable)
	slices.Sort(names)
	deps := map[string][]string{}
	rows, err := q.QueryContext(ctx, fkQ)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, err
		}
		if from != to {
			deps[from] = append(deps[from], to)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Depth-first: a table after everything it refers to.
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("外键成环：%s", n)
		case 2:
			return nil
		}
		state[n] = 1
		ds := slices.Clone(deps[n])
		slices.Sort(ds)
		for _, d := range ds {
			if slices.Contains(names, d) {
				if err := visit(d); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		out = append(out, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}
