package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// signedIn returns ctx with a signed-in user of dept holding roles.
func signedIn(t *testing.T, db *store.DB, dept string, roles ...string) context.Context {
	t.Helper()
	depts, err := db.Departments().FindDepartments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := spotcheck.User{Username: "u-" + strings.ToLower(dept), Name: "用户", Dept: dept, Roles: roles, Active: true}
	return spotcheck.NewContextWithPrincipal(ctx, spotcheck.NewPrincipal(u, depts))
}

func wantErr(t *testing.T, err error, code string) {
	if t.Helper(); spotcheck.ErrorCode(err) != code {
		t.Fatalf("error %v (code %q), want %s", err, spotcheck.ErrorCode(err), code)
	}
}

func entityNames(list []*spotcheck.Entity) string { // in list order, joined by commas
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Name
	}
	return strings.Join(out, ",")
}

// directory imports five entities: two in 鼓楼 (owned by GLWL), three
// elsewhere (owned by the city bureau FZWL).
func directory(t *testing.T, db *store.DB) []spotcheck.Entity {
	t.Helper()
	seedDepartments(t, db)
	es := []spotcheck.Entity{
		entity(t, "350102", "MA0000010", "甲旅行社（示例）"),
		entity(t, "350102", "MA0000029", "乙网吧（示例）"),
		entity(t, "350104", "MA0000037", "丙旅行社（示例）"),
		entity(t, "350105", "MA0000045", "丁酒店（示例）"),
		entity(t, "350111", "MA0000053", "戊网吧（示例）"),
	}
	es[1].Type, es[4].Type = "T06", "T06"
	es[2].Status = "停业"
	es[3].CreditClass, es[3].Key, es[3].KeyReason = "D", true, "信用风险高"
	es[4].Active = false
	if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("e", es)); err != nil {
		t.Fatal(err)
	}
	return es
}

func TestFindEntitiesFilters(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		directory(t, db)
		yes, no := true, false
		for _, c := range []struct {
			f    spotcheck.EntityFilter
			want string
		}{
			{spotcheck.EntityFilter{}, "甲旅行社（示例）,乙网吧（示例）,丙旅行社（示例）,丁酒店（示例）,戊网吧（示例）"},
			{spotcheck.EntityFilter{Type: "T06"}, "乙网吧（示例）,戊网吧（示例）"},
			{spotcheck.EntityFilter{Division: "350102"}, "甲旅行社（示例）,乙网吧（示例）"},
			{spotcheck.EntityFilter{Status: "停业"}, "丙旅行社（示例）"},
			{spotcheck.EntityFilter{CreditClass: "d"}, "丁酒店（示例）"},
			{spotcheck.EntityFilter{Key: &yes}, "丁酒店（示例）"},
			{spotcheck.EntityFilter{Active: &no}, "戊网吧（示例）"},
			{spotcheck.EntityFilter{Depts: []string{"GLWL"}}, "甲旅行社（示例）,乙网吧（示例）"},
			{spotcheck.EntityFilter{Depts: []string{}}, ""},
			{spotcheck.EntityFilter{Query: "旅行社"}, "甲旅行社（示例）,丙旅行社（示例）"},
			{spotcheck.EntityFilter{Query: "网吧", Active: &yes}, "乙网吧（示例）"},
			{spotcheck.EntityFilter{Query: "91350102MA"}, "甲旅行社（示例）,乙网吧（示例）"},
			{spotcheck.EntityFilter{Sort: "name"}, "丁酒店（示例）,丙旅行社（示例）,乙网吧（示例）,戊网吧（示例）,甲旅行社（示例）"},
			{spotcheck.EntityFilter{Query: "示例", Sort: "name", Offset: 1, Limit: 2}, "丙旅行社（示例）,乙网吧（示例）"},
			{spotcheck.EntityFilter{Offset: 3, Limit: 5}, "丁酒店（示例）,戊网吧（示例）"},
		} {
			list, err := db.Entities().FindEntities(ctx, c.f)
			if err != nil {
				t.Fatalf("%+v: %v", c.f, err)
			}
			if got := entityNames(list.Items); got != c.want {
				t.Errorf("%+v:\n got %s\nwant %s", c.f, got, c.want)
			}
			if n := strings.Count(c.want, ",") + 1; c.want != "" && c.f.Offset == 0 && c.f.Limit == 0 && (list.Total != n || list.More) {
				t.Errorf("%+v: total %d more %v, want %d", c.f, list.Total, list.More, n)
			}
		}
		if list, err := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Limit: 1000}); err != nil || list.Limit != 200 {
			t.Fatalf("limit capped: %+v, %v", list, err)
		}
		_, err := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Sort: "phone"})
		wantErr(t, err, spotcheck.EINVALID)

		// -updated: the most recently saved first.
		db.Now = func() time.Time { return time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC) }
		e, _ := db.Entities().FindEntityByID(ctx, code(t, "350105", "MA0000045"))
		e.Phone = "0591-1"
		if err := db.Entities().SaveEntity(ctx, e); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Sort: "-updated", Limit: 1}); entityNames(list.Items) != "丁酒店（示例）" {
			t.Fatalf("-updated: %s", entityNames(list.Items))
		}
	})
}

