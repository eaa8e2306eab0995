package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"spotcheck"
)

var entities = &table[spotcheck.Entity]{
	name: "entities", kind: "entity", label: "检查对象",
	keyCols: []string{"id"}, keyLabels: []string{"统一社会信用代码"},
	cols: []string{"id", "name", "type", "division", "address", "legal_rep", "licence_no", "guide_card_no",
		"status", "credit_class", "key_flag", "key_reason", "key_expiry", "tags", "founded", "phone", "active", "dept"},
	fields: func(e *spotcheck.Entity) []any {
		return []any{&e.ID, &e.Name, &e.Type, &e.Division, &e.Address, &e.LegalRep, &e.LicenceNo, &e.GuideCardNo,
			&e.Status, &e.CreditClass, boolCol{&e.Key}, &e.KeyReason, &e.KeyExpiry, listCol{&e.Tags}, &e.Founded,
			&e.Phone, boolCol{&e.Active}, &e.Dept}
	},
	meta: func(e *spotcheck.Entity) (*int, *time.Time, *time.Time) {
		return &e.Version, &e.CreatedAt, &e.UpdatedAt
	},
	orderBy:    "id",
	keyOfValue: func(e *spotcheck.Entity) []any { return []any{e.ID} },
}

// entityChecker validates entities and assigns each to the bureau of its
// division (design §4). It loads the department tree once, on first use
// inside the transaction.
type entityChecker struct {
	owners map[string]string // division → owning bureau
}

func (c *entityChecker) check(ctx context.Context, t *tx, ref *spotcheck.Reference, e, _ *spotcheck.Entity) spotcheck.Problems {
	if c.owners == nil {
		depts, err := findDepartments(ctx, t)
		if err != nil {
			return internalProblem(err)
		}
		c.owners = map[string]string{}
		for _, d := range ref.Divisions {
			c.owners[d.Code] = spotcheck.OwnerBureau(depts, ref, d.Code)
		}
	}
	ps := e.Validate(ref)
	if len(ps) == 0 {
		if e.Dept = c.owners[e.Division]; e.Dept == "" {
			ps.Add("division", "区划代码", "没有负责区划“%s”的文旅部门，请先导入部门", e.Division)
		}
	}
	return ps
}

// entityKey derives an entity's id before it is looked up: the normalised
// code, or for a person the id from the 导游证号.
func entityKey(e *spotcheck.Entity) {
	e.ID = spotcheck.NormalizeCode(e.ID)
	if e.ID == "" && strings.TrimSpace(e.GuideCardNo) != "" {
		if id, err := spotcheck.GuideEntityID(e.GuideCardNo); err == nil {
			e.ID = id
		}
	}
}

// ImportEntities imports entities all or nothing, matching existing ones by
// id; unchanged rows are left alone, changed ones get a new version and a
// recorded change.
func (db *DB) ImportEntities(ctx context.Context, src spotcheck.ImportSource[spotcheck.Entity]) (spotcheck.ImportSummary, error) {
	c := &entityChecker{}
	im := &importer[spotcheck.Entity]{tb: entities, kindName: spotcheck.KindEntities, prepKey: entityKey, check: c.check}
	return im.run(ctx, db, src)
}

// ExportEntities calls fn for every entity (active or not) in id order,
// streaming from the database.
func (db *DB) ExportEntities(ctx context.Context, fn func(*spotcheck.Entity) error) error {
	return entities.list(ctx, db.read, nil, nil, "", fn)
}

// FindEntityByID returns one entity.
func (db *DB) FindEntityByID(ctx context.Context, id string) (*spotcheck.Entity, error) {
	return entities.findOne(ctx, db.read, spotcheck.NormalizeCode(id))
}

// FindEntities returns one page of the entities that match f and the total.
func (db *DB) FindEntities(ctx context.Context, f spotcheck.EntityFilter) (spotcheck.List[*spotcheck.Entity], error) {
	var out spotcheck.List[*spotcheck.Entity]
	where, args := entityWhere(f)
	total, err := entities.count(ctx, db.read, where, args)
	if err != nil {
		return out, err
	}
	out.Total, out.Offset, out.Limit = total, max(f.Offset, 0), f.Limit
	if out.Limit <= 0 || out.Limit > 1000 {
		out.Limit = 20
	}
	tail := fmt.Sprintf("LIMIT %d OFFSET %d", out.Limit, out.Offset)
	err = entities.list(ctx, db.read, where, args, tail, func(e *spotcheck.Entity) error {
		out.Items = append(out.Items, e)
		return nil
	})
	return out, err
}

// entityWhere builds the conditions of an entity filter.
func entityWhere(f spotcheck.EntityFilter) ([]string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(name LIKE "+arg("%"+escapeLike(q)+"%")+" ESCAPE '\\' OR id LIKE "+
			arg(escapeLike(strings.ToUpper(q))+"%")+" ESCAPE '\\')")
	}
	for _, c := range [][2]string{{"type", f.Type}, {"division", f.Division}, {"status", f.Status}, {"credit_class", f.CreditClass}} {
		if c[1] != "" {
			where = append(where, c[0]+" = "+arg(c[1]))
		}
	}
	if f.Key != nil {
		where = append(where, "key_flag = "+arg(boolInt(*f.Key)))
	}
	if f.Active != nil {
		where = append(where, "active = "+arg(boolInt(*f.Active)))
	}
	if f.Depts != nil {
		where = append(where, inList("dept", f.Depts, arg))
	}
	return where, args
}

// inList is "col IN (…)" over vals; an empty list matches nothing.
func inList(col string, vals []string, arg func(any) string) string {
	if len(vals) == 0 {
		return "1 = 0"
	}
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = arg(v)
	}
	return col + " IN (" + strings.Join(ph, ", ") + ")"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// escapeLike escapes the LIKE wildcards of user input.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
