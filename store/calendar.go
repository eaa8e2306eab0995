package store

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"spotcheck"
)

// The overrides of the working-day calendar live in calendar_overrides;
// each is also a change of kind "calendar" keyed by its day.

// FindCalendarOverrides returns every override, oldest first.
func (sv *CalendarService) FindCalendarOverrides(ctx context.Context) (_ []spotcheck.CalendarOverride, err error) {
	defer wrap(&err, "find calendar overrides")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT id, day, work, note, actor, at FROM calendar_overrides ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.CalendarOverride{}
	for rows.Next() {
		var o spotcheck.CalendarOverride
		var work int
		var at string
		if err := rows.Scan(&o.ID, &o.Date, &work, &o.Note, &o.By, &at); err != nil {
			return nil, err
		}
		o.Work = work == 1
		if o.At, err = time.Parse(time.RFC3339, at); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// AddCalendarOverride records one override. PermManageDepartments;
// EINVALID.
func (sv *CalendarService) AddCalendarOverride(ctx context.Context, o *spotcheck.CalendarOverride) (err error) {
	defer wrap(&err, "add calendar override", o.Date)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageDepartments, ""); err != nil {
		return err
	}
	o.Normalize()
	if err := o.Validate().Err(); err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error { return addOverride(ctx, t, o) })
}

// ImportCalendar records the days of a CSV arrangement, all or nothing.
// PermManageDepartments; EINVALID with an *ImportError.
func (sv *CalendarService) ImportCalendar(ctx context.Context, name string, r io.Reader, note string) (_ int, err error) {
	defer wrap(&err, "import calendar", name)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageDepartments, ""); err != nil {
		return 0, err
	}
	os, err := spotcheck.ParseCalendarCSV(r)
	if err != nil {
		return 0, err
	}
	for i := range os {
		os[i].Note = note
		if err := os[i].Validate().Err(); err != nil {
			return 0, err // the note, the same on every row
		}
	}
	err = sv.db.inTx(ctx, func(t *tx) error {
		for i := range os {
			if err := addOverride(ctx, t, &os[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(os), nil
}

// addOverride inserts o and records it, in t.
func addOverride(ctx context.Context, t *tx, o *spotcheck.CalendarOverride) error {
	o.By = actorID(ctx)
	now := t.db.now()
	var err error
	if o.At, err = time.Parse(time.RFC3339, now); err != nil {
		return err
	}
	work := 0
	if o.Work {
		work = 1
	}
	if err := t.QueryRowContext(ctx, `INSERT INTO calendar_overrides (day, work, note, actor, at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, o.Date, work, o.Note, o.By, now).Scan(&o.ID); err != nil {
		return err
	}
	after, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return writeChange(ctx, t, change{kind: "calendar", key: o.Date, action: actionCreate, after: string(after)})
}
