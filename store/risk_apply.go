package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"spotcheck"
)

// errRescore: a stored assessment no longer scores the same, which Score,
// being pure, rules out unless the stored facts or model were altered.
var errRescore = errors.New("stored facts no longer give the stored score")

// ApplyReclassification applies previewed run id in one transaction (see
// risk_run.go). PermManageRisk on the run's department. ECONFLICT for a
// run applied already, still computing, failed or stale; a run found
// stale now (another run applied since its preview, or its model no
// longer in force) is marked so and refused.
func (sv *RiskService) ApplyReclassification(ctx context.Context, id int64) (_ *spotcheck.RiskRun, err error) {
	db := sv.db
	defer wrap(&err, "apply reclassification", id)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageRisk, ""); err != nil {
		return nil, err
	}
	var run *spotcheck.RiskRun
	var stale error
	err = db.inTx(ctx, func(t *tx) error {
		// Take the row that orders the applies first: on PostgreSQL a
		// second apply waits here and then reads what the first did.
		if _, err := t.ExecContext(ctx, `UPDATE risk_state SET applied_seq = applied_seq WHERE id = 1`); err != nil {
			return err
		}
		r, base, err := findRiskRun(ctx, t, id)
		if err != nil {
			return err
		}
		run = r
		if err := spotcheck.AuthorizeViewCtx(ctx, spotcheck.PermManageRisk, r.Dept,
			spotcheck.Errorf(spotcheck.ENOTFOUND, "没有第%d号重新分类", id)); err != nil {
			return err
		}
		switch r.State {
		case spotcheck.RiskRunApplied:
			return spotcheck.Errorf(spotcheck.ECONFLICT, "第%d号重新分类已于%s由%s应用，不能再次应用", id,
				r.AppliedAt.In(spotcheck.ChinaTime).Format("2006-01-02 15:04"), actorLabel(r.AppliedBy))
		case spotcheck.RiskRunRunning:
			return spotcheck.Errorf(spotcheck.ECONFLICT, "第%d号重新分类尚在计算，完成预览后才能应用", id)
		case spotcheck.RiskRunStale:
			return spotcheck.Errorf(spotcheck.ECONFLICT, "第%d号重新分类已过期（此后另有重新分类被应用，或模型已更换），请重新预览", id)
		case spotcheck.RiskRunFailed:
			return spotcheck.Errorf(spotcheck.ECONFLICT, "第%d号重新分类未完成，不能应用，请重新预览", id)
		}
		today := db.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout)
		m, _, err := currentRiskModel(ctx, t, today)
		if err != nil && spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			return err
		}
		if m == nil || m.Version != r.Model {
			now := "没有生效的模型"
			if m != nil {
				now = "现行模型为" + m.Version
			}
			stale = spotcheck.Errorf(spotcheck.ECONFLICT, "第%d号重新分类已过期：预览时使用模型%s，%s，请重新预览", id, r.Model, now)
			return endRun(ctx, t, id, spotcheck.RiskRunStale, "模型已更换")
		}
		res, err := t.ExecContext(ctx, `UPDATE risk_state SET applied_seq = applied_seq + 1 WHERE id = 1 AND applied_seq = $1`, base)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			stale = spotcheck.Errorf(spotcheck.ECONFLICT, "第%d号重新分类已过期：预览之后另有重新分类被应用，请重新预览", id)
			return endRun(ctx, t, id, spotcheck.RiskRunStale, "另有重新分类被应用")
		}
		run.State, run.AppliedBy, run.AppliedAt = spotcheck.RiskRunApplied, actorID(ctx), db.Now().UTC().Truncate(time.Second)
		if _, err := t.ExecContext(ctx, `UPDATE risk_runs SET state = $1, applied_seq = $2, applied_by = $3, applied_at = $4
			WHERE id = $5`, run.State, base+1, run.AppliedBy, timeCol{&run.AppliedAt}, id); err != nil {
			return err
		}
		spotcheck.RiskRunStarted(ctx, id)
		day, err := time.Parse(spotcheck.DateLayout, r.Day)
		if err != nil {
			return err
		}
		if err := applyMoves(ctx, t, m, run, day); err != nil {
			return err
		}
		if err := endExpiredOverrides(ctx, t, run, r.Day); err != nil {
			return err
		}
		// The run's rows replace the entities' rows of earlier runs; the
		// runs previewed before this one can no longer be applied.
		if _, err := t.ExecContext(ctx, `DELETE FROM entity_risk WHERE run_id <> $1
			AND entity_id IN (SELECT entity_id FROM entity_risk WHERE run_id = $1)`, id); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE risk_runs SET state = $1, error = $2 WHERE state = $3`,
			spotcheck.RiskRunStale, "另有重新分类被应用", spotcheck.RiskRunPreviewed); err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `DELETE FROM entity_risk WHERE run_id IN (SELECT id FROM risk_runs WHERE state = $1)`,
			spotcheck.RiskRunStale)
		return err
	})
	if err == nil && stale != nil {
		return nil, stale
	}
	if err != nil {
		return nil, err
	}
	return run, nil
}

// applyMoves updates the entities the run moves, a chunk at a time: each
// is re-scored from its stored facts (Score is pure, so this is the
// previewed verdict with its reasons); a chunk's rows are updated
// together (updateRiskColumns), their changes recorded and their moves
// appended to risk_changes in bulk. A first run moves about half of a
// million entities: each through the directory's one-row writer took
// 221 s on SQLite. An entity whose row already stands where the run would
// put it is left alone.
func applyMoves(ctx context.Context, t *tx, m *spotcheck.RiskModel, run *spotcheck.RiskRun, day time.Time) error {
	type move struct {
		old   riskColumns // and the entity's id and version
		id    string
		ver   int
		row   int64 // SQLite's rowid of the entity (0 on PostgreSQL)
		done  bool  // updated
		facts spotcheck.RiskFacts
	}
	// The moves with the entities' risk columns as they stand, in one
	// query joined by id: a query of 2,000 ids at a time cost SQLite 80 µs
	// an id, most of it binding the numbered parameters.
	moves := make([]move, 0, run.Moves)
	//
	// On SQLite the moves go in the order of the table's rows (rowid), and
	// each row is updated by its rowid: in the credit codes' order, the
	// updates of half a million rows fell all over the table, and its pages
	// went through the writer's cache (64 MB) to the WAL and back again.
	row, order := "0", "er.entity_id"
	if t.db.dialect.name() == "sqlite" {
		row, order = "e.rowid", "e.rowid"
	}
	rows, err := t.QueryContext(ctx, `SELECT er.entity_id, er.type, er.key_item, er.founded, er.last_inspected, er.adverse,
		er.open_followups, er.abnormal, er.complaints, er.penalties, e.version, e.credit_class, e.key_flag, e.key_reason,
		e.key_expiry, `+row+`
		FROM entity_risk er JOIN entities e ON e.id = er.entity_id
		WHERE er.run_id = $1 AND er.moved = 1 ORDER BY `+order, run.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var mv move
		f, o := &mv.facts, &mv.old
		if err := rows.Scan(&mv.id, &f.Type, boolCol{&f.KeyItem}, &f.Founded, &f.LastInspected, &f.AdverseResults,
			&f.OpenFollowUps, boolCol{&f.Abnormal}, &f.Complaints, &f.Penalties, &mv.ver, &o.CreditClass, boolCol{&o.Key},
			&o.KeyReason, &o.KeyExpiry, &mv.row); err != nil {
			rows.Close()
			return err
		}
		moves = append(moves, mv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	ovs, err := openOverrides(ctx, t) // manual overrides hold while active (risk_override.go)
	if err != nil {
		return err
	}
	now := t.db.Now().UTC().Truncate(time.Second)
	// moveTo is the entity's row after the move, or nil when the row
	// already stands where the run would put it.
	moveTo := func(mv *move) (old, e *spotcheck.Entity, a spotcheck.RiskAssessment) {
		old = &spotcheck.Entity{ID: mv.id, Version: mv.ver, CreditClass: mv.old.CreditClass, Key: mv.old.Key,
			KeyReason: mv.old.KeyReason, KeyExpiry: mv.old.KeyExpiry}
		a = ovs.apply(mv.id, m.Score(mv.facts, day), run.Day)
		if !spotcheck.RiskMoves(old.CreditClass, old.Key, a) {
			return old, nil, a
		}
		n := *old
		n.CreditClass, n.Key, n.KeyReason, n.KeyExpiry = a.Class, a.Key, "", ""
		if a.Key {
			n.KeyReason, n.KeyExpiry = keyReasonOf(a), a.KeyExpiry
		}
		n.Version, n.UpdatedAt = old.Version+1, now
		return old, &n, a
	}
	// First the rows, in the order read (rowid on SQLite).
	applied := 0
	for start := 0; start < len(moves); start += applyChunk {
		chunk := moves[start:min(start+applyChunk, len(moves))]
		var moved []*spotcheck.Entity
		var rowids []int64
		for i := range chunk {
			if _, e, _ := moveTo(&chunk[i]); e != nil {
				moved, rowids = append(moved, e), append(rowids, chunk[i].row)
				chunk[i].done = true
			}
		}
		if err := updateRiskColumns(ctx, t, moved, rowids, now); err != nil {
			return err
		}
		applied += len(moved)
	}
	// Then the record of the moves, in the entities' order, which is the
	// order of the indexes of changes and risk_changes (on SQLite, in
	// rowid order their inserts took as long as the updates they saved).
	slices.SortFunc(moves, func(a, b move) int { return strings.Compare(a.id, b.id) })
	for start := 0; start < len(moves); start += applyChunk {
		chunk := moves[start:min(start+applyChunk, len(moves))]
		var changes []change
		var riskRows [][]any
		for i := range chunk {
			if !chunk[i].done {
				continue
			}
			old, e, a := moveTo(&chunk[i])
			ch, err := riskChangeOf(old, e)
			if err != nil {
				return err
			}
			changes = append(changes, ch)
			riskRows = append(riskRows, []any{run.ID, e.ID, old.CreditClass, a.Class, boolInt(old.Key), boolInt(a.Key),
				a.Score, ovs.reason(e.ID, run.Day, riskReason(m, a, old.Key)), m.Version, timeCol{&run.AppliedAt}})
		}
		if err := writeChanges(ctx, t, changes); err != nil {
			return err
		}
		if err := t.db.dialect.bulkInsert(ctx, t, "risk_changes", []string{"run_id", "entity_id", "old_class", "new_class",
			"old_key", "new_key", "score", "reason", "model", "at"}, riskRows); err != nil {
			return err
		}
	}
	if applied != run.Moves {
		// The directory changed since the preview: record what was done.
		run.Moves = applied
		_, err := t.ExecContext(ctx, `UPDATE risk_runs SET moves = $1 WHERE id = $2`, applied, run.ID)
		return err
	}
	return nil
}

// riskColumns is what a reclassification changes of an entity, as its
// change history records it: the fields of spotcheck.Entity by their
// names, as in the JSON of a whole entity. A move records these alone,
// before and after, not two copies of the whole entity (about 1 KB each):
// a first run moves half a million entities, and the copies were most of
// its time (docs/performance.md). The rest of the entity is unchanged
// by the move, and the version numbers stay continuous.
type riskColumns struct {
	CreditClass string
	Key         bool
	KeyReason   string
	KeyExpiry   string
}

// riskChangeOf is the change history's record of moving old to e.
func riskChangeOf(old, e *spotcheck.Entity) (change, error) {
	b, err := json.Marshal(riskColumns{old.CreditClass, old.Key, old.KeyReason, old.KeyExpiry})
	if err != nil {
		return change{}, err
	}
	a, err := json.Marshal(riskColumns{e.CreditClass, e.Key, e.KeyReason, e.KeyExpiry})
	if err != nil {
		return change{}, err
	}
	return change{kind: entities.kind, key: e.ID, version: e.Version, action: "reclassify", before: string(b), after: string(a)}, nil
}

// applyChunk is how many moves applyMoves reads, updates and records at
// a time: an UPDATE of applyChunk rows takes 6 parameters a row, within
// both databases' limits.
const applyChunk = 2000

// updateRiskColumns sets the class and key-list columns of the entities
// es, each one version after the row it was read from; a row whose
// version moved on is not updated, and the run fails as stale. On
// PostgreSQL the rows go in one statement joined to their values (one
// round trip); SQLite plans that join as a scan of the whole table for
// each chunk (91 s for 135,215 rows of a million), so there each row is
// its own execution of one prepared statement, which costs no round trip,
// found by its rowid (rowids, in the order of es; unused on PostgreSQL).
func updateRiskColumns(ctx context.Context, t *tx, es []*spotcheck.Entity, rowids []int64, now time.Time) error {
	if len(es) == 0 {
		return nil
	}
	var n int64
	if t.db.dialect.name() == "sqlite" {
		stmt, err := t.PrepareContext(ctx, `UPDATE entities SET credit_class = $1, key_flag = $2, key_reason = $3,
			key_expiry = $4, version = version + 1, updated_at = $5 WHERE rowid = $6 AND id = $7 AND version = $8`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, e := range es {
			res, err := stmt.ExecContext(ctx, e.CreditClass, boolInt(e.Key), e.KeyReason, e.KeyExpiry, timeCol{&now},
				rowids[i], e.ID, e.Version-1)
			if err != nil {
				return err
			}
			k, _ := res.RowsAffected()
			n += k
		}
	} else {
		vals := make([]string, len(es))
		args := []any{timeCol{&now}}
		for i, e := range es {
			k := len(args)
			vals[i] = fmt.Sprintf("($%d, CAST($%d AS INTEGER), $%d, CAST($%d AS INTEGER), $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6)
			args = append(args, e.ID, e.Version-1, e.CreditClass, boolInt(e.Key), e.KeyReason, e.KeyExpiry)
		}
		res, err := t.ExecContext(ctx, `WITH s (id, version, credit_class, key_flag, key_reason, key_expiry) AS (VALUES `+
			strings.Join(vals, ", ")+`)
			UPDATE entities SET credit_class = s.credit_class, key_flag = s.key_flag, key_reason = s.key_reason,
				key_expiry = s.key_expiry, version = entities.version + 1, updated_at = $1
			FROM s WHERE entities.id = s.id AND entities.version = s.version`, args...)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
	}
	if n != int64(len(es)) {
		return spotcheck.Errorf(spotcheck.ECONFLICT, "重新分类期间有检查对象被他人修改，请重新预览")
	}
	return nil
}

// FindRiskChanges lists the moves run applied, by entity.
// PermViewDirectory on the run's department.
func (sv *RiskService) FindRiskChanges(ctx context.Context, run int64) (_ []spotcheck.RiskChange, err error) {
	defer wrap(&err, "find risk changes", run)
	if _, err := sv.FindRiskRun(ctx, run); err != nil {
		return nil, err
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT run_id, entity_id, old_class, new_class, old_key, new_key, score,
		reason, model, at FROM risk_changes WHERE run_id = $1 ORDER BY entity_id`, run)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.RiskChange{}
	for rows.Next() {
		var c spotcheck.RiskChange
		if err := rows.Scan(&c.Run, &c.Entity, &c.OldClass, &c.NewClass, boolCol{&c.OldKey}, boolCol{&c.NewKey}, &c.Score,
			&c.Reason, &c.Model, timeCol{&c.At}); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindEntityRisk returns the entity's assessment by the latest applied
// run that scored it: its stored facts scored again with that run's
// model on the run's day. The entity must be visible to the user
// (FindEntityByID); ENOTFOUND when no applied run scored it.
func (sv *RiskService) FindEntityRisk(ctx context.Context, id string) (_ *spotcheck.EntityRisk, err error) {
	db := sv.db
	defer wrap(&err, "find entity risk", id)
	e, err := db.Entities().FindEntityByID(ctx, id)
	if err != nil {
		return nil, err
	}
	out, m, err := latestEntityRisk(ctx, db.read, e.ID)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "检查对象“%s”尚未经风险模型分类", e.ID)
	}
	out.Explain = m.ExplainClass(out.Assessment)
	return out, nil
}

