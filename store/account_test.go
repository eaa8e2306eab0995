package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

const pw = "demo-password-1"

// seedAccounts creates the departments and three accounts: a planner (who
// may use the API), a security admin and an auditor.
func seedAccounts(t *testing.T, db *store.DB) {
	t.Helper()
	seedDepartments(t, db)
	for _, u := range []spotcheck.User{
		{Username: "planner", Name: "计划员", Dept: "GLWL", Roles: []string{spotcheck.RolePlanner}},
		{Username: "secadmin", Name: "安全管理员", Dept: "FZWL", Roles: []string{spotcheck.RoleSecurityAdmin}},
		{Username: "auditor", Name: "审计管理员", Dept: "FZWL", Roles: []string{spotcheck.RoleAuditAdmin}},
	} {
		if err := db.Accounts().CreateUser(ctx, &u, pw); err != nil {
			t.Fatalf("CreateUser %s: %v", u.Username, err)
		}
	}
}

// as returns ctx with the stored user username as the signed-in principal,
// its scope resolved in the stored department tree as at sign-in.
func as(t *testing.T, db *store.DB, username string) context.Context {
	t.Helper()
	u, err := db.Accounts().FindUserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	depts, err := db.Departments().FindDepartments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return spotcheck.NewContextWithPrincipal(ctx, spotcheck.NewPrincipal(*u, depts))
}

// wantCode fails unless err has the code and, when msg is set, the message.
func wantCode(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	if spotcheck.ErrorCode(err) != code || (msg != "" && spotcheck.ErrorMessage(err) != msg) {
		t.Fatalf("%s: got %v (%s), want %s %s", what, err, spotcheck.ErrorCode(err), code, msg)
	}
}

// advance moves the database clock by d.
func advance(db *store.DB, d time.Duration) {
	now := db.Now().Add(d)
	db.Now = func() time.Time { return now }
}

const (
	msgFailed = "用户名或密码错误"
	msgEnded  = "登录已过期，请重新登录"
)

// msgLocked is the refusal of the login limits with wait d left.
func msgLocked(d time.Duration) string { return spotcheck.LoginRefusedMessage(d) }

func TestAuthenticate(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		u, err := db.Accounts().Authenticate(ctx, " Planner ", pw, "10.0.0.1")
		if err != nil || u.Username != "planner" || u.Dept != "GLWL" || u.Roles[0] != spotcheck.RolePlanner || !u.Active {
			t.Fatalf("success: %+v, %v", u, err)
		}
		// Wrong password and unknown user cannot be told apart.
		_, err = db.Accounts().Authenticate(ctx, "planner", "wrong-password", "10.0.0.1")
		wantCode(t, "wrong password", err, spotcheck.EUNAUTHORIZED, msgFailed)
		_, err = db.Accounts().Authenticate(ctx, "nobody", pw, "10.0.0.2")
		wantCode(t, "unknown user", err, spotcheck.EUNAUTHORIZED, msgFailed)

		// Every attempt is recorded, newest first; the auditor may read them.
		list, err := db.Accounts().FindLoginAttempts(as(t, db, "auditor"), 0, 2)
		if err != nil || list.Total != 3 || len(list.Items) != 2 || list.More {
			t.Fatalf("attempts: %+v, %v", list, err)
		}
		if a := list.Items[0]; a.Username != "nobody" || a.IP != "10.0.0.2" || a.OK || !a.At.Equal(db.Now()) {
			t.Fatalf("newest attempt: %+v", a)
		}
		list, err = db.Accounts().FindLoginAttempts(as(t, db, "secadmin"), 2, 10)
		if err != nil || len(list.Items) != 1 || !list.Items[0].OK || list.Items[0].Username != "planner" {
			t.Fatalf("oldest attempt: %+v, %v", list, err)
		}
		_, err = db.Accounts().FindLoginAttempts(as(t, db, "planner"), 0, 10)
		wantCode(t, "planner reads attempts", err, spotcheck.EFORBIDDEN, "")
	})
}

