package store_test

import (
	"context"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// The tests of this file try, as a district, to take over or hand away
// what another department keeps (issue 8, item 4), and check that what a
// user may not see is answered as if it did not exist (item 10).

// cityItem saves an item that the city bureau initiates (发起).
func cityItem(t *testing.T, db *store.DB, city context.Context, code string) {
	t.Helper()
	it := &spotcheck.Item{Code: code, Name: "旅行社经营行为检查", LegalBasis: "《旅行社条例》", Body: "福州市文化和旅游局",
		TargetTypes: []string{"T01"}, EffectiveFrom: "2026-01-01"}
	if err := db.Items().SaveItem(city, it); err != nil {
		t.Fatal(err)
	}
	r := &spotcheck.Responsibility{Item: code, Dept: "FZWL", Role: spotcheck.RoleInitiate, Active: true}
	if err := db.Responsibilities().SaveResponsibility(city, r); err != nil {
		t.Fatal(err)
	}
}

// keepers returns the departments that initiate item, joined by commas.
func keepers(t *testing.T, db *store.DB, item string) string {
	t.Helper()
	l, err := db.Responsibilities().FindResponsibilities(ctx, spotcheck.ResponsibilityFilter{Item: item})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range l.Items {
		if r.Active && r.Role == spotcheck.RoleInitiate {
			out = append(out, r.Dept)
		}
	}
	return strings.Join(out, ",")
}

// The attack: a district admin makes itself an initiator of a city
// item and then rewrites the item's legal basis.
func TestDistrictCannotTakeOverCityItem(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		city := signedIn(t, db, "FZWL", spotcheck.RoleDeptAdmin)
		gl := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		cityItem(t, db, city, "WL-CB-001")

		grab := spotcheck.Responsibility{Item: "WL-CB-001", Dept: "GLWL", Role: spotcheck.RoleInitiate, Active: true}
		wantErr(t, db.Responsibilities().SaveResponsibility(gl, &grab), spotcheck.EFORBIDDEN)
		it, _ := db.Items().FindItemByCode(gl, "WL-CB-001")
		it.LegalBasis = "篡改的依据"
		wantErr(t, db.Items().SaveItem(gl, it), spotcheck.EFORBIDDEN)
		// Joining the city's item is the district's own business; turning
		// the join into an initiation is not, by a save or by an import.
		join := spotcheck.Responsibility{Item: "WL-CB-001", Dept: "GLWL", Role: spotcheck.RoleJoin, Active: true}
		if err := db.Responsibilities().SaveResponsibility(gl, &join); err != nil {
			t.Fatal(err)
		}
		join.Role = spotcheck.RoleInitiate
		wantErr(t, db.Responsibilities().SaveResponsibility(gl, &join), spotcheck.EFORBIDDEN)
		_, err := db.Responsibilities().ImportResponsibilities(gl, spotcheck.SliceSource("r", []spotcheck.Responsibility{
			{Item: "WL-CB-001", Dept: "GLWL", Role: spotcheck.RoleInitiate, Active: true}}))
		if !strings.Contains(errString(err), "第2行 职责：事项“WL-CB-001”由“FZWL”发起，只有其发起部门可以指定或变更发起部门") {
			t.Fatalf("import of an initiation: %v", err)
		}
		if k := keepers(t, db, "WL-CB-001"); k != "FZWL" {
			t.Fatalf("initiators after the attempts: %s", k)
		}
		if it, _ := db.Items().FindItemByCode(ctx, "WL-CB-001"); it.Version != 1 || it.LegalBasis != "《旅行社条例》" {
			t.Fatalf("the item changed: %+v", it)
		}

		// The city makes the district a co-initiator: the district now
		// edits the item, but may neither drop the city's initiation (to
		// keep the item alone) nor its own (handing it back).
		join = *l0(db.Responsibilities().FindResponsibilities(ctx, spotcheck.ResponsibilityFilter{Item: "WL-CB-001", Dept: "GLWL"}))
		join.Role = spotcheck.RoleInitiate
		if err := db.Responsibilities().SaveResponsibility(city, &join); err != nil {
			t.Fatal(err)
		}
		it, _ = db.Items().FindItemByCode(gl, "WL-CB-001")
		it.Standards = "区局补充的要点"
		if err := db.Items().SaveItem(gl, it); err != nil {
			t.Fatalf("co-initiator edits the item: %v", err)
		}
		fz := l0(db.Responsibilities().FindResponsibilities(ctx, spotcheck.ResponsibilityFilter{Item: "WL-CB-001", Dept: "FZWL"}))
		fz.Active = false
		wantErr(t, db.Responsibilities().SaveResponsibility(gl, fz), spotcheck.EFORBIDDEN)
		join.Active = false
		wantErr(t, db.Responsibilities().SaveResponsibility(gl, &join), spotcheck.EFORBIDDEN)
		if k := keepers(t, db, "WL-CB-001"); k != "FZWL,GLWL" {
			t.Fatalf("initiators: %s", k)
		}
		// The city may hand the item to the district.
		if err := db.Responsibilities().SaveResponsibility(city, fz); err != nil {
			t.Fatal(err)
		}
		if k := keepers(t, db, "WL-CB-001"); k != "GLWL" {
			t.Fatalf("initiators: %s", k)
		}
	})
}

