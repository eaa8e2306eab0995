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
	active:     func(a *spotcheck.Agency) bool { return a.Active },
}

// agencyRules are the rules of the 专业机构 directory, a city-wide list:
// every user who reads the directories sees it, the city bureau keeps it
// (spotcheck.CityWide).
func agencyRules() *rules[spotcheck.Agency] {
	return &rules[spotcheck.Agency]{tb: agencies, perm: spotcheck.PermEditDirectory,
		key:   func(a *spotcheck.Agency) { a.Code = spotcheck.NormalizeCode(a.Code) },
		check: checkAgency, owners: agencyOwners, ownersFirst: true}
}

// agencyOwners: every agency is city-wide.
func agencyOwners(context.Context, *tx, *spotcheck.Agency, *spotcheck.Agency) ([]owner, error) {
	return []owner{{from: spotcheck.CityWide, to: spotcheck.CityWide, field: "code", label: "统一社会信用代码"}}, nil
}

// checkAgency validates an agency.
func checkAgency(_ context.Context, _ *tx, _ *spotcheck.Reference, a, _ *spotcheck.Agency) spotcheck.Problems {
	a.Normalize()
	return a.Validate()
}

// ImportAgencies imports 专业机构 all or nothing.
func (sv *AgencyService) ImportAgencies(ctx context.Context, src spotcheck.ImportSource[spotcheck.Agency]) (_ spotcheck.ImportSummary, err error) {
	db := sv.db
	defer wrap(&err, "import agencies", src.Name)
	im := &importer[spotcheck.Agency]{rules: agencyRules(), kindName: spotcheck.KindAgencies}
	return im.run(ctx, db, src)
}

// SaveAgency creates or updates one agency (see rules.save).
func (sv *AgencyService) SaveAgency(ctx context.Context, a *spotcheck.Agency) (err error) {
	db := sv.db
	defer wrap(&err, "save agency", a.Code)
	return agencyRules().save(ctx, db, a)
}

// ExportAgencies calls fn for every agency in code order.
func (sv *AgencyService) ExportAgencies(ctx context.Context, fn func(*spotcheck.Agency) error) (err error) {
	db := sv.db
	defer wrap(&err, "export agencies")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return err
	}
	return agencies.list(ctx, db.read, nil, nil, "", fn)
}

// FindAgencyByCode returns one agency.
func (sv *AgencyService) FindAgencyByCode(ctx context.Context, code string) (_ *spotcheck.Agency, err error) {
	db := sv.db
	defer wrap(&err, "find agency", code)
	return findByKey(ctx, db, agencies, spotcheck.PermViewDirectory, nil, spotcheck.NormalizeCode(code))
}

// FindAgencies returns one page of the agencies that match f, by code.
func (sv *AgencyService) FindAgencies(ctx context.Context, f spotcheck.AgencyFilter) (_ spotcheck.List[*spotcheck.Agency], err error) {
	db := sv.db
	defer wrap(&err, "find agencies")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return spotcheck.List[*spotcheck.Agency]{}, err
	}
	var c conds
	c.like(f.Query, []string{"name"}, []string{"code"})
	c.flag("active", f.Active)
	return findPage(ctx, db.read, agencies, &c, "code", f.Offset, f.Limit)
}
