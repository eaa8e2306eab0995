package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The JSON API: the same services and permission checks as the pages,
// authenticated by personal API tokens. Its conventions hold for every
// kind of record, which is why the handlers are written once, generically,
// and each kind only says how it converts and which service methods keep it:
//
//   - field names are snake_case and equal the domain's field keys, so that
//     a validation error's "fields" name the JSON fields;
//   - one error shape {"error":{"code","message","fields"}} with the status
//     of the one error table (view.ErrorStatus);
//   - lists are {"items","total","more","offset","limit"} with paging
//     (offset, limit ≤ spotcheck.MaxPageSize), and unknown query
//     parameters and values a parameter does not take are refused;
//   - bodies are decoded strictly: unknown fields and trailing data are
//     refused, so that a typo is never silently ignored;
//   - POST creates (version 0); PUT updates the record named by the path,
//     must carry the version it was made from (optimistic locking), and
//     keeps the stored value of every field the body leaves out.

// services are the handler's services, in the kinds' method tables.
type services = view.Services

// listJSON is the shape of every list response.
type listJSON[T any] struct {
	Items  []T  `json:"items" doc:"本页记录"`
	Total  int  `json:"total" doc:"记录总数；more 为真时是下限"`
	More   bool `json:"more" doc:"为真时总数超过 total（10000+），不再精确计数"`
	Offset int  `json:"offset" doc:"本页起始位置"`
	Limit  int  `json:"limit" doc:"每页条数"`
}

func toListJSON[T, J any](l spotcheck.List[T], conv func(T) J) listJSON[J] {
	out := listJSON[J]{Items: make([]J, 0, len(l.Items)), Total: l.Total, More: l.More, Offset: l.Offset, Limit: l.Limit}
	for _, v := range l.Items {
		out.Items = append(out.Items, conv(v))
	}
	return out
}

// errorJSON is the body of every API error.
type errorJSON struct {
	Error errorDetailJSON `json:"error" doc:"错误"`
}

type errorDetailJSON struct {
	Code    string            `json:"code" doc:"错误代码：invalid、not_found、conflict、unauthorized、forbidden、too_large、internal"`
	Message string            `json:"message" doc:"给用户看的说明"`
	Fields  map[string]string `json:"fields,omitempty" doc:"校验错误：字段名 → 该字段的问题"`
}

// fail answers an API request with an error. A validation error also
// carries its problems by field, so that a client can show each message
// beside its field; everything else goes through the one error table.
func (s *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if ps, ok := view.InvalidFields(err); ok {
		view.WriteJSON(w, http.StatusBadRequest, errorJSON{errorDetailJSON{Code: spotcheck.EINVALID,
			Message: spotcheck.ErrorMessage(err), Fields: view.FieldErrors(ps)}})
		return
	}
	s.views.Fail(w, r, err)
}

// Strict refuses query parameters that the route of pattern does not
// take, and values they do not take (checkQuery), for the same reason
// readJSON refuses unknown fields: a misspelt filter would otherwise
// silently return everything. The parameters are the ones the OpenAPI
// document lists (docs), so the document is also the rule. The route
// table of package web wraps every API route with it; a pattern the
// document does not describe is a programming error.
func (s *Handler) Strict(pattern string, next http.HandlerFunc) http.HandlerFunc {
	d, ok := docs[pattern]
	if !ok {
		panic("api: the OpenAPI document does not describe " + pattern)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if err := checkQuery(d.query, r.URL.Query()); err != nil {
			s.fail(w, r, err)
			return
		}
		next(w, r)
	}
}

// readJSON decodes a request body strictly: unknown fields and trailing
// data are errors, so that a typo in a field name is not silently ignored.
func readJSON(r *http.Request, v any) error {
	return decodeStrict(r.Body, v)
}

// decodeStrict decodes exactly one JSON value from body into v. A body
// over the size limit keeps its *http.MaxBytesError, which is a 413.
func decodeStrict(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
		return err
	}
	if err != nil {
		return spotcheck.Errorf(spotcheck.EINVALID, "请求体不是有效的JSON：%v", err)
	}
	// Anything but the end after the value, even a stray "}", is refused.
	if _, err := dec.Token(); err != io.EOF {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			return err
		}
		return spotcheck.Errorf(spotcheck.EINVALID, "请求体只能包含一个JSON对象")
	}
	return nil
}

// readJSONOver decodes a request body strictly over base: each field the
// body names replaces base's, the others keep their values. It does not
// simply decode onto base because encoding/json would then merge an array
// of objects element by element with the old one; here an array given is
// the whole new array. It returns whether the body named field.
func readJSONOver[J any](r *http.Request, base *J, field string) (bool, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return false, err
	}
	var given J
	if err := decodeStrict(bytes.NewReader(body), &given); err != nil {
		return false, err
	}
	var named map[string]json.RawMessage
	json.Unmarshal(body, &named) // it decoded as an object above
	bv, gv := reflect.ValueOf(base).Elem(), reflect.ValueOf(&given).Elem()
	found := false
	for i := range bv.NumField() {
		name := jsonName(bv.Type().Field(i))
		for k := range named {
			if strings.EqualFold(k, name) { // as encoding/json matches names
				bv.Field(i).Set(gv.Field(i))
				found = found || name == field
			}
		}
	}
	return found, nil
}

