package e2e

import (
	"cmp"
	"context"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/web"
)

// tourUsers are the users the accessibility tour signs in as, in order
// of preference: each page is seen by the first who may see it ("" is a
// visitor), so that the users' pages come from the roles that use them
// (users as the security admin, the audit as the audit admin).
var tourUsers = []string{"", "cityadmin", "planner", "secadmin", "auditor", "supervisor", "sysadmin"}

// narrowW and narrowH are the screen of a small phone (375 px wide, as
// the narrowest phones in common use), at which the tour checks every
// page a second time: contrast and keyboard access change with the layout
// (the folded menu, tables that scroll sideways).
const narrowW, narrowH = 375, 812

// tourStop is one page of the tour: a path, the status it answers with,
// and what to do on it before it is checked (nil: nothing).
type tourStop struct {
	path   string
	status int64
	then   func(t *testing.T, b *browser)
}

// TestBrowserAccessibility opens every page of the route table (with the
// path parameters the permission matrix fills in) as a user who may see
// it, and the error pages, a refused sign-in and a form with field errors,
// at a desktop's and at a phone's width. browser.open checks each page
// with axe-core (checkA11y), so a page with an accessibility violation
// fails here, and a new page cannot escape the check.
func TestBrowserAccessibility(t *testing.T) {
	a := sharedApp(t)
	stops := a.tour(t)
	b := newBrowser(t, a)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", desktopW, desktopH}, {"phone", narrowW, narrowH}} {
		t.Run(size.name, func(t *testing.T) {
			b.viewport(t, size.w, size.h)
			defer b.viewport(t, desktopW, desktopH)
			for _, user := range append(slices.Clone(tourUsers), a.fx.inspectionMember) {
				name := cmp.Or(user, "visitor")
				t.Run(name, func(t *testing.T) {
					b.shootOnFailure(t)
					b.signInAs(t, user)
					for _, s := range stops[user] {
						if st := b.open(t, s.path); st != s.status {
							t.Errorf("%s as %s: status %d, want %d", s.path, name, st, s.status)
						}
						if s.then != nil {
							s.then(t, b)
						}
					}
				})
			}
		})
	}
}

// tour returns the pages each user of tourUsers visits: every HTML page
// of the route table that a GET reaches, given to the first user who may
// see it, and the pages that only an error or a refusal shows.
func (a *app) tour(t *testing.T) map[string][]tourStop {
	t.Helper()
	sessions := map[string]string{}
	for _, u := range tourUsers[1:] {
		sessions[u] = a.session(t, u)
	}
	stops := map[string][]tourStop{}
	for _, rt := range a.Web.Routes() {
		if !strings.HasPrefix(rt.Pattern, "GET ") || rt.Access == web.API || rt.Download {
			continue
		}
		tgs, err := a.targets(rt)
		if err != nil {
			continue // TestPermissionMatrix reports it
		}
		for _, tg := range tgs {
			if tg.want.absent {
				continue // /metrics: no page for any session
			}
			user, ok := a.firstAllowed(tg)
			if !ok {
				t.Errorf("no user of tourUsers may see %s: add one", tg.path)
				continue
			}
			res, _ := a.get(t, creds{cookie: sessions[user]}, tg.path)
			if ct, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); ct != "text/html" {
				continue // the log's files, the health check, the OpenAPI document
			}
			stops[user] = append(stops[user], tourStop{path: tg.path, status: int64(res.StatusCode)})
			t.Logf("%s sees %s", cmp.Or(user, "a visitor"), tg.path)
		}
	}
	// Pages that no route of the table is: the error pages, for a
	// visitor and in the staff workspace, a refusal, a refused sign-in
	// and a form shown again with its field errors.
	stops[""] = append(stops[""], tourStop{path: "/no-such-page", status: http.StatusNotFound},
		tourStop{path: "/login", status: http.StatusOK, then: failSignIn})
	stops["cityadmin"] = append(stops["cityadmin"], tourStop{path: "/staff/no-such-page", status: http.StatusNotFound},
		tourStop{path: "/staff/users", status: http.StatusForbidden},
		tourStop{path: "/staff/items/new", status: http.StatusOK, then: saveBlank},
		tourStop{path: "/staff/", status: http.StatusOK, then: unfoldNav})
	// The draw as its supervisor sees it, with the decision on its
	// pending substitution.
	stops["supervisor"] = append(stops["supervisor"], tourStop{path: "/staff/draws/" + strconv.FormatInt(a.fx.drawID, 10),
		status: http.StatusOK})
	// The inspection as a member of its team sees it: my work, and the
	// recording form shown again with a finding's field errors.
	member := a.fx.inspectionMember
	stops[member] = append(stops[member], tourStop{path: "/staff/inspections", status: http.StatusOK},
		tourStop{path: "/staff/inspections/" + strconv.FormatInt(a.fx.inspectionID, 10), status: http.StatusOK,
			then: saveProblemWithoutBasis})
	return stops
}

