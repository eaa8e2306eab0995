package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// runStdin runs the program like run, with stdin as standard input.
func runStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }}
	code = m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

// userDB returns the path of a new database holding two departments.
func userDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "u.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Departments().ImportDepartments(sysCtx, spotcheck.SliceSource("d", []spotcheck.Department{
		{Code: "FZWL", Name: "福州市文化和旅游局", Division: "350100", Kind: spotcheck.DeptBureau, Active: true},
		{Code: "GLWL", Name: "鼓楼区文体旅局", Parent: "FZWL", Division: "350102", Kind: spotcheck.DeptBureau, Active: true},
	}))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// login tries a password against the database at path.
func login(t *testing.T, path, username, password string) error {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Accounts().Authenticate(context.Background(), username, password, "127.0.0.1")
	return err
}

func TestUserCommands(t *testing.T) {
	path := userDB(t)
	code, out, errs := runStdin(t, "first-password-1\n", "user", "add", "zhangsan", "--name", "张三", "--dept", "GLWL",
		"--roles", "planner,supervisor", "--db", path)
	if code != 0 || out != "已创建用户 zhangsan（张三）\n" {
		t.Fatalf("add: exit %d %q %s", code, out, errs)
	}
	// Flags before the user name, a CRLF line and no final newline work too.
	code, _, errs = runStdin(t, "second-password-2\r\n", "user", "add", "--db", path, "--name", "李四", "--dept", "FZWL",
		"--roles", "secadmin", "lisi")
	if code != 0 {
		t.Fatalf("add lisi: exit %d %s", code, errs)
	}
	if err := login(t, path, "lisi", "second-password-2"); err != nil {
		t.Fatalf("CRLF password: %v", err)
	}
	code, out, _ = run(t, "user", "list", "--db", path)
	want := "lisi\t李四\tFZWL\tsecadmin\t有效\nzhangsan\t张三\tGLWL\tplanner,supervisor\t有效\n"
	if code != 0 || out != want {
		t.Fatalf("list: exit %d\n%q\nwant %q", code, out, want)
	}

	code, out, errs = runStdin(t, "new-password-3", "user", "passwd", "zhangsan", "--db", path)
	if code != 0 || !strings.Contains(out, "已修改用户 zhangsan 的密码") {
		t.Fatalf("passwd: exit %d %q %s", code, out, errs)
	}
	if login(t, path, "zhangsan", "first-password-1") == nil || login(t, path, "zhangsan", "new-password-3") != nil {
		t.Fatal("passwd did not replace the password")
	}

	if code, out, errs := run(t, "user", "disable", "zhangsan", "--db", path); code != 0 || !strings.Contains(out, "已停用用户 zhangsan") {
		t.Fatalf("disable: exit %d %q %s", code, out, errs)
	}
	if err := login(t, path, "zhangsan", "new-password-3"); spotcheck.ErrorCode(err) != spotcheck.EUNAUTHORIZED {
		t.Fatalf("disabled user signs in: %v", err)
	}
	if _, out, _ := run(t, "user", "list", "--db", path); !strings.Contains(out, "zhangsan\t张三\tGLWL\tplanner,supervisor\t已停用\n") {
		t.Fatalf("list after disable: %q", out)
	}
	if code, out, _ := run(t, "user", "disable", "zhangsan", "--db", path); code != 0 || !strings.Contains(out, "已是已停用状态") {
		t.Fatalf("disable twice: exit %d %q", code, out)
	}
	if code, _, _ := run(t, "user", "enable", "zhangsan", "--db", path); code != 0 || login(t, path, "zhangsan", "new-password-3") != nil {
		t.Fatalf("enable: exit %d", code)
	}

	// Every change is recorded with the command line as its actor.
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	changes, err := db.FindRecordChanges(sysCtx, "user", "zhangsan")
	if err != nil || len(changes) != 4 {
		t.Fatalf("changes: %+v, %v", changes, err)
	}
	for _, c := range changes {
		if !strings.HasPrefix(c.Actor, "cli:") || strings.Contains(c.Before+c.After, "password") {
			t.Fatalf("change %+v", c)
		}
	}
}

