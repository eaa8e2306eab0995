package spotcheck_test

import (
	"testing"

	"spotcheck"
)

// TestInitialPassword: a password set by anyone but the account's owner is
// an initial one, unless the policy keeps initial passwords.
func TestInitialPassword(t *testing.T) {
	owner := spotcheck.NewPrincipal(spotcheck.User{Username: "zhang"}, nil)
	admin := spotcheck.NewPrincipal(spotcheck.User{Username: "secadmin"}, nil)
	strict, keep := spotcheck.DefaultSecurityPolicy(), spotcheck.DefaultSecurityPolicy()
	keep.KeepInitialPasswords = true
	for _, c := range []struct {
		what   string
		setter *spotcheck.Principal
		policy spotcheck.SecurityPolicy
		want   bool
	}{
		{"the owner's own", owner, strict, false},
		{"an administrator's", admin, strict, true},
		{"the command line's", spotcheck.System("cli:root"), strict, true},
		{"no one's", nil, strict, true},
		{"an administrator's where they are kept", admin, keep, false},
	} {
		if got := spotcheck.InitialPassword(c.setter, "zhang", c.policy); got != c.want {
			t.Errorf("%s: %v, want %v", c.what, got, c.want)
		}
	}
}
