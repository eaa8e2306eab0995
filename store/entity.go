package store

import (
	"context"
	"strings"
	"time"

	"spotcheck"
)

var entities = &table[spotcheck.Entity]{
	name: "entities", kind: "entity", label: "检查对象",
	keyCols: []string{"id"}, keyLabels: []string{"统一社会信用代码"},
	cols: []string{"id", "name", "type", "division", "address", "legal_rep", "licence_no", "guide_card_no",
		"status", "credit_class", "key_flag", "key_reason", "key_expiry", "tags", "founded", "phone", "active", "dept",
		"name_key"},
	fields: func(e *spotcheck.Entity) []any {
		return []any{&e.ID, &e.Name, &e.Type, &e.Division, &e.Address, &e.LegalRep, &e.LicenceNo, &e.GuideCardNo,
			&e.Status, &e.CreditClass, boolCol{&e.Key}, &e.KeyReason, &e.KeyExpiry, listCol{&e.Tags}, &e.Founded,
			&e.Phone, boolCol{&e.Active}, &e.Dept, nameKeyCol{&e.Name}}
	},
	meta: func(e *spotcheck.Entity) (*int, *time.Time, *time.Time) {
		return &e.Version, &e.CreatedAt, &e.UpdatedAt
	},
	orderBy:    "id",
	keyOfValue: func(e *spotcheck.Entity) []any { return []any{e.ID} },
	active:     func(e *spotcheck.Entity) bool { return e.Active },
	onInsert:   indexNewEntities,
	onUpdate:   reindexEntity,
}

// entityRules are the rules of the 检查对象名录库: entities are checked by
// entityChecker and belong to the bureau of their division.
func entityRules() *rules[spotcheck.Entity] {
	c := &entityChecker{}
	return &rules[spotcheck.Entity]{tb: entities, perm: spotcheck.PermEditDirectory, view: spotcheck.PermViewDirectory,
		key: entityKey, check: c.check, owners: entityOwners}
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
	e.Normalize(ref)
	ps := e.Validate(ref)
	if len(ps) == 0 {
		if e.Dept = c.owners[e.Division]; e.Dept == "" {
			ps.Add("division", "区划代码", "没有负责区划“%s”的文旅部门，请先导入部门", e.Division)
		}
	}
	return ps
}

// entityOwners: an entity belongs to the bureau of its division, so the
// division decides whether a user may write it: the bureau it belongs to
// as stored and the one it belongs to after the change must both be the
// user's, so that no district moves an entity into or out of its scope.
// (A user who may not see the stored entity is answered before this, as
// if it did not exist: rules.view.)
func entityOwners(_ context.Context, _ *tx, e, old *spotcheck.Entity) ([]owner, error) {
	from := e.Dept
	if old != nil {
		from = old.Dept
	}
	return []owner{{from: from, to: e.Dept, field: "division", label: "区划代码",
		message: "“" + e.Division + "”不在您的管辖范围"}}, nil
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
// recorded change. A user needs PermEditDirectory and every row's old and
// new division in scope.
func (sv *EntityService) ImportEntities(ctx context.Context, src spotcheck.ImportSource[spotcheck.Entity]) (_ spotcheck.ImportSummary, err error) {
	db := sv.db
	defer wrap(&err, "import entities", src.Name)
	im := &importer[spotcheck.Entity]{rules: entityRules(), kindName: spotcheck.KindEntities}
	return im.run(ctx, db, src)
}

// SaveEntity creates or updates one entity (see rules.save).
func (sv *EntityService) SaveEntity(ctx context.Context, e *spotcheck.Entity) (err error) {
	db := sv.db
	defer wrap(&err, "save entity", e.ID)
	return entityRules().save(ctx, db, e)
}

// RecodeEntity corrects the credit code of entity oldID, mistyped when it
// was registered: e, with its new ID and the stored version of oldID,
// becomes a new record (recorded as recode, with the old record before
// it); the old one is deactivated, never deleted; its conflicts move to
// the new code, each recorded. e is checked and authorised as a save is.
func (sv *EntityService) RecodeEntity(ctx context.Context, oldID string, e *spotcheck.Entity) (err error) {
	db := sv.db
	defer wrap(&err, "recode entity", oldID)
	r := entityRules()
	if err := spotcheck.Authorize(ctx, r.perm, ""); err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		ref, err := loadReference(ctx, t)
		if err != nil {
			return err
		}
		old, err := entities.findOne(ctx, t, spotcheck.NormalizeCode(oldID))
		if err != nil {
			return err
		}
		if old.Version != e.Version {
			return staleError(entities.label, old.ID)
		}
		if err := r.authorizeStored(ctx, t, old); err != nil {
			return err
		}
		r.key(e)
		if e.ID == old.ID {
			return (spotcheck.Problems{{Field: "id", Label: "统一社会信用代码", Message: "新代码与原代码相同"}}).Err()
		}
		if _, err := entities.findOne(ctx, t, e.ID); err == nil {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "检查对象“%s”已存在", e.ID)
		}
		if err := r.check(ctx, t, ref, e, nil).Err(); err != nil {
			return err
		}
		if err := r.authorizeOwners(ctx, t, e, old); err != nil {
			return err
		}
		if err := entities.insertRows(ctx, t, []*spotcheck.Entity{e}); err != nil {
			return err
		}
		if err := entities.recordChange(ctx, t, e.ID, e.Version, "recode", old, e, 0); err != nil {
			return err
		}
		retired := *old
		retired.Active = false
		if err := entities.updateRow(ctx, t, old, &retired, "deactivate", 0); err != nil {
			return err
		}
		var c conds
		c.eq("entity_id", old.ID)
		var moved []*spotcheck.Conflict
		if err := conflicts.list(ctx, t, c.list, c.args, "", func(c *spotcheck.Conflict) error {
			moved = append(moved, c)
			return nil
		}); err != nil {
			return err
		}
		for _, c := range moved {
			v := *c
			v.EntityID = e.ID
			if err := conflicts.updateRow(ctx, t, c, &v, "update", 0); err != nil {
				return err
			}
		}
		if err := recodeEvents(ctx, t, complaints, old.ID, e.ID, func(c *spotcheck.Complaint) *string { return &c.EntityID }); err != nil {
			return err
		}
		return recodeEvents(ctx, t, penalties, old.ID, e.ID, func(p *spotcheck.Penalty) *string { return &p.EntityID })
	})
}