func TestLoginLockout(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		// Failures before a success do not count.
		for range spotcheck.MaxLoginFailures - 1 {
			db.Accounts().Authenticate(ctx, "planner", "wrong-password", "10.0.0.1")
		}
		if _, err := db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1"); err != nil {
			t.Fatalf("success after 4 failures: %v", err)
		}
		for i := range spotcheck.MaxLoginFailures {
			_, err := db.Accounts().Authenticate(ctx, "planner", "wrong-password", "10.0.0.1")
			wantCode(t, "failure "+itoa(i+1), err, spotcheck.EUNAUTHORIZED, msgFailed)
		}
		// Backed off: even the right password is refused, from any address.
		_, err := db.Accounts().Authenticate(ctx, "planner", pw, "10.9.9.9")
		wantCode(t, "locked", err, spotcheck.EUNAUTHORIZED, msgLocked(spotcheck.LoginBackoffBase))
		// Other users are not affected.
		if _, err := db.Accounts().Authenticate(ctx, "secadmin", pw, "10.0.0.1"); err != nil {
			t.Fatalf("other user: %v", err)
		}
		// Unknown names back off the same way, so that it reveals nothing.
		for range spotcheck.MaxLoginFailures {
			db.Accounts().Authenticate(ctx, "nobody", pw, "10.0.0.2")
		}
		_, err = db.Accounts().Authenticate(ctx, "nobody", pw, "10.0.0.2")
		wantCode(t, "unknown user locked", err, spotcheck.EUNAUTHORIZED, msgLocked(spotcheck.LoginBackoffBase))

		advance(db, spotcheck.LoginBackoffBase-time.Second)
		_, err = db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1")
		wantCode(t, "still locked", err, spotcheck.EUNAUTHORIZED, msgLocked(time.Second))
		// The refused attempts did not count and did not extend the delay.
		advance(db, time.Second)
		if _, err := db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1"); err != nil {
			t.Fatalf("after the delay: %v", err)
		}
	})
}

// Parallel guesses take turns at the limit check: exactly
// MaxLoginFailures of them get as far as the password, on both databases.
func TestLoginLockoutParallel(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		const n = 3 * spotcheck.MaxLoginFailures
		msgs := make(chan string, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				_, err := db.Accounts().Authenticate(ctx, "planner", "wrong-password", "10.0.0.1")
				msgs <- spotcheck.ErrorMessage(err)
			})
		}
		wg.Wait()
		close(msgs)
		count := map[string]int{}
		for m := range msgs {
			count[m]++
		}
		if count[msgFailed] != spotcheck.MaxLoginFailures || count[msgLocked(spotcheck.LoginBackoffBase)] != n-spotcheck.MaxLoginFailures {
			t.Fatalf("outcomes %v", count)
		}
	})
}

