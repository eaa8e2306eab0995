package store

import (
	"context"

	"spotcheck"
)

// FindRecordChanges returns the recorded changes of one record, oldest first.
func (db *DB) FindRecordChanges(ctx context.Context, kind, key string) ([]spotcheck.Change, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, kind, record_key, version, action, actor, at, before_json, after_json
		FROM changes WHERE kind = $1 AND record_key = $2 ORDER BY id`, kind, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.Change
	for rows.Next() {
		var c spotcheck.Change
		if err := rows.Scan(&c.ID, &c.Kind, &c.Key, &c.Version, &c.Action, &c.Actor, timeCol{&c.At}, &c.Before, &c.After); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Count returns how many current records of an import kind are stored.
func (db *DB) Count(ctx context.Context, kind string) (int, error) {
	switch kind {
	case spotcheck.KindEntities:
		return entities.count(ctx, db.read, nil, nil)
	case spotcheck.KindInspectors:
		return inspectors.count(ctx, db.read, []string{"expert = 0"}, nil)
	case spotcheck.KindExperts:
		return inspectors.count(ctx, db.read, []string{"expert = 1"}, nil)
	case spotcheck.KindAgencies:
		return agencies.count(ctx, db.read, nil, nil)
	case spotcheck.KindItems:
		return items.count(ctx, db.read, nil, nil)
	case spotcheck.KindResponsibilities:
		return responsibilities.count(ctx, db.read, nil, nil)
	case spotcheck.KindDepartments:
		return departments.count(ctx, db.read, nil, nil)
	case spotcheck.KindConflicts:
		return conflicts.count(ctx, db.read, nil, nil)
	}
	return 0, spotcheck.Errorf(spotcheck.EINVALID, "未知的类别“%s”", kind)
}
