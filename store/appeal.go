package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/workday"
)

// After publication (issue 12, item 3; spotcheck.Objection,
// spotcheck.RepairApplication, migration 0026): the enterprise files an
// objection or a credit repair application with its notice's token; an
// approver of the department decides it. Each step is one transaction
// that asks the domain's rule (CanObject, CanApplyRepair, CanDecide) on
// what it has locked, writes the row, records the change and appends the
// public fact to the log: an objection filed, a correction published (the
// publication step of store/publication.go, with the objection named in
// its reason), a repair that stops a result's display.

// AfterPublicationService implements spotcheck.AfterPublicationService.
type AfterPublicationService struct{ db *DB }

// AfterPublication returns the service of the enterprise's page, its
// objections and credit repairs.
func (db *DB) AfterPublication() *AfterPublicationService { return &AfterPublicationService{db} }

var _ spotcheck.AfterPublicationService = (*AfterPublicationService)(nil)

// The log entries of after-publication events; bodies are canonical JSON
// of appealEntry.
const (
	TypeObjectionFiled   = "result_objection"
	TypeObjectionDecided = "result_objection_decision"
	TypeRepairFiled      = "credit_repair_application"
	TypeRepairDecided    = "credit_repair_decision"
)

// appealEntry is what the log holds of a step: which publication, which
// application, its state and the reason given. The enterprise's text is
// kept in the database only (it may name people); the log holds the fact
// that it was filed, and the department's decision with its reason.
type appealEntry struct {
	Kind        string `json:"kind"`
	ID          int64  `json:"id"`
	Publication int64  `json:"publication"`
	Inspection  int64  `json:"inspection"`
	State       string `json:"state"`
	Day         string `json:"day"`
	Due         string `json:"due,omitempty"`
	Decision    string `json:"decision,omitempty"`
	Correction  int64  `json:"correction,omitempty"`
}

func (t *tx) logAppeal(ctx context.Context, typ string, e appealEntry) (int64, error) {
	body, err := draw.Canonical(e)
	if err != nil {
		return 0, err
	}
	return t.appendLog(ctx, typ, body)
}

// repairedOn is the day a granted repair stopped inspection id's display,
// "" for none.
func repairedOn(ctx context.Context, q querier, id int64) (string, error) {
	var day sql.NullString
	err := q.QueryRowContext(ctx, `SELECT min(decided_on) FROM credit_repairs WHERE inspection_id = $1 AND state = $2`,
		id, spotcheck.AppealUpheld).Scan(&day)
	return day.String, err
}

