package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"spotcheck"
)

// The compliance check gathers its facts with aggregate queries — the
// jurisdiction's entities counted by type, division, credit class and 重点
// flag, the entities at their annual cap counted by type and division —
// and loads only what is small: the plan's tasks and items, and the
// inspectors (a few thousand) whose rosters Task.Roster builds as a draw
// would. spotcheck.CheckCompliance decides.

// settingClassRatios is the settings key of the local ratios by credit
// class, spotcheck.ClassRatios as JSON, e.g.
// {"Source":"…〔2024〕号","Bands":[{"Class":"A","Max":"5%"},{"Class":"C","Min":"21%","Max":"60%"}]};
// unset, only their order is checked.
const settingClassRatios = "plan_class_ratios"

// CheckPlan runs the compliance check on a revision of a plan.
func (sv *PlanService) CheckPlan(ctx context.Context, key string, revision int) (_ []spotcheck.Finding, err error) {
	defer wrap(&err, "check plan", key)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	revs, err := loadPlans(ctx, sv.db.read, key)
	if err != nil {
		return nil, err
	}
	p := inForce(revs)
	if revision > 0 {
		p = nil
		for i := range revs {
			if revs[i].Revision == revision {
				p = &revs[i]
			}
		}
	}
	if p == nil {
		return nil, spotcheck.NoPlan(key)
	}
	if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermViewDraws, []string{p.Dept}, spotcheck.NoPlan(key)); err != nil {
		return nil, err
	}
	return checkPlan(ctx, sv.db.read, p)
}

// checkPlan gathers the facts of p within q and checks it.
func checkPlan(ctx context.Context, q querier, p *spotcheck.Plan) ([]spotcheck.Finding, error) {
	tasks, err := planTasks(ctx, q, p.Key())
	if err != nil {
		return nil, err
	}
	f, err := complianceFacts(ctx, q, p, tasks)
	if err != nil {
		return nil, err
	}
	return spotcheck.CheckCompliance(p, tasks, f), nil
}

func complianceFacts(ctx context.Context, q querier, p *spotcheck.Plan, tasks []spotcheck.Task) (spotcheck.ComplianceFacts, error) {
	f := spotcheck.ComplianceFacts{Items: map[string]spotcheck.Item{}, Pools: map[string][]spotcheck.UnitPool{},
		TypeNames: map[string]string{}, DivisionNames: map[string]string{}}
	depts, err := findDepartments(ctx, q)
	if err != nil {
		return f, err
	}
	if f.Population, err = population(ctx, q, spotcheck.Subtree(depts, p.Dept), conds{}); err != nil {
		return f, err
	}
	if err := planItems(ctx, q, p, tasks, f.Items); err != nil {
		return f, err
	}
	if err := rosterPools(ctx, q, depts, tasks, f.Pools); err != nil {
		return f, err
	}
	if f.Capped, err = cappedCells(ctx, q, p, tasks); err != nil {
		return f, err
	}
	var v string
	if err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, settingClassRatios).Scan(&v); err == nil {
		_ = json.Unmarshal([]byte(v), &f.ClassRatios) // a hand-edited value that does not parse checks the order only
	}
	ref, err := loadReference(ctx, q)
	if err != nil {
		return f, err
	}
	for _, c := range f.Population {
		if t, ok := ref.Type(c.Type); ok {
			f.TypeNames[c.Type] = t.Name
		}
		if d, ok := ref.Division(c.Division); ok {
			f.DivisionNames[c.Division] = d.Name
		}
	}
	return f, nil
}

