package store_test

import (
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// lastChange returns the newest recorded change of a record.
func lastChange(t *testing.T, db *store.DB, kind, key string) spotcheck.Change {
	t.Helper()
	cs, err := db.FindRecordChanges(ctx, kind, key)
	if err != nil || len(cs) == 0 {
		t.Fatalf("changes of %s %s: %v, %v", kind, key, cs, err)
	}
	return cs[len(cs)-1]
}

// wantRefused checks that err is EFORBIDDEN and that the refusal is the
// newest change of account key, recorded with the acting user.
func wantRefused(t *testing.T, db *store.DB, what string, err error, key, actor, tried string) {
	t.Helper()
	wantCode(t, what, err, spotcheck.EFORBIDDEN, "")
	c := lastChange(t, db, "user", key)
	if c.Action != "refused" || c.Actor != actor || !strings.Contains(c.After, `"Action":"`+tried+`"`) ||
		!strings.Contains(c.After, spotcheck.ErrorMessage(err)) {
		t.Fatalf("%s: newest change of %s is %+v, want a refusal of %s by %s", what, key, c, tried, actor)
	}
}

// 三员分立: the security admin can neither widen their own roles nor make,
// change, disable or take over another administrator; the command line
// can. Every refusal is recorded for the audit admin.
func TestSeparationOfDuties(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		sec := as(t, db, "secadmin")

		// The repro of the issue: secadmin gives itself 部门管理员 and 监督员.
		self, _ := db.Accounts().FindUserByUsername(ctx, "secadmin")
		self.Roles = []string{spotcheck.RoleSecurityAdmin, spotcheck.RoleDeptAdmin, spotcheck.RoleSupervisor}
		wantRefused(t, db, "own roles", db.Accounts().UpdateUser(sec, self), "secadmin", "secadmin", "update")
		if u, _ := db.Accounts().FindUserByUsername(ctx, "secadmin"); len(u.Roles) != 1 {
			t.Fatalf("secadmin's roles became %v", u.Roles)
		}
		if _, err := db.Changes().FindChanges(as(t, db, "secadmin"), spotcheck.ChangeFilter{}); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Fatalf("secadmin reads the audit trail: %v", err)
		}

		auditor, _ := db.Accounts().FindUserByUsername(ctx, "auditor")
		a := *auditor
		a.Roles = []string{spotcheck.RoleInspector}
		wantRefused(t, db, "audit admin's role taken", db.Accounts().UpdateUser(sec, &a), "auditor", "secadmin", "update")
		a = *auditor
		a.Active = false
		wantRefused(t, db, "audit admin disabled", db.Accounts().UpdateUser(sec, &a), "auditor", "secadmin", "disable")
		wantRefused(t, db, "audit admin's password", db.Accounts().SetPassword(sec, "auditor", "Taken-over-2026"), "auditor", "secadmin", "password")
		wantRefused(t, db, "audit admin signed out", db.Accounts().DeleteUserSessions(sec, "auditor"), "auditor", "secadmin", "signout")
		planner, _ := db.Accounts().FindUserByUsername(ctx, "planner")
		p := *planner
		p.Roles = []string{spotcheck.RoleSecurityAdmin}
		wantRefused(t, db, "a second security admin", db.Accounts().UpdateUser(sec, &p), "planner", "secadmin", "update")
		nu := &spotcheck.User{Username: "sec2", Name: "影子管理员", Dept: "FZWL", Roles: []string{spotcheck.RoleSecurityAdmin}}
		wantRefused(t, db, "create an admin", db.Accounts().CreateUser(sec, nu, pw), "sec2", "secadmin", "create")
		if _, err := db.Accounts().FindUserByUsername(ctx, "sec2"); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Fatalf("sec2 was created: %v", err)
		}
		if _, err := db.Accounts().Authenticate(ctx, "auditor", pw, "10.0.0.1"); err != nil {
			t.Fatalf("the audit admin's password changed: %v", err)
		}

		// Working accounts stay the security admin's to keep.
		p = *planner
		p.Roles = []string{spotcheck.RolePlanner, spotcheck.RoleSupervisor}
		if err := db.Accounts().UpdateUser(sec, &p); err != nil {
			t.Fatalf("secadmin changes the planner's roles: %v", err)
		}
		if err := db.Accounts().SetPassword(sec, "planner", "Reset-by-sec-1"); err != nil {
			t.Fatalf("secadmin resets the planner's password: %v", err)
		}
		// The auditor reads every refusal in the audit trail.
		list, err := db.Changes().FindChanges(as(t, db, "auditor"), spotcheck.ChangeFilter{Kind: "user", Actor: "secadmin"})
		if err != nil {
			t.Fatal(err)
		}
		refused := 0
		for _, c := range list.Items {
			if c.Action == "refused" {
				refused++
			}
		}
		if refused != 7 {
			t.Fatalf("the audit trail shows %d refusals by secadmin, want 7: %+v", refused, list.Items)
		}

		// The command line (no principal) does what the web may not.
		if err := db.Accounts().CreateUser(ctx, nu, pw); err != nil {
			t.Fatalf("command line creates an admin: %v", err)
		}
		a = *auditor
		a.Active = false
		if err := db.Accounts().UpdateUser(ctx, &a); err != nil {
			t.Fatalf("command line disables the audit admin: %v", err)
		}
		if c := lastChange(t, db, "user", "auditor"); c.Action != "disable" || c.Actor != "system:tester" {
			t.Fatalf("command line's change: %+v", c)
		}
		if err := db.Accounts().SetPassword(ctx, "auditor", "Reset-by-cli-1"); err != nil {
			t.Fatalf("command line resets the audit admin's password: %v", err)
		}
	})
}

