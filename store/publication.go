package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"spotcheck"
	"spotcheck/draw"
)

// The publication of inspection results (issue 12, item 1;
// spotcheck.Publication, migration 0023). Publishing is one write
// transaction: the inspection's current revision moves from approved to
// published, the publication row is written with its credit record, the
// publication is appended to the log, the credit record is enqueued in
// the outbox, and — when the draw's results are all public, or the task's
// are published at once — the draw's embargo is lifted (liftEmbargo, the
// step of DrawService.LiftEmbargo). Any refusal changes nothing.

// PublicationService implements spotcheck.PublicationService.
type PublicationService struct{ db *DB }

var _ spotcheck.PublicationService = (*PublicationService)(nil)

// Publications returns the publication service.
func (db *DB) Publications() *PublicationService { return &PublicationService{db} }

// TypeResultPublication is the log entry of a published inspection result:
// its body is the canonical JSON of publicationEntry.
const TypeResultPublication = "result_publication"

// publicationEntry is what the log holds of a publication: the record as
// published, and for a correction what it corrects and why.
type publicationEntry struct {
	Publication int64                  `json:"publication"`
	Inspection  int64                  `json:"inspection"`
	Revision    int                    `json:"revision"`
	Record      spotcheck.CreditRecord `json:"record"`
}

// publicationMode is how dept publishes (PublishByEntity without a row).
func publicationMode(ctx context.Context, q querier, dept string) (string, error) {
	var m string
	err := q.QueryRowContext(ctx, `SELECT mode FROM publication_modes WHERE dept = $1`, dept).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return spotcheck.PublishByEntity, nil
	}
	return m, err
}

// FindPublicationMode returns how dept publishes.
func (sv *PublicationService) FindPublicationMode(ctx context.Context, dept string) (_ string, err error) {
	defer wrap(&err, "publication mode", dept)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return "", err
	}
	return publicationMode(ctx, sv.db.read, dept)
}

