package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"spotcheck"
)

// Reclassification runs (spotcheck.RiskService; migration 0029).
//
// PreviewReclassification claims the one computing slot (a risk_runs row
// in state running: a partial unique index admits one, on every server
// of the database), scores every active entity of the department's
// subtree with the model in force and writes each entity's facts and
// verdict to entity_risk in chunks of their own transactions, so that a
// preview of a million entities never holds SQLite's write lock for long.
// Then the run is previewed, with its summary. A slot whose run has been
// computing for longer than riskRunLease is taken to be dead (its process
// stopped) and is released as failed by the next preview.
//
// ApplyReclassification applies a previewed run in one transaction. It
// moves risk_state.applied_seq on from the value the run saw when its
// preview started; if another run was applied in between, the row no
// longer has that value and the run is stale. The same row serialises
// two applies on PostgreSQL. Each moving entity's row is updated through
// the directory's own writer (updateRow: a new version, the change
// recorded with writeChange) and its move appended to risk_changes.
//
// entity_risk keeps the facts, not the explanations: a row is about
// 150 bytes where the contributions' text would be ten times that for a
// million entities, and RiskModel.Score, which is pure, gives the same
// contributions again from the facts, the day and the run's model
// (FindEntityRisk). It is derived data: an applied run's rows replace the
// entities' rows of earlier runs, and a run that goes stale or fails
// loses its rows; what the rules keep is risk_changes and the changes.

// riskRunLease is how long a run may compute before the next preview
// takes it for dead.
const riskRunLease = time.Hour

// riskChunk is how many entities' rows one transaction of a preview
// writes.
const riskChunk = 5000

var entityRiskCols = []string{"run_id", "entity_id", "type", "key_item", "founded", "last_inspected", "adverse",
	"open_followups", "abnormal", "complaints", "penalties", "score", "class", "key_flag", "old_class", "old_key", "moved"}

// PreviewReclassification scores every active entity of dept's subtree
// with the model in force today (China) and keeps the run as previewed.
// PermManageRisk on dept; ENOTFOUND for an unknown department or no model
// in force; ECONFLICT while another run is computing.
func (sv *RiskService) PreviewReclassification(ctx context.Context, dept string) (_ *spotcheck.RiskRun, err error) {
	db := sv.db
	dept = spotcheck.NormalizeCode(dept)
	defer wrap(&err, "preview reclassification", dept)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageRisk, dept); err != nil {
		return nil, err
	}
	depts, err := findDepartments(ctx, db.read)
	if err != nil {
		return nil, err
	}
	if !hasDept(depts, dept) {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有部门“%s”", dept)
	}
	scope := spotcheck.Subtree(depts, dept)
	dayText := db.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout)
	day, _ := time.Parse(spotcheck.DateLayout, dayText)
	m, _, err := currentRiskModel(ctx, db.read, dayText)
	if err != nil {
		return nil, err
	}
	run := &spotcheck.RiskRun{Model: m.Version, Dept: dept, Day: dayText, State: spotcheck.RiskRunRunning,
		CreatedBy: actorID(ctx), CreatedAt: db.Now().UTC().Truncate(time.Second)}
	var base int64
	if err := db.inTx(ctx, func(t *tx) error {
		var e error
		base, e = sv.claimRun(ctx, t, run)
		return e
	}); err != nil {
		return nil, err
	}
	spotcheck.RiskRunStarted(ctx, run.ID)
	if err := sv.computeRun(ctx, run, m, day, scope); err != nil {
		// Release the slot; the run's rows go with it.
		ctx := context.WithoutCancel(ctx)
		if e := db.inTx(ctx, func(t *tx) error { return endRun(ctx, t, run.ID, spotcheck.RiskRunFailed, err.Error()) }); e != nil {
			return nil, errors.Join(err, e)
		}
		return nil, err
	}
	err = db.inTx(ctx, func(t *tx) error {
		var seq int64
		if err := t.QueryRowContext(ctx, `SELECT applied_seq FROM risk_state WHERE id = 1`).Scan(&seq); err != nil {
			return err
		}
		if seq != base {
			// Another run was applied while this one computed.
			run.State = spotcheck.RiskRunStale
			return endRun(ctx, t, run.ID, spotcheck.RiskRunStale, "")
		}
		summary, err := json.Marshal(run.Summary)
		if err != nil {
			return err
		}
		run.State = spotcheck.RiskRunPreviewed
		res, err := t.ExecContext(ctx, `UPDATE risk_runs SET state = $1, entities = $2, moves = $3, summary = $4
			WHERE id = $5 AND state = $6`, run.State, run.Entities, run.Moves, string(summary), run.ID, spotcheck.RiskRunRunning)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "第%d号重新分类计算超过%v，已被视为中断，请重新预览", run.ID, riskRunLease)
		}
		return nil
	})
	return run, err
}