func TestLoginLockoutByAddress(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		// One address guessing many names, none of them often.
		for i := range spotcheck.MaxAddressFailures {
			db.Accounts().Authenticate(ctx, "user"+itoa(i), "guess", "203.0.113.7")
		}
		_, err := db.Accounts().Authenticate(ctx, "planner", pw, "203.0.113.7")
		wantCode(t, "address locked", err, spotcheck.EUNAUTHORIZED, msgLocked(spotcheck.LoginWindow))
		if _, err := db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1"); err != nil {
			t.Fatalf("other address: %v", err)
		}
		advance(db, spotcheck.LoginWindow+time.Second)
		if _, err := db.Accounts().Authenticate(ctx, "planner", pw, "203.0.113.7"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		tok1, err := db.Accounts().CreateSession(ctx, "planner")
		if err != nil || len(tok1) != 43 {
			t.Fatalf("CreateSession: %q, %v", tok1, err)
		}
		tok2, _ := db.Accounts().CreateSession(ctx, "planner")
		other, _ := db.Accounts().CreateSession(ctx, "secadmin")
		if tok1 == tok2 {
			t.Fatal("two sessions, one token")
		}
		s, u, err := db.Accounts().FindSession(ctx, tok1)
		if err != nil || s.Username != "planner" || u.Name != "计划员" || !s.ExpiresAt.Equal(db.Now().Add(spotcheck.SessionLifetime)) {
			t.Fatalf("FindSession: %+v %+v %v", s, u, err)
		}
		for _, bad := range []string{"", "nope", tok1 + "x"} {
			_, _, err := db.Accounts().FindSession(ctx, bad)
			wantCode(t, "bad token "+bad, err, spotcheck.EUNAUTHORIZED, msgEnded)
		}
		if _, err := db.Accounts().CreateSession(ctx, "nobody"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("session for nobody: %v", err)
		}

		// Signing out ends one session.
		if err := db.Accounts().DeleteSession(ctx, tok1); err != nil {
			t.Fatal(err)
		}
		_, _, err = db.Accounts().FindSession(ctx, tok1)
		wantCode(t, "after sign-out", err, spotcheck.EUNAUTHORIZED, msgEnded)
		if _, _, err := db.Accounts().FindSession(ctx, tok2); err != nil {
			t.Fatalf("other session after sign-out: %v", err)
		}

		// Signing out everywhere is for oneself or the security admin.
		err = db.Accounts().DeleteUserSessions(as(t, db, "planner"), "secadmin")
		wantCode(t, "planner signs out secadmin", err, spotcheck.EFORBIDDEN, "")
		if err := db.Accounts().DeleteUserSessions(as(t, db, "planner"), "planner"); err != nil {
			t.Fatal(err)
		}
		_, _, err = db.Accounts().FindSession(ctx, tok2)
		wantCode(t, "after sign-out everywhere", err, spotcheck.EUNAUTHORIZED, msgEnded)

		// Sessions end after their lifetime, however busy.
		const step = 20 * time.Minute
		for range spotcheck.SessionLifetime/step - 1 {
			advance(db, step)
			if _, _, err := db.Accounts().FindSession(ctx, other); err != nil {
				t.Fatalf("busy session before expiry: %v", err)
			}
		}
		advance(db, step-time.Second)
		if _, _, err := db.Accounts().FindSession(ctx, other); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		advance(db, time.Second)
		_, _, err = db.Accounts().FindSession(ctx, other)
		wantCode(t, "expired", err, spotcheck.EUNAUTHORIZED, msgEnded)
	})
}

