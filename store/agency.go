package store

import (
	"context"
	"time"

	"spotcheck"
)

var agencies = &table[spotcheck.Agency]{
	name: "agencies", kind: "agency", label: "专业机构",
	keyCols: []string{"code"}, keyLabels: []string{"统一社会信用代码"},
	cols: []string{"code", "name", "field", "qualification", "contact", "phone", "active"},
	fields: func(a *spotcheck.Agency) []any {
		return []any{&a.Code, &a.Name, &a.Field, &a.Qualification, &a.Contact, &a.Phone, boolCol{&a.Active}}
	},
	meta: func(a *spotcheck.Agency) (*int, *time.Time, *time.Time) {
		return &a.Version, &a.CreatedAt, &a.UpdatedAt
	},
	orderBy:    "code",
	keyOfValue: func(a *spotcheck.Agency) []any { return []any{a.Code} },
}

// ImportAgencies imports 专业机构 all or nothing.
func (db *DB) ImportAgencies(ctx context.Context, src spotcheck.ImportSource[spotcheck.Agency]) (spotcheck.ImportSummary, error) {
	im := &importer[spotcheck.Agency]{
		tb: agencies, kindName: spotcheck.KindAgencies,
		prepKey: func(a *spotcheck.Agency) { a.Code = spotcheck.NormalizeCode(a.Code) },
		check: func(_ context.Context, _ *tx, _ *spotcheck.Reference, a, _ *spotcheck.Agency) spotcheck.Problems {
			return a.Validate()
		},
	}
	return im.run(ctx, db, src)
}

// ExportAgencies calls fn for every agency in code order.
func (db *DB) ExportAgencies(ctx context.Context, fn func(*spotcheck.Agency) error) error {
	return agencies.list(ctx, db.read, nil, nil, "", fn)
}
