package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
)

// scenarios is the HTTP scenario table of an instance; its rows name the
// instance's own fixture records.
func scenarios(t *testing.T, a *app) []scenario {
	return slices.Concat(signInRows(t, a), accountRows(t, a), errorRows(a), portalRows(a), directoryRows(a), apiRows(a),
		ownershipRows(a), queryRows(a))
}

// loginFailed is the one message for every failed sign-in, whether the
// user exists or not, so that the form cannot be used to find user names.
const loginFailed = `<p class="error" role="alert">用户名或密码错误</p>`

func signInRows(t *testing.T, a *app) []scenario {
	locked, wrongPW := a.spareUser(t, "lockout", spotcheck.RolePlanner), a.spareUser(t, "wrongpw", spotcheck.RolePlanner)
	wrong := func(n int) scenario {
		return scenario{name: "lockout/failure " + strconv.Itoa(n), method: "POST", path: "/login",
			body: form("username", locked, "password", "wrong"), status: 401, want: []string{loginFailed}, check: noSession}
	}
	// A next= that a browser would resolve to another site, each tried
	// through the real sign-in (web/next_test.go tries many more).
	var offSite []scenario
	for _, next := range []string{"//evil.example/", "/\t/evil.example", "/\\evil.example", "https://evil.example/"} {
		offSite = append(offSite, scenario{name: "login/next may not leave the site: " + strconv.Quote(next),
			method: "POST", path: "/login", body: form("username", "planner", "password", demo.Password, "next", next),
			status: 303, location: "/staff/"})
	}
	return append(offSite, []scenario{
		{name: "login/page", method: "GET", path: "/login", status: 200,
			want: []string{"工作人员登录", `name="username"`, `type="password"`},
			check: func(t *testing.T, _ *http.Response, body string) {
				// The page's stylesheet: hashed name, cached for good, and
				// the same security headers as the pages.
				m := regexp.MustCompile(`href="(/assets/[^"]+\.css)"`).FindStringSubmatch(body)
				if m == nil {
					t.Fatalf("the login page links no stylesheet")
				}
				res, _ := a.get(t, creds{}, m[1])
				checkSecurityHeaders(t, res)
				if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
					t.Errorf("GET %s: %d, Cache-Control %q", m[1], res.StatusCode, res.Header.Get("Cache-Control"))
				}
			}},
		{name: "login/success sets the session cookie", method: "POST", path: "/login",
			body:   form("username", "planner", "password", demo.Password, "next", "/staff/entities?q=x"),
			status: 303, location: "/staff/entities?q=x", check: checkSessionCookie},
		{name: "login/unknown user", method: "POST", path: "/login", body: form("username", "nosuchuser", "password", "x"),
			status: 401, want: []string{loginFailed}, wantNot: []string{"不存在"}, check: noSession},
		{name: "login/wrong password, same message", method: "POST", path: "/login",
			body:   form("username", wrongPW, "password", "wrong"),
			status: 401, want: []string{loginFailed, `value="` + wrongPW + `"`}, check: noSession},
		wrong(1), wrong(2), wrong(3), wrong(4), wrong(5),
		{name: "lockout/right password refused after 5 failures", method: "POST", path: "/login",
			body: form("username", locked, "password", demo.Password), status: 401,
			// The wait is a minute from the fifth failure, so it reads
			// 1分钟 or, on a slow machine, some seconds less.
			want: []string{"登录失败次数过多，请"}, check: func(t *testing.T, res *http.Response, body string) {
				noSession(t, res, body)
				if !regexp.MustCompile(`请(1分钟|[1-5]?[0-9]秒)后再试`).MatchString(body) {
					t.Errorf("the refusal does not say how long to wait")
				}
			}},
		{name: "lockout/the security admin sees the back-off", user: "secadmin", method: "GET", path: "/staff/users/" + locked,
			status: 200, want: []string{"连续失败5次", "解除登录限制"}},
		{name: "lockout/the security admin unlocks", user: "secadmin", method: "POST", path: "/staff/users/" + locked + "/unlock",
			body: form(), status: 303, location: "/staff/users/" + locked + "?ok=unlocked"},
		{name: "lockout/the unlock is in the audit trail", user: "auditor", method: "GET",
			path: "/staff/audit?" + url.Values{"kind": {"user"}, "key": {locked}}.Encode(), status: 200,
			want: []string{"解除登录限制", "secadmin"}},
		{name: "lockout/after the unlock the right password works", method: "POST", path: "/login",
			body: form("username", locked, "password", demo.Password), status: 303, check: checkSessionCookie},
		{name: "staff page sends a visitor to login", method: "GET", path: "/staff/entities", status: 303,
			location: "/login?next=" + url.QueryEscape("/staff/entities")},
		{name: "staff POST of a visitor is unauthorized", method: "POST", path: "/staff/entities", body: form(), status: 401,
			want: []string{"请先登录"}},
		{name: "home page greets the user", user: "cityadmin", method: "GET", path: "/staff/", status: 200,
			want: []string{"您好", "市局部门管理员（示例）", "检查对象", "退出"}},
		{name: "logout ends the session", user: "planner", method: "POST", path: "/logout", status: 303, location: "/login",
			check: func(t *testing.T, res *http.Response, _ string) {
				if c := sessionCookieOf(res); c == nil || c.MaxAge >= 0 {
					t.Errorf("logout does not delete the session cookie: %q", res.Header.Values("Set-Cookie"))
				}
				old, err := res.Request.Cookie(sessionCookie)
				if err != nil {
					t.Fatalf("the logout request had no session cookie: %v", err)
				}
				again, _ := a.get(t, creds{cookie: old.Value}, "/staff/")
				if again.StatusCode != http.StatusSeeOther || !strings.HasPrefix(again.Header.Get("Location"), "/login") {
					t.Errorf("the old session still works after logout: GET /staff/ → %d %s",
						again.StatusCode, again.Header.Get("Location"))
				}
			}},
	}...)
}

