package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"spotcheck"
	"spotcheck/draw"
)

// The draw workflow of design §5 and spec/draw-v1.md. Each method is one
// step in one transaction that also appends the step's log entries, so a
// step is either done and logged or not done at all.

// PlanDraw freezes the frame, exclusions, roster and conflicts of a task
// from the directories, logs the plan and the platform's commitment, and
// waits for the officials' commitments. A task has one live draw
// (spotcheck.Task.CanPlanDraw); a re-draw names the draw it supersedes and
// says why, and that draw is marked superseded, visibly, by the same
// transaction.
func (sv *DrawService) PlanDraw(ctx context.Context, code string, r spotcheck.DrawRequest) (_ *spotcheck.Draw, err error) {
	db := sv.db
	defer wrap(&err, "plan draw", code)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	r.Normalize()
	ps := r.Validate()
	t, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer t.rollback()
	if _, err := t.beginLog(ctx); err != nil { // see loadDraw
		return nil, err
	}
	tk, err := findTask(ctx, t, code)
	if err != nil {
		return nil, err
	}
	draws, err := drawsOfTask(ctx, t, tk.Code)
	if err != nil {
		return nil, err
	}
	if err := tk.CanPlanDraw(p, draws, r.Supersedes); err != nil {
		return nil, err
	}
	if err := checkDrawWindow(ctx, t, tk, db.Now().In(spotcheck.ChinaTime)); err != nil {
		return nil, err
	}
	var supersedes *spotcheck.Draw
	for i := range draws {
		if r.Supersedes != 0 && draws[i].ID == r.Supersedes {
			supersedes = &draws[i]
		}
	}
	for _, o := range r.Officials {
		if err := checkOfficial(ctx, t, o); err != nil {
			ps.Add("officials", "监督人员", "%s", spotcheck.ErrorMessage(err))
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	in, err := freezeInputs(ctx, t, tk)
	if err != nil {
		return nil, err
	}
	now := db.Now().UTC().Truncate(time.Second)
	spec := draw.PlanSpec{
		Task: tk.Code, Authority: tk.Authority, Operator: actorID(ctx), Created: now, CapSlack: tk.CapSlack,
		Randomness: draw.Sources{Commit: r.Participants(), Dice: r.Dice},
	}
	if r.BeaconChain != "" {
		spec.Randomness.Beacon = &draw.Beacon{Chain: r.BeaconChain, Round: r.BeaconRound}
	}
	for _, s := range tk.Team {
		spec.Team = append(spec.Team, draw.TeamSlot{Unit: s.Unit, Size: s.Size})
	}
	for _, s := range tk.Strata {
		spec.Strata = append(spec.Strata, draw.StratumRule{ID: s.ID, Rate: s.Rate, Min: s.Min, Max: s.Max, Reserve: s.Reserve})
	}
	next := ""
	if supersedes != nil {
		spec.Supersedes = supersedes.PlanHash
		if next, err = supersedes.Next(spotcheck.DrawActRedraw); err != nil {
			return nil, err
		}
	}
	plan, err := draw.MakePlan(spec, in)
	if err != nil {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "无法生成抽取方案：%v", err)
	}
	planHash := draw.Hash(plan)
	secret, err := db.systemSecret()
	if err != nil {
		return nil, err
	}
	planIndex, err := t.appendLog(ctx, "plan", plan)
	if err != nil {
		return nil, err
	}
	var supersedesID any
	if supersedes != nil {
		supersedesID = supersedes.ID
	}
	var id int64
	if err := t.QueryRowContext(ctx, `INSERT INTO draws (task, authority, year, plan_hash, state, supersedes, reason,
		plan, frame, exclusions, roster, conflicts, system_secret, plan_index, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		tk.Code, tk.Authority, tk.Year(), planHash, spotcheck.DrawCommitting, supersedesID, r.Reason,
		string(plan), string(in.Frame), string(in.Exclusions), string(in.Roster), string(in.Conflicts),
		secret, planIndex, actorID(ctx), stamp(now)).Scan(&id); err != nil {
		return nil, err
	}
	for _, p := range r.Participants() {
		if _, err := t.ExecContext(ctx, `INSERT INTO draw_commits (draw_id, participant) VALUES ($1, $2)`, id, p); err != nil {
			return nil, err
		}
	}
	if err := planControl(ctx, t, id, tk, planHash); err != nil { // store/draw_control.go
		return nil, err
	}
	if err := commit(ctx, t, id, planHash, spotcheck.SystemParticipant, draw.Commitment(planHash, spotcheck.SystemParticipant, secret)); err != nil {
		return nil, err
	}
	if supersedes != nil {
		if _, err := t.ExecContext(ctx, `UPDATE draws SET state = $1, superseded_by = $2 WHERE id = $3`,
			next, id, supersedes.ID); err != nil {
			return nil, err
		}
		if err := withdrawInspections(ctx, t, supersedes.ID, true, "抽取已被重新抽取取代"); err != nil { // store/inspection_withdraw.go
			return nil, err
		}
	}
	if err := recordEvent(ctx, t, "draw", fmt.Sprint(id), "plan", string(plan)); err != nil {
		return nil, err
	}
	if err := t.commit(); err != nil {
		return nil, err
	}
	return db.Draws().FindDrawByID(ctx, id)
}

// systemSecret draws the platform's commit–reveal secret: 32 random bytes
// as 64 hex characters (spec §4 asks for at least 32).
func (db *DB) systemSecret() (string, error) {
	b := make([]byte, 32)
	src := db.Rand
	if src == nil {
		src = rand.Reader
	}
	if _, err := src.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// drawsOfTask loads, within t, what the task's rules decide on of each of
// its draws (spotcheck.Task.CanPlanDraw): id, plan hash and state.
func drawsOfTask(ctx context.Context, t *tx, task string) ([]spotcheck.Draw, error) {
	rows, err := t.QueryContext(ctx, `SELECT id, plan_hash, state FROM draws WHERE task = $1 ORDER BY id`, task)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.Draw
	for rows.Next() {
		d := spotcheck.Draw{Task: task}
		if err := rows.Scan(&d.ID, &d.PlanHash, &d.State); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// checkOfficial checks that a participant is an active user who may
// witness draws.
func checkOfficial(ctx context.Context, t *tx, username string) error {
	var roles string
	var active bool
	err := t.QueryRowContext(ctx, `SELECT roles, active FROM users WHERE username = $1`, username).Scan(&roles, boolCol{&active})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	// One answer whether the account is missing, disabled or of another
	// role: a planner learns no account names from it.
	p := spotcheck.NewPrincipal(spotcheck.User{Username: username, Roles: strings.Split(roles, ",")}, nil)
	if err != nil || !active || !p.Has(spotcheck.PermWitnessDraws) {
		return spotcheck.Errorf(spotcheck.EINVALID, "“%s”不是有效的监督人员", username)
	}
	return nil
}

// freezeInputs builds the four input files of a task's draw from the
// directories as they are now (spec §1).
func freezeInputs(ctx context.Context, t *tx, tk *spotcheck.Task) (draw.Inputs, error) {
	depts, err := findDepartments(ctx, t)
	if err != nil {
		return draw.Inputs{}, err
	}
	cands, err := frameCandidates(ctx, t, tk, spotcheck.Subtree(depts, tk.Authority))
	if err != nil {
		return draw.Inputs{}, err
	}
	hist, err := entityHistory(ctx, t, tk)
	if err != nil {
		return draw.Inputs{}, err
	}
	frame, excl := tk.Frame(cands, hist)
	ins, err := scanAll(ctx, t, inspectors, "SELECT "+inspectors.selectCols()+" FROM inspectors WHERE "+inspectors.current(), nil)
	if err != nil {
		return draw.Inputs{}, err
	}
	list := make([]spotcheck.Inspector, len(ins))
	for i, in := range ins {
		list[i] = *in
	}
	roster := tk.Roster(list, func(d string) string { return spotcheck.UnitOf(depts, d) })
	cs, err := scanAll(ctx, t, conflicts, "SELECT "+conflicts.selectCols()+" FROM conflicts WHERE "+conflicts.current(), nil)
	if err != nil {
		return draw.Inputs{}, err
	}
	clist := make([]spotcheck.Conflict, len(cs))
	for i, c := range cs {
		clist[i] = *c
	}
	rotation, err := rotationPairs(ctx, t, tk.Authority)
	if err != nil {
		return draw.Inputs{}, err
	}
	pairs := tk.Conflicts(clist, rotation, roster, frame)

	fl := make([]draw.FrameLine, len(frame))
	for i, f := range frame {
		fl[i] = draw.FrameLine{Entity: f.Entity, Stratum: f.Stratum}
	}
	el := make([]draw.Exclusion, len(excl))
	for i, e := range excl {
		el[i] = draw.Exclusion{Entity: e.Entity, Reason: e.Reason}
	}
	rl := make([]draw.RosterLine, len(roster))
	for i, r := range roster {
		rl[i] = draw.RosterLine{Inspector: r.Inspector, Unit: r.Unit, Flags: r.Flags}
	}
	cl := make([]draw.Conflict, len(pairs))
	for i, c := range pairs {
		cl[i] = draw.Conflict{Inspector: c.Inspector, Entity: c.Entity, Reason: c.Reason}
	}
	in, err := draw.BuildInputs(fl, el, rl, cl)
	if err != nil {
		return in, spotcheck.Errorf(spotcheck.EINVALID, "名录数据不能用于抽取：%v", err)
	}
	return in, nil
}

// frameCandidates loads the active entities of the authority's
// jurisdiction that the task's scope names.
func frameCandidates(ctx context.Context, t *tx, tk *spotcheck.Task, depts []string) ([]spotcheck.FrameCandidate, error) {
	var c conds
	c.add("active = 1")
	c.in("dept", depts)
	c.in("type", tk.Scope.Types)
	c.in("division", tk.Scope.Divisions)
	if tk.Scope.FoundedBefore != "" {
		c.add("founded <> '' AND founded < " + c.arg(tk.Scope.FoundedBefore))
	}
	rows, err := t.QueryContext(ctx, "SELECT id, status, credit_class, key_flag FROM entities WHERE "+c.where(), c.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.FrameCandidate
	for rows.Next() {
		var f spotcheck.FrameCandidate
		if err := rows.Scan(&f.ID, &f.Status, &f.CreditClass, boolCol{&f.Key}); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// countedPick is the condition on draw_picks p joined with draws d for a
// pick that counts as an inspection: selected and not substituted, or a
// reserve that took a place, in a draw that was drawn and not replaced.
const countedPick = `((p.reserve = 0 AND p.replaced = 0) OR p.promoted = 1) AND d.state IN ('drawn', 'published')`

// entityHistory collects what earlier draws of the task's year say about
// entities (spotcheck.EntityHistory).
func entityHistory(ctx context.Context, t *tx, tk *spotcheck.Task) (spotcheck.EntityHistory, error) {
	h := spotcheck.EntityHistory{SameItem: map[string]bool{}, ByAuthority: map[string]int{}}
	var err error
	if h.Cap, err = capPolicy(ctx, t); err != nil { // store/cap.go
		return h, err
	}
	if tk.SkipInspectedByOthers {
		if h.ByOthers, err = selectedByOthers(ctx, t, tk); err != nil {
			return h, err
		}
	}
	var c conds
	y := c.arg(tk.Year())
	c.in("i.item", tk.Items)
	rows, err := t.QueryContext(ctx, `SELECT DISTINCT p.entity_id FROM draw_picks p JOIN draws d ON d.id = p.draw_id
		WHERE d.year = `+y+` AND `+countedPick+` AND d.task IN (SELECT i.task FROM task_items i WHERE `+c.where()+`)`, c.args...)
	if err != nil {
		return h, err
	}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return h, err
		}
		h.SameItem[e] = true
	}
	rows.Close()
	rows, err = t.QueryContext(ctx, `SELECT p.entity_id, count(DISTINCT d.id) FROM draw_picks p JOIN draws d ON d.id = p.draw_id
		WHERE d.year = $1 AND d.authority = $2 AND `+countedPick+` GROUP BY p.entity_id`, tk.Year(), tk.Authority)
	if err != nil {
		return h, err
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		var n int
		if err := rows.Scan(&e, &n); err != nil {
			return h, err
		}
		h.ByAuthority[e] = n
	}
	return h, rows.Err()
}

// rotationPairs lists (inspector, entity) of the teams of the authority's
// previous draw, so that the same inspector does not visit the same entity
// twice in a row.
func rotationPairs(ctx context.Context, t *tx, authority string) ([]spotcheck.ConflictEntry, error) {
	rows, err := t.QueryContext(ctx, `SELECT p.entity_id, p.inspectors FROM draw_picks p JOIN draws d ON d.id = p.draw_id
		WHERE d.id = (SELECT max(id) FROM draws WHERE authority = $1 AND state IN ('drawn', 'published'))
		AND p.inspectors <> ''`, authority)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.ConflictEntry
	for rows.Next() {
		var e, team string
		if err := rows.Scan(&e, &team); err != nil {
			return nil, err
		}
		for _, in := range strings.Split(team, ",") {
			out = append(out, spotcheck.ConflictEntry{Inspector: in, Entity: e, Reason: spotcheck.ConflictReasonRotation})
		}
	}
	return out, rows.Err()
}
