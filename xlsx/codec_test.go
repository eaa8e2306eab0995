package xlsx

import (
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"spotcheck"
)

var sampleEntities = []spotcheck.Entity{
	{ID: "91350100MA2XYZ1234", Name: "福州示例旅行社有限公司", Type: "T01", Division: "350102", Address: "鼓楼区五四路1号",
		LegalRep: "张三", LicenceNo: "L-350100-001", Status: "在营", CreditClass: "B", Key: true, KeyReason: "投诉较多",
		KeyExpiry: "2026-12-31", Tags: []string{"出境游", "研学"}, Founded: "2010-05-06", Phone: "059187654321", Active: true},
	{ID: "", Name: "李四", Type: "T05", Division: "350100", Address: "台江区, \"引号\"\n第二行", GuideCardNo: "D-3501-000123",
		Status: "停业", CreditClass: "A", Phone: "13800000000", Active: false},
}

var sampleInspectors = []spotcheck.Inspector{
	{StaffID: "FZ001", Name: "王五", Dept: "FZWL", CertNo: "35010012345", CertExpiry: "2027-06-30", Lead: true,
		Items:       []string{"WL-001", "WL-002"},
		Specialties: []string{"旅行社", "演出"}, Phone: "13900000000",
		Leaves: []spotcheck.Leave{{From: "2026-03-01", To: "2026-03-10"}, {From: "2026-05-01", To: "2026-05-03"}}, Active: true},
	{StaffID: "FZ002", Name: "赵六", Dept: "GLWL", CertNo: "X2", CertExpiry: "2026-01-01", Active: false},
}

var sampleExperts = []spotcheck.Inspector{
	{StaffID: "E001", Name: "钱七", Dept: "FZWL", Expert: true, Field: "消防安全", Title: "高级工程师", Employer: "福州消防研究所",
		Specialties: []string{"消防"}, Phone: "0591-1234", Active: true},
	{StaffID: "E002", Name: "孙八", Dept: "FZWL", Expert: true, Field: "文物", Active: false},
}

var sampleAgencies = []spotcheck.Agency{
	{Code: "91350100MA2XYZ1234", Name: "福州检测有限公司", Field: "消防检测", Qualification: "甲级", Contact: "周九",
		Phone: "0591-7654", Active: true},
	{Code: "91350100MA2XYZ9999", Name: "某审计所", Field: "财务审计"},
}

var sampleItems = []spotcheck.Item{
	{Code: "WL-001", Name: "旅行社经营行为检查", LegalBasis: "《旅行社条例》第二十条", Body: "福州市文化和旅游局",
		TargetTypes: []string{"T01", "T02"}, Content: "经营许可、合同", Standards: "要点1\n要点2", Methods: []string{"M01", "M02"},
		Ratio: "2.5%", Frequency: 2, Class: "重点", EffectiveFrom: "2026-01-01", EffectiveTo: "2026-12-31", Status: "启用"},
	{Code: "WL-001-01", Name: "合同要点", Body: "福州市文化和旅游局", Parent: "WL-001", EffectiveFrom: "2026-01-01"},
}

var sampleResponsibilities = []spotcheck.Responsibility{
	{Item: "WL-001", Dept: "FZWL", Role: "发起", Note: "牵头", Active: true},
	{Item: "WL-001", Dept: "FZXF", Role: "配合"},
}

var sampleDepartments = []spotcheck.Department{
	{Code: "FZWL", Name: "福州市文化和旅游局", Division: "350100", Kind: "文旅部门", Active: true},
	{Code: "GLWL", Name: "鼓楼区文化和旅游局", Parent: "FZWL", Division: "350102", Kind: "文旅部门"},
}

var sampleConflicts = []spotcheck.Conflict{
	{StaffID: "FZ001", EntityID: "91350100MA2XYZ1234", Kind: "申报回避", Reason: "亲属任职", From: "2026-01-01",
		To: "2027-01-01", Review: "已通过", Active: true},
	{StaffID: "FZ002", EntityID: "91350100MA2XYZ1234", Kind: "申请回避", Reason: "曾有纠纷", From: "2026-02-01", Review: "待审核"},
}

