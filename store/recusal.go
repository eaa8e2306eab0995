package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/draw"
)

// Recusal requests (spotcheck.RecusalRequest): filed by the public from a
// notice's token, each with its 申请回避 conflict pending review in the
// same transaction; reviewed by a department admin of the entity's
// bureau, whose approval makes the conflict count for later draws and
// asks, for this draw, to replace the inspector (recusalChange).

// RecusalService implements spotcheck.RecusalService.
type RecusalService struct{ db *DB }

var _ spotcheck.RecusalService = (*RecusalService)(nil)

// Recusals returns the recusal service.
func (db *DB) Recusals() *RecusalService { return &RecusalService{db} }

const recusalCols = `id, inspection_id, entity_id, staff_id, staff_name, reason, contact, state, created_at,
	decided_by, decided_at, note, change_id, change_note`

func scanRecusal(s interface{ Scan(...any) error }) (*spotcheck.RecusalRequest, error) {
	var q spotcheck.RecusalRequest
	var change sql.NullInt64
	err := s.Scan(&q.ID, &q.Inspection, &q.Entity, &q.Inspector, &q.InspectorName, &q.Reason, &q.Contact, &q.State,
		timeText{&q.CreatedAt}, &q.DecidedBy, timeText{&q.DecidedAt}, &q.Note, &change, &q.ChangeNote)
	q.Change = change.Int64
	return &q, err
}

// NoRecusal is the answer for a request that does not exist or is not
// the user's to see.
func NoRecusal(id int64) error {
	return spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为 %d 的回避申请", id)
}

// inspectionOfToken finds the inspection of a notice token, with the
// team's names, as the public page shows it.
func inspectionOfToken(ctx context.Context, q querier, token string) (*spotcheck.Inspection, error) {
	if !spotcheck.ValidNoticeToken(token) {
		return nil, spotcheck.NoNotice()
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT inspection_id FROM notices WHERE token = $1`, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.NoNotice()
	}
	if err != nil {
		return nil, err
	}
	in, err := findInspection(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return in, nameInspections(ctx, q, []*spotcheck.Inspection{in})
}

// RequestRecusal files a request and its pending conflict. A request
// rejected before may be filed again: the conflict goes back to pending.
func (sv *RecusalService) RequestRecusal(ctx context.Context, token string, q *spotcheck.RecusalRequest) (err error) {
	defer wrap(&err, "request recusal")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	return sv.db.inTx(ctx, func(t *tx) error {
		in, err := inspectionOfToken(ctx, t, token)
		if err != nil {
			return err
		}
		q.Normalize()
		if err := q.Validate(in).Err(); err != nil {
			return err
		}
		if err := in.CanRequestRecusal(); err != nil {
			return err
		}
		today := sv.db.Now().In(spotcheck.ChinaTime).Format("2006-01-02")
		c := &spotcheck.Conflict{StaffID: q.Inspector, EntityID: in.Entity, Kind: spotcheck.ConflictRequested,
			Reason: q.Reason, From: today, Review: spotcheck.ReviewPending, Active: true}
		old, err := conflicts.findOne(ctx, t, c.StaffID, c.EntityID, c.Kind)
		switch {
		case spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND:
			if err := conflicts.insertRows(ctx, t, []*spotcheck.Conflict{c}); err != nil {
				return err
			}
			if err := conflicts.recordChange(ctx, t, conflicts.keyString(c), c.Version, "create", nil, c, 0); err != nil {
				return err
			}
		case err != nil:
			return err
		case old.Review == spotcheck.ReviewPending:
			return spotcheck.Errorf(spotcheck.ECONFLICT, "已申请%s回避，正在审核，请勿重复申请", q.InspectorName)
		case old.Review == spotcheck.ReviewApproved && old.Active:
			return spotcheck.Errorf(spotcheck.ECONFLICT, "%s的回避申请已获批准", q.InspectorName)
		default:
			if err := conflicts.updateRow(ctx, t, old, c, "update", 0); err != nil {
				return err
			}
		}
		q.State, q.Inspection = spotcheck.ReviewPending, in.ID
		if err := t.QueryRowContext(ctx, `INSERT INTO recusal_requests (inspection_id, entity_id, staff_id, staff_name,
			reason, contact, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			in.ID, in.Entity, q.Inspector, q.InspectorName, q.Reason, q.Contact, q.State, sv.db.now()).Scan(&q.ID); err != nil {
			return err
		}
		return recordEvent(ctx, t, "recusal", strconv.FormatInt(q.ID, 10), "request",
			fmt.Sprintf("inspection %d inspector %s", in.ID, q.Inspector))
	})
}

