package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/ledger"
)

// drawRow is a draw as the workflow steps load it.
type drawRow struct {
	id                    int64
	task, authority       string
	planHash, state       string
	plan                  []byte
	depts                 []string
	randomnessSHA, resSHA string
}

// loadDraw loads a draw in a write transaction for one step. It takes the
// log head's lock first: every step appends to the log, and holding the
// lock from the start serializes the steps of concurrent requests on
// PostgreSQL (two commits of one participant cannot both pass the check)
// and always takes the locks in the same order.
func loadDraw(ctx context.Context, t *tx, id int64) (*drawRow, error) {
	if _, err := t.beginLog(ctx); err != nil {
		return nil, err
	}
	d := &drawRow{id: id}
	var plan string
	err := t.QueryRowContext(ctx, `SELECT task, authority, plan_hash, state, plan, randomness_sha, result_sha
		FROM draws WHERE id = $1`, id).Scan(&d.task, &d.authority, &d.planHash, &d.state, &plan, &d.randomnessSHA, &d.resSHA)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为 %d 的抽取", id)
	}
	if err != nil {
		return nil, err
	}
	d.plan = []byte(plan)
	d.depts, err = taskDepts(ctx, t, d.task)
	return d, err
}

// taskDepts returns a task's authority and partners.
func taskDepts(ctx context.Context, q querier, task string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.dept FROM task_depts t WHERE t.task = $1
		ORDER BY CASE WHEN t.dept = (SELECT authority FROM tasks WHERE code = $1) THEN 0 ELSE 1 END, t.dept`, task)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// drawStep runs one step of the workflow on draw id in one write
// transaction: fn gets the draw (loaded with the log locked, see loadDraw)
// and the transaction commits, signing the log's checkpoint, only when fn
// returns nil.
func (db *DB) drawStep(ctx context.Context, id int64, fn func(t *tx, d *drawRow) error) error {
	t, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	d, err := loadDraw(ctx, t, id)
	if err != nil {
		return err
	}
	if err := fn(t, d); err != nil {
		return err
	}
	return t.commit()
}

// inState fails unless the draw is in one of the states.
func (d *drawRow) inState(states ...string) error {
	for _, s := range states {
		if d.state == s {
			return nil
		}
	}
	return spotcheck.Errorf(spotcheck.ECONFLICT, "抽取 %d 当前状态为“%s”，不能进行此操作", d.id, spotcheck.DrawStateNames[d.state])
}

// commit records and logs one commitment.
func commit(ctx context.Context, t *tx, id int64, planHash, participant, commitment string) error {
	body, err := ledger.CommitBody(planHash, ledger.Commitment{Participant: participant, Commitment: commitment})
	if err != nil {
		return err
	}
	idx, err := t.appendLog(ctx, "commit", body)
	if err != nil {
		return err
	}
	_, err = t.ExecContext(ctx, `UPDATE draw_commits SET commitment = $1, committed_at = $2, log_index = $3
		WHERE draw_id = $4 AND participant = $5`, commitment, t.db.now(), idx, id, participant)
	return err
}

// actingAs checks that the user in ctx is the participant (the command
// line may act for anyone: its operator holds the database).
func actingAs(ctx context.Context, participant string) error {
	p := spotcheck.PrincipalFromContext(ctx)
	if p == nil {
		return nil
	}
	if err := p.Authorize(spotcheck.PermWitnessDraws, ""); err != nil {
		return err
	}
	if p.Username != participant {
		return spotcheck.Errorf(spotcheck.EFORBIDDEN, "只能以本人身份（%s）提交承诺或揭示", p.Username)
	}
	return nil
}

// participantState loads one participant's row.
func participantState(ctx context.Context, t *tx, id int64, participant string) (commitment, secret string, withheld bool, err error) {
	err = t.QueryRowContext(ctx, `SELECT commitment, secret, withheld FROM draw_commits WHERE draw_id = $1 AND participant = $2`,
		id, participant).Scan(&commitment, &secret, boolCol{&withheld})
	if errors.Is(err, sql.ErrNoRows) {
		err = spotcheck.Errorf(spotcheck.EFORBIDDEN, "“%s”不是本次抽取方案声明的参与人", participant)
	}
	return
}

// CommitDraw records an official's commitment (computed on their device;
// the secret is not sent). When the last commitment is in, reveals open.
func (db *DB) CommitDraw(ctx context.Context, id int64, participant, commitment string) error {
	if err := actingAs(ctx, participant); err != nil {
		return err
	}
	commitment = strings.ToLower(strings.TrimSpace(commitment))
	if !draw.IsHash(commitment) {
		return spotcheck.Errorf(spotcheck.EINVALID, "承诺值应为64位十六进制（SHA-256）")
	}
	return db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
		if err := d.inState(spotcheck.DrawCommitting); err != nil {
			return err
		}
		old, _, _, err := participantState(ctx, t, id, participant)
		if err != nil {
			return err
		}
		if old != "" {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "%s 已提交承诺，承诺不能更改", participant)
		}
		if err := commit(ctx, t, id, d.planHash, participant, commitment); err != nil {
			return err
		}
		var open int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM draw_commits WHERE draw_id = $1 AND commitment = ''`, id).Scan(&open); err != nil {
			return err
		}
		if open == 0 {
			if err := setState(ctx, t, id, spotcheck.DrawRevealing); err != nil {
				return err
			}
		}
		if err := recordEvent(ctx, t, "draw", fmt.Sprint(id), "commit", participant+" "+commitment); err != nil {
			return err
		}
		return nil
	})
}