// pendingCount counts the pending applications of inspection id in table.
func pendingCount(ctx context.Context, q querier, table string, id int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE inspection_id = $1 AND state = $2`,
		id, spotcheck.AppealPending).Scan(&n)
	return n > 0, err
}

// FileObjection records the enterprise's objection to the latest
// publication of its notice's inspection, due ObjectionWorkdays working
// days later, and logs it.
func (sv *AfterPublicationService) FileObjection(ctx context.Context, token, reason string) (_ *spotcheck.Objection, err error) {
	defer wrap(&err, "file objection")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	if reason, err = spotcheck.CheckAppealText("异议内容", reason); err != nil {
		return nil, err
	}
	cal, err := workday.Load(ctx, &CalendarService{sv.db})
	if err != nil {
		return nil, err
	}
	var o *spotcheck.Objection
	err = sv.db.inTx(ctx, func(t *tx) error {
		in, err := lockedInspectionOfToken(ctx, t, token)
		if err != nil {
			return err
		}
		pub, err := lastPublication(ctx, t, in.ID)
		if err != nil {
			return err
		}
		rep, err := repairedOn(ctx, t, in.ID)
		if err != nil {
			return err
		}
		pending, err := pendingCount(ctx, t, "objections", in.ID)
		if err != nil {
			return err
		}
		day := t.db.today()
		if err := spotcheck.CanObject(pub, day, rep, pending); err != nil {
			return err
		}
		o = &spotcheck.Objection{Publication: pub.ID, Inspection: in.ID, Dept: in.Dept, Task: in.Task, Entity: in.Entity,
			EntityName: in.EntityName, Reason: reason, Filed: day, State: spotcheck.AppealPending}
		if o.Due, err = spotcheck.ObjectionDue(cal, day); err != nil {
			return err
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO objections (publication_id, inspection_id, dept, task, entity_id, reason,
			filed_on, filed_at, due, state, log_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, -1) RETURNING id`,
			o.Publication, o.Inspection, o.Dept, o.Task, o.Entity, o.Reason, o.Filed, t.db.now(), o.Due, o.State).Scan(&o.ID); err != nil {
			return err
		}
		if o.LogIndex, err = t.logAppeal(ctx, TypeObjectionFiled, appealEntry{Kind: "objection", ID: o.ID,
			Publication: o.Publication, Inspection: o.Inspection, State: o.State, Day: day, Due: o.Due}); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE objections SET log_index = $1 WHERE id = $2`, o.LogIndex, o.ID); err != nil {
			return err
		}
		return appealChange(ctx, t, "objection", o.ID, "file", o)
	})
	return o, err
}

// appealChange records a step in the change history.
func appealChange(ctx context.Context, t *tx, kind string, id int64, action string, v any) error {
	after, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeChange(ctx, t, change{kind: kind, key: strconv.FormatInt(id, 10), action: action, after: string(after)})
}

// DecideObjection decides objection id: upheld, it publishes the
// correction — the inspection's next approved revision, with the reason —
// in the same transaction; rejected, the reason is the answer.
func (sv *AfterPublicationService) DecideObjection(ctx context.Context, id int64, upheld bool, reason string) (err error) {
	defer wrap(&err, "decide objection", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		o, err := findObjection(ctx, t, id)
		if err != nil {
			return err
		}
		in, err := lockedInspection(ctx, t, o.Inspection)
		if err != nil {
			return err
		}
		if err := lockRow(ctx, t, "objections", id); err != nil {
			return err
		}
		if o, err = findObjection(ctx, t, id); err != nil {
			return err
		}
		prev, err := lastPublication(ctx, t, in.ID)
		if err != nil {
			return err
		}
		mode, err := publicationMode(ctx, t, in.Dept)
		if err != nil {
			return err
		}
		if err := o.CanDecide(p, upheld, reason, in, prev, mode); err != nil {
			return err
		}
		o.State, o.Decision, o.DecidedBy, o.DecidedOn = spotcheck.AppealRejected, reason, p.Username, t.db.today()
		switch {
		case upheld && o.CorrectedBy(prev):
			o.State, o.Correction = spotcheck.AppealUpheld, prev.ID
		case upheld:
			o.State = spotcheck.AppealUpheld
			pub, err := publish(ctx, t, in, p, prev, o.CorrectionReason(reason))
			if err != nil {
				return err
			}
			o.Correction = pub.ID
		}
		if _, err := t.logAppeal(ctx, TypeObjectionDecided, appealEntry{Kind: "objection", ID: o.ID, Publication: o.Publication,
			Inspection: o.Inspection, State: o.State, Day: o.DecidedOn, Decision: reason,
			Correction: o.Correction}); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE objections SET state = $1, decision = $2, decided_by = $3, decided_on = $4,
			correction_id = $5 WHERE id = $6 AND state = $7`, o.State, o.Decision, o.DecidedBy, o.DecidedOn, o.Correction, o.ID,
			spotcheck.AppealPending)
		if err := oneAppealRow(res, err, spotcheck.NoObjection(id)); err != nil {
			return err
		}
		return appealChange(ctx, t, "objection", o.ID, "decide", o)
	})
}

