package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"spotcheck"
	"spotcheck/ledger"
)

// Restore loads the backup at path into the database dsn, which must be a
// SQLite path that does not exist yet or a PostgreSQL database without
// tables, and returns the size of the log it verified. verifierKey is the
// log's verifier key to check the backup's checkpoints with; "" means the
// key the backup records (which proves only that the backup is the log of
// whoever holds that key, see docs/operations.md).
//
// In order, nothing written until the backup has passed:
//
//  1. the manifest is read and checked (openBackup);
//  2. the backup's log is verified against its signed checkpoints
//     (ledger.VerifyLog over the archive): a bad entry refuses the
//     backup with "第 N 条记录…";
//  3. the target is checked to be new or empty;
//  4. in one transaction: the migrations up to the backup's, the rows of
//     every table in the manifest's order (the migrations' own seed rows
//     replaced), the later migrations, SQLite's search index, and the
//     row counts compared with the manifest; on PostgreSQL the identity
//     counters are set past the restored rows. SQLite writes to a
//     temporary file beside the target, linked into place at the end, so
//     that a failed restore leaves no target behind;
//  5. PostgreSQL's search index is rebuilt.
//
// It is the program's own (a system principal).
func Restore(ctx context.Context, path, dsn, verifierKey string, opts ...Option) (size int64, err error) {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return 0, err
	}
	a, err := openBackup(path)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	if verifierKey == "" {
		verifierKey = a.m.LogKey
	}
	if verifierKey != "" {
		if size, err = ledger.VerifyLog(ctx, archiveLog{a: a, key: verifierKey}, verifierKey); err != nil {
			return 0, err
		}
	} else if a.table("log_entries").Rows > 0 || a.table("log_checkpoints").Rows > 0 {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "备份未记载日志公钥，无法核验其日志：请用 --log-key 指定日志密钥文件或公钥文件")
	}
	if size != a.m.LogSize {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "备份清单记载日志 %d 条记录，核验的日志有 %d 条", a.m.LogSize, size)
	}

	if IsPostgres(dsn) {
		db, err := openPools(ctx, dsn, opts...)
		if err != nil {
			return 0, err
		}
		defer db.Close()
		var n int
		if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
			WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`).Scan(&n); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, spotcheck.Errorf(spotcheck.EINVALID, "目标数据库不是空的（已有 %d 个表）：恢复只写入新建的空数据库", n)
		}
		if err := db.restore(ctx, a); err != nil {
			return 0, err
		}
		return size, db.dialect.rebuildSearch(ctx, db.write)
	}

	if _, err := os.Lstat(dsn); !errors.Is(err, fs.ErrNotExist) {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "目标 %s 已存在：恢复只写入尚不存在的 SQLite 文件", dsn)
	}
	f, err := os.CreateTemp(filepath.Dir(dsn), "."+filepath.Base(dsn)+".restore-*")
	if err != nil {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "无法在目标目录中创建临时文件：%v", err)
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm", tmp + "-journal"} {
			os.Remove(p)
		}
	}()
	db, err := openPools(ctx, tmp, opts...)
	if err != nil {
		return 0, err
	}
	err = db.restore(ctx, a)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	if fi, err := os.Stat(tmp + "-wal"); err == nil && fi.Size() > 0 {
		return 0, fmt.Errorf("restore: the WAL of %s was not checkpointed", tmp)
	}
	// A link never replaces a file that appeared in the meantime.
	if err := os.Link(tmp, dsn); err != nil {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "无法写入目标 %s：%v", dsn, err)
	}
	return size, nil
}

// restore is step 4 of Restore on the empty database db.
func (db *DB) restore(ctx context.Context, a *backupArchive) error {
	dir := "migrations/" + db.dialect.name()
	names, err := migrationNames(dir)
	if err != nil {
		return err
	}
	upTo := slices.Index(names, a.m.Migration)
	if upTo < 0 || !slices.Equal(names[:upTo+1], a.m.Migrations) {
		return spotcheck.Errorf(spotcheck.EINVALID, "备份的数据库结构（迁移 %s）不是本程序的版本所知的：请用不早于备份来源的程序恢复", a.m.Migration)
	}
	t, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	if db.dialect.name() == "sqlite" {
		// Rows of a table that refers to itself may come in any order.
		if _, err := t.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
	}
	if _, err := t.ExecContext(ctx, `CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	if err := db.migrateIn(ctx, t, dir, names[:upTo+1]); err != nil {
		return err
	}
	// The backup must hold every table of its schema: one left out
	// would restore as empty, or with the migrations' seed rows.
	tables, err := tablesInOrder(ctx, t, db.dialect.name())
	if err != nil {
		return err
	}
	for _, name := range tables {
		if a.table(name) == nil {
			return spotcheck.Errorf(spotcheck.EINVALID, "备份缺少表 %s（迁移 %s 的数据库结构中有此表）", name, a.m.Migration)
		}
	}
	types, err := columnKinds(ctx, t, db.dialect.name())
	if err != nil {
		return err
	}
	// The migrations' seed rows (the log head, counters, reference
	// tables) give way to the backup's.
	for _, bt := range slices.Backward(a.m.Tables) {
		if _, ok := types[bt.Name]; !ok {
			return spotcheck.Errorf(spotcheck.EINVALID, "备份中的表 %s 在其迁移版本的数据库结构中不存在", bt.Name)
		}
		if _, err := t.ExecContext(ctx, "DELETE FROM "+bt.Name); err != nil {
			return err
		}
	}
	for i := range a.m.Tables {
		if err := t.loadTable(ctx, a, &a.m.Tables[i], types[a.m.Tables[i].Name]); err != nil {
			return err
		}
	}
	if err := db.migrateIn(ctx, t, dir, names[upTo+1:]); err != nil {
		return err
	}
	if err := t.afterLoad(ctx); err != nil {
		return err
	}
	for _, bt := range a.m.Tables {
		var n int64
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM "+bt.Name).Scan(&n); err != nil {
			return err
		}
		if n != bt.Rows {
			return spotcheck.Errorf(spotcheck.EINVALID, "恢复后表 %s 有 %d 行，备份清单记载 %d 行", bt.Name, n, bt.Rows)
		}
	}
	if err := t.commit(); err != nil {
		return err
	}
	return db.seedReference(ctx)
}