// The back-off: refused attempts are not counted and do not extend the
// delay, which doubles per counted failure up to the cap; the security
// admin's unlock starts the count afresh, and old failures are forgotten.
func TestLoginBackoff(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		fail := func(what string) {
			t.Helper()
			_, err := db.Accounts().Authenticate(ctx, "planner", "wrong-password", "10.0.0.1")
			wantCode(t, what, err, spotcheck.EUNAUTHORIZED, msgFailed)
		}
		for i := range spotcheck.MaxLoginFailures {
			fail("failure " + itoa(i+1))
		}
		// An attacker hammering during the delay changes nothing.
		for range 50 {
			_, err := db.Accounts().Authenticate(ctx, "planner", "guess", "203.0.113.9")
			wantCode(t, "during the delay", err, spotcheck.EUNAUTHORIZED, msgLocked(time.Minute))
		}
		l, err := db.Accounts().FindLoginLimit(as(t, db, "secadmin"), "planner")
		if err != nil || l.Failures != spotcheck.MaxLoginFailures || !l.Until.Equal(db.Now().Add(time.Minute)) {
			t.Fatalf("limit after 5 failures: %+v, %v", l, err)
		}
		// Each further failure doubles the delay, up to 15 minutes.
		for _, d := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute} {
			advance(db, d-time.Second)
			_, err := db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1")
			wantCode(t, "a second early", err, spotcheck.EUNAUTHORIZED, msgLocked(time.Second))
			advance(db, time.Second)
			fail("after " + d.String())
		}
		advance(db, 14*time.Minute)
		_, err = db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1")
		wantCode(t, "capped at 15 minutes", err, spotcheck.EUNAUTHORIZED, msgLocked(time.Minute))

		// Only the security admin unlocks, and the unlock is recorded.
		wantCode(t, "planner unlocks", db.Accounts().UnlockLogin(as(t, db, "auditor"), "planner"), spotcheck.EFORBIDDEN, "")
		wantCode(t, "unlock nobody", db.Accounts().UnlockLogin(as(t, db, "secadmin"), "nobody"), spotcheck.ENOTFOUND, "")
		if err := db.Accounts().UnlockLogin(as(t, db, "secadmin"), "planner"); err != nil {
			t.Fatal(err)
		}
		if c := lastChange(t, db, "user", "planner"); c.Action != "unlock" || c.Actor != "secadmin" ||
			!strings.Contains(c.Before, `"Failures":10`) || !strings.Contains(c.After, `"Failures":0`) {
			t.Fatalf("unlock change: %+v", c)
		}
		if l, _ := db.Accounts().FindLoginLimit(as(t, db, "auditor"), "planner"); l.Failures != 0 || !l.Until.IsZero() {
			t.Fatalf("limit after unlock: %+v", l)
		}
		if _, err := db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1"); err != nil {
			t.Fatalf("after unlock: %v", err)
		}

		// Failures older than LoginFailureMemory are forgotten.
		for range spotcheck.MaxLoginFailures - 1 {
			fail("old failure")
		}
		advance(db, spotcheck.LoginFailureMemory)
		fail("new failure")
		if _, err := db.Accounts().Authenticate(ctx, "planner", pw, "10.0.0.1"); err != nil {
			t.Fatalf("old failures were counted: %v", err)
		}
	})
}

