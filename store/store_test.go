package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/internal/pgtest"
	"spotcheck/store"
)

// forEachDB runs fn once on a fresh SQLite database and once on a fresh
// PostgreSQL database: the conformance suite of design §4.
func forEachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, openDB(t, filepath.Join(t.TempDir(), "test.db")))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, openDB(t, pgtest.URL(t)))
	})
}

func openDB(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC) }
	return db
}

// ctx is the context of the tests that are not about permissions: the
// system principal "system:tester", which may do everything and is
// recorded as the actor. The store refuses a context without a principal
// (TestNoPrincipalIsRefused); tests about permissions use real users.
var ctx = spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("tester"))

// seedDepartments creates the city bureau, one district bureau and a partner.
func seedDepartments(t *testing.T, db *store.DB) {
	t.Helper()
	_, err := db.Departments().ImportDepartments(ctx, spotcheck.SliceSource("depts", []spotcheck.Department{
		{Code: "FZWL", Name: "福州市文化和旅游局", Division: "350100", Kind: spotcheck.DeptBureau, Active: true},
		{Code: "GLWL", Name: "鼓楼区文体旅局", Parent: "FZWL", Division: "350102", Kind: spotcheck.DeptBureau, Active: true},
		{Code: "FZXF", Name: "福州市消防救援支队", Parent: "FZWL", Division: "350100", Kind: spotcheck.DeptPartner, Active: true},
	}))
	if err != nil {
		t.Fatalf("ImportDepartments: %v", err)
	}
}

// code makes a valid credit code from a 9-character organisation part.
func code(t *testing.T, division, org string) string {
	t.Helper()
	first17 := "91" + division + org
	c, err := spotcheck.USCCCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

func entity(t *testing.T, division, org, name string) spotcheck.Entity {
	return spotcheck.Entity{ID: code(t, division, org), Name: name, Type: "T01", Division: division,
		Address: "福州市五四路1号", Status: "在营", CreditClass: "B", Active: true}
}

func importErr(t *testing.T, err error) *spotcheck.ImportError {
	t.Helper()
	ie, ok := errors.AsType[*spotcheck.ImportError](err)
	if !ok {
		t.Fatalf("want an *ImportError, got %v", err)
	}
	return ie
}

func TestImportEntities(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		rows := []spotcheck.Entity{
			entity(t, "350102", "MA0000010", "福州甲旅行社（示例）"),
			entity(t, "350104", "MA0000029", "仓山乙网吧（示例）"),
			{GuideCardNo: "D-3501-000123", Name: "张三（示例）", Type: "导游/领队", Division: "350103",
				Status: "在营", CreditClass: "A", Active: true},
		}
		sum, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("a.csv", rows))
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if sum.Added != 3 || sum.Updated != 0 {
			t.Fatalf("summary = %+v", sum)
		}
		e, err := db.Entities().FindEntityByID(ctx, rows[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.Dept != "GLWL" || e.Version != 1 || e.Name != "福州甲旅行社（示例）" {
			t.Fatalf("stored %+v", e)
		}
		// A division without a bureau of its own falls to the city bureau.
		if e, _ := db.Entities().FindEntityByID(ctx, rows[1].ID); e.Dept != "FZWL" {
			t.Fatalf("仓山 entity owned by %q, want FZWL", e.Dept)
		}
		g, err := db.Entities().FindEntityByID(ctx, "GUIDE-D-3501-000123")
		if err != nil || g.Type != "T05" {
			t.Fatalf("guide: %+v, %v", g, err)
		}

		// Re-import: one unchanged, one changed, the guide matched by card number.
		rows[1].CreditClass = "D"
		rows[1].Key, rows[1].KeyReason = true, "信用风险分类为D类"
		sum, err = db.Entities().ImportEntities(ctx, spotcheck.SliceSource("b.csv", rows))
		if err != nil {
			t.Fatalf("re-import: %v", err)
		}
		if sum != (spotcheck.ImportSummary{Added: 0, Updated: 1, Unchanged: 2}) {
			t.Fatalf("re-import summary = %+v", sum)
		}
		e, _ = db.Entities().FindEntityByID(ctx, rows[1].ID)
		if e.Version != 2 || e.CreditClass != "D" || !e.Key {
			t.Fatalf("after update: %+v", e)
		}
		changes, err := db.FindRecordChanges(ctx, "entity", rows[1].ID)
		if err != nil || len(changes) != 1 {
			t.Fatalf("changes = %v, %v", changes, err)
		}
		if c := changes[0]; c.Actor != "system:tester" || !strings.Contains(c.Before, `"CreditClass":"B"`) || !strings.Contains(c.After, `"CreditClass":"D"`) {
			t.Fatalf("change = %+v", c)
		}
		list, err := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Query: "网吧"})
		if err != nil || list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != rows[1].ID {
			t.Fatalf("FindEntities = %+v, %v", list, err)
		}
	})
}

