package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"spotcheck"
)

// What the enterprise says about a visit from its notice's page: the
// rating and complaint after it (visit_feedback, one per inspection), and
// the visit times it proposes (appointments, 双预约), answered by the team.

// FeedbackService implements spotcheck.FeedbackService.
type FeedbackService struct{ db *DB }

var _ spotcheck.FeedbackService = (*FeedbackService)(nil)

// Feedback returns the feedback service.
func (db *DB) Feedback() *FeedbackService { return &FeedbackService{db} }

// RateVisit records the one rating of a visit, after it.
func (sv *FeedbackService) RateVisit(ctx context.Context, token string, f *spotcheck.Feedback) (err error) {
	defer wrap(&err, "rate visit")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		in, err := inspectionOfToken(ctx, t, token)
		if err != nil {
			return err
		}
		f.Normalize()
		if err := f.Validate().Err(); err != nil {
			return err
		}
		if !in.Visited() {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "检查尚未进行，检查结束后才能评价")
		}
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM visit_feedback WHERE inspection_id = $1`, in.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "本次检查已经评价过，每次检查只能评价一次")
		}
		f.Inspection = in.ID
		if err := t.QueryRowContext(ctx, `INSERT INTO visit_feedback (inspection_id, rating, comment, complaint, anonymous,
			contact, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, in.ID, f.Rating, f.Comment, f.Complaint,
			boolInt(f.Anonymous), f.Contact, sv.db.now()).Scan(&f.ID); err != nil {
			return err
		}
		// The record names the rating and whether there is a complaint,
		// never the contact.
		return recordEvent(ctx, t, "feedback", strconv.FormatInt(in.ID, 10), "rate",
			fmt.Sprintf("rating %d complaint %t anonymous %t", f.Rating, f.Complaint != "", f.Anonymous))
	})
}

// FindFeedback lists feedback, with the visit's task, entity and team,
// to supervisors only.
func (sv *FeedbackService) FindFeedback(ctx context.Context, inspection int64) (_ []spotcheck.Feedback, err error) {
	defer wrap(&err, "find feedback", inspection)
	if err := spotcheck.Authorize(ctx, spotcheck.PermSuperviseDraws, ""); err != nil {
		return nil, err
	}
	q := `SELECT id, inspection_id, rating, comment, complaint, anonymous, contact, created_at FROM visit_feedback`
	var args []any
	if inspection != 0 {
		q += ` WHERE inspection_id = $1`
		args = append(args, inspection)
	}
	rows, err := sv.db.read.QueryContext(ctx, q+` ORDER BY id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	var out []spotcheck.Feedback
	for rows.Next() {
		var f spotcheck.Feedback
		if err := rows.Scan(&f.ID, &f.Inspection, &f.Rating, &f.Comment, &f.Complaint, boolCol{&f.Anonymous}, &f.Contact,
			timeText{&f.CreatedAt}); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		in, err := findInspection(ctx, sv.db.read, out[i].Inspection)
		if err != nil {
			return nil, err
		}
		if err := nameInspections(ctx, sv.db.read, []*spotcheck.Inspection{in}); err != nil {
			return nil, err
		}
		out[i].Task, out[i].Entity, out[i].EntityName = in.Task, in.Entity, in.EntityName
		for _, s := range in.Team {
			out[i].Team = append(out[i].Team, orString(in.Names[s], s))
		}
	}
	return out, nil
}

func orString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

const appointmentCols = `id, inspection_id, at, note, state, created_at, decided_by, decided_at, reply`

func scanAppointments(rows *sql.Rows) ([]spotcheck.Appointment, error) {
	defer rows.Close()
	var out []spotcheck.Appointment
	for rows.Next() {
		var a spotcheck.Appointment
		if err := rows.Scan(&a.ID, &a.Inspection, &a.At, &a.Note, &a.State, timeText{&a.CreatedAt}, &a.DecidedBy,
			timeText{&a.DecidedAt}, &a.Reply); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ProposeAppointment records a proposed visit time, one pending at a time.
func (sv *FeedbackService) ProposeAppointment(ctx context.Context, token string, a *spotcheck.Appointment) (err error) {
	defer wrap(&err, "propose appointment")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		in, err := inspectionOfToken(ctx, t, token)
		if err != nil {
			return err
		}
		tk, err := findTask(ctx, t, in.Task) // the token is the permission
		if err != nil {
			return err
		}
		a.Normalize()
		if err := a.Validate(tk, sv.db.Now().In(spotcheck.ChinaTime).Format("2006-01-02")).Err(); err != nil {
			return err
		}
		if in.Visited() {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "检查已经进行，不能再预约时间")
		}
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM appointments WHERE inspection_id = $1 AND state = $2`,
			in.ID, spotcheck.ReviewPending).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "已有一个预约时间等待检查组答复，请等待答复后再提出")
		}
		a.Inspection, a.State = in.ID, spotcheck.ReviewPending
		if err := t.QueryRowContext(ctx, `INSERT INTO appointments (inspection_id, at, note, state, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, in.ID, a.At, a.Note, a.State, sv.db.now()).Scan(&a.ID); err != nil {
			return err
		}
		return recordEvent(ctx, t, "appointment", strconv.FormatInt(a.ID, 10), "propose", fmt.Sprintf("inspection %d at %s", in.ID, a.At))
	})
}

// FindAppointments lists the proposals on an inspection.
func (sv *FeedbackService) FindAppointments(ctx context.Context, id int64, token string) (_ []spotcheck.Appointment, err error) {
	defer wrap(&err, "find appointments", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	if token != "" {
		in, err := inspectionOfToken(ctx, sv.db.read, token)
		if err != nil {
			return nil, err
		}
		id = in.ID
	} else {
		in, err := findInspection(ctx, sv.db.read, id)
		if err != nil {
			return nil, err
		}
		if err := in.CanView(p); err != nil {
			return nil, err
		}
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE inspection_id = $1 ORDER BY id DESC`, id)
	if err != nil {
		return nil, err
	}
	return scanAppointments(rows)
}

// AnswerAppointment accepts or declines a pending proposal.
func (sv *FeedbackService) AnswerAppointment(ctx context.Context, id int64, accept bool, reply string) (err error) {
	defer wrap(&err, "answer appointment", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		rows, err := t.QueryContext(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE id = $1`, id)
		if err != nil {
			return err
		}
		as, err := scanAppointments(rows)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为 %d 的预约", id)
		}
		a := as[0]
		in, err := findInspection(ctx, t, a.Inspection)
		if err != nil {
			return err
		}
		if err := in.CanView(p); err != nil {
			return spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为 %d 的预约", id)
		}
		if err := in.CanAnswerAppointment(p); err != nil {
			return err
		}
		if a.State != spotcheck.ReviewPending {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "该预约已答复（%s）", a.State)
		}
		state := spotcheck.AppointmentDeclined
		if accept {
			state = spotcheck.AppointmentAccepted
		}
		res, err := t.ExecContext(ctx, `UPDATE appointments SET state = $1, decided_by = $2, decided_at = $3, reply = $4
			WHERE id = $5 AND state = $6`, state, actorID(ctx), sv.db.now(), reply, id, spotcheck.ReviewPending)
		if err := decidedOnce(res, err, "该预约已答复"); err != nil {
			return err
		}
		return recordEvent(ctx, t, "appointment", strconv.FormatInt(id, 10), map[bool]string{true: "accept", false: "decline"}[accept], a.At)
	})
}
