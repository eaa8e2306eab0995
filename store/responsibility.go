package store

import (
	"context"
	"time"

	"spotcheck"
)

var responsibilities = &table[spotcheck.Responsibility]{
	name: "responsibilities", kind: "responsibility", label: "监管责任",
	keyCols: []string{"item", "dept"}, keyLabels: []string{"事项编码", "部门代码"},
	cols: []string{"item", "dept", "role", "note", "active"},
	fields: func(r *spotcheck.Responsibility) []any {
		return []any{&r.Item, &r.Dept, &r.Role, &r.Note, boolCol{&r.Active}}
	},
	meta: func(r *spotcheck.Responsibility) (*int, *time.Time, *time.Time) {
		return &r.Version, &r.CreatedAt, &r.UpdatedAt
	},
	orderBy:    "item, dept",
	keyOfValue: func(r *spotcheck.Responsibility) []any { return []any{r.Item, r.Dept} },
}

// ImportResponsibilities imports the 多部门监管责任事项清单; the item and the
// department of every row must exist.
func (db *DB) ImportResponsibilities(ctx context.Context, src spotcheck.ImportSource[spotcheck.Responsibility]) (spotcheck.ImportSummary, error) {
	var depts deptSet
	var itemCodes map[string]bool
	im := &importer[spotcheck.Responsibility]{
		tb: responsibilities, kindName: spotcheck.KindResponsibilities,
		prepKey: func(r *spotcheck.Responsibility) {
			r.Item, r.Dept = spotcheck.NormalizeCode(r.Item), spotcheck.NormalizeCode(r.Dept)
		},
		check: func(ctx context.Context, t *tx, ref *spotcheck.Reference, r, _ *spotcheck.Responsibility) spotcheck.Problems {
			ps := r.Validate()
			if itemCodes == nil {
				itemCodes = map[string]bool{}
				if err := items.list(ctx, t, nil, nil, "", func(it *spotcheck.Item) error {
					itemCodes[it.Code] = true
					return nil
				}); err != nil {
					return internalProblem(err)
				}
			}
			if r.Item != "" && !itemCodes[r.Item] {
				ps.Add("item", "事项编码", "事项“%s”不存在", r.Item)
			}
			if ok, err := depts.has(ctx, t, r.Dept); err != nil {
				return internalProblem(err)
			} else if r.Dept != "" && !ok {
				ps.Add("dept", "部门代码", "部门代码“%s”不存在", r.Dept)
			}
			return ps
		},
	}
	return im.run(ctx, db, src)
}

// ExportResponsibilities calls fn for every responsibility by item and department.
func (db *DB) ExportResponsibilities(ctx context.Context, fn func(*spotcheck.Responsibility) error) error {
	return responsibilities.list(ctx, db.read, nil, nil, "", fn)
}
