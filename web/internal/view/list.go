package view

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"spotcheck"
)

// The lists: their filters, read from the query string under the same
// names by the pages and by the API (which checks each parameter first and
// refuses what these would ignore: web/api/query.go), their paging and the
// links below them. A page forgives a value it cannot use and shows the
// list as if the parameter were not given.

// MaxOffset bounds offsets, so that offset+limit cannot overflow.
const MaxOffset = math.MaxInt32

// PageParams reads offset and limit: a missing or unusable value gives
// offset 0 and 20 rows.
func PageParams(q url.Values) (offset, limit int) {
	offset, ok := ParseInt(q.Get("offset"), 0, MaxOffset)
	if !ok {
		offset = 0
	}
	if limit, ok = ParseInt(q.Get("limit"), 1, spotcheck.MaxPageSize); !ok {
		limit = 20
	}
	return offset, limit
}

// BoolParam reads a flag filter; anything else does not filter.
func BoolParam(s string) *bool {
	if v, ok := ParseFlag(s); ok {
		return &v
	}
	return nil
}

// EntityFilter reads the filters of the entity lists: q (name substring or
// code prefix), type, division, status, class, key, active and sort.
func EntityFilter(q url.Values) spotcheck.EntityFilter {
	f := spotcheck.EntityFilter{Query: strings.TrimSpace(q.Get("q")), Type: q.Get("type"), Division: q.Get("division"),
		Status: q.Get("status"), CreditClass: q.Get("class"), Sort: q.Get("sort"), Key: BoolParam(q.Get("key")),
		Active: BoolParam(q.Get("active"))}
	f.Offset, f.Limit = PageParams(q)
	return f
}

// InspectorFilter reads the filters of the inspector lists: q (name or
// staff id prefix), dept, expert and active.
func InspectorFilter(q url.Values) spotcheck.InspectorFilter {
	f := spotcheck.InspectorFilter{Query: strings.TrimSpace(q.Get("q")), Dept: spotcheck.NormalizeCode(q.Get("dept")),
		Expert: BoolParam(q.Get("expert")), Active: BoolParam(q.Get("active"))}
	f.Offset, f.Limit = PageParams(q)
	return f
}

// AgencyFilter reads the filters of the agency lists: q and active.
func AgencyFilter(q url.Values) spotcheck.AgencyFilter {
	f := spotcheck.AgencyFilter{Query: strings.TrimSpace(q.Get("q")), Active: BoolParam(q.Get("active"))}
	f.Offset, f.Limit = PageParams(q)
	return f
}

// ConflictFilter reads the filters of the conflict lists: staff_id,
// entity_id and review.
func ConflictFilter(q url.Values) spotcheck.ConflictFilter {
	f := spotcheck.ConflictFilter{StaffID: strings.TrimSpace(q.Get("staff_id")),
		EntityID: spotcheck.NormalizeCode(q.Get("entity_id")), Review: strings.TrimSpace(q.Get("review"))}
	f.Offset, f.Limit = PageParams(q)
	return f
}

// ItemFilter reads the filters of the item lists: q (code prefix or
// name), type, status, class and dept (items the department is
// responsible for).
func ItemFilter(q url.Values) spotcheck.ItemFilter {
	f := spotcheck.ItemFilter{Query: strings.TrimSpace(q.Get("q")), TargetType: q.Get("type"), Status: q.Get("status"),
		Class: q.Get("class"), Dept: spotcheck.NormalizeCode(q.Get("dept"))}
	f.Offset, f.Limit = PageParams(q)
	return f
}

// ResponsibilityFilter reads the filters of the responsibility lists:
// item and dept.
func ResponsibilityFilter(q url.Values) spotcheck.ResponsibilityFilter {
	f := spotcheck.ResponsibilityFilter{Item: spotcheck.NormalizeCode(q.Get("item")),
		Dept: spotcheck.NormalizeCode(q.Get("dept"))}
	f.Offset, f.Limit = PageParams(q)
	return f
}

// ChangeFilter reads the filters of the audit trail: kind, actor and key.
func ChangeFilter(q url.Values) spotcheck.ChangeFilter {
	f := spotcheck.ChangeFilter{Kind: strings.TrimSpace(q.Get("kind")), Key: strings.TrimSpace(q.Get("key")),
		Actor: strings.TrimSpace(q.Get("actor"))}
	f.Offset, f.Limit = PageParams(q)
	return f
}

// TaskFilter reads the filter of the task lists: q.
func TaskFilter(q url.Values) spotcheck.TaskFilter {
	f := spotcheck.TaskFilter{Query: strings.TrimSpace(q.Get("q")), State: strings.TrimSpace(q.Get("state"))}
	f.Offset, f.Limit = PageParams(q)
	return f
}

// DrawFilter reads the filters of the draw lists: task and state.
func DrawFilter(q url.Values) spotcheck.DrawFilter {
	f := spotcheck.DrawFilter{Task: strings.TrimSpace(q.Get("task")), State: q.Get("state")}
	f.Offset, f.Limit = PageParams(q)
	return f
}

// PageOf returns the page of all that the query's offset and limit ask
// for, for lists that a service returns whole.
func PageOf[T any](all []T, q url.Values) spotcheck.List[T] {
	offset, limit := PageParams(q)
	from := min(offset, len(all))
	to := from + min(limit, len(all)-from)
	return spotcheck.List[T]{Items: all[from:to], Total: len(all), Offset: offset, Limit: limit}
}

// AllPages collects every page of a list.
func AllPages[T any](page func(offset int) (spotcheck.List[T], error)) ([]T, error) {
	var out []T
	for off := 0; ; {
		l, err := page(off)
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		off += len(l.Items)
		if len(l.Items) == 0 || off >= l.Total && !l.More {
			return out, nil
		}
	}
}

// Pager describes the links below a list.
type Pager struct {
	From, To int
	Total    string
	Prev     string
	Next     string
	HasAny   bool
}

// NewPager describes the page of n rows at offset of a list of total
// (more: beyond the counting cap) that r showed with limit rows a page.
func NewPager(r *http.Request, total, offset, limit, n int, more bool) Pager {
	p := Pager{From: offset + 1, To: offset + n, Total: CountText(total, more), HasAny: n > 0}
	link := func(off int) string {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(off))
		return r.URL.Path + "?" + q.Encode()
	}
	if offset > 0 {
		p.Prev = link(max(offset-limit, 0))
	}
	if offset+n < total || more {
		p.Next = link(offset + limit)
	}
	return p
}

// ListPager is NewPager for a list the service paged.
func ListPager[T any](r *http.Request, l spotcheck.List[T]) Pager {
	return NewPager(r, l.Total, l.Offset, l.Limit, len(l.Items), l.More)
}

// CountText shows a list total, "10000+" beyond the counting cap.
func CountText(n int, more bool) string {
	if more {
		return "10000+"
	}
	return strconv.Itoa(n)
}
