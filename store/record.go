package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"spotcheck"
)

// table describes how one kind of directory or list record is stored, so
// that finding, importing, exporting and history are written once for all
// kinds. fields returns, in cols order, pointers or column adapters into a
// record: they serve both as scan destinations and as argument values.
type table[T any] struct {
	name       string   // SQL table
	kind       string   // change kind, ASCII ("entity")
	label      string   // Chinese name for messages (检查对象)
	keyCols    []string // primary key columns (without version)
	cols       []string // data columns, key columns first
	fields     func(*T) []any
	meta       func(*T) (version *int, created, updated *time.Time)
	versioned  bool   // a change inserts a new version row (items)
	orderBy    string // ORDER BY of lists and exports
	keyLabels  []string
	keyOfValue func(*T) []any
	// active reports whether a record is in use, so that a change can be
	// recorded as deactivate or reactivate; nil for kinds without a flag.
	active func(*T) bool
	// onInsert, when set, runs before new records are inserted: it keeps
	// tables derived from them (the search index) and returns columns to
	// store beyond cols, with their values for each record.
	onInsert func(ctx context.Context, t *tx, recs []*T) (cols []string, vals [][]any, err error)
	// onUpdate, when set, runs after a record has replaced old.
	onUpdate func(ctx context.Context, t *tx, old, v *T) error
}

// metaCols are stored after the data columns of every table.
var metaCols = []string{"version", "created_at", "updated_at"}

func (tb *table[T]) selectCols() string {
	return strings.Join(append(append([]string{}, tb.cols...), metaCols...), ", ")
}

// current is the condition that selects current rows: the latest version
// of versioned tables, every row of the others.
func (tb *table[T]) current() string {
	if tb.versioned {
		return "latest = 1"
	}
	return "1 = 1"
}

// keyString joins a record's key values for messages and the change log.
func (tb *table[T]) keyString(v *T) string {
	parts := make([]string, 0, len(tb.keyCols))
	for _, k := range tb.keyOfValue(v) {
		parts = append(parts, fmt.Sprint(k))
	}
	return strings.Join(parts, "|")
}

// scanDest returns the scan destinations for a selectCols row into v.
func (tb *table[T]) scanDest(v *T) []any {
	ver, created, updated := tb.meta(v)
	return append(tb.fields(v), ver, timeCol{created}, timeCol{updated})
}

