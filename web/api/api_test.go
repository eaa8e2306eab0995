package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// The JSON API on the real store, as the demo users: cityadmin keeps the
// city's directories, gladmin those of 鼓楼区, sysadmin the departments;
// the supervisor reads the audit trail; the inspector has no API.

const (
	testEntityID = "91350100M000100Y43" // in no demo data
	testEntity   = `{"id":"91350100M000100Y43","name":"福州某旅行社","type":"T01","division":"350102",` +
		`"status":"在营","credit_class":"B","tags":["出境游"]}`
)

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name, method, path, user, body string
		status                         int
		code                           string
		fields                         []string // field keys the error must name
	}{
		{"missing token", "GET", "/api/v1/entities", "", "", 401, spotcheck.EUNAUTHORIZED, nil},
		{"unknown token", "GET", "/api/v1/entities", "token:nosuch", "", 401, spotcheck.EUNAUTHORIZED, nil},
		{"user without api.use", "GET", "/api/v1/entities", "inspector", "", 403, spotcheck.EFORBIDDEN, nil},
		{"route permission", "POST", "/api/v1/entities", "planner", testEntity, 403, spotcheck.EFORBIDDEN, nil},
		{"audit permission", "GET", "/api/v1/changes", "cityadmin", "", 403, spotcheck.EFORBIDDEN, nil},
		{"department scope in the store", "POST", "/api/v1/inspectors", "gladmin",
			`{"staff_id":"TEST9","name":"王五","dept":"FZWL","cert_no":"C9","cert_expiry":"2030-01-01"}`,
			403, spotcheck.EFORBIDDEN, nil},
		{"unknown field", "POST", "/api/v1/entities", "cityadmin", strings.TrimSuffix(testEntity, "}") + `,"colour":"红"}`,
			400, spotcheck.EINVALID, nil},
		{"unknown field in an update", "PUT", "/api/v1/departments/FZWL", "sysadmin", `{"version":1,"colour":"红"}`,
			400, spotcheck.EINVALID, nil},
		{"trailing second object", "POST", "/api/v1/entities", "cityadmin", testEntity + `{"id":"2"}`,
			400, spotcheck.EINVALID, nil},
		{"trailing brace", "POST", "/api/v1/entities", "cityadmin", testEntity + `}`, 400, spotcheck.EINVALID, nil},
		{"not JSON", "POST", "/api/v1/agencies", "cityadmin", `name=x`, 400, spotcheck.EINVALID, nil},
		{"empty body", "POST", "/api/v1/agencies", "cityadmin", ``, 400, spotcheck.EINVALID, nil},
		{"body over the limit", "POST", "/api/v1/entities", "cityadmin",
			`{"name":"` + strings.Repeat("长", (1<<20)/3+10) + `"}`, 413, "too_large", nil},
		{"validation", "POST", "/api/v1/entities", "cityadmin", `{"id":"91350100M000100Y44","type":"T99"}`,
			400, spotcheck.EINVALID, []string{"id", "name", "type", "division", "status", "credit_class"}},
		{"validation of a nested kind", "POST", "/api/v1/inspectors", "cityadmin",
			`{"staff_id":"TEST1","name":"李四","dept":"FZWL","expert":true,"leaves":[{"from":"2026-02-01","to":"2026-01-01"}]}`,
			400, spotcheck.EINVALID, []string{"field", "leaves"}},
		{"not found", "GET", "/api/v1/entities/" + testEntityID, "cityadmin", "", 404, spotcheck.ENOTFOUND, nil},
		{"not found on update", "PUT", "/api/v1/agencies/914403001922038216", "cityadmin", `{"version":1}`,
			404, spotcheck.ENOTFOUND, nil},
		{"unknown query parameter", "GET", "/api/v1/inspectors?dpet=FZWL", "cityadmin", "", 400, spotcheck.EINVALID,
			[]string{"dpet"}},
		{"query on a record", "GET", "/api/v1/departments/FZWL?x=1", "cityadmin", "", 400, spotcheck.EINVALID, []string{"x"}},
		{"update without version", "PUT", "/api/v1/departments/FZWL", "sysadmin", `{"name":"福州市文化和旅游局"}`,
			400, spotcheck.EINVALID, []string{"version"}},
		{"update of another key", "PUT", "/api/v1/departments/FZWL", "sysadmin", `{"code":"GLWL","version":1}`,
			400, spotcheck.EINVALID, []string{"code"}},
		{"stale version", "PUT", "/api/v1/departments/GLWL", "sysadmin", `{"name":"鼓楼","version":7}`,
			409, spotcheck.ECONFLICT, nil},
		{"create of an existing key", "POST", "/api/v1/departments", "sysadmin",
			`{"code":"TJWL","name":"台江","parent":"FZWL","division":"350103","kind":"文旅部门"}`, 409, spotcheck.ECONFLICT, nil},
		{"method not allowed", "DELETE", "/api/v1/departments/FZWL", "sysadmin", "", 405, "", nil},
		{"no such route", "GET", "/api/v1/nosuch", "cityadmin", "", 404, spotcheck.ENOTFOUND, nil},
	}
	a := webtest.New(t) // none of the requests changes anything
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec *httptest.ResponseRecorder
			var m map[string]any
			if token, ok := strings.CutPrefix(tt.user, "token:"); ok {
				rec, m = a.CallToken(t, tt.method, tt.path, token, tt.body)
			} else {
				rec, m = a.Call(t, tt.method, tt.path, tt.user, tt.body)
			}
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %v", rec.Code, tt.status, m)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			code, fields := webtest.ErrorOf(t, m)
			if tt.code != "" && code != tt.code {
				t.Errorf("code %q, want %q", code, tt.code)
			}
			for _, f := range tt.fields {
				if fields[f] == nil {
					t.Errorf("fields lack %q: %v", f, fields)
				}
			}
		})
	}
}