// An item nobody initiates, new ones included, is the city bureau's.
func TestItemWithoutInitiatorIsCityWide(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		city := signedIn(t, db, "FZWL", spotcheck.RoleDeptAdmin)
		gl := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		it := spotcheck.Item{Code: "WL-NEW-001", Name: "新事项", Body: "局", TargetTypes: []string{"T01"}, EffectiveFrom: "2026-01-01"}
		wantErr(t, db.Items().SaveItem(gl, &it), spotcheck.EFORBIDDEN)
		// Refused before validation: a district learns nothing by trying.
		wantErr(t, db.Items().SaveItem(gl, &spotcheck.Item{Code: "WL-NEW-002"}), spotcheck.EFORBIDDEN)
		if err := db.Items().SaveItem(city, &it); err != nil {
			t.Fatal(err)
		}
		it.Name = "区局改名"
		err := db.Items().SaveItem(gl, &it)
		if wantErr(t, err, spotcheck.EFORBIDDEN); !strings.Contains(spotcheck.ErrorMessage(err), "尚无发起部门，由市局统一维护") {
			t.Fatalf("message %q", spotcheck.ErrorMessage(err))
		}
		grab := spotcheck.Responsibility{Item: "WL-NEW-001", Dept: "GLWL", Role: spotcheck.RoleInitiate, Active: true}
		wantErr(t, db.Responsibilities().SaveResponsibility(gl, &grab), spotcheck.EFORBIDDEN)
		_, err = db.Items().ImportItems(gl, spotcheck.SliceSource("i", []spotcheck.Item{{Code: "WL-NEW-003", Name: "导入", Body: "局",
			TargetTypes: []string{"T01"}, EffectiveFrom: "2026-01-01"}}))
		if !strings.Contains(errString(err), "由市局统一维护") {
			t.Fatalf("import of a new item by a district: %v", err)
		}
		if err := db.Responsibilities().SaveResponsibility(city, &grab); err != nil {
			t.Fatal(err)
		}
		if err := db.Items().SaveItem(gl, &it); err != nil {
			t.Fatalf("the initiator edits its item: %v", err)
		}
	})
}

