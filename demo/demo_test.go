package demo

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"spotcheck"
)

var ref = &spotcheck.Reference{Types: spotcheck.DefaultTargetTypes, Divisions: spotcheck.DefaultDivisions}

const testToday = "2026-03-16"

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(7, 3000, testToday), Generate(7, 3000, testToday)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed and date gave different data")
	}
	c := Generate(8, 3000, testToday)
	if reflect.DeepEqual(a.Entities, c.Entities) || reflect.DeepEqual(a.Inspectors, c.Inspectors) {
		t.Fatal("another seed gave the same entities or inspectors")
	}
}

// TestGenerateRecordsValidate checks that every record passes its domain
// Validate and that Normalize finds nothing to change, so the store keeps
// exactly what was generated (a guide only gains the ID Normalize derives).
func TestGenerateRecordsValidate(t *testing.T) {
	d := Generate(1, 3000, testToday)
	for _, dep := range d.Departments {
		v := dep
		v.Normalize()
		if p := v.Validate(ref); len(p) > 0 || !reflect.DeepEqual(v, dep) {
			t.Errorf("department %s: %v", dep.Code, p)
		}
	}
	if err := spotcheck.ValidateDepartmentTree(d.Departments); err != nil {
		t.Error(err)
	}
	warnings := 0
	for _, e := range d.Entities {
		v := e
		v.Tags = slices.Clone(e.Tags)
		v.Normalize(ref)
		if p := v.Validate(ref); len(p) > 0 {
			t.Errorf("entity %s %s: %v", e.ID, e.Name, p)
			continue
		}
		if e.Type == "T05" {
			if e.ID != "" || v.ID != "GUIDE-"+e.GuideCardNo {
				t.Errorf("guide %s: ID %q, validated %q", e.GuideCardNo, e.ID, v.ID)
			}
			v.ID = e.ID
		} else if check, _ := spotcheck.CheckCreditCode(e.ID); check.Warning != "" {
			warnings++
		}
		if !reflect.DeepEqual(v, e) {
			t.Errorf("Validate changed entity %s:\n%+v\n%+v", e.Name, e, v)
		}
	}
	if warnings > len(d.Entities)/50 {
		t.Errorf("%d of %d credit codes warn about the organisation code; want most clean", warnings, len(d.Entities))
	}
	for _, in := range d.Inspectors {
		v := in
		v.Normalize()
		if p := v.Validate(); len(p) > 0 || !reflect.DeepEqual(v, in) {
			t.Errorf("inspector %s: %v (changed: %v)", in.StaffID, p, !reflect.DeepEqual(v, in))
		}
	}
	for _, a := range d.Agencies {
		v := a
		v.Normalize()
		if p := v.Validate(); len(p) > 0 || !reflect.DeepEqual(v, a) {
			t.Errorf("agency %s: %v", a.Name, p)
		}
	}
	for _, it := range d.Items {
		v := it
		v.Normalize(ref)
		if p := v.Validate(ref); len(p) > 0 || !reflect.DeepEqual(v, it) {
			t.Errorf("item %s: %v", it.Code, p)
		}
	}
	for _, r := range d.Responsibilities {
		v := r
		v.Normalize()
		if p := v.Validate(); len(p) > 0 || !reflect.DeepEqual(v, r) {
			t.Errorf("responsibility %s/%s: %v", r.Item, r.Dept, p)
		}
	}
	for _, c := range d.Conflicts {
		v := c
		v.Normalize()
		if p := v.Validate(); len(p) > 0 || !reflect.DeepEqual(v, c) {
			t.Errorf("conflict %s/%s: %v", c.StaffID, c.EntityID, p)
		}
	}
}

