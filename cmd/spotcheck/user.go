package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"spotcheck"
)

const userUsage = `用法：
  spotcheck user add 用户名 --name 姓名 --dept 部门代码 --roles 角色,角色 [--staff 工号] [--db 数据库]
  spotcheck user edit 用户名 [--name 姓名] [--dept 部门代码] [--roles 角色,角色] [--staff 工号] [--db 数据库]
  spotcheck user passwd 用户名 [--db 数据库]
  spotcheck user disable|enable|unlock 用户名 [--db 数据库]
  spotcheck user list [--db 数据库]
密码从标准输入读取一行（终端或管道），须符合安全策略。
--staff 把执法检查人员的账号关联到其在执法检查人员名录中的工号（--staff "" 取消关联）。`

// runUser manages staff accounts from the command line. Its operator holds
// the database itself, so it acts as the system principal "cli:<login>",
// recorded as such (系统（命令行，login）, see cliPrincipal): this is how the first
// security admin is created, how one who locked themselves out gets back
// in, and the only way to create, change, disable or reset the password of
// an administrator account (系统管理员, 安全管理员, 审计管理员), which the web
// application refuses (三员分立, spotcheck.CanChangeAccount). User.Validate
// and the password policy apply here as everywhere.
func (m *Main) runUser(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("%s", userUsage)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	dsn := dbFlag(fs)
	var name, dept, roles, staff *string
	if sub == "add" || sub == "edit" {
		name = fs.String("name", "", "姓名")
		dept = fs.String("dept", "", "所属部门代码")
		roles = fs.String("roles", "", "角色，逗号分隔")
		staff = fs.String("staff", "", "执法检查人员名录中的工号（\"\" 取消关联）")
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	// --staff "" unlinks: whether the flag was given matters, not its value.
	staffSet := false
	fs.Visit(func(f *flag.Flag) { staffSet = staffSet || f.Name == "staff" })
	switch sub {
	case "add":
		if len(pos) != 1 || *name == "" || *dept == "" || *roles == "" {
			return usagef("用法：spotcheck user add 用户名 --name 姓名 --dept 部门代码 --roles 角色,角色 [--staff 工号] [--db 数据库]\n角色：%s",
				roleList())
		}
	case "edit":
		if len(pos) != 1 || *name == "" && *dept == "" && *roles == "" && !staffSet {
			return usagef("用法：spotcheck user edit 用户名 [--name 姓名] [--dept 部门代码] [--roles 角色,角色] [--staff 工号] [--db 数据库]\n角色：%s",
				roleList())
		}
	case "passwd", "disable", "enable", "unlock":
		if len(pos) != 1 {
			return usagef("用法：spotcheck user %s 用户名 [--db 数据库]", sub)
		}
	case "list":
		if len(pos) != 0 {
			return usagef("用法：spotcheck user list [--db 数据库]")
		}
	default:
		return usagef("未知的子命令“%s”\n%s", sub, userUsage)
	}

	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "add":
		u := &spotcheck.User{Username: pos[0], Name: *name, Dept: strings.TrimSpace(*dept), Roles: splitRoles(*roles),
			StaffID: *staff}
		pw, err := m.readPassword("请输入新用户的密码：")
		if err != nil {
			return err
		}
		if err := db.Accounts().CreateUser(ctx, u, pw); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "已创建用户 %s（%s）%s\n", u.Username, u.Name, staffNote(u.StaffID))
	case "passwd":
		pw, err := m.readPassword("请输入新密码：")
		if err != nil {
			return err
		}
		if err := db.Accounts().SetPassword(ctx, pos[0], pw); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "已修改用户 %s 的密码，其登录会话已全部结束，接口令牌已全部吊销\n", strings.ToLower(strings.TrimSpace(pos[0])))
	case "edit":
		u, err := db.Accounts().FindUserByUsername(ctx, pos[0])
		if err != nil {
			return err
		}
		if *name != "" {
			u.Name = *name
		}
		if *dept != "" {
			u.Dept = strings.TrimSpace(*dept)
		}
		if *roles != "" {
			u.Roles = splitRoles(*roles)
		}
		if staffSet {
			u.StaffID = *staff
		}
		if err := db.Accounts().UpdateUser(ctx, u); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "已修改用户 %s：%s，%s，%s%s\n", u.Username, u.Name, u.Dept, strings.Join(u.Roles, ","), staffNote(u.StaffID))
	case "unlock":
		if err := db.Accounts().UnlockLogin(ctx, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "已解除用户 %s 的登录限制\n", strings.ToLower(strings.TrimSpace(pos[0])))
	case "disable", "enable":
		u, err := db.Accounts().FindUserByUsername(ctx, pos[0])
		if err != nil {
			return err
		}
		active := sub == "enable"
		if u.Active == active {
			fmt.Fprintf(m.Stdout, "用户 %s 已是%s状态，未改动\n", u.Username, activeName(active))
			return nil
		}
		u.Active = active
		if err := db.Accounts().UpdateUser(ctx, u); err != nil {
			return err
		}
		if active {
			fmt.Fprintf(m.Stdout, "已启用用户 %s\n", u.Username)
		} else {
			fmt.Fprintf(m.Stdout, "已停用用户 %s，其登录会话已结束，接口令牌停止生效\n", u.Username)
		}
	case "list":
		users, err := db.Accounts().FindUsers(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			staff := ""
			if u.StaffID != "" {
				staff = "\t" + u.StaffID
			}
			fmt.Fprintf(m.Stdout, "%s\t%s\t%s\t%s\t%s%s\n", u.Username, u.Name, u.Dept, strings.Join(u.Roles, ","),
				activeName(u.Active), staff)
		}
	}
	return nil
}

// staffNote says which inspector an account is linked to, if any.
func staffNote(staffID string) string {
	if staffID == "" {
		return ""
	}
	return "，关联执法人员工号 " + staffID
}

// activeName is how the list shows the active flag.
func activeName(active bool) string {
	if active {
		return "有效"
	}
	return "已停用"
}

// splitRoles splits a --roles value at commas (ASCII or Chinese) and 、.
func splitRoles(s string) []string {
	var out []string
	for _, r := range strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == '，' || c == '、' }) {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// roleList names the role codes for the usage message.
func roleList() string {
	codes := []string{spotcheck.RoleSystemAdmin, spotcheck.RoleSecurityAdmin, spotcheck.RoleAuditAdmin,
		spotcheck.RoleDeptAdmin, spotcheck.RolePlanner, spotcheck.RoleSupervisor, spotcheck.RoleInspector,
		spotcheck.RoleApprover, spotcheck.RoleAgency}
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = c + "（" + spotcheck.RoleNames[c] + "）"
	}
	return strings.Join(parts, " ")
}

// readPassword reads one line from standard input: a terminal or a pipe
// (so that scripts can set passwords without putting them on the command
// line, where ps would show them). One trailing LF or CRLF is removed and
// nothing else, as `draw commit` does with its secret. On a terminal it
// prompts on stderr; the standard library cannot turn echo off, so the
// prompt says the input is visible.
func (m *Main) readPassword(prompt string) (string, error) {
	if f, ok := m.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		// On a terminal the password is read without echo.
		fmt.Fprint(m.Stderr, prompt)
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", fmt.Errorf("读取密码：%w", err)
		}
		if len(pw) == 0 {
			return "", spotcheck.Errorf(spotcheck.EINVALID, "密码不能为空")
		}
		return string(pw), nil
	}
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("读取密码：%w", err)
	}
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", spotcheck.Errorf(spotcheck.EINVALID, "密码不能为空：请从标准输入提供一行密码")
	}
	return line, nil
}