// Any district admin could edit or deactivate the city's 专业机构.
func TestAgenciesAreTheCitys(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		city := signedIn(t, db, "FZWL", spotcheck.RoleDeptAdmin)
		for _, who := range []struct{ dept, name string }{{"GLWL", "district"}, {"FZXF", "partner below the city"}} {
			t.Run(who.name, func(t *testing.T) {
				other := signedIn(t, db, who.dept, spotcheck.RoleDeptAdmin)
				a := spotcheck.Agency{Code: code(t, "350100", map[string]string{"GLWL": "MA0000010", "FZXF": "MA0000029"}[who.dept]),
					Name: "示例事务所", Field: "财务审计", Active: true}
				if err := db.Agencies().SaveAgency(city, &a); err != nil {
					t.Fatal(err)
				}
				edit := a
				edit.Phone = "0591-1"
				wantErr(t, db.Agencies().SaveAgency(other, &edit), spotcheck.EFORBIDDEN)
				edit = a
				edit.Active = false
				wantErr(t, db.Agencies().SaveAgency(other, &edit), spotcheck.EFORBIDDEN)
				wantErr(t, db.Agencies().SaveAgency(other, &spotcheck.Agency{Name: "无代码"}), spotcheck.EFORBIDDEN)
				_, err := db.Agencies().ImportAgencies(other, spotcheck.SliceSource("a", []spotcheck.Agency{edit}))
				if !strings.Contains(errString(err), "由市局统一维护") {
					t.Fatalf("import: %v", err)
				}
				if got, _ := db.Agencies().FindAgencyByCode(ctx, a.Code); got.Version != 1 || !got.Active {
					t.Fatalf("the agency changed: %+v", got)
				}
				edit.Active = true
				edit.Phone = "0591-2"
				if err := db.Agencies().SaveAgency(city, &edit); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

// A change of the department tree that would pass entities from or to a
// bureau outside the system admin's scope is refused.
func TestDepartmentChangesMoveNoEntitiesAcrossTheScope(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db) // es[2] of 仓山 350104, owned by the city bureau
		sys := signedIn(t, db, "GLWL", spotcheck.RoleSystemAdmin)
		steal := spotcheck.Department{Code: "GLCS", Name: "鼓楼派驻仓山", Parent: "GLWL", Division: "350104",
			Kind: spotcheck.DeptBureau, Active: true}
		err := db.Departments().SaveDepartment(sys, &steal)
		if wantErr(t, err, spotcheck.EFORBIDDEN); !strings.Contains(spotcheck.ErrorMessage(err), "区划“350104”") {
			t.Fatalf("message %q", spotcheck.ErrorMessage(err))
		}
		_, err = db.Departments().ImportDepartments(sys, spotcheck.SliceSource("d", []spotcheck.Department{steal}))
		wantErr(t, err, spotcheck.EFORBIDDEN)
		gl, _ := db.Departments().FindDepartmentByCode(sys, "GLWL")
		gl.Active = false // its entities would fall to the city bureau
		wantErr(t, db.Departments().SaveDepartment(sys, gl), spotcheck.EFORBIDDEN)
		gl, _ = db.Departments().FindDepartmentByCode(sys, "GLWL")
		gl.Division = "350104" // 鼓楼's entities to the city, 仓山's to 鼓楼
		wantErr(t, db.Departments().SaveDepartment(sys, gl), spotcheck.EFORBIDDEN)
		if e, _ := db.Entities().FindEntityByID(ctx, es[2].ID); e.Dept != "FZWL" {
			t.Fatalf("仓山 entity owned by %s", e.Dept)
		}
		if e, _ := db.Entities().FindEntityByID(ctx, es[0].ID); e.Dept != "GLWL" {
			t.Fatalf("鼓楼 entity owned by %s", e.Dept)
		}
		if _, err := db.Departments().FindDepartmentByCode(ctx, "GLCS"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("GLCS was kept: %v", err)
		}
		// An office of its own that moves no entity is the district's to add.
		office := spotcheck.Department{Code: "GLKS", Name: "鼓楼执法科", Parent: "GLWL", Division: "350102",
			Kind: spotcheck.DeptOffice, Active: true}
		if err := db.Departments().SaveDepartment(sys, &office); err != nil {
			t.Fatal(err)
		}
	})
}

// A district's security admin keeps the accounts of its district only; the
// city's keeps every account, a partner department's (a root of its own)
// included.
func TestAccountsBelongToTheirDepartment(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		if _, err := db.Departments().ImportDepartments(ctx, spotcheck.SliceSource("d", []spotcheck.Department{
			{Code: "FZGA", Name: "福州市公安局", Division: "350100", Kind: spotcheck.DeptPartner, Active: true}})); err != nil {
			t.Fatal(err)
		}
		glsec := spotcheck.User{Username: "glsec", Name: "区安全管理员", Dept: "GLWL", Roles: []string{spotcheck.RoleSecurityAdmin}}
		if err := db.Accounts().CreateUser(ctx, &glsec, pw); err != nil {
			t.Fatal(err)
		}
		district := as(t, db, "glsec")
		boss := &spotcheck.User{Username: "boss", Name: "市局管理员", Dept: "FZWL", Roles: []string{spotcheck.RoleDeptAdmin}}
		wantCode(t, "create in the city", db.Accounts().CreateUser(district, boss, pw), spotcheck.EFORBIDDEN, "")
		planner, _ := db.Accounts().FindUserByUsername(ctx, "planner") // of GLWL
		planner.Dept = "FZWL"
		wantCode(t, "move up to the city", db.Accounts().UpdateUser(district, planner), spotcheck.EFORBIDDEN, "")
		auditor, _ := db.Accounts().FindUserByUsername(ctx, "auditor")
		auditor.Name = "改名"
		wantCode(t, "edit a city account", db.Accounts().UpdateUser(district, auditor), spotcheck.EFORBIDDEN, "")
		wantCode(t, "reset a city password", db.Accounts().SetPassword(district, "secadmin", "taken-over-2026"), spotcheck.EFORBIDDEN, "")
		if u, _ := db.Accounts().FindUserByUsername(ctx, "planner"); u.Dept != "GLWL" {
			t.Fatalf("planner moved to %s", u.Dept)
		}
		mine := &spotcheck.User{Username: "glinsp", Name: "区检查员", Dept: "GLWL", Roles: []string{spotcheck.RoleInspector}}
		if err := db.Accounts().CreateUser(district, mine, pw); err != nil {
			t.Fatal(err)
		}
		liaison := &spotcheck.User{Username: "police", Name: "公安联络员", Dept: "FZGA", Roles: []string{spotcheck.RolePlanner}}
		if err := db.Accounts().CreateUser(as(t, db, "secadmin"), liaison, pw); err != nil {
			t.Fatalf("the city's security admin creates a partner's account: %v", err)
		}
	})
}

