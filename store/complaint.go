package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"spotcheck"
)

var complaints = &table[spotcheck.Complaint]{
	name: "complaints", kind: "complaint", label: "投诉举报",
	keyCols: []string{"number", "dept"}, keyLabels: []string{"投诉编号", "受理部门"},
	cols: []string{"number", "dept", "entity_id", "received", "channel", "summary", "outcome", "active"},
	fields: func(c *spotcheck.Complaint) []any {
		return []any{&c.Number, &c.Dept, &c.EntityID, &c.Received, &c.Channel, &c.Summary, &c.Outcome, boolCol{&c.Active}}
	},
	meta: func(c *spotcheck.Complaint) (*int, *time.Time, *time.Time) {
		return &c.Version, &c.CreatedAt, &c.UpdatedAt
	},
	orderBy:    "number, dept",
	keyOfValue: func(c *spotcheck.Complaint) []any { return []any{c.Number, c.Dept} },
	active:     func(c *spotcheck.Complaint) bool { return c.Active },
}

// complaintRules are the rules of complaints: checked by the domain, their
// entity in the directory, kept by the receiving department and by the
// entity's bureau, both of which must be the user's to write one.
func complaintRules() *rules[spotcheck.Complaint] {
	return &rules[spotcheck.Complaint]{tb: complaints, perm: spotcheck.PermEditDirectory, view: spotcheck.PermViewDirectory,
		key: func(c *spotcheck.Complaint) { c.Normalize() },
		check: func(ctx context.Context, t *tx, _ *spotcheck.Reference, c, _ *spotcheck.Complaint) spotcheck.Problems {
			c.Normalize()
			ps := c.Validate(t.db.today())
			checkEventRefs(ctx, t, c.EntityID, c.Dept, "受理部门", &ps)
			return ps
		},
		owners: func(ctx context.Context, t *tx, c, old *spotcheck.Complaint) ([]owner, error) {
			from := c
			if old != nil {
				from = old
			}
			return eventOwners(ctx, t, from.EntityID, c.EntityID, from.Dept, c.Dept, "受理部门")
		},
	}
}

// checkEventRefs checks what a complaint or penalty names beyond its own
// fields: its entity is in the directory and the user may see it, and its
// department exists. An entity the user may not see is reported with the
// same words as a missing one, so that an import cannot be used to learn
// which credit codes other districts keep.
func checkEventRefs(ctx context.Context, t *tx, entityID, dept, deptLabel string, ps *spotcheck.Problems) {
	for _, p := range *ps {
		if p.Field == "entity_id" {
			entityID = "" // already refused: a bad code
		}
		if p.Field == "dept" {
			dept = ""
		}
	}
	if entityID != "" {
		var owner string
		err := t.QueryRowContext(ctx, `SELECT dept FROM entities WHERE id = $1`, entityID).Scan(&owner)
		switch {
		case errors.Is(err, sql.ErrNoRows) && spotcheck.ScopeFilter(ctx) == nil:
			ps.Add("entity_id", "统一社会信用代码", "名录库中没有检查对象“%s”，请先导入该检查对象", entityID)
		case errors.Is(err, sql.ErrNoRows):
			ps.Add("entity_id", "统一社会信用代码", "检查对象“%s”不在名录库中或不在您的管辖范围", entityID)
		case err != nil:
			*ps = append(*ps, internalProblem(err)...)
		case spotcheck.AuthorizeViewCtx(ctx, spotcheck.PermViewDirectory, owner, nil) != nil:
			ps.Add("entity_id", "统一社会信用代码", "检查对象“%s”不在名录库中或不在您的管辖范围", entityID)
		}
	}
	if dept != "" && !exists(ctx, t, "departments", "code", dept, ps) {
		ps.Add("dept", deptLabel, "部门“%s”不存在", dept)
	}
}

// eventOwners: a complaint or penalty is kept both by the bureau of its
// entity and by the department that recorded it, before and after the
// change; a user writes it only when all are theirs, so that a district
// records nothing about another district's entity nor in another
// department's name.
func eventOwners(ctx context.Context, t *tx, fromEntity, toEntity, fromDept, toDept, deptLabel string) ([]owner, error) {
	var fromOwner, toOwner string
	if err := t.QueryRowContext(ctx, `SELECT dept FROM entities WHERE id = $1`, fromEntity).Scan(&fromOwner); err != nil {
		return nil, err
	}
	toOwner = fromOwner
	if toEntity != fromEntity {
		if err := t.QueryRowContext(ctx, `SELECT dept FROM entities WHERE id = $1`, toEntity).Scan(&toOwner); err != nil {
			return nil, err
		}
	}
	return []owner{
		{from: fromOwner, to: toOwner, field: "entity_id", label: "统一社会信用代码",
			message: "检查对象“" + toEntity + "”不在您的管辖范围"},
		{from: fromDept, to: toDept, field: "dept", label: deptLabel,
			message: "部门“" + toDept + "”不在您的管辖范围"},
	}, nil
}

// ImportComplaints imports complaints all or nothing, matching stored ones
// by receiving department and number; every row's entity must be in the
// directory, and it and the department in the user's scope.
func (sv *RiskEventService) ImportComplaints(ctx context.Context, src spotcheck.ImportSource[spotcheck.Complaint]) (_ spotcheck.ImportSummary, err error) {
	defer wrap(&err, "import complaints", src.Name)
	im := &importer[spotcheck.Complaint]{rules: complaintRules(), kindName: spotcheck.KindComplaints}
	return im.run(ctx, sv.db, src)
}

// ExportComplaints calls fn for every complaint (active or not) about an
// entity in the user's scope, in key order.
func (sv *RiskEventService) ExportComplaints(ctx context.Context, fn func(*spotcheck.Complaint) error) (err error) {
	defer wrap(&err, "export complaints")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return err
	}
	var c conds
	entityInScope(ctx, &c, "complaints.entity_id")
	return complaints.list(ctx, sv.db.read, c.list, c.args, "", fn)
}

// FindComplaints returns one page of the complaints about entities in the
// user's scope that match f, the most recently received first.
func (sv *RiskEventService) FindComplaints(ctx context.Context, f spotcheck.ComplaintFilter) (_ spotcheck.List[*spotcheck.Complaint], err error) {
	defer wrap(&err, "find complaints")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return spotcheck.List[*spotcheck.Complaint]{}, err
	}
	var c conds
	c.eq("entity_id", spotcheck.NormalizeCode(f.EntityID))
	c.eq("dept", spotcheck.NormalizeCode(f.Dept))
	c.eq("outcome", f.Outcome)
	if f.Since != "" {
		c.add("received >= " + c.arg(f.Since))
	}
	entityInScope(ctx, &c, "complaints.entity_id")
	return findPage(ctx, sv.db.read, complaints, &c, "received DESC, number, dept", f.Offset, f.Limit)
}