// ApplyRepair records the enterprise's application for credit repair of
// its notice's published result (spotcheck.CanApplyRepair) and logs it.
func (sv *AfterPublicationService) ApplyRepair(ctx context.Context, token, reason string) (_ *spotcheck.RepairApplication, err error) {
	defer wrap(&err, "apply for credit repair")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	if reason, err = spotcheck.CheckAppealText("申请理由", reason); err != nil {
		return nil, err
	}
	var a *spotcheck.RepairApplication
	err = sv.db.inTx(ctx, func(t *tx) error {
		in, err := lockedInspectionOfToken(ctx, t, token)
		if err != nil {
			return err
		}
		c, err := repairCheck(ctx, t, in.ID, t.db.today())
		if err != nil {
			return err
		}
		if err := spotcheck.CanApplyRepair(c); err != nil {
			return err
		}
		a = &spotcheck.RepairApplication{Publication: c.Publication.ID, Inspection: in.ID, Dept: in.Dept, Task: in.Task,
			Entity: in.Entity, EntityName: in.EntityName, Reason: reason, Filed: c.Day, State: spotcheck.AppealPending}
		if err := t.QueryRowContext(ctx, `INSERT INTO credit_repairs (publication_id, inspection_id, dept, task, entity_id,
			reason, filed_on, filed_at, state, log_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, -1) RETURNING id`,
			a.Publication, a.Inspection, a.Dept, a.Task, a.Entity, a.Reason, a.Filed, t.db.now(), a.State).Scan(&a.ID); err != nil {
			return err
		}
		if a.LogIndex, err = t.logAppeal(ctx, TypeRepairFiled, appealEntry{Kind: "repair", ID: a.ID, Publication: a.Publication,
			Inspection: a.Inspection, State: a.State, Day: a.Filed}); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE credit_repairs SET log_index = $1 WHERE id = $2`, a.LogIndex, a.ID); err != nil {
			return err
		}
		return appealChange(ctx, t, "credit_repair", a.ID, "file", a)
	})
	return a, err
}

// repairCheck reads what CanApplyRepair decides on for inspection id.
func repairCheck(ctx context.Context, q querier, id int64, day string) (c spotcheck.RepairCheck, err error) {
	c.Day = day
	if c.Publication, err = lastPublication(ctx, q, id); err != nil {
		return c, err
	}
	if c.Publication != nil {
		if err := q.QueryRowContext(ctx, `SELECT published_on FROM publications WHERE id = $1`,
			c.Publication.Original).Scan(&c.First); err != nil {
			return c, err
		}
	}
	if c.Catalogue, err = resultCatalogue(ctx, q); err != nil {
		return c, err
	}
	if c.Repaired, err = repairedOn(ctx, q, id); err != nil {
		return c, err
	}
	if c.Pending, err = pendingCount(ctx, q, "credit_repairs", id); err != nil {
		return c, err
	}
	c.FollowUps, err = inspectionFollowUps(ctx, q, id)
	return c, err
}

// DecideRepair decides application id: granted, the result's display
// stops from today (the publication stays, recorded); refused, the reason
// is the answer. Both are logged.
func (sv *AfterPublicationService) DecideRepair(ctx context.Context, id int64, grant bool, reason string) (err error) {
	defer wrap(&err, "decide credit repair", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		if err := lockRow(ctx, t, "credit_repairs", id); err != nil {
			return err
		}
		a, err := findRepair(ctx, t, id)
		if err != nil {
			return err
		}
		if err := a.CanDecide(p, reason); err != nil {
			return err
		}
		a.State, a.Decision, a.DecidedBy, a.DecidedOn = spotcheck.AppealRejected, reason, p.Username, t.db.today()
		if grant {
			a.State = spotcheck.AppealUpheld
		}
		if _, err := t.logAppeal(ctx, TypeRepairDecided, appealEntry{Kind: "repair", ID: a.ID, Publication: a.Publication,
			Inspection: a.Inspection, State: a.State, Day: a.DecidedOn, Decision: reason}); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE credit_repairs SET state = $1, decision = $2, decided_by = $3, decided_on = $4
			WHERE id = $5 AND state = $6`, a.State, a.Decision, a.DecidedBy, a.DecidedOn, a.ID, spotcheck.AppealPending)
		if err := oneAppealRow(res, err, spotcheck.NoRepair(id)); err != nil {
			return err
		}
		if grant {
			if err := enqueueCreditStop(ctx, t, a); err != nil {
				return err
			}
		}
		return appealChange(ctx, t, "credit_repair", a.ID, "decide", a)
	})
}

// enqueueCreditStop tells the credit platform, through the outbox and
// within t, to stop displaying the result whose repair a grants.
func enqueueCreditStop(ctx context.Context, t *tx, a *spotcheck.RepairApplication) error {
	pub, err := lastPublication(ctx, t, a.Inspection)
	if err != nil {
		return err
	}
	if pub == nil {
		return spotcheck.Errorf(spotcheck.ENOTFOUND, "检查 %d 没有公示记录", a.Inspection)
	}
	payload, err := json.Marshal(spotcheck.StopCredit(pub, a.DecidedOn))
	if err != nil {
		return err
	}
	return enqueueOutbox(ctx, t, &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCreditStop, Key: pub.OutboxKey(),
		Version: pub.Version, Payload: payload})
}

// oneAppealRow checks that an update changed one row: none means it was decided
// concurrently (or is missing).
func oneAppealRow(res sql.Result, err error, missing error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return missing
	}
	return nil
}

// lockRow locks row id of table on PostgreSQL (SQLite has one writer).
func lockRow(ctx context.Context, t *tx, table string, id int64) error {
	if t.db.dialect.name() != "postgres" {
		return nil
	}
	var x int64
	err := t.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE id = $1 FOR UPDATE`, id).Scan(&x)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // findObjection/findRepair answer
	}
	return err
}

// lockedInspectionOfToken is the inspection of a notice's token, locked
// for the rest of t (lockInspection): the enterprise's filings of one
// result queue behind each other and behind its publication.
func lockedInspectionOfToken(ctx context.Context, t *tx, token string) (*spotcheck.Inspection, error) {
	in, err := inspectionOfToken(ctx, t, token)
	if err != nil {
		return nil, err
	}
	return in, lockInspection(ctx, t, in.ID)
}