// A list counts up to MaxCount and says More beyond.
func TestFindEntitiesMore(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		var rows []spotcheck.Entity
		for i := range spotcheck.MaxCount + 1 {
			org := fmt.Sprintf("%08d", i)
			org += string(spotcheck.OrgCodeCheckChar(org))
			rows = append(rows, entity(t, "350102", org, fmt.Sprintf("批量%d（示例）", i)))
		}
		rows[7].Division = "350103"
		if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("big", rows)); err != nil {
			t.Fatal(err)
		}
		for _, f := range []spotcheck.EntityFilter{{}, {Query: "批量"}, {Query: "示例"}, {Query: "91350102"}, {Query: "批量", Active: new(true)}} {
			list, err := db.Entities().FindEntities(ctx, f)
			if err != nil || list.Total != spotcheck.MaxCount || !list.More || len(list.Items) != 20 {
				t.Fatalf("%+v: total %d more %v items %d, %v", f, list.Total, list.More, len(list.Items), err)
			}
		}
		for _, f := range []spotcheck.EntityFilter{{Division: "350102"}, {Division: "350102", Query: "批量"}} {
			list, err := db.Entities().FindEntities(ctx, f)
			if err != nil || list.Total != spotcheck.MaxCount || list.More {
				t.Fatalf("exactly MaxCount: %d %v %v", list.Total, list.More, err)
			}
		}
		list, err := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Query: "批量99"})
		if err != nil || list.Total != 111 || list.More { // 99, 990–999, 9900–9999
			t.Fatalf("批量99: %d %v %v", list.Total, list.More, err)
		}
	})
}

