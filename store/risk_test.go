package store_test

import (
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/riskfile"
	"spotcheck/store"
)

// riskModelText is the default model, in force from 2026-01-01 (the
// tests' clock is in 2026-03) under version.
func riskModelText(version string) []byte {
	s := string(riskfile.Default())
	s = strings.Replace(s, `version = "2026.1"`, `version = "`+version+`"`, 1)
	s = strings.Replace(s, "effective_from = 2026-12-01", "effective_from = 2026-01-01", 1)
	return []byte(s)
}

func wantRiskErr(t *testing.T, what string, err error, code, part string) {
	t.Helper()
	if spotcheck.ErrorCode(err) != code || !strings.Contains(spotcheck.ErrorMessage(err), part) {
		t.Fatalf("%s: %v (code %q), want %s with %q", what, err, spotcheck.ErrorCode(err), code, part)
	}
}

// TestLoadRiskModel: a model file is kept as loaded with its SHA-256 and
// recorded; the same file again is a no-op, a different one under the
// same version is refused, a bad one is refused whole; only a city-level
// administrator loads; the current model is the latest in force.
func TestLoadRiskModel(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		sv := db.Risk()
		if _, err := sv.CurrentRiskModel(ctx, "2026-03-01"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("current model of an empty store: %v", err)
		}
		v, err := sv.LoadRiskModel(ctx, riskModelText("2026.1"))
		if err != nil {
			t.Fatalf("LoadRiskModel: %v", err)
		}
		if v.Version != "2026.1" || len(v.SHA256) != 64 || v.LoadedBy != "system:tester" || v.Text != string(riskModelText("2026.1")) {
			t.Fatalf("loaded %+v", v)
		}
		again, err := sv.LoadRiskModel(ctx, riskModelText("2026.1"))
		if err != nil || again.SHA256 != v.SHA256 || !again.LoadedAt.Equal(v.LoadedAt) {
			t.Fatalf("the same file again: %+v, %v", again, err)
		}
		changed := strings.Replace(string(riskModelText("2026.1")), "d = 60", "d = 65", 1)
		_, err = sv.LoadRiskModel(ctx, []byte(changed))
		wantRiskErr(t, "a changed file under a loaded version", err, spotcheck.ECONFLICT, "风险模型版本“2026.1”已于")
		bad := strings.Replace(string(riskModelText("2026.9")), `id = "penalties"`, `id = "weather"`, 1)
		_, err = sv.LoadRiskModel(ctx, []byte(bad))
		wantRiskErr(t, "an unknown factor", err, spotcheck.EINVALID, "未知的因子“weather”")
		if _, err := sv.FindRiskModel(ctx, "2026.9"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("a refused file was kept: %v", err)
		}
		// A top-level partner that owns no entities (another city bureau
		// joining inspections) is not asked for; its administrator is
		// not the city's.
		if _, err := db.Departments().ImportDepartments(ctx, spotcheck.SliceSource("depts", []spotcheck.Department{
			{Code: "FZSJ", Name: "福州市市场监督管理局", Division: "350100", Kind: spotcheck.DeptPartner, Active: true},
		})); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("e.csv", []spotcheck.Entity{
			entity(t, "350102", "MA0000010", "鼓楼甲旅行社（示例）")})); err != nil {
			t.Fatal(err)
		}
		_, err = sv.LoadRiskModel(signedIn(t, db, "FZSJ", spotcheck.RoleDeptAdmin), riskModelText("2026.2"))
		wantRiskErr(t, "a partner's administrator", err, spotcheck.EFORBIDDEN, "只有市级部门管理员")
		_, err = sv.LoadRiskModel(signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin), riskModelText("2026.2"))
		wantRiskErr(t, "a district administrator", err, spotcheck.EFORBIDDEN, "只有市级部门管理员")
		_, err = sv.LoadRiskModel(signedIn(t, db, "FZWL", spotcheck.RolePlanner), riskModelText("2026.2"))
		wantRiskErr(t, "a planner", err, spotcheck.EFORBIDDEN, "管理信用风险分类")
		if _, err := sv.LoadRiskModel(signedIn(t, db, "FZWL", spotcheck.RoleDeptAdmin), riskModelText("2026.2")); err != nil {
			t.Fatalf("the city's administrator: %v", err)
		}
		list, err := sv.FindRiskModels(ctx)
		if err != nil || len(list) != 2 {
			t.Fatalf("FindRiskModels: %d, %v", len(list), err)
		}
		m, err := sv.CurrentRiskModel(ctx, "2026-03-01")
		if err != nil || m.Version != "2026.2" {
			t.Fatalf("current model: %+v, %v", m, err)
		}
		if _, err := sv.CurrentRiskModel(ctx, "2025-12-31"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("before every model takes effect: %v", err)
		}
		changes, err := db.FindRecordChanges(ctx, "risk-model", "2026.1")
		if err != nil || len(changes) != 1 || changes[0].Action != "load" || !strings.Contains(changes[0].After, v.SHA256) {
			t.Fatalf("recorded: %+v, %v", changes, err)
		}
	})
}