// saveProblemWithoutBasis records a problem on the first item without its
// legal basis, which shows the recording form again with the field's
// error (and saves nothing).
func saveProblemWithoutBasis(t *testing.T, b *browser) {
	b.do(t, "choosing 发现问题", chromedp.Click(chromedp.CSS(`#finding-0 input[value="problem"]`)))
	if st := b.load(t, "saving the finding", chromedp.Click(chromedp.CSS(`#inspection-form .formactions button.primary`))); st != http.StatusBadRequest {
		t.Errorf("a problem without its legal basis: status %d, want 400", st)
	}
}

// firstAllowed returns the first user of tourUsers whom the matrix's
// expectation allows to see the target.
func (a *app) firstAllowed(tg target) (string, bool) {
	for _, name := range tourUsers {
		var u *spotcheck.User
		if name != "" {
			u = demoUser(name)
		}
		if tg.want.allows(u, tg.recDept) {
			return name, true
		}
	}
	return "", false
}

// demoUser returns the demo user named username.
func demoUser(username string) *spotcheck.User {
	for i := range demo.Users {
		if demo.Users[i].Username == username {
			return &demo.Users[i]
		}
	}
	panic("no demo user " + username)
}

// signInAs gives the tab a new session of username ("" signs out), made
// in the store as the matrix makes them: the tour is about the pages, and
// the sign-in form has its own tests.
func (b *browser) signInAs(t *testing.T, username string) {
	t.Helper()
	tok := ""
	if username != "" {
		tok = b.a.session(t, username)
	}
	b.do(t, "setting the session cookie", chromedp.Action[chromedp.Void](
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			if _, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{}); err != nil || tok == "" {
				return chromedp.Void{}, err
			}
			_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: sessionCookie, Value: tok,
				URL: b.a.URL, HTTPOnly: new(true), SameSite: network.CookieSameSiteLax})
			return chromedp.Void{}, err
		}))
}

// failSignIn signs in with a wrong password (of a user name that no test
// uses, so that no account's back-off grows), which shows the login page
// with its error.
func failSignIn(t *testing.T, b *browser) {
	b.do(t, "filling in the login form", chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "e2e.a11y-nobody"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "wrong-password"))
	if st := b.load(t, "signing in", chromedp.Click(chromedp.CSS(`form[action="/login"] button`))); st == http.StatusOK || st >= 500 {
		t.Errorf("a wrong password: status %d, want a refusal", st)
	}
}

// saveBlank saves the form as it is, empty, which shows it again with
// its field errors.
func saveBlank(t *testing.T, b *browser) {
	if st := b.load(t, "saving a blank form", chromedp.Click(chromedp.CSS(`.formactions button.primary`))); st != http.StatusBadRequest {
		t.Errorf("saving a blank form: status %d, want 400", st)
	}
}

// unfoldNav opens the navigation where it is folded (on a phone) and
// checks the page with it open.
func unfoldNav(t *testing.T, b *browser) {
	shown, err := chromedp.Run(b.step(t), chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".navbutton")).display !== "none"`))
	if err != nil {
		t.Fatalf("looking for the menu button: %v", err)
	}
	if shown {
		b.do(t, "opening the menu", chromedp.Click(chromedp.CSS(".navbutton")))
		b.checkA11y(t)
	}
}