// TestGenerateReferences checks that every code a record points at exists,
// and that codes are unique, as the imports require.
func TestGenerateReferences(t *testing.T) {
	d := Generate(2, 3000, testToday)
	depts := map[string]bool{}
	for _, dep := range d.Departments {
		depts[dep.Code] = true
	}
	entities := map[string]bool{}
	for _, e := range d.Entities {
		id := e.ID
		if e.Type == "T05" {
			id = "GUIDE-" + e.GuideCardNo
		}
		if entities[id] {
			t.Errorf("entity code %s twice", id)
		}
		entities[id] = true
	}
	staff, certs := map[string]bool{}, map[string]bool{}
	for _, in := range d.Inspectors {
		if staff[in.StaffID] || (in.CertNo != "" && certs[in.CertNo]) {
			t.Errorf("staff id %s or 执法证号 %s twice", in.StaffID, in.CertNo)
		}
		staff[in.StaffID], certs[in.CertNo] = true, true
		if !depts[in.Dept] {
			t.Errorf("inspector %s in unknown department %s", in.StaffID, in.Dept)
		}
	}
	codes := map[string]bool{}
	for _, a := range d.Agencies {
		if codes[a.Code] || entities[a.Code] {
			t.Errorf("agency code %s repeats a code", a.Code)
		}
		codes[a.Code] = true
	}
	items := map[string]bool{}
	for _, it := range d.Items {
		if items[it.Code] {
			t.Errorf("item %s twice", it.Code)
		}
		items[it.Code] = true
		if it.Parent != "" && !items[it.Parent] {
			t.Errorf("item %s before or without its parent %s", it.Code, it.Parent)
		}
	}
	for _, r := range d.Responsibilities {
		if !items[r.Item] || !depts[r.Dept] {
			t.Errorf("responsibility %s/%s points nowhere", r.Item, r.Dept)
		}
	}
	pairs := map[string]bool{}
	for _, c := range d.Conflicts {
		if !staff[c.StaffID] || !entities[c.EntityID] || pairs[c.StaffID+" "+c.EntityID] {
			t.Errorf("conflict %s/%s unknown or repeated", c.StaffID, c.EntityID)
		}
		pairs[c.StaffID+" "+c.EntityID] = true
		if c.From >= testToday {
			t.Errorf("conflict %s/%s starts %s, not before today", c.StaffID, c.EntityID, c.From)
		}
	}
}

func TestGenerateDistribution(t *testing.T) {
	d := Generate(3, 3000, testToday)
	byDivision, byType, byClass := map[string]int{}, map[string]int{}, map[string]int{}
	for _, e := range d.Entities {
		byDivision[e.Division]++
		byType[e.Type]++
		byClass[e.CreditClass]++
		if !strings.HasSuffix(e.Name, demoMark) || utf8.RuneCountInString(e.Name) > 100 {
			t.Errorf("name %q: want the demo mark and at most 100 characters", e.Name)
		}
		if (e.CreditClass == "C" || e.CreditClass == "D") && !e.Key {
			t.Errorf("%s class %s but not on the key list", e.Name, e.CreditClass)
		}
		if e.Key && (e.KeyReason == "" || e.KeyExpiry <= testToday) {
			t.Errorf("%s key without reason or with past expiry %q", e.Name, e.KeyExpiry)
		}
	}
	for _, dv := range districts {
		if byDivision[dv.code] == 0 {
			t.Errorf("no entity in %s", dv.name)
		}
	}
	for _, ty := range []string{"T01", "T02", "T03", "T04", "T05", "T06", "T07", "T08", "T09", "T10", "T11"} {
		if byType[ty] == 0 {
			t.Errorf("no entity of type %s", ty)
		}
	}
	for ty, n := range byType {
		if ty != "T06" && n >= byType["T06"] {
			t.Errorf("%s has %d entities, 网吧 only %d; 网吧 should lead", ty, n, byType["T06"])
		}
	}
	small := max(byDivision["350123"], byDivision["350124"], byDivision["350125"])
	for _, big := range []string{"350102", "350103", "350104", "350111", "350181"} {
		if byDivision[big] <= small {
			t.Errorf("division %s has %d entities, not more than a small county's %d", big, byDivision[big], small)
		}
	}
	want := map[string][2]float64{"A": {0.26, 0.34}, "B": {0.51, 0.59}, "C": {0.09, 0.15}, "D": {0.015, 0.045}}
	for class, band := range want {
		if share := float64(byClass[class]) / float64(len(d.Entities)); share < band[0] || share > band[1] {
			t.Errorf("credit class %s share %.3f, want %.3f–%.3f", class, share, band[0], band[1])
		}
	}
}

