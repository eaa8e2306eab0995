package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Document builds the OpenAPI document of the API routes ops: each
// operation from its route (permission, body limit) and what docs says of
// it, each schema from the fields of the JSON type the handlers encode and
// decode: names from the json tags, descriptions from the doc tags,
// read-only fields from api:"readonly". So the document is made of the
// same things as the API and cannot drift from it; a route the document
// does not describe is a programming error, which Strict reports when the
// route table is built.
func Document(ops []Op) map[string]any {
	g := &schemaGen{schemas: map[string]any{}}
	errorRef := g.ref(reflect.TypeFor[errorJSON]())
	paths := map[string]map[string]any{}
	tags := map[string]bool{}
	for _, op := range ops {
		method, p, _ := strings.Cut(op.Pattern, " ")
		p = strings.TrimPrefix(p, apiBase)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		o := g.operation(op, docs[op.Pattern], method, p, errorRef)
		tags[o["tags"].([]string)[0]] = true
		paths[p][strings.ToLower(method)] = o
	}
	paths["/openapi.json"] = map[string]any{"get": map[string]any{
		"summary": "本文档（无需令牌）", "operationId": "getOpenAPI", "tags": []string{"meta"},
		"security": []any{}, "responses": map[string]any{"200": map[string]any{"description": "OpenAPI 3 文档",
			"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}},
	}}
	var tagList []any
	for _, t := range apiTagOrder {
		if tags[t] || t == "meta" {
			tagList = append(tagList, map[string]any{"name": t, "description": apiTagNames[t]})
		}
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "spotcheck 双随机、一公开监管平台 API", "version": "1",
			"description": apiDescription},
		"servers":  []any{map[string]any{"url": apiBase}},
		"security": []any{map[string]any{"token": []any{}}},
		"tags":     tagList,
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"token": map[string]any{"type": "http", "scheme": "bearer",
				"description": "个人接口令牌，在“我的账号”中创建；令牌的用户须有使用接口令牌的权限"}},
			"schemas": g.schemas,
		},
	}
}

// paramSchema is the schema of a query parameter: the values checkQuery
// takes.
func paramSchema(q apiParam) map[string]any {
	switch q.kind {
	case paramFlag:
		return map[string]any{"type": "boolean"}
	case paramOffset:
		return map[string]any{"type": "integer", "minimum": 0, "maximum": view.MaxOffset, "default": 0}
	case paramLimit:
		return map[string]any{"type": "integer", "minimum": 1, "maximum": spotcheck.MaxPageSize, "default": 20}
	case paramOneOf:
		return map[string]any{"type": "string", "enum": q.values}
	}
	return map[string]any{"type": "string"}
}

// apiBase is where the API lives; document paths are relative to it.
const apiBase = "/api/v1"

var apiDescription = "个人接口令牌认证：Authorization: Bearer …（在“我的账号”中创建），权限与令牌的用户相同，" +
	"并限于其部门及下级部门。\n\n" +
	"* 错误统一为 {\"error\":{\"code\",\"message\",\"fields\"}}，fields 只在校验错误时给出（字段名 → 问题）。\n" +
	"* 列表统一为 {\"items\",\"total\",\"more\",\"offset\",\"limit\"}，以 offset、limit 分页：每页默认 20 条，" +
	"最多 " + strconv.Itoa(spotcheck.MaxPageSize) + " 条（limit 超出范围报 400，不会悄悄改小）。" +
	"不支持的查询参数、参数值无效（如 active=2、key=maybe；开关参数取 true 或 false）都报 400，fields 指出是哪个参数及原因。\n" +
	"* 请求体须为恰好一个 JSON 对象，不认识的字段报 400，超过各接口的大小上限（见各接口的 413 答复）报 413。\n" +
	"* POST 新增；PUT 修改路径所指的记录，须带所依据的 version（乐观锁，已被他人修改时报 409），" +
	"未给出的字段保持原值，数组整体替换，主键不能修改。记录从不删除：active=false 即停用。"