// kindCase is one kind's way through create, read, update and list.
type kindCase struct {
	name, user, base, create string
	key                      []string // path values of the created record
	update                   string   // a partial update from version 1
	changed, kept            string   // a field the update changes and one it must keep
}

// kindCases are the kinds of records the API keeps, each created anew on
// the demo data.
func kindCases(a *webtest.App) []kindCase {
	var in spotcheck.Inspector // an inspector of 鼓楼区, whom cityadmin keeps too
	for _, x := range a.Data.Inspectors {
		if x.Dept == "GLWL" && !x.Expert {
			in = x
			break
		}
	}
	return []kindCase{
		{"entities", "cityadmin", "/api/v1/entities", testEntity, []string{testEntityID},
			`{"version":1,"address":"福州市鼓楼区"}`, "address", "name"},
		{"inspectors", "cityadmin", "/api/v1/inspectors",
			`{"staff_id":"TEST001","name":"张三","dept":"GLWL","cert_no":"闽A001","cert_expiry":"2027-12-31","leaves":[{"from":"2026-03-01","to":"2026-03-10"}]}`,
			[]string{"TEST001"}, `{"version":1,"lead":true}`, "lead", "leaves"},
		{"agencies", "cityadmin", "/api/v1/agencies", `{"code":"914403001922038216","name":"某检测公司","field":"消防检测"}`,
			[]string{"914403001922038216"}, `{"version":1,"contact":"赵六"}`, "contact", "field"},
		{"conflicts", "cityadmin", "/api/v1/conflicts",
			`{"staff_id":"` + in.StaffID + `","entity_id":"` + testEntityID + `","kind":"申报回避","reason":"亲属","from":"2026-01-01"}`,
			[]string{in.StaffID, testEntityID, "申报回避"}, `{"version":1,"active":false}`, "active", "reason"},
		{"items", "cityadmin", "/api/v1/items",
			`{"code":"TEST-001","name":"旅行社经营行为检查","body":"福州市文旅局","target_types":["T01"],"effective_from":"2026-01-01"}`,
			[]string{"TEST-001"}, `{"version":1,"effective_from":"2026-07-01","methods":["实地检查"]}`, "methods", "target_types"},
		{"responsibilities", "cityadmin", "/api/v1/responsibilities", `{"item":"` + a.Draws.Item + `","dept":"GLWL","role":"配合"}`,
			[]string{a.Draws.Item, "GLWL"}, `{"version":1,"note":"牵头"}`, "note", "role"},
		{"departments", "sysadmin", "/api/v1/departments",
			`{"code":"CSTEST","name":"仓山区测试科","parent":"CSWL","division":"350104","kind":"内设机构"}`,
			[]string{"CSTEST"}, `{"version":1,"name":"仓山区文化和旅游局测试科"}`, "name", "division"},
	}
}

