package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/web"
)

// target is one request of the permission matrix: a route of the table
// with its path parameters filled from the demo data.
type target struct {
	pattern string // as in the route table
	method  string
	path    string // filled
	kind    string // the {kind}, for transfer routes
	recDept string // department of the record the path names, "" for none
	api     bool
	ending  bool // ends the session it is sent with
	late    bool // revokes the user's API tokens, which the other targets use
	body    payload
	want    access
}

func (tg target) String() string {
	s := tg.method + " " + tg.path
	if tg.kind != "" {
		s += " (" + tg.kind + ")"
	}
	return s
}

// harmless are the bodies the matrix sends to routes that change data
// when allowed: each gets an answer that says whether the user may use the
// route without changing anything (a validation error is an allowed use).
// Every other route gets a form with a stale version (and active=1, so
// that not even a wrongly accepted one deactivates), or {} for the API.
var harmless = map[string]payload{
	// A year that is none: the detection refuses it before it proposes.
	"POST /staff/visits/propose": form("year", "x"),
	// A real sign-in of a spare account: a failed one would count against
	// the login limits of the test client's address.
	"POST /login": form("username", "e2e.login", "password", demo.Password),
	// Two different new passwords are refused before the old one is
	// checked, which would count as a failed sign-in.
	"POST /staff/account/password": form("old", "x", "password", "matrix-pass-1", "password2", "matrix-pass-2"),
}

// logQueries are the query strings the log's routes need to answer with
// their page (a request without them is 400).
var logQueries = map[string]string{
	"GET /log/entries":           "?start=0&end=2",
	"GET /log/proof/inclusion":   "?index=0&size=2",
	"GET /log/proof/consistency": "?old=1&new=2",
}

// paramRe finds the wildcards of a ServeMux pattern.
var paramRe = regexp.MustCompile(`\{([^}]*)\}`)

// TestPermissionMatrix requests every route of Server.Routes() as every
// demo user and as a visitor and compares allowed/forbidden with the
// expectation of matrix_expect_test.go.
func TestPermissionMatrix(t *testing.T) {
	a := sharedApp(t)
	routes := a.Web.Routes()
	if len(routes) < 30 {
		t.Fatalf("Routes() lists %d routes; the table of the web package has more", len(routes))
	}
	var targets []target
	for _, rt := range routes {
		tgs, err := a.targets(rt)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		targets = append(targets, tgs...)
	}
	users := append([]*spotcheck.User{nil}, demoUsers()...)
	sessions := map[string]string{}
	for _, u := range users[1:] {
		sessions[u.Username] = a.session(t, u.Username)
	}
	var mu sync.Mutex
	counts := map[bool]int{}
	run := func(t *testing.T, tg target) {
		for _, u := range users {
			mu.Lock()
			counts[tg.want.allows(u, tg.recDept)]++
			mu.Unlock()
			c := creds{}
			name := "visitor"
			if u != nil {
				name = u.Username
				switch {
				case tg.api:
					// Every user gets a token (the command line can make
					// one for anyone), to show that a token does not
					// replace the role.
					c.token = a.token(t, u.Username)
				case tg.ending || tg.late:
					// Signing out everywhere, sent before, ended the
					// shared sessions.
					c.cookie = a.session(t, u.Username)
				default:
					c.cookie = sessions[u.Username]
				}
			}
			res, body := a.request(t, c, tg.method, tg.path, tg.body, nil)
			if msg := judge(tg, u, res); msg != "" {
				t.Errorf("%-10s %s: %s [%s]\n\tpage: %s", name, tg, msg, tg.want.reason, excerpt(body))
			}
		}
	}
	// Routes that end sessions or revoke tokens go last, when nothing else
	// uses them.
	t.Run("routes", func(t *testing.T) {
		for _, tg := range targets {
			if !tg.ending && !tg.late {
				t.Run(tg.String(), func(t *testing.T) {
					t.Parallel()
					run(t, tg)
				})
			}
		}
	})
	for _, tg := range targets {
		if tg.ending || tg.late {
			t.Run(tg.String(), func(t *testing.T) { run(t, tg) })
		}
	}
	t.Logf("%d routes, %d requests: %d expected allowed, %d expected forbidden",
		len(routes), counts[true]+counts[false], counts[true], counts[false])
}

