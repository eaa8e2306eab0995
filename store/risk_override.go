package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"spotcheck"
)

// Manual overrides (spotcheck.RiskOverrideService; migration 0031).
//
// risk_overrides is append-only: an override is one row, its ending
// (revoke, or expire when a run returns the entity to the model's class)
// another row that names it. An entity's override in force is its latest
// override row that no row ends. A reclassification run reads the
// overrides in force once (riskOverrides) and asks them, per entity, for
// the class to give (apply) and the reason to record (reason); applying
// the run ends the overrides it found expired (endExpiredOverrides).

// RiskOverrideService implements spotcheck.RiskOverrideService.
type RiskOverrideService struct{ db *DB }

// RiskOverrides returns the manual override service.
func (db *DB) RiskOverrides() *RiskOverrideService { return &RiskOverrideService{db} }

var _ spotcheck.RiskOverrideService = (*RiskOverrideService)(nil)

const riskOverrideCols = `id, kind, override_id, entity_id, dept, class, key_flag, reason, expires, old_class, old_key,
	old_key_reason, old_key_expiry, run_id, by_user, at`

// overrideRow is one row of risk_overrides.
type overrideRow struct {
	spotcheck.RiskOverride
	kind                  string
	ends                  int64 // override_id: the override a revoke or expire row ends
	oldClass              string
	oldKey                bool
	oldKeyReason, oldKeyE string
}

func scanOverrideRow(s interface{ Scan(...any) error }) (*overrideRow, error) {
	var r overrideRow
	var ends, run sql.NullInt64
	o := &r.RiskOverride
	if err := s.Scan(&o.ID, &r.kind, &ends, &o.Entity, &o.Dept, &o.Class, boolCol{&o.Key}, &o.Reason, &o.Expires,
		&r.oldClass, boolCol{&r.oldKey}, &r.oldKeyReason, &r.oldKeyE, &run, &o.By, timeCol{&o.At}); err != nil {
		return nil, err
	}
	r.ends = ends.Int64
	return &r, nil
}

