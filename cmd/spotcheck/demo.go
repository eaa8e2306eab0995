package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// Demo database settings.
const (
	demoSeed     = 20261126
	demoEntities = 3000
	// demoPassword is the password of every demo user; the demo prints it.
	demoPassword = "spotcheck2026"
	demoMarker   = "demo"
)

// demoUsers are one login per role (design §1); admins of the three kinds
// are different people (三员分立).
var demoUsers = []spotcheck.User{
	{Username: "sysadmin", Name: "系统管理员（示例）", Dept: "FZWL", Roles: []string{spotcheck.RoleSystemAdmin}},
	{Username: "secadmin", Name: "安全管理员（示例）", Dept: "FZWL", Roles: []string{spotcheck.RoleSecurityAdmin}},
	{Username: "auditor", Name: "审计管理员（示例）", Dept: "FZWL", Roles: []string{spotcheck.RoleAuditAdmin}},
	{Username: "gladmin", Name: "鼓楼区部门管理员（示例）", Dept: "GLWL", Roles: []string{spotcheck.RoleDeptAdmin}},
	{Username: "planner", Name: "市局计划员（示例）", Dept: "FZWL", Roles: []string{spotcheck.RolePlanner}},
	{Username: "supervisor", Name: "纪检监督员（示例）", Dept: "FZWL", Roles: []string{spotcheck.RoleSupervisor}},
	{Username: "inspector", Name: "鼓楼区执法检查人员（示例）", Dept: "GLWL", Roles: []string{spotcheck.RoleInspector}},
	{Username: "approver", Name: "法制科审核员（示例）", Dept: "FZWL", Roles: []string{spotcheck.RoleApprover}},
	{Username: "agency", Name: "专业机构人员（示例）", Dept: "FZWL", Roles: []string{spotcheck.RoleAgency}},
}

func (m *Main) runDemo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	dsn := dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	noServe := fs.Bool("no-serve", false, "只创建数据库，不启动服务")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("demo 不接受位置参数")
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := m.ensureDemoData(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "演示数据库：%s\n", redact(*dsn))
	fmt.Fprintf(m.Stdout, "演示账号（密码均为 %s）：\n", demoPassword)
	for _, u := range demoUsers {
		fmt.Fprintf(m.Stdout, "  %-10s %s\n", u.Username, u.Name)
	}
	if *noServe {
		return nil
	}
	return m.serve(ctx, db, *addr, "", "")
}

// ensureDemoData fills a new database with the demo data, through the same
// imports a user runs, so that it passes every check a file would. An
// existing demo database is used as it is; a database with other data is
// refused, so the demo never mixes fictitious firms into real records.
func (m *Main) ensureDemoData(ctx context.Context, db *store.DB) error {
	marker, err := db.Setting(ctx, demoMarker)
	if err != nil {
		return err
	}
	if marker != "" {
		fmt.Fprintln(m.Stderr, "演示数据库已存在，直接使用")
		return nil
	}
	if n, err := db.Count(ctx, spotcheck.KindDepartments); err != nil {
		return err
	} else if n > 0 {
		return spotcheck.Errorf(spotcheck.ECONFLICT, "该数据库已有非演示数据，演示不会写入；请用 --db 指定新的文件")
	}
	today := m.Now().Format(spotcheck.DateLayout)
	fmt.Fprintf(m.Stderr, "正在生成福州市文化和旅游演示数据（%d 个检查对象）…\n", demoEntities)
	d := demo.Generate(demoSeed, demoEntities, today)
	steps := []struct {
		kind string
		run  func() (spotcheck.ImportSummary, error)
	}{
		{spotcheck.KindDepartments, func() (spotcheck.ImportSummary, error) {
			return db.ImportDepartments(ctx, spotcheck.SliceSource("demo", d.Departments))
		}},
		{spotcheck.KindEntities, func() (spotcheck.ImportSummary, error) {
			return db.ImportEntities(ctx, spotcheck.SliceSource("demo", d.Entities))
		}},
		{spotcheck.KindInspectors, func() (spotcheck.ImportSummary, error) {
			return db.ImportInspectors(ctx, false, spotcheck.SliceSource("demo", only(d.Inspectors, false)))
		}},
		{spotcheck.KindExperts, func() (spotcheck.ImportSummary, error) {
			return db.ImportInspectors(ctx, true, spotcheck.SliceSource("demo", only(d.Inspectors, true)))
		}},
		{spotcheck.KindAgencies, func() (spotcheck.ImportSummary, error) {
			return db.ImportAgencies(ctx, spotcheck.SliceSource("demo", d.Agencies))
		}},
		{spotcheck.KindItems, func() (spotcheck.ImportSummary, error) {
			return db.ImportItems(ctx, spotcheck.SliceSource("demo", d.Items))
		}},
		{spotcheck.KindResponsibilities, func() (spotcheck.ImportSummary, error) {
			return db.ImportResponsibilities(ctx, spotcheck.SliceSource("demo", d.Responsibilities))
		}},
		{spotcheck.KindConflicts, func() (spotcheck.ImportSummary, error) {
			return db.ImportConflicts(ctx, spotcheck.SliceSource("demo", d.Conflicts))
		}},
	}
	for _, s := range steps {
		sum, err := s.run()
		if err != nil {
			// The generator and the rules disagree: a bug, reported whole.
			var ie *spotcheck.ImportError
			if errors.As(err, &ie) {
				return fmt.Errorf("演示数据（%s）未通过校验：%s", s.kind, ie.Error())
			}
			return err
		}
		fmt.Fprintf(m.Stderr, "  %s：%d 条\n", spotcheck.KindNames[s.kind], sum.Added)
	}
	for _, u := range demoUsers {
		u := u
		if err := db.CreateUser(ctx, &u, demoPassword); err != nil {
			return err
		}
	}
	return db.SetSetting(ctx, demoMarker, today)
}

// only keeps the inspectors (expert = false) or the experts (expert = true).
func only(all []spotcheck.Inspector, expert bool) []spotcheck.Inspector {
	var out []spotcheck.Inspector
	for _, in := range all {
		if in.Expert == expert {
			out = append(out, in)
		}
	}
	return out
}