// judge compares an answer with the expectation and returns what is
// wrong, or "". Allowed means not 401/403 and not sent to /login (a
// validation error is an allowed use), and for a GET the page itself;
// forbidden means 403 for a user,
// 401 for the API without a token and for a visitor's POST, and a redirect
// to /login for a visitor's GET of a staff page.
func judge(tg target, u *spotcheck.User, res *http.Response) string {
	loc := res.Header.Get("Location")
	toLogin := res.StatusCode/100 == 3 && strings.HasPrefix(loc, "/login")
	got := fmt.Sprintf("%d %s", res.StatusCode, loc)
	if tg.want.absent {
		if res.StatusCode != 404 {
			return "answered " + got + ", want 404 (no token configured)"
		}
		return ""
	}
	if tg.ending && tg.want.allows(u, tg.recDept) {
		// Signing out ends at the login page, with the cookie deleted.
		if c := sessionCookieOf(res); res.StatusCode != 303 || c == nil || c.MaxAge >= 0 {
			return "answered " + got + " without deleting the session cookie, want a signed-out redirect"
		}
		return ""
	}
	if tg.want.allows(u, tg.recDept) {
		if res.StatusCode == 401 || res.StatusCode == 403 || toLogin {
			return "refused (" + got + "), want allowed"
		}
		if res.StatusCode >= 500 {
			return "allowed but failed (" + got + ")"
		}
		// Every path names a record that exists, so a page the user may
		// see is there: a 404 would hide a refusal.
		if tg.method == "GET" && res.StatusCode >= 400 {
			return "answered " + got + ", want the page"
		}
		return ""
	}
	switch {
	case u == nil && !tg.api && tg.method == "GET":
		if !toLogin {
			return "answered " + got + ", want a redirect to /login"
		}
	case u == nil:
		if res.StatusCode != 401 {
			return "answered " + got + ", want 401"
		}
	case tg.want.unknown(u, tg.recDept):
		if res.StatusCode != 404 {
			return "answered " + got + ", want 404 (a record the user may not see does not exist for them)"
		}
	case res.StatusCode != 403:
		return "answered " + got + ", want 403"
	}
	return ""
}

// unknown reports whether u may use the route but may not see the record
// of recDept it names, so that for them it does not exist.
func (x access) unknown(u *spotcheck.User, recDept string) bool {
	return x.hidden && hasRole(u, x.roles) && (!x.api || hasRole(u, apiUse)) && !covers(u.Dept, recDept)
}

// allows reports whether u (nil: a visitor) may use a route with this
// expectation on a record of recDept.
func (x access) allows(u *spotcheck.User, recDept string) bool {
	if x.public {
		return true
	}
	if u == nil || x.api && !hasRole(u, apiUse) {
		return false
	}
	return hasRole(u, x.roles) && (!x.scoped || covers(u.Dept, recDept)) && (x.keeper == "" || covers(u.Dept, x.keeper))
}

func hasRole(u *spotcheck.User, g group) bool { return g.has(u.Roles) }

// demoUsers returns the demo users, one per role and a few more (a
// district admin, a district inspector, a partner's planner).
func demoUsers() []*spotcheck.User {
	out := make([]*spotcheck.User, len(demo.Users))
	for i := range demo.Users {
		out[i] = &demo.Users[i]
	}
	return out
}

// targets fills the path parameters of a route with records of the demo
// data; a {kind} route becomes one target per import kind. It fails for a
// route with a parameter it cannot fill or a path no group of the
// expectation covers, so that a new route cannot pass unexamined.
func (a *app) targets(rt web.RouteInfo) ([]target, error) {
	method, path, ok := strings.Cut(rt.Pattern, " ")
	if !ok {
		method, path = "GET", rt.Pattern
	}
	if i := strings.IndexByte(path, '/'); i > 0 {
		path = path[i:] // drop a host
	}
	kinds := []string{""}
	if strings.HasPrefix(path, "/staff/transfer/{kind}") {
		kinds = spotcheck.ImportKinds
	}
	var out []target
	for _, kind := range kinds {
		want, ok := expect(method, path, kind)
		if !ok {
			return nil, fmt.Errorf("route %q (kind %q) is in no group of e2e/matrix_expect_test.go: "+
				"add who may use it to resources or publicPaths", rt.Pattern, kind)
		}
		tg := target{pattern: rt.Pattern, method: method, kind: kind, want: want,
			api: strings.HasPrefix(path, "/api/"), ending: isEnding(path), late: slices.Contains(tokenRevoking, path)}
		var fillErr error
		tg.path = paramRe.ReplaceAllStringFunc(path, func(m string) string {
			name := strings.TrimSuffix(m[1:len(m)-1], "...")
			if name == "$" {
				return ""
			}
			v, dept, err := a.paramValue(path, name, kind)
			if err != nil && fillErr == nil {
				fillErr = fmt.Errorf("route %q: %v; teach paramValue in e2e/matrix_test.go about it", rt.Pattern, err)
			}
			if dept != "" {
				tg.recDept = dept
			}
			return v
		})
		if fillErr != nil {
			return nil, fillErr
		}
		tg.path += logQueries[rt.Pattern]
		tg.body = harmless[rt.Pattern]
		if tg.body.ctype == "" && method != "GET" && method != "HEAD" {
			// A stale version: a save of a record is refused as a
			// conflict, a new record as invalid.
			tg.body = form("version", "999999", "active", "1")
			if tg.api {
				tg.body = jsonBody("{}")
				if method == "PUT" {
					tg.body = jsonBody(`{"version":999999}`)
				}
			}
		}
		out = append(out, tg)
	}
	return out, nil
}

func isEnding(path string) bool {
	for _, p := range sessionEnding {
		if path == p {
			return true
		}
	}
	return false
}

