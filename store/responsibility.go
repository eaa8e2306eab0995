package store

import (
	"context"
	"slices"
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
	active:     func(r *spotcheck.Responsibility) bool { return r.Active },
}

// responsibilityRules are the rules of the 多部门监管责任事项清单: each
// responsibility belongs to its department.
func responsibilityRules() *rules[spotcheck.Responsibility] {
	c := &responsibilityChecker{}
	return &rules[spotcheck.Responsibility]{tb: responsibilities, perm: spotcheck.PermEditLists,
		key: func(r *spotcheck.Responsibility) {
			r.Item, r.Dept = spotcheck.NormalizeCode(r.Item), spotcheck.NormalizeCode(r.Dept)
		},
		check: c.check, owners: responsibilityOwners}
}

// responsibilityOwners: a responsibility belongs to its department. One
// that initiates (发起) its item, before or after the change, also decides
// who keeps the item (spotcheck.ItemKeeper), so the user must keep the
// item's keeper before the change and after it: a district may not make
// itself an initiator of the city's item and then rewrite it, nor stop
// initiating so that the item passes to another department.
func responsibilityOwners(ctx context.Context, t *tx, r, old *spotcheck.Responsibility) ([]owner, error) {
	os := []owner{{from: r.Dept, to: r.Dept, field: "dept", label: "部门代码", message: "“" + r.Dept + "”不在您的管辖范围"}}
	initiates := func(x *spotcheck.Responsibility) bool {
		return x != nil && x.Active && x.Role == spotcheck.RoleInitiate
	}
	if !initiates(r) && !initiates(old) {
		return os, nil
	}
	before, err := initiators(ctx, t, r.Item)
	if err != nil {
		return nil, err
	}
	after := slices.DeleteFunc(slices.Clone(before), func(d string) bool { return d == r.Dept })
	if initiates(r) {
		after = append(after, r.Dept)
		slices.Sort(after)
	}
	p := spotcheck.PrincipalFromContext(ctx)
	from, to := spotcheck.ItemKeeper(p, before), spotcheck.ItemKeeper(p, after)
	msg := "事项“" + r.Item + "”由“" + from + "”发起，只有其发起部门可以指定或变更发起部门"
	switch {
	case p != nil && p.Keeps(spotcheck.PermEditLists, from) && to == spotcheck.CityWide:
		msg = "变更后事项“" + r.Item + "”将没有发起部门，由市局统一维护，超出您的管辖范围"
	case p != nil && p.Keeps(spotcheck.PermEditLists, from):
		msg = "变更后事项“" + r.Item + "”将由“" + to + "”维护，超出您的管辖范围"
	case from == spotcheck.CityWide:
		msg = "事项“" + r.Item + "”尚无发起部门，只有市局可以指定"
	}
	return append(os, owner{from: from, to: to, field: "role", label: "职责", message: msg}), nil
}

// responsibilityChecker checks that the item and the department of a
// responsibility exist, loading both lists once per transaction.
type responsibilityChecker struct {
	depts     deptSet
	itemCodes map[string]bool
}

func (c *responsibilityChecker) check(ctx context.Context, t *tx, _ *spotcheck.Reference, r, _ *spotcheck.Responsibility) spotcheck.Problems {
	r.Normalize()
	ps := r.Validate()
	if c.itemCodes == nil {
		c.itemCodes = map[string]bool{}
		if err := items.list(ctx, t, nil, nil, "", func(it *spotcheck.Item) error {
			c.itemCodes[it.Code] = true
			return nil
		}); err != nil {
			return internalProblem(err)
		}
	}
	if r.Item != "" && !c.itemCodes[r.Item] {
		ps.Add("item", "事项编码", "事项“%s”不存在", r.Item)
	}
	if ok, err := c.depts.has(ctx, t, r.Dept); err != nil {
		return internalProblem(err)
	} else if r.Dept != "" && !ok {
		ps.Add("dept", "部门代码", "部门代码“%s”不存在", r.Dept)
	}
	return ps
}

// ImportResponsibilities imports the 多部门监管责任事项清单; the item and the
// department of every row must exist.
func (sv *ResponsibilityService) ImportResponsibilities(ctx context.Context, src spotcheck.ImportSource[spotcheck.Responsibility]) (_ spotcheck.ImportSummary, err error) {
	db := sv.db
	defer wrap(&err, "import responsibilities", src.Name)
	im := &importer[spotcheck.Responsibility]{rules: responsibilityRules(), kindName: spotcheck.KindResponsibilities}
	return im.run(ctx, db, src)
}

// SaveResponsibility creates or updates one responsibility (see rules.save).
func (sv *ResponsibilityService) SaveResponsibility(ctx context.Context, r *spotcheck.Responsibility) (err error) {
	db := sv.db
	defer wrap(&err, "save responsibility", r.Item, r.Dept)
	return responsibilityRules().save(ctx, db, r)
}

// ExportResponsibilities calls fn for every responsibility by item and
// department. The 多部门监管责任事项清单 is published whole, so reading it
// is not limited to the user's departments; editing is.
func (sv *ResponsibilityService) ExportResponsibilities(ctx context.Context, fn func(*spotcheck.Responsibility) error) (err error) {
	db := sv.db
	defer wrap(&err, "export responsibilities")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewLists, ""); err != nil {
		return err
	}
	return responsibilities.list(ctx, db.read, nil, nil, "", fn)
}

// FindResponsibilities returns one page of the responsibilities that match
// f, by item and department (the whole published list, as
// ExportResponsibilities).
func (sv *ResponsibilityService) FindResponsibilities(ctx context.Context, f spotcheck.ResponsibilityFilter) (_ spotcheck.List[*spotcheck.Responsibility], err error) {
	db := sv.db
	defer wrap(&err, "find responsibilities")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewLists, ""); err != nil {
		return spotcheck.List[*spotcheck.Responsibility]{}, err
	}
	var c conds
	c.eq("item", spotcheck.NormalizeCode(f.Item))
	c.eq("dept", spotcheck.NormalizeCode(f.Dept))
	return findPage(ctx, db.read, responsibilities, &c, "item, dept", f.Offset, f.Limit)
}

// FindResponsibility returns one responsibility of the published list.
func (sv *ResponsibilityService) FindResponsibility(ctx context.Context, item, dept string) (_ *spotcheck.Responsibility, err error) {
	db := sv.db
	defer wrap(&err, "find responsibility", item, dept)
	return findByKey(ctx, db, responsibilities, spotcheck.PermViewLists, nil,
		spotcheck.NormalizeCode(item), spotcheck.NormalizeCode(dept))
}
