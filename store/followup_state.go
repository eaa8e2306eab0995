package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"spotcheck"
)

// The changes of a follow-up. Each is one write transaction: load the
// follow-up as its last event says, ask the domain (FollowUp.CanRecord or
// CanClose), append the next event, move the header's seq on where it is
// still the one loaded (ECONFLICT otherwise: someone else's change came
// first), and move the task on (followTask). A refused change changes
// nothing.

// followUpStep runs one change of follow-up id: check decides, apply
// changes the loaded follow-up to what the new event says.
func (db *DB) followUpStep(ctx context.Context, id int64, action string,
	check func(t *tx, f *spotcheck.FollowUp, p *spotcheck.Principal) error,
	apply func(f *spotcheck.FollowUp)) error {
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		f, err := findFollowUp(ctx, t, id)
		if err != nil {
			return err
		}
		if err := check(t, f, p); err != nil {
			return err
		}
		before, err := json.Marshal(f)
		if err != nil {
			return err
		}
		from := f.Seq
		apply(f)
		res, err := t.ExecContext(ctx, `UPDATE followups SET seq = $1, dept = $2, state = $3 WHERE id = $4 AND seq = $5`,
			from+1, f.Dept, f.State, id, from)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "后续处置 %d 刚被他人更改，请刷新后重试", id)
		}
		if err := appendFollowUpEvent(ctx, t, f, from+1, action, p.Username, string(before)); err != nil {
			return err
		}
		return followTask(ctx, t, f.Task, 0)
	})
}

// RecordFollowUp records the measures and the responsible department of
// an open follow-up; a new department must exist and be active.
func (sv *FollowUpService) RecordFollowUp(ctx context.Context, id int64, c spotcheck.FollowUpChange) (err error) {
	defer wrap(&err, "record follow-up", id)
	c.Normalize()
	return sv.db.followUpStep(ctx, id, spotcheck.FollowActRecord,
		func(t *tx, f *spotcheck.FollowUp, p *spotcheck.Principal) error {
			if err := f.CanRecord(p, c); err != nil {
				return err
			}
			if c.Dept == f.Dept {
				return nil
			}
			var active bool
			err := t.QueryRowContext(ctx, `SELECT active FROM departments WHERE code = $1`, c.Dept).Scan(&active)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err != nil || !active {
				return spotcheck.Errorf(spotcheck.EINVALID, "责任部门“%s”不存在或已停用", c.Dept)
			}
			return nil
		},
		func(f *spotcheck.FollowUp) { f.Dept, f.Measures, f.Other = c.Dept, c.Measures, c.Other })
}

// CloseFollowUp closes an open follow-up (完结) on day with note, and
// moves its task on: to 办结 when it was the task's last open one.
func (sv *FollowUpService) CloseFollowUp(ctx context.Context, id int64, day, note string) (err error) {
	defer wrap(&err, "close follow-up", id)
	day, note = strings.TrimSpace(day), strings.TrimSpace(note)
	db := sv.db
	return db.followUpStep(ctx, id, spotcheck.FollowActClose,
		func(t *tx, f *spotcheck.FollowUp, p *spotcheck.Principal) error {
			return f.CanClose(p, day, note, db.today(), chinaDay(f.Created))
		},
		func(f *spotcheck.FollowUp) { f.State, f.Closed, f.Note = spotcheck.FollowUpClosed, day, note })
}