func TestAPIKinds(t *testing.T) {
	for i := range kindCases(webtest.New(t)) {
		a := webtest.New(t)
		kc := kindCases(a)[i]
		t.Run(kc.name, func(t *testing.T) {
			if kc.name == "conflicts" { // a conflict names an entity that exists
				if rec, m := a.Call(t, "POST", "/api/v1/entities", "cityadmin", testEntity); rec.Code != http.StatusCreated {
					t.Fatalf("the conflict's entity: %d %v", rec.Code, m)
				}
			}
			path := kc.base
			for _, k := range kc.key {
				path += "/" + url.PathEscape(k)
			}
			rec, created := a.Call(t, "POST", kc.base, kc.user, kc.create+"\n") // a final newline is no second value
			if rec.Code != http.StatusCreated {
				t.Fatalf("create: %d %v", rec.Code, created)
			}
			if loc := rec.Header().Get("Location"); loc != path {
				t.Errorf("Location %q, want %q", loc, path)
			}
			if created["version"] != 1.0 {
				t.Errorf("created version %v", created["version"])
			}
			if _, ok := created["active"]; ok && created["active"] != true {
				t.Errorf("created inactive: %v", created)
			}
			rec, got := a.Call(t, "GET", path, kc.user, "")
			if rec.Code != http.StatusOK || !reflect.DeepEqual(got, created) {
				t.Errorf("get: %d %v, want %v", rec.Code, got, created)
			}
			rec, updated := a.Call(t, "PUT", path, kc.user, kc.update)
			if rec.Code != http.StatusOK {
				t.Fatalf("update: %d %v", rec.Code, updated)
			}
			if updated["version"] != 2.0 || reflect.DeepEqual(updated[kc.changed], created[kc.changed]) ||
				!reflect.DeepEqual(updated[kc.kept], created[kc.kept]) {
				t.Errorf("update changed %s from %v to %v and %s from %v to %v, version %v", kc.changed,
					created[kc.changed], updated[kc.changed], kc.kept, created[kc.kept], updated[kc.kept], updated["version"])
			}
			rec, _ = a.Call(t, "PUT", path, kc.user, kc.update)
			if rec.Code != http.StatusConflict {
				t.Errorf("update from a stale version: %d, want 409", rec.Code)
			}
			rec, list := a.Call(t, "GET", kc.base+"?limit=200", kc.user, "")
			items, _ := list["items"].([]any)
			for _, k := range []string{"items", "total", "more", "offset", "limit"} {
				if _, ok := list[k]; !ok {
					t.Errorf("list lacks %q", k)
				}
			}
			if rec.Code != http.StatusOK || len(items) == 0 {
				t.Errorf("list: %d %v", rec.Code, list)
			}
		})
	}
}

func TestAPIItemVersions(t *testing.T) {
	a := webtest.New(t)
	create := `{"code":"TEST-001","name":"旅行社经营行为检查","body":"福州市文旅局","target_types":["T01"],"effective_from":"2026-01-01"}`
	a.Call(t, "POST", "/api/v1/items", "cityadmin", create)
	a.Call(t, "PUT", "/api/v1/items/test-001", "cityadmin", `{"version":1,"name":"旅行社经营行为检查（2026版）"}`)
	rec, m := a.Call(t, "GET", "/api/v1/items/TEST-001/versions", "cityadmin", "")
	items, _ := m["items"].([]any)
	if rec.Code != http.StatusOK || len(items) != 2 || m["total"] != 2.0 {
		t.Fatalf("versions: %d %v", rec.Code, m)
	}
	if v := items[1].(map[string]any); v["version"] != 2.0 || v["name"] != "旅行社经营行为检查（2026版）" {
		t.Errorf("second version: %v", v)
	}
	if rec, _ := a.Call(t, "GET", "/api/v1/items/NOSUCH/versions", "cityadmin", ""); rec.Code != http.StatusNotFound {
		t.Errorf("versions of no item: %d", rec.Code)
	}
}

func TestAPIDepartmentsArePaged(t *testing.T) {
	a := webtest.New(t)
	depts, err := a.DB.Departments().FindDepartments(a.As(t, "planner"))
	if err != nil {
		t.Fatal(err)
	}
	_, m := a.Call(t, "GET", "/api/v1/departments?offset=1&limit=1", "planner", "")
	items, _ := m["items"].([]any)
	if len(items) != 1 || m["total"] != float64(len(depts)) || items[0].(map[string]any)["code"] != depts[1].Code {
		t.Errorf("departments page: %v", m)
	}
	_, m = a.Call(t, "GET", "/api/v1/departments?offset=99", "planner", "")
	if items, _ := m["items"].([]any); items == nil || len(items) != 0 {
		t.Errorf("page past the end: %v", m)
	}
}

