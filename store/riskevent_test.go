package store_test

import (
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// complaint returns a valid complaint about entity id.
func complaint(number, dept, id, received, outcome string) spotcheck.Complaint {
	return spotcheck.Complaint{Number: number, Dept: dept, EntityID: id, Received: received, Channel: "12345",
		Summary: "投诉内容（示例）", Outcome: outcome, Active: true}
}

func penalty(number, dept, id, decided string) spotcheck.Penalty {
	return spotcheck.Penalty{Number: number, Dept: dept, EntityID: id, Decided: decided, Cause: "未按规定签订旅游合同",
		LegalBasis: "《旅行社条例》第五十五条", Kinds: []string{"警告", "罚款"}, Amount: "5000", Active: true}
}

// countStored counts the complaints and penalties stored, whoever keeps them.
func countStored(t *testing.T, db *store.DB) (int, int) {
	t.Helper()
	c, err := db.Count(ctx, spotcheck.KindComplaints)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Count(ctx, spotcheck.KindPenalties)
	if err != nil {
		t.Fatal(err)
	}
	return c, p
}

func wantRowErrors(t *testing.T, err error, want ...string) {
	t.Helper()
	ie := importErr(t, err)
	for _, w := range want {
		if !strings.Contains(ie.Error(), w) {
			t.Errorf("lack %q in:\n%v", w, ie)
		}
	}
	if !strings.Contains(spotcheck.ErrorMessage(err), "未写入任何数据") {
		t.Errorf("message %q", spotcheck.ErrorMessage(err))
	}
}

func TestImportComplaints(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		gl, cs := es[0].ID, es[2].ID // 鼓楼 (GLWL), 仓山 (FZWL)
		rows := []spotcheck.Complaint{
			complaint("TS-001", "GLWL", gl, "2025-06-01", spotcheck.OutcomeTrue),
			complaint("TS-002", "GLWL", gl, "2023-01-01", spotcheck.OutcomePartTrue), // before the window
			complaint("TS-001", "FZWL", cs, "2026-02-01", spotcheck.OutcomeUntrue),   // same number, another department
			complaint("TS-003", "FZWL", gl, "2026-02-02", spotcheck.OutcomeInProcess),
		}
		sum, err := db.RiskEvents().ImportComplaints(ctx, spotcheck.SliceSource("c.xlsx", rows))
		if err != nil || sum != (spotcheck.ImportSummary{Added: 4}) {
			t.Fatalf("import: %+v, %v", sum, err)
		}

		// Re-import: the outcome of one changes, recorded with its before and after.
		rows[3].Outcome = spotcheck.OutcomeTrue
		sum, err = db.RiskEvents().ImportComplaints(ctx, spotcheck.SliceSource("c2.xlsx", rows))
		if err != nil || sum != (spotcheck.ImportSummary{Updated: 1, Unchanged: 3}) {
			t.Fatalf("re-import: %+v, %v", sum, err)
		}
		changes, err := db.FindRecordChanges(ctx, "complaint", "TS-003|FZWL")
		if err != nil || len(changes) != 1 || !strings.Contains(changes[0].Before, `"Outcome":"办理中"`) ||
			!strings.Contains(changes[0].After, `"Outcome":"属实"`) || changes[0].Version != 2 {
			t.Fatalf("changes %+v, %v", changes, err)
		}

		counts, err := db.RiskEvents().CountRiskEvents(ctx, "2024-03-01", "")
		if err != nil {
			t.Fatal(err)
		}
		// TS-001/GLWL and TS-003 count for 鼓楼's entity; TS-002 is too old,
		// the 仓山 one untrue.
		if len(counts) != 1 || counts[gl] != (spotcheck.RiskEvents{Complaints: 2}) {
			t.Fatalf("counts %+v", counts)
		}

		list, err := db.RiskEvents().FindComplaints(ctx, spotcheck.ComplaintFilter{EntityID: gl, Since: "2025-01-01"})
		if err != nil || list.Total != 2 || list.Items[0].Number != "TS-003" || list.Items[1].Number != "TS-001" {
			t.Fatalf("find: %+v, %v", list, err)
		}
		if list, _ := db.RiskEvents().FindComplaints(ctx, spotcheck.ComplaintFilter{Dept: "FZWL"}); list.Total != 2 {
			t.Fatalf("find by dept: %+v", list)
		}

		// A district sees and counts only the complaints about its own entities.
		glCtx := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		if list, _ := db.RiskEvents().FindComplaints(glCtx, spotcheck.ComplaintFilter{}); list.Total != 3 {
			t.Fatalf("鼓楼 sees %d complaints, want 3", list.Total)
		}
		n := 0
		if err := db.RiskEvents().ExportComplaints(glCtx, func(*spotcheck.Complaint) error { n++; return nil }); err != nil || n != 3 {
			t.Fatalf("export %d, %v", n, err)
		}
	})
}

