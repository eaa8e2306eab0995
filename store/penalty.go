package store

import (
	"context"
	"time"

	"spotcheck"
)

var penalties = &table[spotcheck.Penalty]{
	name: "penalties", kind: "penalty", label: "行政处罚",
	keyCols: []string{"number"}, keyLabels: []string{"决定书文号"},
	cols: []string{"number", "dept", "entity_id", "decided", "cause", "legal_basis", "kinds", "amount", "active"},
	fields: func(p *spotcheck.Penalty) []any {
		return []any{&p.Number, &p.Dept, &p.EntityID, &p.Decided, &p.Cause, &p.LegalBasis, listCol{&p.Kinds}, &p.Amount,
			boolCol{&p.Active}}
	},
	meta: func(p *spotcheck.Penalty) (*int, *time.Time, *time.Time) {
		return &p.Version, &p.CreatedAt, &p.UpdatedAt
	},
	orderBy:    "number",
	keyOfValue: func(p *spotcheck.Penalty) []any { return []any{p.Number} },
	active:     func(p *spotcheck.Penalty) bool { return p.Active },
}

// penaltyRules are the rules of penalties, those of complaints with the
// deciding department (处罚机关) in place of the receiving one.
func penaltyRules() *rules[spotcheck.Penalty] {
	return &rules[spotcheck.Penalty]{tb: penalties, perm: spotcheck.PermEditDirectory, view: spotcheck.PermViewDirectory,
		key: func(p *spotcheck.Penalty) { p.Normalize() },
		check: func(ctx context.Context, t *tx, _ *spotcheck.Reference, p, _ *spotcheck.Penalty) spotcheck.Problems {
			p.Normalize()
			ps := p.Validate(t.db.today())
			checkEventRefs(ctx, t, p.EntityID, p.Dept, "处罚机关", &ps)
			return ps
		},
		owners: func(ctx context.Context, t *tx, p, old *spotcheck.Penalty) ([]owner, error) {
			from := p
			if old != nil {
				from = old
			}
			return eventOwners(ctx, t, from.EntityID, p.EntityID, from.Dept, p.Dept, "处罚机关")
		},
	}
}

// ImportPenalties imports penalties all or nothing, matching stored ones
// by 决定书文号; every row's entity must be in the directory, and it and
// the deciding department in the user's scope.
func (sv *RiskEventService) ImportPenalties(ctx context.Context, src spotcheck.ImportSource[spotcheck.Penalty]) (_ spotcheck.ImportSummary, err error) {
	defer wrap(&err, "import penalties", src.Name)
	im := &importer[spotcheck.Penalty]{rules: penaltyRules(), kindName: spotcheck.KindPenalties}
	return im.run(ctx, sv.db, src)
}

// ExportPenalties calls fn for every penalty (active or not) of an entity
// in the user's scope, in 文号 order.
func (sv *RiskEventService) ExportPenalties(ctx context.Context, fn func(*spotcheck.Penalty) error) (err error) {
	defer wrap(&err, "export penalties")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return err
	}
	var c conds
	entityInScope(ctx, &c, "penalties.entity_id")
	return penalties.list(ctx, sv.db.read, c.list, c.args, "", fn)
}

// FindPenalties returns one page of the penalties of entities in the
// user's scope that match f, the most recent decision first.
func (sv *RiskEventService) FindPenalties(ctx context.Context, f spotcheck.PenaltyFilter) (_ spotcheck.List[*spotcheck.Penalty], err error) {
	defer wrap(&err, "find penalties")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return spotcheck.List[*spotcheck.Penalty]{}, err
	}
	var c conds
	c.eq("entity_id", spotcheck.NormalizeCode(f.EntityID))
	c.eq("dept", spotcheck.NormalizeCode(f.Dept))
	if f.Since != "" {
		c.add("decided >= " + c.arg(f.Since))
	}
	entityInScope(ctx, &c, "penalties.entity_id")
	return findPage(ctx, sv.db.read, penalties, &c, "decided DESC, number", f.Offset, f.Limit)
}