// FindRecusals lists the requests on entities in the user's scope.
func (sv *RecusalService) FindRecusals(ctx context.Context, f spotcheck.RecusalFilter) (_ []spotcheck.RecusalRequest, err error) {
	defer wrap(&err, "find recusals")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return nil, err
	}
	var c conds
	c.eq("state", f.State)
	if f.Inspection != 0 {
		c.add("inspection_id = " + c.arg(f.Inspection))
	}
	entityInScope(ctx, &c, "recusal_requests.entity_id")
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT `+recusalCols+` FROM recusal_requests WHERE `+c.where()+
		` ORDER BY id DESC LIMIT `+strconv.Itoa(limit), c.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.RecusalRequest
	for rows.Next() {
		q, err := scanRecusal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *q)
	}
	return out, rows.Err()
}

// ReviewRecusal decides a pending request. The draw's lock (the log
// head) is taken before anything is written, as every draw step does.
func (sv *RecusalService) ReviewRecusal(ctx context.Context, id int64, approve bool, note string) (_ *spotcheck.RecusalRequest, err error) {
	defer wrap(&err, "review recusal", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var q *spotcheck.RecusalRequest
	err = sv.db.inTx(ctx, func(t *tx) error {
		q, err = scanRecusal(t.QueryRowContext(ctx, `SELECT `+recusalCols+` FROM recusal_requests WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return NoRecusal(id)
		}
		if err != nil {
			return err
		}
		var dept string
		if err := t.QueryRowContext(ctx, `SELECT dept FROM entities WHERE id = $1`, q.Entity).Scan(&dept); err != nil {
			return err
		}
		if err := spotcheck.AuthorizeViewCtx(ctx, spotcheck.PermViewDirectory, dept, NoRecusal(id)); err != nil {
			return err
		}
		if err := spotcheck.CanReviewRecusal(p, dept); err != nil {
			return err
		}
		if q.State != spotcheck.ReviewPending {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "回避申请 %d 已审核（%s）", id, q.State)
		}
		if !approve && len([]rune(note)) < 2 {
			return spotcheck.Errorf(spotcheck.EINVALID, "驳回回避申请须说明理由")
		}
		in, err := findInspection(ctx, t, q.Inspection)
		if err != nil {
			return err
		}
		var d *drawRow
		if approve && in.Draw != 0 {
			if d, err = loadDraw(ctx, t, in.Draw); err != nil {
				return err
			}
		}
		state := spotcheck.ReviewRejected
		if approve {
			state = spotcheck.ReviewApproved
		}
		old, err := conflicts.findOne(ctx, t, q.Inspector, q.Entity, spotcheck.ConflictRequested)
		if err != nil {
			return err
		}
		if old.Review != state || (approve && !old.Active) {
			c := *old
			c.Review, c.Active = state, c.Active || approve
			if err := conflicts.updateRow(ctx, t, old, &c, "update", 0); err != nil {
				return err
			}
		}
		q.State, q.DecidedBy, q.Note = state, actorID(ctx), note
		if approve {
			if q.Change, q.ChangeNote, err = recusalChange(ctx, t, d, in, q); err != nil {
				return err
			}
		}
		var change any
		if q.Change != 0 {
			change = q.Change
		}
		res, err := t.ExecContext(ctx, `UPDATE recusal_requests SET state = $1, decided_by = $2, decided_at = $3, note = $4,
			change_id = $5, change_note = $6 WHERE id = $7 AND state = $8`, state, q.DecidedBy, sv.db.now(), note, change,
			q.ChangeNote, id, spotcheck.ReviewPending)
		if err := decidedOnce(res, err, "该回避申请已审核"); err != nil {
			return err
		}
		q.DecidedAt = sv.db.Now()
		return recordEvent(ctx, t, "recusal", strconv.FormatInt(id, 10), map[bool]string{true: "approve", false: "reject"}[approve],
			fmt.Sprintf("change %d %s", q.Change, q.ChangeNote))
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// recusalChange asks, for the draw of in, to replace the recused
// inspector by the one spec §6's rules choose now (draw.Replacement):
// from the same unit's roster in file order, not on the team, without a
// conflict with the entity (the draw's conflicts and every conflict in
// force now, the one just approved among them), under the unit's cap
// counted on the current teams, and lead-capable for the lead's slot. It
// returns the pending change's id, or 0 and why none was asked for.
func recusalChange(ctx context.Context, t *tx, d *drawRow, in *spotcheck.Inspection, q *spotcheck.RecusalRequest) (int64, string, error) {
	if d == nil {
		return 0, "本次检查不来自随机抽取，请直接调整检查组", nil
	}
	if d.state != spotcheck.DrawDrawn && d.state != spotcheck.DrawPublished {
		return 0, "抽取未完成，回避关系将在抽取时生效", nil
	}
	pick, err := findPick(ctx, t, d.id, in.Entity)
	if err != nil {
		return 0, "", err
	}
	team := strings.Split(pick.team, ",")
	slot := slices.Index(team, q.Inspector)
	if pick.team == "" || slot < 0 || pick.replaced {
		return 0, "该人员已不在本次检查组中", nil
	}
	plan, err := draw.ParsePlan(d.plan)
	if err != nil {
		return 0, "", err
	}
	files, err := drawInputs(ctx, t, d.id)
	if err != nil {
		return 0, "", err
	}
	roster := parseRoster(string(files.Roster))
	unit := roster[q.Inspector].unit
	var members []string // R_u in file order
	for _, line := range strings.Split(strings.TrimSuffix(string(files.Roster), "\n"), "\n") {
		if f := strings.Split(line, "\t"); len(f) == 3 && f[1] == unit {
			members = append(members, f[0])
		}
	}
	size := 0
	for _, s := range plan.Team {
		if s.Unit == unit {
			size = s.Size
		}
	}
	conflicted := conflictSet(string(files.Conflicts))
	now, err := conflictsNow(ctx, t, in.Entity)
	if err != nil {
		return 0, "", err
	}
	K, load, seed, err := drawLoads(ctx, t, d.id)
	if err != nil {
		return 0, "", err
	}
	limit := draw.Cap(K, size, len(members), plan.CapSlack)
	lead := slot == 0
	newcomer := draw.Replacement(seed, unit, in.Entity, members, func(m string) bool {
		return !slices.Contains(team, m) && !conflicted[m+"\t"+in.Entity] && !now[m] && load[m] < limit &&
			(!lead || strings.Contains(roster[m].flags, "L"))
	})
	if newcomer == "" {
		return 0, "按抽取规则（规范第6节）无符合条件的替换人员，请人工处理", nil
	}
	c := &spotcheck.DrawChange{DrawID: d.id, Kind: spotcheck.ChangeReplace, Entity: in.Entity, Inspector: q.Inspector,
		NewInspector: newcomer, Reason: "conflict", Note: fmt.Sprintf("回避申请 %d 获准", q.ID),
		State: spotcheck.ChangePending, RequestedBy: actorID(ctx)}
	if _, err := planChange(ctx, t, c); err != nil {
		return 0, "", err
	}
	if err := t.QueryRowContext(ctx, `INSERT INTO draw_changes (draw_id, kind, entity_id, inspector, new_inspector, inspectors,
		reason, note, state, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8, $9, $10) RETURNING id`,
		c.DrawID, c.Kind, c.Entity, c.Inspector, c.NewInspector, c.Reason, c.Note, c.State, c.RequestedBy, t.db.now()).Scan(&c.ID); err != nil {
		return 0, "", err
	}
	if err := recordEvent(ctx, t, "draw", fmt.Sprint(c.DrawID), "request-"+c.Kind, c.Entity+" "+c.Reason); err != nil {
		return 0, "", err
	}
	return c.ID, "", nil
}