func TestUserCommandErrors(t *testing.T) {
	path := userDB(t)
	add := func(stdin string, extra ...string) (int, string) {
		args := append([]string{"user", "add", "--db", path, "--name", "王五", "--dept", "GLWL", "--roles", "inspector"}, extra...)
		code, _, errs := runStdin(t, stdin, args...)
		return code, errs
	}
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"empty password", "", []string{"wangwu"}, 1, "密码不能为空"},
		{"empty line", "\n", []string{"wangwu"}, 1, "密码不能为空"},
		{"short password", "Short-1\n", []string{"wangwu"}, 1, "密码至少10个字符"},
		{"two classes", "lowercase2026\n", []string{"wangwu"}, 1, "至少3类"},
		{"the user name", "Wangwu-2026\n", []string{"wangwu"}, 1, "不能包含用户名"},
		{"an admin and another role", "good-password-1\n", []string{"wangwu", "--roles", "secadmin,deptadmin"}, 1, "三员分立"},
		{"bad user name", "good-password-1\n", []string{"王五"}, 1, "用户名：应为"},
		{"unknown role", "good-password-1\n", []string{"wangwu", "--roles", "boss"}, 1, "“boss”不是有效角色"},
		{"two admins", "good-password-1\n", []string{"wangwu", "--roles", "sysadmin,auditadmin"}, 1, "三员分立"},
		{"unknown dept", "good-password-1\n", []string{"wangwu", "--dept", "NOPE"}, 1, "部门代码“NOPE”不存在"},
		{"no user name", "good-password-1\n", nil, 2, "用法"},
		{"ok", "good-password-1\n", []string{"wangwu"}, 0, ""},
		{"duplicate", "good-password-1\n", []string{"wangwu"}, 1, "用户名“wangwu”已存在"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, errs := add(c.stdin, c.args...)
			if code != c.code || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, want %d; stderr %q lacks %q", code, c.code, errs, c.want)
			}
		})
	}
	for _, args := range [][]string{
		{"user"}, {"user", "nope"}, {"user", "passwd"}, {"user", "list", "extra"}, {"user", "edit", "x"}, {"user", "unlock"},
		{"user", "add", "x", "--name", "甲", "--dept", "GLWL"}, {"user", "disable", "--name", "甲", "x"},
	} {
		if code, _, _ := run(t, append(args, "--db", path)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	// passwd applies the policy: not the current password, not a weak one.
	for stdin, want := range map[string]string{"good-password-1\n": "最近5次", "alllowercase\n": "至少3类"} {
		if code, _, errs := runStdin(t, stdin, "user", "passwd", "wangwu", "--db", path); code != 1 || !strings.Contains(errs, want) {
			t.Errorf("passwd %q: exit %d %s, want %s", stdin, code, errs, want)
		}
	}
	if code, _, errs := runStdin(t, "good-password-1\n", "user", "passwd", "nobody", "--db", path); code != 1 || !strings.Contains(errs, "用户“nobody”不存在") {
		t.Fatalf("passwd nobody: exit %d %s", code, errs)
	}
	if code, _, errs := run(t, "user", "disable", "nobody", "--db", path); code != 1 || !strings.Contains(errs, "不存在") {
		t.Fatalf("disable nobody: exit %d %s", code, errs)
	}
}

// The administrator accounts that the web application refuses to touch
// (三员分立) are kept here: roles, disabling, passwords, unlocking, each
// recorded with the command line as the actor.
func TestUserCommandsAdministrators(t *testing.T) {
	path := userDB(t)
	if code, _, errs := runStdin(t, "Audit-pass-2026\n", "user", "add", "auditor", "--name", "审计", "--dept", "FZWL",
		"--roles", "auditadmin", "--db", path); code != 0 {
		t.Fatalf("add: %s", errs)
	}
	code, out, errs := run(t, "user", "edit", "auditor", "--roles", "sysadmin", "--name", "系统", "--db", path)
	if code != 0 || out != "已修改用户 auditor：系统，FZWL，sysadmin\n" {
		t.Fatalf("edit: exit %d %q %s", code, out, errs)
	}
	if code, _, errs := run(t, "user", "edit", "auditor", "--roles", "sysadmin,planner", "--db", path); code != 1 || !strings.Contains(errs, "三员分立") {
		t.Fatalf("edit to two roles: exit %d %s", code, errs)
	}
	for range spotcheck.MaxLoginFailures {
		login(t, path, "auditor", "wrong")
	}
	if err := login(t, path, "auditor", "Audit-pass-2026"); spotcheck.ErrorCode(err) != spotcheck.EUNAUTHORIZED {
		t.Fatalf("not backed off: %v", err)
	}
	if code, out, _ := run(t, "user", "unlock", "auditor", "--db", path); code != 0 || !strings.Contains(out, "已解除用户 auditor 的登录限制") {
		t.Fatalf("unlock: exit %d %q", code, out)
	}
	if err := login(t, path, "auditor", "Audit-pass-2026"); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	changes, _ := db.FindRecordChanges(sysCtx, "user", "auditor")
	var got []string
	for _, c := range changes {
		if !strings.HasPrefix(c.Actor, "cli:") {
			t.Errorf("change by %q, want the command line", c.Actor)
		}
		got = append(got, c.Action)
	}
	if strings.Join(got, " ") != "create update unlock" {
		t.Fatalf("changes %v", got)
	}
}

// TestUserStaffLink: --staff links an inspector's account to the staff id
// of the 执法检查人员名录 (add and edit), an unknown one is refused with the
// field's message, and --staff "" unlinks.
func TestUserStaffLink(t *testing.T) {
	path := userDB(t)
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Inspectors().ImportInspectors(sysCtx, false, spotcheck.SliceSource("i", []spotcheck.Inspector{
		{StaffID: "GL0001", Name: "林一", Dept: "GLWL", CertNo: "闽文旅执字第35010201001号", CertExpiry: "2028-12-31", Active: true},
	}))
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs := runStdin(t, "first-password-1\n", "user", "add", "lin", "--name", "林一", "--dept", "GLWL",
		"--roles", "inspector", "--staff", "GL0404", "--db", path)
	if code == 0 || !strings.Contains(errs, "GL0404") {
		t.Fatalf("an unknown staff id: exit %d %s", code, errs)
	}
	code, out, errs := runStdin(t, "first-password-1\n", "user", "add", "lin", "--name", "林一", "--dept", "GLWL",
		"--roles", "inspector", "--staff", "GL0001", "--db", path)
	if code != 0 || !strings.Contains(out, "关联执法人员工号 GL0001") {
		t.Fatalf("add --staff: exit %d %q %s", code, out, errs)
	}
	if _, out, _ := run(t, "user", "list", "--db", path); out != "lin\t林一\tGLWL\tinspector\t有效\tGL0001\n" {
		t.Fatalf("list: %q", out)
	}
	if code, out, errs := run(t, "user", "edit", "lin", "--staff", "", "--db", path); code != 0 || strings.Contains(out, "GL0001") {
		t.Fatalf("edit --staff \"\": exit %d %q %s", code, out, errs)
	}
	if _, out, _ := run(t, "user", "list", "--db", path); out != "lin\t林一\tGLWL\tinspector\t有效\n" {
		t.Fatalf("list after unlinking: %q", out)
	}
	if code, out, errs := run(t, "user", "edit", "lin", "--staff", "GL0001", "--db", path); code != 0 || !strings.Contains(out, "GL0001") {
		t.Fatalf("edit --staff: exit %d %q %s", code, out, errs)
	}
}