func TestImportEntitiesAllOrNothing(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		good := entity(t, "350102", "MA0000010", "好的（示例）")
		badCode := entity(t, "350102", "MA0000029", "坏代码（示例）")
		badCode.ID = badCode.ID[:17] + "0"
		if badCode.ID == entity(t, "350102", "MA0000029", "").ID {
			badCode.ID = badCode.ID[:17] + "1"
		}
		unknownType := entity(t, "350102", "MA0000037", "未知类型（示例）")
		unknownType.Type = "飞机场"
		unknownDiv := entity(t, "350102", "MA0000045", "未知区划（示例）")
		unknownDiv.Division = "110101"
		missingName := entity(t, "350102", "MA0000053", "")
		badClass := entity(t, "350102", "MA0000061", "坏分类（示例）")
		badClass.CreditClass = "E"
		rows := []spotcheck.Entity{good, badCode, unknownType, unknownDiv, missingName, good, badClass}
		_, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("bad.csv", rows))
		ie := importErr(t, err)
		want := []string{
			"第3行 统一社会信用代码：校验位错误",
			"第4行 类型：“飞机场”不是已知的检查对象类型",
			"第5行 区划代码：“110101”不是已知的行政区划代码",
			"第6行 名称：不能为空",
			"第7行 统一社会信用代码：“" + good.ID + "”与第2行重复",
			"第8行 信用风险分类：“E”无效",
		}
		msg := ie.Error()
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("problems lack %q:\n%s", w, msg)
			}
		}
		if spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Errorf("code = %q", spotcheck.ErrorCode(err))
		}
		if n, _ := db.Count(ctx, spotcheck.KindEntities); n != 0 {
			t.Fatalf("%d entities written by a failed import", n)
		}
		// A decoder's cell problem fails the import as well.
		src := spotcheck.SliceSource("x.csv", []spotcheck.Entity{good})
		src.Rows = func(yield func(spotcheck.ImportRow[spotcheck.Entity], error) bool) {
			yield(spotcheck.ImportRow[spotcheck.Entity]{Row: 2, Value: good}, nil)
			yield(spotcheck.ImportRow[spotcheck.Entity]{Row: 3, Problems: spotcheck.Problems{{Label: "重点检查对象", Message: "应为是或否"}}}, nil)
		}
		if _, err := db.Entities().ImportEntities(ctx, src); !strings.Contains(errString(err), "第3行 重点检查对象：应为是或否") {
			t.Fatalf("cell problem: %v", err)
		}
		if n, _ := db.Count(ctx, spotcheck.KindEntities); n != 0 {
			t.Fatalf("%d entities written by a failed import", n)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// A bad row after several flushed chunks must still leave nothing behind:
// the rows already written are rolled back with the transaction.
func TestImportRollsBackFlushedChunks(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		var rows []spotcheck.Entity
		for i := range 1200 {
			org := strings.Repeat("0", 8-len(itoa(i))) + itoa(i)
			org += string(spotcheck.OrgCodeCheckChar(org))
			rows = append(rows, entity(t, "350102", org, "批量"+itoa(i)+"（示例）"))
		}
		bad := entity(t, "350102", "YY0000001", "坏状态（示例）")
		bad.Status = "倒闭"
		rows = append(rows, bad)
		_, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("big.csv", rows))
		ie := importErr(t, err)
		if ie.Total != 1 || !strings.Contains(ie.Error(), "第1202行 经营状态：“倒闭”无效") {
			t.Fatalf("problems (%d): %v", ie.Total, ie)
		}
		if n, _ := db.Count(ctx, spotcheck.KindEntities); n != 0 {
			t.Fatalf("%d entities left after a failed import", n)
		}
		sum, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("big.csv", rows[:1200]))
		if err != nil || sum.Added != 1200 {
			t.Fatalf("good import: %+v, %v", sum, err)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

// Fill keeps the stored values of columns a file does not have.
func TestImportFillKeepsAbsentColumns(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		e := entity(t, "350102", "MA0000010", "甲（示例）")
		e.Phone, e.Tags = "0591-12345678", []string{"连锁"}
		if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("a", []spotcheck.Entity{e})); err != nil {
			t.Fatal(err)
		}
		slim := entity(t, "350102", "MA0000010", "甲（示例）更名")
		src := spotcheck.SliceSource("slim", []spotcheck.Entity{slim})
		src.Fill = func(v, old *spotcheck.Entity) { v.Phone, v.Tags = old.Phone, old.Tags }
		if _, err := db.Entities().ImportEntities(ctx, src); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Entities().FindEntityByID(ctx, e.ID)
		if got.Name != "甲（示例）更名" || got.Phone != "0591-12345678" || len(got.Tags) != 1 {
			t.Fatalf("after slim import: %+v", got)
		}
	})
}