func TestDirectoryScope(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		in := []spotcheck.Inspector{
			{StaffID: "GL0001", Name: "李四", Dept: "GLWL", CertNo: "1", CertExpiry: "2028-12-31", Active: true},
			{StaffID: "FZ0001", Name: "王五", Dept: "FZWL", CertNo: "2", CertExpiry: "2028-12-31", Active: true},
		}
		cs := []spotcheck.Conflict{
			{StaffID: "GL0001", EntityID: es[0].ID, Kind: spotcheck.ConflictDeclared, Reason: "亲属", From: "2026-01-01", Active: true},
			{StaffID: "GL0001", EntityID: es[2].ID, Kind: spotcheck.ConflictDeclared, Reason: "亲属", From: "2026-01-01", Active: true},
		}
		_, err := db.Inspectors().ImportInspectors(ctx, false, spotcheck.SliceSource("i", in))
		if _, err2 := db.Conflicts().ImportConflicts(ctx, spotcheck.SliceSource("c", cs)); err != nil || err2 != nil {
			t.Fatal(err, err2)
		}
		district := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		list, err := db.Entities().FindEntities(district, spotcheck.EntityFilter{})
		if err != nil || entityNames(list.Items) != "甲旅行社（示例）,乙网吧（示例）" || list.Total != 2 {
			t.Fatalf("district sees %s (%d), %v", entityNames(list.Items), list.Total, err)
		}
		// A filter cannot widen the scope.
		list, _ = db.Entities().FindEntities(district, spotcheck.EntityFilter{Depts: []string{"FZWL", "GLWL"}, Query: "旅行社"})
		if entityNames(list.Items) != "甲旅行社（示例）" {
			t.Fatalf("district search: %s", entityNames(list.Items))
		}
		// Another district's entity is answered as a missing one, in the
		// same words.
		_, err = db.Entities().FindEntityByID(district, es[2].ID)
		wantErr(t, err, spotcheck.ENOTFOUND)
		if _, missing := db.Entities().FindEntityByID(ctx, "91350102MA00000000"); strings.ReplaceAll(spotcheck.ErrorMessage(missing),
			"91350102MA00000000", es[2].ID) != spotcheck.ErrorMessage(err) {
			t.Fatalf("hidden %q, missing %q", spotcheck.ErrorMessage(err), spotcheck.ErrorMessage(missing))
		}
		_, err = db.Entities().FindEntityByID(district, "91350102MA00000000")
		wantErr(t, err, spotcheck.ENOTFOUND)
		city := signedIn(t, db, "FZWL", spotcheck.RolePlanner)
		if list, _ := db.Entities().FindEntities(city, spotcheck.EntityFilter{}); list.Total != 5 {
			t.Fatalf("city sees %d", list.Total)
		}

		ins, err := db.Inspectors().FindInspectors(district, spotcheck.InspectorFilter{})
		if err != nil || len(ins.Items) != 1 || ins.Items[0].StaffID != "GL0001" {
			t.Fatalf("district inspectors %+v, %v", ins, err)
		}
		_, err = db.Inspectors().FindInspectorByID(district, "FZ0001")
		wantErr(t, err, spotcheck.ENOTFOUND)
		con, err := db.Conflicts().FindConflicts(district, spotcheck.ConflictFilter{StaffID: "GL0001"})
		if err != nil || con.Total != 1 || con.Items[0].EntityID != es[0].ID {
			t.Fatalf("district conflicts %+v, %v", con, err)
		}
		var exported []string
		if err := db.Entities().ExportEntities(district, func(e *spotcheck.Entity) error {
			exported = append(exported, e.Name)
			return nil
		}); err != nil || len(exported) != 2 {
			t.Fatalf("district export %v, %v", exported, err)
		}

		// Roles: an agency's staff sees the lists but not the directories.
		agency := signedIn(t, db, "FZWL", spotcheck.RoleAgency)
		_, err = db.Entities().FindEntities(agency, spotcheck.EntityFilter{})
		wantErr(t, err, spotcheck.EFORBIDDEN)
		_, err = db.Entities().FindEntityByID(agency, es[0].ID)
		wantErr(t, err, spotcheck.EFORBIDDEN)
		// The public portal's visitor has no department: no scoped record.
		public := spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
		if list, err := db.Responsibilities().FindResponsibilities(public, spotcheck.ResponsibilityFilter{}); err != nil || list.Total != 0 {
			t.Fatalf("public responsibilities %+v, %v", list, err)
		}
	})
}

