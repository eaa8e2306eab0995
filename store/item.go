package store

import (
	"context"
	"fmt"
	"time"

	"spotcheck"
)

var items = &table[spotcheck.Item]{
	name: "items", kind: "item", label: "抽查事项", versioned: true,
	keyCols: []string{"code"}, keyLabels: []string{"事项编码"},
	cols: []string{"code", "name", "legal_basis", "body", "target_types", "content", "standards", "methods",
		"ratio", "frequency", "class", "parent", "effective_from", "effective_to", "status"},
	fields: func(it *spotcheck.Item) []any {
		return []any{&it.Code, &it.Name, &it.LegalBasis, &it.Body, listCol{&it.TargetTypes}, &it.Content, &it.Standards,
			listCol{&it.Methods}, &it.Ratio, &it.Frequency, &it.Class, &it.Parent, &it.EffectiveFrom, &it.EffectiveTo, &it.Status}
	},
	// A version row is never updated, so its update time is its creation time.
	meta: func(it *spotcheck.Item) (*int, *time.Time, *time.Time) {
		return &it.Version, &it.CreatedAt, &it.CreatedAt
	},
	orderBy:    "code",
	keyOfValue: func(it *spotcheck.Item) []any { return []any{it.Code} },
	active:     func(it *spotcheck.Item) bool { return it.Status != spotcheck.ItemRetired },
}

// itemRules are the rules of the 抽查事项清单, a city-wide list; an item is
// edited by the department that initiates it, when one does.
func itemRules() *rules[spotcheck.Item] {
	return &rules[spotcheck.Item]{tb: items, perm: spotcheck.PermEditLists,
		key:   func(it *spotcheck.Item) { it.Code = spotcheck.NormalizeCode(it.Code) },
		check: checkItem, owners: itemOwners, ownersFirst: true,
		finish: checkItemTree, finishField: "parent"}
}

// checkItem validates an item; its parent is checked by checkItemTree once
// every row is written.
func checkItem(_ context.Context, _ *tx, ref *spotcheck.Reference, it, _ *spotcheck.Item) spotcheck.Problems {
	it.Normalize(ref)
	return it.Validate(ref)
}

// itemOwners: an item with an active 发起 responsibility belongs to its
// keeper (spotcheck.ItemKeeper); an item nobody initiates, a new one
// included, is city-wide. Who initiates an item changes through the
// responsibilities only (responsibilityOwners).
func itemOwners(ctx context.Context, t *tx, it, _ *spotcheck.Item) ([]owner, error) {
	depts, err := initiators(ctx, t, it.Code)
	if err != nil {
		return nil, err
	}
	k := spotcheck.ItemKeeper(spotcheck.PrincipalFromContext(ctx), depts)
	msg := "事项“" + it.Code + "”由“" + k + "”发起，不在您的管辖范围"
	if k == spotcheck.CityWide {
		msg = "事项“" + it.Code + "”尚无发起部门，由市局统一维护"
	}
	return []owner{{from: k, to: k, field: "code", label: "事项编码", message: msg}}, nil
}

// initiators returns the departments with an active 发起 responsibility
// for item, by code.
func initiators(ctx context.Context, t *tx, item string) ([]string, error) {
	var c conds
	c.eq("item", item)
	c.eq("role", spotcheck.RoleInitiate)
	c.add("active = 1")
	var depts []string
	err := responsibilities.list(ctx, t, c.list, c.args, "", func(r *spotcheck.Responsibility) error {
		depts = append(depts, r.Dept)
		return nil
	})
	return depts, err
}

// ImportItems imports the 抽查事项清单. A changed item becomes a new version;
// the old versions stay. Every parent must exist once the file is applied,
// and parent links may not form a cycle.
func (sv *ItemService) ImportItems(ctx context.Context, src spotcheck.ImportSource[spotcheck.Item]) (_ spotcheck.ImportSummary, err error) {
	db := sv.db
	defer wrap(&err, "import items", src.Name)
	im := &importer[spotcheck.Item]{rules: itemRules(), kindName: spotcheck.KindItems}
	return im.run(ctx, db, src)
}