// population counts the active, operating entities of the departments by
// type, division, credit class and 重点 flag (index entities_plan). On the
// read pool it asks per department, two queries at a time, which halves
// the time of a city's million entities on two cores; in a transaction
// (PublishPlan), whose one connection takes one query at a time, it asks
// once. narrow adds a task's scope.
func population(ctx context.Context, q querier, depts []string, narrow conds) ([]spotcheck.PopulationCell, error) {
	sum := map[spotcheck.PopulationCell]int{}
	pool, ok := q.(*sql.DB)
	if !ok || len(depts) < 2 {
		if err := countPopulation(ctx, q, depts, narrow, sum, nil); err != nil {
			return nil, err
		}
	} else {
		var mu sync.Mutex
		var wg sync.WaitGroup
		errs := make([]error, len(depts))
		slots := make(chan struct{}, populationQueries)
		for i, d := range depts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				defer func() { <-slots }()
				errs[i] = countPopulation(ctx, pool, []string{d}, narrow, sum, &mu)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
	}
	out := make([]spotcheck.PopulationCell, 0, len(sum))
	for x, n := range sum {
		x.Count = n
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b spotcheck.PopulationCell) int {
		return strings.Compare(a.Type+a.Division+a.Class+fmt.Sprint(a.Key), b.Type+b.Division+b.Class+fmt.Sprint(b.Key))
	})
	return out, nil
}

// populationQueries is how many population queries run at once.
const populationQueries = 2

