package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"spotcheck"
)

// BenchPublications fills the world of the portal's search benchmark
// (spotcheck bench results): for up to n entities of the directory that
// have no inspection in tmpl's draw, an inspection of that draw and a
// publication whose record is tmpl's — a real publication, made through
// PublishInspection — with the entity's name and credit code put in.
// Two INSERT … SELECT statements in one transaction, then the planner's
// statistics of both tables: a million publications through PublishInspection would
// append a million log entries, which is not what is measured. Only a
// system principal may call it, and it is never called but by the bench.
func (db *DB) BenchPublications(ctx context.Context, tmpl *spotcheck.Publication, n int) (added int64, err error) {
	defer wrap(&err, "bench publications")
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return 0, err
	}
	err = db.inTx(ctx, func(t *tx) error {
		var drawID int64
		var team, items, at, record, publishedAt string
		if err := t.QueryRowContext(ctx, `SELECT i.draw_id, i.team, i.items, i.created_at, p.record, p.published_at
			FROM publications p JOIN inspections i ON i.id = p.inspection_id WHERE p.id = $1`,
			tmpl.ID).Scan(&drawID, &team, &items, &at, &record, &publishedAt); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, fmt.Sprintf(`INSERT INTO inspections (task, draw_id, entity_id, dept, team, items, revision, state, created_at)
			SELECT $1, $2, e.id, e.dept, $3, $4, 1, $5, $6 FROM entities e
			WHERE NOT EXISTS (SELECT 1 FROM inspections i WHERE i.draw_id = $2 AND i.entity_id = e.id)
			ORDER BY e.seq LIMIT %d`, n), tmpl.Task, drawID, team, items, spotcheck.InspectionPublished, at)
		if err != nil {
			return err
		}
		if added, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `INSERT INTO publications (inspection_id, revision, version, original_id, corrects, reason,
			task, dept, entity_id, record, due, published_on, published_at, published_by, display_until, log_index)
			SELECT i.id, 1, 1, i.id, 0, '', i.task, i.dept, i.entity_id,
				replace(replace($1, $2, e.name), $3, e.id), $4, $5, $6, $7, $8, $9
			FROM inspections i JOIN entities e ON e.id = i.entity_id
			WHERE i.draw_id = $10 AND i.state = $11 AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.inspection_id = i.id)`,
			record, jsonText(tmpl.Record.EntityName), jsonText(tmpl.Entity), tmpl.Due, tmpl.PublishedOn, publishedAt,
			tmpl.PublishedBy, tmpl.DisplayUntil, tmpl.LogIndex, drawID, spotcheck.InspectionPublished)
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, table := range []string{"inspections", "publications"} {
		if _, err := db.write.ExecContext(ctx, "ANALYZE "+table); err != nil {
			return added, err
		}
	}
	return added, nil
}

// jsonText is s as it appears inside a JSON string (quotes stripped).
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return strings.TrimSuffix(strings.TrimPrefix(string(b), `"`), `"`)
}
