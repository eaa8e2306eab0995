package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"spotcheck"
	"spotcheck/workday"
)

// The inspection's workflow (spotcheck.InspectionMachine). Each step is
// one write transaction: load the current revision, ask the domain
// (Inspection.Can or its named variant, then Inspection.Next), persist the
// revision where its state is still the one loaded, move the header, and
// record the step in the change history with the record before and after.
// A refused step changes nothing. An approved revision's content is never
// written again: only its state moves on to published, and a correction
// is a new revision (ReviseInspection).

// inspectionStep runs action a on inspection id: check decides, adjust
// (nil for none) adjusts the record, and the state becomes Next's.
func (db *DB) inspectionStep(ctx context.Context, id int64, a spotcheck.Action,
	check func(t *tx, in *spotcheck.Inspection, p *spotcheck.Principal) error,
	adjust func(t *tx, in *spotcheck.Inspection, p *spotcheck.Principal) error) error {
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		if err := lockInspection(ctx, t, id); err != nil {
			return err
		}
		// A submission sent again is answered as the first time (store/idempotency.go).
		if replay, err := claimSubmission(ctx, t, p, "inspection", strconv.FormatInt(id, 10), a); replay || err != nil {
			return err
		}
		in, err := findInspection(ctx, t, id)
		if err != nil {
			return err
		}
		if err := check(t, in, p); err != nil {
			return err
		}
		if err := staleSubmission(ctx, "检查记录 "+strconv.FormatInt(id, 10), in.State, spotcheck.InspectionStateNames); err != nil {
			return err
		}
		before, err := json.Marshal(in)
		if err != nil {
			return err
		}
		from := in.State
		next, err := in.Next(a)
		if err != nil {
			return err
		}
		in.State = next
		if adjust != nil {
			if err := adjust(t, in, p); err != nil {
				return err
			}
		}
		in.UpdatedBy, in.UpdatedAt = p.Username, db.Now().UTC().Truncate(time.Second)
		c := contentOf(in)
		content, err := json.Marshal(c)
		if err != nil {
			return err
		}
		results, findings, err := revisionArrays(c)
		if err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE inspection_revisions SET state = $1, content = $2, completed = $3,
			publication_due = $4, updated_by = $5, updated_at = $6, results = $7, findings = $8
			WHERE inspection_id = $9 AND revision = $10 AND state = $11`,
			next, string(content), in.Completed, in.PublicationDue, in.UpdatedBy, t.db.now(), results, findings,
			id, in.Revision, from)
		if err := oneInspectionRow(res, err, in); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE inspections SET state = $1 WHERE id = $2`, next, id); err != nil {
			return err
		}
		if err := answerSubmission(ctx, t, next); err != nil {
			return err
		}
		after, err := json.Marshal(in)
		if err != nil {
			return err
		}
		return writeChange(ctx, t, change{kind: "inspection", key: strconv.FormatInt(id, 10), action: string(a),
			before: string(before), after: string(after)})
	})
}

// oneInspectionRow turns an update that matched no row — the revision
// moved on since it was loaded — into ECONFLICT.
func oneInspectionRow(res interface{ RowsAffected() (int64, error) }, err error, in *spotcheck.Inspection) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return spotcheck.Errorf(spotcheck.ECONFLICT, "检查记录 %d 刚被他人更改，请刷新后重试", in.ID)
	}
	return nil
}

// SaveInspection replaces what the team records of a draft or returned
// inspection (methods, check-in, location, findings, results, sub-codes,
// remark, completion date) and clears the confirmations, which were given
// to the record as it was. The header (task, entity, team, items) stays.
func (sv *InspectionService) SaveInspection(ctx context.Context, in *spotcheck.Inspection) (err error) {
	defer wrap(&err, "save inspection", in.ID)
	in.Normalize()
	return sv.db.inspectionStep(ctx, in.ID, spotcheck.InspActSave,
		func(t *tx, old *spotcheck.Inspection, p *spotcheck.Principal) error {
			if err := old.Can(spotcheck.InspActSave, p); err != nil {
				return err
			}
			cat, err := resultCatalogue(ctx, t)
			if err != nil {
				return err
			}
			draft := *old
			draft.Methods, draft.CheckIn, draft.Location, draft.Findings = in.Methods, in.CheckIn, in.Location, in.Findings
			draft.Results, draft.SubCodes, draft.Remark, draft.Completed = in.Results, in.SubCodes, in.Remark, in.Completed
			draft.RectifyBy = in.RectifyBy
			return draft.ValidateDraft(cat).Err()
		},
		func(t *tx, old *spotcheck.Inspection, p *spotcheck.Principal) error {
			old.Methods, old.CheckIn, old.Location, old.Findings = in.Methods, in.CheckIn.UTC(), in.Location, in.Findings
			old.Results, old.SubCodes, old.Remark, old.Completed = in.Results, in.SubCodes, in.Remark, in.Completed
			old.RectifyBy = in.RectifyBy
			old.Confirmations = nil
			return nil
		})
}