func TestAPITokens(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		planner, sec := as(t, db, "planner"), as(t, db, "secadmin")
		secret, err := db.Accounts().CreateAPIToken(planner, "planner", "数据对接", 0)
		if err != nil || !strings.HasPrefix(secret, "sct_") || len(secret) != 4+43 {
			t.Fatalf("CreateAPIToken: %q, %v", secret, err)
		}
		_, err = db.Accounts().CreateAPIToken(planner, "secadmin", "代建", 0)
		wantCode(t, "token for another", err, spotcheck.EFORBIDDEN, "")
		_, err = db.Accounts().CreateAPIToken(sec, "secadmin", "无权", 0)
		wantCode(t, "token without PermUseAPI", err, spotcheck.EFORBIDDEN, "")
		_, err = db.Accounts().CreateAPIToken(planner, "planner", " ", 0)
		wantCode(t, "token without a name", err, spotcheck.EINVALID, "")
		// The command line may make one for anyone.
		cliSecret, err := db.Accounts().CreateAPIToken(ctx, "auditor", "脚本", 0)
		if err != nil {
			t.Fatal(err)
		}

		u, err := db.Accounts().AuthenticateToken(ctx, secret)
		if err != nil || u.Username != "planner" {
			t.Fatalf("AuthenticateToken: %+v, %v", u, err)
		}
		for _, bad := range []string{"", "sct_nope", secret[4:], secret + "x"} {
			_, err := db.Accounts().AuthenticateToken(ctx, bad)
			wantCode(t, "bad secret "+bad, err, spotcheck.EUNAUTHORIZED, "")
		}

		// last_used is written at most once a minute.
		used := db.Now()
		advance(db, 59*time.Second)
		db.Accounts().AuthenticateToken(ctx, secret)
		if ts, _ := db.Accounts().FindAPITokens(planner, "planner"); !ts[0].LastUsed.Equal(used) {
			t.Fatalf("last used %v, want %v", ts[0].LastUsed, used)
		}
		advance(db, time.Second)
		db.Accounts().AuthenticateToken(ctx, secret)

		tokens, err := db.Accounts().FindAPITokens(planner, "planner")
		if err != nil || len(tokens) != 1 || tokens[0].Name != "数据对接" || tokens[0].Revoked || !tokens[0].LastUsed.Equal(db.Now()) {
			t.Fatalf("FindAPITokens: %+v, %v", tokens, err)
		}
		_, err = db.Accounts().FindAPITokens(planner, "auditor")
		wantCode(t, "planner lists auditor's tokens", err, spotcheck.EFORBIDDEN, "")
		if ts, err := db.Accounts().FindAPITokens(sec, "auditor"); err != nil || len(ts) != 1 {
			t.Fatalf("secadmin lists tokens: %+v, %v", ts, err)
		}

		// Revoking: own tokens, or anyone's with PermManageUsers.
		err = db.Accounts().RevokeAPIToken(planner, "auditor", tokens[0].ID)
		wantCode(t, "planner revokes another's", err, spotcheck.EFORBIDDEN, "")
		err = db.Accounts().RevokeAPIToken(planner, "planner", tokens[0].ID+1000)
		wantCode(t, "unknown token", err, spotcheck.ENOTFOUND, "")
		if err := db.Accounts().RevokeAPIToken(planner, "planner", tokens[0].ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.Accounts().AuthenticateToken(ctx, secret)
		wantCode(t, "revoked", err, spotcheck.EUNAUTHORIZED, "")
		if err := db.Accounts().RevokeAPIToken(sec, "auditor", tokens[0].ID+1); err != nil {
			t.Fatalf("secadmin revokes: %v", err)
		}
		if _, err := db.Accounts().AuthenticateToken(ctx, cliSecret); spotcheck.ErrorCode(err) != spotcheck.EUNAUTHORIZED {
			t.Fatalf("revoked by secadmin: %v", err)
		}

		changes, err := db.FindRecordChanges(ctx, "api_token", itoa(int(tokens[0].ID)))
		if err != nil || len(changes) != 2 || changes[0].Action != "create" || changes[1].Action != "revoke" ||
			changes[1].Actor != "planner" || !strings.Contains(changes[1].After, `"Revoked":true`) {
			t.Fatalf("token changes: %+v, %v", changes, err)
		}
		for _, c := range changes {
			if strings.Contains(c.Before+c.After, secret[4:]) {
				t.Fatalf("secret in change: %+v", c)
			}
		}
	})
}

// A disabled user can neither sign in nor use a session or token made
// before; enabling gives back the tokens, not the sessions.
func TestDisabledUser(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		sess, _ := db.Accounts().CreateSession(ctx, "planner")
		secret, err := db.Accounts().CreateAPIToken(ctx, "planner", "数据对接", 0)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := db.Accounts().FindUserByUsername(ctx, "planner")
		u.Active = false
		if err := db.Accounts().UpdateUser(as(t, db, "secadmin"), u); err != nil {
			t.Fatal(err)
		}
		_, err = db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1")
		wantCode(t, "disabled sign-in", err, spotcheck.EUNAUTHORIZED, msgFailed)
		_, _, err = db.Accounts().FindSession(ctx, sess)
		wantCode(t, "disabled session", err, spotcheck.EUNAUTHORIZED, msgEnded)
		_, err = db.Accounts().AuthenticateToken(ctx, secret)
		wantCode(t, "disabled token", err, spotcheck.EUNAUTHORIZED, "")
		_, err = db.Accounts().CreateSession(ctx, "planner")
		wantCode(t, "session for disabled", err, spotcheck.EUNAUTHORIZED, "")

		u.Active = true
		if err := db.Accounts().UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Accounts().AuthenticateToken(ctx, secret); err != nil {
			t.Fatalf("token after enable: %v", err)
		}
		_, _, err = db.Accounts().FindSession(ctx, sess)
		wantCode(t, "session after enable", err, spotcheck.EUNAUTHORIZED, msgEnded)
		if _, err := db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1"); err != nil {
			t.Fatalf("sign-in after enable: %v", err)
		}
	})
}