// big is a form body over the 1 MiB limit of forms.
var big = form("name", strings.Repeat("a", 2<<20))

func errorRows(a *app) []scenario {
	crossSite := http.Header{"Sec-Fetch-Site": {"cross-site"}}
	return []scenario{
		{name: "404/page in Chinese", method: "GET", path: "/no/such/page", status: 404,
			want: []string{"页面不存在", `lang="zh-CN"`},
			check: func(t *testing.T, res *http.Response, _ string) {
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type %q, want text/html", ct)
				}
			}},
		{name: "404/staff page", user: "cityadmin", method: "GET", path: "/staff/no-such-page", status: 404,
			want: []string{"页面不存在"}},
		{name: "404/unknown asset", method: "GET", path: "/assets/no-such.css", status: 404, want: []string{"页面不存在"}},
		{name: "404/API answers JSON", method: "GET", path: "/api/v1/no-such-thing", status: 404,
			check: apiError(spotcheck.ENOTFOUND)},
		{name: "404/unknown entity", user: "cityadmin", method: "GET", path: "/staff/entities/91350102MA0000000X", status: 404,
			want: []string{"不存在"}},
		{name: "405/with Allow", method: "DELETE", path: "/login", status: 405, want: []string{"不支持该请求方法"},
			check: allow("GET", "POST")},
		{name: "405/API answers JSON", method: "PATCH", path: "/api/v1/entities", status: 405,
			check: func(t *testing.T, res *http.Response, body string) {
				allow("GET", "POST")(t, res, body)
				apiError("")(t, res, body)
			}},
		{name: "413/login form", method: "POST", path: "/login", body: big, status: 413, want: []string{"提交的内容过大"},
			check: noSession},
		{name: "413/staff form", user: "cityadmin", method: "POST", path: "/staff/entities", body: big, status: 413,
			want: []string{"提交的内容过大"}},
		{name: "413/API body", user: "token:cityadmin", method: "POST", path: "/api/v1/entities",
			body: jsonBody(`{"name":"` + strings.Repeat("a", 2<<20) + `"}`), status: 413, check: apiError("too_large")},
		{name: "cross-site/login refused", method: "POST", path: "/login", header: crossSite,
			body: form("username", "planner", "password", demo.Password), status: 403, want: []string{"跨站请求被拒绝"},
			check: noSession},
		{name: "cross-site/staff form refused", user: "cityadmin", method: "POST", path: "/staff/entities", header: crossSite,
			body: form("name", "跨站提交"), status: 403, want: []string{"跨站请求被拒绝"}},
		{name: "cross-site/same-origin form passes", user: "cityadmin", method: "POST", path: "/staff/entities",
			header: http.Header{"Sec-Fetch-Site": {"same-origin"}}, body: form(), status: 400},
	}
}

