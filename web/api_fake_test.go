package web

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"spotcheck"
)

// The fake services of the API tests: accounts that know a few fixed
// tokens, and a directory that keeps records in memory with the rules the
// store promises — domain validation, department scope, optimistic locking
// and versioned items — so that the handlers can be tested without a
// database. Methods the API does not use are left to the embedded nil
// interfaces and would panic.

// Tokens of the fake accounts, each a user of department FZ (the root) or
// GL (below it) with the roles the name says.
var fakeUsers = map[string]spotcheck.User{
	"admin":   {Username: "admin", Name: "部门管理员", Dept: "FZ", Roles: []string{spotcheck.RoleDeptAdmin}},
	"planner": {Username: "planner", Name: "计划员", Dept: "FZ", Roles: []string{spotcheck.RolePlanner}},
	"gl":      {Username: "gl", Name: "鼓楼管理员", Dept: "GL", Roles: []string{spotcheck.RoleDeptAdmin}},
	"auditor": {Username: "auditor", Name: "监督员", Dept: "FZ",
		Roles: []string{spotcheck.RoleDeptAdmin, spotcheck.RoleSupervisor}},
	"sys":       {Username: "sys", Name: "系统管理员", Dept: "FZ", Roles: []string{spotcheck.RoleSystemAdmin}},
	"inspector": {Username: "inspector", Name: "检查员", Dept: "FZ", Roles: []string{spotcheck.RoleInspector}},
}

type fakeAccounts struct{ spotcheck.AccountService }

func (fakeAccounts) AuthenticateToken(ctx context.Context, secret string) (*spotcheck.User, error) {
	u, ok := fakeUsers[secret]
	if !ok {
		return nil, spotcheck.Errorf(spotcheck.EUNAUTHORIZED, "接口令牌无效")
	}
	u.Active = true
	return &u, nil
}

// fakeRef is the reference data the fake validates against.
var fakeRef = &spotcheck.Reference{Types: spotcheck.DefaultTargetTypes, Divisions: spotcheck.DefaultDivisions}

// memTable keeps one kind of record in memory, by key.
type memTable[T any] struct {
	label    string
	perm     spotcheck.Permission // to save
	key      func(*T) string
	version  func(*T) *int
	dept     func(*T) string // the department that owns a record, for scope
	validate func(*T) spotcheck.Problems
	rows     map[string]*T
	history  map[string][]*T // every version saved, oldest first
}

func (m *memTable[T]) find(key string) (*T, error) {
	v, ok := m.rows[key]
	if !ok {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "%s“%s”不存在", m.label, key)
	}
	c := *v
	return &c, nil
}

// save validates, authorises and stores v with the next version.
func (m *memTable[T]) save(ctx context.Context, v *T) error {
	if err := m.validate(v).Err(); err != nil {
		return err
	}
	if err := spotcheck.Authorize(ctx, m.perm, m.dept(v)); err != nil {
		return err
	}
	k := m.key(v)
	old, exists := m.rows[k]
	switch ver := *m.version(v); {
	case ver == 0 && exists:
		return spotcheck.Errorf(spotcheck.ECONFLICT, "%s“%s”已存在", m.label, k)
	case ver != 0 && !exists:
		return spotcheck.Errorf(spotcheck.ENOTFOUND, "%s“%s”不存在", m.label, k)
	case exists && ver != *m.version(old):
		return spotcheck.Errorf(spotcheck.ECONFLICT, "%s“%s”已被他人修改，请刷新后重试", m.label, k)
	}
	c := *v
	*m.version(&c)++
	m.rows[k] = &c
	m.history[k] = append(m.history[k], &c)
	*m.version(v) = *m.version(&c)
	return nil
}

// list returns every record in key order, within the scope of ctx's user.
func (m *memTable[T]) list(ctx context.Context, keep func(*T) bool) spotcheck.List[*T] {
	scope := spotcheck.ScopeFilter(ctx)
	var out []*T
	for _, k := range slices.Sorted(maps.Keys(m.rows)) {
		v := m.rows[k]
		if (scope == nil || m.dept(v) == "" || slices.Contains(scope, m.dept(v))) && (keep == nil || keep(v)) {
			c := *v
			out = append(out, &c)
		}
	}
	return spotcheck.List[*T]{Items: out, Total: len(out), Limit: 20}
}

func newMem[T any](label string, perm spotcheck.Permission, key func(*T) string, version func(*T) *int,
	dept func(*T) string, validate func(*T) spotcheck.Problems) *memTable[T] {
	return &memTable[T]{label: label, perm: perm, key: key, version: version, dept: dept, validate: validate,
		rows: map[string]*T{}, history: map[string][]*T{}}
}