// findOverrideRows reads the rows of the entities where says, oldest
// first, and returns their overrides with their endings and supersession
// filled in, newest first, with the rows by override id.
func findOverrideRows(ctx context.Context, q querier, where string, args ...any) ([]*spotcheck.RiskOverride, map[int64]*overrideRow, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+riskOverrideCols+" FROM risk_overrides WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	byID := map[int64]*overrideRow{}
	latest := map[string]*overrideRow{}
	var out []*spotcheck.RiskOverride
	for rows.Next() {
		r, err := scanOverrideRow(rows)
		if err != nil {
			return nil, nil, err
		}
		if r.kind == spotcheck.RiskOverrideSet {
			if prev := latest[r.Entity]; prev != nil {
				prev.Superseded = true
			}
			latest[r.Entity], byID[r.ID] = r, r
			out = append(out, &r.RiskOverride)
			continue
		}
		if o := byID[r.ends]; o != nil {
			o.Ended, o.EndedBy, o.EndedAt, o.EndReason = r.kind, r.By, r.At, r.Reason
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, byID, nil
}

// riskOverrides are the overrides in force (not ended, not superseded) by
// entity, whether active or expired on the run's day.
type riskOverrides map[string]*spotcheck.RiskOverride

// openOverrides reads the overrides in force.
func openOverrides(ctx context.Context, q querier) (riskOverrides, error) {
	list, _, err := findOverrideRows(ctx, q, `entity_id IN (SELECT o.entity_id FROM risk_overrides o WHERE o.kind = $1
		AND NOT EXISTS (SELECT 1 FROM risk_overrides x WHERE x.override_id = o.id))`, spotcheck.RiskOverrideSet)
	if err != nil {
		return nil, err
	}
	out := riskOverrides{}
	for _, o := range list {
		if o.Ended == "" && !o.Superseded {
			out[o.Entity] = o
		}
	}
	return out, nil
}

// apply is the assessment a run gives entity on day: the model's, or the
// override's while one is active.
func (s riskOverrides) apply(entity string, a spotcheck.RiskAssessment, day string) spotcheck.RiskAssessment {
	if o := s[entity]; o != nil && o.Active(day) {
		return o.Apply(a)
	}
	return a
}

// reason is the reason a run records for moving entity on day: the
// override's note while it is active; the model's reason, saying first
// that the override expired, once it has.
func (s riskOverrides) reason(entity, day, model string) string {
	o := s[entity]
	switch {
	case o == nil:
		return model
	case o.Active(day):
		return o.Note()
	case o.Expired(day):
		return o.ExpiredNote() + model
	}
	return model
}

// endExpiredOverrides ends, as expired, the overrides in force of
// entities of the run's subtree (expiredOverridesUnder) that ran out before
// day: the run has returned those it scored to the model's class, or
// found them there already. An inactive entity, which no run scores, has
// its override ended too, or the schedule would run for it every night.
func endExpiredOverrides(ctx context.Context, t *tx, run *spotcheck.RiskRun, day string) error {
	expired, err := expiredOverridesUnder(ctx, t, run.Dept, day)
	if err != nil {
		return err
	}
	for _, o := range expired {
		if _, err := t.ExecContext(ctx, `INSERT INTO risk_overrides (kind, override_id, entity_id, dept, reason, run_id, by_user, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`, spotcheck.RiskOverrideExpire, o.ID, o.Entity, o.Dept,
			"已于"+o.Expires+"到期，由风险模型重新分类", run.ID, actorID(ctx), timeCol{&run.AppliedAt}); err != nil {
			return err
		}
	}
	return nil
}

// expiredOverridesUnder lists the overrides in force on entities of
// dept's subtree (by the department recorded with the override) that ran
// out before day. The schedule reclassifies such a subtree that night
// without waiting for the month (store/risk_schedule.go), so an expired
// override does not outlast its day by weeks; the run's apply ends them.
func expiredOverridesUnder(ctx context.Context, q querier, dept, day string) ([]*spotcheck.RiskOverride, error) {
	open, err := openOverrides(ctx, q)
	if err != nil || len(open) == 0 {
		return nil, err
	}
	depts, err := findDepartments(ctx, q)
	if err != nil {
		return nil, err
	}
	under := spotcheck.Subtree(depts, dept)
	var out []*spotcheck.RiskOverride
	for _, o := range open {
		if o.Expired(day) && slices.Contains(under, o.Dept) {
			out = append(out, o)
		}
	}
	return out, nil
}

// entityForRisk reads entity id for a change of its class by the user:
// PermManageRisk on its department, ENOTFOUND (as for one that does not
// exist) outside the user's scope.
func entityForRisk(ctx context.Context, t *tx, id string) (*spotcheck.Entity, error) {
	e, err := entities.findOne(ctx, t, spotcheck.NormalizeCode(id))
	if err != nil {
		return nil, err
	}
	if err := spotcheck.AuthorizeViewCtx(ctx, spotcheck.PermManageRisk, e.Dept, entities.missing(e.ID)); err != nil {
		return nil, err
	}
	return e, nil
}

// setRiskColumns writes the entity's class and key flag through the
// directory's writer (a new version, the change recorded as action).
func setRiskColumns(ctx context.Context, t *tx, old *spotcheck.Entity, class string, key bool, reason, expiry, action string) error {
	e := *old
	e.CreditClass, e.Key, e.KeyReason, e.KeyExpiry = class, key, "", ""
	if key {
		e.KeyReason, e.KeyExpiry = reason, expiry
	}
	return entities.updateRow(ctx, t, old, &e, action, 0)
}

// OverrideRiskClass records an override and sets the entity's class and
// key flag, in one transaction. PermManageRisk on the entity's
// department; ENOTFOUND outside the user's scope; EINVALID (with the
// field) for a short reason, a bad class or an expiry not within a year
// after today.
func (sv *RiskOverrideService) OverrideRiskClass(ctx context.Context, entity, class string, key bool, reason, expires string) (_ *spotcheck.RiskOverride, err error) {
	db := sv.db
	defer wrap(&err, "override risk class", entity)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageRisk, ""); err != nil {
		return nil, err
	}
	o := &spotcheck.RiskOverride{Entity: spotcheck.NormalizeCode(entity), Class: class, Key: key, Reason: reason,
		Expires: expires, By: actorID(ctx), At: db.Now().UTC().Truncate(time.Second)}
	err = db.inTx(ctx, func(t *tx) error {
		old, err := entityForRisk(ctx, t, o.Entity)
		if err != nil {
			return err
		}
		if err := o.Validate(db.Now()); err != nil {
			return err
		}
		o.Dept = old.Dept
		// An override in force gives way to the new one: it is ended,
		// so that an entity has at most one override in force.
		prev, _, err := findOverrideRows(ctx, t, "entity_id = $1", o.Entity)
		if err != nil {
			return err
		}
		if len(prev) > 0 && prev[0].Ended == "" {
			if _, err := t.ExecContext(ctx, `INSERT INTO risk_overrides (kind, override_id, entity_id, dept, reason, by_user, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, spotcheck.RiskOverrideRevoke, prev[0].ID, o.Entity, o.Dept,
				"由新的人工调整取代", o.By, timeCol{&o.At}); err != nil {
				return err
			}
		}
		if err := setRiskColumns(ctx, t, old, o.Class, o.Key, o.KeyReason(), o.Expires, "risk-override"); err != nil {
			return err
		}
		return t.QueryRowContext(ctx, `INSERT INTO risk_overrides (kind, entity_id, dept, class, key_flag, reason, expires,
			old_class, old_key, old_key_reason, old_key_expiry, by_user, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			spotcheck.RiskOverrideSet, o.Entity, o.Dept, o.Class, boolInt(o.Key), o.Reason, o.Expires, old.CreditClass,
			boolInt(old.Key), old.KeyReason, old.KeyExpiry, o.By, timeCol{&o.At}).Scan(&o.ID)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// RevokeRiskOverride ends override id and returns its entity to the
// model's class of the last applied run that scored it (its stored
// facts scored again with that run's model), or, when none did, to the
// class and key flag it had before the override. reason may be empty.
// PermManageRisk on the entity's department; ECONFLICT when the override
// is no longer the one in force.
func (sv *RiskOverrideService) RevokeRiskOverride(ctx context.Context, id int64, reason string) (_ *spotcheck.RiskOverride, err error) {
	db := sv.db
	defer wrap(&err, "revoke risk override", id)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageRisk, ""); err != nil {
		return nil, err
	}
	if reason = strings.TrimSpace(reason); len([]rune(reason)) > 200 {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "撤销原因不能超过200个字符")
	}
	missing := spotcheck.Errorf(spotcheck.ENOTFOUND, "没有第%d号人工调整", id)
	var o *spotcheck.RiskOverride
	err = db.inTx(ctx, func(t *tx) error {
		_, rows, err := findOverrideRows(ctx, t, `entity_id = (SELECT entity_id FROM risk_overrides WHERE id = $1)`, id)
		if err != nil {
			return err
		}
		r := rows[id]
		if r == nil {
			return missing
		}
		o = &r.RiskOverride
		old, err := entityForRisk(ctx, t, o.Entity)
		if spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND {
			return missing
		} else if err != nil {
			return err
		}
		if o.Ended != "" || o.Superseded {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "第%d号人工调整已结束或已被新的调整取代，不能撤销", id)
		}
		class, key, keyReason, keyExpiry := r.oldClass, r.oldKey, r.oldKeyReason, r.oldKeyE
		if er, _, err := latestEntityRisk(ctx, t, o.Entity); err != nil { // store/risk_apply.go
			return err
		} else if er != nil {
			a := er.Assessment
			class, key, keyReason, keyExpiry = a.Class, a.Key, keyReasonOf(a), a.KeyExpiry
		}
		if err := setRiskColumns(ctx, t, old, class, key, keyReason, keyExpiry, "risk-override-revoke"); err != nil {
			return err
		}
		o.Ended, o.EndedBy, o.EndedAt, o.EndReason = spotcheck.RiskOverrideRevoke, actorID(ctx), db.Now().UTC().Truncate(time.Second), reason
		if o.EndReason == "" {
			o.EndReason = "撤销人工调整"
		}
		_, err = t.ExecContext(ctx, `INSERT INTO risk_overrides (kind, override_id, entity_id, dept, reason, by_user, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, spotcheck.RiskOverrideRevoke, o.ID, o.Entity, o.Dept, o.EndReason,
			o.EndedBy, timeCol{&o.EndedAt})
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// FindRiskOverrides lists the overrides of entity, newest first, with
// their endings. The entity must be visible to the user (PermViewDirectory).
func (sv *RiskOverrideService) FindRiskOverrides(ctx context.Context, entity string) (_ []*spotcheck.RiskOverride, err error) {
	defer wrap(&err, "find risk overrides", entity)
	e, err := sv.db.Entities().FindEntityByID(ctx, entity)
	if err != nil {
		return nil, err
	}
	list, _, err := findOverrideRows(ctx, sv.db.read, "entity_id = $1", e.ID)
	if list == nil {
		list = []*spotcheck.RiskOverride{}
	}
	return list, err
}

// FindActiveRiskOverrides lists the overrides active today (China) on
// entities of the user's scope (PermViewDirectory), by entity.
func (sv *RiskOverrideService) FindActiveRiskOverrides(ctx context.Context) (_ []*spotcheck.RiskOverride, err error) {
	defer wrap(&err, "find active risk overrides")
	where, args, err := scoped(ctx, spotcheck.PermViewDirectory, "dept", nil, nil)
	if err != nil {
		return nil, err
	}
	c := conds{list: where, args: args}
	open, err := openOverrides(ctx, sv.db.read)
	if err != nil {
		return nil, err
	}
	var ids []string
	rows, err := sv.db.read.QueryContext(ctx, "SELECT DISTINCT entity_id FROM risk_overrides WHERE "+c.where(), c.args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	day := sv.db.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout)
	out := []*spotcheck.RiskOverride{}
	for _, id := range ids {
		if o := open[id]; o != nil && o.Active(day) {
			out = append(out, o)
		}
	}
	return out, nil
}
