package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"spotcheck"
)

var conflicts = &table[spotcheck.Conflict]{
	name: "conflicts", kind: "conflict", label: "回避关系",
	keyCols: []string{"staff_id", "entity_id", "kind"}, keyLabels: []string{"工号", "检查对象代码", "回避类型"},
	cols: []string{"staff_id", "entity_id", "kind", "reason", "valid_from", "valid_to", "review", "active"},
	fields: func(c *spotcheck.Conflict) []any {
		return []any{&c.StaffID, &c.EntityID, &c.Kind, &c.Reason, &c.From, &c.To, &c.Review, boolCol{&c.Active}}
	},
	meta: func(c *spotcheck.Conflict) (*int, *time.Time, *time.Time) {
		return &c.Version, &c.CreatedAt, &c.UpdatedAt
	},
	orderBy:    "staff_id, entity_id, kind",
	keyOfValue: func(c *spotcheck.Conflict) []any { return []any{c.StaffID, c.EntityID, c.Kind} },
}

// ImportConflicts imports 回避 relations; the inspector and the entity of
// every row must exist.
func (db *DB) ImportConflicts(ctx context.Context, src spotcheck.ImportSource[spotcheck.Conflict]) (spotcheck.ImportSummary, error) {
	im := &importer[spotcheck.Conflict]{
		tb: conflicts, kindName: spotcheck.KindConflicts,
		prepKey: func(c *spotcheck.Conflict) { c.Validate() },
		check: func(ctx context.Context, t *tx, ref *spotcheck.Reference, c, _ *spotcheck.Conflict) spotcheck.Problems {
			ps := c.Validate()
			if c.StaffID != "" && !exists(ctx, t, "inspectors", "staff_id", c.StaffID, &ps) {
				ps.Add("staff_id", "工号", "人员“%s”不存在", c.StaffID)
			}
			if c.EntityID != "" && !exists(ctx, t, "entities", "id", c.EntityID, &ps) {
				ps.Add("entity_id", "检查对象代码", "检查对象“%s”不存在", c.EntityID)
			}
			return ps
		},
	}
	return im.run(ctx, db, src)
}

// exists reports whether table has a row with col = v; a database error is
// added to ps.
func exists(ctx context.Context, q querier, table, col, v string, ps *spotcheck.Problems) bool {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE "+col+" = $1", v).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false
	}
	if err != nil {
		*ps = append(*ps, internalProblem(err)...)
	}
	return true
}

// ExportConflicts calls fn for every conflict.
func (db *DB) ExportConflicts(ctx context.Context, fn func(*spotcheck.Conflict) error) error {
	return conflicts.list(ctx, db.read, nil, nil, "", fn)
}