func TestImportComplaintsRefused(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		gl, cs := es[0].ID, es[2].ID
		unknown := code(t, "350102", "MA0000096")
		good := complaint("OK-1", "GLWL", gl, "2026-01-01", spotcheck.OutcomeTrue)
		badSum := gl[:17] + map[bool]string{true: "1", false: "0"}[gl[17] == '0']

		_, err := db.RiskEvents().ImportComplaints(ctx, spotcheck.SliceSource("bad", []spotcheck.Complaint{
			good,
			complaint("X-1", "GLWL", badSum, "2026-01-01", spotcheck.OutcomeTrue),
			complaint("X-2", "GLWL", unknown, "2026-01-01", spotcheck.OutcomeTrue),
			complaint("OK-1", "GLWL", gl, "2026-01-02", spotcheck.OutcomeTrue),
			complaint("X-3", "NOPE", gl, "2026-01-01", "已办结"),
		}))
		wantRowErrors(t, err,
			"第3行 统一社会信用代码：校验位错误",
			"第4行 统一社会信用代码：名录库中没有检查对象“"+unknown+"”，请先导入该检查对象",
			"第5行 投诉编号：“OK-1|GLWL”与第2行重复",
			"第6行 办理结果：“已办结”无效",
			"第6行 受理部门：部门“NOPE”不存在")
		if c, _ := countStored(t, db); c != 0 {
			t.Fatalf("%d complaints written by a refused import", c)
		}

		// A district may record complaints about its own entities only,
		// and in its own name only.
		glCtx := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		_, err = db.RiskEvents().ImportComplaints(glCtx, spotcheck.SliceSource("gl", []spotcheck.Complaint{
			good,
			complaint("X-4", "GLWL", cs, "2026-01-01", spotcheck.OutcomeTrue),
			complaint("X-5", "FZWL", gl, "2026-01-01", spotcheck.OutcomeTrue),
		}))
		wantRowErrors(t, err,
			"第3行 统一社会信用代码：检查对象“"+cs+"”不在名录库中或不在您的管辖范围",
			"第4行 受理部门：部门“FZWL”不在您的管辖范围")
		if c, _ := countStored(t, db); c != 0 {
			t.Fatalf("%d complaints written by a refused import", c)
		}
		// Unknown and foreign entities read alike to a district.
		_, err = db.RiskEvents().ImportComplaints(glCtx, spotcheck.SliceSource("gl", []spotcheck.Complaint{
			complaint("X-6", "GLWL", unknown, "2026-01-01", spotcheck.OutcomeTrue)}))
		wantRowErrors(t, err, "第2行 统一社会信用代码：检查对象“"+unknown+"”不在名录库中或不在您的管辖范围")

		if sum, err := db.RiskEvents().ImportComplaints(glCtx, spotcheck.SliceSource("gl", []spotcheck.Complaint{good})); err != nil || sum.Added != 1 {
			t.Fatalf("own complaint: %+v, %v", sum, err)
		}
		// A user without the directory permission imports nothing.
		_, err = db.RiskEvents().ImportComplaints(signedIn(t, db, "GLWL", spotcheck.RoleInspector),
			spotcheck.SliceSource("x", []spotcheck.Complaint{good}))
		wantErr(t, err, spotcheck.EFORBIDDEN)
	})
}

