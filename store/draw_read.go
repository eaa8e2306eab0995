package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"spotcheck"
	"spotcheck/draw"
)

// Reading draws. What a reader sees follows spec §9: staff of the task's
// departments and supervisors see everything; anyone else sees the plan
// (with its aggregate per-stratum counts) and the commitments at once and,
// after the embargo, the seed and the selected entities with their
// tickets, in ticket order, as published.tsv lists them — never the
// per-stratum cutoffs, the result record or which stratum an entity is in
// (amendment 1: strata are credit risk classes).

// seesAll reports whether the principal in ctx may audit a draw of these
// departments (a system principal may; nobody may not).
func seesAll(ctx context.Context, depts []string) bool {
	return spotcheck.AuthorizeDrawCtx(ctx, spotcheck.PermViewDraws, depts) == nil
}

func taskDeptsOfDraw(ctx context.Context, q querier, id int64) ([]string, error) {
	var task string
	err := q.QueryRowContext(ctx, `SELECT task FROM draws WHERE id = $1`, id).Scan(&task)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为 %d 的抽取", id)
	}
	if err != nil {
		return nil, err
	}
	return taskDepts(ctx, q, task)
}

const drawSelect = `SELECT d.id, d.task, t.name, d.authority, d.plan_hash, d.state, d.reason, d.plan_index,
	d.created_by, d.created_at, d.drawn_at, d.published_at, d.seed, d.unassigned,
	coalesce((SELECT plan_hash FROM draws s WHERE s.id = d.supersedes), ''), coalesce(d.superseded_by, 0)
	FROM draws d JOIN tasks t ON t.code = d.task`

func scanDraws(rows *sql.Rows) ([]spotcheck.Draw, error) {
	defer rows.Close()
	var out []spotcheck.Draw
	for rows.Next() {
		var d spotcheck.Draw
		if err := rows.Scan(&d.ID, &d.Task, &d.TaskName, &d.Authority, &d.PlanHash, &d.State, &d.Reason, &d.PlanIndex,
			&d.CreatedBy, timeText{&d.CreatedAt}, timeText{&d.DrawnAt}, timeText{&d.PublishedAt}, &d.Seed, &d.Unassigned,
			&d.Supersedes, &d.SupersededBy); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FindDrawByID returns a draw with its commitments and strata.
func (sv *DrawService) FindDrawByID(ctx context.Context, id int64) (_ *spotcheck.Draw, err error) {
	db := sv.db
	defer wrap(&err, "find draw", id)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, drawSelect+` WHERE d.id = $1`, id)
	if err != nil {
		return nil, err
	}
	ds, err := scanDraws(rows)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有编号为 %d 的抽取", id)
	}
	d := &ds[0]
	if d.Partners, err = taskDepts(ctx, db.read, d.Task); err != nil {
		return nil, err
	}
	d.Partners = d.Partners[1:]
	var plan, result string
	if err := db.read.QueryRowContext(ctx, `SELECT plan, result FROM draws WHERE id = $1`, id).Scan(&plan, &result); err != nil {
		return nil, err
	}
	if err := fillFromPlan(d, []byte(plan)); err != nil {
		return nil, err
	}
	full := seesAll(ctx, d.Departments())
	if result != "" && full {
		res, err := draw.ParseResult([]byte(result))
		if err != nil {
			return nil, err
		}
		for i := range d.Strata {
			for _, s := range res.Strata {
				if s.ID == d.Strata[i].ID {
					d.Strata[i].Cutoff = s.Cutoff
				}
			}
		}
	}
	if !full && d.Embargoed() {
		d.Seed, d.Unassigned = "", 0
	}
	if full {
		if err := db.read.QueryRowContext(ctx, `SELECT control, risk_model,
			(SELECT count(*) FROM draw_picks WHERE draw_id = $1 AND control = 1) FROM draws WHERE id = $1`, id).Scan(
			&d.Control, &d.RiskModel, &d.ControlDrawn); err != nil {
			return nil, err
		}
	}
	d.Commits, err = findCommits(ctx, db.read, id)
	return d, err
}

