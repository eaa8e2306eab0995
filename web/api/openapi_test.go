package api

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"spotcheck"
)

// openAPIServed is the document of every operation docs describes, as
// the handler serves it, with the permission of an ordinary route.
func openAPIServed(t *testing.T) map[string]any {
	t.Helper()
	h := New(Config{})
	var ops []Op
	for _, p := range slices.Sorted(maps.Keys(docs)) {
		ops = append(ops, Op{Pattern: p, Perm: spotcheck.PermViewDirectory, MaxBody: 1 << 20})
	}
	h.Describe(ops)
	rec := httptest.NewRecorder()
	h.OpenAPI(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", rec.Code, rec.Body)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("document is not JSON: %v", err)
	}
	return doc
}

// TestOpenAPIDocument checks what a validator would: version, security,
// that every operation has an id and responses, that path templates have
// their parameters, and that every reference resolves.
func TestOpenAPIDocument(t *testing.T) {
	doc := openAPIServed(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Errorf("openapi %q", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == "" || info["version"] == "" {
		t.Errorf("info %v", info)
	}
	components := doc["components"].(map[string]any)
	scheme := components["securitySchemes"].(map[string]any)["token"].(map[string]any)
	if scheme["type"] != "http" || scheme["scheme"] != "bearer" {
		t.Errorf("security scheme %v", scheme)
	}
	schemas := components["schemas"].(map[string]any)
	errProps := schemas["ErrorDetail"].(map[string]any)["properties"].(map[string]any)
	for _, f := range []string{"code", "message", "fields"} {
		if errProps[f] == nil {
			t.Errorf("error schema lacks %s", f)
		}
	}
	ids := map[string]bool{}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	for p, item := range doc["paths"].(map[string]any) {
		for method, v := range item.(map[string]any) {
			op := v.(map[string]any)
			name := method + " " + p
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s: operationId %q missing or repeated", name, id)
			}
			ids[id] = true
			responses, _ := op["responses"].(map[string]any)
			ok := false
			for code := range responses {
				ok = ok || strings.HasPrefix(code, "2")
			}
			if !ok {
				t.Errorf("%s: no success response in %v", name, responses)
			}
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, x := range params {
				pm := x.(map[string]any)
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
				}
				if pm["description"] == "" {
					t.Errorf("%s: parameter %v undescribed", name, pm["name"])
				}
			}
			for _, m := range param.FindAllStringSubmatch(p, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter %s not declared", name, m[1])
				}
			}
			if method == "put" || method == "post" {
				if op["requestBody"] == nil {
					t.Errorf("%s: no request body", name)
				}
			}
		}
	}
	var refs func(v any)
	refs = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				name, found := strings.CutPrefix(r, "#/components/schemas/")
				if !found || schemas[name] == nil {
					t.Errorf("unresolved $ref %q", r)
				}
			}
			for _, x := range v {
				refs(x)
			}
		case []any:
			for _, x := range v {
				refs(x)
			}
		}
	}
	refs(doc)
}

// TestOpenAPISchemas: the schemas are the JSON types' fields, with their
// descriptions, read-only marks and enums.
func TestOpenAPISchemas(t *testing.T) {
	doc := openAPIServed(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	prop := func(schema, field string) map[string]any {
		s, _ := schemas[schema].(map[string]any)
		if s == nil {
			t.Fatalf("no schema %s", schema)
		}
		p, _ := s["properties"].(map[string]any)[field].(map[string]any)
		if p == nil {
			t.Fatalf("schema %s has no %s", schema, field)
		}
		return p
	}
	if p := prop("Entity", "updated_at"); p["readOnly"] != true || p["format"] != "date-time" {
		t.Errorf("Entity.updated_at: %v", p)
	}
	if p := prop("Entity", "name"); p["type"] != "string" || p["description"] != "名称" {
		t.Errorf("Entity.name: %v", p)
	}
	if p := prop("Inspector", "leaves"); p["items"].(map[string]any)["$ref"] != "#/components/schemas/Leave" {
		t.Errorf("Inspector.leaves: %v", p)
	}
	if p := prop("ItemList", "items"); p["items"].(map[string]any)["$ref"] != "#/components/schemas/Item" {
		t.Errorf("ItemList.items: %v", p)
	}
	for key := range schemaEnums {
		schema, field, _ := strings.Cut(key, ".")
		if p := prop(schema, field); p["enum"] == nil {
			t.Errorf("%s has no enum", key)
		}
	}
}
