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
}

// ImportItems imports the 抽查事项清单. A changed item becomes a new version;
// the old versions stay. Every parent must exist once the file is applied,
// and parent links may not form a cycle.
func (db *DB) ImportItems(ctx context.Context, src spotcheck.ImportSource[spotcheck.Item]) (spotcheck.ImportSummary, error) {
	im := &importer[spotcheck.Item]{
		tb: items, kindName: spotcheck.KindItems,
		prepKey: func(it *spotcheck.Item) { it.Code = spotcheck.NormalizeCode(it.Code) },
		check: func(ctx context.Context, t *tx, ref *spotcheck.Reference, it, _ *spotcheck.Item) spotcheck.Problems {
			return it.Validate(ref)
		},
		finish: checkItemTree,
	}
	return im.run(ctx, db, src)
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
func (db *DB) ExportItems(ctx context.Context, fn func(*spotcheck.Item) error) error {
	return items.list(ctx, db.read, nil, nil, "", fn)
}

// FindItemByCode returns the current version of an item.
func (db *DB) FindItemByCode(ctx context.Context, code string) (*spotcheck.Item, error) {
	return items.findOne(ctx, db.read, spotcheck.NormalizeCode(code))
}

// FindItemVersions returns every version of an item, oldest first.
func (db *DB) FindItemVersions(ctx context.Context, code string) ([]*spotcheck.Item, error) {
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
