package store

import (
	"context"
	"time"

	"spotcheck"
)

var inspectors = &table[spotcheck.Inspector]{
	name: "inspectors", kind: "inspector", label: "人员",
	keyCols: []string{"staff_id"}, keyLabels: []string{"工号"},
	cols: []string{"staff_id", "name", "dept", "cert_no", "cert_expiry", "lead", "expert", "field", "title",
		"employer", "specialties", "phone", "leaves", "active"},
	fields: func(in *spotcheck.Inspector) []any {
		return []any{&in.StaffID, &in.Name, &in.Dept, &in.CertNo, &in.CertExpiry, boolCol{&in.Lead}, boolCol{&in.Expert},
			&in.Field, &in.Title, &in.Employer, listCol{&in.Specialties}, &in.Phone, leavesCol{&in.Leaves}, boolCol{&in.Active}}
	},
	meta: func(in *spotcheck.Inspector) (*int, *time.Time, *time.Time) {
		return &in.Version, &in.CreatedAt, &in.UpdatedAt
	},
	orderBy:    "staff_id",
	keyOfValue: func(in *spotcheck.Inspector) []any { return []any{in.StaffID} },
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

// ImportInspectors imports 执法检查人员 (expert = false) or 专家 (expert =
// true) into the one directory of inspectors; a staff id keeps its kind.
func (db *DB) ImportInspectors(ctx context.Context, expert bool, src spotcheck.ImportSource[spotcheck.Inspector]) (spotcheck.ImportSummary, error) {
	var depts deptSet
	kind := spotcheck.KindInspectors
	if expert {
		kind = spotcheck.KindExperts
	}
	im := &importer[spotcheck.Inspector]{
		tb: inspectors, kindName: kind,
		prepKey: func(in *spotcheck.Inspector) { in.Expert = expert; in.Normalize() },
		check: func(ctx context.Context, t *tx, ref *spotcheck.Reference, in, old *spotcheck.Inspector) spotcheck.Problems {
			ps := in.Validate()
			if in.Dept != "" {
				if ok, err := depts.has(ctx, t, in.Dept); err != nil {
					return internalProblem(err)
				} else if !ok {
					ps.Add("dept", "所属部门", "部门代码“%s”不存在", in.Dept)
				}
			}
			if old != nil && old.Expert != in.Expert {
				other := "执法检查人员"
				if old.Expert {
					other = "专家"
				}
				ps.Add("staff_id", "工号", "“%s”已是%s的工号，不能在此导入", in.StaffID, other)
			}
			return ps
		},
	}
	return im.run(ctx, db, src)
}

// ExportInspectors calls fn for every inspector (expert = false) or expert
// (expert = true) in staff-id order.
func (db *DB) ExportInspectors(ctx context.Context, expert bool, fn func(*spotcheck.Inspector) error) error {
	return inspectors.list(ctx, db.read, []string{"expert = $1"}, []any{boolInt(expert)}, "", fn)
}

// FindInspectorByID returns one inspector or expert.
func (db *DB) FindInspectorByID(ctx context.Context, staffID string) (*spotcheck.Inspector, error) {
	return inspectors.findOne(ctx, db.read, staffID)
}