func TestUpdateUserAndPassword(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		sec := as(t, db, "secadmin")
		u := &spotcheck.User{Username: "planner", Name: "张计划", Dept: "FZWL",
			Roles: []string{spotcheck.RolePlanner, spotcheck.RoleSupervisor}, Active: true}
		if err := db.Accounts().UpdateUser(sec, u); err != nil {
			t.Fatal(err)
		}
		got, err := db.Accounts().FindUserByUsername(ctx, "planner")
		if err != nil || got.Name != "张计划" || got.Dept != "FZWL" || len(got.Roles) != 2 || !got.Active {
			t.Fatalf("after update: %+v, %v", got, err)
		}
		bad := *u
		bad.Dept = "NOPE"
		wantCode(t, "unknown dept", db.Accounts().UpdateUser(sec, &bad), spotcheck.EINVALID, "")
		bad = *u
		bad.Roles = []string{spotcheck.RoleSystemAdmin, spotcheck.RoleAuditAdmin}
		wantCode(t, "two admin roles", db.Accounts().UpdateUser(ctx, &bad), spotcheck.EINVALID, "")
		bad.Roles = []string{spotcheck.RoleAuditAdmin, spotcheck.RolePlanner}
		wantCode(t, "an admin role and another", db.Accounts().UpdateUser(ctx, &bad), spotcheck.EINVALID, "")
		bad = *u
		bad.Username = "nobody"
		wantCode(t, "unknown user", db.Accounts().UpdateUser(sec, &bad), spotcheck.ENOTFOUND, "")
		_, err = db.Accounts().FindUserByUsername(ctx, "nobody")
		wantCode(t, "find unknown", err, spotcheck.ENOTFOUND, "")
		// The security admin cannot lock themselves out.
		self, _ := db.Accounts().FindUserByUsername(ctx, "secadmin")
		self.Active = false
		wantCode(t, "disable oneself", db.Accounts().UpdateUser(sec, self), spotcheck.EFORBIDDEN, "不能停用自己的账号")

		// A new password ends every session of the user.
		sess, _ := db.Accounts().CreateSession(ctx, "planner")
		wantCode(t, "weak password", db.Accounts().SetPassword(sec, "planner", "short"), spotcheck.EINVALID, "")
		if err := db.Accounts().SetPassword(sec, "planner", "new-password-2"); err != nil {
			t.Fatal(err)
		}
		_, _, err = db.Accounts().FindSession(ctx, sess)
		wantCode(t, "session after password", err, spotcheck.EUNAUTHORIZED, msgEnded)
		_, err = db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1")
		wantCode(t, "old password", err, spotcheck.EUNAUTHORIZED, msgFailed)
		if _, err := db.Accounts().Authenticate(ctx, "planner", "new-password-2", "10.0.0.1"); err != nil {
			t.Fatalf("new password: %v", err)
		}
		wantCode(t, "password of unknown", db.Accounts().SetPassword(sec, "nobody", "new-password-2"), spotcheck.ENOTFOUND, "")
	})
}