func TestImportDepartmentsTree(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		_, err := db.Departments().ImportDepartments(ctx, spotcheck.SliceSource("d", []spotcheck.Department{
			{Code: "AAWL", Name: "甲", Parent: "BBWL", Division: "350103", Kind: spotcheck.DeptBureau, Active: true},
			{Code: "BBWL", Name: "乙", Parent: "AAWL", Division: "350104", Kind: spotcheck.DeptBureau, Active: true},
		}))
		if err == nil || !strings.Contains(err.Error(), "循环") {
			t.Fatalf("cycle accepted: %v", err)
		}
		_, err = db.Departments().ImportDepartments(ctx, spotcheck.SliceSource("d", []spotcheck.Department{
			{Code: "CCWL", Name: "丙", Parent: "NOPE", Division: "350103", Kind: spotcheck.DeptBureau, Active: true},
			{Code: "x", Name: "丁", Division: "999999", Kind: "处室", Active: true},
		}))
		ie := importErr(t, err)
		for _, w := range []string{"第3行 部门代码：“X”无效", "第3行 区划代码：“999999”不是已知的行政区划代码", "第3行 部门类型：“处室”无效"} {
			if !strings.Contains(ie.Error(), w) {
				t.Errorf("lack %q in %v", w, ie)
			}
		}
		if n, _ := db.Count(ctx, spotcheck.KindDepartments); n != 3 {
			t.Fatalf("%d departments, want the 3 seeded", n)
		}
	})
}

func TestImportInspectorsAndExperts(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		ins := []spotcheck.Inspector{
			{StaffID: "GL0001", Name: "李四", Dept: "GLWL", CertNo: "35010012345", CertExpiry: "2028-12-31", Lead: true,
				Leaves: []spotcheck.Leave{{From: "2026-03-01", To: "2026-03-10"}}, Active: true},
			{StaffID: "GL0002", Name: "王五", Dept: "NOPE", CertNo: "35010012346", CertExpiry: "2028-12-31", Active: true},
		}
		_, err := db.Inspectors().ImportInspectors(ctx, false, spotcheck.SliceSource("i", ins))
		if !strings.Contains(errString(err), "第3行 所属部门：部门代码“NOPE”不存在") {
			t.Fatalf("unknown dept: %v", err)
		}
		ins[1].Dept = "FZXF"
		if _, err := db.Inspectors().ImportInspectors(ctx, false, spotcheck.SliceSource("i", ins)); err != nil {
			t.Fatal(err)
		}
		got, err := db.Inspectors().FindInspectorByID(ctx, "GL0001")
		if err != nil || !got.Lead || got.Expert || len(got.Leaves) != 1 || got.Leaves[0].To != "2026-03-10" {
			t.Fatalf("inspector: %+v, %v", got, err)
		}
		// The same staff id cannot come back as an expert.
		exp := []spotcheck.Inspector{{StaffID: "GL0001", Name: "李四", Dept: "GLWL", Field: "消防安全", Active: true}}
		_, err = db.Inspectors().ImportInspectors(ctx, true, spotcheck.SliceSource("e", exp))
		if !strings.Contains(errString(err), "已是执法检查人员的工号") {
			t.Fatalf("kind switch: %v", err)
		}
		exp[0].StaffID = "ZJ0001"
		if _, err := db.Inspectors().ImportInspectors(ctx, true, spotcheck.SliceSource("e", exp)); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.Count(ctx, spotcheck.KindExperts); n != 1 {
			t.Fatalf("experts = %d", n)
		}
		var exported []string
		db.Inspectors().ExportInspectors(ctx, false, func(in *spotcheck.Inspector) error {
			exported = append(exported, in.StaffID)
			return nil
		})
		if strings.Join(exported, ",") != "GL0001,GL0002" {
			t.Fatalf("exported inspectors %v", exported)
		}
	})
}