// recodeEvents moves the complaints or penalties (tb) of entity from to
// entity to, recording each change.
func recodeEvents[T any](ctx context.Context, t *tx, tb *table[T], from, to string, entityOf func(*T) *string) error {
	var c conds
	c.eq("entity_id", from)
	var moved []*T
	if err := tb.list(ctx, t, c.list, c.args, "", func(v *T) error {
		moved = append(moved, v)
		return nil
	}); err != nil {
		return err
	}
	for _, old := range moved {
		v := *old
		*entityOf(&v) = to
		if err := tb.updateRow(ctx, t, old, &v, "update", 0); err != nil {
			return err
		}
	}
	return nil
}

// ExportEntities calls fn for every entity (active or not) in the user's
// scope, in id order, streaming from the database.
func (sv *EntityService) ExportEntities(ctx context.Context, fn func(*spotcheck.Entity) error) (err error) {
	db := sv.db
	defer wrap(&err, "export entities")
	where, args, err := scoped(ctx, spotcheck.PermViewDirectory, "dept", nil, nil)
	if err != nil {
		return err
	}
	return entities.list(ctx, db.read, where, args, "", fn)
}

// FindEntityByID returns one entity; one outside the user's scope is
// answered as missing (ENOTFOUND).
func (sv *EntityService) FindEntityByID(ctx context.Context, id string) (_ *spotcheck.Entity, err error) {
	db := sv.db
	defer wrap(&err, "find entity", id)
	return findByKey(ctx, db, entities, spotcheck.PermViewDirectory,
		func(e *spotcheck.Entity) string { return e.Dept }, spotcheck.NormalizeCode(id))
}

// indexNewEntities hands out the seqs of new entities, in order, and puts
// their names into the search index.
func indexNewEntities(ctx context.Context, t *tx, recs []*spotcheck.Entity) ([]string, [][]any, error) {
	var last int64
	if err := t.QueryRowContext(ctx, `UPDATE counters SET value = value + $1 WHERE name = 'entity_seq' RETURNING value`,
		len(recs)).Scan(&last); err != nil {
		return nil, nil, err
	}
	seqs := make([]int64, len(recs))
	keys := make([]string, len(recs))
	depts := make([]string, len(recs))
	vals := make([][]any, len(recs))
	for i, e := range recs {
		seqs[i] = last - int64(len(recs)) + int64(i) + 1
		keys[i] = searchKey(e.Name)
		depts[i] = e.Dept
		vals[i] = []any{seqs[i]}
	}
	return []string{"seq"}, vals, t.db.dialect.indexNames(ctx, t, seqs, keys, depts)
}

// reindexEntity keeps the search index when a name or the owning
// department changes.
func reindexEntity(ctx context.Context, t *tx, old, e *spotcheck.Entity) error {
	key := searchKey(e.Name)
	if key == searchKey(old.Name) && e.Dept == old.Dept {
		return nil
	}
	var seq int64
	if err := t.QueryRowContext(ctx, `SELECT seq FROM entities WHERE id = $1`, e.ID).Scan(&seq); err != nil {
		return err
	}
	return t.db.dialect.reindexName(ctx, t, seq, key, e.Dept)
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
