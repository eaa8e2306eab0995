package api

import (
	"maps"
	"net/url"
	"slices"
	"spotcheck/web/internal/view"
	"strconv"
	"strings"

	"spotcheck"
)

// The query parameters of the lists. Pages and the API read the same names
// with the same decoders (web/internal/view/list.go): a page forgives a value it
// cannot use and shows the list as if the parameter were not given, the
// API refuses the request with 400 and says which parameter is wrong and
// why (checkQuery), so that a typo never silently returns another list
// than the one asked for.

// apiParam is a query or path parameter of an API operation: its name,
// what the OpenAPI document says of it and which values it takes.
type apiParam struct {
	name, doc string
	kind      paramKind
	values    []string // the values of a paramOneOf
}

// paramKind is what a query parameter's value is. An empty value is
// always taken, as if the parameter were not given: forms send the empty
// choice of a filter that way.
type paramKind int

const (
	paramText   paramKind = iota // any text
	paramFlag                    // true or false (also 1 or 0, as the pages write them)
	paramOffset                  // an integer from 0 to view.MaxOffset
	paramLimit                   // an integer from 1 to spotcheck.MaxPageSize
	paramOneOf                   // one of values
)

func textParam(name, doc string) apiParam { return apiParam{name: name, doc: doc} }
func flagParam(name, doc string) apiParam { return apiParam{name: name, doc: doc, kind: paramFlag} }
func oneOfParam(name, doc string, values ...string) apiParam {
	return apiParam{name: name, doc: doc, kind: paramOneOf, values: values}
}

// pageQuery are the paging parameters every list takes.
var pageQuery = []apiParam{
	{name: "offset", doc: "起始位置（默认0）", kind: paramOffset},
	{name: "limit", doc: "每页条数（1–" + strconv.Itoa(spotcheck.MaxPageSize) + "，默认20）", kind: paramLimit},
}

// problem returns what is wrong with value v of the parameter, "" when
// nothing is.
func (p apiParam) problem(v string) string {
	if v == "" {
		return ""
	}
	switch p.kind {
	case paramFlag:
		if _, ok := view.ParseFlag(v); !ok {
			return "应为 true 或 false"
		}
	case paramOffset:
		if _, ok := view.ParseInt(v, 0, view.MaxOffset); !ok {
			return "应为 0 到 " + strconv.Itoa(view.MaxOffset) + " 之间的整数"
		}
	case paramLimit:
		if _, ok := view.ParseInt(v, 1, spotcheck.MaxPageSize); !ok {
			return "应为 1 到 " + strconv.Itoa(spotcheck.MaxPageSize) + " 之间的整数（每页最多" +
				strconv.Itoa(spotcheck.MaxPageSize) + "条）"
		}
	case paramOneOf:
		if !slices.Contains(p.values, v) {
			return "“" + v + "”无效，应为" + strings.Join(p.values, "、") + "之一"
		}
	}
	return ""
}

// checkQuery checks a request's query against the parameters of its
// operation: each must be one of them, given once, with a value it takes.
// It returns an EINVALID error that names every wrong parameter.
func checkQuery(params []apiParam, q url.Values) error {
	var ps spotcheck.Problems
	for _, name := range slices.Sorted(maps.Keys(q)) {
		i := slices.IndexFunc(params, func(p apiParam) bool { return p.name == name })
		switch {
		case i < 0:
			ps.Add(name, "查询参数", "不支持“%s”", name)
		case len(q[name]) > 1:
			ps.Add(name, "参数 "+name, "只能给出一次")
		default:
			if msg := params[i].problem(q[name][0]); msg != "" {
				ps.Add(name, "参数 "+name, "%s", msg)
			}
		}
	}
	return ps.Err()
}