func setState(ctx context.Context, t *tx, id int64, state string) error {
	_, err := t.ExecContext(ctx, `UPDATE draws SET state = $1 WHERE id = $2`, state, id)
	return err
}

// RevealDraw accepts an official's secret once every commitment is in,
// and only if it matches the commitment (spec §4). The secret is kept
// until the draw runs and then published inside randomness.json.
func (db *DB) RevealDraw(ctx context.Context, id int64, participant, secret string) error {
	if err := actingAs(ctx, participant); err != nil {
		return err
	}
	if err := draw.CheckSecret(secret); err != nil {
		return spotcheck.Errorf(spotcheck.EINVALID, "秘密值无效：%v", err)
	}
	return db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
		if d.state == spotcheck.DrawCommitting {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "还有参与人未提交承诺，所有承诺记入日志后才能揭示")
		}
		if err := d.inState(spotcheck.DrawRevealing); err != nil {
			return err
		}
		commitment, old, _, err := participantState(ctx, t, id, participant)
		if err != nil {
			return err
		}
		if old != "" {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "%s 已揭示", participant)
		}
		if draw.Commitment(d.planHash, participant, secret) != commitment {
			return spotcheck.Errorf(spotcheck.EINVALID, "秘密值与 %s 的承诺不符（请检查是否与生成承诺时完全一致）", participant)
		}
		if _, err := t.ExecContext(ctx, `UPDATE draw_commits SET secret = $1, revealed_at = $2 WHERE draw_id = $3 AND participant = $4`,
			secret, db.now(), id, participant); err != nil {
			return err
		}
		if err := recordEvent(ctx, t, "draw", fmt.Sprint(id), "reveal", participant); err != nil {
			return err
		}
		return nil
	})
}