// apiTagOrder orders the document's tags: one per first path segment.
var apiTagOrder = []string{"me", spotcheck.KindEntities, spotcheck.KindInspectors, spotcheck.KindAgencies,
	spotcheck.KindConflicts, spotcheck.KindItems, spotcheck.KindResponsibilities, spotcheck.KindDepartments,
	"tasks", "draws", "visits", "changes", "meta"}

var apiTagNames = map[string]string{
	"me": "当前用户", spotcheck.KindEntities: "检查对象名录库", spotcheck.KindInspectors: "执法检查人员与专家名录库",
	spotcheck.KindAgencies: "专业机构", spotcheck.KindConflicts: "回避关系", spotcheck.KindItems: "抽查事项清单",
	spotcheck.KindResponsibilities: "多部门监管责任", spotcheck.KindDepartments: "部门", "tasks": "抽查任务", "draws": "随机抽取（方案、承诺、揭示、结果与变更）",
	"visits":  "联合检查（进一次门、查多项事）",
	"changes": "操作记录（审计）",
	"meta":    "接口说明",
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// operation describes one API operation. The errors it lists are the ones
// it can give: every operation needs a token and a permission and refuses
// unknown query parameters; paths with a key can miss; writes can conflict.
func (g *schemaGen) operation(op Op, d doc, method, path string, errorRef map[string]any) map[string]any {
	tag, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	o := map[string]any{"summary": d.summary, "operationId": operationID(method, path), "tags": []string{tag},
		"description": "任何有效令牌均可。"}
	if op.Perm != spotcheck.PermAnySignedIn {
		o["description"] = "令牌的用户须有权限 " + string(op.Perm) + "。"
		o["x-permission"] = string(op.Perm)
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
			"description": fieldDoc(d.out, m[1]), "schema": map[string]any{"type": "string"}})
	}
	for _, q := range d.query {
		params = append(params, map[string]any{"name": q.name, "in": "query", "required": false,
			"description": q.doc, "schema": paramSchema(q)})
	}
	if params != nil {
		o["parameters"] = params
	}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{
			"schema": errorRef}}}
	}
	status := "200"
	if method == http.MethodPost {
		status = "201"
	}
	responses := map[string]any{
		status: map[string]any{"description": d.summary, "content": map[string]any{"application/json": map[string]any{
			"schema": g.schema(reflect.TypeOf(d.out))}}},
		"400": errResp("输入有误：查询参数、请求体或校验（fields 给出各字段的问题）"),
		"401": errResp("缺少或无效的接口令牌"),
		"403": errResp("无权限；或可以查看该记录但无权修改（如其他部门维护的记录）"),
		"500": errResp("内部错误"),
	}
	if strings.Contains(path, "{") {
		responses["404"] = errResp("记录不存在，或不在令牌用户可见的范围内（两者的答复相同）")
	}
	if d.in != nil {
		o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
			"schema": g.schema(reflect.TypeOf(d.in))}}}
		responses["409"] = errResp("冲突：记录已存在，或已被他人修改（version 不是当前版本）")
		responses["413"] = errResp(fmt.Sprintf("请求体过大（超过 %d KiB）", op.MaxBody>>10))
	}
	o["responses"] = responses
	return o
}