// claimRun releases a dead run's slot, takes the slot for run and returns
// the applied_seq the run starts from.
func (sv *RiskService) claimRun(ctx context.Context, t *tx, run *spotcheck.RiskRun) (int64, error) {
	var dead []int64
	rows, err := t.QueryContext(ctx, `SELECT id FROM risk_runs WHERE state = $1 AND created_at < $2`,
		spotcheck.RiskRunRunning, sv.db.Now().Add(-riskRunLease).UTC().Format(time.RFC3339))
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		dead = append(dead, id)
	}
	rows.Close()
	for _, id := range dead {
		if err := endRun(ctx, t, id, spotcheck.RiskRunFailed, "计算超时，视为中断"); err != nil {
			return 0, err
		}
	}
	var base int64
	if err := t.QueryRowContext(ctx, `SELECT applied_seq FROM risk_state WHERE id = 1`).Scan(&base); err != nil {
		return 0, err
	}
	err = t.QueryRowContext(ctx, `INSERT INTO risk_runs (model, dept, day, state, base_seq, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
		run.Model, run.Dept, run.Day, run.State, base, run.CreatedBy, timeCol{&run.CreatedAt}).Scan(&run.ID)
	if errors.Is(err, sql.ErrNoRows) {
		var id int64
		var dept, by string
		var at time.Time
		if err := t.QueryRowContext(ctx, `SELECT id, dept, created_by, created_at FROM risk_runs WHERE state = $1`,
			spotcheck.RiskRunRunning).Scan(&id, &dept, &by, timeCol{&at}); err != nil {
			return 0, err
		}
		return 0, spotcheck.Errorf(spotcheck.ECONFLICT, "已有一次信用风险重新分类正在计算（第%d号，%s，%s由%s开始），请待其完成后再试",
			id, dept, at.In(spotcheck.ChinaTime).Format("2006-01-02 15:04"), actorLabel(by))
	}
	return base, err
}

// endRun ends a run that will never be applied (stale or failed) and
// removes its derived rows.
func endRun(ctx context.Context, t *tx, id int64, state, reason string) error {
	if _, err := t.ExecContext(ctx, `UPDATE risk_runs SET state = $1, error = $2 WHERE id = $3`, state, reason, id); err != nil {
		return err
	}
	_, err := t.ExecContext(ctx, `DELETE FROM entity_risk WHERE run_id = $1`, id)
	return err
}

// computeRun scores the entities of scope and writes their rows. The
// facts are read for every entity, whatever the scope: limited to the
// entities of a scope (an IN list of a million ids for the city, built
// again for each of the six queries), SQLite spent 40 s of CPU on the
// limit; the whole city's facts are a few hundred thousand rows, and the
// scope is kept by the entities visited (eachRiskEntity).
func (sv *RiskService) computeRun(ctx context.Context, run *spotcheck.RiskRun, m *spotcheck.RiskModel, day time.Time, scope []string) error {
	db := sv.db
	src, err := loadRiskFacts(ctx, db.read, m, day, nil)
	if err != nil {
		return err
	}
	ovs, err := openOverrides(ctx, db.read) // manual overrides hold while active (risk_override.go)
	if err != nil {
		return err
	}
	var tally spotcheck.RiskTally
	batch := make([][]any, 0, riskChunk)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := db.inTx(ctx, func(t *tx) error { return db.dialect.bulkInsert(ctx, t, "entity_risk", entityRiskCols, batch) })
		batch = batch[:0]
		return err
	}
	err = eachRiskEntity(ctx, db.read, src, scope, func(e *riskEntity) error {
		a := ovs.apply(e.id, m.Score(e.facts, day), run.Day)
		moved := spotcheck.RiskMoves(e.class, e.key, a)
		if moved {
			tally.Add(e.division, e.typ, e.class, e.key, a)
			run.Moves++
		}
		run.Entities++
		f := &e.facts
		batch = append(batch, []any{run.ID, e.id, f.Type, boolInt(f.KeyItem), f.Founded, f.LastInspected, f.AdverseResults,
			f.OpenFollowUps, boolInt(f.Abnormal), f.Complaints, f.Penalties, a.Score, a.Class, boolInt(a.Key), e.class,
			boolInt(e.key), boolInt(moved)})
		if len(batch) == riskChunk {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	run.Summary = tally.Summary()
	return flush()
}

func hasDept(depts []spotcheck.Department, code string) bool {
	for _, d := range depts {
		if d.Code == code {
			return true
		}
	}
	return false
}

// actorLabel names an actor for a message: a system principal by what it
// is, a user by login.
func actorLabel(username string) string {
	if n := spotcheck.ActorName(username); n != "" {
		return n
	}
	return username
}

const riskRunCols = `id, model, dept, day, state, entities, moves, summary, created_by, created_at, applied_by, applied_at, base_seq`

func scanRiskRun(s interface{ Scan(...any) error }) (*spotcheck.RiskRun, int64, error) {
	var r spotcheck.RiskRun
	var summary, applied string
	var base int64
	if err := s.Scan(&r.ID, &r.Model, &r.Dept, &r.Day, &r.State, &r.Entities, &r.Moves, &summary, &r.CreatedBy,
		timeCol{&r.CreatedAt}, &r.AppliedBy, &applied, &base); err != nil {
		return nil, 0, err
	}
	if applied != "" {
		r.AppliedAt, _ = time.Parse(time.RFC3339, applied)
	}
	if summary != "" {
		if err := json.Unmarshal([]byte(summary), &r.Summary); err != nil {
			return nil, 0, err
		}
	}
	return &r, base, nil
}

func findRiskRun(ctx context.Context, q querier, id int64) (*spotcheck.RiskRun, int64, error) {
	r, base, err := scanRiskRun(q.QueryRowContext(ctx, "SELECT "+riskRunCols+" FROM risk_runs WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有第%d号重新分类", id)
	}
	return r, base, err
}

// FindRiskRun returns one run. PermViewDirectory on its department;
// ENOTFOUND, also for a run outside the user's scope.
func (sv *RiskService) FindRiskRun(ctx context.Context, id int64) (_ *spotcheck.RiskRun, err error) {
	defer wrap(&err, "find risk run", id)
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return nil, err
	}
	r, _, err := findRiskRun(ctx, sv.db.read, id)
	if err != nil {
		return nil, err
	}
	if err := spotcheck.AuthorizeViewCtx(ctx, spotcheck.PermViewDirectory, r.Dept,
		spotcheck.Errorf(spotcheck.ENOTFOUND, "没有第%d号重新分类", id)); err != nil {
		return nil, err
	}
	return r, nil
}

// FindRiskRuns lists the latest runs (at most limit, 1 to 1000), newest
// first: PermViewDirectory, and only the runs of departments in the
// user's scope, as FindRiskRun shows one.
func (sv *RiskService) FindRiskRuns(ctx context.Context, limit int) (_ []*spotcheck.RiskRun, err error) {
	defer wrap(&err, "find risk runs")
	where, args, err := scoped(ctx, spotcheck.PermViewDirectory, "dept", nil, nil)
	if err != nil {
		return nil, err
	}
	c := conds{list: where, args: args}
	rows, err := sv.db.read.QueryContext(ctx, "SELECT "+riskRunCols+" FROM risk_runs WHERE "+c.where()+
		" ORDER BY id DESC LIMIT "+c.arg(min(max(limit, 1), 1000)), c.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*spotcheck.RiskRun{}
	for rows.Next() {
		r, _, err := scanRiskRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// riskReason is the reason a move records: how the class came about and,
// on the key list, why; off it, that it left.
func riskReason(m *spotcheck.RiskModel, a spotcheck.RiskAssessment, oldKey bool) string {
	var b strings.Builder
	b.WriteString(m.ExplainClass(a))
	switch {
	case a.Key:
		b.WriteString("；列入重点检查对象：")
		b.WriteString(a.KeyReason)
	case oldKey:
		b.WriteString("；不再符合重点检查对象标准，移出")
	}
	return b.String()
}

// keyReasonOf is the key reason an entity keeps: the model's, with its
// version.
func keyReasonOf(a spotcheck.RiskAssessment) string {
	return fmt.Sprintf("%s（风险模型%s）", a.KeyReason, a.Model)
}