// ConfirmInspection records the confirmation of the signed-in team member,
// whose 执法证 must be valid today (in China).
func (sv *InspectionService) ConfirmInspection(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "confirm inspection", id)
	db := sv.db
	var staff string
	return db.inspectionStep(ctx, id, spotcheck.InspActConfirm,
		func(t *tx, in *spotcheck.Inspection, p *spotcheck.Principal) error {
			var who *spotcheck.Inspector
			if staff = in.Member(p); staff != "" {
				w, err := inspectors.findOne(ctx, t, staff)
				if err != nil && spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
					return err
				}
				who = w
			}
			return in.CanConfirm(p, who, db.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout))
		},
		func(t *tx, in *spotcheck.Inspection, p *spotcheck.Principal) error {
			in.Confirmations = append(in.Confirmations, spotcheck.Confirmation{Inspector: staff,
				At: db.Now().UTC().Truncate(time.Second)})
			return nil
		})
}

// SubmitInspection sends a confirmed, complete record to the approver.
func (sv *InspectionService) SubmitInspection(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "submit inspection", id)
	return sv.db.inspectionStep(ctx, id, spotcheck.InspActSubmit,
		func(t *tx, in *spotcheck.Inspection, p *spotcheck.Principal) error {
			cat, err := resultCatalogue(ctx, t)
			if err != nil {
				return err
			}
			return in.CanSubmit(p, cat)
		}, nil)
}

// decide is the approver's step a with comment.
func (sv *InspectionService) decide(ctx context.Context, id int64, a spotcheck.Action, comment string,
	change func(t *tx, in *spotcheck.Inspection) error) error {
	return sv.db.inspectionStep(ctx, id, a,
		func(t *tx, in *spotcheck.Inspection, p *spotcheck.Principal) error {
			return in.CanDecide(a, p, comment)
		},
		func(t *tx, in *spotcheck.Inspection, p *spotcheck.Principal) error {
			in.Approver, in.Comment = p.Username, comment
			if change != nil {
				return change(t, in)
			}
			return nil
		})
}

// ApproveInspection approves a submitted record and sets its publication
// due date: spotcheck.PublicationWorkdays working days after completion
// on the calendar with the administrator's overrides; the follow-ups its
// results start are made in the same transaction.
func (sv *InspectionService) ApproveInspection(ctx context.Context, id int64, comment string) (err error) {
	defer wrap(&err, "approve inspection", id)
	return sv.decide(ctx, id, spotcheck.InspActApprove, comment, func(t *tx, in *spotcheck.Inspection) error {
		cal, err := workday.Load(ctx, &CalendarService{t.db})
		if err != nil {
			return err
		}
		if in.PublicationDue, err = spotcheck.PublicationDue(cal, in.Completed); err != nil {
			return err
		}
		// The follow-ups its results start (store/followup.go).
		return createFollowUps(ctx, t, in, cal, in.Approver)
	})
}

// ReturnInspection sends a submitted record back to the team.
func (sv *InspectionService) ReturnInspection(ctx context.Context, id int64, comment string) (err error) {
	defer wrap(&err, "return inspection", id)
	return sv.decide(ctx, id, spotcheck.InspActReturn, comment, nil)
}

// RejectInspection refuses a submitted record (不通过).
func (sv *InspectionService) RejectInspection(ctx context.Context, id int64, comment string) (err error) {
	defer wrap(&err, "reject inspection", id)
	return sv.decide(ctx, id, spotcheck.InspActReject, comment, nil)
}

// ReviseInspection opens the next revision of an approved, published or
// rejected inspection, in draft with reason; the revision it starts from
// stays as it is.
func (sv *InspectionService) ReviseInspection(ctx context.Context, id int64, reason string) (err error) {
	defer wrap(&err, "revise inspection", id)
	db := sv.db
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		in, err := findInspection(ctx, t, id)
		if err != nil {
			return err
		}
		if err := in.CanRevise(p, reason); err != nil {
			return err
		}
		next := in.Revise(reason)
		next.UpdatedBy, next.UpdatedAt = p.Username, db.Now().UTC().Truncate(time.Second)
		c := contentOf(&next)
		content, err := json.Marshal(c)
		if err != nil {
			return err
		}
		results, findings, err := revisionArrays(c)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO inspection_revisions (inspection_id, revision, state, reason, content,
			completed, publication_due, updated_by, updated_at, results, findings) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10)`,
			id, next.Revision, next.State, next.Reason, string(content), next.Completed, next.UpdatedBy, t.db.now(),
			results, findings); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE inspections SET revision = $1, state = $2 WHERE id = $3 AND revision = $4`,
			next.Revision, next.State, id, in.Revision)
		if err := oneInspectionRow(res, err, in); err != nil {
			return err
		}
		after, err := json.Marshal(next)
		if err != nil {
			return err
		}
		return writeChange(ctx, t, change{kind: "inspection", key: strconv.FormatInt(id, 10),
			action: string(spotcheck.InspActRevise), after: string(after)})
	})
}

// lockInspection takes the inspection's row for the step's transaction.
// Two steps on one inspection at once — both members confirming the same
// second — must not both read the record before either writes it: a
// confirmation does not change the state the UPDATE checks, so the later
// write would drop the earlier one. PostgreSQL runs writers side by side
// and needs the row lock; SQLite's writers take turns already.
func lockInspection(ctx context.Context, t *tx, id int64) error {
	if t.db.dialect.name() != "postgres" {
		return nil
	}
	var got int64
	err := t.QueryRowContext(ctx, `SELECT id FROM inspections WHERE id = $1 FOR UPDATE`, id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // the step's read answers that there is no such inspection
	}
	return err
}
