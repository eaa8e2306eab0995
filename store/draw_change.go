package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"spotcheck"
)

// Later events of a draw (spec §7): substituting a selected entity by the
// next reserve, replacing an inspector, giving a team to an unassigned
// entity. Each is requested with a reason and takes effect only when a
// second official approves it; the approval is logged (sealed while the
// draw is embargoed, because it names selected entities).

// RequestDrawChange records a pending change after checking that it can
// be applied now.
func (sv *DrawService) RequestDrawChange(ctx context.Context, c *spotcheck.DrawChange) (err error) {
	db := sv.db
	defer wrap(&err, "request draw change", c.DrawID)
	return db.drawStep(ctx, c.DrawID, func(t *tx, d *drawRow) error {
		if _, err := d.may(ctx, spotcheck.DrawActRequestChange); err != nil {
			return err
		}
		c.Entity = spotcheck.NormalizeCode(c.Entity)
		if _, ok := spotcheck.ChangeReasons[c.Reason]; !ok {
			return spotcheck.Errorf(spotcheck.EINVALID, "请选择原因")
		}
		if _, err := planChange(ctx, t, c); err != nil {
			return err
		}
		c.State, c.RequestedBy = spotcheck.ChangePending, actorID(ctx)
		if err := t.QueryRowContext(ctx, `INSERT INTO draw_changes (draw_id, kind, entity_id, inspector, new_inspector, inspectors,
			reason, note, state, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			c.DrawID, c.Kind, c.Entity, c.Inspector, c.NewInspector, strings.Join(c.Inspectors, ","), c.Reason,
			strings.TrimSpace(c.Note), c.State, c.RequestedBy, db.now()).Scan(&c.ID); err != nil {
			return err
		}
		if err := recordEvent(ctx, t, "draw", fmt.Sprint(c.DrawID), "request-"+c.Kind, c.Entity+" "+c.Reason); err != nil {
			return err
		}
		return nil
	})
}

// pickRow is a row of draw_picks.
type pickRow struct {
	stratum, entity, team string
	rank                  int
	reserve, replaced     bool
	promoted              bool
}

func findPick(ctx context.Context, t *tx, drawID int64, entity string) (*pickRow, error) {
	p := &pickRow{entity: entity}
	err := t.QueryRowContext(ctx, `SELECT stratum, rank, inspectors, reserve, replaced, promoted FROM draw_picks
		WHERE draw_id = $1 AND entity_id = $2`, drawID, entity).
		Scan(&p.stratum, &p.rank, &p.team, boolCol{&p.reserve}, boolCol{&p.replaced}, boolCol{&p.promoted})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "%s 不在本次抽取的名单中", entity)
	}
	return p, err
}

// planned is what applying a change would do.
type planned struct {
	pick       *pickRow
	substitute *pickRow // substitute: the reserve that moves up
	team       string   // the new team of the pick (or of the substitute)
}

// planChange checks a change against the draw's current picks, roster and
// conflicts and works out its effect.
func planChange(ctx context.Context, t *tx, c *spotcheck.DrawChange) (*planned, error) {
	p, err := findPick(ctx, t, c.DrawID, c.Entity)
	if err != nil {
		return nil, err
	}
	if (p.reserve && !p.promoted) || p.replaced {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "%s 目前不是被抽中的检查对象", c.Entity)
	}
	files, err := drawInputs(ctx, t, c.DrawID)
	if err != nil {
		return nil, err
	}
	roster := parseRoster(string(files.Roster))
	conflicted := conflictSet(string(files.Conflicts))
	var team []string
	if p.team != "" {
		team = strings.Split(p.team, ",")
	}
	out := &planned{pick: p}
	switch c.Kind {
	case spotcheck.ChangeSubstitute:
		s := &pickRow{}
		err := t.QueryRowContext(ctx, `SELECT entity_id, rank FROM draw_picks WHERE draw_id = $1 AND stratum = $2
			AND reserve = 1 AND promoted = 0 ORDER BY rank LIMIT 1`, c.DrawID, p.stratum).Scan(&s.entity, &s.rank)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, spotcheck.Errorf(spotcheck.ECONFLICT, "分层 %s 的备选对象已用完，只能重新抽取", p.stratum)
		}
		if err != nil {
			return nil, err
		}
		out.substitute = s
		// The reserve takes over the team unless a member must recuse.
		out.team = p.team
		for _, in := range team {
			if conflicted[in+"\t"+s.entity] {
				out.team = ""
			}
		}
	case spotcheck.ChangeReplace:
		i := slices.Index(team, c.Inspector)
		if i < 0 {
			return nil, spotcheck.Errorf(spotcheck.EINVALID, "%s 不在 %s 的检查组中", c.Inspector, c.Entity)
		}
		nr, ok := roster[c.NewInspector]
		switch {
		case !ok || nr.unit != roster[c.Inspector].unit:
			return nil, spotcheck.Errorf(spotcheck.EINVALID, "%s 不在本次抽取同一部门的人员库中", c.NewInspector)
		case slices.Contains(team, c.NewInspector):
			return nil, spotcheck.Errorf(spotcheck.EINVALID, "%s 已在检查组中", c.NewInspector)
		case conflicted[c.NewInspector+"\t"+c.Entity]:
			return nil, spotcheck.Errorf(spotcheck.EINVALID, "%s 与 %s 有回避关系", c.NewInspector, c.Entity)
		case i == 0 && !strings.Contains(nr.flags, "L"):
			return nil, spotcheck.Errorf(spotcheck.EINVALID, "%s 替换主检，须具备主检资格", c.NewInspector)
		}
		team[i] = c.NewInspector
		out.team = strings.Join(team, ",")
	case spotcheck.ChangeAssign:
		if p.team != "" {
			return nil, spotcheck.Errorf(spotcheck.EINVALID, "%s 已有检查组", c.Entity)
		}
		if err := checkTeam(ctx, t, c, roster, conflicted); err != nil {
			return nil, err
		}
		out.team = strings.Join(c.Inspectors, ",")
	default:
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "未知的变更类型“%s”", c.Kind)
	}
	return out, nil
}

// checkTeam checks a team given by hand against the plan's team shape:
// the units in order with their sizes, a lead-eligible first member, all
// from the roster, distinct, none with a conflict.
func checkTeam(ctx context.Context, t *tx, c *spotcheck.DrawChange, roster map[string]rosterMember, conflicted map[string]bool) error {
	var plan string
	if err := t.QueryRowContext(ctx, `SELECT d.plan FROM draws d WHERE d.id = $1`, c.DrawID).Scan(&plan); err != nil {
		return err
	}
	var shape struct {
		Team []struct {
			Size int    `json:"size"`
			Unit string `json:"unit"`
		} `json:"team"`
	}
	if err := json.Unmarshal([]byte(plan), &shape); err != nil {
		return err
	}
	var units []string
	for _, s := range shape.Team {
		for range s.Size {
			units = append(units, s.Unit)
		}
	}
	if len(c.Inspectors) != len(units) {
		return spotcheck.Errorf(spotcheck.EINVALID, "检查组应有 %d 人（%s）", len(units), strings.Join(units, "、"))
	}
	for i, in := range c.Inspectors {
		r, ok := roster[in]
		switch {
		case !ok:
			return spotcheck.Errorf(spotcheck.EINVALID, "%s 不在本次抽取的人员库中", in)
		case r.unit != units[i]:
			return spotcheck.Errorf(spotcheck.EINVALID, "第%d位应来自 %s，%s 属于 %s", i+1, units[i], in, r.unit)
		case i == 0 && !strings.Contains(r.flags, "L"):
			return spotcheck.Errorf(spotcheck.EINVALID, "第1位为主检，%s 不具备主检资格", in)
		case slices.Contains(c.Inspectors[:i], in):
			return spotcheck.Errorf(spotcheck.EINVALID, "%s 重复", in)
		case conflicted[in+"\t"+c.Entity]:
			return spotcheck.Errorf(spotcheck.EINVALID, "%s 与 %s 有回避关系", in, c.Entity)
		}
	}
	return nil
}

type rosterMember struct{ unit, flags string }

func parseRoster(s string) map[string]rosterMember {
	out := map[string]rosterMember{}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if f := strings.Split(line, "\t"); len(f) == 3 {
			out[f[0]] = rosterMember{f[1], f[2]}
		}
	}
	return out
}

// conflictSet holds "inspector TAB entity" of every conflict line.
func conflictSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if f := strings.Split(line, "\t"); len(f) == 3 {
			out[f[0]+"\t"+f[1]] = true
		}
	}
	return out
}

// DecideDrawChange approves or rejects a pending change. The decider must
// not be the requester (four eyes). An approval applies the change and
// logs it.
func (sv *DrawService) DecideDrawChange(ctx context.Context, changeID int64, approve bool, note string) (err error) {
	db := sv.db
	defer wrap(&err, "decide draw change", changeID)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	c, err := findChange(ctx, db.read, changeID) // a change never moves to another draw
	if err != nil {
		return err
	}
	return db.drawStep(ctx, c.DrawID, func(t *tx, d *drawRow) error {
		c, err := findChange(ctx, t, changeID) // again, under the lock
		if err != nil {
			return err
		}
		if err := d.CanDecide(c, approve, spotcheck.PrincipalFromContext(ctx)); err != nil {
			return err
		}
		decider := actorID(ctx)
		state := spotcheck.ChangeRejected
		var logIndex any
		sha := ""
		if approve {
			state = spotcheck.ChangeApproved
			p, err := planChange(ctx, t, c)
			if err != nil {
				return err
			}
			if err := applyChange(ctx, t, c, p); err != nil {
				return err
			}
			if err := syncDrawInspections(ctx, t, c.DrawID); err != nil { // store/inspection.go
				return err
			}
			rec := changeRecord(c, p, d, decider)
			var idx int64
			if d.state == spotcheck.DrawDrawn {
				idx, sha, err = t.appendSealed(ctx, "change", rec)
			} else {
				idx, err = t.appendLog(ctx, "change", rec)
			}
			if err != nil {
				return err
			}
			logIndex = idx
		}
		if _, err := t.ExecContext(ctx, `UPDATE draw_changes SET state = $1, decided_by = $2, decided_at = $3, decision_note = $4,
			log_index = $5, record_sha = $6 WHERE id = $7`, state, decider, db.now(), strings.TrimSpace(note), logIndex, sha, changeID); err != nil {
			return err
		}
		if err := recordEvent(ctx, t, "draw", fmt.Sprint(c.DrawID), state+"-"+c.Kind, c.Entity); err != nil {
			return err
		}
		return nil
	})
}

// applyChange updates the picks.
func applyChange(ctx context.Context, t *tx, c *spotcheck.DrawChange, p *planned) error {
	if p.substitute != nil {
		if _, err := t.ExecContext(ctx, `UPDATE draw_picks SET replaced = 1 WHERE draw_id = $1 AND entity_id = $2`, c.DrawID, c.Entity); err != nil {
			return err
		}
		_, err := t.ExecContext(ctx, `UPDATE draw_picks SET promoted = 1, inspectors = $1 WHERE draw_id = $2 AND entity_id = $3`,
			p.team, c.DrawID, p.substitute.entity)
		return err
	}
	_, err := t.ExecContext(ctx, `UPDATE draw_picks SET inspectors = $1 WHERE draw_id = $2 AND entity_id = $3`, p.team, c.DrawID, c.Entity)
	return err
}

// changeRecord is the log record of an approved change: ids and codes
// only (spec §8: no personal data or free text in the log), naming the
// result it changes and both officials.
func changeRecord(c *spotcheck.DrawChange, p *planned, d *drawRow, decider string) []byte {
	rec := map[string]any{
		"approved_by": decider, "change": c.ID, "entity": c.Entity, "kind": c.Kind,
		"reason": c.Reason, "requested_by": c.RequestedBy, "result": d.resSHA,
	}
	switch {
	case p.substitute != nil:
		rec["substitute"] = p.substitute.entity
	case c.Kind == spotcheck.ChangeReplace:
		rec["inspector"], rec["new_inspector"] = c.Inspector, c.NewInspector
	}
	if p.team != "" {
		rec["team"] = strings.Split(p.team, ",")
	}
	b, _ := json.Marshal(rec) // map keys are sorted; every value is ASCII
	return b
}

func findChange(ctx context.Context, q querier, id int64) (*spotcheck.DrawChange, error) {
	rows, err := q.QueryContext(ctx, changeSelect+` WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	cs, err := scanChanges(rows)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, spotcheck.NoDrawChange(id)
	}
	return &cs[0], nil
}

const changeSelect = `SELECT id, draw_id, kind, entity_id, inspector, new_inspector, inspectors, reason, note, state,
	requested_by, requested_at, decided_by, decided_at, log_index FROM draw_changes`

func scanChanges(rows *sql.Rows) ([]spotcheck.DrawChange, error) {
	defer rows.Close()
	var out []spotcheck.DrawChange
	for rows.Next() {
		var c spotcheck.DrawChange
		var team string
		var idx sql.NullInt64
		if err := rows.Scan(&c.ID, &c.DrawID, &c.Kind, &c.Entity, &c.Inspector, &c.NewInspector, &team, &c.Reason,
			&c.Note, &c.State, &c.RequestedBy, timeText{&c.RequestedAt}, &c.DecidedBy, timeText{&c.DecidedAt}, &idx); err != nil {
			return nil, err
		}
		if team != "" {
			c.Inspectors = strings.Split(team, ",")
		}
		c.LogIndex = idx.Int64
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindDrawChanges lists a draw's change requests, oldest first; staff who
// may see the draw only (they name selected entities).
func (sv *DrawService) FindDrawChanges(ctx context.Context, drawID int64) (_ []spotcheck.DrawChange, err error) {
	db := sv.db
	defer wrap(&err, "find draw changes", drawID)
	depts, err := taskDeptsOfDraw(ctx, db.read, drawID)
	if err != nil {
		return nil, err
	}
	if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermViewDraws, depts, spotcheck.NoDraw(drawID)); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, changeSelect+` WHERE draw_id = $1 ORDER BY id`, drawID)
	if err != nil {
		return nil, err
	}
	return scanChanges(rows)
}
