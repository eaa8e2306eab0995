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

// drawRow is a draw as the workflow steps load it: the domain's view of
// it (state, departments, commit–reveal rows), which its state machine
// decides on (spotcheck.Draw.Can and Next), and what the steps need
// besides.
type drawRow struct {
	*spotcheck.Draw
	id                    int64
	planHash, state       string
	plan                  []byte
	depts                 []string
	randomnessSHA, resSHA string
	control               int // the control sample size the task asked for
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
	d := &drawRow{id: id, Draw: &spotcheck.Draw{ID: id}}
	var plan string
	err := t.QueryRowContext(ctx, `SELECT task, authority, plan_hash, state, plan, randomness_sha, result_sha, control
		FROM draws WHERE id = $1`, id).Scan(&d.Task, &d.Authority, &d.planHash, &d.state, &plan, &d.randomnessSHA, &d.resSHA,
		&d.control)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.NoDraw(id)
	}
	if err != nil {
		return nil, err
	}
	d.plan = []byte(plan)
	d.PlanHash, d.State = d.planHash, d.state
	if d.depts, err = taskDepts(ctx, t, d.Task); err != nil {
		return nil, err
	}
	d.Partners = d.depts[1:]
	d.Commits, err = findCommits(ctx, t, id)
	return d, err
}

// taskDepts returns a task's authority and partners.
func taskDepts(ctx context.Context, q querier, task string) ([]string, error) {
	return queryStrings(ctx, q, `SELECT t.dept FROM task_depts t WHERE t.task = $1
		ORDER BY CASE WHEN t.dept = (SELECT authority FROM tasks WHERE code = $1) THEN 0 ELSE 1 END, t.dept`, task)
}