// allow checks the Allow header of a 405.
func allow(methods ...string) func(*testing.T, *http.Response, string) {
	return func(t *testing.T, res *http.Response, _ string) {
		got := res.Header.Get("Allow")
		for _, m := range methods {
			if !strings.Contains(got, m) {
				t.Errorf("Allow %q lacks %s", got, m)
			}
		}
	}
}

func portalRows(a *app) []scenario {
	fx := a.fx
	// Internal data: phone numbers, key-list reasons, credit classes and
	// the marks of the staff pages.
	secret := append(slices.Clone(fx.secrets), "信用风险", "联系电话", "重点原因", `class="tag class`)
	var rows []scenario
	for _, p := range []string{"/", "/items", "/items/" + url.PathEscape(fx.item.Code), "/plans", "/tasks", "/results",
		"/results?q=" + url.QueryEscape(fx.search.Name)} {
		rows = append(rows, scenario{name: "portal/" + p, method: "GET", path: p, status: 200, wantNot: secret})
	}
	// The items stand under the department that initiates them (发起),
	// the city bureau for the demo's items.
	rows[0].want = []string{"双随机、一公开", fx.item.Name, "工作人员登录", "<h2>福州市文化和旅游局</h2>"}
	rows[1].want = []string{fx.item.Name, fx.item.Code}
	rows[2].want = []string{fx.item.Name}
	return append(rows,
		scenario{name: "portal/signed in, still nothing internal", user: "cityadmin", method: "GET", path: "/",
			status: 200, want: []string{fx.item.Name, "进入工作台"}, wantNot: secret},
		scenario{name: "portal/unknown item", method: "GET", path: "/items/NO-SUCH-ITEM", status: 404},
		scenario{name: "portal/health", method: "GET", path: "/healthz", status: 200, want: []string{"ok"}},
		scenario{name: "portal/OpenAPI document", method: "GET", path: "/api/v1/openapi.json", status: 200,
			want: []string{`"openapi"`, `"/entities/{id}"`}},
	)
}