// TestAPIChanges: the audit trail lists a change with its states as
// JSON, filtered as asked.
func TestAPIChanges(t *testing.T) {
	a := webtest.New(t)
	if rec, m := a.Call(t, "POST", "/api/v1/entities", "cityadmin", testEntity); rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %v", rec.Code, m)
	}
	rec, m := a.Call(t, "GET", "/api/v1/changes?kind=entity&key="+testEntityID+"&actor=cityadmin&limit=200", "supervisor", "")
	items, _ := m["items"].([]any)
	if rec.Code != http.StatusOK || len(items) != 1 {
		t.Fatalf("changes: %d %v", rec.Code, m)
	}
	c := items[0].(map[string]any)
	if c["before"] != nil || c["after"].(map[string]any)["ID"] != testEntityID || c["actor"] != "cityadmin" {
		t.Errorf("change states: %v", c)
	}
}

// TestAPIQueryValues: a value a list parameter does not take is refused
// with 400, naming the parameter and why, on every kind of list (the
// parameters are checked before the handler runs).
func TestAPIQueryValues(t *testing.T) {
	a := webtest.New(t)
	tests := []struct {
		path, field, message string
	}{
		{"/api/v1/entities?key=maybe", "key", "参数 key：应为 true 或 false"},
		{"/api/v1/agencies?active=2", "active", "参数 active：应为 true 或 false"},
		{"/api/v1/inspectors?expert=yes", "expert", "参数 expert：应为 true 或 false"},
		{"/api/v1/entities?limit=100000000", "limit", "参数 limit：应为 1 到 200 之间的整数（每页最多200条）"},
		{"/api/v1/items?limit=0", "limit", "参数 limit：应为 1 到 200 之间的整数"},
		{"/api/v1/conflicts?offset=-1", "offset", "参数 offset：应为 0 到 2147483647 之间的整数"},
		{"/api/v1/responsibilities?offset=9223372036854775807", "offset", "参数 offset"},
		{"/api/v1/departments?limit=x", "limit", "参数 limit"},
		{"/api/v1/items/" + a.Draws.Item + "/versions?offset=a", "offset", "参数 offset"},
		{"/api/v1/entities?class=E", "class", "参数 class：“E”无效，应为A、B、C、D之一"},
		{"/api/v1/entities?sort=phone", "sort", "参数 sort"},
		{"/api/v1/entities?status=倒闭", "status", "参数 status"},
		{"/api/v1/items?status=deleted", "status", "参数 status"},
		{"/api/v1/conflicts?review=ok", "review", "参数 review"},
		{"/api/v1/changes?limit=201", "limit", "参数 limit"},
		{"/api/v1/agencies?active=1&active=0", "active", "参数 active：只能给出一次"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			user := "cityadmin"
			if strings.HasPrefix(tt.path, "/api/v1/changes") {
				user = "supervisor"
			}
			rec, m := a.Call(t, "GET", tt.path, user, "")
			code, fields := webtest.ErrorOf(t, m)
			msg, _ := m["error"].(map[string]any)["message"].(string)
			if rec.Code != http.StatusBadRequest || code != spotcheck.EINVALID || fields[tt.field] == nil ||
				!strings.Contains(msg, tt.message) {
				t.Errorf("%d %v, want 400 naming %s: %q", rec.Code, m, tt.field, tt.message)
			}
		})
	}
	// Every flag spelling, and an empty value (a form's "all"), is taken.
	for _, path := range []string{"/api/v1/entities?key=true&active=false", "/api/v1/entities?key=1&active=0",
		"/api/v1/entities?key=&class=&limit=&offset=", "/api/v1/items?status=启用&class=重点&limit=200&offset=2147483647",
		// A list paged in the handler: the largest offset and limit do not
		// overflow (before, offset=9223372036854775807 gave 内部错误).
		"/api/v1/departments?offset=2147483647&limit=200"} {
		if rec, m := a.Call(t, "GET", path, "cityadmin", ""); rec.Code != http.StatusOK {
			t.Errorf("%s: %d %v", path, rec.Code, m)
		}
	}
}

func TestAPIMe(t *testing.T) {
	a := webtest.New(t)
	rec, m := a.Call(t, "GET", "/api/v1/me", "gladmin", "")
	if rec.Code != http.StatusOK || m["username"] != "gladmin" || !reflect.DeepEqual(m["scope"], []any{"GLWL"}) {
		t.Errorf("me: %d %v", rec.Code, m)
	}
}