func TestImportItemsVersions(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		it := spotcheck.Item{Code: "WL-LXS-001", Name: "旅行社经营许可情况检查", LegalBasis: "《旅行社条例》第六条",
			Body: "福州市文化和旅游局", TargetTypes: []string{"旅行社"}, Methods: []string{"M01"}, Ratio: "3%",
			Content: "是否取得旅行社业务经营许可证", Standards: "许可证真实有效并在经营场所悬挂",
			Frequency: 2, EffectiveFrom: "2026-01-01", Status: spotcheck.ItemActive}
		child := spotcheck.Item{Code: "WL-LXS-001-1", Name: "许可证悬挂", Body: "福州市文化和旅游局", Parent: "WL-LXS-001",
			EffectiveFrom: "2026-01-01", Status: spotcheck.ItemDraft}
		if _, err := db.Items().ImportItems(ctx, spotcheck.SliceSource("items", []spotcheck.Item{child, it})); err != nil {
			t.Fatalf("import: %v", err)
		}
		it.Ratio = "5%"
		sum, err := db.Items().ImportItems(ctx, spotcheck.SliceSource("items", []spotcheck.Item{it, child}))
		if err != nil || sum.Updated != 1 || sum.Unchanged != 1 {
			t.Fatalf("re-import %+v, %v", sum, err)
		}
		versions, err := db.Items().FindItemVersions(ctx, "WL-LXS-001")
		if err != nil || len(versions) != 2 || versions[0].Ratio != "3%" || versions[1].Ratio != "5%" || versions[1].Version != 2 {
			t.Fatalf("versions %+v, %v", versions, err)
		}
		cur, _ := db.Items().FindItemByCode(ctx, "WL-LXS-001")
		if cur.Version != 2 {
			t.Fatalf("current version %d", cur.Version)
		}
		noBasis := it
		noBasis.Code, noBasis.LegalBasis = "WL-X-1", ""
		orphan := child
		orphan.Code, orphan.Parent = "WL-X-2", "WL-NONE"
		_, err = db.Items().ImportItems(ctx, spotcheck.SliceSource("items", []spotcheck.Item{noBasis}))
		if !strings.Contains(errString(err), "第2行 检查依据：没有法律法规依据的事项不能启用") {
			t.Fatalf("no legal basis: %v", err)
		}
		_, err = db.Items().ImportItems(ctx, spotcheck.SliceSource("items", []spotcheck.Item{orphan}))
		if !strings.Contains(errString(err), "第2行 上级事项编码：事项“WL-NONE”不存在") {
			t.Fatalf("orphan: %v", err)
		}
		if n, _ := db.Count(ctx, spotcheck.KindItems); n != 2 {
			t.Fatalf("items = %d", n)
		}

		resp := []spotcheck.Responsibility{
			{Item: "WL-LXS-001", Dept: "FZWL", Role: spotcheck.RoleInitiate, Active: true},
			{Item: "WL-LXS-009", Dept: "FZXF", Role: spotcheck.RoleJoin, Active: true},
		}
		_, err = db.Responsibilities().ImportResponsibilities(ctx, spotcheck.SliceSource("r", resp))
		if !strings.Contains(errString(err), "第3行 事项编码：事项“WL-LXS-009”不存在") {
			t.Fatalf("unknown item: %v", err)
		}
		if _, err := db.Responsibilities().ImportResponsibilities(ctx, spotcheck.SliceSource("r", resp[:1])); err != nil {
			t.Fatal(err)
		}
	})
}

