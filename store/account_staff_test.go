package store_test

import (
	"errors"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// TestAccountStaffLink: an inspector's account is linked to an active
// inspector of the directory (User.StaffID), whom no other account
// claims; an unknown staff id, an expert, a disabled inspector and a
// second claim are refused with the field named, and nothing changes.
// The principal made from the account carries the link.
func TestAccountStaffLink(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		yes := true
		pick := func(expert bool) *spotcheck.Inspector {
			t.Helper()
			l, err := db.Inspectors().FindInspectors(ctx, spotcheck.InspectorFilter{Expert: &expert, Active: &yes, Limit: 1})
			if err != nil || len(l.Items) == 0 {
				t.Fatalf("FindInspectors(expert %v): %v", expert, err)
			}
			return l.Items[0]
		}
		insp, expert := pick(false), pick(true)
		acct := func(name, staff string) *spotcheck.User {
			return &spotcheck.User{Username: name, Name: "检查员", Dept: insp.Dept, Roles: []string{spotcheck.RoleInspector},
				StaffID: staff}
		}
		refused := func(what string, err error) {
			t.Helper()
			if spotcheck.ErrorCode(err) != spotcheck.EINVALID {
				t.Fatalf("%s: %v, want EINVALID", what, err)
			}
			var inv *spotcheck.InvalidError
			if !errors.As(err, &inv) || len(inv.Fields) == 0 || inv.Fields[0].Field != "staff_id" {
				t.Fatalf("%s: %v does not name the staff id field", what, err)
			}
		}

		refused("an unknown staff id", db.Accounts().CreateUser(ctx, acct("ghost", "NOSUCH01"), pw))
		refused("an expert", db.Accounts().CreateUser(ctx, acct("expert", expert.StaffID), pw))
		planner := acct("planner2", insp.StaffID)
		planner.Roles = []string{spotcheck.RolePlanner}
		refused("a planner", db.Accounts().CreateUser(ctx, planner, pw))
		for _, name := range []string{"ghost", "expert", "planner2"} {
			if _, err := db.Accounts().FindUserByUsername(ctx, name); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
				t.Fatalf("a refused account %s was created: %v", name, err)
			}
		}

		if err := db.Accounts().CreateUser(ctx, acct("lin", insp.StaffID), pw); err != nil {
			t.Fatalf("CreateUser linked: %v", err)
		}
		if p := spotcheck.PrincipalFromContext(as("lin")); p.StaffID != insp.StaffID {
			t.Fatalf("the principal carries %q, want %q", p.StaffID, insp.StaffID)
		}
		s, err := db.Accounts().CreateSession(ctx, "lin")
		if err != nil {
			t.Fatal(err)
		}
		if _, u, err := db.Accounts().FindSession(ctx, s); err != nil || u.StaffID != insp.StaffID {
			t.Fatalf("the session's user: %+v, %v", u, err)
		}

		// One person, one account: neither a new account nor an edit
		// claims a linked staff id again.
		refused("a second account", db.Accounts().CreateUser(ctx, acct("lin2", insp.StaffID), pw))
		if err := db.Accounts().CreateUser(ctx, acct("lin2", ""), pw); err != nil {
			t.Fatal(err)
		}
		before := countChanges(t, db)
		refused("an edit that claims it", db.Accounts().UpdateUser(ctx, &spotcheck.User{Username: "lin2", Name: "检查员",
			Dept: insp.Dept, Roles: []string{spotcheck.RoleInspector}, Active: true, StaffID: insp.StaffID}))
		if n := countChanges(t, db); n != before {
			t.Fatalf("a refused edit recorded %d changes", n-before)
		}

		// Disabled in the directory: a new link is refused, the account
		// unlinked and linked elsewhere.
		insp.Active = false
		if err := db.Inspectors().SaveInspector(ctx, insp); err != nil {
			t.Fatal(err)
		}
		refused("a disabled inspector", db.Accounts().UpdateUser(ctx, &spotcheck.User{Username: "lin2", Name: "检查员",
			Dept: insp.Dept, Roles: []string{spotcheck.RoleInspector}, Active: true, StaffID: insp.StaffID}))
		u, err := db.Accounts().FindUserByUsername(ctx, "lin")
		if err != nil {
			t.Fatal(err)
		}
		u.StaffID = ""
		if err := db.Accounts().UpdateUser(ctx, u); err != nil {
			t.Fatalf("unlink: %v", err)
		}
		if got, _ := db.Accounts().FindUserByUsername(ctx, "lin"); got.StaffID != "" {
			t.Fatalf("unlinked, yet %q", got.StaffID)
		}
	})
}