// riskWorld stores three entities and loads the model: in 鼓楼 (GLWL) a
// class B 旅行社 the model leaves at B, and a class A one on the key list
// by hand that the model moves to B and off the list; in 仓山 (the city
// bureau's) a class D 网吧 the model moves to B. None has an inspection
// on record, so the maximum interval (36 months from 2023-01-01) raises
// every one to at least B.
func riskWorld(t *testing.T, db *store.DB) (stays, moves, city spotcheck.Entity) {
	t.Helper()
	seedDepartments(t, db)
	stays = entity(t, "350102", "MA0000010", "鼓楼甲旅行社（示例）")
	moves = entity(t, "350102", "MA0000029", "鼓楼乙旅行社（示例）")
	moves.CreditClass, moves.Key, moves.KeyReason = "A", true, "群众举报"
	city = entity(t, "350104", "MA0000037", "仓山丙网吧（示例）")
	city.Type, city.CreditClass = "T03", "D"
	if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("e.csv", []spotcheck.Entity{stays, moves, city})); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Risk().LoadRiskModel(ctx, riskModelText("2026.1")); err != nil {
		t.Fatal(err)
	}
	return stays, moves, city
}

// TestReclassificationPreviewAndApply: a preview counts the moves of the
// department's subtree and changes nothing; applying moves the entities,
// records each move and its reason; a second apply, a stale run and a
// run under a replaced model are refused; the entity's assessment reads
// back with its contributions.
func TestReclassificationPreviewAndApply(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		stays, moves, city := riskWorld(t, db)
		sv := db.Risk()
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		if _, err := sv.PreviewReclassification(admin, "FZWL"); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Fatalf("a district previews the city: %v", err)
		}
		run, err := sv.PreviewReclassification(admin, "GLWL")
		if err != nil {
			t.Fatalf("preview: %v", err)
		}
		want := spotcheck.RiskRunSummary{ByDivision: []spotcheck.RiskCount{{Key: "350102", Count: 1}}, ByType: []spotcheck.RiskCount{{Key: "T01", Count: 1}},
			ByClass: []spotcheck.RiskCount{{Key: "A→B", Count: 1}}, KeyOut: 1}
		if run.State != spotcheck.RiskRunPreviewed || run.Entities != 2 || run.Moves != 1 || run.Model != "2026.1" ||
			!sameSummary(run.Summary, want) {
			t.Fatalf("preview: %+v", run)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, moves.ID); e.CreditClass != "A" || !e.Key || e.Version != 1 {
			t.Fatalf("a preview changed the entity: %+v", e)
		}
		if _, err := sv.FindEntityRisk(ctx, moves.ID); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("assessment of a previewed run: %v", err)
		}

		applied, err := sv.ApplyReclassification(admin, run.ID)
		if err != nil {
			t.Fatalf("apply: %v", err)
		}
		if applied.State != spotcheck.RiskRunApplied || applied.AppliedBy != "u-glwl" || applied.Moves != 1 {
			t.Fatalf("applied: %+v", applied)
		}
		e, _ := db.Entities().FindEntityByID(ctx, moves.ID)
		if e.CreditClass != "B" || e.Key || e.KeyReason != "" || e.KeyExpiry != "" || e.Version != 2 {
			t.Fatalf("moved entity: %+v", e)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, stays.ID); e.CreditClass != "B" || e.Version != 1 {
			t.Fatalf("the entity that stays: %+v", e)
		}
		hist, err := db.FindRecordChanges(ctx, "entity", moves.ID)
		if err != nil || len(hist) != 1 || hist[0].Action != "reclassify" || hist[0].Actor != "u-glwl" ||
			!strings.Contains(hist[0].After, `"CreditClass":"B"`) {
			t.Fatalf("entity history: %+v, %v", hist, err)
		}
		rc, err := sv.FindRiskChanges(ctx, run.ID)
		if err != nil || len(rc) != 1 {
			t.Fatalf("risk changes: %+v, %v", rc, err)
		}
		if c := rc[0]; c.Entity != moves.ID || c.OldClass != "A" || c.NewClass != "B" || !c.OldKey || c.NewKey ||
			c.Model != "2026.1" || !strings.Contains(c.Reason, "模型2026.1") || !strings.Contains(c.Reason, "移出") {
			t.Fatalf("risk change: %+v", c)
		}
		er, err := sv.FindEntityRisk(ctx, moves.ID)
		if err != nil {
			t.Fatalf("FindEntityRisk: %v", err)
		}
		if er.Run != run.ID || er.Assessment.Class != "B" || er.Assessment.Model != "2026.1" || len(er.Assessment.Contributions) != 8 ||
			!strings.Contains(er.Explain, "提升为B类") || er.Facts.Type != "T01" {
			t.Fatalf("entity risk: %+v", er)
		}
		if err := db.ExecForTest(ctx, `UPDATE risk_changes SET new_class = 'D'`); err == nil {
			t.Fatal("a recorded move was changed")
		}
		if err := db.ExecForTest(ctx, `DELETE FROM risk_changes`); err == nil {
			t.Fatal("a recorded move was deleted")
		}

		_, err = sv.ApplyReclassification(admin, run.ID)
		wantRiskErr(t, "a second apply", err, spotcheck.ECONFLICT, "不能再次应用")

		// Two previews; applying the city's makes the district's stale.
		older, err := sv.PreviewReclassification(ctx, "GLWL")
		if err != nil || older.Moves != 0 {
			t.Fatalf("preview after apply: %+v, %v", older, err)
		}
		whole, err := sv.PreviewReclassification(ctx, "FZWL")
		if err != nil || whole.Entities != 3 || whole.Moves != 1 {
			t.Fatalf("the city's preview: %+v, %v", whole, err)
		}
		if _, err := sv.ApplyReclassification(ctx, whole.ID); err != nil {
			t.Fatalf("apply the city's: %v", err)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, city.ID); e.CreditClass != "B" {
			t.Fatalf("the city's entity: %+v", e)
		}
		_, err = sv.ApplyReclassification(ctx, older.ID)
		wantRiskErr(t, "a stale run", err, spotcheck.ECONFLICT, "已过期")
		if r, _ := sv.FindRiskRun(ctx, older.ID); r.State != spotcheck.RiskRunStale {
			t.Fatalf("stale run: %+v", r)
		}
		if er, err := sv.FindEntityRisk(ctx, moves.ID); err != nil || er.Run != whole.ID {
			t.Fatalf("the latest applied run's assessment: %+v, %v", er, err)
		}

		// A new model in force makes a preview under the old one stale.
		last, err := sv.PreviewReclassification(ctx, "GLWL")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sv.LoadRiskModel(ctx, riskModelText("2026.2")); err != nil {
			t.Fatal(err)
		}
		_, err = sv.ApplyReclassification(ctx, last.ID)
		wantRiskErr(t, "a run under a replaced model", err, spotcheck.ECONFLICT, "预览时使用模型2026.1，现行模型为2026.2")
	})
}