// SetPublicationMode sets how dept publishes: by an approver of the
// department (its results are theirs to publish), recorded.
func (sv *PublicationService) SetPublicationMode(ctx context.Context, dept, mode string) (err error) {
	defer wrap(&err, "set publication mode", dept)
	if dept == "" {
		return spotcheck.Errorf(spotcheck.EINVALID, "请选择要设置公示方式的部门")
	}
	if err := spotcheck.Authorize(ctx, spotcheck.PermApproveResults, dept); err != nil {
		return err
	}
	if spotcheck.PublishModeNames[mode] == "" {
		return spotcheck.Errorf(spotcheck.EINVALID, "“%s”不是有效的公示方式", mode)
	}
	p := spotcheck.PrincipalFromContext(ctx)
	return sv.db.inTx(ctx, func(t *tx) error {
		if _, err := t.ExecContext(ctx, `INSERT INTO publication_modes (dept, mode, updated_by, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (dept) DO UPDATE SET mode = excluded.mode, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			dept, mode, p.Username, t.db.now()); err != nil {
			return err
		}
		return recordEvent(ctx, t, "publication_mode", dept, "set", mode)
	})
}

// PublishInspection publishes the current, approved revision of
// inspection id: the first publication, or — after a published revision —
// a correction with reason.
func (sv *PublicationService) PublishInspection(ctx context.Context, id int64, reason string) (_ *spotcheck.Publication, err error) {
	defer wrap(&err, "publish inspection", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	var pub *spotcheck.Publication
	err = sv.db.inTx(ctx, func(t *tx) error {
		in, err := lockedInspection(ctx, t, id)
		if err != nil {
			return err
		}
		mode, err := publicationMode(ctx, t, in.Dept)
		if err != nil {
			return err
		}
		prev, err := lastPublication(ctx, t, id)
		if err != nil {
			return err
		}
		if err := in.CanPublish(p, mode, prev, reason); err != nil {
			return err
		}
		if pub, err = publish(ctx, t, in, p, prev, reason); err != nil {
			return err
		}
		return liftWhenPublic(ctx, t, in.Draw, false)
	})
	return pub, err
}

// PublishTaskResults publishes every approved result of task at once and
// lifts its draws' embargo, in one transaction.
func (sv *PublicationService) PublishTaskResults(ctx context.Context, task string) (_ []spotcheck.Publication, err error) {
	defer wrap(&err, "publish task results", task)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	var out []spotcheck.Publication
	err = sv.db.inTx(ctx, func(t *tx) error {
		if _, err := t.beginLog(ctx); err != nil {
			return err
		}
		ids, err := queryInts(ctx, t, `SELECT id FROM inspections WHERE task = $1 ORDER BY id`, task)
		if err != nil {
			return err
		}
		var ins []spotcheck.Inspection
		for _, id := range ids {
			in, err := lockedInspection(ctx, t, id)
			if err != nil {
				return err
			}
			ins = append(ins, *in)
		}
		if err := spotcheck.CanPublishTask(p, task, ins); err != nil {
			return err
		}
		draws := map[int64]bool{}
		for i := range ins {
			in := &ins[i]
			draws[in.Draw] = true
			if in.State != spotcheck.InspectionApproved {
				continue
			}
			prev, err := lastPublication(ctx, t, in.ID)
			if err != nil {
				return err
			}
			if prev != nil {
				// A correction says why, on its own page.
				return spotcheck.Errorf(spotcheck.ECONFLICT, "%s的检查结果是对已公示结果的更正，请在该检查记录页面填写更正原因后公示", in.EntityName)
			}
			pub, err := publish(ctx, t, in, p, nil, "")
			if err != nil {
				return err
			}
			out = append(out, *pub)
		}
		for _, d := range sortedKeys(draws) {
			if err := liftWhenPublic(ctx, t, d, true); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// lockedInspection loads inspection id with its names for the
// publication's transaction, its row locked on PostgreSQL.
func lockedInspection(ctx context.Context, t *tx, id int64) (*spotcheck.Inspection, error) {
	if err := lockInspection(ctx, t, id); err != nil {
		return nil, err
	}
	in, err := findInspection(ctx, t, id)
	if err != nil {
		return nil, err
	}
	return in, nameInspections(ctx, t, []*spotcheck.Inspection{in})
}

// publish writes the publication of in (a correction of prev with reason,
// when prev is not nil), moves its revision to published, logs it and
// enqueues its credit record, all within t.
func publish(ctx context.Context, t *tx, in *spotcheck.Inspection, p *spotcheck.Principal,
	prev *spotcheck.Publication, reason string) (*spotcheck.Publication, error) {
	now := t.db.Now()
	pub := &spotcheck.Publication{Inspection: in.ID, Revision: in.Revision, Version: 1, Task: in.Task, Dept: in.Dept,
		Entity: in.Entity, Due: in.PublicationDue, PublishedOn: now.In(spotcheck.ChinaTime).Format(spotcheck.DateLayout),
		PublishedAt: now.UTC().Truncate(time.Second), PublishedBy: p.Username}
	if prev != nil {
		pub.Version, pub.Original, pub.Corrects, pub.Reason = prev.Version+1, prev.Original, prev.ID, reason
	}
	var err error
	if pub.DisplayUntil, err = spotcheck.DisplayEndOf(pub.PublishedOn, prev); err != nil {
		return nil, err
	}
	err = t.QueryRowContext(ctx, `INSERT INTO publications (inspection_id, revision, version, original_id, corrects, reason,
		task, dept, entity_id, record, due, published_on, published_at, published_by, display_until, log_index)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, $11, $12, $13, $14, -1) RETURNING id`,
		pub.Inspection, pub.Revision, pub.Version, pub.Original, pub.Corrects, pub.Reason, pub.Task, pub.Dept, pub.Entity,
		pub.Due, pub.PublishedOn, t.db.now(), pub.PublishedBy, pub.DisplayUntil).Scan(&pub.ID)
	if err != nil {
		return nil, err
	}
	if pub.Original == 0 {
		pub.Original = pub.ID
	}
	src, err := creditSource(ctx, t, in)
	if err != nil {
		return nil, err
	}
	src.Published, src.RecordID, src.Version, src.CorrectionReason = pub.PublishedOn, pub.OutboxKey(), pub.Version, pub.Reason
	if prev != nil {
		src.Corrects = prev.Version
	}
	pub.Record = spotcheck.MakeCreditRecord(src)
	if err := pub.Record.Validate(); err != nil {
		return nil, err
	}
	payload, err := pub.Record.JSON()
	if err != nil {
		return nil, err
	}
	entry, err := draw.Canonical(publicationEntry{Publication: pub.ID, Inspection: in.ID, Revision: in.Revision, Record: pub.Record})
	if err != nil {
		return nil, err
	}
	if pub.LogIndex, err = t.appendLog(ctx, TypeResultPublication, entry); err != nil {
		return nil, err
	}
	if _, err := t.ExecContext(ctx, `UPDATE publications SET original_id = $1, record = $2, log_index = $3 WHERE id = $4`,
		pub.Original, string(payload), pub.LogIndex, pub.ID); err != nil {
		return nil, err
	}
	if err := enqueueOutbox(ctx, t, &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: pub.OutboxKey(),
		Version: pub.Version, Payload: payload}); err != nil {
		return nil, err
	}
	next, err := in.Next(spotcheck.InspActPublish)
	if err != nil {
		return nil, err
	}
	res, err := t.ExecContext(ctx, `UPDATE inspection_revisions SET state = $1, updated_by = $2, updated_at = $3
		WHERE inspection_id = $4 AND revision = $5 AND state = $6`,
		next, p.Username, t.db.now(), in.ID, in.Revision, in.State)
	if err := oneInspectionRow(res, err, in); err != nil {
		return nil, err
	}
	if _, err := t.ExecContext(ctx, `UPDATE inspections SET state = $1 WHERE id = $2`, next, in.ID); err != nil {
		return nil, err
	}
	after, err := json.Marshal(pub)
	if err != nil {
		return nil, err
	}
	return pub, writeChange(ctx, t, change{kind: "inspection", key: strconv.FormatInt(in.ID, 10),
		action: string(spotcheck.InspActPublish), after: string(after)})
}

// liftWhenPublic lifts the embargo of draw id within t when it is still
// sealed (drawn) and either force (the task's results were published at
// once) or none of its inspections is left to publish: the public sees
// who was drawn when it sees the results, not before.
func liftWhenPublic(ctx context.Context, t *tx, id int64, force bool) error {
	if !force {
		var open int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM inspections WHERE draw_id = $1 AND state NOT IN ($2, $3, $4)`,
			id, spotcheck.InspectionPublished, spotcheck.InspectionWithdrawn, spotcheck.InspectionRejected).Scan(&open); err != nil || open > 0 {
			return err
		}
	}
	d, err := loadDraw(ctx, t, id)
	if err != nil || d.state != spotcheck.DrawDrawn {
		return err
	}
	next, err := d.Next(spotcheck.DrawActLiftEmbargo)
	if err != nil {
		return err
	}
	return liftEmbargo(ctx, t, d, next, "检查结果已公示")
}

