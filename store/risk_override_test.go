package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// TestRiskOverrideRefused: a bad override is refused with the field named
// and nothing changed — no reason, an expiry today or more than a year
// ahead, a bad class, an entity of another district (ENOTFOUND, as if it
// did not exist) and a user without PermManageRisk.
func TestRiskOverrideRefused(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		stays, _, city := riskWorld(t, db)
		db.Now = func() time.Time { return time.Date(2026, 3, 20, 4, 0, 0, 0, time.UTC) }
		sv := db.RiskOverrides()
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		before, err := db.Entities().FindEntityByID(ctx, stays.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			ctx                           context.Context
			name, id, class, reason, exps string
			code, part                    string
		}{
			{admin, "no reason", stays.ID, "D", "  ", "2026-06-30", spotcheck.EINVALID, "调整原因"},
			{admin, "expiry today", stays.ID, "D", "群众多次投诉", "2026-03-20", spotcheck.EINVALID, "有效期至"},
			{admin, "expiry in the past", stays.ID, "D", "群众多次投诉", "2025-12-31", spotcheck.EINVALID, "应晚于今天"},
			{admin, "expiry too far", stays.ID, "D", "群众多次投诉", "2027-03-21", spotcheck.EINVALID, "超过一年"},
			{admin, "a bad class", stays.ID, "E", "群众多次投诉", "2026-06-30", spotcheck.EINVALID, "信用风险分类"},
			{admin, "another district's entity", city.ID, "D", "群众多次投诉", "2026-06-30", spotcheck.ENOTFOUND, ""},
			{signedIn(t, db, "GLWL", spotcheck.RolePlanner), "a planner", stays.ID, "D", "群众多次投诉", "2026-06-30", spotcheck.EFORBIDDEN, ""},
		} {
			_, err := sv.OverrideRiskClass(c.ctx, c.id, c.class, true, c.reason, c.exps)
			wantRiskErr(t, c.name, err, c.code, c.part)
		}
		after, err := db.Entities().FindEntityByID(ctx, stays.ID)
		if err != nil || after.Version != before.Version || after.CreditClass != "B" || after.Key {
			t.Fatalf("changed: %+v, %v", after, err)
		}
		if c, err := db.Entities().FindEntityByID(ctx, city.ID); err != nil || c.CreditClass != "D" || c.Version != 1 {
			t.Fatalf("the city's entity: %+v, %v", c, err)
		}
		for _, id := range []string{stays.ID, city.ID} {
			if list, err := sv.FindRiskOverrides(ctx, id); err != nil || len(list) != 0 {
				t.Fatalf("overrides of %s: %+v, %v", id, list, err)
			}
		}
	})
}