// WithholdReveal records, in the log, that a participant did not reveal:
// the draw fails and can only be redone by a new plan that supersedes it.
func (db *DB) WithholdReveal(ctx context.Context, id int64, participant, note string) error {
	return db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
		if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermManageDraws, d.depts, noDraw(d.id)); err != nil {
			return err
		}
		if err := d.inState(spotcheck.DrawCommitting, spotcheck.DrawRevealing); err != nil {
			return err
		}
		commitment, secret, _, err := participantState(ctx, t, id, participant)
		if err != nil {
			return err
		}
		if secret != "" || participant == spotcheck.SystemParticipant {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "%s 已履行承诺或揭示，不能记为未揭示", participant)
		}
		what := "reveal"
		if commitment == "" {
			what = "commit"
		}
		body := fmt.Appendf(nil, `{"missing":"%s","participant":"%s","plan":"%s"}`, what, participant, d.planHash)
		if _, err := t.appendLog(ctx, "withheld", body); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE draw_commits SET withheld = 1 WHERE draw_id = $1 AND participant = $2`, id, participant); err != nil {
			return err
		}
		if err := setState(ctx, t, id, spotcheck.DrawFailed); err != nil {
			return err
		}
		if err := recordEvent(ctx, t, "draw", fmt.Sprint(id), "withheld", participant+"："+note); err != nil {
			return err
		}
		return nil
	})
}

// RunDraw reveals the platform's secret, mixes the declared sources into
// the seed, performs the draw and logs randomness and result sealed (spec
// §8: inspections are unannounced). Every official must have revealed.
func (db *DB) RunDraw(ctx context.Context, id int64, run spotcheck.DrawRun) error {
	return db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
		if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermManageDraws, d.depts, noDraw(d.id)); err != nil {
			return err
		}
		if err := d.inState(spotcheck.DrawRevealing); err != nil {
			return err
		}
		commits, reveals, err := revealsOf(ctx, t, id)
		if err != nil {
			return err
		}
		plan, err := draw.ParsePlan(d.plan)
		if err != nil {
			return err
		}
		var beacon *draw.BeaconValue
		if plan.Randomness.Beacon != nil {
			beacon = &draw.BeaconValue{Chain: plan.Randomness.Beacon.Chain, Round: plan.Randomness.Beacon.Round,
				Randomness: strings.ToLower(strings.TrimSpace(run.BeaconRandomness))}
		}
		dice := ""
		if plan.Randomness.Dice {
			dice = strings.TrimSpace(run.Dice)
		}
		randomness, err := draw.MakeRandomness(d.plan, commits, reveals, beacon, dice)
		if err != nil {
			return spotcheck.Errorf(spotcheck.EINVALID, "%v", err)
		}
		in, err := drawInputs(ctx, t, id)
		if err != nil {
			return err
		}
		out, err := draw.Run(d.plan, randomness, in)
		if err != nil {
			return spotcheck.Errorf(spotcheck.EINVALID, "抽取失败：%v", err)
		}
		rIdx, rSHA, err := t.appendSealed(ctx, "randomness", randomness)
		if err != nil {
			return err
		}
		resIdx, resSHA, err := t.appendSealed(ctx, "result", out.Result)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE draws SET state = $1, randomness = $2, result = $3, selected = $4, assignment = $5,
			seed = $6, unassigned = $7, randomness_index = $8, result_index = $9, randomness_sha = $10, result_sha = $11, drawn_at = $12
			WHERE id = $13`, spotcheck.DrawDrawn, string(randomness), string(out.Result), string(out.Selected), string(out.Assignment),
			out.Seed, countUnassigned(out.Teams), rIdx, resIdx, rSHA, resSHA, db.now(), id); err != nil {
			return err
		}
		if err := insertPicks(ctx, t, id, out); err != nil {
			return err
		}
		if err := recordEvent(ctx, t, "draw", fmt.Sprint(id), "draw", string(out.Result)); err != nil {
			return err
		}
		return nil
	})
}

func countUnassigned(teams []draw.Team) int {
	n := 0
	for _, tm := range teams {
		if tm.Inspectors == nil {
			n++
		}
	}
	return n
}