func sameSummary(a, b spotcheck.RiskRunSummary) bool {
	eq := func(x, y []spotcheck.RiskCount) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	}
	return eq(a.ByDivision, b.ByDivision) && eq(a.ByType, b.ByType) && eq(a.ByClass, b.ByClass) && a.KeyIn == b.KeyIn && a.KeyOut == b.KeyOut
}

// TestReclassificationOneAtATime: while a run is computing, another is
// refused with who started it; a run that has computed for longer than
// its lease is taken for dead and released.
func TestReclassificationOneAtATime(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		riskWorld(t, db)
		sv := db.Risk()
		id, err := db.ClaimRiskRunForTest(ctx, "2026.1", "FZWL")
		if err != nil {
			t.Fatal(err)
		}
		_, err = sv.PreviewReclassification(ctx, "GLWL")
		wantRiskErr(t, "a second run", err, spotcheck.ECONFLICT, "已有一次信用风险重新分类正在计算")
		if _, err := db.ClaimRiskRunForTest(ctx, "2026.1", "GLWL"); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("a second claim: %v", err)
		}
		_, err = sv.ApplyReclassification(ctx, id)
		wantRiskErr(t, "applying a computing run", err, spotcheck.ECONFLICT, "尚在计算")

		now := db.Now()
		db.Now = func() time.Time { return now.Add(2 * time.Hour) }
		run, err := sv.PreviewReclassification(ctx, "GLWL")
		if err != nil || run.State != spotcheck.RiskRunPreviewed {
			t.Fatalf("after the lease: %+v, %v", run, err)
		}
		if r, _ := sv.FindRiskRun(ctx, id); r.State != spotcheck.RiskRunFailed {
			t.Fatalf("the dead run: %+v", r)
		}
	})
}