// Sessions also end after the idle timeout of the policy, counted from
// last_seen, which is written at most once a minute.
func TestSessionIdleTimeout(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		idle := spotcheck.DefaultSecurityPolicy().IdleTimeout()
		tok, _ := db.Accounts().CreateSession(ctx, "planner")
		advance(db, idle-time.Second)
		if _, _, err := db.Accounts().FindSession(ctx, tok); err != nil {
			t.Fatalf("used just before the timeout: %v", err)
		}
		advance(db, idle-time.Second) // counted from the use above
		if _, _, err := db.Accounts().FindSession(ctx, tok); err != nil {
			t.Fatalf("used again in time: %v", err)
		}
		// A use within a minute of the last write leaves last_seen as it
		// is, so the timeout runs from the earlier use.
		advance(db, 30*time.Second)
		if _, _, err := db.Accounts().FindSession(ctx, tok); err != nil {
			t.Fatal(err)
		}
		advance(db, idle-30*time.Second)
		_, _, err := db.Accounts().FindSession(ctx, tok)
		wantCode(t, "idle", err, spotcheck.EUNAUTHORIZED, msgEnded)

		// The timeout is the security admin's to set.
		p := spotcheck.DefaultSecurityPolicy()
		p.IdleMinutes = 10
		if err := db.Accounts().UpdateSecurityPolicy(as(t, db, "secadmin"), &p); err != nil {
			t.Fatal(err)
		}
		tok, _ = db.Accounts().CreateSession(ctx, "planner")
		advance(db, 10*time.Minute)
		_, _, err = db.Accounts().FindSession(ctx, tok)
		wantCode(t, "idle 10 minutes", err, spotcheck.EUNAUTHORIZED, msgEnded)
	})
}

