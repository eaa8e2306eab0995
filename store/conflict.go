package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"spotcheck"
)

var conflicts = &table[spotcheck.Conflict]{
	name: "conflicts", kind: "conflict", label: "回避关系",
	keyCols: []string{"staff_id", "entity_id", "kind"}, keyLabels: []string{"工号", "检查对象代码", "回避类型"},
	cols: []string{"staff_id", "entity_id", "kind", "reason", "valid_from", "valid_to", "review", "active"},
	fields: func(c *spotcheck.Conflict) []any {
		return []any{&c.StaffID, &c.EntityID, &c.Kind, &c.Reason, &c.From, &c.To, &c.Review, boolCol{&c.Active}}
	},
	meta: func(c *spotcheck.Conflict) (*int, *time.Time, *time.Time) {
		return &c.Version, &c.CreatedAt, &c.UpdatedAt
	},
	orderBy:    "staff_id, entity_id, kind",
	keyOfValue: func(c *spotcheck.Conflict) []any { return []any{c.StaffID, c.EntityID, c.Kind} },
	active:     func(c *spotcheck.Conflict) bool { return c.Active },
}

// conflictRules are the rules of 回避 relations: a conflict belongs to the
// owner of its entity, and is seen by those who see the entity.
func conflictRules() *rules[spotcheck.Conflict] {
	return &rules[spotcheck.Conflict]{tb: conflicts, perm: spotcheck.PermEditDirectory, view: spotcheck.PermViewDirectory,
		key: func(c *spotcheck.Conflict) { c.Normalize() }, check: checkConflict, owners: conflictOwners}
}

// checkConflict validates a conflict and checks that its inspector and
// entity exist. One the user may not see is reported as missing, with the
// same words, so that the form cannot be used to learn which staff ids
// and credit codes other departments keep: a conflict is recorded by
// someone who sees both sides.
func checkConflict(ctx context.Context, t *tx, _ *spotcheck.Reference, c, old *spotcheck.Conflict) spotcheck.Problems {
	c.Normalize()
	ps := c.Validate()
	if c.StaffID != "" && !visible(ctx, t, "inspectors", "staff_id", c.StaffID, &ps) {
		ps.Add("staff_id", "工号", "人员“%s”不存在", c.StaffID)
	}
	if c.EntityID != "" && !visible(ctx, t, "entities", "id", c.EntityID, &ps) {
		ps.Add("entity_id", "检查对象代码", "检查对象“%s”不存在", c.EntityID)
	}
	ps = append(ps, recusalReviewElsewhere(ctx, t, c, old)...) // store/recusal.go
	return ps
}

// visible reports whether table (of the directory, with a dept column) has
// a row with col = v that the user in ctx may see; a database error is
// added to ps.
func visible(ctx context.Context, q querier, table, col, v string, ps *spotcheck.Problems) bool {
	var dept string
	err := q.QueryRowContext(ctx, "SELECT dept FROM "+table+" WHERE "+col+" = $1", v).Scan(&dept)
	if errors.Is(err, sql.ErrNoRows) {
		return false
	}
	if err != nil {
		*ps = append(*ps, internalProblem(err)...)
		return true
	}
	return spotcheck.AuthorizeViewCtx(ctx, spotcheck.PermViewDirectory, dept, nil) == nil
}

// conflictOwners: a conflict is kept by the bureau of its entity, which
// its key names and so never changes.
func conflictOwners(ctx context.Context, t *tx, c, _ *spotcheck.Conflict) ([]owner, error) {
	var dept string
	if err := t.QueryRowContext(ctx, `SELECT dept FROM entities WHERE id = $1`, c.EntityID).Scan(&dept); err != nil {
		return nil, err
	}
	return []owner{{from: dept, to: dept, field: "entity_id", label: "检查对象代码"}}, nil
}