func TestImportAgenciesAndConflicts(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		ag := []spotcheck.Agency{{Code: code(t, "350100", "MA0000010"), Name: "示例会计师事务所", Field: "财务审计", Active: true}}
		if _, err := db.Agencies().ImportAgencies(ctx, spotcheck.SliceSource("a", ag)); err != nil {
			t.Fatal(err)
		}
		e := entity(t, "350102", "MA0000029", "乙（示例）")
		if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("e", []spotcheck.Entity{e})); err != nil {
			t.Fatal(err)
		}
		in := spotcheck.Inspector{StaffID: "GL0001", Name: "李四", Dept: "GLWL", CertNo: "1", CertExpiry: "2028-12-31", Active: true}
		if _, err := db.Inspectors().ImportInspectors(ctx, false, spotcheck.SliceSource("i", []spotcheck.Inspector{in})); err != nil {
			t.Fatal(err)
		}
		cs := []spotcheck.Conflict{
			{StaffID: "GL0001", EntityID: e.ID, Kind: spotcheck.ConflictDeclared, Reason: "亲属关系", From: "2026-01-01", Active: true},
			{StaffID: "GL0009", EntityID: "91350102MA00000000", Kind: spotcheck.ConflictRequested, Reason: "利害关系", From: "2026-01-01", Active: true},
		}
		_, err := db.Conflicts().ImportConflicts(ctx, spotcheck.SliceSource("c", cs))
		for _, w := range []string{"第3行 工号：人员“GL0009”不存在", "第3行 检查对象代码：检查对象“91350102MA00000000”不存在"} {
			if !strings.Contains(errString(err), w) {
				t.Errorf("lack %q in %v", w, err)
			}
		}
		if _, err := db.Conflicts().ImportConflicts(ctx, spotcheck.SliceSource("c", cs[:1])); err != nil {
			t.Fatal(err)
		}
		var got []spotcheck.Conflict
		db.Conflicts().ExportConflicts(ctx, func(c *spotcheck.Conflict) error { got = append(got, *c); return nil })
		if len(got) != 1 || got[0].Review != spotcheck.ReviewApproved || got[0].Reason != "亲属关系" {
			t.Fatalf("conflicts %+v", got)
		}
	})
}

func TestUsers(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		u := &spotcheck.User{Username: "planner", Name: "计划员", Dept: "FZWL", Roles: []string{spotcheck.RolePlanner}}
		if err := db.Accounts().CreateUser(ctx, u, "短"); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Fatalf("short password: %v", err)
		}
		if err := db.Accounts().CreateUser(ctx, u, "demo-password-1"); err != nil {
			t.Fatal(err)
		}
		if err := db.Accounts().CreateUser(ctx, u, "demo-password-1"); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Fatalf("duplicate user: %v", err)
		}
		if _, err := db.Accounts().Authenticate(ctx, "planner", "wrong-password", ""); spotcheck.ErrorCode(err) != spotcheck.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
		got, err := db.Accounts().Authenticate(ctx, "Planner", "demo-password-1", "")
		if err != nil || got.Dept != "FZWL" || got.Roles[0] != spotcheck.RolePlanner {
			t.Fatalf("authenticate: %+v, %v", got, err)
		}
	})
}

// Opening an existing database applies nothing twice.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := openDB(t, path)
	seedDepartments(t, db)
	db.Close()
	db2 := openDB(t, path)
	names, err := db2.Migrate(ctx)
	if err != nil || len(names) == 0 {
		t.Fatalf("migrate: %v %v", names, err)
	}
	if n, _ := db2.Count(ctx, spotcheck.KindDepartments); n != 3 {
		t.Fatalf("departments after reopen = %d", n)
	}
}