type fakeDir struct {
	spotcheck.DirectoryService
	mu           sync.Mutex
	depts        *memTable[spotcheck.Department]
	entities     *memTable[spotcheck.Entity]
	inspectors   *memTable[spotcheck.Inspector]
	agencies     *memTable[spotcheck.Agency]
	items        *memTable[spotcheck.Item]
	resps        *memTable[spotcheck.Responsibility]
	conflicts    *memTable[spotcheck.Conflict]
	changes      []spotcheck.Change
	lastInspF    spotcheck.InspectorFilter
	lastChangesF spotcheck.ChangeFilter
}

// newFakeDir returns a directory with the department tree FZ > GL, TJ.
func newFakeDir() *fakeDir {
	const edDir, edLists = spotcheck.PermEditDirectory, spotcheck.PermEditLists
	d := &fakeDir{
		depts: newMem("部门", spotcheck.PermManageDepartments,
			func(d *spotcheck.Department) string { return d.Code },
			func(d *spotcheck.Department) *int { return &d.Version },
			func(d *spotcheck.Department) string { return "" },
			func(d *spotcheck.Department) spotcheck.Problems { d.Normalize(); return d.Validate(fakeRef) }),
		entities: newMem("检查对象", edDir, func(e *spotcheck.Entity) string { return e.ID },
			func(e *spotcheck.Entity) *int { return &e.Version },
			func(e *spotcheck.Entity) string { return e.Dept },
			func(e *spotcheck.Entity) spotcheck.Problems {
				e.Dept = "FZ"
				e.Normalize(fakeRef)
				return e.Validate(fakeRef)
			}),
		inspectors: newMem("人员", edDir, func(in *spotcheck.Inspector) string { return in.StaffID },
			func(in *spotcheck.Inspector) *int { return &in.Version },
			func(in *spotcheck.Inspector) string { return in.Dept },
			func(in *spotcheck.Inspector) spotcheck.Problems { in.Normalize(); return in.Validate() }),
		agencies: newMem("专业机构", edDir, func(a *spotcheck.Agency) string { return a.Code },
			func(a *spotcheck.Agency) *int { return &a.Version },
			func(a *spotcheck.Agency) string { return "" },
			func(a *spotcheck.Agency) spotcheck.Problems { a.Normalize(); return a.Validate() }),
		items: newMem("抽查事项", edLists, func(it *spotcheck.Item) string { return it.Code },
			func(it *spotcheck.Item) *int { return &it.Version },
			func(it *spotcheck.Item) string { return "" },
			func(it *spotcheck.Item) spotcheck.Problems { it.Normalize(fakeRef); return it.Validate(fakeRef) }),
		resps: newMem("监管责任", edLists, func(r *spotcheck.Responsibility) string { return r.Item + "|" + r.Dept },
			func(r *spotcheck.Responsibility) *int { return &r.Version },
			func(r *spotcheck.Responsibility) string { return r.Dept },
			func(r *spotcheck.Responsibility) spotcheck.Problems { r.Normalize(); return r.Validate() }),
		conflicts: newMem("回避关系", edDir,
			func(c *spotcheck.Conflict) string { return c.StaffID + "|" + c.EntityID + "|" + c.Kind },
			func(c *spotcheck.Conflict) *int { return &c.Version },
			func(c *spotcheck.Conflict) string { return "" },
			func(c *spotcheck.Conflict) spotcheck.Problems { c.Normalize(); return c.Validate() }),
	}
	for _, dep := range []spotcheck.Department{
		{Code: "FZ", Name: "福州市文旅局", Division: "350100", Kind: spotcheck.DeptBureau, Active: true},
		{Code: "GL", Name: "鼓楼区文旅局", Parent: "FZ", Division: "350102", Kind: spotcheck.DeptBureau, Active: true},
		{Code: "TJ", Name: "台江区文旅局", Parent: "FZ", Division: "350103", Kind: spotcheck.DeptBureau, Active: true},
	} {
		dep.Version = 1
		d.depts.rows[dep.Code] = &dep
	}
	d.changes = []spotcheck.Change{{ID: 1, Kind: "entity", Key: "91350100M000100Y43", Version: 1, Action: "create",
		Actor: "admin", At: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), After: `{"ID":"91350100M000100Y43"}`}}
	return d
}

func (d *fakeDir) Reference(context.Context) (*spotcheck.Reference, error) { return fakeRef, nil }

