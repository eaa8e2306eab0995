package store

import (
	"context"
	"database/sql"
	"time"

	"spotcheck"
)

// OutboxService implements spotcheck.OutboxService: the system admin's
// view of the outbox (/staff/outbox), counts, the records with their last
// error, and the retry of dead records, recorded in outbox_event.
type OutboxService struct {
	db     *DB
	worker *OutboxWorker // this process's worker; nil: none runs here
}

// NewOutboxService returns the service over db; worker, when not nil, is
// the one whose transport the page reports.
func NewOutboxService(db *DB, worker *OutboxWorker) *OutboxService {
	return &OutboxService{db: db, worker: worker}
}

var _ spotcheck.OutboxService = (*OutboxService)(nil)

// OutboxCounts counts the records by state. PermManageOutbox.
func (sv *OutboxService) OutboxCounts(ctx context.Context) (c spotcheck.OutboxCounts, err error) {
	defer wrap(&err, "count outbox")
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageOutbox, ""); err != nil {
		return c, err
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT state, attempts > retry_base, count(*) FROM outbox GROUP BY state, attempts > retry_base`)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var tried bool
		var n int
		if err := rows.Scan(&state, &tried, &n); err != nil {
			return c, err
		}
		switch {
		case state == spotcheck.OutboxDelivered:
			c.Delivered += n
		case state == spotcheck.OutboxDead:
			c.Dead += n
		case tried:
			c.Retrying += n
		default:
			c.Pending += n
		}
	}
	return c, rows.Err()
}

// FindOutbox lists the records of state ("" for all), newest first.
// PermManageOutbox; EINVALID for an unknown state.
func (sv *OutboxService) FindOutbox(ctx context.Context, state string, offset, limit int) (l spotcheck.List[spotcheck.OutboxEntry], err error) {
	defer wrap(&err, "find outbox", state)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageOutbox, ""); err != nil {
		return l, err
	}
	switch state {
	case "", spotcheck.OutboxPending, spotcheck.OutboxDelivered, spotcheck.OutboxDead:
	default:
		return l, spotcheck.Errorf(spotcheck.EINVALID, "发送记录的状态“%s”无效", state)
	}
	limit = min(max(limit, 1), 10000)
	offset = max(offset, 0)
	l.Offset, l.Limit = offset, limit
	if err := sv.db.read.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE $1 = '' OR state = $1`, state).Scan(&l.Total); err != nil {
		return l, err
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT id, kind, record_key, version, payload, state, attempts, next_at,
		last_error, receipt, created_at, sent_at FROM outbox WHERE $1 = '' OR state = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
		state, limit, offset)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	for rows.Next() {
		var e spotcheck.OutboxEntry
		var payload, next, created, sent string
		if err := rows.Scan(&e.ID, &e.Kind, &e.Key, &e.Version, &payload, &e.State, &e.Attempts, &next,
			&e.LastError, &e.Receipt, &created, &sent); err != nil {
			return l, err
		}
		e.Payload = []byte(payload)
		e.NextAt, _ = time.Parse(time.RFC3339, next)
		e.CreatedAt, _ = time.Parse(time.RFC3339, created)
		e.SentAt, _ = time.Parse(time.RFC3339, sent) // "" until delivered: the zero time
		l.Items = append(l.Items, e)
	}
	l.More = offset+len(l.Items) < l.Total
	return l, rows.Err()
}

// RetryOutbox makes dead records pending again, due now, with a full set
// of attempts (retry_base moves up to attempts), and records each retry
// with the actor and note. PermManageOutbox; ENOTFOUND when id (not 0)
// names no dead record.
func (sv *OutboxService) RetryOutbox(ctx context.Context, id int64, note string) (n int, err error) {
	defer wrap(&err, "retry outbox", id)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageOutbox, ""); err != nil {
		return 0, err
	}
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return 0, err
	}
	if len(note) > 1000 {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "重新发送的说明不能超过 1000 字节")
	}
	err = sv.db.inTx(ctx, func(t *tx) error {
		now := t.db.now()
		rows, err := t.QueryContext(ctx, `UPDATE outbox SET state = $1, next_at = $2, retry_base = attempts
			WHERE state = $3 AND ($4 = 0 OR id = $4) RETURNING id`, spotcheck.OutboxPending, now, spotcheck.OutboxDead, id)
		if err != nil {
			return err
		}
		ids, err := scanIDs(rows)
		if err != nil {
			return err
		}
		if id != 0 && len(ids) == 0 {
			return spotcheck.Errorf(spotcheck.ENOTFOUND, "发送记录 %d 不存在或不在“已放弃”状态", id)
		}
		for _, x := range ids {
			if _, err := t.ExecContext(ctx, `INSERT INTO outbox_event (outbox_id, action, actor, note, at) VALUES ($1, 'retry', $2, $3, $4)`,
				x, p.Username, note, now); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// OutboxEvents lists the latest retries, newest first. PermManageOutbox.
func (sv *OutboxService) OutboxEvents(ctx context.Context, limit int) (evs []spotcheck.OutboxEvent, err error) {
	defer wrap(&err, "outbox events")
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageOutbox, ""); err != nil {
		return nil, err
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT outbox_id, action, actor, note, at FROM outbox_event ORDER BY id DESC LIMIT $1`,
		min(max(limit, 1), 1000))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e spotcheck.OutboxEvent
		var at string
		if err := rows.Scan(&e.OutboxID, &e.Action, &e.Actor, &e.Note, &at); err != nil {
			return nil, err
		}
		e.At, _ = time.Parse(time.RFC3339, at)
		evs = append(evs, e)
	}
	return evs, rows.Err()
}

// OutboxTransport reports this process's worker's view of the
// connection; without a worker, an unconfigured one. PermManageOutbox.
func (sv *OutboxService) OutboxTransport(ctx context.Context) (spotcheck.OutboxTransport, error) {
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageOutbox, ""); err != nil {
		return spotcheck.OutboxTransport{}, err
	}
	if sv.worker == nil {
		return spotcheck.OutboxTransport{}, nil
	}
	return sv.worker.Transport(), nil
}
