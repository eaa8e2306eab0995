package store

import (
	"context"
	"fmt"
	"time"

	"spotcheck"
)

var departments = &table[spotcheck.Department]{
	name: "departments", kind: "department", label: "部门",
	keyCols: []string{"code"}, keyLabels: []string{"部门代码"},
	cols: []string{"code", "name", "parent", "division", "kind", "active"},
	fields: func(d *spotcheck.Department) []any {
		return []any{&d.Code, &d.Name, &d.Parent, &d.Division, &d.Kind, boolCol{&d.Active}}
	},
	meta: func(d *spotcheck.Department) (*int, *time.Time, *time.Time) {
		return &d.Version, &d.CreatedAt, &d.UpdatedAt
	},
	orderBy:    "code",
	keyOfValue: func(d *spotcheck.Department) []any { return []any{d.Code} },
	active:     func(d *spotcheck.Department) bool { return d.Active },
}

// departmentRules are the rules of the department tree. A department is
// managed from above: a user may change the departments of the scope and
// place new ones under a department of it; only the command line creates
// a new root. After a change the owners of the entities follow the tree.
func departmentRules() *rules[spotcheck.Department] {
	return &rules[spotcheck.Department]{tb: departments, perm: spotcheck.PermManageDepartments,
		key:   func(d *spotcheck.Department) { d.Code = spotcheck.NormalizeCode(d.Code) },
		check: checkDepartment, owners: departmentOwners,
		finish: checkDepartmentTree, finishField: "parent",
		after: reassignEntityOwners}
}

// checkDepartment validates a department's own fields.
func checkDepartment(_ context.Context, _ *tx, ref *spotcheck.Reference, d, _ *spotcheck.Department) spotcheck.Problems {
	d.Parent = spotcheck.NormalizeCode(d.Parent)
	d.Normalize()
	return d.Validate(ref)
}

// checkDepartmentTree checks the whole tree after a change: parents exist,
// no cycle.
func checkDepartmentTree(ctx context.Context, t *tx, _ map[string]int) []spotcheck.RowError {
	all, err := findDepartments(ctx, t)
	if err != nil {
		return []spotcheck.RowError{{Message: err.Error()}}
	}
	if err := spotcheck.ValidateDepartmentTree(all); err != nil {
		return []spotcheck.RowError{{Column: "上级部门代码", Message: spotcheck.ErrorMessage(err)}}
	}
	return nil
}

// departmentOwners: a department is kept by the users whose scope holds
// it, and placing one under a parent needs the parent (the entities that
// a change passes from one bureau to another are checked by
// reassignEntityOwners).
func departmentOwners(_ context.Context, _ *tx, d, old *spotcheck.Department) ([]owner, error) {
	var os []owner
	if old != nil {
		os = append(os, owner{from: old.Code, to: old.Code, field: "code", label: "部门代码",
			message: "“" + old.Code + "”不在您的管辖范围"})
	}
	switch {
	case old != nil && old.Parent == d.Parent:
	case d.Parent == "":
		os = append(os, owner{from: noKeeper, to: noKeeper, field: "parent", label: "上级部门代码", message: "不能设立顶级部门"})
	default:
		os = append(os, owner{from: d.Parent, to: d.Parent, field: "parent", label: "上级部门代码",
			message: "“" + d.Parent + "”不在您的管辖范围"})
	}
	return os, nil
}

// noKeeper is a keeper no user's scope holds (no department code has a
// dash): the root of a new tree, which only the command line sets up.
const noKeeper = "-"