// jsonName is a struct field's name in JSON ("" when it has none).
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if !f.IsExported() || name == "-" {
		return ""
	}
	return name
}

// apiKind tells the generic handlers how to handle one kind of record T
// with JSON form J: how they convert, which fields form the key (named as
// in the path and in JSON), and which service methods find and save it.
type apiKind[T, J any] struct {
	keys    []string           // the key fields, named as path values and JSON fields
	key     func(*T) []*string // a record's key fields, in keys order
	version func(*T) *int      // for optimistic locking
	toJSON  func(*T) J
	// fromJSON ignores what the store sets: times and derived fields.
	fromJSON func(*J) *T
	// newJSON gives a create body its defaults; nil means the zero J.
	newJSON func() J
	// find returns the stored record with the key fields of its argument.
	find func(services, context.Context, *T) (*T, error)
	save func(services, context.Context, *T) error
}

// fromPath returns a record with only its key set, from the request path.
func (k apiKind[T, J]) fromPath(r *http.Request) *T {
	v := new(T)
	for i, p := range k.key(v) {
		*p = r.PathValue(k.keys[i])
	}
	return v
}

// get serves GET …/{key}.
func (k apiKind[T, J]) get(s *Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := k.find(s.svc, r.Context(), k.fromPath(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		view.WriteJSON(w, http.StatusOK, k.toJSON(v))
	}
}

// create serves POST …: a new record, whatever version the body says.
func (k apiKind[T, J]) create(s *Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var j J
		if k.newJSON != nil {
			j = k.newJSON()
		}
		if err := readJSON(r, &j); err != nil {
			s.fail(w, r, err)
			return
		}
		v := k.fromJSON(&j)
		*k.version(v) = 0
		k.saveAndShow(s, w, r, v, http.StatusCreated)
	}
}

// update serves PUT …/{key}: the stored record with the fields the body
// gives. The body must give the version it was made from; a key field it
// gives must name the same record as the path.
func (k apiKind[T, J]) update(s *Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		old, err := k.find(s.svc, r.Context(), k.fromPath(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		j := k.toJSON(old)
		hasVersion, err := readJSONOver(r, &j, "version")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v := k.fromJSON(&j)
		if !hasVersion || *k.version(v) <= 0 {
			s.fail(w, r, view.FieldError("version", "版本号", "更新须提供 version（所依据的版本号）"))
			return
		}
		stored, given := k.key(old), k.key(v)
		for i := range k.keys {
			if spotcheck.NormalizeCode(*given[i]) != spotcheck.NormalizeCode(*stored[i]) {
				s.fail(w, r, view.FieldError(k.keys[i], k.keys[i], "与路径中的“"+*stored[i]+"”不一致；主键不能修改"))
				return
			}
			*given[i] = *stored[i]
		}
		k.saveAndShow(s, w, r, v, http.StatusOK)
	}
}

// saveAndShow saves v and answers with the record as stored, so that the
// client learns its new version and what the store derived.
func (k apiKind[T, J]) saveAndShow(s *Handler, w http.ResponseWriter, r *http.Request, v *T, status int) {
	if err := k.save(s.svc, r.Context(), v); err != nil {
		s.fail(w, r, err)
		return
	}
	saved, err := k.find(s.svc, r.Context(), v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if status == http.StatusCreated {
		loc := r.URL.Path
		for _, p := range k.key(saved) {
			loc = path.Join(loc, url.PathEscape(*p))
		}
		w.Header().Set("Location", loc)
	}
	view.WriteJSON(w, status, k.toJSON(saved))
}

// apiList serves a list: filter reads the query, find asks the service.
func apiList[F, T, J any](s *Handler, filter func(url.Values) F,
	find func(context.Context, F) (spotcheck.List[T], error), conv func(T) J) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		l, err := find(r.Context(), filter(r.URL.Query()))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		view.WriteJSON(w, http.StatusOK, toListJSON(l, conv))
	}
}

// apiAll serves a list that the service returns whole (departments, the
// versions of an item), paged here so that it has the shape of every list.
func apiAll[T, J any](s *Handler, find func(services, *http.Request) ([]T, error), conv func(T) J) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		all, err := find(s.svc, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		view.WriteJSON(w, http.StatusOK, toListJSON(view.PageOf(all, r.URL.Query()), conv))
	}
}

// nonNil returns s, or an empty slice for nil, so that JSON shows [] and
// clients need not test for null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// meJSON is the user of the token.
type meJSON struct {
	Username string   `json:"username" doc:"用户名"`
	Name     string   `json:"name" doc:"姓名"`
	Dept     string   `json:"dept" doc:"所属部门代码"`
	Roles    []string `json:"roles" doc:"角色"`
	Scope    []string `json:"scope" doc:"可见的部门代码：本部门及下级部门"`
}

func (s *Handler) me(w http.ResponseWriter, r *http.Request) {
	p := spotcheck.PrincipalFromContext(r.Context())
	view.WriteJSON(w, http.StatusOK, meJSON{p.Username, p.Name, p.Dept, nonNil(p.Roles), nonNil(p.Scope())})
}
