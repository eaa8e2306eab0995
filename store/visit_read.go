package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"spotcheck"
)

// Reading visits: a row, its parts decoded (each draw named by its task,
// department and items), the names pages show.

// visitCols are the columns visitRow scans, of visits v.
const visitCols = `v.id, v.entity_id, v.year, v.lead, v.start_day, v.end_day, v.state, v.parts, v.depts, v.visit_date,
	v.notice, v.note, v.proposed_at, v.decided_by, v.decided_at`

type visitRow struct {
	spotcheck.Visit
	parts, depts string
}

func (r *visitRow) dest() []any {
	v := &r.Visit
	return []any{&v.ID, &v.Entity, &v.Year, &v.Lead, &v.Start, &v.End, &v.State, &r.parts, &r.depts, &v.Date,
		&v.Notice, &v.Note, timeCol{&v.ProposedAt}, &v.DecidedBy, optTimeCol{&v.DecidedAt}}
}

// loadVisit loads a visit and its parts through q.
func loadVisit(ctx context.Context, q querier, id int64) (*visitRow, error) {
	r := &visitRow{}
	err := q.QueryRowContext(ctx, `SELECT `+visitCols+` FROM visits v WHERE v.id = $1`, id).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.NoVisit(id)
	}
	if err != nil {
		return nil, err
	}
	if err := decodeParts(ctx, q, []*visitRow{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// decodeParts fills the parts of visits from their stored text: each draw
// gives its task, the task's authority and items, loaded once per draw.
func decodeParts(ctx context.Context, q querier, vs []*visitRow) error {
	type drawInfo struct {
		task, dept string
		items      []string
	}
	draws := map[int64]*drawInfo{}
	for _, v := range vs {
		for part := range strings.SplitSeq(v.parts, ";") {
			d, _, _ := strings.Cut(part, ":")
			id, err := strconv.ParseInt(d, 10, 64)
			if err != nil {
				return err
			}
			draws[id] = nil
		}
	}
	tasks := map[string]*spotcheck.Task{}
	for id := range draws {
		info := &drawInfo{}
		if err := q.QueryRowContext(ctx, `SELECT task, authority FROM draws WHERE id = $1`, id).Scan(&info.task, &info.dept); err != nil {
			return err
		}
		tk := tasks[info.task]
		if tk == nil {
			var err error
			if tk, err = findTask(ctx, q, info.task); err != nil {
				return err
			}
			tasks[info.task] = tk
		}
		info.items = tk.Items
		draws[id] = info
	}
	for _, v := range vs {
		for _, d := range strings.Split(strings.Trim(v.depts, ","), ",") {
			if d != "" && d != v.Lead {
				v.Partners = append(v.Partners, d)
			}
		}
		for part := range strings.SplitSeq(v.parts, ";") {
			d, ins, _ := strings.Cut(part, ":")
			id, _ := strconv.ParseInt(d, 10, 64)
			info := draws[id]
			v.Parts = append(v.Parts, spotcheck.VisitPart{Task: info.task, Dept: info.dept, Draw: id, Items: info.items,
				Inspectors: splitList(ins)})
		}
	}
	return nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// nameVisits fills the visits' entity names and the names of their tasks,
// items and inspectors, in one query per kind.
func nameVisits(ctx context.Context, q querier, vs []*visitRow) error {
	kinds := []struct {
		sql   string
		codes map[string]bool
	}{
		{`SELECT id, name FROM entities WHERE id IN `, map[string]bool{}},
		{`SELECT code, name FROM tasks WHERE code IN `, map[string]bool{}},
		{`SELECT code, name FROM items WHERE latest = 1 AND code IN `, map[string]bool{}},
		{`SELECT staff_id, name FROM inspectors WHERE staff_id IN `, map[string]bool{}},
	}
	for _, v := range vs {
		kinds[0].codes[v.Entity] = true
		for _, p := range v.Parts {
			kinds[1].codes[p.Task] = true
			for _, it := range p.Items {
				kinds[2].codes[it] = true
			}
			for _, in := range p.Inspectors {
				kinds[3].codes[in] = true
			}
		}
	}
	names := map[string]string{}
	for _, k := range kinds {
		if len(k.codes) == 0 {
			continue
		}
		var c conds
		ph := make([]string, 0, len(k.codes))
		for code := range k.codes {
			ph = append(ph, c.arg(code))
		}
		rows, err := q.QueryContext(ctx, k.sql+"("+strings.Join(ph, ", ")+")", c.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var code, name string
			if err := rows.Scan(&code, &name); err != nil {
				rows.Close()
				return err
			}
			names[code] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, v := range vs {
		v.EntityName = names[v.Entity]
		v.Names = names
	}
	return nil
}

// FindVisitByID returns one visit the user may see.
func (sv *VisitService) FindVisitByID(ctx context.Context, id int64) (_ *spotcheck.Visit, err error) {
	defer wrap(&err, "find visit", id)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	v, err := loadVisit(ctx, sv.db.read, id)
	if err != nil {
		return nil, err
	}
	if err := p.AuthorizeDraw(spotcheck.PermViewDraws, v.Departments()); err != nil {
		return nil, spotcheck.NoVisit(id)
	}
	if err := nameVisits(ctx, sv.db.read, []*visitRow{v}); err != nil {
		return nil, err
	}
	return &v.Visit, nil
}

// maxVisits bounds a list of visits; filters narrow it.
const maxVisits = 500

// FindVisits lists the visits touching a task of the user's departments:
// those whose tasks' departments (authorities and partners) include one
// of the user's scope; supervisors see all.
func (sv *VisitService) FindVisits(ctx context.Context, f spotcheck.VisitFilter) (_ []spotcheck.Visit, err error) {
	defer wrap(&err, "find visits")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDraws, ""); err != nil {
		return nil, err
	}
	p := spotcheck.PrincipalFromContext(ctx)
	var c conds
	c.eq("v.state", f.State)
	c.eq("v.year", f.Year)
	if f.Task != "" {
		c.add("v.tasks LIKE " + c.arg("%,"+f.Task+",%"))
	}
	if !p.Has(spotcheck.PermSuperviseDraws) {
		var ors []string
		for _, d := range p.Scope() {
			ors = append(ors, "v.depts LIKE "+c.arg("%,"+d+",%"))
		}
		if len(ors) == 0 {
			ors = []string{"1 = 0"}
		}
		c.add("(" + strings.Join(ors, " OR ") + ")")
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT `+visitCols+` FROM visits v WHERE `+c.where()+
		` ORDER BY v.id DESC LIMIT `+strconv.Itoa(maxVisits), c.args...)
	if err != nil {
		return nil, err
	}
	var vs []*visitRow
	for rows.Next() {
		r := &visitRow{}
		if err := rows.Scan(r.dest()...); err != nil {
			rows.Close()
			return nil, err
		}
		vs = append(vs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := decodeParts(ctx, sv.db.read, vs); err != nil {
		return nil, err
	}
	if err := nameVisits(ctx, sv.db.read, vs); err != nil {
		return nil, err
	}
	out := make([]spotcheck.Visit, len(vs))
	for i, v := range vs {
		out[i] = v.Visit
	}
	return out, nil
}

// optTimeCol scans a stored time that may be ” (not yet) as the zero time.
type optTimeCol struct{ p *time.Time }

func (c optTimeCol) Scan(v any) error {
	if s, err := asString(v); err == nil && s == "" {
		*c.p = time.Time{}
		return nil
	}
	return timeCol(c).Scan(v)
}
