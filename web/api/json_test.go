package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"spotcheck"
)

// roundTrip is one kind's conversion: a record with every field set, the
// fields the store sets (which a body cannot), and the conversions.
type roundTrip struct {
	name     string
	record   any      // pointer to a domain record with every field set
	storeSet []string // domain fields that JSON shows but a body does not set
	trip     func(t *testing.T) (got, want any)
}

// trip converts rec to JSON, encodes it, decodes it strictly as a request
// body would be, and converts it back.
func trip[T, J any](t *testing.T, rec *T, toJSON func(*T) J, fromJSON func(*J) *T) *T {
	t.Helper()
	b, err := json.Marshal(toJSON(rec))
	if err != nil {
		t.Fatal(err)
	}
	var j J
	if err := decodeStrict(bytes.NewReader(b), &j); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return fromJSON(&j)
}

// tripEntityID is a valid credit code.
const tripEntityID = "91350100M000100Y43"

// tripRef is the default reference data.
var tripRef = &spotcheck.Reference{Types: spotcheck.DefaultTargetTypes, Divisions: spotcheck.DefaultDivisions}

var (
	tripTime = time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)
	tripRecs = []roundTrip{
		kindTrip("entity", &spotcheck.Entity{ID: tripEntityID, Name: "某旅行社", Type: "T01", Division: "350102",
			Address: "鼓楼区", LegalRep: "张三", LicenceNo: "L1", GuideCardNo: "G1", Status: "在营", CreditClass: "B",
			Key: true, KeyReason: "投诉多", KeyExpiry: "2026-12-31", Tags: []string{"a", "b"}, Founded: "2001-01-01",
			Phone: "123", Active: true, Dept: "FZ", Version: 3, CreatedAt: tripTime, UpdatedAt: tripTime},
			[]string{"Dept", "CreatedAt", "UpdatedAt"}, apiEntities),
		kindTrip("inspector", &spotcheck.Inspector{StaffID: "FZ1", Name: "李四", Dept: "FZ", CertNo: "C1",
			CertExpiry: "2027-01-01", Lead: true, Expert: true, Field: "消防", Title: "高工", Employer: "某院",
			Specialties: []string{"电气"}, Items: []string{"WL-001"}, Phone: "1", Leaves: []spotcheck.Leave{{From: "2026-01-01", To: "2026-01-02"}},
			Active: true, Version: 2, CreatedAt: tripTime, UpdatedAt: tripTime},
			[]string{"CreatedAt", "UpdatedAt"}, apiInspectors),
		kindTrip("agency", &spotcheck.Agency{Code: "914403001922038216", Name: "某机构", Field: "检测",
			Qualification: "CMA", Contact: "王", Phone: "2", Active: true, Version: 4, CreatedAt: tripTime,
			UpdatedAt: tripTime}, []string{"CreatedAt", "UpdatedAt"}, apiAgencies),
		kindTrip("item", &spotcheck.Item{Code: "FZ-1", Version: 2, Name: "事项", LegalBasis: "条例", Body: "局",
			TargetTypes: []string{"T01"}, Content: "内容", Standards: "标准", Methods: []string{"M01"}, Ratio: "3%",
			Frequency: 1, Class: "重点", Parent: "FZ-0", EffectiveFrom: "2026-01-01", EffectiveTo: "2026-12-31",
			Status: "启用", CreatedAt: tripTime}, []string{"CreatedAt"}, apiItems),
		kindTrip("responsibility", &spotcheck.Responsibility{Item: "FZ-1", Dept: "FZ", Role: "发起", Note: "n",
			Active: true, Version: 1, CreatedAt: tripTime, UpdatedAt: tripTime},
			[]string{"CreatedAt", "UpdatedAt"}, apiResponsibilities),
		kindTrip("conflict", &spotcheck.Conflict{StaffID: "FZ1", EntityID: tripEntityID, Kind: "申请回避",
			Reason: "r", From: "2026-01-01", To: "2026-02-01", Review: "待审核", Active: true, Version: 5,
			CreatedAt: tripTime, UpdatedAt: tripTime}, []string{"CreatedAt", "UpdatedAt"}, apiConflicts),
		kindTrip("department", &spotcheck.Department{Code: "GL", Name: "鼓楼", Parent: "FZ", Division: "350102",
			Kind: "文旅部门", Active: true, Version: 6, CreatedAt: tripTime, UpdatedAt: tripTime},
			[]string{"CreatedAt", "UpdatedAt"}, apiDepartments),
	}
)