// migrateIn applies the migrations names of dir within t, as migrate
// does each in a transaction of its own.
func (db *DB) migrateIn(ctx context.Context, t *tx, dir string, names []string) error {
	if err := db.dialect.lockMigrations(ctx, t.Tx); err != nil {
		return err
	}
	for _, name := range names {
		body, err := migrations.ReadFile(dir + "/" + name)
		if err != nil {
			return err
		}
		for _, stmt := range splitStatements(string(body)) {
			if _, err := t.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migration %s: %w\n%s", name, err, stmt)
			}
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, db.now()); err != nil {
			return err
		}
	}
	return nil
}

// The kinds of column a restore converts values to, so that a backup of
// one database loads into the other: a SQLite column holds what it was
// given, a PostgreSQL column one type.
const (
	kindText = iota
	kindInt
	kindBytes
)

// columnKinds returns the kind of every column of every table.
func columnKinds(ctx context.Context, t *tx, dialect string) (map[string]map[string]int, error) {
	q := `SELECT m.name, c.name, c.type FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table'`
	if dialect == "postgres" {
		q = `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()`
	}
	rows, err := t.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var tab, col, typ string
		if err := rows.Scan(&tab, &col, &typ); err != nil {
			return nil, err
		}
		if out[tab] == nil {
			out[tab] = map[string]int{}
		}
		switch typ = strings.ToLower(typ); {
		case strings.Contains(typ, "int"):
			out[tab][col] = kindInt
		case typ == "blob" || typ == "bytea":
			out[tab][col] = kindBytes
		default:
			out[tab][col] = kindText
		}
	}
	return out, rows.Err()
}

