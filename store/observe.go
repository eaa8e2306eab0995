package store

import (
	"context"
	"database/sql"
	"time"

	"spotcheck"
)

// Observation is the state of the system that /metrics reports, read
// from the database at each scrape (package metrics converts it to its
// Snapshot, which has the same fields; the store does not import the
// Prometheus client). Every figure is the whole system's, so that each
// instance on one PostgreSQL reports the same numbers.
type Observation struct {
	LogEntries          int64
	Draws               map[string]int64 // by state
	Outbox              map[string]int64 // pending, retrying, dead
	OutboxFailures      int64
	OutboxOldest        time.Duration
	PublicationsOverdue int64
}

// Observe reads the Observation in one read transaction,
// for a system principal only: the figures span every department. The
// caller bounds it with a timeout.
func (db *DB) Observe(ctx context.Context) (o Observation, err error) {
	defer wrap(&err, "observe")
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return o, err
	}
	t, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return o, err
	}
	defer t.Rollback()
	if err := t.QueryRowContext(ctx, `SELECT size FROM log_head WHERE id = 1`).Scan(&o.LogEntries); err != nil {
		return o, err
	}
	if o.Draws, err = countBy(ctx, t, `SELECT state, count(*) FROM draws GROUP BY state`); err != nil {
		return o, err
	}
	// A pending record tried before is retrying (as on /staff/outbox,
	// OutboxCounts); its attempts since an administrator's retry
	// (retry_base) all failed, but for one that may be under way. The
	// delivered records, which only grow, are left to the index
	// (outbox_due starts with the state).
	o.Outbox = map[string]int64{}
	rows, err := t.QueryContext(ctx, `SELECT state, attempts > retry_base, count(*), COALESCE(SUM(attempts - retry_base), 0),
		COALESCE(MIN(created_at), '') FROM outbox WHERE state IN ($1, $2) GROUP BY state, attempts > retry_base`,
		spotcheck.OutboxPending, spotcheck.OutboxDead)
	if err != nil {
		return o, err
	}
	defer rows.Close()
	oldest := ""
	for rows.Next() {
		var state, first string
		var tried bool
		var n, attempts int64
		if err := rows.Scan(&state, &tried, &n, &attempts, &first); err != nil {
			return o, err
		}
		switch {
		case state == spotcheck.OutboxDead:
			o.Outbox["dead"] += n
		case tried:
			o.Outbox["retrying"] += n
		default:
			o.Outbox["pending"] += n
		}
		o.OutboxFailures += attempts
		if state == spotcheck.OutboxPending && first != "" && (oldest == "" || first < oldest) {
			oldest = first
		}
	}
	if err := rows.Err(); err != nil {
		return o, err
	}
	if at, err := time.Parse(time.RFC3339, oldest); err == nil {
		o.OutboxOldest = max(db.Now().Sub(at), 0)
	}
	// The overdue list's conditions (FindPublicationsOverdue), counted
	// over every department.
	var c conds
	c.add("i.state <> " + c.arg(spotcheck.InspectionWithdrawn))
	awaitingPublication(&c)
	c.add("r.publication_due <> '' AND r.publication_due < " + c.arg(db.today()))
	err = t.QueryRowContext(ctx, `SELECT count(*) FROM inspections i
		JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision
		WHERE `+c.where(), c.args...).Scan(&o.PublicationsOverdue)
	return o, err
}

// countBy reads rows of (key, count) into a map.
func countBy(ctx context.Context, t *sql.Tx, query string, args ...any) (map[string]int64, error) {
	rows, err := t.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}