// ImportConflicts imports 回避 relations; the inspector and the entity of
// every row must exist.
func (sv *ConflictService) ImportConflicts(ctx context.Context, src spotcheck.ImportSource[spotcheck.Conflict]) (_ spotcheck.ImportSummary, err error) {
	db := sv.db
	defer wrap(&err, "import conflicts", src.Name)
	im := &importer[spotcheck.Conflict]{rules: conflictRules(), kindName: spotcheck.KindConflicts}
	return im.run(ctx, db, src)
}

// SaveConflict creates or updates one conflict (see rules.save).
func (sv *ConflictService) SaveConflict(ctx context.Context, c *spotcheck.Conflict) (err error) {
	db := sv.db
	defer wrap(&err, "save conflict", c.StaffID, c.EntityID, c.Kind)
	return conflictRules().save(ctx, db, c)
}

// exists reports whether table has a row with col = v; a database error is
// added to ps.
func exists(ctx context.Context, q querier, table, col, v string, ps *spotcheck.Problems) bool {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE "+col+" = $1", v).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false
	}
	if err != nil {
		*ps = append(*ps, internalProblem(err)...)
	}
	return true
}

// conflictScope limits conflicts to those of entities in the user's scope.
func conflictScope(ctx context.Context, c *conds) { entityInScope(ctx, c, "conflicts.entity_id") }

// entityInScope adds to c that the entity named by column col lies in the
// user's scope. Each row's entity is looked up by its key: the list of
// every entity in scope, which a subquery would build first, is a million
// ids for the city bureau (1.9 s for one count of pending conflicts on
// its home page).
func entityInScope(ctx context.Context, c *conds, col string) {
	if depts := scopeDepts(ctx, nil); depts != nil {
		var in conds
		in.args = c.args
		in.in("e.dept", depts)
		c.args = in.args
		c.add("EXISTS (SELECT 1 FROM entities e WHERE e.id = " + col + " AND " + in.where() + ")")
	}
}

// ExportConflicts calls fn for every conflict of an entity in the user's scope.
func (sv *ConflictService) ExportConflicts(ctx context.Context, fn func(*spotcheck.Conflict) error) (err error) {
	db := sv.db
	defer wrap(&err, "export conflicts")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return err
	}
	var c conds
	conflictScope(ctx, &c)
	return conflicts.list(ctx, db.read, c.list, c.args, "", fn)
}

// FindConflicts returns one page of the conflicts that match f, within
// the user's scope.
func (sv *ConflictService) FindConflicts(ctx context.Context, f spotcheck.ConflictFilter) (_ spotcheck.List[*spotcheck.Conflict], err error) {
	db := sv.db
	defer wrap(&err, "find conflicts")
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return spotcheck.List[*spotcheck.Conflict]{}, err
	}
	var c conds
	c.eq("staff_id", f.StaffID)
	c.eq("entity_id", spotcheck.NormalizeCode(f.EntityID))
	c.eq("review", f.Review)
	conflictScope(ctx, &c)
	return findPage(ctx, db.read, conflicts, &c, "staff_id, entity_id, kind", f.Offset, f.Limit)
}

// FindConflict returns one conflict; one whose entity lies outside the
// user's departments is answered as missing (ENOTFOUND), never shown.
func (sv *ConflictService) FindConflict(ctx context.Context, staffID, entityID, kind string) (_ *spotcheck.Conflict, err error) {
	db := sv.db
	defer wrap(&err, "find conflict", staffID, entityID, kind)
	entityID = spotcheck.NormalizeCode(entityID)
	c, err := findByKey(ctx, db, conflicts, spotcheck.PermViewDirectory, nil, staffID, entityID, kind)
	if err != nil {
		return nil, err
	}
	var dept string
	if err := db.read.QueryRowContext(ctx, `SELECT dept FROM entities WHERE id = $1`, c.EntityID).Scan(&dept); err != nil {
		return nil, err
	}
	if err := spotcheck.AuthorizeViewCtx(ctx, spotcheck.PermViewDirectory, dept,
		conflicts.missing(staffID, entityID, kind)); err != nil {
		return nil, err
	}
	return c, nil
}