// operationID names an operation after its method and path:
// GET /items/{code}/versions is getItemsCodeVersions.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	upper := true
	for _, r := range path {
		switch {
		case r == '/' || r == '_' || r == '{' || r == '}':
			upper = true
		case upper:
			b.WriteRune(unicode.ToUpper(r))
			upper = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fieldDoc returns the doc tag of the JSON field name of v's type (or of
// its list items), which describes a path parameter of the same name.
func fieldDoc(v any, name string) string {
	t := reflect.TypeOf(v)
	if f, ok := t.FieldByName("Items"); ok && f.Type.Kind() == reflect.Slice {
		t = f.Type.Elem()
	}
	for f := range t.Fields() {
		if jsonName(f) == name {
			return f.Tag.Get("doc")
		}
	}
	return name
}

// schemaGen generates JSON schemas from Go types, putting each struct
// under components/schemas once and referring to it from elsewhere.
type schemaGen struct{ schemas map[string]any }

// schema returns the schema of values of type t as encoding/json writes them.
func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch t {
	case reflect.TypeFor[time.Time]():
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeFor[json.RawMessage]():
		return map[string]any{"nullable": true} // any JSON value
	}
	if t.Kind() == reflect.Pointer && t.Elem().Kind() != reflect.Struct || t == reflect.TypeFor[*time.Time]() {
		// A value that may be null (a task's publication, while a draft).
		out := maps.Clone(g.schema(t.Elem()))
		out["nullable"] = true
		return out
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		return g.ref(t)
	}
	panic("openapi: no schema for " + t.String())
}

// ref returns a reference to the schema of struct type t, generating it
// the first time.
func (g *schemaGen) ref(t reflect.Type) map[string]any {
	name := schemaName(t)
	if _, ok := g.schemas[name]; !ok {
		g.schemas[name] = nil // taken, should t refer to itself
		g.schemas[name] = g.object(t, name)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// object is the schema of a struct: its JSON fields, described by their
// doc tags, with the domain's closed value sets as enums.
func (g *schemaGen) object(t reflect.Type, name string) map[string]any {
	props := map[string]any{}
	for f := range t.Fields() {
		field := jsonName(f)
		if field == "" {
			continue
		}
		s := g.schema(f.Type)
		if _, isRef := s["$ref"]; isRef {
			s = map[string]any{"allOf": []any{s}} // a $ref takes no siblings in OpenAPI 3.0
		}
		if doc := f.Tag.Get("doc"); doc != "" {
			s["description"] = doc
		}
		if f.Tag.Get("api") == "readonly" {
			s["readOnly"] = true
		}
		if e, ok := schemaEnums[name+"."+field]; ok {
			s["enum"] = e
		}
		props[field] = s
	}
	return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
}

// schemaName names the schema of a JSON type: entityJSON is Entity, and
// listJSON[entityJSON] is EntityList.
func schemaName(t reflect.Type) string {
	if f, ok := t.FieldByName("Items"); ok && strings.HasPrefix(t.Name(), "listJSON[") {
		return schemaName(f.Type.Elem()) + "List"
	}
	n := strings.TrimSuffix(t.Name(), "JSON")
	return strings.ToUpper(n[:1]) + n[1:]
}

// schemaEnums are the closed sets of values some fields take, by schema
// and field, taken from the domain so that they follow it. Open sets
// (target types, divisions) are reference data and stay strings.
var schemaEnums = map[string][]string{
	"Entity.status":       spotcheck.EntityStatuses,
	"Entity.credit_class": spotcheck.CreditClasses,
	"Item.status":         {spotcheck.ItemDraft, spotcheck.ItemActive, spotcheck.ItemRetired},
	"Item.class":          {spotcheck.ClassKey, spotcheck.ClassGeneral},
	"Responsibility.role": {spotcheck.RoleInitiate, spotcheck.RoleJoin},
	"Conflict.kind":       {spotcheck.ConflictDeclared, spotcheck.ConflictRequested},
	"Conflict.review":     {spotcheck.ReviewPending, spotcheck.ReviewApproved, spotcheck.ReviewRejected},
	"Department.kind":     spotcheck.DeptKinds,
	"Draw.state": {spotcheck.DrawCommitting, spotcheck.DrawRevealing, spotcheck.DrawDrawn, spotcheck.DrawPublished,
		spotcheck.DrawFailed, spotcheck.DrawSuperseded},
	"DrawChange.kind":  {spotcheck.ChangeSubstitute, spotcheck.ChangeReplace, spotcheck.ChangeAssign},
	"DrawChange.state": {spotcheck.ChangePending, spotcheck.ChangeApproved, spotcheck.ChangeRejected},
	"Task.strata_by":   {spotcheck.StrataByCredit, spotcheck.StrataByKey, spotcheck.StrataByKeyCredit},
}