func TestGenerateStaffAndLists(t *testing.T) {
	d := Generate(4, 3000, testToday)
	var staff, experts, leads, expired, onLeave int
	deptLeads := map[string]int{}
	for _, in := range d.Inspectors {
		if in.Expert {
			experts++
			if in.Lead || in.Employer == "" || in.Title == "" {
				t.Errorf("expert %s: lead %v, employer %q, title %q", in.StaffID, in.Lead, in.Employer, in.Title)
			}
			continue
		}
		staff++
		if in.Lead {
			leads++
			deptLeads[in.Dept]++
		}
		if !in.CertValidThrough(testToday) {
			expired++
		}
		if len(in.Leaves) > 0 {
			onLeave++
		}
	}
	if staff < 90 || staff > 110 || experts != 15 {
		t.Errorf("%d inspectors and %d experts, want about 100 and 15", staff, experts)
	}
	if share := float64(leads) / float64(staff); share < 0.65 || share > 0.85 {
		t.Errorf("lead share %.2f, want about 0.75", share)
	}
	if expired == 0 || expired > 10 || onLeave == 0 {
		t.Errorf("%d expired certificates and %d people with leave, want a few of each", expired, onLeave)
	}
	for _, u := range units() {
		if deptLeads[u.dept] == 0 {
			t.Errorf("department %s has no lead", u.dept)
		}
	}
	if len(d.Agencies) != 6 {
		t.Errorf("%d agencies, want 6", len(d.Agencies))
	}
	if n := len(d.Items); n < 25 || n > 45 {
		t.Errorf("%d items, want 25–40 or so", n)
	}
	drafts := 0
	for _, it := range d.Items {
		if it.Status != spotcheck.ItemDraft {
			continue
		}
		drafts++
		it.Status = spotcheck.ItemActive
		if p := it.Validate(ref); len(p) == 0 || p[0].Field != "legal_basis" {
			t.Errorf("draft %s could be activated: %v", it.Code, p)
		}
	}
	if drafts != 1 {
		t.Errorf("%d draft items, want 1", drafts)
	}
	joined := map[string]bool{}
	for _, r := range d.Responsibilities {
		joined[r.Item+" "+r.Dept+" "+r.Role] = true
	}
	for _, want := range []string{"WL-LXS-001 FZWL 发起", "WL-YL-002 FZXF 配合", "WL-WB-003 FZGA 配合", "WL-ZX-001 FZSJ 配合"} {
		if !joined[want] {
			t.Errorf("no responsibility %s", want)
		}
	}
	kinds := map[string]int{}
	for _, c := range d.Conflicts {
		kinds[c.Kind+c.Review]++
	}
	if kinds[spotcheck.ConflictDeclared+spotcheck.ReviewApproved] < 8 || kinds[spotcheck.ConflictRequested+spotcheck.ReviewPending] == 0 ||
		kinds[spotcheck.ConflictRequested+spotcheck.ReviewApproved] == 0 {
		t.Errorf("conflicts %v: want ~10 declared, requests pending and approved", kinds)
	}
}

func TestGenerateSmall(t *testing.T) {
	for _, n := range []int{0, 1, 5, -1} {
		d := Generate(5, n, testToday)
		if len(d.Entities) != max(n, 0) || len(d.Inspectors) == 0 || len(d.Items) == 0 {
			t.Errorf("n=%d: %d entities, %d inspectors, %d items", n, len(d.Entities), len(d.Inspectors), len(d.Items))
		}
	}
}

