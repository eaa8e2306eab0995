package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"spotcheck"
)

// migrations holds one folder per dialect with identical file names,
// applied in name order, forward only.
//
//go:embed migrations
var migrations embed.FS

// migrate applies the migrations that have not run yet, each in its own
// transaction with its bookkeeping row.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	dir := "migrations/" + db.dialect.name()
	names, err := migrationNames(dir)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := db.applyMigration(ctx, dir, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// migrationNames lists the migrations of dir in the order they apply.
func migrationNames(dir string) ([]string, error) {
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

func (db *DB) applyMigration(ctx context.Context, dir, name string) error {
	t, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	if err := db.dialect.lockMigrations(ctx, t.Tx); err != nil {
		return err
	}
	var n int
	if err := t.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(dir + "/" + name)
	if err != nil {
		return err
	}
	for _, stmt := range splitStatements(string(body)) {
		if _, err := t.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w\n%s", err, stmt)
		}
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, db.now()); err != nil {
		return err
	}
	return t.commit()
}

// splitStatements splits a migration at semicolons that end a line. The
// migrations contain no semicolons inside literals or bodies.
func splitStatements(sqlText string) []string {
	var out []string
	for _, s := range strings.Split(sqlText, ";\n") {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			out = append(out, strings.TrimSuffix(strings.Join(lines, "\n"), ";"))
		}
	}
	return out
}

// Migrate applies pending migrations; Open already does, so this exists for
// `spotcheck migrate` to report what the schema is at. It is the
// program's own (a system principal).
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}