func directoryRows(a *app) []scenario {
	fx := a.fx
	badName := "坏码测试旅行社（示例）"
	bad := wrongCheck(a.newCreditCode())
	good := a.newCreditCode()
	goodName := "场景新建旅行社（示例）"
	entityForm := func(e *spotcheck.Entity, kv ...string) payload {
		v := []string{"id", e.ID, "name", e.Name, "type", e.Type, "division", e.Division, "address", e.Address,
			"legal_rep", e.LegalRep, "licence_no", e.LicenceNo, "status", e.Status, "credit_class", e.CreditClass,
			"founded", e.Founded, "phone", e.Phone, "version", strconv.Itoa(e.Version)}
		return form(append(v, kv...)...)
	}
	newFirm := func(code, name string) payload {
		return form("id", code, "name", name, "type", "T01", "division", homeDivision, "address", "福州市鼓楼区场景路8号",
			"status", spotcheck.StatusOperating, "credit_class", "B", "version", "0")
	}
	entity := func(e *spotcheck.Entity) string { return "/staff/entities/" + url.PathEscape(e.ID) }
	link := func(e *spotcheck.Entity) string { return `href="` + entity(e) + `"` }
	return []scenario{
		{name: "search/two characters find the entity", user: "cityadmin", method: "GET",
			path: "/staff/entities?q=" + url.QueryEscape(fx.searchTerm), status: 200,
			want: []string{fx.search.Name, link(fx.search), `<strong class="total">` + strconv.Itoa(fx.searchCount) + `</strong>`}},
		{name: "search/by credit code", user: "cityadmin", method: "GET", path: "/staff/entities?q=" + fx.other.ID,
			status: 200, want: []string{fx.other.Name, link(fx.other)}},
		{name: "search/district admin sees only the district", user: "gladmin", method: "GET",
			path: "/staff/entities?q=" + fx.other.ID, status: 200, wantNot: []string{link(fx.other)}},
		{name: "create/bad credit code is refused beside the field", user: "cityadmin", method: "POST",
			path: "/staff/entities", body: newFirm(bad, badName), status: 400,
			want:  []string{"校验位错误", `class="fielderror"`, `value="` + bad + `"`, `value="` + badName + `"`, "福州市鼓楼区场景路8号"},
			check: entityAbsent(a, bad)},
		{name: "create/nothing was saved", user: "cityadmin", method: "GET",
			path: "/staff/entities?q=" + url.QueryEscape(badName), status: 200, want: []string{"没有符合条件的检查对象"}},
		{name: "create/valid entity", user: "cityadmin", method: "POST", path: "/staff/entities",
			body: newFirm(good, goodName), status: 303, location: "/staff/entities/" + good},
		{name: "create/the new entity's page", user: "cityadmin", method: "GET", path: "/staff/entities/" + good,
			status: 200, want: []string{goodName, good}},
		{name: "scope/district admin opens own district's entity", user: "gladmin", method: "GET", path: entity(fx.home),
			status: 200, want: []string{fx.home.Name, fx.home.Phone}},
		// Another district's entity does not exist for a district admin:
		// the answer is a missing entity's, which says neither that it
		// exists nor whose it is.
		{name: "scope/district admin cannot open another district's entity", user: "gladmin", method: "GET",
			path: entity(fx.other), status: 404, want: []string{"检查对象“" + fx.other.ID + "”不存在"},
			wantNot: []string{fx.other.Phone, "属于其他部门"}},
		{name: "scope/district admin cannot open its edit form", user: "gladmin", method: "GET",
			path: entity(fx.other) + "/edit", status: 404, wantNot: []string{fx.other.Phone, "属于其他部门"}},
		{name: "scope/district admin cannot save it", user: "gladmin", method: "POST", path: entity(fx.other),
			body: entityForm(fx.other, "address", "越权修改的地址"), status: 404,
			check: func(t *testing.T, _ *http.Response, _ string) {
				e, err := a.DB.Entities().FindEntityByID(sysCtx, fx.other.ID)
				if err != nil || e.Version != fx.other.Version || e.Address != fx.other.Address {
					t.Errorf("a refused save changed the entity: %+v, %v", e, err)
				}
			}},
		{name: "scope/district admin cannot deactivate it", user: "gladmin", method: "POST", path: entity(fx.other) + "/active",
			body: form("version", strconv.Itoa(fx.other.Version), "active", "0"), status: 404},
		{name: "scope/city admin opens it", user: "cityadmin", method: "GET", path: entity(fx.other), status: 200,
			want: []string{fx.other.Name, fx.other.Phone, "编辑"}},
		{name: "scope/city admin opens its edit form", user: "cityadmin", method: "GET", path: entity(fx.other) + "/edit",
			status: 200, want: []string{`value="` + fx.other.Name + `"`}},
		{name: "scope/inspector may view but not edit", user: "inspector", method: "GET", path: entity(fx.home) + "/edit",
			status: 403},
	}
}