func TestSaveEntity(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		e := entity(t, "350102", "MA0000061", "新建旅行社（示例）")
		if err := db.Entities().SaveEntity(admin, &e); err != nil {
			t.Fatal(err)
		}
		if e.Version != 1 || e.Dept != "GLWL" || e.CreatedAt.IsZero() {
			t.Fatalf("created %+v", e)
		}
		again := entity(t, "350102", "MA0000061", "重复（示例）")
		wantErr(t, db.Entities().SaveEntity(admin, &again), spotcheck.ECONFLICT)

		e.Phone = "0591-87654321"
		if err := db.Entities().SaveEntity(admin, &e); err != nil || e.Version != 2 {
			t.Fatalf("update: v%d, %v", e.Version, err)
		}
		stale := e
		stale.Version = 1
		err := db.Entities().SaveEntity(admin, &stale)
		wantErr(t, err, spotcheck.ECONFLICT)
		if !strings.Contains(spotcheck.ErrorMessage(err), "已被他人修改") {
			t.Fatalf("stale message %q", spotcheck.ErrorMessage(err))
		}
		missing := entity(t, "350102", "MA0000070", "不存在（示例）")
		missing.Version = 3
		wantErr(t, db.Entities().SaveEntity(admin, &missing), spotcheck.ENOTFOUND)

		bad := e
		bad.CreditClass, bad.Name = "E", ""
		err = db.Entities().SaveEntity(admin, &bad)
		var inv *spotcheck.InvalidError
		if !errors.As(err, &inv) || spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Fatalf("invalid: %v", err)
		}
		var fields []string
		for _, p := range inv.Fields {
			fields = append(fields, p.Field)
		}
		if slices.Sort(fields); strings.Join(fields, ",") != "credit_class,name" {
			t.Fatalf("fields %v", fields)
		}

		e.Active = false
		if err := db.Entities().SaveEntity(admin, &e); err != nil {
			t.Fatal(err)
		}
		e.Active = true
		if err := db.Entities().SaveEntity(admin, &e); err != nil {
			t.Fatal(err)
		}
		// Saving what is stored records nothing.
		if err := db.Entities().SaveEntity(admin, &e); err != nil || e.Version != 4 {
			t.Fatalf("no-op save: v%d, %v", e.Version, err)
		}
		changes, err := db.FindRecordChanges(ctx, "entity", e.ID)
		var actions []string
		for _, c := range changes {
			actions = append(actions, c.Action)
			if c.Actor != "u-glwl" {
				t.Errorf("actor %q", c.Actor)
			}
		}
		if err != nil || strings.Join(actions, ",") != "create,update,deactivate,reactivate" {
			t.Fatalf("actions %v, %v", actions, err)
		}

		// Authorisation: another district's entity (as if it did not
		// exist; creating it anew finds it taken), moving one out of the
		// scope, or a role without the edit permission.
		other, _ := db.Entities().FindEntityByID(ctx, es[2].ID)
		other.Phone = "1"
		err = db.Entities().SaveEntity(admin, other)
		wantErr(t, err, spotcheck.ENOTFOUND)
		if msg := spotcheck.ErrorMessage(err); msg != "检查对象“"+es[2].ID+"”不存在" {
			t.Fatalf("hidden entity: %q", msg)
		}
		other.Version = 0
		err = db.Entities().SaveEntity(admin, other)
		if wantErr(t, err, spotcheck.ECONFLICT); strings.Contains(spotcheck.ErrorMessage(err), "FZWL") {
			t.Fatalf("create over a hidden entity: %q", spotcheck.ErrorMessage(err))
		}
		e.Division = "350104"
		wantErr(t, db.Entities().SaveEntity(admin, &e), spotcheck.EFORBIDDEN)
		planner := signedIn(t, db, "GLWL", spotcheck.RolePlanner)
		n := entity(t, "350102", "MA0000088", "计划员新建（示例）")
		wantErr(t, db.Entities().SaveEntity(planner, &n), spotcheck.EFORBIDDEN)
		city := signedIn(t, db, "FZWL", spotcheck.RoleDeptAdmin)
		if err := db.Entities().SaveEntity(city, &e); err != nil || e.Dept != "FZWL" {
			t.Fatalf("city moves it: %+v, %v", e, err)
		}
	})
}

func TestImportScope(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		rows := []spotcheck.Entity{entity(t, "350102", "MA0000061", "本区（示例）"), entity(t, "350104", "MA0000070", "外区（示例）")}
		_, err := db.Entities().ImportEntities(admin, spotcheck.SliceSource("e", rows))
		if !strings.Contains(errString(err), "第3行 区划代码：“350104”不在您的管辖范围") {
			t.Fatalf("out of scope row: %v", err)
		}
		// Moving an entity of another bureau into the district is refused
		// too, without saying whose it is.
		moved := es[2]
		moved.Division = "350102"
		_, err = db.Entities().ImportEntities(admin, spotcheck.SliceSource("e", []spotcheck.Entity{moved}))
		if msg := errString(err); !strings.Contains(msg, "第2行 统一社会信用代码：检查对象“"+moved.ID+"”已由其他部门登记") ||
			strings.Contains(msg, "FZWL") {
			t.Fatalf("move in: %v", err)
		}
		if _, err := db.Entities().ImportEntities(admin, spotcheck.SliceSource("e", rows[:1])); err != nil {
			t.Fatal(err)
		}
		_, err = db.Entities().ImportEntities(signedIn(t, db, "GLWL", spotcheck.RolePlanner), spotcheck.SliceSource("e", rows[:1]))
		wantErr(t, err, spotcheck.EFORBIDDEN)
		in := []spotcheck.Inspector{{StaffID: "FZ0009", Name: "赵六", Dept: "FZWL", CertNo: "9", CertExpiry: "2028-12-31", Active: true}}
		_, err = db.Inspectors().ImportInspectors(admin, false, spotcheck.SliceSource("i", in))
		if !strings.Contains(errString(err), "第2行 所属部门：“FZWL”不在您的管辖范围") {
			t.Fatalf("inspector scope: %v", err)
		}
		_, err = db.Departments().ImportDepartments(admin, spotcheck.SliceSource("d", []spotcheck.Department{
			{Code: "GLKS", Name: "鼓楼科室", Parent: "GLWL", Division: "350102", Kind: spotcheck.DeptOffice, Active: true}}))
		wantErr(t, err, spotcheck.EFORBIDDEN) // departments are the system admin's
	})
}