// reassignEntityOwners gives every entity the bureau that owns its
// division under the current tree (design §4). The entities' versions stay:
// their data did not change, the tree did, and that change is recorded.
// A change of the tree that would pass entities from or to a bureau
// outside the user's scope is refused (a district may not, by giving a
// new office of its own another district's division, take that
// district's entities, nor hand its own to the city by deactivating
// itself).
func reassignEntityOwners(ctx context.Context, t *tx) error {
	depts, err := findDepartments(ctx, t)
	if err != nil {
		return err
	}
	ref, err := loadReference(ctx, t)
	if err != nil {
		return err
	}
	// The user keeps what their department's subtree holds in the tree as
	// changed: a department they have just placed under it included. A
	// system principal keeps every department.
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	if !p.IsSystem() {
		p = spotcheck.NewPrincipal(p.User, depts)
	}
	for _, d := range ref.Divisions {
		if o := spotcheck.OwnerBureau(depts, ref, d.Code); o != "" {
			if err := moveEntities(ctx, t, p, d.Code, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// FindDepartments returns every department, ordered by code: the tree is
// shown whole, to name the departments of any record.
func (sv *DepartmentService) FindDepartments(ctx context.Context) (_ []spotcheck.Department, err error) {
	db := sv.db
	defer wrap(&err, "find departments")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDepartments, ""); err != nil {
		return nil, err
	}
	return findDepartments(ctx, db.read)
}

func findDepartments(ctx context.Context, q querier) ([]spotcheck.Department, error) {
	var out []spotcheck.Department
	err := departments.list(ctx, q, nil, nil, "", func(d *spotcheck.Department) error {
		out = append(out, *d)
		return nil
	})
	return out, err
}

// FindDepartmentByCode returns one department.
func (sv *DepartmentService) FindDepartmentByCode(ctx context.Context, code string) (_ *spotcheck.Department, err error) {
	db := sv.db
	defer wrap(&err, "find department", code)
	return findByKey(ctx, db, departments, spotcheck.PermViewDepartments, nil, spotcheck.NormalizeCode(code))
}

// ImportDepartments imports departments all or nothing; the whole tree is
// checked (parents exist, no cycle) before anything is kept.
func (sv *DepartmentService) ImportDepartments(ctx context.Context, src spotcheck.ImportSource[spotcheck.Department]) (_ spotcheck.ImportSummary, err error) {
	db := sv.db
	defer wrap(&err, "import departments", src.Name)
	im := &importer[spotcheck.Department]{rules: departmentRules(), kindName: spotcheck.KindDepartments}
	return im.run(ctx, db, src)
}

// SaveDepartment creates or updates one department (see rules.save).
func (sv *DepartmentService) SaveDepartment(ctx context.Context, d *spotcheck.Department) (err error) {
	db := sv.db
	defer wrap(&err, "save department", d.Code)
	return departmentRules().save(ctx, db, d)
}

// ExportDepartments calls fn for every department in code order.
func (sv *DepartmentService) ExportDepartments(ctx context.Context, fn func(*spotcheck.Department) error) (err error) {
	db := sv.db
	defer wrap(&err, "export departments")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDepartments, ""); err != nil {
		return err
	}
	return departments.list(ctx, db.read, nil, nil, "", fn)
}

// internalProblem reports an unexpected error as a row problem so that an
// import still fails whole; it is not expected to happen.
func internalProblem(err error) spotcheck.Problems {
	return spotcheck.Problems{{Label: "内部错误", Message: fmt.Sprint(err)}}
}

// moveEntities gives the entities of division a new owning bureau and
// keeps the search index, which holds each entity's department. A change of
// the tree is rare; it may touch many rows. The user p (nil: the command
// line) must keep both the bureaus the entities leave and the one they
// pass to.
func moveEntities(ctx context.Context, t *tx, p *spotcheck.Principal, division, owner string) error {
	rows, err := t.QueryContext(ctx, `SELECT seq, name_key, dept FROM entities WHERE division = $1 AND dept <> $2`, division, owner)
	if err != nil {
		return err
	}
	type moved struct {
		seq       int64
		key, dept string
	}
	var ms []moved
	for rows.Next() {
		var m moved
		if err := rows.Scan(&m.seq, &m.key, &m.dept); err != nil {
			rows.Close()
			return err
		}
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	checked := map[string]bool{}
	for _, m := range ms {
		if checked[m.dept] {
			continue
		}
		checked[m.dept] = true
		if p.AuthorizeChange(spotcheck.PermManageDepartments, m.dept, owner) != nil {
			return spotcheck.Errorf(spotcheck.EFORBIDDEN, "没有权限：这一调整将使区划“%s”的检查对象由“%s”改归“%s”，超出您的管辖范围",
				division, m.dept, owner)
		}
	}
	for _, m := range ms {
		if err := t.db.dialect.reindexName(ctx, t, m.seq, m.key, owner); err != nil {
			return err
		}
	}
	_, err = t.ExecContext(ctx, `UPDATE entities SET dept = $1 WHERE division = $2 AND dept <> $1`, owner, division)
	return err
}