// convert gives v the kind of its column.
func convert(v any, kind int) (any, error) {
	switch kind {
	case kindInt:
		switch x := v.(type) {
		case string:
			return strconv.ParseInt(x, 10, 64)
		case float64:
			return int64(x), nil
		}
	case kindBytes:
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
	case kindText:
		switch x := v.(type) {
		case int64:
			return strconv.FormatInt(x, 10), nil
		case []byte:
			return string(x), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
	}
	return v, nil
}

// loadTable inserts the rows of bt: on PostgreSQL with one COPY that
// streams from the backup (COPY keeps the identity values it is given),
// on SQLite through one prepared statement.
func (t *tx) loadTable(ctx context.Context, a *backupArchive, bt *BackupTable, kinds map[string]int) error {
	ks := make([]int, len(bt.Columns))
	for i, c := range bt.Columns {
		k, ok := kinds[c]
		if !ok {
			return spotcheck.Errorf(spotcheck.EINVALID, "备份中表 %s 的列 %s 在数据库结构中不存在", bt.Name, c)
		}
		ks[i] = k
	}
	fail := func(line int64, err error) error {
		return spotcheck.Errorf(spotcheck.EINVALID, "恢复表 %s 第 %d 行失败：%v", bt.Name, line, err)
	}
	if t.db.dialect.name() == "postgres" {
		src := &copySource{ctx: ctx, a: a, bt: bt, ks: ks, rows: make(chan []any, 256), done: make(chan struct{}), ended: make(chan struct{})}
		err := t.conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("unexpected driver connection %T", dc)
			}
			go src.produce()
			_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{bt.Name}, bt.Columns, src)
			close(src.done)
			<-src.ended
			return err
		})
		if src.err != nil {
			return src.err
		}
		if err != nil {
			return fail(src.line, err)
		}
		return nil
	}
	stmt, err := t.PrepareContext(ctx, insertSQL(bt.Name, bt.Columns))
	if err != nil {
		return err
	}
	defer stmt.Close()
	return a.scan(ctx, bt, func(line int64, row []any) error {
		for i := range row {
			if row[i], err = convert(row[i], ks[i]); err != nil {
				return fail(line, err)
			}
		}
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			return fail(line, err)
		}
		return nil
	})
}

// copySource is a pgx.CopyFromSource over one table of a backup: a
// goroutine decodes the rows (produce), COPY sends them.
type copySource struct {
	ctx   context.Context
	a     *backupArchive
	bt    *BackupTable
	ks    []int
	rows  chan []any
	done  chan struct{} // closed when COPY has ended
	ended chan struct{} // closed when produce has
	cur   []any
	line  int64 // the line of cur
	err   error // of produce, read after rows is closed
}

func (s *copySource) produce() {
	defer close(s.ended)
	defer close(s.rows)
	s.err = s.a.scan(s.ctx, s.bt, func(line int64, row []any) error {
		r := make([]any, len(row))
		for i, v := range row {
			var err error
			if r[i], err = convert(v, s.ks[i]); err != nil {
				return spotcheck.Errorf(spotcheck.EINVALID, "恢复表 %s 第 %d 行失败：%v", s.bt.Name, line, err)
			}
		}
		select {
		case s.rows <- r:
			return nil
		case <-s.done:
			return errors.New("copy ended")
		}
	})
}

func (s *copySource) Next() bool {
	r, ok := <-s.rows
	if ok {
		s.cur = r
		s.line++
	}
	return ok
}

func (s *copySource) Values() ([]any, error) { return s.cur, nil }

// Err reports produce's error once all rows are taken.
func (s *copySource) Err() error { return s.err }

// afterLoad rebuilds in t what the rows imply: SQLite's search index
// (kept by every write, so it must hold every restored entity), and on
// PostgreSQL the next value of every identity column.
func (t *tx) afterLoad(ctx context.Context) error {
	if t.db.dialect.name() == "postgres" {
		rows, err := t.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND is_identity = 'YES'`)
		if err != nil {
			return err
		}
		var ids [][2]string
		for rows.Next() {
			var tab, col string
			if err := rows.Scan(&tab, &col); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, [2]string{tab, col})
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := t.ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), coalesce(max(%s), 0) + 1, false) FROM %s`,
				id[0], id[1], id[1], id[0])); err != nil {
				return err
			}
		}
		return nil
	}
	var last int64 = -1 << 62
	for {
		rows, err := t.QueryContext(ctx, `SELECT seq, name_key, dept FROM entities WHERE seq > $1 ORDER BY seq LIMIT 10000`, last)
		if err != nil {
			return err
		}
		var seqs []int64
		var keys, depts []string
		for rows.Next() {
			var seq int64
			var key, dept string
			if err := rows.Scan(&seq, &key, &dept); err != nil {
				rows.Close()
				return err
			}
			seqs, keys, depts = append(seqs, seq), append(keys, key), append(depts, dept)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if len(seqs) == 0 {
			return nil
		}
		if err := t.db.dialect.indexNames(ctx, t, seqs, keys, depts); err != nil {
			return err
		}
		last = seqs[len(seqs)-1]
	}
}