func TestFindChanges(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		for i, name := range []string{"甲旅行社更名（示例）", "甲旅行社再更名（示例）"} {
			e, _ := db.Entities().FindEntityByID(ctx, es[0].ID)
			e.Name = name
			if err := db.Entities().SaveEntity(ctx, e); err != nil {
				t.Fatal(i, err)
			}
		}
		c, _ := db.Entities().FindEntityByID(ctx, es[2].ID)
		c.Phone = "2"
		if err := db.Entities().SaveEntity(ctx, c); err != nil {
			t.Fatal(err)
		}
		auditor := signedIn(t, db, "FZWL", spotcheck.RoleAuditAdmin)
		list, err := db.Changes().FindChanges(auditor, spotcheck.ChangeFilter{})
		if err != nil || list.Total != 3 || list.Items[0].Key != es[2].ID || list.Items[2].Version != 2 {
			t.Fatalf("audit trail %+v, %v", list, err)
		}
		list, _ = db.Changes().FindChanges(auditor, spotcheck.ChangeFilter{Kind: "entity", Key: es[0].ID, Limit: 1, Offset: 1})
		if list.Total != 2 || len(list.Items) != 1 || !strings.Contains(list.Items[0].After, "甲旅行社更名") {
			t.Fatalf("paged history %+v", list)
		}
		district := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		_, err = db.Changes().FindChanges(district, spotcheck.ChangeFilter{})
		wantErr(t, err, spotcheck.EFORBIDDEN)
		if list, err := db.Changes().FindChanges(district, spotcheck.ChangeFilter{Kind: "entity", Key: es[0].ID}); err != nil || list.Total != 2 {
			t.Fatalf("own record's history %+v, %v", list, err)
		}
		_, err = db.Changes().FindChanges(district, spotcheck.ChangeFilter{Kind: "entity", Key: es[2].ID})
		wantErr(t, err, spotcheck.ENOTFOUND)
		_, err = db.Changes().FindChanges(district, spotcheck.ChangeFilter{Kind: "user", Key: "u-glwl"})
		wantErr(t, err, spotcheck.EFORBIDDEN)
	})
}

