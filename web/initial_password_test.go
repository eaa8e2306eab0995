package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// TestInitialPasswordChangedFirst: an account the security admin created
// (where the installation does not keep initial passwords) can do
// nothing but change its password: every staff page redirects to the
// account page, which says why, a form elsewhere is refused, and the API
// refuses its token; once it has chosen its own password, it works.
func TestInitialPasswordChangedFirst(t *testing.T) {
	a := webtest.New(t)
	sec := a.As(t, "secadmin")
	p, err := a.DB.Accounts().FindSecurityPolicy(sec)
	if err != nil {
		t.Fatal(err)
	}
	p.KeepInitialPasswords = false
	if err := a.DB.Accounts().UpdateSecurityPolicy(sec, &p); err != nil {
		t.Fatal(err)
	}
	u := &spotcheck.User{Username: "newplanner", Name: "新计划员", Dept: "FZWL", Roles: []string{spotcheck.RolePlanner}}
	if err := a.DB.Accounts().CreateUser(sec, u, "Initial-Pass-2026"); err != nil {
		t.Fatal(err)
	}
	token, err := a.DB.Accounts().CreateAPIToken(a.As(t, "newplanner"), "newplanner", "脚本", 0)
	if err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{"/staff/", "/staff/plans", "/staff/inspections"} {
		rec, _ := a.Page(t, "newplanner", "GET", path, nil)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/staff/account?ok=initial-password" {
			t.Errorf("GET %s: %d to %q", path, rec.Code, rec.Header().Get("Location"))
		}
	}
	if _, body := a.Page(t, "newplanner", "GET", "/staff/account?ok=initial-password", nil); !strings.Contains(body, "管理员设置的初始密码") {
		t.Errorf("the account page does not say why:\n%.2000s", body)
	}
	if rec, _ := a.Page(t, "newplanner", "POST", "/staff/account/tokens", url.Values{"name": {"x"}, "days": {"30"}}); rec.Code != http.StatusForbidden {
		t.Errorf("a form other than the password's: %d", rec.Code)
	}
	if rec, _ := a.CallToken(t, "GET", "/api/v1/plans", token, ""); rec.Code != http.StatusForbidden {
		t.Errorf("the API with the token: %d", rec.Code)
	}

	form := url.Values{"old": {"Initial-Pass-2026"}, "password": {"Chosen-By-Me-2026"}, "password2": {"Chosen-By-Me-2026"}}
	rec, _ := a.Page(t, "newplanner", "POST", "/staff/account/password", form)
	if rec.Code != http.StatusSeeOther || len(rec.Result().Cookies()) == 0 {
		t.Fatalf("changing the password: %d", rec.Code)
	}
	// The change ended the old session and started a new one.
	req := httptest.NewRequest("GET", "/staff/", nil)
	req.AddCookie(rec.Result().Cookies()[0])
	after := httptest.NewRecorder()
	a.Web.ServeHTTP(after, req)
	if after.Code != http.StatusOK {
		t.Errorf("after the change: %d to %q", after.Code, after.Header().Get("Location"))
	}
}
