package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"spotcheck/internal/webtest"
	"spotcheck/web"
)

// TestOpenAPICoversRoutes: every API route of the route table is in the
// document with its method and permission, and the document has no
// operation that is not a route.
func TestOpenAPICoversRoutes(t *testing.T) {
	const base = "/api/v1"
	s := webtest.New(t).Web
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", base+"/openapi.json", nil))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); rec.Code != http.StatusOK || err != nil {
		t.Fatalf("GET %s/openapi.json: %d %v", base, rec.Code, err)
	}
	paths := doc["paths"].(map[string]any)
	routes, public := map[string]bool{}, map[string]bool{}
	for _, rt := range s.Routes() {
		method, p, _ := strings.Cut(rt.Pattern, " ")
		if rt.Access == web.Public {
			public[rt.Pattern] = true
		}
		if !strings.HasPrefix(p, base+"/") || rt.Access == web.Public {
			if rt.Access == web.API {
				t.Errorf("API route %s is not under %s", rt.Pattern, base)
			}
			continue
		}
		if rt.Access != web.API {
			t.Errorf("API route %s does not need a token", rt.Pattern)
		}
		p = strings.TrimPrefix(p, base)
		routes[strings.ToLower(method)+" "+p] = true
		op, ok := paths[p].(map[string]any)[strings.ToLower(method)].(map[string]any)
		if !ok {
			t.Errorf("route %s is not in the OpenAPI document", rt.Pattern)
			continue
		}
		if perm, _ := op["x-permission"].(string); rt.Perm != "signed-in" && perm != string(rt.Perm) {
			t.Errorf("route %s needs %s, the document says %q", rt.Pattern, rt.Perm, perm)
		}
	}
	for p, item := range paths {
		for method := range item.(map[string]any) {
			if !routes[method+" "+p] && !public[strings.ToUpper(method)+" "+base+p] {
				t.Errorf("document has %s %s, which is no route", method, p)
			}
		}
	}
}