func TestImportPenalties(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		gl, cs := es[0].ID, es[2].ID
		withdrawn := penalty("榕文旅罚〔2025〕3号", "FZWL", gl, "2025-05-01")
		withdrawn.Active = false
		rows := []spotcheck.Penalty{
			penalty("榕文旅罚〔2025〕1号", "FZWL", gl, "2025-04-01"),
			penalty("鼓文体罚〔2026〕1号", "GLWL", gl, "2026-01-05"),
			penalty("榕文旅罚〔2025〕2号", "FZWL", cs, "2022-01-01"),
			withdrawn,
		}
		rows[1].Kinds, rows[1].Amount = []string{"责令停业整顿"}, ""
		sum, err := db.RiskEvents().ImportPenalties(ctx, spotcheck.SliceSource("p.csv", rows))
		if err != nil || sum.Added != 4 {
			t.Fatalf("import: %+v, %v", sum, err)
		}
		counts, err := db.RiskEvents().CountRiskEvents(ctx, "2023-03-01", "2023-03-01")
		if err != nil || len(counts) != 1 || counts[gl] != (spotcheck.RiskEvents{Penalties: 2}) {
			t.Fatalf("counts %+v, %v", counts, err)
		}
		list, err := db.RiskEvents().FindPenalties(ctx, spotcheck.PenaltyFilter{Since: "2025-01-01"})
		if err != nil || list.Total != 3 || list.Items[0].Number != "鼓文体罚〔2026〕1号" {
			t.Fatalf("find: %+v, %v", list, err)
		}
		if p := list.Items[1]; p.Number != "榕文旅罚〔2025〕3号" || p.Active || len(p.Kinds) != 2 || p.Amount != "5000" {
			t.Fatalf("stored %+v", p)
		}

		// Refused rows: nothing written.
		bad := []spotcheck.Penalty{
			penalty("新罚〔2026〕1号", "FZWL", gl, "2026-02-01"),
			penalty("新罚〔2026〕2号", "FZWL", "91350102MA0000010X", "2026-02-01"),
			penalty("新罚〔2026〕1号", "FZWL", cs, "2026-02-01"),
			penalty("新罚〔2026〕3号", "FZWL", cs, "2026-02-01"),
		}
		bad[3].Amount = ""
		_, err = db.RiskEvents().ImportPenalties(ctx, spotcheck.SliceSource("bad.csv", bad))
		wantRowErrors(t, err,
			"第3行 统一社会信用代码：",
			"第4行 决定书文号：“新罚〔2026〕1号”与第2行重复",
			"第5行 罚没金额：处罚种类含罚款时必须填写罚没金额")
		if _, p := countStored(t, db); p != 4 {
			t.Fatalf("%d penalties after a refused import, want 4", p)
		}

		// A district: not another district's entity, not another
		// department's decision, and a stored decision of another
		// department is not theirs to change.
		glCtx := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		_, err = db.RiskEvents().ImportPenalties(glCtx, spotcheck.SliceSource("gl.csv", []spotcheck.Penalty{
			penalty("鼓罚〔2026〕2号", "GLWL", cs, "2026-02-01"),
			penalty("鼓罚〔2026〕3号", "FZWL", gl, "2026-02-01"),
			penalty("榕文旅罚〔2025〕1号", "GLWL", gl, "2025-04-01"),
		}))
		wantRowErrors(t, err,
			"第2行 统一社会信用代码：检查对象“"+cs+"”不在名录库中或不在您的管辖范围",
			"第3行 处罚机关：部门“FZWL”不在您的管辖范围",
			"第4行 决定书文号：行政处罚“榕文旅罚〔2025〕1号”已由其他部门登记")
		if list, _ := db.RiskEvents().FindPenalties(glCtx, spotcheck.PenaltyFilter{}); list.Total != 3 {
			t.Fatalf("鼓楼 sees %d penalties, want 3 (of its entity)", list.Total)
		}
		if counts, _ := db.RiskEvents().CountRiskEvents(glCtx, "", "2000-01-01"); len(counts) != 1 {
			t.Fatalf("鼓楼 counts %+v", counts)
		}
	})
}

// Correcting an entity's credit code takes its complaints and penalties
// along, each change recorded.
func TestRecodeEntityMovesRiskEvents(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		if _, err := db.RiskEvents().ImportComplaints(ctx, spotcheck.SliceSource("c", []spotcheck.Complaint{
			complaint("TS-1", "GLWL", es[0].ID, "2026-01-01", spotcheck.OutcomeTrue)})); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RiskEvents().ImportPenalties(ctx, spotcheck.SliceSource("p", []spotcheck.Penalty{
			penalty("鼓罚〔2026〕1号", "GLWL", es[0].ID, "2026-01-02")})); err != nil {
			t.Fatal(err)
		}
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		e, _ := db.Entities().FindEntityByID(admin, es[0].ID)
		e.ID = code(t, "350102", "MA0000096")
		if err := db.Entities().RecodeEntity(admin, es[0].ID, e); err != nil {
			t.Fatal(err)
		}
		counts, err := db.RiskEvents().CountRiskEvents(ctx, "2020-01-01", "2020-01-01")
		if err != nil || len(counts) != 1 || counts[e.ID] != (spotcheck.RiskEvents{Complaints: 1, Penalties: 1}) {
			t.Fatalf("counts after recode %+v, %v", counts, err)
		}
		if ch, _ := db.FindRecordChanges(ctx, "penalty", "鼓罚〔2026〕1号"); len(ch) != 1 || ch[0].Actor != "u-glwl" {
			t.Fatalf("penalty changes %+v", ch)
		}
	})
}
