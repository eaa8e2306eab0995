package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"spotcheck"
)

// Lists: every Find method returns one page of a list (spotcheck.List),
// limited to the department scope of the user in ctx and counted up to
// spotcheck.MaxCount. Counting stops there because an exact total would
// cost a full scan of a million-row directory: the count runs over
// `SELECT 1 … LIMIT MaxCount+1`, and a list with more rows says More.

// Page sizes: a list shows defaultLimit rows unless asked for another
// number, and never more than maxLimit.
const (
	defaultLimit = 20
	maxLimit     = spotcheck.MaxPageSize
)

// pageOf normalises the offset and limit of a filter.
func pageOf(offset, limit int) (int, int) {
	if limit <= 0 {
		limit = defaultLimit
	}
	return max(offset, 0), min(limit, maxLimit)
}

// conds builds a dynamic WHERE: conditions joined by AND, their arguments
// numbered in order. User values only ever go into args.
type conds struct {
	list []string
	args []any
}

// arg adds an argument and returns its placeholder.
func (c *conds) arg(v any) string {
	c.args = append(c.args, v)
	return fmt.Sprintf("$%d", len(c.args))
}

// add adds a condition (built with arg).
func (c *conds) add(cond string) { c.list = append(c.list, cond) }

// eq adds col = v unless v is empty.
func (c *conds) eq(col, v string) {
	if v != "" {
		c.add(col + " = " + c.arg(v))
	}
}

// flag adds col = 0/1 unless b is nil.
func (c *conds) flag(col string, b *bool) {
	if b != nil {
		c.add(col + " = " + c.arg(boolInt(*b)))
	}
}

// in adds col IN (vals) unless vals is nil; an empty list matches nothing.
func (c *conds) in(col string, vals []string) {
	switch {
	case vals == nil:
	case len(vals) == 0:
		c.add("1 = 0")
	default:
		ph := make([]string, len(vals))
		for i, v := range vals {
			ph[i] = c.arg(v)
		}
		c.add(col + " IN (" + strings.Join(ph, ", ") + ")")
	}
}

// like adds a case-insensitive substring match of q on any of cols, or
// a prefix match on the prefix columns. ASCII case is folded with lower(),
// which both databases have.
func (c *conds) like(q string, substr []string, prefix []string) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return
	}
	var or []string
	if len(substr) > 0 {
		p := c.arg("%" + escapeLike(q) + "%")
		for _, col := range substr {
			or = append(or, "lower("+col+") LIKE "+p+` ESCAPE '\'`)
		}
	}
	if len(prefix) > 0 {
		p := c.arg(escapeLike(q) + "%")
		for _, col := range prefix {
			or = append(or, "lower("+col+") LIKE "+p+` ESCAPE '\'`)
		}
	}
	c.add("(" + strings.Join(or, " OR ") + ")")
}

// where returns the conditions for a WHERE clause, "1 = 1" when none.
func (c *conds) where() string {
	if len(c.list) == 0 {
		return "1 = 1"
	}
	return strings.Join(c.list, " AND ")
}

// scopeDepts returns the departments a list is limited to: the user's
// scope (spotcheck.ScopeFilter), narrowed by the filter's own list when it
// has one; nil means no limit.
func scopeDepts(ctx context.Context, filter []string) []string {
	scope := spotcheck.ScopeFilter(ctx)
	switch {
	case scope == nil:
		return filter
	case filter == nil:
		return scope
	}
	out := []string{}
	for _, d := range filter {
		if slices.Contains(scope, d) {
			out = append(out, d)
		}
	}
	return out
}

// scoped checks perm and returns where limited to the user's scope on col.
func scoped(ctx context.Context, perm spotcheck.Permission, col string, where []string, args []any) ([]string, []any, error) {
	if err := spotcheck.Authorize(ctx, perm, ""); err != nil {
		return nil, nil, err
	}
	c := conds{list: where, args: args}
	c.in(col, scopeDepts(ctx, nil))
	return c.list, c.args, nil
}

// countCapped counts the rows of query, a SELECT of the rows to count,
// up to spotcheck.MaxCount+1: the total of a List and whether it has more.
func countCapped(ctx context.Context, q querier, query string, args []any) (int, bool, error) {
	var n int
	err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM (%s LIMIT %d) AS c", query, spotcheck.MaxCount+1),
		args...).Scan(&n)
	if n > spotcheck.MaxCount {
		return spotcheck.MaxCount, true, err
	}
	return n, false, err
}

// findPage returns one page of the current records of tb that match c,
// ordered by orderBy, with the capped total.
func findPage[T any](ctx context.Context, q querier, tb *table[T], c *conds, orderBy string, offset, limit int) (spotcheck.List[*T], error) {
	out := spotcheck.List[*T]{Items: []*T{}}
	out.Offset, out.Limit = pageOf(offset, limit)
	where := tb.current() + " AND " + c.where()
	var err error
	out.Total, out.More, err = countCapped(ctx, q, "SELECT 1 FROM "+tb.name+" WHERE "+where, c.args)
	if err != nil {
		return out, err
	}
	query := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT %d OFFSET %d",
		tb.selectCols(), tb.name, where, orderBy, out.Limit, out.Offset)
	out.Items, err = scanAll(ctx, q, tb, query, c.args)
	return out, err
}

// scanAll runs a query of tb.selectCols() and returns its records.
func scanAll[T any](ctx context.Context, q querier, tb *table[T], query string, args []any) ([]*T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*T{}
	for rows.Next() {
		v := new(T)
		if err := rows.Scan(tb.scanDest(v)...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// findByKey loads one record for a FindXByID method: the user needs perm
// (else EFORBIDDEN), and for a record of a department (deptOf, nil for
// city-wide kinds) the department in scope; a record outside it is
// answered exactly as a missing one (ENOTFOUND), so that the answer says
// neither that it exists nor where.
func findByKey[T any](ctx context.Context, db *DB, tb *table[T], perm spotcheck.Permission, deptOf func(*T) string, key ...any) (*T, error) {
	if err := spotcheck.Authorize(ctx, perm, ""); err != nil {
		return nil, err
	}
	v, err := tb.findOne(ctx, db.read, key...)
	if err != nil {
		return nil, err
	}
	if deptOf != nil {
		if err := spotcheck.AuthorizeViewCtx(ctx, perm, deptOf(v), tb.missing(key...)); err != nil {
			return nil, err
		}
	}
	return v, nil
}
