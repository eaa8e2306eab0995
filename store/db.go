package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"spotcheck"
)

// DB is an open database. On SQLite, writes go through a one-connection pool
// whose transactions begin IMMEDIATE, so that concurrent writers queue instead
// of failing with SQLITE_BUSY; reads use a separate pool. On PostgreSQL both
// are the same pool.
type DB struct {
	write   *sql.DB
	read    *sql.DB
	dialect dialect
	// Now is the clock; tests replace it.
	Now func() time.Time
	// log holds the log's signing key (store/ledger.go).
	log logKeyHolder
	// Rand is the source of the platform's draw secrets; nil means
	// crypto/rand. Tests replace it to make draws repeatable.
	Rand io.Reader
	// logger and bg: the background work of the DB and where it reports
	// (store/background.go).
	logger *slog.Logger
	bg     background
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating if needed) the database named by dsn, a SQLite file
// path or a postgres:// URL, and applies the pending migrations.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	db, err := openPools(ctx, dsn, opts...)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.seedReference(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openPools opens the pools of dsn and checks that the database answers,
// without migrating: Restore first checks that the target is empty and
// then creates the schema in its own transaction.
func openPools(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	db := &DB{Now: func() time.Time { return time.Now().UTC() }, logger: slog.Default()}
	for _, o := range opts {
		o(db)
	}
	db.bg.init()
	var err error
	if IsPostgres(dsn) {
		db.dialect = postgres{}
		db.write, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.write.SetMaxOpenConns(16)
		db.write.SetMaxIdleConns(16)
		db.read = db.write
	} else {
		db.dialect = sqlite{}
		if db.write, err = sql.Open("sqlite", sqliteDSN(dsn, true)); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.write.SetMaxOpenConns(1)
		if db.read, err = sql.Open("sqlite", sqliteDSN(dsn, false)); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.read.SetMaxOpenConns(max(4, runtime.NumCPU()))
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("连接数据库失败：%w", err)
	}
	return db, nil
}

// Close stops the background work (and waits until it has stopped), then
// closes both pools.
func (db *DB) Close() error {
	db.stopBackground()
	var err error
	if db.read != nil && db.read != db.write {
		err = db.read.Close()
	}
	if db.write != nil {
		if e := db.write.Close(); e != nil {
			err = e
		}
	}
	return err
}

// Dialect names the database in use: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name() }

// now returns the current time as stored: RFC 3339 UTC, whole seconds.
func (db *DB) now() string { return db.Now().UTC().Format(time.RFC3339) }

// tx is a write transaction together with the connection it runs on, which
// bulk loads on PostgreSQL need.
type tx struct {
	*sql.Tx
	conn *sql.Conn
	db   *DB
	log  *logState // what t appended to the log (store/ledger.go)
}

// beginWrite starts a write transaction on the writer pool.
func (db *DB) beginWrite(ctx context.Context) (*tx, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	t, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &tx{Tx: t, conn: conn, db: db}, nil
}

// commit signs the log's checkpoint if t appended to the log
// (store/ledger.go), then commits and releases the connection.
func (t *tx) commit() error {
	if err := t.sealLog(); err != nil {
		t.rollback()
		return err
	}
	defer t.conn.Close()
	return t.Tx.Commit()
}

// rollback rolls back (if still open) and releases the connection; it is
// safe to defer after commit.
func (t *tx) rollback() {
	_ = t.Tx.Rollback()
	_ = t.conn.Close()
}

// inTx runs fn in a write transaction and commits when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(*tx) error) error {
	t, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	if err := fn(t); err != nil {
		return err
	}
	return t.commit()
}

// notFound is the ENOTFOUND error for a record of kind with key.
func notFound(kind, key string) error {
	return spotcheck.Errorf(spotcheck.ENOTFOUND, "%s“%s”不存在", kind, key)
}

// Ping checks that the database answers a query on the read pool, the pool
// every page waits on: /healthz calls it with a short timeout, so that a
// database that is down, or a read pool that is all taken, shows as
// unhealthy.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// ReadStats returns the statistics of the read pool (on PostgreSQL the one
// pool), for tests that check no request keeps a connection.
func (db *DB) ReadStats() sql.DBStats { return db.read.Stats() }
