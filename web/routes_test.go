package web

import (
	"strings"
	"testing"

	"spotcheck"
)

// TestRoutesDeclarePermissions: every route of the table says what it
// needs — PermPublic exactly on the public routes, a real permission or
// PermAnySignedIn on the others — so that the role × route matrix of the
// browser tests is complete and no route is open by omission.
func TestRoutesDeclarePermissions(t *testing.T) {
	routes := newBare(t).Routes()
	if len(routes) < 100 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, rt := range routes {
		switch {
		case rt.Perm == "":
			t.Errorf("%s declares no permission", rt.Pattern)
		case (rt.Perm == spotcheck.PermPublic) != (rt.Access == Public):
			t.Errorf("%s: access %d with permission %s", rt.Pattern, rt.Access, rt.Perm)
		case rt.MaxBody <= 0:
			t.Errorf("%s: no body limit", rt.Pattern)
		}
		upload := strings.HasPrefix(rt.Pattern, "POST /staff/transfer/") || rt.Pattern == "POST /staff/inspections/{id}/evidence"
		if upload != (rt.MaxBody > maxFormBytes) {
			t.Errorf("%s: body limit %d", rt.Pattern, rt.MaxBody)
		}
	}
}

// TestGuardDeniesByDefault: a route without a permission serves nobody,
// PermPublic only on public routes, PermAnySignedIn only to whom the
// route's access authenticated, and any other permission to its holders.
func TestGuardDeniesByDefault(t *testing.T) {
	planner := spotcheck.NewPrincipal(spotcheck.User{Username: "p", Dept: "FZWL", Roles: []string{spotcheck.RolePlanner},
		Active: true}, []spotcheck.Department{{Code: "FZWL"}})
	public := spotcheck.Public()
	tests := []struct {
		access Access
		perm   spotcheck.Permission
		p      *spotcheck.Principal
		ok     bool
	}{
		{Public, "", public, false},
		{Staff, "", planner, false},
		{API, "", planner, false},
		{Public, spotcheck.PermPublic, public, true},
		{Staff, spotcheck.PermPublic, planner, false}, // a staff route is never public
		{Staff, spotcheck.PermAnySignedIn, planner, true},
		{API, spotcheck.PermAnySignedIn, planner, true},
		{Public, spotcheck.PermAnySignedIn, public, false},
		{Staff, spotcheck.PermManageDraws, planner, true},
		{Staff, spotcheck.PermManageUsers, planner, false},
		{Public, spotcheck.PermViewLists, public, true},
	}
	for _, tt := range tests {
		err := permitted(route{pattern: "GET /x", access: tt.access, perm: tt.perm}, tt.p)
		if (err == nil) != tt.ok || err != nil && spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Errorf("access %d, permission %q, %s: %v, want allowed %v", tt.access, tt.perm, tt.p.Username, err, tt.ok)
		}
	}
}