func TestSaveAndFindLists(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		city := signedIn(t, db, "FZWL", spotcheck.RoleDeptAdmin)

		in := spotcheck.Inspector{StaffID: "GL0001", Name: "李四", Dept: "GLWL", CertNo: "1", CertExpiry: "2028-12-31", Active: true}
		ex := spotcheck.Inspector{StaffID: "ZJ0001", Name: "钱七", Dept: "GLWL", Expert: true, Field: "消防", Active: true}
		if err := errors.Join(db.Inspectors().SaveInspector(admin, &in), db.Inspectors().SaveInspector(admin, &ex)); err != nil {
			t.Fatalf("inspectors: %v", err)
		}
		in.Expert = true
		if err := db.Inspectors().SaveInspector(admin, &in); !strings.Contains(errString(err), "已是执法检查人员的工号") {
			t.Fatalf("kind switch: %v", err)
		}
		yes := true
		if l, err := db.Inspectors().FindInspectors(admin, spotcheck.InspectorFilter{Expert: &yes}); err != nil || l.Total != 1 || l.Items[0].StaffID != "ZJ0001" {
			t.Fatalf("experts %+v %v", l, err)
		}
		if l, _ := db.Inspectors().FindInspectors(admin, spotcheck.InspectorFilter{Query: "gl00"}); l.Total != 1 {
			t.Fatalf("staff id prefix: %d", l.Total)
		}

		// Agencies and new items are city-wide: the city bureau keeps them.
		ag := spotcheck.Agency{Code: code(t, "350100", "MA0000010"), Name: "示例会计师事务所", Field: "财务审计", Active: true}
		if err := db.Agencies().SaveAgency(city, &ag); err != nil {
			t.Fatal(err)
		} else if l, err := db.Agencies().FindAgencies(admin, spotcheck.AgencyFilter{Query: "会计"}); err != nil || l.Total != 1 {
			t.Fatalf("agencies %+v %v", l, err)
		}

		it := spotcheck.Item{Code: "WL-LXS-001", Name: "旅行社经营许可检查", Body: "福州市文化和旅游局",
			TargetTypes: []string{"T01"}, EffectiveFrom: "2026-01-01"}
		web := spotcheck.Item{Code: "WL-WB-001", Name: "网吧检查", Body: "福州市文化和旅游局", Class: spotcheck.ClassKey,
			TargetTypes: []string{"T06", "T07"}, EffectiveFrom: "2026-01-01"}
		if err := errors.Join(db.Items().SaveItem(city, &it), db.Items().SaveItem(city, &web)); err != nil || it.Version != 1 {
			t.Fatalf("items: %v", err)
		}
		r := spotcheck.Responsibility{Item: "WL-LXS-001", Dept: "FZWL", Role: spotcheck.RoleInitiate, Active: true}
		wantErr(t, db.Responsibilities().SaveResponsibility(admin, &r), spotcheck.EFORBIDDEN)
		if err := db.Responsibilities().SaveResponsibility(city, &r); err != nil {
			t.Fatal(err)
		}
		it.Ratio = "3%" // the item is now the city bureau's to edit; a change is a new version
		wantErr(t, db.Items().SaveItem(admin, &it), spotcheck.EFORBIDDEN)
		if err := db.Items().SaveItem(city, &it); err != nil || it.Version != 2 {
			t.Fatalf("item v2: %d %v", it.Version, err)
		}
		stale := it
		stale.Version = 1
		wantErr(t, db.Items().SaveItem(city, &stale), spotcheck.ECONFLICT)
		child := spotcheck.Item{Code: "WL-X-1", Name: "子项", Body: "局", Parent: "WL-NONE", EffectiveFrom: "2026-01-01"}
		var inv *spotcheck.InvalidError
		if err := db.Items().SaveItem(city, &child); !errors.As(err, &inv) || inv.Fields[0].Field != "parent" {
			t.Fatalf("orphan item: %v", err)
		}
		if vs, err := db.Items().FindItemVersions(city, "WL-LXS-001"); err != nil || len(vs) != 2 {
			t.Fatalf("versions %d %v", len(vs), err)
		}
		for _, c := range []struct {
			f    spotcheck.ItemFilter
			want int
		}{
			{spotcheck.ItemFilter{}, 2}, {spotcheck.ItemFilter{TargetType: "T07"}, 1}, {spotcheck.ItemFilter{TargetType: "T0"}, 0},
			{spotcheck.ItemFilter{Class: spotcheck.ClassKey}, 1}, {spotcheck.ItemFilter{Status: spotcheck.ItemDraft}, 2},
			{spotcheck.ItemFilter{Dept: "FZWL"}, 1}, {spotcheck.ItemFilter{Query: "wl-wb"}, 1}, {spotcheck.ItemFilter{Query: "许可"}, 1},
		} {
			if l, err := db.Items().FindItems(admin, c.f); err != nil || l.Total != c.want {
				t.Errorf("%+v: %d, %v", c.f, l.Total, err)
			}
		}
		// The responsibility list is published whole; only edits are scoped.
		if l, _ := db.Responsibilities().FindResponsibilities(admin, spotcheck.ResponsibilityFilter{Item: "WL-LXS-001"}); l.Total != 1 {
			t.Fatalf("district does not see the city's responsibility")
		}
		rs := l0(db.Responsibilities().FindResponsibilities(admin, spotcheck.ResponsibilityFilter{Item: "WL-LXS-001"}))
		rs.Note = "区局改动"
		if err := db.Responsibilities().SaveResponsibility(admin, rs); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Fatalf("district edits the city's responsibility: %v", err)
		}
		if l, _ := db.Responsibilities().FindResponsibilities(city, spotcheck.ResponsibilityFilter{Item: "wl-lxs-001"}); l.Total != 1 {
			t.Fatalf("city responsibilities %d", l.Total)
		}

		c := spotcheck.Conflict{StaffID: "GL0001", EntityID: es[0].ID, Kind: spotcheck.ConflictDeclared, Reason: "亲属", From: "2026-01-01", Active: true}
		if err := db.Conflicts().SaveConflict(admin, &c); err != nil || c.Review != spotcheck.ReviewApproved {
			t.Fatalf("conflict: %+v %v", c, err)
		}
		other := c
		other.EntityID, other.Version = es[2].ID, 0 // an entity of the city bureau, unknown to the district
		if err := db.Conflicts().SaveConflict(admin, &other); !strings.Contains(errString(err), "检查对象“"+es[2].ID+"”不存在") {
			t.Fatalf("conflict with a hidden entity: %v", err)
		}
		if l, err := db.Conflicts().FindConflicts(admin, spotcheck.ConflictFilter{Review: spotcheck.ReviewApproved}); err != nil || l.Total != 1 {
			t.Fatalf("conflicts %+v %v", l, err)
		}
	})
}

