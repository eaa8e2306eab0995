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
		parts := make([]string, len(key))
		for i, k := range key {
			parts[i] = fmt.Sprint(k)
		}
		return nil, notFound(tb.label, strings.Join(parts, " / "))
	}
	if err != nil {
		return nil, err
	}
	return v, nil
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
		if _, err := t.ExecContext(ctx, "UPDATE "+tb.name+" SET latest = 0 WHERE "+tb.keyCols[0]+" = $1", key[0]); err != nil {
			return err
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
			return spotcheck.Errorf(spotcheck.ECONFLICT, "%s“%s”已被他人修改，请刷新后重试", tb.label, tb.keyString(old))
		}
	}
	return tb.recordChange(ctx, t, tb.keyString(v), *ver, action, old, v, batch)
}

// recordChange appends one row to the change history.
func (tb *table[T]) recordChange(ctx context.Context, t *tx, key string, version int, action string, before, after *T, batch int64) error {
	enc := func(v *T) (string, error) {
		if v == nil {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	var batchArg any
	if batch > 0 {
		batchArg = batch
	}
	_, err = t.ExecContext(ctx, `INSERT INTO changes (kind, record_key, version, action, actor, at, batch, before_json, after_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		tb.kind, key, version, action, actorID(ctx), t.db.now(), batchArg, b, a)
	return err
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