// querier is what both *sql.DB and *tx offer for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// findOne loads the current record with the given key values.
func (tb *table[T]) findOne(ctx context.Context, q querier, key ...any) (*T, error) {
	var conds []string
	for i, c := range tb.keyCols {
		conds = append(conds, fmt.Sprintf("%s = $%d", c, i+1))
	}
	v := new(T)
	err := q.QueryRowContext(ctx, "SELECT "+tb.selectCols()+" FROM "+tb.name+" WHERE "+tb.current()+
		" AND "+strings.Join(conds, " AND "), key...).Scan(tb.scanDest(v)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tb.missing(key...)
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// missing is the ENOTFOUND error of the record with the given key values:
// the answer for a record that does not exist, and for one the user may
// not see.
func (tb *table[T]) missing(key ...any) error {
	parts := make([]string, len(key))
	for i, k := range key {
		parts[i] = fmt.Sprint(k)
	}
	return notFound(tb.label, strings.Join(parts, " / "))
}

// findMany loads the current records of the given keys (one key tuple per
// element) into a map by keyString.
func (tb *table[T]) findMany(ctx context.Context, q querier, recs []*T) (map[string]*T, error) {
	out := make(map[string]*T, len(recs))
	if len(recs) == 0 {
		return out, nil
	}
	var conds []string
	var args []any
	if len(tb.keyCols) == 1 {
		ph := make([]string, len(recs))
		for i, r := range recs {
			args = append(args, tb.keyOfValue(r)[0])
			ph[i] = fmt.Sprintf("$%d", i+1)
		}
		conds = append(conds, tb.keyCols[0]+" IN ("+strings.Join(ph, ", ")+")")
	} else {
		for _, r := range recs {
			var and []string
			for i, k := range tb.keyOfValue(r) {
				args = append(args, k)
				and = append(and, fmt.Sprintf("%s = $%d", tb.keyCols[i], len(args)))
			}
			conds = append(conds, "("+strings.Join(and, " AND ")+")")
		}
	}
	rows, err := q.QueryContext(ctx, "SELECT "+tb.selectCols()+" FROM "+tb.name+" WHERE "+tb.current()+
		" AND ("+strings.Join(conds, " OR ")+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		v := new(T)
		if err := rows.Scan(tb.scanDest(v)...); err != nil {
			return nil, err
		}
		out[tb.keyString(v)] = v
	}
	return out, rows.Err()
}

// list runs a SELECT of current records with extra conditions, ordered,
// calling fn for each row as it streams from the database.
func (tb *table[T]) list(ctx context.Context, q querier, where []string, args []any, tail string, fn func(*T) error) error {
	conds := append([]string{tb.current()}, where...)
	rows, err := q.QueryContext(ctx, "SELECT "+tb.selectCols()+" FROM "+tb.name+" WHERE "+
		strings.Join(conds, " AND ")+" ORDER BY "+tb.orderBy+" "+tail, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v := new(T)
		if err := rows.Scan(tb.scanDest(v)...); err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// count counts current records matching where.
func (tb *table[T]) count(ctx context.Context, q querier, where []string, args []any) (int, error) {
	conds := append([]string{tb.current()}, where...)
	var n int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+tb.name+" WHERE "+strings.Join(conds, " AND "), args...).Scan(&n)
	return n, err
}

// insertRows writes new records as version 1.
func (tb *table[T]) insertRows(ctx context.Context, t *tx, recs []*T) error {
	if len(recs) == 0 {
		return nil
	}
	now := t.db.Now().UTC().Truncate(time.Second)
	cols := append(append([]string{}, tb.cols...), metaCols...)
	rows := make([][]any, len(recs))
	for i, r := range recs {
		ver, created, updated := tb.meta(r)
		*ver, *created, *updated = 1, now, now
		vals, err := values(tb.scanDest(r))
		if err != nil {
			return err
		}
		rows[i] = vals
	}
	if tb.onInsert != nil {
		extra, vals, err := tb.onInsert(ctx, t, recs)
		if err != nil {
			return err
		}
		cols = append(cols, extra...)
		for i := range rows {
			rows[i] = append(rows[i], vals[i]...)
		}
	}
	return t.db.dialect.bulkInsert(ctx, t, tb.name, cols, rows)
}

// updateRow replaces old by v: versioned tables get a new version row,
// others an update guarded by the old version (optimistic locking), and the
// change is recorded with both states.
func (tb *table[T]) updateRow(ctx context.Context, t *tx, old, v *T, action string, batch int64) error {
	oldVer, oldCreated, _ := tb.meta(old)
	ver, created, updated := tb.meta(v)
	now := t.db.Now().UTC().Truncate(time.Second)
	*ver, *created, *updated = *oldVer+1, *oldCreated, now
	key := tb.keyOfValue(old)
	if tb.versioned {
		*created = now
		res, err := t.ExecContext(ctx, "UPDATE "+tb.name+" SET latest = 0 WHERE "+tb.keyCols[0]+" = $1 AND version = $2 AND latest = 1",
			key[0], *oldVer)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleError(tb.label, tb.keyString(old))
		}
		if err := t.db.dialect.bulkInsert(ctx, t, tb.name, append(append([]string{}, tb.cols...), metaCols...), [][]any{mustValues(tb.scanDest(v))}); err != nil {
			return err
		}
	} else {
		sets := make([]string, 0, len(tb.cols))
		args := mustValues(tb.fields(v))
		for i, c := range tb.cols {
			sets = append(sets, fmt.Sprintf("%s = $%d", c, i+1))
		}
		args = append(args, *ver, timeCol{updated})
		sets = append(sets, fmt.Sprintf("version = $%d", len(args)-1), fmt.Sprintf("updated_at = $%d", len(args)))
		var conds []string
		for i, c := range tb.keyCols {
			args = append(args, key[i])
			conds = append(conds, fmt.Sprintf("%s = $%d", c, len(args)))
		}
		args = append(args, *oldVer)
		conds = append(conds, fmt.Sprintf("version = $%d", len(args)))
		res, err := t.ExecContext(ctx, "UPDATE "+tb.name+" SET "+strings.Join(sets, ", ")+" WHERE "+strings.Join(conds, " AND "), args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleError(tb.label, tb.keyString(old))
		}
	}
	if tb.onUpdate != nil {
		if err := tb.onUpdate(ctx, t, old, v); err != nil {
			return err
		}
	}
	return tb.recordChange(ctx, t, tb.keyString(v), *ver, action, old, v, batch)
}

// staleError is the ECONFLICT of optimistic locking.
func staleError(label, key string) error {
	return spotcheck.Errorf(spotcheck.ECONFLICT, "%s“%s”已被他人修改，请刷新后重试", label, key)
}

// changeAction names a change of old to v for the history: deactivate and
// reactivate when the record's active flag flips, else update.
func (tb *table[T]) changeAction(old, v *T) string {
	switch {
	case tb.active == nil || tb.active(old) == tb.active(v):
		return "update"
	case tb.active(v):
		return "reactivate"
	}
	return "deactivate"
}

// recordChange appends the change of a versioned record to the change
// history: version is the record's version after the change.
func (tb *table[T]) recordChange(ctx context.Context, t *tx, key string, version int, action string, before, after *T, batch int64) error {
	c, err := tb.changeOf(key, version, action, before, after, batch)
	if err != nil {
		return err
	}
	return writeChange(ctx, t, c)
}

// changeOf is the change of a versioned record from before to after, as
// the change history keeps it.
func (tb *table[T]) changeOf(key string, version int, action string, before, after *T, batch int64) (change, error) {
	b, err := recordJSON(before)
	if err != nil {
		return change{}, err
	}
	a, err := recordJSON(after)
	if err != nil {
		return change{}, err
	}
	return change{kind: tb.kind, key: key, version: version, action: action, before: b, after: a, batch: batch}, nil
}

// recordJSON is the JSON of a record for the change history; "" for none.
func recordJSON[T any](v *T) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func mustValues(args []any) []any {
	v, err := values(args)
	if err != nil {
		panic(err) // the adapters' Value methods cannot fail
	}
	return v
}

// actorID names who acts, for the change history.
func actorID(ctx context.Context) string {
	if a := spotcheck.ActorFromContext(ctx); a.ID != "" {
		return a.ID
	}
	return "system"
}

// rules are what differs between kinds when records are written, whether
// by an import (import.go) or by a Save method (save), so that both apply
// the same checks and the same authorisation.
type rules[T any] struct {
	tb   *table[T]
	perm spotcheck.Permission // the permission to write records of the kind
	// view, when set, is the permission to see records of the kind, which
	// users see within their scope only: a record outside it is answered
	// as missing, even when a write is refused (spotcheck.AuthorizeView).
	// Kinds that every holder of their permission sees leave it empty.
	view spotcheck.Permission
	// key derives a record's key before it is looked up: the normalised
	// code, or for a person the id from the 导游证号.
	key func(v *T)
	// check validates v (the domain's Validate plus the checks that need
	// other tables); old is the stored record or nil.
	check func(ctx context.Context, t *tx, ref *spotcheck.Reference, v, old *T) spotcheck.Problems
	// owners returns who keeps the record before and after a change of
	// old (nil for a new record) into v, once v is checked; every one
	// must be the user's to change (spotcheck.AuthorizeChange).
	owners func(ctx context.Context, t *tx, v, old *T) ([]owner, error)
	// ownersFirst is set when owners depend neither on the stored record
	// nor on what check derives (agencies, items): a record is then
	// authorised before it is looked up or validated, so that a user who
	// may not write it is refused whatever they send.
	ownersFirst bool
	// finish checks what one record cannot show alone (parent links),
	// after the records were written; rowOf maps the written keys to their
	// rows. Its problems concern finishField.
	finish      func(ctx context.Context, t *tx, rowOf map[string]int) []spotcheck.RowError
	finishField string
	// after runs once the records are written and checked (the owners of
	// entities follow the department tree).
	after func(ctx context.Context, t *tx) error
}

// save creates or updates one record in its own transaction, as the Save
// methods of the directory and list services do. A record with version 0 is
// created (ECONFLICT when its key exists); otherwise its version must be
// the stored one (ECONFLICT when someone saved in between). The user
// needs r.perm for the old and the new state of the record; v is checked
// exactly as an import row is, its problems returned as a
// *spotcheck.InvalidError. The change is recorded as create, update,
// deactivate or reactivate; a save that changes nothing records nothing.
// On success v holds the stored version and times.
func (r *rules[T]) save(ctx context.Context, db *DB, v *T) error {
	if err := spotcheck.Authorize(ctx, r.perm, ""); err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		ref, err := loadReference(ctx, t)
		if err != nil {
			return err
		}
		r.key(v)
		if r.ownersFirst {
			if err := r.authorizeOwners(ctx, t, v, nil); err != nil {
				return err
			}
		}
		ver, _, _ := r.tb.meta(v)
		old, err := r.tb.findOne(ctx, t, r.tb.keyOfValue(v)...)
		switch {
		case spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND:
			if *ver != 0 {
				return err
			}
			old = nil
		case err != nil:
			return err
		default:
			// Authorise first: a user may not learn anything about a
			// record outside their scope, not even its version; one who
			// may not see it is told that it does not exist, unless they
			// try to create it.
			if err := r.authorizeStored(ctx, t, old); err != nil {
				if *ver == 0 && spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND {
					return spotcheck.Errorf(spotcheck.ECONFLICT, "%s“%s”已存在", r.tb.label, r.tb.keyString(old))
				}
				return err
			}
			if *ver == 0 {
				return spotcheck.Errorf(spotcheck.ECONFLICT, "%s“%s”已存在", r.tb.label, r.tb.keyString(old))
			}
			if oldVer, _, _ := r.tb.meta(old); *oldVer != *ver {
				return staleError(r.tb.label, r.tb.keyString(old))
			}
		}
		if err := r.check(ctx, t, ref, v, old).Err(); err != nil {
			return err
		}
		if err := r.authorizeOwners(ctx, t, v, old); err != nil {
			return err
		}
		switch {
		case old == nil:
			if err := r.tb.insertRows(ctx, t, []*T{v}); err != nil {
				return err
			}
			ver, _, _ := r.tb.meta(v)
			if err := r.tb.recordChange(ctx, t, r.tb.keyString(v), *ver, "create", nil, v, 0); err != nil {
				return err
			}
		case sameRecord(r.tb, old, v):
			ver, created, updated := r.tb.meta(v)
			oldVer, oldCreated, oldUpdated := r.tb.meta(old)
			*ver, *created, *updated = *oldVer, *oldCreated, *oldUpdated
			return nil
		default:
			if err := r.tb.updateRow(ctx, t, old, v, r.tb.changeAction(old, v), 0); err != nil {
				return err
			}
		}
		if r.finish != nil {
			var ps spotcheck.Problems
			for _, p := range r.finish(ctx, t, map[string]int{r.tb.keyString(v): 0}) {
				ps.Add(r.finishField, p.Column, "%s", p.Message)
			}
			if err := ps.Err(); err != nil {
				return err
			}
		}
		if r.after != nil {
			if err := r.after(ctx, t); err != nil {
				return err
			}
		}
		return nil
	})
}