// latestEntityRisk is entity's assessment by the last applied run that
// scored it, its stored facts scored again with the run's model, and
// that model; nil when no applied run scored it.
func latestEntityRisk(ctx context.Context, q querier, entity string) (*spotcheck.EntityRisk, *spotcheck.RiskModel, error) {
	out := &spotcheck.EntityRisk{Entity: entity}
	var version string
	var score int
	f := &out.Facts
	err := q.QueryRowContext(ctx, `SELECT er.run_id, r.day, r.model, er.score, er.type, er.key_item, er.founded,
		er.last_inspected, er.adverse, er.open_followups, er.abnormal, er.complaints, er.penalties
		FROM entity_risk er JOIN risk_runs r ON r.id = er.run_id
		WHERE er.entity_id = $1 AND r.state = $2 ORDER BY r.applied_seq DESC LIMIT 1`, entity, spotcheck.RiskRunApplied).Scan(
		&out.Run, &out.Day, &version, &score, &f.Type, boolCol{&f.KeyItem}, &f.Founded, &f.LastInspected,
		&f.AdverseResults, &f.OpenFollowUps, boolCol{&f.Abnormal}, &f.Complaints, &f.Penalties)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	v, err := findRiskModel(ctx, q, version)
	if err != nil {
		return nil, nil, err
	}
	m, err := parseStoredModel(v)
	if err != nil {
		return nil, nil, err
	}
	day, err := time.Parse(spotcheck.DateLayout, out.Day)
	if err != nil {
		return nil, nil, err
	}
	out.Assessment = m.Score(out.Facts, day)
	if out.Assessment.Score != score {
		return nil, nil, &opError{op: "rescore run " + strconv.FormatInt(out.Run, 10), err: errRescore}
	}
	return out, m, nil
}