// conflictsNow returns the inspectors with a conflict in force with
// entity: declared ones, and requests once approved.
func conflictsNow(ctx context.Context, t *tx, entity string) (map[string]bool, error) {
	rows, err := t.QueryContext(ctx, `SELECT staff_id FROM conflicts WHERE entity_id = $1 AND active = 1
		AND (kind = $2 OR review = $3)`, entity, spotcheck.ConflictDeclared, spotcheck.ReviewApproved)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out[s] = true
	}
	return out, rows.Err()
}

// drawLoads returns K (the selected entities, spec §6), each inspector's
// load on the draw's current teams, and the seed.
func drawLoads(ctx context.Context, t *tx, id int64) (int, map[string]int, string, error) {
	var K int
	var seed string
	if err := t.QueryRowContext(ctx, `SELECT count(*) FROM draw_picks WHERE draw_id = $1 AND reserve = 0`, id).Scan(&K); err != nil {
		return 0, nil, "", err
	}
	if err := t.QueryRowContext(ctx, `SELECT seed FROM draws WHERE id = $1`, id).Scan(&seed); err != nil {
		return 0, nil, "", err
	}
	rows, err := t.QueryContext(ctx, `SELECT inspectors FROM draw_picks WHERE draw_id = $1 AND replaced = 0
		AND (reserve = 0 OR promoted = 1) AND inspectors <> ''`, id)
	if err != nil {
		return 0, nil, "", err
	}
	defer rows.Close()
	load := map[string]int{}
	for rows.Next() {
		var team string
		if err := rows.Scan(&team); err != nil {
			return 0, nil, "", err
		}
		for _, m := range strings.Split(team, ",") {
			load[m]++
		}
	}
	return K, load, seed, rows.Err()
}