// A task or draw of departments the user does not belong to is answered as
// a missing one; a partner of a joint task sees it but may not run it.
func TestTasksOfOtherDepartments(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-091", "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-091")
		fire := as("firedept") // a planner of the fire brigade, a partner department
		_, err := db.Tasks().FindTaskByCode(fire, "2026-FZWL-SJ-091")
		_, missing := db.Tasks().FindTaskByCode(fire, "2026-FZWL-SJ-099")
		wantErr(t, err, spotcheck.ENOTFOUND)
		if strings.ReplaceAll(spotcheck.ErrorMessage(missing), "099", "091") != spotcheck.ErrorMessage(err) {
			t.Fatalf("hidden %q, missing %q", spotcheck.ErrorMessage(err), spotcheck.ErrorMessage(missing))
		}
		_, err = db.Draws().PlanDraw(fire, "2026-FZWL-SJ-091", spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		wantErr(t, err, spotcheck.ENOTFOUND)
		d := completeDraw(t, db, as, "2026-FZWL-SJ-091", 0)
		_, err = db.Draws().FindDrawChanges(fire, d.ID)
		wantErr(t, err, spotcheck.ENOTFOUND)
		wantErr(t, db.Draws().RunDraw(fire, d.ID, spotcheck.DrawRun{}), spotcheck.ENOTFOUND)
		err = db.Draws().RequestDrawChange(fire, &spotcheck.DrawChange{DrawID: d.ID, Kind: spotcheck.ChangeSubstitute, Reason: "closed"})
		if wantErr(t, err, spotcheck.ENOTFOUND); strings.Contains(spotcheck.ErrorMessage(err), "部门") {
			t.Fatalf("message %q", spotcheck.ErrorMessage(err))
		}
		// A joint task: the partner sees it, but the authority runs it.
		joint := drawTask("2026-FZWL-SJ-092", "WL-LXS-001")
		joint.Partners = []string{"FZXF"}
		if err := db.Tasks().CreateTask(as("planner"), joint); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, joint.Code)
		if _, err := db.Tasks().FindTaskByCode(fire, joint.Code); err != nil {
			t.Fatalf("the partner's joint task: %v", err)
		}
		_, err = db.Draws().PlanDraw(fire, joint.Code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		wantErr(t, err, spotcheck.EFORBIDDEN)
		// Naming officials tells a planner no account names.
		_, none := db.Draws().PlanDraw(as("planner"), joint.Code, spotcheck.DrawRequest{Officials: []string{"nobody"}})
		_, other := db.Draws().PlanDraw(as("planner"), joint.Code, spotcheck.DrawRequest{Officials: []string{"inspector"}})
		if msg := spotcheck.ErrorMessage(other); strings.ReplaceAll(spotcheck.ErrorMessage(none), "nobody", "inspector") != msg {
			t.Fatalf("missing official %q, inspector as official %q", spotcheck.ErrorMessage(none), msg)
		}
	})
}

