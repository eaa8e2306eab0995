package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"spotcheck"
)

// Reading publications: the portal's 抽查结果公告 and search (anyone; what
// is past its display period is left out, and the portal says so), the
// staff's list of an inspection's publications, and the timeliness of
// publication per department (issue 12, item 6).

const publicationCols = `id, inspection_id, revision, version, original_id, corrects, reason, task, dept, entity_id,
	record, due, published_on, published_at, published_by, display_until, log_index`

func scanPublication(s interface{ Scan(...any) error }) (*spotcheck.Publication, error) {
	var p spotcheck.Publication
	var record, at string
	if err := s.Scan(&p.ID, &p.Inspection, &p.Revision, &p.Version, &p.Original, &p.Corrects, &p.Reason, &p.Task,
		&p.Dept, &p.Entity, &record, &p.Due, &p.PublishedOn, &at, &p.PublishedBy, &p.DisplayUntil, &p.LogIndex); err != nil {
		return nil, err
	}
	p.PublishedAt, _ = time.Parse(time.RFC3339, at)
	if err := json.Unmarshal([]byte(record), &p.Record); err != nil {
		return nil, err
	}
	return &p, nil
}

func queryPublications(ctx context.Context, q querier, query string, args ...any) ([]spotcheck.Publication, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []spotcheck.Publication{}
	for rows.Next() {
		p, err := scanPublication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// lastPublication is the latest publication of inspection id, nil for none.
func lastPublication(ctx context.Context, q querier, id int64) (*spotcheck.Publication, error) {
	p, err := scanPublication(q.QueryRowContext(ctx, `SELECT `+publicationCols+` FROM publications
		WHERE inspection_id = $1 ORDER BY version DESC LIMIT 1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return p, err
}

// MaxPublicationsPage is the most publications one search returns.
const MaxPublicationsPage = 200

// FindPublications is the portal's search: the publications shown today
// (f.Day, default today in China) of one task, or of the entities whose
// credit code is f.Query or whose name holds it, corrections beside what
// they correct, by task and entity. Anyone may search; the query is
// checked by spotcheck.ParsePublicQuery and only ever passed as an
// argument.
func (sv *PublicationService) FindPublications(ctx context.Context, f spotcheck.PublicationFilter) (_ []spotcheck.Publication, err error) {
	defer wrap(&err, "find publications")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	q, err := spotcheck.ParsePublicQuery(f.Query)
	if err != nil {
		return nil, err
	}
	if f.Day == "" {
		f.Day = sv.db.today()
	}
	var c conds
	c.add("display_until >= " + c.arg(f.Day))
	// A granted credit repair stops the display early (store/appeal.go).
	c.add(notRepaired("publications.inspection_id", c.arg(f.Day)))
	c.eq("task", f.Task)
	order := "task, entity_id, inspection_id, version"
	if q != "" {
		// By entity: the order of the index a search reads
		// (publication_search.go).
		order = "entity_id, inspection_id, version"
		if ok, err := sv.db.publishedMatch(ctx, &c, q); err != nil || !ok {
			return []spotcheck.Publication{}, err
		}
	} else if f.Task == "" {
		return []spotcheck.Publication{}, nil
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxPublicationsPage {
		limit = MaxPublicationsPage
	}
	return queryPublications(ctx, sv.db.read, `SELECT `+publicationCols+` FROM publications WHERE `+c.where()+
		` ORDER BY `+order+` LIMIT `+c.arg(limit)+` OFFSET `+c.arg(max(f.Offset, 0)), c.args...)
}

// FindResultTasks lists the tasks with publications shown on day
// (default today), the latest first, at most limit (at most 200); their
// names are those of the latest record.
func (sv *PublicationService) FindResultTasks(ctx context.Context, day string, limit int) (_ []spotcheck.ResultTask, err error) {
	defer wrap(&err, "result tasks")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	if day == "" {
		day = sv.db.today()
	}
	if limit <= 0 || limit > MaxPublicationsPage {
		limit = MaxPublicationsPage
	}
	rows, err := sv.db.read.QueryContext(ctx, `SELECT p.task, count(*), max(p.published_on), max(p.id) FROM publications p
		WHERE p.display_until >= $1 GROUP BY p.task ORDER BY 3 DESC, 1 LIMIT $2`, day, limit)
	if err != nil {
		return nil, err
	}
	var out []spotcheck.ResultTask
	var last []int64
	for rows.Next() {
		var rt spotcheck.ResultTask
		var id int64
		if err := rows.Scan(&rt.Task, &rt.Count, &rt.Last, &id); err != nil {
			rows.Close()
			return nil, err
		}
		out, last = append(out, rt), append(last, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, id := range last {
		p, err := scanPublication(sv.db.read.QueryRowContext(ctx, `SELECT `+publicationCols+` FROM publications WHERE id = $1`, id))
		if err != nil {
			return nil, err
		}
		out[i].Name, out[i].Authority = p.Record.TaskName, p.Record.Authority
	}
	return out, nil
}

// ShownVersion is today and the log's size (spotcheck.PublicationService):
// one row's read, cheap enough for every search.
func (sv *PublicationService) ShownVersion(ctx context.Context) (string, error) {
	n, err := sv.db.LogSize(ctx)
	if err != nil {
		return "", err
	}
	return sv.db.today() + "/" + strconv.FormatInt(n, 10), nil
}

// CountExpired counts the publications of task (all tasks for "") whose
// display period ended before day: the portal says that they are no
// longer shown.
func (sv *PublicationService) CountExpired(ctx context.Context, task, day string) (n int, err error) {
	defer wrap(&err, "count expired publications")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return 0, err
	}
	if day == "" {
		day = sv.db.today()
	}
	var c conds
	c.add("display_until < " + c.arg(day))
	c.eq("task", task)
	err = sv.db.read.QueryRowContext(ctx, `SELECT count(*) FROM publications WHERE `+c.where(), c.args...).Scan(&n)
	return n, err
}

// FindInspectionPublications lists every publication of an inspection the
// user may see, the first first.
func (sv *PublicationService) FindInspectionPublications(ctx context.Context, id int64) (_ []spotcheck.Publication, err error) {
	defer wrap(&err, "inspection publications", id)
	if _, err := sv.db.Inspections().FindInspectionByID(ctx, id); err != nil {
		return nil, err
	}
	return queryPublications(ctx, sv.db.read, `SELECT `+publicationCols+` FROM publications
		WHERE inspection_id = $1 ORDER BY version`, id)
}

// FindTimeliness counts, per department the user sees (all for a
// supervisor), the approved results published on time, late, and not yet
// published (and of those, past their due date); the first publication
// of an inspection counts, a correction does not. Supervisors also get
// the late ones by person: who published late, or approved and has not
// published past the due date.
func (sv *PublicationService) FindTimeliness(ctx context.Context) (_ []spotcheck.Timeliness, _ []spotcheck.LatePublication, err error) {
	defer wrap(&err, "publication timeliness")
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, nil, err
	}
	all := p.IsSystem() || p.Has(spotcheck.PermSuperviseDraws)
	if !all && !p.Has(spotcheck.PermApproveResults) && !p.Has(spotcheck.PermViewDraws) {
		return nil, nil, p.Authorize(spotcheck.PermApproveResults, "")
	}
	var scope []string
	if !all {
		scope = p.Scope()
	}
	out, err := timelinessCounts(ctx, sv.db.read, scope, "", sv.db.today())
	if err != nil {
		return nil, nil, err
	}
	if !all {
		return out, nil, nil
	}
	late, err := sv.latePublications(ctx)
	return out, late, err
}

// timelinessCounts counts, per department of scope (nil: every one), the
// approved results published on time and late (the first publication of
// an inspection; a correction does not count) and those not yet
// published, of which past their due date on day today; year ("" for
// every year) keeps the results completed in it. The dashboard counts
// with it too (store/stats_results.go).
func timelinessCounts(ctx context.Context, q querier, scope []string, year, today string) ([]spotcheck.Timeliness, error) {
	by := map[string]*spotcheck.Timeliness{}
	get := func(d string) *spotcheck.Timeliness {
		if by[d] == nil {
			by[d] = &spotcheck.Timeliness{Dept: d}
		}
		return by[d]
	}
	completed := func(c *conds) {
		if year != "" {
			c.add("r.completed >= " + c.arg(year+"-01-01") + " AND r.completed <= " + c.arg(year+"-12-31"))
		}
	}
	var c conds
	c.in("p.dept", scope)
	c.add("p.version = 1")
	completed(&c)
	rows, err := q.QueryContext(ctx, `SELECT p.dept, CASE WHEN p.due <> '' AND p.published_on > p.due THEN 1 ELSE 0 END, count(*)
		FROM publications p JOIN inspection_revisions r ON r.inspection_id = p.inspection_id AND r.revision = p.revision
		WHERE `+c.where()+` GROUP BY p.dept, 2`, c.args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d string
		var late, n int
		if err := rows.Scan(&d, &late, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if late == 1 {
			get(d).Late += n
		} else {
			get(d).OnTime += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var c2 conds
	c2.in("i.dept", scope)
	c2.add("i.state = " + c2.arg(spotcheck.InspectionApproved))
	c2.add("NOT EXISTS (SELECT 1 FROM publications u WHERE u.inspection_id = i.id)")
	completed(&c2)
	rows, err = q.QueryContext(ctx, `SELECT i.dept, CASE WHEN r.publication_due <> '' AND r.publication_due < `+c2.arg(today)+
		` THEN 1 ELSE 0 END, count(*) FROM inspections i JOIN inspection_revisions r ON r.inspection_id = i.id AND r.revision = i.revision
		WHERE `+c2.where()+` GROUP BY i.dept, 2`, c2.args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d string
		var over, n int
		if err := rows.Scan(&d, &over, &n); err != nil {
			rows.Close()
			return nil, err
		}
		get(d).Pending += n
		if over == 1 {
			get(d).PendingOverdue += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]spotcheck.Timeliness, 0, len(by))
	for _, t := range by {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b spotcheck.Timeliness) int { return strings.Compare(a.Dept, b.Dept) })
	return out, nil
}

// latePublications lists, for a supervisor, the results published late
// (by who published them) and those approved, unpublished and overdue (by
// their approver), by person.
func (sv *PublicationService) latePublications(ctx context.Context) ([]spotcheck.LatePublication, error) {
	pubs, err := queryPublications(ctx, sv.db.read, `SELECT `+publicationCols+` FROM publications
		WHERE version = 1 AND due <> '' AND published_on > due ORDER BY id LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	var out []spotcheck.LatePublication
	for _, p := range pubs {
		out = append(out, spotcheck.LatePublication{Inspection: p.Inspection, Task: p.Task, Dept: p.Dept,
			EntityName: p.Record.EntityName, Approver: p.PublishedBy, Due: p.Due, PublishedOn: p.PublishedOn})
	}
	overdue, err := sv.db.Inspections().FindPublicationsOverdue(ctx, spotcheck.InspectionFilter{})
	if err != nil {
		return nil, err
	}
	for _, in := range overdue {
		if in.State == spotcheck.InspectionPublished {
			continue // awaiting the platform's receipt: counted by its publication above, if late
		}
		out = append(out, spotcheck.LatePublication{Inspection: in.ID, Task: in.Task, Dept: in.Dept,
			EntityName: in.EntityName, Approver: in.Approver, Due: in.PublicationDue})
	}
	slices.SortStableFunc(out, func(a, b spotcheck.LatePublication) int {
		return cmp.Or(strings.Compare(a.Approver, b.Approver), strings.Compare(a.Due, b.Due))
	})
	return out, nil
}

// queryInts runs a query of one integer column.
func queryInts(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