// Tokens expire, and a password change, an administrator's reset and
// signing out everywhere revoke them, each revocation recorded.
func TestAPITokenExpiryAndRevocation(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		planner := as(t, db, "planner")
		mk := func(days int) string {
			t.Helper()
			s, err := db.Accounts().CreateAPIToken(planner, "planner", "脚本"+itoa(days), days)
			if err != nil {
				t.Fatalf("CreateAPIToken(%d days): %v", days, err)
			}
			return s
		}
		_, err := db.Accounts().CreateAPIToken(planner, "planner", "太久", 3650)
		wantCode(t, "ten years", err, spotcheck.EINVALID, "")
		short := mk(30)
		ts, _ := db.Accounts().FindAPITokens(planner, "planner")
		if !ts[0].ExpiresAt.Equal(db.Now().AddDate(0, 0, 30)) || !ts[0].Valid(db.Now()) {
			t.Fatalf("expiry of a 30-day token: %+v", ts[0])
		}
		mk(0)
		if ts, _ := db.Accounts().FindAPITokens(planner, "planner"); !ts[0].ExpiresAt.Equal(db.Now().AddDate(0, 0, spotcheck.DefaultTokenDays)) {
			t.Fatalf("default expiry: %+v", ts[0])
		}
		advance(db, 30*24*time.Hour-time.Second)
		if _, err := db.Accounts().AuthenticateToken(ctx, short); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		advance(db, time.Second)
		_, err = db.Accounts().AuthenticateToken(ctx, short)
		wantCode(t, "expired", err, spotcheck.EUNAUTHORIZED, "接口令牌已过期，请在“我的账号”中创建新令牌")

		// Revoking all leaves the expired token as it is.
		if n, err := db.Accounts().RevokeAPITokens(planner, "planner"); err != nil || n != 1 {
			t.Fatalf("RevokeAPITokens: %d, %v; want the one valid token", n, err)
		}
		valid := func() int {
			ts, _ := db.Accounts().FindAPITokens(planner, "planner")
			n := 0
			for _, k := range ts {
				if k.Valid(db.Now()) {
					n++
				}
			}
			return n
		}
		revokes := func(actor string) int {
			cs, _ := db.Changes().FindChanges(ctx, spotcheck.ChangeFilter{Kind: "api_token", Actor: actor, Limit: 100})
			n := 0
			for _, c := range cs.Items {
				if c.Action == "revoke" {
					n++
				}
			}
			return n
		}
		steps := []struct {
			name  string
			actor string
			do    func() error
		}{
			{"own password", "planner", func() error { return db.Accounts().SetPassword(planner, "planner", "Changed-pass-1") }},
			{"administrator's reset", "secadmin", func() error { return db.Accounts().SetPassword(as(t, db, "secadmin"), "planner", "Reset-pass-2") }},
			{"sign out everywhere", "planner", func() error { return db.Accounts().DeleteUserSessions(planner, "planner") }},
			{"revoke all", "planner", func() error {
				n, err := db.Accounts().RevokeAPITokens(planner, "planner")
				if err == nil && n != 2 {
					t.Errorf("RevokeAPITokens revoked %d, want 2", n)
				}
				return err
			}},
		}
		for _, st := range steps {
			before := revokes(st.actor)
			mk(90)
			mk(365)
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if n := valid(); n != 0 {
				t.Fatalf("%s leaves %d valid tokens", st.name, n)
			}
			if n := revokes(st.actor) - before; n != 2 {
				t.Fatalf("%s recorded %d revocations by %s, want 2", st.name, n, st.actor)
			}
		}
		_, err = db.Accounts().RevokeAPITokens(as(t, db, "auditor"), "planner")
		wantCode(t, "another's tokens", err, spotcheck.EFORBIDDEN, "")
	})
}