// fillFromPlan copies what the plan record says into the view.
func fillFromPlan(d *spotcheck.Draw, plan []byte) error {
	p, err := draw.ParsePlan(plan)
	if err != nil {
		return err
	}
	d.Dice = p.Randomness.Dice
	if b := p.Randomness.Beacon; b != nil {
		d.BeaconChain, d.BeaconRound = b.Chain, b.Round
	}
	d.FrameCount, d.Excluded = p.Frame.Count, p.Exclusions.Count
	d.RosterCount, d.ConflictPair = p.Roster.Count, p.Conflicts.Count
	for _, s := range p.Strata {
		d.Strata = append(d.Strata, spotcheck.DrawStratum{ID: s.ID, Rate: s.Rate, Frame: s.Frame, Eligible: s.Eligible,
			N: s.N, Reserve: s.Reserve})
	}
	return nil
}

func findCommits(ctx context.Context, q querier, id int64) ([]spotcheck.DrawCommit, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.participant, c.commitment, c.committed_at, c.secret <> '', c.revealed_at,
		c.withheld, c.log_index, COALESCE(u.roles, ''), COALESCE(d.name, '')
		FROM draw_commits c LEFT JOIN users u ON u.username = c.participant
		LEFT JOIN departments d ON d.code = u.dept
		WHERE c.draw_id = $1 ORDER BY c.participant`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.DrawCommit
	for rows.Next() {
		var c spotcheck.DrawCommit
		var idx sql.NullInt64
		var roles string
		if err := rows.Scan(&c.Participant, &c.Commitment, timeText{&c.CommittedAt}, boolCol{&c.Revealed},
			timeText{&c.RevealedAt}, boolCol{&c.Withheld}, &idx, &roles, &c.Unit); err != nil {
			return nil, err
		}
		c.LogIndex = idx.Int64
		if roles != "" {
			c.Roles = strings.Split(roles, ",")
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindDraws lists draws, newest first: staff those of their departments
// (supervisors all); the public every draw, since plans are public.
func (sv *DrawService) FindDraws(ctx context.Context, f spotcheck.DrawFilter) (_ spotcheck.List[spotcheck.Draw], err error) {
	db := sv.db
	defer wrap(&err, "find draws")
	var out spotcheck.List[spotcheck.Draw]
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return out, err
	}
	out.Offset, out.Limit = pageOf(f.Offset, f.Limit)
	var c conds
	c.eq("d.task", f.Task)
	c.eq("d.state", f.State)
	if p.Has(spotcheck.PermViewDraws) {
		scopeTasks(ctx, &c, "d.task", false)
	}
	where := c.where()
	out.Total, out.More, err = countCapped(ctx, db.read, "SELECT 1 FROM draws d WHERE "+where, c.args)
	if err != nil {
		return out, err
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf("%s WHERE %s ORDER BY d.id DESC LIMIT %d OFFSET %d",
		drawSelect, where, out.Limit, out.Offset), c.args...)
	if err != nil {
		return out, err
	}
	out.Items, err = scanDraws(rows)
	for i := range out.Items {
		if d := &out.Items[i]; d.Embargoed() && !seesAll(ctx, []string{d.Authority}) {
			d.Seed, d.Unassigned = "", 0
		}
	}
	return out, err
}

// FindDrawPicks lists the picks of a drawn draw in stratum and rank order.
// The public gets them only after the embargo, and only the lines of
// published.tsv: the selected entities of the draw (reserves excluded;
// later substitutions are events of their own), without strata, ranks or
// teams, in its order (ticket18, then entity_id).
func (sv *DrawService) FindDrawPicks(ctx context.Context, id int64) (_ []spotcheck.DrawPick, err error) {
	db := sv.db
	defer wrap(&err, "find draw picks", id)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	depts, err := taskDeptsOfDraw(ctx, db.read, id)
	if err != nil {
		return nil, err
	}
	full := seesAll(ctx, depts)
	if !full {
		var state string
		if err := db.read.QueryRowContext(ctx, `SELECT state FROM draws WHERE id = $1`, id).Scan(&state); err != nil {
			return nil, err
		}
		if state != spotcheck.DrawPublished {
			return nil, spotcheck.Errorf(spotcheck.EFORBIDDEN, "抽取结果在检查结果公示前保密")
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT p.stratum, p.rank, p.entity_id, coalesce(e.name, ''), p.ticket, p.reserve,
		p.inspectors, p.replaced, p.promoted, p.control FROM draw_picks p LEFT JOIN entities e ON e.id = p.entity_id
		WHERE p.draw_id = $1 ORDER BY p.stratum, p.rank`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.DrawPick
	for rows.Next() {
		var p spotcheck.DrawPick
		var team string
		if err := rows.Scan(&p.Stratum, &p.Rank, &p.Entity, &p.EntityName, &p.Ticket, boolCol{&p.Reserve}, &team,
			boolCol{&p.Replaced}, boolCol{&p.Promoted}, boolCol{&p.Control}); err != nil {
			return nil, err
		}
		if team != "" {
			p.Inspectors = strings.Split(team, ",")
		}
		if !full {
			if p.Reserve {
				continue
			}
			p = spotcheck.DrawPick{Entity: p.Entity, EntityName: p.EntityName, Ticket: p.Ticket}
		}
		out = append(out, p)
	}
	if !full {
		// In ticket order: in stratum order, the runs of rising tickets
		// would show where one stratum (a credit class) ends.
		slices.SortFunc(out, func(a, b spotcheck.DrawPick) int {
			return cmp.Or(strings.Compare(a.Ticket, b.Ticket), strings.Compare(a.Entity, b.Entity))
		})
	}
	return out, rows.Err()
}