// Account management needs PermManageUsers; only one's own password and
// sessions are exempt. The command line (no principal) may do everything.
func TestAccountPermissions(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		for _, who := range []string{"planner", "auditor"} {
			c := as(t, db, who)
			_, err := db.Accounts().FindUsers(c)
			wantCode(t, who+" FindUsers", err, spotcheck.EFORBIDDEN, "没有权限：管理用户")
			nu := &spotcheck.User{Username: "x" + who, Name: "新人", Dept: "FZWL", Roles: []string{spotcheck.RoleInspector}}
			wantCode(t, who+" CreateUser", db.Accounts().CreateUser(c, nu, pw), spotcheck.EFORBIDDEN, "")
			other, _ := db.Accounts().FindUserByUsername(ctx, "secadmin")
			other.Name = "改名"
			wantCode(t, who+" UpdateUser", db.Accounts().UpdateUser(c, other), spotcheck.EFORBIDDEN, "")
			wantCode(t, who+" SetPassword of another", db.Accounts().SetPassword(c, "secadmin", "new-password-2"), spotcheck.EFORBIDDEN, "")
			if err := db.Accounts().SetPassword(c, who, "own-password-2"); err != nil {
				t.Fatalf("%s changes own password: %v", who, err)
			}
		}
		// The planner may read their own account, the auditor anyone's.
		_, err := db.Accounts().FindUserByUsername(as(t, db, "planner"), "secadmin")
		wantCode(t, "planner reads secadmin", err, spotcheck.EFORBIDDEN, "")
		if _, err := db.Accounts().FindUserByUsername(as(t, db, "planner"), "planner"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Accounts().FindUserByUsername(as(t, db, "auditor"), "secadmin"); err != nil {
			t.Fatal(err)
		}

		sec := as(t, db, "secadmin")
		nu := &spotcheck.User{Username: "inspector", Name: "检查员", Dept: "GLWL", Roles: []string{spotcheck.RoleInspector}}
		if err := db.Accounts().CreateUser(sec, nu, pw); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "unknown dept", db.Accounts().CreateUser(sec, &spotcheck.User{Username: "y", Name: "乙", Dept: "NOPE",
			Roles: []string{spotcheck.RoleInspector}}, pw), spotcheck.EINVALID, "")
		users, err := db.Accounts().FindUsers(sec)
		if err != nil || len(users) != 4 {
			t.Fatalf("FindUsers: %+v, %v", users, err)
		}
		var names []string
		for _, u := range users {
			names = append(names, u.Username)
		}
		if strings.Join(names, ",") != "auditor,inspector,planner,secadmin" {
			t.Fatalf("order: %v", names)
		}
		if users, err := db.Accounts().FindUsers(ctx); err != nil || len(users) != 4 {
			t.Fatalf("FindUsers from the command line: %d, %v", len(users), err)
		}
	})
}

// Every account change is recorded with its actor, and no record holds a
// password or its hash.
func TestAccountChanges(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		sec := as(t, db, "secadmin")
		u, _ := db.Accounts().FindUserByUsername(ctx, "planner")
		u.Name = "张计划"
		steps := []func() error{
			func() error { return db.Accounts().UpdateUser(sec, u) },
			func() error { return db.Accounts().UpdateUser(sec, u) }, // unchanged: not recorded
			func() error { u.Active = false; return db.Accounts().UpdateUser(sec, u) },
			func() error { u.Active = true; return db.Accounts().UpdateUser(sec, u) },
			func() error { return db.Accounts().SetPassword(as(t, db, "planner"), "planner", "new-password-2") },
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		changes, err := db.FindRecordChanges(ctx, "user", "planner")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range changes {
			got = append(got, c.Action+"/"+c.Actor+"/"+itoa(c.Version))
			for _, bad := range []string{"$2a$", "$2b$", "password", "Password", pw, "new-password-2"} {
				if strings.Contains(c.Before+c.After, bad) {
					t.Errorf("change %s holds %q: %s %s", c.Action, bad, c.Before, c.After)
				}
			}
		}
		want := "create/system:tester/1 update/secadmin/2 disable/secadmin/3 enable/secadmin/4 password/planner/5"
		if strings.Join(got, " ") != want {
			t.Fatalf("changes:\n got %s\nwant %s", strings.Join(got, " "), want)
		}
		if c := changes[1]; !strings.Contains(c.Before, `"Name":"计划员"`) || !strings.Contains(c.After, `"Name":"张计划"`) {
			t.Fatalf("update change: %+v", c)
		}
		if changes[0].Before != "" || !strings.Contains(changes[0].After, `"Username":"planner"`) {
			t.Fatalf("create change: %+v", changes[0])
		}
	})
}

// TestUserNames: staff read every account's name, by user name (the
// pages name who did what); the public may not, and nobody is refused.
func TestUserNames(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		names, err := db.Accounts().UserNames(as(t, db, "planner"))
		if err != nil || names["auditor"] != "审计管理员" || names["planner"] != "计划员" || len(names) != 3 {
			t.Fatalf("a planner reading the names: %v, %v", names, err)
		}
		_, err = db.Accounts().UserNames(spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public()))
		wantCode(t, "the public", err, spotcheck.EFORBIDDEN, "")
		_, err = db.Accounts().UserNames(context.Background())
		wantCode(t, "nobody", err, spotcheck.EUNAUTHORIZED, "")
	})
}