// queryStrings returns the one text column of a query's rows.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// drawStep runs one step of the workflow on draw id in one write
// transaction: fn gets the draw (loaded with the log locked, see loadDraw)
// and the transaction commits, signing the log's checkpoint, only when fn
// returns nil. The caller must carry a principal.
func (db *DB) drawStep(ctx context.Context, id int64, fn func(t *tx, d *drawRow) error) error {
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
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

// may checks that the principal in ctx may take action a on the draw now
// (spotcheck.Draw.Can) and returns the state the draw is in afterwards
// (spotcheck.Draw.Next), which the step stores when it differs.
func (d *drawRow) may(ctx context.Context, a spotcheck.Action) (next string, err error) {
	if err := d.Can(a, spotcheck.PrincipalFromContext(ctx)); err != nil {
		return "", err
	}
	return d.Next(a)
}

// moveTo stores the state a step leads to, when it changes.
func (d *drawRow) moveTo(ctx context.Context, t *tx, next string) error {
	if next == d.state {
		return nil
	}
	return setState(ctx, t, d.id, next)
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

// actingAs checks that the principal in ctx may witness draws and is the
// participant a request names: an official commits and reveals as
// themself only (spotcheck.Principal.ActsAs).
func actingAs(ctx context.Context, participant string) error {
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	if err := p.Authorize(spotcheck.PermWitnessDraws, ""); err != nil {
		return err
	}
	return p.ActsAs(participant)
}

// CommitDraw records an official's commitment (computed on their device;
// the secret is not sent). When the last commitment is in, reveals open.
func (sv *DrawService) CommitDraw(ctx context.Context, id int64, participant, commitment string) (err error) {
	db := sv.db
	defer wrap(&err, "commit draw", id, participant)
	if err := actingAs(ctx, participant); err != nil {
		return err
	}
	commitment = strings.ToLower(strings.TrimSpace(commitment))
	if !draw.IsHash(commitment) {
		return spotcheck.Errorf(spotcheck.EINVALID, "承诺值应为64位十六进制（SHA-256）")
	}
	return db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
		next, err := d.may(ctx, spotcheck.DrawActCommit)
		if err != nil {
			return err
		}
		if err := commit(ctx, t, id, d.planHash, participant, commitment); err != nil {
			return err
		}
		if err := d.moveTo(ctx, t, next); err != nil {
			return err
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
func (sv *DrawService) RevealDraw(ctx context.Context, id int64, participant, secret string) (err error) {
	db := sv.db
	defer wrap(&err, "reveal draw", id, participant)
	if err := actingAs(ctx, participant); err != nil {
		return err
	}
	if err := draw.CheckSecret(secret); err != nil {
		return spotcheck.Errorf(spotcheck.EINVALID, "秘密值无效：%v", err)
	}
	return db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
		if _, err := d.may(ctx, spotcheck.DrawActReveal); err != nil {
			return err
		}
		if draw.Commitment(d.planHash, participant, secret) != d.Commit(participant).Commitment {
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
func (sv *DrawService) WithholdReveal(ctx context.Context, id int64, participant, note string) (err error) {
	db := sv.db
	defer wrap(&err, "withhold reveal", id, participant)
	return db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
		if err := d.CanWithhold(spotcheck.PrincipalFromContext(ctx), participant); err != nil {
			return err
		}
		next, err := d.Next(spotcheck.DrawActWithhold)
		if err != nil {
			return err
		}
		what := "reveal"
		if d.Commit(participant).Commitment == "" {
			what = "commit"
		}
		body := fmt.Appendf(nil, `{"missing":"%s","participant":"%s","plan":"%s"}`, what, participant, d.planHash)
		if _, err := t.appendLog(ctx, "withheld", body); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE draw_commits SET withheld = 1 WHERE draw_id = $1 AND participant = $2`, id, participant); err != nil {
			return err
		}
		if err := d.moveTo(ctx, t, next); err != nil {
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
// §8: inspections are unannounced). Every official must have revealed. The
// task moves to drawn in the same transaction (drawTaskState), and a
// 市抽县查 task's selected entities are handed to their district bureaus
// (handOver), and each selected entity gets its inspection, 未录入
// (createInspections).
func (sv *DrawService) RunDraw(ctx context.Context, id int64, run spotcheck.DrawRun) (err error) {
	db := sv.db
	defer wrap(&err, "run draw", id)
	return db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
		next, err := d.may(ctx, spotcheck.DrawActRun)
		if err != nil {
			return err
		}
		tk, err := drawTaskState(ctx, t, d.Task)
		if err != nil {
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
			WHERE id = $13`, next, string(randomness), string(out.Result), string(out.Selected), string(out.Assignment),
			out.Seed, countUnassigned(out.Teams), rIdx, resIdx, rSHA, resSHA, db.now(), id); err != nil {
			return err
		}
		if err := insertPicks(ctx, t, id, out, min(d.control, out.Control)); err != nil {
			return err
		}
		if err := proposeDrawVisits(ctx, t, id); err != nil { // store/visit.go
			return err
		}
		if tk.Mode == spotcheck.ModeCityDrawsDistrict {
			if err := handOver(ctx, t, tk, id); err != nil {
				return err
			}
		}
		if err := recordEvent(ctx, t, "draw", fmt.Sprint(id), "draw", string(out.Result)); err != nil {
			return err
		}
		if _, err := createInspections(ctx, t, tk, id, d.Authority); err != nil { // store/inspection.go
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
func insertPicks(ctx context.Context, t *tx, id int64, out draw.Outcome, control int) error {
	teams := make(map[string]string, len(out.Teams))
	for _, tm := range out.Teams {
		teams[tm.Entity] = strings.Join(tm.Inspectors, ",")
	}
	inControl := make(map[string]bool, control)
	for _, tm := range out.Teams[:control] { // the control sample: draw/control.go
		inControl[tm.Entity] = true
	}
	stmt, err := t.PrepareContext(ctx, `INSERT INTO draw_picks (draw_id, stratum, rank, entity_id, ticket, reserve, inspectors, control)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, p := range out.Picks {
		team := ""
		if !p.Reserve {
			team = teams[p.Entity]
		}
		control := !p.Reserve && inControl[p.Entity]
		if _, err := stmt.ExecContext(ctx, id, p.Stratum, p.Rank, p.Entity, p.Ticket18, boolInt(p.Reserve), team,
			boolInt(control)); err != nil {
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
func (sv *DrawService) LiftEmbargo(ctx context.Context, id int64, reason string) (err error) {
	db := sv.db
	defer wrap(&err, "lift embargo", id)
	return db.drawStep(ctx, id, func(t *tx, d *drawRow) error {
		next, err := d.may(ctx, spotcheck.DrawActLiftEmbargo)
		if err != nil {
			return err
		}
		if len([]rune(strings.TrimSpace(reason))) < 2 {
			return spotcheck.Errorf(spotcheck.EINVALID, "解除保密必须说明原因")
		}
		return liftEmbargo(ctx, t, d, next, reason)
	})
}

// liftEmbargo is the step of LiftEmbargo and of publishing a task's
// results (store/publication.go), within t, once the caller has decided
// that the draw d moves to next: unseal its randomness and approved later
// events, append its publication record, mark it published and record why.
func liftEmbargo(ctx context.Context, t *tx, d *drawRow, next, reason string) error {
	id := d.id
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
		next, t.db.now(), id); err != nil {
		return err
	}
	return recordEvent(ctx, t, "draw", fmt.Sprint(id), "unseal", reason)
}