// Inspectors: a district may neither move its own out of its scope nor
// take another's; a conflict names only an inspector and an entity the
// user sees, and one it does not see is reported as missing.
func TestInspectorsAndConflictsAcrossTheScope(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		in := []spotcheck.Inspector{
			{StaffID: "GL0001", Name: "李四", Dept: "GLWL", CertNo: "1", CertExpiry: "2028-12-31", Active: true},
			{StaffID: "FZ0001", Name: "王五", Dept: "FZWL", CertNo: "2", CertExpiry: "2028-12-31", Active: true},
		}
		if _, err := db.Inspectors().ImportInspectors(ctx, false, spotcheck.SliceSource("i", in)); err != nil {
			t.Fatal(err)
		}
		gl := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		mine, _ := db.Inspectors().FindInspectorByID(gl, "GL0001")
		mine.Dept = "FZWL"
		wantErr(t, db.Inspectors().SaveInspector(gl, mine), spotcheck.EFORBIDDEN)
		theirs := in[1]
		theirs.Dept, theirs.Version = "GLWL", 1
		err := db.Inspectors().SaveInspector(gl, &theirs)
		if wantErr(t, err, spotcheck.ENOTFOUND); spotcheck.ErrorMessage(err) != "人员“FZ0001”不存在" {
			t.Fatalf("taking another's inspector: %q", spotcheck.ErrorMessage(err))
		}
		_, err = db.Inspectors().ImportInspectors(gl, false, spotcheck.SliceSource("i", []spotcheck.Inspector{theirs}))
		if msg := errString(err); !strings.Contains(msg, "人员“FZ0001”已由其他部门登记") || strings.Contains(msg, "FZWL") {
			t.Fatalf("import over another's inspector: %v", err)
		}
		if got, _ := db.Inspectors().FindInspectorByID(ctx, "FZ0001"); got.Dept != "FZWL" {
			t.Fatalf("FZ0001 moved to %s", got.Dept)
		}
		c := spotcheck.Conflict{StaffID: "FZ0001", EntityID: es[0].ID, Kind: spotcheck.ConflictDeclared, Reason: "亲属",
			From: "2026-01-01", Active: true}
		if err := db.Conflicts().SaveConflict(gl, &c); !strings.Contains(errString(err), "人员“FZ0001”不存在") {
			t.Fatalf("conflict of a hidden inspector: %v", err)
		}
		c.StaffID = "GL0009"
		if err := db.Conflicts().SaveConflict(gl, &c); !strings.Contains(errString(err), "人员“GL0009”不存在") {
			t.Fatalf("conflict of a missing inspector: %v", err)
		}
	})
}