func apiRows(a *app) []scenario {
	fx := a.fx
	good := a.newCreditCode()
	bad := wrongCheck(a.newCreditCode())
	firm := func(code, name string) payload {
		return jsonBody(`{"id":"` + code + `","name":"` + name + `","type":"T01","division":"` + homeDivision +
			`","address":"福州市鼓楼区接口路1号","status":"在营","credit_class":"B"}`)
	}
	type page struct {
		Items []struct {
			ID   string `json:"id"`
			Dept string `json:"dept"`
		} `json:"items"`
		Total, Offset, Limit int
	}
	return []scenario{
		{name: "api/no token", method: "GET", path: "/api/v1/me", status: 401, check: apiError(spotcheck.EUNAUTHORIZED)},
		{name: "api/unknown token", method: "GET", path: "/api/v1/me", status: 401,
			header: http.Header{"Authorization": {"Bearer sct_not-a-real-token"}}, check: apiError(spotcheck.EUNAUTHORIZED)},
		{name: "api/session cookie is no API credential", user: "cityadmin", method: "GET", path: "/api/v1/me", status: 401,
			check: apiError(spotcheck.EUNAUTHORIZED)},
		{name: "api/me", user: "token:cityadmin", method: "GET", path: "/api/v1/me", status: 200,
			want: []string{`"username":"cityadmin"`, `"dept":"FZWL"`}},
		{name: "api/role without API use is refused", user: "token:inspector", method: "GET", path: "/api/v1/me",
			status: 403, check: apiError(spotcheck.EFORBIDDEN)},
		{name: "api/planner may not create", user: "token:planner", method: "POST", path: "/api/v1/entities",
			body: firm(good, "越权接口新建（示例）"), status: 403, check: apiError(spotcheck.EFORBIDDEN)},
		{name: "api/list paging", user: "token:cityadmin", method: "GET", path: "/api/v1/entities?offset=5&limit=5", status: 200,
			check: func(t *testing.T, _ *http.Response, body string) {
				var p, first page
				decodeJSON(t, body, &p)
				_, b := a.get(t, creds{token: a.token(t, "cityadmin")}, "/api/v1/entities?offset=0&limit=10")
				decodeJSON(t, b, &first)
				if len(p.Items) != 5 || p.Offset != 5 || p.Limit != 5 || p.Total < demoEntities {
					t.Fatalf("page: %d items, offset %d, limit %d, total %d; want 5, 5, 5, ≥%d",
						len(p.Items), p.Offset, p.Limit, p.Total, demoEntities)
				}
				if len(first.Items) != 10 || first.Items[5].ID != p.Items[0].ID || first.Items[9].ID != p.Items[4].ID {
					t.Errorf("offset 5 does not continue where offset 0 left off")
				}
			}},
		{name: "api/limit 200", user: "token:cityadmin", method: "GET", path: "/api/v1/entities?limit=200", status: 200,
			check: func(t *testing.T, _ *http.Response, body string) {
				var p page
				decodeJSON(t, body, &p)
				if len(p.Items) != 200 || p.Limit != 200 {
					t.Errorf("%d items, limit %d; want 200", len(p.Items), p.Limit)
				}
			}},
		{name: "api/district admin's list is its district", user: "token:gladmin", method: "GET",
			path: "/api/v1/entities?limit=200", status: 200,
			check: func(t *testing.T, _ *http.Response, body string) {
				var p page
				decodeJSON(t, body, &p)
				var foreign []string
				for _, e := range p.Items {
					if e.Dept != homeDept {
						foreign = append(foreign, e.ID+" of "+e.Dept)
					}
				}
				if len(foreign) > 0 {
					t.Errorf("gladmin lists %d entities of other departments, such as %s", len(foreign), foreign[0])
				}
				if len(p.Items) == 0 {
					t.Errorf("gladmin lists no entity")
				}
			}},
		{name: "api/entity outside the scope", user: "token:gladmin", method: "GET", path: "/api/v1/entities/" + fx.other.ID,
			status: 404, want: []string{`"message":"检查对象“` + fx.other.ID + `”不存在"`},
			wantNot: []string{fx.other.Dept}, check: apiError(spotcheck.ENOTFOUND)},
		{name: "api/entity", user: "token:gladmin", method: "GET", path: "/api/v1/entities/" + fx.home.ID, status: 200,
			want: []string{`"id":"` + fx.home.ID + `"`, fx.home.Name}},
		{name: "api/unknown entity", user: "token:cityadmin", method: "GET", path: "/api/v1/entities/91350102MA0000000X",
			status: 404, check: apiError(spotcheck.ENOTFOUND)},
		{name: "api/bad credit code", user: "token:cityadmin", method: "POST", path: "/api/v1/entities",
			body: firm(bad, "接口坏码（示例）"), status: 400,
			check: func(t *testing.T, res *http.Response, body string) {
				apiError(spotcheck.EINVALID)(t, res, body)
				var v struct {
					Error struct{ Fields map[string]string } `json:"error"`
				}
				decodeJSON(t, body, &v)
				if !strings.Contains(v.Error.Fields["id"], "校验位错误") {
					t.Errorf("no field error for id: %s", body)
				}
				entityAbsent(a, bad)(t, res, body)
			}},
		{name: "api/unknown field", user: "token:cityadmin", method: "POST", path: "/api/v1/entities",
			body: jsonBody(`{"nmae":"拼错的字段"}`), status: 400, check: apiError(spotcheck.EINVALID)},
		{name: "api/create", user: "token:cityadmin", method: "POST", path: "/api/v1/entities",
			body: firm(good, "接口新建旅行社（示例）"), status: 201, want: []string{`"id":"` + good + `"`, `"dept":"GLWL"`}},
		{name: "api/update needs the version", user: "token:cityadmin", method: "PUT", path: "/api/v1/entities/" + good,
			body: jsonBody(`{"name":"接口改名（示例）"}`), status: 400, check: apiError(spotcheck.EINVALID)},
	}
}