// TestRiskOverrideAndRuns: an override sets the class and key flag at
// once (the frame's stratum follows) with a recorded change; runs while
// it is active score the entity but keep it at the override's class; the
// night after it expires the schedule reclassifies and returns the entity
// to the model's class, recording that the override expired. The record
// is append-only.
func TestRiskOverrideAndRuns(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		stays, other, _ := riskWorld(t, db)
		now := time.Date(2026, 3, 20, 4, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		sv, risk := db.RiskOverrides(), db.Risk()
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		o, err := sv.OverrideRiskClass(admin, stays.ID, "d", true, " 群众多次投诉噪音扰民 ", "2026-03-25")
		if err != nil {
			t.Fatalf("override: %v", err)
		}
		if o.ID == 0 || o.Class != "D" || o.Reason != "群众多次投诉噪音扰民" || o.Dept != "GLWL" || o.By != "u-glwl" {
			t.Fatalf("override %+v", o)
		}
		e, err := db.Entities().FindEntityByID(ctx, stays.ID)
		if err != nil || e.CreditClass != "D" || !e.Key || e.KeyReason != "人工调整：群众多次投诉噪音扰民" ||
			e.KeyExpiry != "2026-03-25" {
			t.Fatalf("entity after the override: %+v, %v", e, err)
		}
		byClass := &spotcheck.Task{StrataBy: spotcheck.StrataByCredit}
		byKey := &spotcheck.Task{StrataBy: spotcheck.StrataByKeyCredit}
		if byClass.Stratum(e.CreditClass, e.Key) != "D" || byKey.Stratum(e.CreditClass, e.Key) != "key" {
			t.Fatalf("the frame's strata: %q, %q", byClass.Stratum(e.CreditClass, e.Key), byKey.Stratum(e.CreditClass, e.Key))
		}
		changes, err := db.FindRecordChanges(ctx, "entity", stays.ID)
		if err != nil || changes[len(changes)-1].Action != "risk-override" || changes[len(changes)-1].Actor != "u-glwl" {
			t.Fatalf("recorded: %+v, %v", changes, err)
		}
		if list, err := sv.FindActiveRiskOverrides(admin); err != nil || len(list) != 1 || list[0].ID != o.ID {
			t.Fatalf("active in the district: %+v, %v", list, err)
		}

		// A run while the override is active scores the entity but
		// leaves it at D on the key list.
		run, err := risk.PreviewReclassification(admin, "GLWL")
		if err != nil || run.Moves != 1 {
			t.Fatalf("preview: %+v, %v", run, err)
		}
		if _, err := risk.ApplyReclassification(admin, run.ID); err != nil {
			t.Fatal(err)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, stays.ID); e.CreditClass != "D" || !e.Key {
			t.Fatalf("after a run during the override: %+v", e)
		}
		er, err := risk.FindEntityRisk(ctx, stays.ID)
		if err != nil || er.Run != run.ID || er.Assessment.Class != "B" || len(er.Assessment.Contributions) == 0 {
			t.Fatalf("the entity is still scored: %+v, %v", er, err)
		}
		// The schedule's first run of the city, the same day, also keeps it.
		if runs, err := risk.ReclassifyDue(ctx); err != nil || len(runs) != 1 {
			t.Fatalf("first night: %+v, %v", runs, err)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, stays.ID); e.CreditClass != "D" || !e.Key {
			t.Fatalf("after the schedule during the override: %+v", e)
		}
		// An entity no run scores (inactive) with an override that
		// expires the same day: ended with the others, or the schedule
		// would run every night for it.
		if _, err := sv.OverrideRiskClass(admin, other.ID, "C", false, "停业整顿期间", "2026-03-25"); err != nil {
			t.Fatal(err)
		}
		gone, _ := db.Entities().FindEntityByID(ctx, other.ID)
		gone.Active = false
		if err := db.Entities().SaveEntity(ctx, gone); err != nil {
			t.Fatal(err)
		}

		now = time.Date(2026, 3, 25, 15, 0, 0, 0, time.UTC) // 23:00 on the last day in China
		if runs, err := risk.ReclassifyDue(ctx); err != nil || len(runs) != 0 {
			t.Fatalf("the override's last day: %+v, %v", runs, err)
		}

		// The night after it expires the schedule returns it to B.
		now = time.Date(2026, 3, 25, 18, 30, 0, 0, time.UTC) // 02:30 on 2026-03-26 in China
		runs, err := risk.ReclassifyDue(ctx)
		if err != nil || len(runs) != 1 {
			t.Fatalf("the night after the expiry: %+v, %v", runs, err)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, stays.ID); e.CreditClass != "B" || e.Key || e.KeyReason != "" {
			t.Fatalf("after the expiry: %+v", e)
		}
		moves, err := risk.FindRiskChanges(ctx, runs[0].ID)
		if err != nil || len(moves) != 1 || moves[0].Entity != stays.ID || moves[0].OldClass != "D" || moves[0].NewClass != "B" ||
			!strings.HasPrefix(moves[0].Reason, "人工调整（群众多次投诉噪音扰民，至2026-03-25）已到期，恢复模型分类：") {
			t.Fatalf("the move back: %+v, %v", moves, err)
		}
		list, err := sv.FindRiskOverrides(ctx, stays.ID)
		if err != nil || len(list) != 1 || list[0].Ended != spotcheck.RiskOverrideExpire || list[0].Active("2026-03-20") {
			t.Fatalf("the ended override: %+v, %v", list, err)
		}
		if runs, err := risk.ReclassifyDue(ctx); err != nil || len(runs) != 0 {
			t.Fatalf("the same night again: %+v, %v", runs, err)
		}
		if list, err := sv.FindRiskOverrides(ctx, other.ID); err != nil || len(list) != 1 || list[0].Ended != spotcheck.RiskOverrideExpire {
			t.Fatalf("the inactive entity's override: %+v, %v", list, err)
		}
		if list, err := sv.FindActiveRiskOverrides(admin); err != nil || len(list) != 0 {
			t.Fatalf("active after the expiry: %+v, %v", list, err)
		}

		if err := db.ExecForTest(ctx, `UPDATE risk_overrides SET reason = 'x'`); err == nil {
			t.Fatal("an override was changed")
		}
		if err := db.ExecForTest(ctx, `DELETE FROM risk_overrides`); err == nil {
			t.Fatal("an override was removed")
		}
	})
}