// SaveItem creates an item or saves a changed one as its next version
// (see rules.save); it.Version must be the current version.
func (sv *ItemService) SaveItem(ctx context.Context, it *spotcheck.Item) (err error) {
	db := sv.db
	defer wrap(&err, "save item", it.Code)
	return itemRules().save(ctx, db, it)
}

// checkItemTree checks the parent links of all current items.
func checkItemTree(ctx context.Context, t *tx, rowOf map[string]int) []spotcheck.RowError {
	parent := map[string]string{}
	err := items.list(ctx, t, nil, nil, "", func(it *spotcheck.Item) error {
		parent[it.Code] = it.Parent
		return nil
	})
	if err != nil {
		return []spotcheck.RowError{{Message: err.Error()}}
	}
	var out []spotcheck.RowError
	for code, p := range parent {
		row, inFile := rowOf[code]
		if !inFile || p == "" {
			continue
		}
		if _, ok := parent[p]; !ok {
			out = append(out, spotcheck.RowError{Row: row, Column: "上级事项编码", Message: fmt.Sprintf("事项“%s”不存在", p)})
			continue
		}
		seen := map[string]bool{code: true}
		for q := p; q != ""; q = parent[q] {
			if seen[q] {
				out = append(out, spotcheck.RowError{Row: row, Column: "上级事项编码", Message: "上级关系形成循环"})
				break
			}
			seen[q] = true
		}
	}
	return out
}

// ExportItems calls fn for the current version of every item in code order.
func (sv *ItemService) ExportItems(ctx context.Context, fn func(*spotcheck.Item) error) (err error) {
	db := sv.db
	defer wrap(&err, "export items")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewLists, ""); err != nil {
		return err
	}
	return items.list(ctx, db.read, nil, nil, "", fn)
}

// FindItemByCode returns the current version of an item.
func (sv *ItemService) FindItemByCode(ctx context.Context, code string) (_ *spotcheck.Item, err error) {
	db := sv.db
	defer wrap(&err, "find item", code)
	return findByKey(ctx, db, items, spotcheck.PermViewLists, nil, spotcheck.NormalizeCode(code))
}

// FindItems returns one page of the current versions of the items that
// match f, by code. Items are a city-wide list.
func (sv *ItemService) FindItems(ctx context.Context, f spotcheck.ItemFilter) (_ spotcheck.List[*spotcheck.Item], err error) {
	db := sv.db
	defer wrap(&err, "find items")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewLists, ""); err != nil {
		return spotcheck.List[*spotcheck.Item]{}, err
	}
	var c conds
	c.like(f.Query, []string{"name"}, []string{"code"})
	if f.TargetType != "" {
		c.add("('" + listSep + "' || target_types || '" + listSep + "') LIKE " +
			c.arg("%"+listSep+escapeLike(f.TargetType)+listSep+"%") + ` ESCAPE '\'`)
	}
	c.eq("status", f.Status)
	c.eq("class", f.Class)
	if f.Dept != "" {
		c.add("code IN (SELECT item FROM responsibilities WHERE active = 1 AND dept = " + c.arg(f.Dept) + ")")
	}
	return findPage(ctx, db.read, items, &c, "code", f.Offset, f.Limit)
}

// FindItemVersions returns every version of an item, oldest first.
func (sv *ItemService) FindItemVersions(ctx context.Context, code string) (_ []*spotcheck.Item, err error) {
	db := sv.db
	defer wrap(&err, "find item versions", code)
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewLists, ""); err != nil {
		return nil, err
	}
	var out []*spotcheck.Item
	rows, err := db.read.QueryContext(ctx, "SELECT "+items.selectCols()+" FROM items WHERE code = $1 ORDER BY version",
		spotcheck.NormalizeCode(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		it := new(spotcheck.Item)
		if err := rows.Scan(items.scanDest(it)...); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	if len(out) == 0 && rows.Err() == nil {
		return nil, notFound("抽查事项", code)
	}
	return out, rows.Err()
}