// creditSource reads what the credit record of in is made of.
func creditSource(ctx context.Context, q querier, in *spotcheck.Inspection) (spotcheck.CreditSource, error) {
	src := spotcheck.CreditSource{Inspection: in, ItemNames: map[string]string{}}
	tk, err := findTask(ctx, q, in.Task)
	if err != nil {
		return src, err
	}
	src.Task = tk
	if tk.Plan != "" {
		var body string
		err := q.QueryRowContext(ctx, `SELECT body FROM plans WHERE plan_key = $1 AND state = $2`,
			tk.Plan, spotcheck.PlanPublished).Scan(&body)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return src, err
		default:
			var pl spotcheck.Plan
			if err := json.Unmarshal([]byte(body), &pl); err != nil {
				return src, err
			}
			src.PlanCode, src.PlanName = tk.Plan, pl.Name
		}
	}
	if err := q.QueryRowContext(ctx, `SELECT name FROM departments WHERE code = $1`, in.Dept).Scan(&src.AuthorityName); err != nil {
		return src, err
	}
	items := map[string]bool{}
	for _, c := range in.Items {
		items[c] = true
	}
	if err := queryIn(ctx, q, `SELECT code, name, '' FROM items WHERE latest = 1 AND code IN `, items, func(code, a, _ string) {
		src.ItemNames[code] = a
	}); err != nil {
		return src, err
	}
	src.Catalogue, err = resultCatalogue(ctx, q)
	return src, err
}
