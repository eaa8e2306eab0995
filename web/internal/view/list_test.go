package view

import (
	"net/url"
	"reflect"
	"testing"

	"spotcheck"
)

// TestFilters: the lists' query parameters become the services' filters,
// as the pages and the API read them (the API refuses bad values first).
func TestFilters(t *testing.T) {
	yes, no := true, false
	q := func(s string) url.Values {
		v, err := url.ParseQuery(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"inspectors", InspectorFilter(q("q=+张+&dept=gl&expert=1&active=0&offset=5&limit=10")),
			spotcheck.InspectorFilter{Query: "张", Dept: "GL", Expert: &yes, Active: &no, Offset: 5, Limit: 10}},
		{"flags spelt out", InspectorFilter(q("expert=true&active=false")),
			spotcheck.InspectorFilter{Expert: &yes, Active: &no, Limit: 20}},
		{"a flag that is none", EntityFilter(q("key=maybe&active=")), spotcheck.EntityFilter{Limit: 20}},
		{"entities", EntityFilter(q("q=鼓楼&type=T01&division=350102&status=在营&class=B&key=1&sort=name")),
			spotcheck.EntityFilter{Query: "鼓楼", Type: "T01", Division: "350102", Status: "在营", CreditClass: "B",
				Key: &yes, Sort: "name", Limit: 20}},
		{"changes", ChangeFilter(q("kind=entity&key=+K+&actor=admin&limit=200")),
			spotcheck.ChangeFilter{Kind: "entity", Key: "K", Actor: "admin", Limit: 200}},
		{"paging out of range", ItemFilter(q("offset=-1&limit=201")), spotcheck.ItemFilter{Limit: 20}},
		{"conflicts", ConflictFilter(q("staff_id=+GL0001&entity_id=91350102abc&review=待审核")),
			spotcheck.ConflictFilter{StaffID: "GL0001", EntityID: "91350102ABC", Review: "待审核", Limit: 20}},
		{"draws", DrawFilter(q("task=+2026-FZ-001+&state=drawn&offset=20")),
			spotcheck.DrawFilter{Task: "2026-FZ-001", State: "drawn", Offset: 20, Limit: 20}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.name, tt.got, tt.want)
		}
	}
}