func TestSaveDepartment(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		sys := signedIn(t, db, "FZWL", spotcheck.RoleSystemAdmin)
		// A bureau for 仓山 takes over its entities from the city bureau.
		d := spotcheck.Department{Code: "CSWL", Name: "仓山区文旅局", Parent: "FZWL", Division: "350104", Kind: spotcheck.DeptBureau, Active: true}
		if err := db.Departments().SaveDepartment(sys, &d); err != nil {
			t.Fatal(err)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, es[2].ID); e.Dept != "CSWL" {
			t.Fatalf("仓山 entity owned by %s", e.Dept)
		}
		d.Active = false
		sys = signedIn(t, db, "FZWL", spotcheck.RoleSystemAdmin) // the scope is resolved at sign-in
		if err := db.Departments().SaveDepartment(sys, &d); err != nil {
			t.Fatal(err)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, es[2].ID); e.Dept != "FZWL" {
			t.Fatalf("after deactivation owned by %s", e.Dept)
		}
		root, _ := db.Departments().FindDepartmentByCode(sys, "FZWL")
		root.Parent = "CSWL"
		var inv *spotcheck.InvalidError
		if err := db.Departments().SaveDepartment(sys, root); !errors.As(err, &inv) || inv.Fields[0].Field != "parent" || !strings.Contains(err.Error(), "循环") {
			t.Fatalf("cycle: %v", err)
		}
		top := spotcheck.Department{Code: "XMWL", Name: "厦门", Division: "350100", Kind: spotcheck.DeptBureau, Active: true}
		wantErr(t, db.Departments().SaveDepartment(sys, &top), spotcheck.EFORBIDDEN)
		district := signedIn(t, db, "GLWL", spotcheck.RoleSystemAdmin)
		gl, _ := db.Departments().FindDepartmentByCode(district, "GLWL")
		gl.Name = "鼓楼区文体旅局（新）"
		if err := db.Departments().SaveDepartment(district, gl); err != nil {
			t.Fatal(err)
		}
		fz, _ := db.Departments().FindDepartmentByCode(district, "FZWL")
		fz.Name = "改名"
		wantErr(t, db.Departments().SaveDepartment(district, fz), spotcheck.EFORBIDDEN)
		wantErr(t, db.Departments().SaveDepartment(signedIn(t, db, "FZWL", spotcheck.RoleDeptAdmin), gl), spotcheck.EFORBIDDEN)
	})
}

// l0 returns the first item of a list result.
func l0[T any](l spotcheck.List[T], err error) T {
	var zero T
	if err != nil || len(l.Items) == 0 {
		return zero
	}
	return l.Items[0]
}