// TestEntitiesStream checks a 200 000-row stream: unique, valid codes and
// names varied enough for substring search to be measured on them.
func TestEntitiesStream(t *testing.T) {
	const n = 200_000
	ids := make(map[string]bool, n)
	names := map[string]bool{}
	count := 0
	for e := range Entities(11, n) {
		count++
		if e.Type == "T05" {
			e.ID = "GUIDE-" + e.GuideCardNo
		}
		if ids[e.ID] {
			t.Fatalf("code %s twice in the stream", e.ID)
		}
		ids[e.ID] = true
		names[e.Name] = true
		if count%20 == 0 { // a sample keeps the test fast; Generate's test validates every record
			if p := e.Validate(ref); len(p) > 0 {
				t.Fatalf("entity %d %s: %v", count, e.Name, p)
			}
		}
	}
	if count != n {
		t.Fatalf("stream gave %d entities, want %d", count, n)
	}
	if len(names) < n*4/5 {
		t.Errorf("only %d distinct names in %d entities", len(names), n)
	}
}

func TestEntitiesStreamIsRepeatableAndStops(t *testing.T) {
	var first, again []spotcheck.Entity
	for e := range Entities(3, 500) {
		first = append(first, e)
	}
	for e := range Entities(3, 100) {
		again = append(again, e)
	}
	if !reflect.DeepEqual(first[:100], again) {
		t.Fatal("a shorter stream is not a prefix of a longer one")
	}
	taken := 0
	for range Entities(3, 500) {
		if taken++; taken == 10 {
			break
		}
	}
	if taken != 10 {
		t.Fatalf("break after 10 took %d", taken)
	}
}

// BenchmarkEntities streams 100 000 entities per iteration, the unit of the
// million-row benchmarks' generation cost.
func BenchmarkEntities(b *testing.B) {
	var sink string
	for b.Loop() {
		for e := range Entities(1, 100_000) {
			sink = e.ID
		}
	}
	_ = sink
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/entity")
}

// The demo's complaints and penalties pass their domain rules unchanged,
// concern entities of the demo, and some of each count for risk.
func TestGenerateRiskEvents(t *testing.T) {
	d := Generate(1, 3000, testToday)
	ids := map[string]bool{}
	for _, e := range d.Entities {
		ids[e.ID] = true
	}
	if len(d.Complaints) < 30 || len(d.Penalties) < 10 {
		t.Fatalf("%d complaints, %d penalties", len(d.Complaints), len(d.Penalties))
	}
	keys := map[string]bool{}
	counted := 0
	for _, c := range d.Complaints {
		v := c
		v.Normalize()
		if p := v.Validate(testToday); len(p) > 0 || !reflect.DeepEqual(v, c) {
			t.Errorf("complaint %s: %v", c.Number, p)
		}
		if !ids[c.EntityID] || keys[c.Dept+c.Number] {
			t.Errorf("complaint %s/%s: unknown entity or repeated number", c.Dept, c.Number)
		}
		keys[c.Dept+c.Number] = true
		if c.CountsForRisk() {
			counted++
		}
	}
	if counted < 10 || counted == len(d.Complaints) {
		t.Errorf("%d of %d complaints count for risk", counted, len(d.Complaints))
	}
	for _, p := range d.Penalties {
		v := p
		v.Kinds = slices.Clone(p.Kinds)
		v.Normalize()
		if ps := v.Validate(testToday); len(ps) > 0 || !reflect.DeepEqual(v, p) {
			t.Errorf("penalty %s: %v", p.Number, ps)
		}
		if !ids[p.EntityID] || keys[p.Number] {
			t.Errorf("penalty %s: unknown entity or repeated number", p.Number)
		}
		keys[p.Number] = true
	}
}