// TestRiskFacts: an approved inspection that ordered a correction (WL01,
// shown as R05) counts once as an adverse result, its rectification order
// as an open follow-up, and its completion day as the last inspection.
func TestRiskFacts(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		approveAll(t, db, as, in, "2026-03-12")
		if _, err := db.Risk().LoadRiskModel(ctx, riskModelText("2026.1")); err != nil {
			t.Fatal(err)
		}
		// The default model counts complaints of 2 years found true and
		// penalties of 3 years: on 2026-03-20, one of each here.
		if _, err := db.RiskEvents().ImportComplaints(ctx, spotcheck.SliceSource("c.xlsx", []spotcheck.Complaint{
			complaint("TS-1", in.Dept, in.Entity, "2025-06-01", spotcheck.OutcomeTrue),
			complaint("TS-2", in.Dept, in.Entity, "2026-01-05", spotcheck.OutcomeUntrue),
			complaint("TS-3", in.Dept, in.Entity, "2024-03-19", spotcheck.OutcomeTrue), // a day before the window
		})); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RiskEvents().ImportPenalties(ctx, spotcheck.SliceSource("p.xlsx", []spotcheck.Penalty{
			penalty("闽文旅罚〔2025〕1号", in.Dept, in.Entity, "2025-01-10"),
			penalty("闽文旅罚〔2022〕9号", in.Dept, in.Entity, "2022-12-31"), // before the window
		})); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return time.Date(2026, 3, 20, 4, 0, 0, 0, time.UTC) }
		run, err := db.Risk().PreviewReclassification(ctx, "FZWL")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Risk().ApplyReclassification(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		er, err := db.Risk().FindEntityRisk(ctx, in.Entity)
		if err != nil {
			t.Fatal(err)
		}
		f := er.Facts
		if f.AdverseResults != 1 || f.OpenFollowUps != 1 || f.LastInspected != "2026-03-12" || f.Abnormal ||
			f.Complaints != 1 || f.Penalties != 1 {
			t.Fatalf("facts: %+v", f)
		}
		if c := er.Assessment.Contributions[0]; c.Factor != spotcheck.FactorAdverseResults || c.Value != 1 || c.Points == 0 {
			t.Fatalf("adverse results: %+v", c)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, in.Entity); e.CreditClass != er.Assessment.Class || e.Key != er.Assessment.Key {
			t.Fatalf("entity %+v, assessment %+v", e, er.Assessment)
		}
	})
}

// TestReclassifyDue: the schedule's reclassification applies the model
// in force to the city once, then not again the same month; a month
// later it runs again, and so it does the night a new model comes into
// force. With no model in force it does nothing.
func TestReclassifyDue(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("e.csv", []spotcheck.Entity{
			entity(t, "350102", "MA0000010", "鼓楼甲旅行社（示例）")})); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 3, 20, 18, 30, 0, 0, time.UTC) // 02:30 in China
		db.Now = func() time.Time { return day }
		sv := db.Risk()
		if runs, err := sv.ReclassifyDue(ctx); err != nil || len(runs) != 0 {
			t.Fatalf("without a model: %+v, %v", runs, err)
		}
		if _, err := sv.LoadRiskModel(ctx, riskModelText("2026.1")); err != nil {
			t.Fatal(err)
		}
		due := func(when string, want int) {
			t.Helper()
			runs, err := sv.ReclassifyDue(ctx)
			if err != nil || len(runs) != want {
				t.Fatalf("%s: %d runs, %v", when, len(runs), err)
			}
			for _, r := range runs {
				if r.State != spotcheck.RiskRunApplied || r.Dept != "FZWL" || r.Entities != 1 {
					t.Fatalf("%s: %+v", when, r)
				}
			}
		}
		due("first night", 1)
		due("the same night again", 0)
		day = day.AddDate(0, 1, -1)
		due("a day short of a month", 0)
		day = day.AddDate(0, 0, 1)
		due("a month later", 1)
		text := strings.Replace(string(riskModelText("2026.2")), "effective_from = 2026-01-01", "effective_from = 2026-04-21", 1)
		if _, err := sv.LoadRiskModel(ctx, []byte(text)); err != nil {
			t.Fatal(err)
		}
		day = day.AddDate(0, 0, 1) // 2026-04-21 in China: the new model is in force
		due("the night a new model comes into force", 1)
	})
}