func kindTrip[T, J any](name string, rec *T, storeSet []string, k apiKind[T, J]) roundTrip {
	return roundTrip{name, rec, storeSet, func(t *testing.T) (any, any) {
		want := *rec
		for _, f := range storeSet {
			v := reflect.ValueOf(&want).Elem().FieldByName(f)
			v.SetZero()
		}
		return trip(t, rec, k.toJSON, k.fromJSON), &want
	}}
}

// TestJSONRoundTrip: a record survives the trip through JSON, but for the
// fields the store sets. Every field of the fixture is set, so that a
// field added to the domain and forgotten in the conversion fails here.
func TestJSONRoundTrip(t *testing.T) {
	for _, rt := range tripRecs {
		t.Run(rt.name, func(t *testing.T) {
			v := reflect.ValueOf(rt.record).Elem()
			for i := range v.NumField() {
				if v.Field(i).IsZero() {
					t.Errorf("fixture leaves %s unset", v.Type().Field(i).Name)
				}
			}
			got, want := rt.trip(t)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestChangeJSON(t *testing.T) {
	c := spotcheck.Change{ID: 7, Kind: "item", Key: "FZ-1", Version: 2, Action: "update", Actor: "admin", At: tripTime,
		Before: `{"Name":"a"}`, After: `not json`}
	b, err := json.Marshal(changeToJSON(c))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":7,"kind":"item","key":"FZ-1","version":2,"action":"update","actor":"admin",` +
		`"at":"2026-03-01T08:30:00Z","before":{"Name":"a"},"after":"not json"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	c.Before = ""
	if b, _ := json.Marshal(changeToJSON(c)); !bytes.Contains(b, []byte(`"before":null`)) {
		t.Errorf("no before: %s", b)
	}
}

// TestJSONNames: every field of every API type has a snake_case name, and
// lists are never null.
func TestJSONNames(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		for ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || ty == reflect.TypeFor[time.Time]() || seen[ty] {
			return
		}
		seen[ty] = true
		for f := range ty.Fields() {
			if n := jsonName(f); !snake.MatchString(n) {
				t.Errorf("%s.%s has JSON name %q", ty, f.Name, n)
			}
			walk(f.Type)
		}
	}
	for _, d := range docs {
		walk(reflect.TypeOf(d.out))
		if d.in != nil {
			walk(reflect.TypeOf(d.in))
		}
	}
	if b, _ := json.Marshal(entityToJSON(&spotcheck.Entity{})); !bytes.Contains(b, []byte(`"tags":[]`)) {
		t.Errorf("nil tags are not []: %s", b)
	}
}

// TestProblemFieldsAreJSONFields: the fields a validation error names are
// fields of the kind's JSON, so that clients can put each message beside
// its field. An empty record gives every "required" problem.
func TestProblemFieldsAreJSONFields(t *testing.T) {
	tests := []struct {
		problems spotcheck.Problems
		json     any
	}{
		{(&spotcheck.Entity{Key: false, KeyReason: "x"}).Validate(tripRef), entityJSON{}},
		{(&spotcheck.Entity{Type: "T05"}).Validate(tripRef), entityJSON{}},
		{(&spotcheck.Inspector{Lead: true, Expert: true, Leaves: []spotcheck.Leave{{}}}).Validate(), inspectorJSON{}},
		{(&spotcheck.Inspector{}).Validate(), inspectorJSON{}},
		{(&spotcheck.Agency{}).Validate(), agencyJSON{}},
		{(&spotcheck.Item{Status: spotcheck.ItemActive, Ratio: "x", Frequency: -1}).Validate(tripRef), itemJSON{}},
		{(&spotcheck.Responsibility{}).Validate(), responsibilityJSON{}},
		{(&spotcheck.Conflict{To: "x"}).Validate(), conflictJSON{}},
		{(&spotcheck.Department{Code: "X", Parent: "X"}).Validate(tripRef), departmentJSON{}},
	}
	for _, tt := range tests {
		ty := reflect.TypeOf(tt.json)
		var names []string
		for f := range ty.Fields() {
			names = append(names, jsonName(f))
		}
		if len(tt.problems) == 0 {
			t.Errorf("%s: no problems to check", ty)
		}
		for _, p := range tt.problems {
			if !slices.Contains(names, p.Field) {
				t.Errorf("%s: problem field %q is not a JSON field (%s)", ty, p.Field, p)
			}
		}
	}
}