// The password policy: length, classes, not the user name, not one of the
// last five; configurable by the security admin only, recorded.
func TestPasswordPolicy(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		planner := as(t, db, "planner")
		for _, bad := range []struct{ pw, msg string }{
			{"Short-1", "至少10个字符"},
			{"lowercase-only", "至少3类"},
			{"My-planner-1", "不能包含用户名"},
			{pw, "最近5次"},
		} {
			err := db.Accounts().SetPassword(planner, "planner", bad.pw)
			if spotcheck.ErrorCode(err) != spotcheck.EINVALID || !strings.Contains(spotcheck.ErrorMessage(err), bad.msg) {
				t.Fatalf("SetPassword(%q): %v, want %s", bad.pw, err, bad.msg)
			}
		}
		for i := 1; i <= 4; i++ {
			if err := db.Accounts().SetPassword(planner, "planner", "Password-no"+itoa(i)); err != nil {
				t.Fatal(err)
			}
		}
		err := db.Accounts().SetPassword(planner, "planner", pw)
		wantCode(t, "fifth last password", err, spotcheck.EINVALID, "新密码不能与最近5次使用过的密码相同")
		if err := db.Accounts().SetPassword(planner, "planner", "Password-no5"); err != nil {
			t.Fatal(err)
		}
		if err := db.Accounts().SetPassword(planner, "planner", pw); err != nil {
			t.Fatalf("the sixth last password: %v", err)
		}
		nu := &spotcheck.User{Username: "wangwu", Name: "王五", Dept: "FZWL", Roles: []string{spotcheck.RoleInspector}}
		wantCode(t, "weak initial password", db.Accounts().CreateUser(as(t, db, "secadmin"), nu, "wangwu-2026A"), spotcheck.EINVALID, "")

		// The policy is the security admin's, recorded.
		p := spotcheck.DefaultSecurityPolicy()
		p.PasswordMinLength, p.PasswordHistory = 16, 1
		wantCode(t, "planner sets the policy", db.Accounts().UpdateSecurityPolicy(planner, &p), spotcheck.EFORBIDDEN, "")
		bad := p
		bad.PasswordMinLength = 4
		wantCode(t, "too short a minimum", db.Accounts().UpdateSecurityPolicy(as(t, db, "secadmin"), &bad), spotcheck.EINVALID, "")
		if err := db.Accounts().UpdateSecurityPolicy(as(t, db, "secadmin"), &p); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Accounts().FindSecurityPolicy(planner); err != nil || got != p {
			t.Fatalf("FindSecurityPolicy: %+v, %v", got, err)
		}
		c := lastChange(t, db, "setting", "security_policy")
		if c.Actor != "secadmin" || !strings.Contains(c.Before, `"PasswordMinLength":10`) || !strings.Contains(c.After, `"PasswordMinLength":16`) {
			t.Fatalf("policy change: %+v", c)
		}
		err = db.Accounts().SetPassword(planner, "planner", "Password-no6")
		wantCode(t, "new minimum", err, spotcheck.EINVALID, "密码至少16个字符（当前12个）")
	})
}

// TestInitialPasswords: a password the command line or an administrator
// sets — creating the account or resetting its password — is an initial
// one (spotcheck.InitialPassword), which the session and the API token
// report (ChangeAtSignIn); the owner's own change clears it; an
// installation that keeps initial passwords (a demo) never sets it.
func TestInitialPasswords(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedAccounts(t, db)
		initial := func(what, username string, want bool) {
			t.Helper()
			u, err := db.Accounts().FindUserByUsername(ctx, username)
			if err != nil || u.ChangeAtSignIn != want {
				t.Fatalf("%s: ChangeAtSignIn %v, want %v (%v)", what, u != nil && u.ChangeAtSignIn, want, err)
			}
		}
		initial("created on the command line", "planner", true)
		sec := as(t, db, "secadmin")
		u := &spotcheck.User{Username: "inspector1", Name: "检查员", Dept: "GLWL", Roles: []string{spotcheck.RoleInspector}}
		if err := db.Accounts().CreateUser(sec, u, pw); err != nil {
			t.Fatal(err)
		}
		initial("created by the security admin", "inspector1", true)
		token, err := db.Accounts().CreateSession(ctx, "inspector1")
		if err != nil {
			t.Fatal(err)
		}
		if _, su, err := db.Accounts().FindSession(ctx, token); err != nil || !su.ChangeAtSignIn {
			t.Fatalf("the session's user: %+v, %v", su, err)
		}
		if err := db.Accounts().SetPassword(as(t, db, "inspector1"), "inspector1", "Own-choice-2026"); err != nil {
			t.Fatal(err)
		}
		initial("changed by its owner", "inspector1", false)
		if err := db.Accounts().SetPassword(sec, "inspector1", "Reset-by-admin-2026"); err != nil {
			t.Fatal(err)
		}
		initial("reset by the security admin", "inspector1", true)

		p, err := db.Accounts().FindSecurityPolicy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p.KeepInitialPasswords = true
		if err := db.Accounts().UpdateSecurityPolicy(sec, &p); err != nil {
			t.Fatal(err)
		}
		if err := db.Accounts().SetPassword(sec, "inspector1", "Demo-password-2026"); err != nil {
			t.Fatal(err)
		}
		initial("reset where initial passwords are kept", "inspector1", false)
	})
}
