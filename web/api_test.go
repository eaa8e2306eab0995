package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"spotcheck"
)

func newAPITestServer(t *testing.T) (*Server, *fakeDir) {
	t.Helper()
	dir := newFakeDir()
	s, err := New(Config{Accounts: fakeAccounts{}, Dir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// call sends one API request with token ("" for none) and returns the
// response and its body decoded as a JSON object.
func call(t *testing.T, s *Server, method, path, token, body string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, rec.Body)
	}
	return rec, m
}

const (
	testEntityID = "91350100M000100Y43"
	testEntity   = `{"id":"91350100M000100Y43","name":"福州某旅行社","type":"T01","division":"350102",` +
		`"status":"在营","credit_class":"B","tags":["出境游"]}`
)

// errorOf returns the code and fields of an error body, failing when the
// body does not have the one error shape.
func errorOf(t *testing.T, m map[string]any) (string, map[string]any) {
	t.Helper()
	e, ok := m["error"].(map[string]any)
	if !ok || len(m) != 1 {
		t.Fatalf("not an error body: %v", m)
	}
	if msg, _ := e["message"].(string); msg == "" {
		t.Errorf("error without message: %v", m)
	}
	fields, _ := e["fields"].(map[string]any)
	code, _ := e["code"].(string)
	return code, fields
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name, method, path, token, body string
		status                          int
		code                            string
		fields                          []string // field keys the error must name
	}{
		{"missing token", "GET", "/api/v1/entities", "", "", 401, spotcheck.EUNAUTHORIZED, nil},
		{"unknown token", "GET", "/api/v1/entities", "nosuch", "", 401, spotcheck.EUNAUTHORIZED, nil},
		{"user without api.use", "GET", "/api/v1/entities", "inspector", "", 403, spotcheck.EFORBIDDEN, nil},
		{"route permission", "POST", "/api/v1/entities", "planner", testEntity, 403, spotcheck.EFORBIDDEN, nil},
		{"audit permission", "GET", "/api/v1/changes", "admin", "", 403, spotcheck.EFORBIDDEN, nil},
		{"department scope in the store", "POST", "/api/v1/inspectors", "gl",
			`{"staff_id":"FZ9","name":"王五","dept":"FZ","cert_no":"C9","cert_expiry":"2030-01-01"}`,
			403, spotcheck.EFORBIDDEN, nil},
		{"unknown field", "POST", "/api/v1/entities", "admin", strings.TrimSuffix(testEntity, "}") + `,"colour":"红"}`,
			400, spotcheck.EINVALID, nil},
		{"unknown field in an update", "PUT", "/api/v1/departments/FZ", "sys", `{"version":1,"colour":"红"}`,
			400, spotcheck.EINVALID, nil},
		{"trailing second object", "POST", "/api/v1/entities", "admin", testEntity + `{"id":"2"}`,
			400, spotcheck.EINVALID, nil},
		{"trailing brace", "POST", "/api/v1/entities", "admin", testEntity + `}`, 400, spotcheck.EINVALID, nil},
		{"not JSON", "POST", "/api/v1/agencies", "admin", `name=x`, 400, spotcheck.EINVALID, nil},
		{"empty body", "POST", "/api/v1/agencies", "admin", ``, 400, spotcheck.EINVALID, nil},
		{"body over the limit", "POST", "/api/v1/entities", "admin",
			`{"name":"` + strings.Repeat("长", maxFormBytes/3+10) + `"}`, 413, "too_large", nil},
		{"validation", "POST", "/api/v1/entities", "admin", `{"id":"91350100M000100Y44","type":"T99"}`,
			400, spotcheck.EINVALID, []string{"id", "name", "type", "division", "status", "credit_class"}},
		{"validation of a nested kind", "POST", "/api/v1/inspectors", "admin",
			`{"staff_id":"FZ1","name":"李四","dept":"FZ","expert":true,"leaves":[{"from":"2026-02-01","to":"2026-01-01"}]}`,
			400, spotcheck.EINVALID, []string{"field", "leaves"}},
		{"not found", "GET", "/api/v1/entities/91350100M000100Y43", "admin", "", 404, spotcheck.ENOTFOUND, nil},
		{"not found on update", "PUT", "/api/v1/agencies/914403001922038216", "admin", `{"version":1}`,
			404, spotcheck.ENOTFOUND, nil},
		{"unknown query parameter", "GET", "/api/v1/inspectors?dpet=FZ", "admin", "", 400, spotcheck.EINVALID,
			[]string{"dpet"}},
		{"query on a record", "GET", "/api/v1/departments/FZ?x=1", "admin", "", 400, spotcheck.EINVALID, []string{"x"}},
		{"update without version", "PUT", "/api/v1/departments/FZ", "sys", `{"name":"福州市文化和旅游局"}`,
			400, spotcheck.EINVALID, []string{"version"}},
		{"update of another key", "PUT", "/api/v1/departments/FZ", "sys", `{"code":"GL","version":1}`,
			400, spotcheck.EINVALID, []string{"code"}},
		{"stale version", "PUT", "/api/v1/departments/GL", "sys", `{"name":"鼓楼","version":7}`,
			409, spotcheck.ECONFLICT, nil},
		{"create of an existing key", "POST", "/api/v1/departments", "sys",
			`{"code":"TJ","name":"台江","parent":"FZ","division":"350103","kind":"文旅部门"}`, 409, spotcheck.ECONFLICT, nil},
		{"method not allowed", "DELETE", "/api/v1/departments/FZ", "sys", "", 405, "", nil},
		{"no such route", "GET", "/api/v1/nosuch", "admin", "", 404, spotcheck.ENOTFOUND, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newAPITestServer(t)
			rec, m := call(t, s, tt.method, tt.path, tt.token, tt.body)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %v", rec.Code, tt.status, m)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			code, fields := errorOf(t, m)
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
	name, token, base, create string
	key                       []string // path values of the created record
	update                    string   // a partial update from version 1
	changed, kept             string   // a field the update changes and one it must keep
}

var kindCases = []kindCase{
	{"entities", "admin", "/api/v1/entities", testEntity, []string{testEntityID},
		`{"version":1,"address":"福州市鼓楼区"}`, "address", "name"},
	{"inspectors", "admin", "/api/v1/inspectors",
		`{"staff_id":"FZ001","name":"张三","dept":"GL","cert_no":"闽A001","cert_expiry":"2027-12-31","leaves":[{"from":"2026-03-01","to":"2026-03-10"}]}`,
		[]string{"FZ001"}, `{"version":1,"lead":true}`, "lead", "leaves"},
	{"agencies", "admin", "/api/v1/agencies", `{"code":"914403001922038216","name":"某检测公司","field":"消防检测"}`,
		[]string{"914403001922038216"}, `{"version":1,"contact":"赵六"}`, "contact", "field"},
	{"conflicts", "admin", "/api/v1/conflicts",
		`{"staff_id":"FZ001","entity_id":"91350100M000100Y43","kind":"申报回避","reason":"亲属","from":"2026-01-01"}`,
		[]string{"FZ001", testEntityID, "申报回避"}, `{"version":1,"active":false}`, "active", "reason"},
	{"items", "admin", "/api/v1/items",
		`{"code":"FZ-001","name":"旅行社经营行为检查","body":"福州市文旅局","target_types":["T01"],"effective_from":"2026-01-01"}`,
		[]string{"FZ-001"}, `{"version":1,"effective_from":"2026-07-01","methods":["实地检查"]}`, "methods", "target_types"},
	{"responsibilities", "admin", "/api/v1/responsibilities", `{"item":"FZ-001","dept":"GL","role":"发起"}`,
		[]string{"FZ-001", "GL"}, `{"version":1,"note":"牵头"}`, "note", "role"},
	{"departments", "sys", "/api/v1/departments",
		`{"code":"CS","name":"仓山区文旅局","parent":"FZ","division":"350104","kind":"文旅部门"}`,
		[]string{"CS"}, `{"version":1,"name":"仓山区文化和旅游局"}`, "name", "division"},
}

func TestAPIKinds(t *testing.T) {
	for _, kc := range kindCases {
		t.Run(kc.name, func(t *testing.T) {
			s, _ := newAPITestServer(t)
			path := kc.base
			for _, k := range kc.key {
				path += "/" + url.PathEscape(k)
			}
			rec, created := call(t, s, "POST", kc.base, kc.token, kc.create+"\n") // a final newline is no second value
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
			rec, got := call(t, s, "GET", path, kc.token, "")
			if rec.Code != http.StatusOK || !reflect.DeepEqual(got, created) {
				t.Errorf("get: %d %v, want %v", rec.Code, got, created)
			}
			rec, updated := call(t, s, "PUT", path, kc.token, kc.update)
			if rec.Code != http.StatusOK {
				t.Fatalf("update: %d %v", rec.Code, updated)
			}
			if updated["version"] != 2.0 || reflect.DeepEqual(updated[kc.changed], created[kc.changed]) ||
				!reflect.DeepEqual(updated[kc.kept], created[kc.kept]) {
				t.Errorf("update changed %s from %v to %v and %s from %v to %v, version %v", kc.changed,
					created[kc.changed], updated[kc.changed], kc.kept, created[kc.kept], updated[kc.kept], updated["version"])
			}
			rec, _ = call(t, s, "PUT", path, kc.token, kc.update)
			if rec.Code != http.StatusConflict {
				t.Errorf("update from a stale version: %d, want 409", rec.Code)
			}
			rec, list := call(t, s, "GET", kc.base, kc.token, "")
			items, _ := list["items"].([]any)
			if rec.Code != http.StatusOK || !slices.ContainsFunc(items, func(v any) bool { return reflect.DeepEqual(v, updated) }) {
				t.Errorf("list: %d %v lacks %v", rec.Code, list, updated)
			}
			for _, k := range []string{"items", "total", "more", "offset", "limit"} {
				if _, ok := list[k]; !ok {
					t.Errorf("list lacks %q", k)
				}
			}
		})
	}
}

func TestAPIItemVersions(t *testing.T) {
	s, _ := newAPITestServer(t)
	call(t, s, "POST", "/api/v1/items", "admin", kindCases[4].create)
	call(t, s, "PUT", "/api/v1/items/fz-001", "admin", `{"version":1,"name":"旅行社经营行为检查（2026版）"}`)
	rec, m := call(t, s, "GET", "/api/v1/items/FZ-001/versions", "admin", "")
	items, _ := m["items"].([]any)
	if rec.Code != http.StatusOK || len(items) != 2 || m["total"] != 2.0 {
		t.Fatalf("versions: %d %v", rec.Code, m)
	}
	if v := items[1].(map[string]any); v["version"] != 2.0 || v["name"] != "旅行社经营行为检查（2026版）" {
		t.Errorf("second version: %v", v)
	}
	if rec, _ := call(t, s, "GET", "/api/v1/items/NOSUCH/versions", "admin", ""); rec.Code != http.StatusNotFound {
		t.Errorf("versions of no item: %d", rec.Code)
	}
}

func TestAPIDepartmentsArePaged(t *testing.T) {
	s, _ := newAPITestServer(t)
	_, m := call(t, s, "GET", "/api/v1/departments?offset=1&limit=1", "planner", "")
	items, _ := m["items"].([]any)
	if len(items) != 1 || m["total"] != 3.0 || items[0].(map[string]any)["code"] != "GL" {
		t.Errorf("departments page: %v", m)
	}
	_, m = call(t, s, "GET", "/api/v1/departments?offset=9", "planner", "")
	if items, _ := m["items"].([]any); items == nil || len(items) != 0 {
		t.Errorf("page past the end: %v", m)
	}
}

func TestAPIFilters(t *testing.T) {
	s, dir := newAPITestServer(t)
	call(t, s, "GET", "/api/v1/inspectors?q=+张+&dept=gl&expert=1&active=0&offset=5&limit=10", "admin", "")
	yes, no := true, false
	want := spotcheck.InspectorFilter{Query: "张", Dept: "GL", Expert: &yes, Active: &no, Offset: 5, Limit: 10}
	if !reflect.DeepEqual(dir.lastInspF, want) {
		t.Errorf("filter %+v, want %+v", dir.lastInspF, want)
	}
	call(t, s, "GET", "/api/v1/inspectors?expert=true&active=false", "admin", "")
	if want := (spotcheck.InspectorFilter{Expert: &yes, Active: &no, Limit: 20}); !reflect.DeepEqual(dir.lastInspF, want) {
		t.Errorf("true/false: filter %+v, want %+v", dir.lastInspF, want)
	}
	rec, m := call(t, s, "GET", "/api/v1/changes?kind=entity&key=K&actor=admin&limit=200", "auditor", "")
	wantC := spotcheck.ChangeFilter{Kind: "entity", Key: "K", Actor: "admin", Limit: 200}
	if rec.Code != http.StatusOK || dir.lastChangesF != wantC {
		t.Fatalf("changes: %d %v, filter %+v", rec.Code, m, dir.lastChangesF)
	}
	c := m["items"].([]any)[0].(map[string]any)
	if c["before"] != nil || c["after"].(map[string]any)["ID"] != testEntityID {
		t.Errorf("change states: %v", c)
	}
}

// TestAPIQueryValues: a value a list parameter does not take is refused
// with 400, naming the parameter and why, on every kind of list (the
// parameters are checked before the handler, so a fake service serves).
func TestAPIQueryValues(t *testing.T) {
	s, _ := newAPITestServer(t)
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
		{"/api/v1/items/FZ-001/versions?offset=a", "offset", "参数 offset"},
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
			token := "admin"
			if strings.HasPrefix(tt.path, "/api/v1/changes") {
				token = "auditor"
			}
			rec, m := call(t, s, "GET", tt.path, token, "")
			code, fields := errorOf(t, m)
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
		if rec, m := call(t, s, "GET", path, "admin", ""); rec.Code != http.StatusOK {
			t.Errorf("%s: %d %v", path, rec.Code, m)
		}
	}
}

func TestAPIMe(t *testing.T) {
	s, _ := newAPITestServer(t)
	rec, m := call(t, s, "GET", "/api/v1/me", "gl", "")
	if rec.Code != http.StatusOK || m["username"] != "gl" || !reflect.DeepEqual(m["scope"], []any{"GL"}) {
		t.Errorf("me: %d %v", rec.Code, m)
	}
}
