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
}

// FindDepartments returns every department, ordered by code.
func (db *DB) FindDepartments(ctx context.Context) ([]spotcheck.Department, error) {
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
func (db *DB) FindDepartmentByCode(ctx context.Context, code string) (*spotcheck.Department, error) {
	return departments.findOne(ctx, db.read, code)
}

// ImportDepartments imports departments all or nothing; the whole tree is
// checked (parents exist, no cycle) before anything is kept.
func (db *DB) ImportDepartments(ctx context.Context, src spotcheck.ImportSource[spotcheck.Department]) (spotcheck.ImportSummary, error) {
	im := &importer[spotcheck.Department]{
		tb: departments, kindName: spotcheck.KindDepartments,
		prepKey: func(d *spotcheck.Department) { d.Code = spotcheck.NormalizeCode(d.Code) },
		check: func(ctx context.Context, t *tx, ref *spotcheck.Reference, d, _ *spotcheck.Department) spotcheck.Problems {
			d.Parent = spotcheck.NormalizeCode(d.Parent)
			return d.Validate(ref)
		},
		finish: func(ctx context.Context, t *tx, rowOf map[string]int) []spotcheck.RowError {
			all, err := findDepartments(ctx, t)
			if err != nil {
				return []spotcheck.RowError{{Message: err.Error()}}
			}
			if err := spotcheck.ValidateDepartmentTree(all); err != nil {
				return []spotcheck.RowError{{Message: spotcheck.ErrorMessage(err)}}
			}
			return nil
		},
	}
	return im.run(ctx, db, src)
}

// ExportDepartments calls fn for every department in code order.
func (db *DB) ExportDepartments(ctx context.Context, fn func(*spotcheck.Department) error) error {
	return departments.list(ctx, db.read, nil, nil, "", fn)
}

// internalProblem reports an unexpected error as a row problem so that an
// import still fails whole; it is not expected to happen.
func internalProblem(err error) spotcheck.Problems {
	return spotcheck.Problems{{Label: "内部错误", Message: fmt.Sprint(err)}}
}
