package staff_test

import (
	"net/url"
	"strings"
	"testing"

	"spotcheck/demo"
	"spotcheck/internal/webtest"
)

// TestUserFormStaffID: the security admin sees and sets the staff id an
// inspector's account is linked to; an unknown one is refused beside the
// field and changes nothing; an empty one unlinks.
func TestUserFormStaffID(t *testing.T) {
	a := webtest.New(t)
	_, body := a.Page(t, "secadmin", "GET", "/staff/users/inspector/edit", nil)
	if !strings.Contains(body, `name="staff_id" value="`+demo.DemoInspector+`"`) {
		t.Fatalf("the edit form lacks the linked staff id")
	}
	form := url.Values{"name": {"鼓楼区执法检查人员（示例）"}, "dept": {"GLWL"}, "roles": {"inspector"}, "active": {"1"},
		"staff_id": {"GL0404"}}
	rec, body := a.Page(t, "secadmin", "POST", "/staff/users/inspector", form)
	if rec.Code != 400 || !strings.Contains(webtest.Text(body), "执法检查人员名录中没有工号为“GL0404”的人员") {
		t.Fatalf("an unknown staff id: %d\n%s", rec.Code, webtest.Text(body))
	}
	check := func(want string) {
		t.Helper()
		u, err := a.DB.Accounts().FindUserByUsername(webtest.System(), "inspector")
		if err != nil || u.StaffID != want {
			t.Fatalf("the account: %+v, %v; want staff id %q", u, err, want)
		}
	}
	check(demo.DemoInspector)
	form.Set("staff_id", "")
	if rec, _ := a.Page(t, "secadmin", "POST", "/staff/users/inspector", form); rec.Code != 303 {
		t.Fatalf("unlink: %d", rec.Code)
	}
	check("")
}