// TestRevokeRiskOverride: revoking returns the entity to the model's
// class of the last applied run (or, with none, to its class before the
// override) and appends a row; it is refused twice, and outside the
// user's scope the override does not exist. A new override replaces the
// one in force.
func TestRevokeRiskOverride(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		stays, moves, city := riskWorld(t, db)
		db.Now = func() time.Time { return time.Date(2026, 3, 20, 4, 0, 0, 0, time.UTC) }
		sv := db.RiskOverrides()
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		// No run yet: back to the class before.
		o, err := sv.OverrideRiskClass(admin, moves.ID, "C", false, "现场核查发现隐患", "2026-09-30")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sv.RevokeRiskOverride(signedIn(t, db, "FZXF", spotcheck.RoleDeptAdmin), o.ID, ""); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("another department revokes: %v", err)
		}
		r, err := sv.RevokeRiskOverride(admin, o.ID, "核查有误")
		if err != nil || r.Ended != spotcheck.RiskOverrideRevoke || r.EndReason != "核查有误" {
			t.Fatalf("revoke: %+v, %v", r, err)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, moves.ID); e.CreditClass != "A" || !e.Key || e.KeyReason != "群众举报" {
			t.Fatalf("back to the class before: %+v", e)
		}
		_, err = sv.RevokeRiskOverride(admin, o.ID, "")
		wantRiskErr(t, "a second revoke", err, spotcheck.ECONFLICT, "已结束")
		if _, err := sv.RevokeRiskOverride(admin, 999, ""); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("an unknown override: %v", err)
		}

		// After a run: back to the model's class.
		run, err := db.Risk().PreviewReclassification(ctx, "FZWL")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Risk().ApplyReclassification(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		first, err := sv.OverrideRiskClass(ctx, city.ID, "A", false, "新开业，已现场检查", "2026-06-30")
		if err != nil {
			t.Fatal(err)
		}
		second, err := sv.OverrideRiskClass(ctx, city.ID, "C", true, "再次收到投诉举报", "2026-06-30")
		if err != nil {
			t.Fatal(err)
		}
		list, err := sv.FindRiskOverrides(ctx, city.ID)
		if err != nil || len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID ||
			list[1].Ended != spotcheck.RiskOverrideRevoke || list[0].Ended != "" {
			t.Fatalf("the second replaces the first: %+v, %v", list, err)
		}
		if _, err := sv.RevokeRiskOverride(ctx, second.ID, ""); err != nil {
			t.Fatal(err)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, city.ID); e.CreditClass != "B" || e.Key {
			t.Fatalf("back to the model's class: %+v", e)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, stays.ID); e.Version != 1 {
			t.Fatalf("another entity changed: %+v", e)
		}
	})
}