// revealsOf returns the commitments and reveals in plan order, the
// platform's own secret included; an official who has not revealed stops
// the run.
func revealsOf(ctx context.Context, t *tx, id int64) ([]draw.Commit, []draw.Reveal, error) {
	rows, err := t.QueryContext(ctx, `SELECT c.participant, c.commitment, c.secret, d.system_secret
		FROM draw_commits c JOIN draws d ON d.id = c.draw_id WHERE c.draw_id = $1 ORDER BY c.participant`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var commits []draw.Commit
	var reveals []draw.Reveal
	var missing []string
	for rows.Next() {
		var p, c, s, sys string
		if err := rows.Scan(&p, &c, &s, &sys); err != nil {
			return nil, nil, err
		}
		if p == spotcheck.SystemParticipant {
			s = sys
		}
		if s == "" {
			missing = append(missing, p)
		}
		commits = append(commits, draw.Commit{Participant: p, Commitment: c})
		reveals = append(reveals, draw.Reveal{Participant: p, Secret: s})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(missing) > 0 {
		return nil, nil, spotcheck.Errorf(spotcheck.ECONFLICT, "尚未揭示：%s", strings.Join(missing, "、"))
	}
	return commits, reveals, nil
}

// drawInputs loads the frozen input files of a draw.
func drawInputs(ctx context.Context, q querier, id int64) (draw.Inputs, error) {
	var f, e, r, c string
	err := q.QueryRowContext(ctx, `SELECT frame, exclusions, roster, conflicts FROM draws WHERE id = $1`, id).Scan(&f, &e, &r, &c)
	return draw.Inputs{Frame: []byte(f), Exclusions: []byte(e), Roster: []byte(r), Conflicts: []byte(c)}, err
}

// insertPicks stores the selected and reserve entities with their teams.
func insertPicks(ctx context.Context, t *tx, id int64, out draw.Outcome) error {
	teams := make(map[string]string, len(out.Teams))
	for _, tm := range out.Teams {
		teams[tm.Entity] = strings.Join(tm.Inspectors, ",")
	}
	stmt, err := t.PrepareContext(ctx, `INSERT INTO draw_picks (draw_id, stratum, rank, entity_id, ticket, reserve, inspectors)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, p := range out.Picks {
		team := ""
		if !p.Reserve {
			team = teams[p.Entity]
		}
		if _, err := stmt.ExecContext(ctx, id, p.Stratum, p.Rank, p.Entity, p.Ticket18, boolInt(p.Reserve), team); err != nil {
			return err
		}
	}
	return nil
}

// LiftEmbargo publishes a drawn draw (spec §8, amendment 1): its sealed
// randomness and approved later events are unsealed in the log and served
// as they were; the result record stays sealed to the public (its
// per-stratum cutoffs would give away the strata, credit risk classes), and
// the publication record of published.tsv is appended in the clear
// instead. The plans stage calls it when the task's results are published;
// a supervisor may lift the embargo earlier, with a reason.
func (db *DB) LiftEmbargo(ctx context.Context, id int64, reason string) error {
	if err := spotcheck.AuthorizeDrawCtx(ctx, spotcheck.PermSuperviseDraws, nil); err != nil {
		return err
	}
	if len([]rune(strings.TrimSpace(reason))) < 2 {
		return spotcheck.Errorf(spotcheck.EINVALID, "解除保密必须说明原因")
	}
	return db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
		if err := d.inState(spotcheck.DrawDrawn); err != nil {
			return err
		}
		shas := []string{d.randomnessSHA}
		rows, err := t.QueryContext(ctx, `SELECT record_sha FROM draw_changes WHERE draw_id = $1 AND record_sha <> '' ORDER BY id`, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			shas = append(shas, s)
		}
		rows.Close()
		for _, s := range shas {
			if _, err := t.unseal(ctx, s); err != nil {
				return err
			}
		}
		if err := publishDraw(ctx, t, d); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE draws SET state = $1, published_at = $2 WHERE id = $3`,
			spotcheck.DrawPublished, db.now(), id); err != nil {
			return err
		}
		if err := recordEvent(ctx, t, "draw", fmt.Sprint(id), "unseal", reason); err != nil {
			return err
		}
		return nil
	})
}
