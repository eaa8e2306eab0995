package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"spotcheck"
)

var inspectors = &table[spotcheck.Inspector]{
	name: "inspectors", kind: "inspector", label: "人员",
	keyCols: []string{"staff_id"}, keyLabels: []string{"工号"},
	cols: []string{"staff_id", "name", "dept", "cert_no", "cert_expiry", "lead", "expert", "field", "title",
		"employer", "specialties", "phone", "leaves", "active", "items"},
	fields: func(in *spotcheck.Inspector) []any {
		return []any{&in.StaffID, &in.Name, &in.Dept, &in.CertNo, &in.CertExpiry, boolCol{&in.Lead}, boolCol{&in.Expert},
			&in.Field, &in.Title, &in.Employer, listCol{&in.Specialties}, &in.Phone, leavesCol{&in.Leaves}, boolCol{&in.Active},
			listCol{&in.Items}}
	},
	meta: func(in *spotcheck.Inspector) (*int, *time.Time, *time.Time) {
		return &in.Version, &in.CreatedAt, &in.UpdatedAt
	},
	orderBy:    "staff_id",
	keyOfValue: func(in *spotcheck.Inspector) []any { return []any{in.StaffID} },
	active:     func(in *spotcheck.Inspector) bool { return in.Active },
}

// deptSet loads the codes of the existing departments once per transaction.
type deptSet map[string]bool

func (s *deptSet) has(ctx context.Context, t *tx, code string) (bool, error) {
	if *s == nil {
		depts, err := findDepartments(ctx, t)
		if err != nil {
			return false, err
		}
		*s = deptSet{}
		for _, d := range depts {
			(*s)[d.Code] = true
		}
	}
	return (*s)[code], nil
}

// inspectorRules are the rules of the directory of inspectors and experts:
// each belongs to its department.
func inspectorRules() *rules[spotcheck.Inspector] {
	var depts deptSet
	return &rules[spotcheck.Inspector]{tb: inspectors, perm: spotcheck.PermEditDirectory, view: spotcheck.PermViewDirectory,
		key: func(in *spotcheck.Inspector) { in.Normalize() },
		check: func(ctx context.Context, t *tx, _ *spotcheck.Reference, in, old *spotcheck.Inspector) spotcheck.Problems {
			return checkInspector(ctx, t, &depts, in, old)
		},
		owners: inspectorOwners}
}

// checkInspector validates an inspector, checks that its department
// exists and that a staff id keeps its kind (inspector or expert).
func checkInspector(ctx context.Context, t *tx, depts *deptSet, in, old *spotcheck.Inspector) spotcheck.Problems {
	in.Normalize()
	ps := in.Validate()
	if in.Dept != "" {
		if ok, err := depts.has(ctx, t, in.Dept); err != nil {
			return internalProblem(err)
		} else if !ok {
			ps.Add("dept", "所属部门", "部门代码“%s”不存在", in.Dept)
		}
	}
	for _, code := range in.Items {
		var status string
		err := t.QueryRowContext(ctx, `SELECT status FROM items WHERE code = $1 AND latest = 1`, code).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			ps.Add("items", "执法事项范围", "“%s”不在抽查事项清单中", code)
		case err != nil:
			return internalProblem(err)
		}
	}
	if old != nil && old.Expert != in.Expert {
		kinds := [2]string{"执法检查人员", "专家"}
		ps.Add("staff_id", "工号", "“%s”已是%s的工号，不能作为%s", in.StaffID, kinds[boolInt(old.Expert)], kinds[boolInt(in.Expert)])
	}
	return ps
}

// inspectorOwners: an inspector or expert belongs to their department,
// before and after a change (see entityOwners).
func inspectorOwners(_ context.Context, _ *tx, in, old *spotcheck.Inspector) ([]owner, error) {
	from := in.Dept
	if old != nil {
		from = old.Dept
	}
	return []owner{{from: from, to: in.Dept, field: "dept", label: "所属部门",
		message: "“" + in.Dept + "”不在您的管辖范围"}}, nil
}

// ImportInspectors imports 执法检查人员 (expert = false) or 专家 (expert =
// true) into the one directory of inspectors; a staff id keeps its kind.
func (sv *InspectorService) ImportInspectors(ctx context.Context, expert bool, src spotcheck.ImportSource[spotcheck.Inspector]) (_ spotcheck.ImportSummary, err error) {
	db := sv.db
	defer wrap(&err, "import inspectors", src.Name)
	kind := spotcheck.KindInspectors
	if expert {
		kind = spotcheck.KindExperts
	}
	r := inspectorRules()
	r.key = func(in *spotcheck.Inspector) { in.Expert = expert; in.Normalize() }
	im := &importer[spotcheck.Inspector]{rules: r, kindName: kind}
	return im.run(ctx, db, src)
}

// SaveInspector creates or updates one inspector or expert (see rules.save).
func (sv *InspectorService) SaveInspector(ctx context.Context, in *spotcheck.Inspector) (err error) {
	db := sv.db
	defer wrap(&err, "save inspector", in.StaffID)
	return inspectorRules().save(ctx, db, in)
}

// ExportInspectors calls fn for every inspector (expert = false) or expert
// (expert = true) in the user's scope, in staff-id order.
func (sv *InspectorService) ExportInspectors(ctx context.Context, expert bool, fn func(*spotcheck.Inspector) error) (err error) {
	db := sv.db
	defer wrap(&err, "export inspectors")
	where, args, err := scoped(ctx, spotcheck.PermViewDirectory, "dept", []string{"expert = $1"}, []any{boolInt(expert)})
	if err != nil {
		return err
	}
	return inspectors.list(ctx, db.read, where, args, "", fn)
}

// FindInspectorByID returns one inspector or expert; one of a department
// outside the user's scope is answered as missing (ENOTFOUND).
func (sv *InspectorService) FindInspectorByID(ctx context.Context, staffID string) (_ *spotcheck.Inspector, err error) {
	db := sv.db
	defer wrap(&err, "find inspector", staffID)
	return findByKey(ctx, db, inspectors, spotcheck.PermViewDirectory,
		func(in *spotcheck.Inspector) string { return in.Dept }, staffID)
}

// FindInspectors returns one page of the inspectors and experts that match
// f, by staff id, within the user's scope.
func (sv *InspectorService) FindInspectors(ctx context.Context, f spotcheck.InspectorFilter) (_ spotcheck.List[*spotcheck.Inspector], err error) {
	db := sv.db
	defer wrap(&err, "find inspectors")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return spotcheck.List[*spotcheck.Inspector]{}, err
	}
	var c conds
	c.like(f.Query, []string{"name"}, []string{"staff_id"})
	c.eq("dept", f.Dept)
	c.flag("expert", f.Expert)
	c.flag("active", f.Active)
	c.in("dept", scopeDepts(ctx, f.Depts))
	return findPage(ctx, db.read, inspectors, &c, "staff_id", f.Offset, f.Limit)
}