// roundTrip writes recs to a file of each format, reads them back and
// wants them unchanged: an export re-imports as it was.
func roundTrip[T any](t *testing.T, c *Codec[T], recs []T) {
	t.Helper()
	for _, ext := range []string{".csv", ".xlsx"} {
		path := filepath.Join(t.TempDir(), c.Kind+ext)
		w, err := Create(path, c)
		if err != nil {
			t.Fatal(err)
		}
		for i := range recs {
			if err := w.Write(&recs[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got := readAll(t, path, c)
		if len(got) != len(recs) {
			t.Fatalf("%s%s: read %d records, want %d", c.Kind, ext, len(got), len(recs))
		}
		for i, r := range got {
			if len(r.Problems) > 0 {
				t.Errorf("%s%s row %d: problems %v", c.Kind, ext, r.Row, r.Problems)
			}
			if r.Row != i+2 {
				t.Errorf("%s%s: record %d has row %d, want %d", c.Kind, ext, i, r.Row, i+2)
			}
			if !reflect.DeepEqual(r.Value, recs[i]) {
				t.Errorf("%s%s record %d:\n got %+v\nwant %+v", c.Kind, ext, i, r.Value, recs[i])
			}
		}
	}
}

// readAll opens path and collects its rows, failing on any error.
func readAll[T any](t *testing.T, path string, c *Codec[T], opts ...Option) []spotcheck.ImportRow[T] {
	t.Helper()
	src, err := Open(path, c, opts...)
	if err != nil {
		t.Fatalf("Open %s: %v", path, err)
	}
	var rows []spotcheck.ImportRow[T]
	for r, err := range src.Rows {
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rows = append(rows, r)
	}
	return rows
}

func TestRoundTrip(t *testing.T) {
	t.Run("entities", func(t *testing.T) { roundTrip(t, Entities, sampleEntities) })
	t.Run("inspectors", func(t *testing.T) { roundTrip(t, Inspectors, sampleInspectors) })
	t.Run("experts", func(t *testing.T) { roundTrip(t, Experts, sampleExperts) })
	t.Run("agencies", func(t *testing.T) { roundTrip(t, Agencies, sampleAgencies) })
	t.Run("items", func(t *testing.T) { roundTrip(t, Items, sampleItems) })
	t.Run("responsibilities", func(t *testing.T) { roundTrip(t, Responsibilities, sampleResponsibilities) })
	t.Run("departments", func(t *testing.T) { roundTrip(t, Departments, sampleDepartments) })
	t.Run("conflicts", func(t *testing.T) { roundTrip(t, Conflicts, sampleConflicts) })
}

// The headers are the domain's problem labels: a record that fails
// validation must name a column of its kind.
func TestHeadersMatchDomainLabels(t *testing.T) {
	ref := &spotcheck.Reference{Types: spotcheck.DefaultTargetTypes, Divisions: spotcheck.DefaultDivisions}
	check := func(kind string, ps spotcheck.Problems) {
		t.Helper()
		hs := Headers(kind)
		for _, p := range ps {
			cols, _ := ColumnsOf(kind)
			i := slices.IndexFunc(cols, func(c Column) bool { return c.Key == p.Field })
			if !slices.Contains(hs, p.Label) || i < 0 || cols[i].Header != p.Label {
				t.Errorf("%s: problem %s/%s does not match a column", kind, p.Field, p.Label)
			}
		}
		if len(ps) == 0 {
			t.Errorf("%s: expected problems", kind)
		}
	}
	e := spotcheck.Entity{ID: "x", Type: "T01", Division: "1", Status: "x", CreditClass: "x", KeyReason: "x",
		KeyExpiry: "x", Founded: "x", Phone: strings.Repeat("1", 40), Address: strings.Repeat("地", 201),
		LegalRep: strings.Repeat("人", 51), LicenceNo: strings.Repeat("1", 65), Tags: []string{strings.Repeat("标", 21)}}
	e.Normalize(ref)
	check(spotcheck.KindEntities, e.Validate(ref))
	g := spotcheck.Entity{Type: "T05", Name: "x"}
	g.Normalize(ref)
	check(spotcheck.KindEntities, g.Validate(ref))
	in := spotcheck.Inspector{StaffID: "!", CertExpiry: "x", Lead: true, Leaves: []spotcheck.Leave{{From: "x"}}}
	in.Normalize()
	check(spotcheck.KindInspectors, in.Validate())
	ex := spotcheck.Inspector{Expert: true}
	ex.Normalize()
	check(spotcheck.KindExperts, ex.Validate())
	a := spotcheck.Agency{Code: "123"}
	a.Normalize()
	check(spotcheck.KindAgencies, a.Validate())
	it := spotcheck.Item{Code: "x", Parent: "X", TargetTypes: []string{"?"}, Methods: []string{"?"}, Ratio: "x",
		Frequency: -1, Class: "x", EffectiveFrom: "x", EffectiveTo: "a", Status: "启用"}
	it.Normalize(ref)
	check(spotcheck.KindItems, it.Validate(ref))
	r := spotcheck.Responsibility{Role: "x"}
	r.Normalize()
	check(spotcheck.KindResponsibilities, r.Validate())
	d := spotcheck.Department{Code: "x", Parent: "x", Division: "1", Kind: "x"}
	d.Normalize()
	check(spotcheck.KindDepartments, d.Validate(ref))
	cf := spotcheck.Conflict{Kind: "申报回避", From: "2026-02-01", To: "2026-01-01", Review: "待审核"}
	cf.Normalize()
	check(spotcheck.KindConflicts, cf.Validate())
}

func TestDecodeCellFormats(t *testing.T) {
	e, p := Entities.Decode(map[string]string{"key": " √ ", "tags": "a，b;a", "active": "已停用"})
	if !e.Key || e.Active || !slices.Equal(e.Tags, []string{"a", "b"}) || len(p) != 0 {
		t.Errorf("got %+v, %v", e, p)
	}
	e, _ = Entities.Decode(map[string]string{"name": "x"})
	if !e.Active {
		t.Error("absent 名录状态 must mean 有效")
	}
	for _, s := range []string{"是", "y", "TRUE", "1"} {
		if v, ok := parseYesNo(s); !v || !ok {
			t.Errorf("parseYesNo(%q) = %v, %v", s, v, ok)
		}
	}
	_, p = Entities.Decode(map[string]string{"key": "也许", "active": "正常"})
	if len(p) != 2 || p[0].Field != "key" || p[0].Label != "重点检查对象" || p[1].Label != "名录状态" {
		t.Errorf("problems %v", p)
	}
	it, p := Items.Decode(map[string]string{"frequency": "3.0"})
	if it.Frequency != 3 || len(p) != 0 {
		t.Errorf("frequency %d %v", it.Frequency, p)
	}
	_, p = Items.Decode(map[string]string{"frequency": "两次"})
	if len(p) != 1 || p[0].Field != "frequency" || p[0].Label != "抽查频次" {
		t.Errorf("problems %v", p)
	}
	ex, _ := Experts.Decode(nil)
	if !ex.Expert || !ex.Active {
		t.Errorf("expert defaults %+v", ex)
	}
}

func TestFillCopiesOnlyAbsentColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.csv")
	writeFile(t, path, "统一社会信用代码,名称,类型,区划代码,地址,经营状态,信用风险分类\n"+
		"91350100MA2XYZ1234,新名称,T01,350102,新地址,在营,C\n")
	src, err := Open(path, Entities)
	if err != nil {
		t.Fatal(err)
	}
	var v spotcheck.Entity
	for r, err := range src.Rows {
		if err != nil {
			t.Fatal(err)
		}
		v = r.Value
	}
	old := sampleEntities[0]
	old.Active = false
	src.Fill(&v, &old)
	want := old
	want.Name, want.Address, want.CreditClass = "新名称", "新地址", "C"
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got  %+v\nwant %+v", v, want)
	}
	v.Tags[0] = "改"
	if old.Tags[0] == "改" {
		t.Error("Fill must not share list storage")
	}

	var m spotcheck.Entity
	Entities.Fill(&m, &old, map[string]bool{"id": true})
	if m.ID != "" || m.Name != old.Name {
		t.Errorf("Codec.Fill: %+v", m)
	}
}

func TestKinds(t *testing.T) {
	for _, k := range spotcheck.ImportKinds {
		if len(Headers(k)) == 0 {
			t.Errorf("no codec for %s", k)
		}
	}
	if Headers("nope") != nil {
		t.Error("unknown kind")
	}
	if err := Template(filepath.Join(t.TempDir(), "x.xlsx"), "nope"); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
		t.Errorf("Template unknown kind: %v", err)
	}
	for _, name := range []string{"a.xls", "a.txt", "a"} {
		if _, err := FormatOf(name); err == nil || !strings.Contains(spotcheck.ErrorMessage(err), ".xlsx") {
			t.Errorf("FormatOf(%s): %v", name, err)
		}
	}
	if f, _ := FormatOf("A.XLSX"); f != XLSX {
		t.Error("extension case")
	}
	var ie *spotcheck.ImportError
	if _, err := Open("/nonexistent/x.csv", Entities); err == nil || errors.As(err, &ie) {
		t.Errorf("missing file: %v", err)
	}
}

// An experts file has no 执法证 columns and an inspectors file no expert
// columns: neither may erase what only the other holds.
func TestFillKeepsOtherKindsFields(t *testing.T) {
	old := spotcheck.Inspector{StaffID: "FZ001", CertNo: "C1", CertExpiry: "2027-01-01", Lead: true,
		Field: "消防", Title: "工程师", Employer: "某所"}
	path := filepath.Join(t.TempDir(), "x.csv")
	writeFile(t, path, "工号,姓名,所属部门,专业领域\nFZ001,王五,FZWL,文物\n")
	src, err := Open(path, Experts)
	if err != nil {
		t.Fatal(err)
	}
	for r := range src.Rows {
		v := r.Value
		src.Fill(&v, &old)
		if v.CertNo != "C1" || v.CertExpiry != "2027-01-01" || v.Lead || v.Field != "文物" || v.Title != "工程师" || !v.Expert {
			t.Errorf("expert %+v", v)
		}
	}
	var in spotcheck.Inspector
	Inspectors.Fill(&in, &old, map[string]bool{"staff_id": true, "cert_no": true})
	if in.CertNo != "" || in.Field != "消防" || in.Employer != "某所" || !in.Lead {
		t.Errorf("inspector %+v", in)
	}
}