// countPopulation adds the counts of the departments to sum (under mu,
// when given). The GROUP BY follows the index's order, department first,
// so that neither database sorts the rows.
func countPopulation(ctx context.Context, q querier, depts []string, narrow conds, sum map[spotcheck.PopulationCell]int,
	mu *sync.Mutex) error {
	c := conds{args: slices.Clone(narrow.args), list: slices.Clone(narrow.list)}
	c.add("active = 1")
	c.add("status = " + c.arg(spotcheck.StatusOperating))
	c.in("dept", depts)
	rows, err := q.QueryContext(ctx, `SELECT type, division, credit_class, key_flag, count(*) FROM entities WHERE `+
		c.where()+` GROUP BY dept, type, division, credit_class, key_flag`, c.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	mine := map[spotcheck.PopulationCell]int{}
	for rows.Next() {
		var x spotcheck.PopulationCell
		var n int
		if err := rows.Scan(&x.Type, &x.Division, &x.Class, boolCol{&x.Key}, &n); err != nil {
			return err
		}
		mine[x] += n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if mu != nil {
		mu.Lock()
		defer mu.Unlock()
	}
	for x, n := range mine {
		sum[x] += n
	}
	return nil
}

// planItems loads the latest version of every item the plan names.
func planItems(ctx context.Context, q querier, p *spotcheck.Plan, tasks []spotcheck.Task, into map[string]spotcheck.Item) error {
	codes := slices.Clone(p.KeyItems)
	for _, t := range tasks {
		codes = append(codes, t.Items...)
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	if len(codes) == 0 {
		return nil
	}
	var c conds
	c.add(items.current())
	c.in("code", codes)
	list, err := scanAll(ctx, q, items, "SELECT "+items.selectCols()+" FROM items WHERE "+c.where(), c.args)
	if err != nil {
		return err
	}
	for _, it := range list {
		into[it.Code] = *it
	}
	return nil
}

// rosterPools counts, for every task, the roster each unit of its team
// would have (Task.Roster: active, 执法证 valid through the window, not on
// leave) and its lead-qualified members.
func rosterPools(ctx context.Context, q querier, depts []spotcheck.Department, tasks []spotcheck.Task,
	into map[string][]spotcheck.UnitPool) error {
	if len(tasks) == 0 {
		return nil
	}
	ins, err := scanAll(ctx, q, inspectors, "SELECT "+inspectors.selectCols()+" FROM inspectors WHERE "+
		inspectors.current()+" AND active = 1 AND cert_no <> ''", nil)
	if err != nil {
		return err
	}
	list := make([]spotcheck.Inspector, len(ins))
	for i, in := range ins {
		list[i] = *in
	}
	units := map[string]string{}
	unitOf := func(d string) string {
		u, ok := units[d]
		if !ok {
			u = spotcheck.UnitOf(depts, d)
			units[d] = u
		}
		return u
	}
	for i := range tasks {
		t := &tasks[i]
		pools := make([]spotcheck.UnitPool, len(t.Team))
		for j, s := range t.Team {
			pools[j] = spotcheck.UnitPool{Unit: s.Unit, Size: s.Size}
		}
		for _, r := range t.Roster(list, unitOf) {
			for j := range pools {
				if pools[j].Unit == r.Unit {
					pools[j].Pool++
					if strings.Contains(r.Flags, "L") {
						pools[j].Leads++
					}
				}
			}
		}
		into[t.Code] = pools
	}
	return nil
}

// checkTaskTeams refuses to announce a task whose team no visit could get
// (spotcheck.CheckTeams) from the directory as it is now.
func checkTaskTeams(ctx context.Context, t *tx, tk *spotcheck.Task) error {
	depts, err := findDepartments(ctx, t)
	if err != nil {
		return err
	}
	pools := map[string][]spotcheck.UnitPool{}
	if err := rosterPools(ctx, t, depts, []spotcheck.Task{*tk}, pools); err != nil {
		return err
	}
	name := func(code string) string {
		for _, d := range depts {
			if d.Code == code {
				return d.Name
			}
		}
		return code
	}
	return spotcheck.CheckTeams(pools[tk.Code], name)
}

// cappedCells counts, per authority of the plan's tasks, the entities
// (not 重点) its draws of the year have already selected, by type,
// division and number of times — the draws' picks stand for inspections
// until visits are recorded, as the frame's exclusions count them.
func cappedCells(ctx context.Context, q querier, p *spotcheck.Plan, tasks []spotcheck.Task) ([]spotcheck.CappedCell, error) {
	var auths []string
	for _, t := range tasks {
		if !slices.Contains(auths, t.Authority) {
			auths = append(auths, t.Authority)
		}
	}
	var out []spotcheck.CappedCell
	for _, a := range auths {
		rows, err := q.QueryContext(ctx, `SELECT e.type, e.division, x.n, count(*) FROM
			(SELECT p.entity_id AS id, count(DISTINCT d.id) AS n FROM draw_picks p JOIN draws d ON d.id = p.draw_id
			 WHERE d.year = $1 AND d.authority = $2 AND `+countedPick+` GROUP BY p.entity_id) x
			JOIN entities e ON e.id = x.id WHERE e.key_flag = 0 GROUP BY e.type, e.division, x.n`,
			fmt.Sprintf("%04d", p.Year), a)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			c := spotcheck.CappedCell{Authority: a}
			if err := rows.Scan(&c.Type, &c.Division, &c.Times, &c.Count); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PublishPlan publishes a draft revision that passes the check.
func (sv *PlanService) PublishPlan(ctx context.Context, key string, revision int) (_ []spotcheck.Finding, err error) {
	defer wrap(&err, "publish plan", key)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	var findings []spotcheck.Finding
	err = sv.db.inTx(ctx, func(t *tx) error {
		revs, err := loadPlans(ctx, t, key)
		if err != nil {
			return err
		}
		p := &revs[0]
		if revision > 0 {
			if p, err = loadPlanRevision(ctx, t, key, revision); err != nil {
				return err
			}
		}
		pr := spotcheck.PrincipalFromContext(ctx)
		if err := p.Can(spotcheck.PlanActPublish, pr); err != nil {
			return err
		}
		if findings, err = checkPlan(ctx, t, p); err != nil {
			return err
		}
		if len(findings) > 0 {
			return spotcheck.Errorf(spotcheck.EINVALID, "计划 %s 有 %d 项不符合规定，不能发布", key, len(findings))
		}
		for i := range revs {
			if revs[i].State != spotcheck.PlanPublished {
				continue
			}
			old := &revs[i]
			if err := old.Can(spotcheck.PlanActSupersede, pr); err != nil {
				return err
			}
			if old.State, err = old.Next(spotcheck.PlanActSupersede); err != nil {
				return err
			}
			if err := savePlan(ctx, t, old, "supersede"); err != nil {
				return err
			}
		}
		if p.State, err = p.Next(spotcheck.PlanActPublish); err != nil {
			return err
		}
		depts, err := findDepartments(ctx, t)
		if err != nil {
			return err
		}
		for _, d := range depts {
			if d.Code == p.Dept {
				p.FiledWith = d.Parent
			}
		}
		p.PublishedBy = actorID(ctx)
		p.PublishedAt = sv.db.Now().UTC().Truncate(time.Second)
		tasks, err := planTasks(ctx, t, key)
		if err != nil {
			return err
		}
		rec, doc, err := planRecord(p, tasks)
		if err != nil {
			return err
		}
		if p.LogIndex, err = t.appendLog(ctx, "annual_plan", rec); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE plans SET document = $1 WHERE plan_key = $2 AND revision = $3`,
			string(doc), key, p.Revision); err != nil {
			return err
		}
		return savePlan(ctx, t, p, "publish")
	})
	if len(findings) > 0 {
		return findings, err
	}
	return nil, err
}

// planRecord is the ledger record of a plan's publication, canonical JSON
// (spec §2): the plan by key, revision and the digest of its document
// (Plan.Document, which is kept and served as it is), its tasks by code.
// It returns the record and the document.
func planRecord(p *spotcheck.Plan, tasks []spotcheck.Task) (rec, doc []byte, err error) {
	doc, err = p.Document(tasks)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(doc)
	codes := make([]string, len(tasks))
	for i, t := range tasks {
		codes[i] = t.Code
	}
	record := map[string]any{"v": "spotcheck-plan/1", "plan": p.Key(), "dept": p.Dept, "year": p.Year,
		"revision": p.Revision, "filed_with": p.FiledWith, "published": p.PublishedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"sha256": hex.EncodeToString(sum[:]), "tasks": codes}
	if p.FiledWith == "" {
		delete(record, "filed_with")
	}
	rec, err = canonical(record)
	return rec, doc, err
}

// canonical encodes v as canonical JSON (sorted keys, no HTML escaping,
// no trailing newline).
func canonical(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// CheckPlanDraft checks p as typed with the stored tasks of its plan.
func (sv *PlanService) CheckPlanDraft(ctx context.Context, p *spotcheck.Plan) (_ []spotcheck.Finding, err error) {
	defer wrap(&err, "check plan draft", p.Key())
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	p.Normalize()
	if _, err := loadPlans(ctx, sv.db.read, p.Key()); err != nil {
		return nil, err
	}
	if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermViewDraws, []string{p.Dept}, spotcheck.NoPlan(p.Key())); err != nil {
		return nil, err
	}
	return checkPlan(ctx, sv.db.read, p)
}

// FindTaskStaffing estimates a task's staffing from its expected sample
// over its authority's jurisdiction and its team's rosters.
func (sv *PlanService) FindTaskStaffing(ctx context.Context, code string) (_ *spotcheck.Staffing, err error) {
	defer wrap(&err, "find task staffing", code)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	tk, err := findTask(ctx, sv.db.read, code)
	if err != nil {
		return nil, err
	}
	if err := spotcheck.AuthorizeTaskCtx(ctx, spotcheck.PermViewDraws, tk.Departments(), spotcheck.NoTask(code)); err != nil {
		return nil, err
	}
	depts, err := findDepartments(ctx, sv.db.read)
	if err != nil {
		return nil, err
	}
	var c conds
	c.in("type", tk.Scope.Types)
	c.in("division", tk.Scope.Divisions)
	pop, err := population(ctx, sv.db.read, spotcheck.Subtree(depts, tk.Authority), c)
	if err != nil {
		return nil, err
	}
	pools := map[string][]spotcheck.UnitPool{}
	if err := rosterPools(ctx, sv.db.read, depts, []spotcheck.Task{*tk}, pools); err != nil {
		return nil, err
	}
	e := tk.Expect(pop)
	s := spotcheck.EstimateStaffing(int(math.Ceil(e.Total)), tk.CapSlack, pools[tk.Code])
	return &s, nil
}
