package store

import (
	"context"
	"fmt"
	"strings"

	"spotcheck"
)

// FindRecordChanges returns the recorded changes of one record, oldest
// first, for the audit trail (PermViewAudit).
func (db *DB) FindRecordChanges(ctx context.Context, kind, key string) ([]spotcheck.Change, error) {
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewAudit, ""); err != nil {
		return nil, err
	}
	return findChanges(ctx, db.read, "kind = $1 AND record_key = $2 ORDER BY id", kind, key)
}

// change is one row of the change history as its writer takes it.
type change struct {
	kind, key, action string
	// version is the record's version after the change; 0 for a record
	// without a version column, whose changes writeChange numbers.
	version       int
	before, after string // the record before and after, JSON; "" for none
	batch         int64  // the import batch; 0 for none
}

// writeChange is the one writer of the change history; every recorded
// change goes through it, in the transaction that makes the change, with
// the actor of ctx.
//
// A change's Version is the version of its record after the change. A
// directory or list record keeps that in its version column (the caller
// passes it; a row created by an import has version 1 and no change of
// its own, the import batch records it). A record without one (accounts,
// API tokens, settings, tasks, draws) is numbered by its changes: the
// first is 1, each next one more than the last.
func writeChange(ctx context.Context, t *tx, c change) error {
	var batch, version any
	if c.batch > 0 {
		batch = c.batch
	}
	if c.version > 0 {
		version = c.version
	}
	_, err := t.ExecContext(ctx, `INSERT INTO changes (kind, record_key, version, action, actor, at, batch, before_json, after_json)
		VALUES ($1, $2, COALESCE($3, (SELECT COALESCE(MAX(version), 0) + 1 FROM changes WHERE kind = $1 AND record_key = $2)),
			$4, $5, $6, $7, $8, $9)`,
		c.kind, c.key, version, c.action, actorID(ctx), t.db.now(), batch, c.before, c.after)
	return err
}

// writeChanges writes many changes at once, for a step that changes a
// great many records in one transaction (a reclassification); each must
// carry its record's version (see writeChange).
func writeChanges(ctx context.Context, t *tx, cs []change) error {
	at, actor := t.db.now(), actorID(ctx)
	rows := make([][]any, len(cs))
	for i, c := range cs {
		if c.version <= 0 {
			return fmt.Errorf("change of %s %s without a version", c.kind, c.key)
		}
		var batch any
		if c.batch > 0 {
			batch = c.batch
		}
		rows[i] = []any{c.kind, c.key, c.version, c.action, actor, at, batch, c.before, c.after}
	}
	return t.db.dialect.bulkInsert(ctx, t, "changes",
		[]string{"kind", "record_key", "version", "action", "actor", "at", "batch", "before_json", "after_json"}, rows)
}

const changeCols = "id, kind, record_key, version, action, actor, at, before_json, after_json"

func findChanges(ctx context.Context, q querier, where string, args ...any) ([]spotcheck.Change, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+changeCols+" FROM changes WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.Change{}
	for rows.Next() {
		var c spotcheck.Change
		if err := rows.Scan(&c.ID, &c.Kind, &c.Key, &c.Version, &c.Action, &c.Actor, timeCol{&c.At}, &c.Before, &c.After); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindChanges returns one page of the recorded changes that match f, newest
// first. The audit trail needs PermViewAudit; the history of one record
// (f.Kind and f.Key set) is also open to whoever may view the record.
func (sv *ChangeService) FindChanges(ctx context.Context, f spotcheck.ChangeFilter) (_ spotcheck.List[spotcheck.Change], err error) {
	db := sv.db
	defer wrap(&err, "find changes", f.Kind, f.Key)
	out := spotcheck.List[spotcheck.Change]{Items: []spotcheck.Change{}}
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewAudit, ""); err != nil {
		if f.Kind == "" || f.Key == "" {
			return out, err
		}
		if err := db.authorizeHistory(ctx, f.Kind, f.Key); err != nil {
			return out, err
		}
	}
	var c conds
	c.eq("kind", f.Kind)
	c.eq("record_key", f.Key)
	c.eq("actor", f.Actor)
	out.Offset, out.Limit = pageOf(f.Offset, f.Limit)
	out.Total, out.More, err = countCapped(ctx, db.read, "SELECT 1 FROM changes WHERE "+c.where(), c.args)
	if err != nil {
		return out, err
	}
	out.Items, err = findChanges(ctx, db.read, fmt.Sprintf("%s ORDER BY id DESC LIMIT %d OFFSET %d", c.where(), out.Limit, out.Offset), c.args...)
	return out, err
}

// authorizeHistory checks that the user in ctx may view the record of kind
// with key (as the change history writes it), whose history it asks for;
// a record they may not see is answered as missing, as FindXByID does.
func (db *DB) authorizeHistory(ctx context.Context, kind, key string) error {
	var err error
	switch parts := strings.Split(key, "|"); {
	case kind == entities.kind:
		_, err = db.Entities().FindEntityByID(ctx, key)
	case kind == inspectors.kind:
		_, err = db.Inspectors().FindInspectorByID(ctx, key)
	case kind == agencies.kind:
		err = spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, "")
	case kind == conflicts.kind && len(parts) == 3:
		var e *spotcheck.Entity
		if e, err = entities.findOne(ctx, db.read, parts[1]); err == nil {
			err = spotcheck.AuthorizeViewCtx(ctx, spotcheck.PermViewDirectory, e.Dept, conflicts.missing(parts[0], parts[1], parts[2]))
		}
	case kind == items.kind, kind == responsibilities.kind:
		// The two lists are published whole.
		err = spotcheck.Authorize(ctx, spotcheck.PermViewLists, "")
	case kind == departments.kind:
		err = spotcheck.Authorize(ctx, spotcheck.PermViewDepartments, "")
	default:
		err = spotcheck.Authorize(ctx, spotcheck.PermViewAudit, "")
	}
	return err
}

// Count returns how many current records of an import kind are stored,
// whatever their department: for the program itself (a system principal).
func (db *DB) Count(ctx context.Context, kind string) (int, error) {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return 0, err
	}
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
	case spotcheck.KindComplaints:
		return complaints.count(ctx, db.read, nil, nil)
	case spotcheck.KindPenalties:
		return penalties.count(ctx, db.read, nil, nil)
	}
	return 0, spotcheck.Errorf(spotcheck.EINVALID, "未知的类别“%s”", kind)
}