// DrawFiles returns a draw's bundle (spec §9) with the log indexes of its
// records. The public gets what spec §9 (amendment 1) lets it see: the
// plan and the commitments, and after the embargo the randomness and
// published.tsv, with the sealed entries, the randomness's unseal entry and
// the publication entry; never the result record, selected.tsv or the
// input files. Staff who may audit the draw get everything, published.tsv
// and the publication entry included once published.
func (sv *DrawService) FindDrawFiles(ctx context.Context, id int64) (_ *spotcheck.DrawFiles, err error) {
	db := sv.db
	defer wrap(&err, "find draw files", id)
	d, err := db.Draws().FindDrawByID(ctx, id)
	if err != nil {
		return nil, err
	}
	full := seesAll(ctx, d.Departments())
	f := &spotcheck.DrawFiles{Dir: d.Task + "-" + d.PlanHash[:12]}
	var plan, frame, excl, roster, confl, rnd, res, sel, asg, published string
	var rIdx, resIdx, pubIdx, rUnseal sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT d.plan, d.frame, d.exclusions, d.roster, d.conflicts, d.randomness, d.result,
		d.selected, d.assignment, d.published, d.randomness_index, d.result_index, d.publication_index, r.unseal_index
		FROM draws d LEFT JOIN log_records r ON r.sha256 = d.randomness_sha WHERE d.id = $1`, id).
		Scan(&plan, &frame, &excl, &roster, &confl, &rnd, &res, &sel, &asg, &published, &rIdx, &resIdx, &pubIdx, &rUnseal); err != nil {
		return nil, err
	}
	f.Plan = []byte(plan)
	f.LogIndexes = append(f.LogIndexes, d.PlanIndex)
	for _, c := range d.Commits {
		if c.Commitment != "" {
			f.LogIndexes = append(f.LogIndexes, c.LogIndex)
		}
	}
	if rnd == "" || (!full && d.Embargoed()) {
		return f, nil
	}
	f.Randomness = []byte(rnd)
	f.LogIndexes = append(f.LogIndexes, rIdx.Int64, resIdx.Int64)
	if pubIdx.Valid {
		f.Published = []byte(published)
		f.LogIndexes = append(f.LogIndexes, pubIdx.Int64)
	}
	if !full {
		if rUnseal.Valid {
			f.LogIndexes = append(f.LogIndexes, rUnseal.Int64)
		}
		slices.Sort(f.LogIndexes)
		return f, nil
	}
	f.Result = []byte(res)
	f.Frame, f.Exclusions, f.Roster, f.Conflicts = []byte(frame), []byte(excl), []byte(roster), []byte(confl)
	f.Selected, f.Assignment = []byte(sel), []byte(asg)
	if err := controlFiles(ctx, db.read, d, f); err != nil { // store/draw_control.go
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT log_index FROM draw_changes WHERE draw_id = $1 AND log_index IS NOT NULL ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i int64
		if err := rows.Scan(&i); err != nil {
			return nil, err
		}
		f.LogIndexes = append(f.LogIndexes, i)
	}
	return f, rows.Err()
}