func (d *fakeDir) FindDepartments(ctx context.Context) ([]spotcheck.Department, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []spotcheck.Department
	for _, k := range slices.Sorted(maps.Keys(d.depts.rows)) {
		out = append(out, *d.depts.rows[k])
	}
	return out, nil
}

func (d *fakeDir) FindDepartmentByCode(ctx context.Context, code string) (*spotcheck.Department, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.depts.find(code)
}

func (d *fakeDir) SaveDepartment(ctx context.Context, dep *spotcheck.Department) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.depts.save(ctx, dep)
}

func (d *fakeDir) FindEntities(ctx context.Context, f spotcheck.EntityFilter) (spotcheck.List[*spotcheck.Entity], error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.entities.list(ctx, func(e *spotcheck.Entity) bool { return strings.Contains(e.Name, f.Query) }), nil
}

func (d *fakeDir) FindEntityByID(ctx context.Context, id string) (*spotcheck.Entity, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.entities.find(spotcheck.NormalizeCode(id))
}

func (d *fakeDir) SaveEntity(ctx context.Context, e *spotcheck.Entity) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.entities.save(ctx, e)
}

func (d *fakeDir) FindInspectors(ctx context.Context, f spotcheck.InspectorFilter) (spotcheck.List[*spotcheck.Inspector], error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lastInspF = f
	return d.inspectors.list(ctx, nil), nil
}

func (d *fakeDir) FindInspectorByID(ctx context.Context, id string) (*spotcheck.Inspector, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inspectors.find(id)
}

func (d *fakeDir) SaveInspector(ctx context.Context, in *spotcheck.Inspector) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inspectors.save(ctx, in)
}

func (d *fakeDir) FindAgencies(ctx context.Context, f spotcheck.AgencyFilter) (spotcheck.List[*spotcheck.Agency], error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.agencies.list(ctx, nil), nil
}

func (d *fakeDir) FindAgencyByCode(ctx context.Context, code string) (*spotcheck.Agency, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.agencies.find(code)
}

func (d *fakeDir) SaveAgency(ctx context.Context, a *spotcheck.Agency) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.agencies.save(ctx, a)
}

func (d *fakeDir) FindItems(ctx context.Context, f spotcheck.ItemFilter) (spotcheck.List[*spotcheck.Item], error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.items.list(ctx, nil), nil
}

func (d *fakeDir) FindItemByCode(ctx context.Context, code string) (*spotcheck.Item, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.items.find(code)
}

func (d *fakeDir) FindItemVersions(ctx context.Context, code string) ([]*spotcheck.Item, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, err := d.items.find(code); err != nil {
		return nil, err
	}
	return d.items.history[code], nil
}

func (d *fakeDir) SaveItem(ctx context.Context, it *spotcheck.Item) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.items.save(ctx, it)
}

func (d *fakeDir) FindResponsibilities(ctx context.Context, f spotcheck.ResponsibilityFilter) (spotcheck.List[*spotcheck.Responsibility], error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.resps.list(ctx, func(r *spotcheck.Responsibility) bool {
		return (f.Item == "" || r.Item == f.Item) && (f.Dept == "" || r.Dept == f.Dept)
	}), nil
}

func (d *fakeDir) SaveResponsibility(ctx context.Context, r *spotcheck.Responsibility) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.resps.save(ctx, r)
}

func (d *fakeDir) FindConflicts(ctx context.Context, f spotcheck.ConflictFilter) (spotcheck.List[*spotcheck.Conflict], error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conflicts.list(ctx, func(c *spotcheck.Conflict) bool {
		return (f.StaffID == "" || c.StaffID == f.StaffID) && (f.EntityID == "" || c.EntityID == f.EntityID)
	}), nil
}

func (d *fakeDir) FindResponsibility(ctx context.Context, item, dept string) (*spotcheck.Responsibility, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.resps.find(spotcheck.NormalizeCode(item) + "|" + spotcheck.NormalizeCode(dept))
}

func (d *fakeDir) FindConflict(ctx context.Context, staffID, entityID, kind string) (*spotcheck.Conflict, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conflicts.find(staffID + "|" + spotcheck.NormalizeCode(entityID) + "|" + kind)
}

func (d *fakeDir) SaveConflict(ctx context.Context, c *spotcheck.Conflict) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conflicts.save(ctx, c)
}

func (d *fakeDir) FindChanges(ctx context.Context, f spotcheck.ChangeFilter) (spotcheck.List[spotcheck.Change], error) {
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewAudit, ""); err != nil {
		return spotcheck.List[spotcheck.Change]{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lastChangesF = f
	return spotcheck.List[spotcheck.Change]{Items: d.changes, Total: len(d.changes), Limit: f.Limit}, nil
}
