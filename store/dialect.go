package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// dialect holds everything that differs between SQLite and PostgreSQL. All
// other SQL in this package is shared text with $n placeholders.
type dialect interface {
	name() string
	// lockMigrations serialises concurrent migrators inside t.
	lockMigrations(ctx context.Context, t *sql.Tx) error
	// bulkInsert inserts rows into table within t, as fast as the database
	// allows: COPY on PostgreSQL, one prepared statement on SQLite.
	bulkInsert(ctx context.Context, t *tx, table string, cols []string, rows [][]any) error
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

type postgres struct{}

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

// insertSQL is INSERT INTO table (cols) VALUES ($1…$n).
func insertSQL(table string, cols []string) string {
	ph := make([]string, len(cols))
	for i := range cols {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(ph, ", ") + ")"
}