// recusalReviewElsewhere refuses to decide, on the conflicts' own form or
// import, a request that an enterprise filed from its notice: its review
// belongs to ReviewRecusal, which also asks for the replacement in this
// draw, so that the two never disagree.
func recusalReviewElsewhere(ctx context.Context, t *tx, c, old *spotcheck.Conflict) spotcheck.Problems {
	if old == nil || old.Kind != spotcheck.ConflictRequested || old.Review != spotcheck.ReviewPending || c.Review == old.Review {
		return nil
	}
	var n int
	if err := t.QueryRowContext(ctx, `SELECT count(*) FROM recusal_requests WHERE staff_id = $1 AND entity_id = $2 AND state = $3`,
		old.StaffID, old.EntityID, spotcheck.ReviewPending).Scan(&n); err != nil {
		return internalProblem(err)
	}
	if n == 0 {
		return nil
	}
	var ps spotcheck.Problems
	ps.Add("review", "审核状态", "该回避申请由检查对象通过检查通知书提出，请在“回避申请”中审核（批准时将同时为本次抽取提出更换人员）")
	return ps
}

// decidedOnce checks that a decision's UPDATE … WHERE state = pending
// changed its row, and refuses with msg otherwise: on PostgreSQL two
// decisions at once (a double click, two reviewers) both read the request
// pending, and the later must not report a decision it did not make (its
// transaction, with what it made on the way, is rolled back).
func decidedOnce(res sql.Result, err error, msg string) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return spotcheck.Errorf(spotcheck.ECONFLICT, "%s", msg)
	}
	return nil
}