// paramValue returns the value of path parameter name of a route path:
// a record of the demo data of the kind the path is about, and the
// record's department when it has one.
func (a *app) paramValue(path, name, kind string) (value, dept string, err error) {
	fx := a.fx
	api := strings.HasPrefix(path, "/api/v1/")
	rest := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(path, "/api/v1"), "/staff"), "/")
	res, _, _ := strings.Cut(rest, "/")
	switch {
	case res == "transfer" && name == "kind":
		return kind, "", nil
	case res == "transfer" && name == "file":
		return kind + ".csv", "", nil
	case res == "outbox" && name == "file": // the credit push's export (matrix_outbox_test.go)
		return "outbox.xlsx", "", nil
	case res == "stats" && name == "file": // a table of the dashboard (matrix_stats_test.go)
		return "coverage.xlsx", "", nil
	case res == "jobs" && name == "name": // a scheduled job (matrix_jobs_test.go)
		return "refresh-stats", "", nil
	case res == "log" && name == "sha256":
		return a.logRecord, "", nil
	case res == "v" && name == "token":
		return fx.noticeToken, "", nil
	case res == "e" || res == "objections" || res == "repairs": // matrix_enterprise_test.go
		return fx.enterprise.param(res)
	case res == "account" && name == "id":
		return strconv.FormatInt(fx.tokenID, 10), "", nil
	}
	staffish := strings.Contains(name, "staff") || strings.Contains(name, "inspector")
	entityish := strings.Contains(name, "entity")
	switch res {
	case spotcheck.KindEntities:
		return fx.home.ID, fx.home.Dept, nil
	case spotcheck.KindInspectors:
		return fx.inspector.StaffID, fx.inspector.Dept, nil
	case spotcheck.KindExperts:
		return fx.expert.StaffID, fx.expert.Dept, nil
	case spotcheck.KindAgencies:
		return fx.agency.Code, "", nil
	case spotcheck.KindItems:
		return fx.item.Code, fx.itemDept, nil
	case spotcheck.KindResponsibilities:
		switch name {
		case "item", "code":
			return fx.resp.Item, fx.resp.Dept, nil
		case "dept":
			return fx.resp.Dept, fx.resp.Dept, nil
		}
	case spotcheck.KindDepartments:
		return homeDept, "", nil
	case "users":
		return "e2e.target", "", nil
	case "plans": // {key} of a plan, {file} of its task sheet
		switch {
		case name == "file":
			return "tasks.xlsx", cityBureau, nil
		case strings.HasPrefix(path, "/plans/"):
			return fx.planPublished, homeDept, nil
		}
		return fx.planDraft, cityBureau, nil
	case "tasks": // {code}, {task}
		return fx.drawTask, cityBureau, nil
	case "results": // {task}: the draw fixture's task has a published result (makePublicationFixture)
		return fx.drawTask, "", nil
	case "visits": // {id}; an accepted one's and {sha} of a signature on its 联合总表
		switch {
		case name == "sha":
			return fx.visitSignature, cityBureau, nil
		case strings.Contains(path, "/signatures/"):
			return strconv.FormatInt(fx.signedVisitID, 10), cityBureau, nil
		}
		return strconv.FormatInt(fx.visitID, 10), cityBureau, nil
	case "recusals": // the enterprise's recusal request, the entity's department's
		return strconv.FormatInt(fx.recusalID, 10), fx.recusalDept, nil
	case "appointments": // a proposed visit time of the inspection
		return strconv.FormatInt(fx.appointmentID, 10), cityBureau, nil
	case "inspections": // {id}, {sha} of the evidence it cites
		if name == "sha" {
			return fx.evidenceSHA, cityBureau, nil
		}
		return strconv.FormatInt(fx.inspectionID, 10), cityBureau, nil
	case "rules": // {dept}, {version} of the 一细则 fixture (matrix_rules_test.go)
		return rulesParam(name)
	case "risk": // {id} of a reclassification run (matrix_risk_test.go)
		return riskParam(fx)
	case "followups": // {id} of the follow-up fixture
		return strconv.FormatInt(fx.followUpID, 10), cityBureau, nil
	case "draws": // {id} or {draw_id} of a draw, {change} or …/changes/{id} of its change
		if strings.Contains(path, "/changes/{"+name+"}") {
			return strconv.FormatInt(fx.drawChange, 10), cityBureau, nil
		}
		return strconv.FormatInt(fx.drawID, 10), cityBureau, nil
	case spotcheck.KindConflicts:
		c := fx.conflict
		switch {
		case staffish:
			return c.StaffID, fx.conflictDept, nil
		case entityish:
			return c.EntityID, fx.conflictDept, nil
		case name == "kind" && api:
			return url.PathEscape(c.Kind), fx.conflictDept, nil
		case name == "kind":
			// The staff pages name the kinds in ASCII.
			slug := map[string]string{spotcheck.ConflictDeclared: "declared", spotcheck.ConflictRequested: "requested"}[c.Kind]
			return slug, fx.conflictDept, nil
		}
	}
	return "", "", fmt.Errorf("no value for path parameter {%s} under %q", name, res)
}
