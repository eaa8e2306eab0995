package spotcheck

import (
	"reflect"
	"strings"
	"testing"
)

// validateCase is one row of a Validate table: a change of a valid record
// and the field whose problem it causes ("" for none).
type validateCase[T any] struct {
	name   string
	change func(*T)
	field  string
}

// checkValidate runs the cases on records made by valid: each is
// normalized and validated, and must have a problem on its field (only
// there, when only is set) or none; and Validate must change nothing,
// neither a normalized record nor one as typed.
func checkValidate[T any](t *testing.T, valid func() T, normalize func(*T), validate func(*T) Problems,
	cases []validateCase[T]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, w := valid(), valid()
			c.change(&v)
			c.change(&w)
			validate(&v)
			if !reflect.DeepEqual(v, w) {
				t.Fatalf("Validate changed the record as typed:\n got %+v\nwant %+v", v, w)
			}
			normalize(&v)
			normalize(&w)
			ps := validate(&v)
			if !reflect.DeepEqual(v, w) {
				t.Fatalf("Validate changed the normalized record:\n got %+v\nwant %+v", v, w)
			}
			if c.field == "" {
				if len(ps) > 0 {
					t.Fatalf("unexpected problems: %v", ps)
				}
				return
			}
			for _, p := range ps {
				if p.Field == c.field {
					if p.Label == "" || p.Message == "" {
						t.Errorf("problem without label or message: %+v", p)
					}
					return
				}
			}
			t.Fatalf("no problem on %s; got %v", c.field, ps)
		})
	}
}

var testRef = &Reference{Types: DefaultTargetTypes, Divisions: DefaultDivisions}

// uscc is a valid 统一社会信用代码 ending the 17 characters first17.
func uscc(t *testing.T, first17 string) string {
	c, err := USCCCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

func TestEntityValidate(t *testing.T) {
	id := uscc(t, "91350102MA0000010")
	valid := func() Entity {
		return Entity{ID: id, Name: "福州甲旅行社", Type: "T01", Division: "350102", Status: StatusOperating,
			CreditClass: "B", Active: true}
	}
	person := func(e *Entity) { e.ID, e.Type, e.GuideCardNo = "", "导游/领队", "d-3501-000123" }
	long := func(n int) string { return strings.Repeat("长", n) }
	checkValidate(t, valid, func(e *Entity) { e.Normalize(testRef) }, func(e *Entity) Problems { return e.Validate(testRef) },
		[]validateCase[Entity]{
			{"valid", func(*Entity) {}, ""},
			{"typed with spaces, lower case and a type's name", func(e *Entity) {
				e.ID, e.Type, e.CreditClass, e.Name = " "+strings.ToLower(id)+" ", "旅行社", "b", " 福州甲旅行社 "
			}, ""},
			{"a person is identified by the guide card", person, ""},
			{"no type", func(e *Entity) { e.Type = "" }, "type"},
			{"an unknown type", func(e *Entity) { e.Type = "T99" }, "type"},
			{"a person without a guide card", func(e *Entity) { person(e); e.GuideCardNo = "" }, "guide_card_no"},
			{"a malformed guide card", func(e *Entity) { person(e); e.GuideCardNo = "证" }, "guide_card_no"},
			{"a person with a credit code", func(e *Entity) { person(e); e.ID = id }, "id"},
			{"a firm with a guide card", func(e *Entity) { e.GuideCardNo = "D-3501-000123" }, "guide_card_no"},
			{"no credit code", func(e *Entity) { e.ID = "" }, "id"},
			{"a wrong check character", func(e *Entity) { e.ID = id[:17] + "0" }, "id"},
			{"no name", func(e *Entity) { e.Name = " " }, "name"},
			{"a name too long", func(e *Entity) { e.Name = long(101) }, "name"},
			{"no division", func(e *Entity) { e.Division = "" }, "division"},
			{"a division of five digits", func(e *Entity) { e.Division = "35010" }, "division"},
			{"an unknown division", func(e *Entity) { e.Division = "110101" }, "division"},
			{"an address too long", func(e *Entity) { e.Address = long(201) }, "address"},
			{"a legal representative too long", func(e *Entity) { e.LegalRep = long(51) }, "legal_rep"},
			{"a licence number too long", func(e *Entity) { e.LicenceNo = strings.Repeat("1", 65) }, "licence_no"},
			{"no status", func(e *Entity) { e.Status = "" }, "status"},
			{"an unknown status", func(e *Entity) { e.Status = "倒闭" }, "status"},
			{"no credit class", func(e *Entity) { e.CreditClass = "" }, "credit_class"},
			{"an unknown credit class", func(e *Entity) { e.CreditClass = "E" }, "credit_class"},
			{"a key entity needs a reason", func(e *Entity) { e.Key = true }, "key_reason"},
			{"a key entity with a reason", func(e *Entity) { e.Key, e.KeyReason, e.KeyExpiry = true, "投诉多", "2026-12-31" }, ""},
			{"a reason without the key flag", func(e *Entity) { e.KeyReason = "投诉多" }, "key"},
			{"a key expiry that is no date", func(e *Entity) { e.Key, e.KeyReason, e.KeyExpiry = true, "x", "2026-02-30" }, "key_expiry"},
			{"a founding date that is no date", func(e *Entity) { e.Founded = "2020/01/01" }, "founded"},
			{"a phone too long", func(e *Entity) { e.Phone = strings.Repeat("1", 33) }, "phone"},
			{"a tag too long", func(e *Entity) { e.Tags = []string{long(21)} }, "tags"},
		})
	e := valid()
	person(&e)
	e.Tags = []string{" 夜间 ", "夜间", ""}
	e.Normalize(testRef)
	if e.ID != "GUIDE-D-3501-000123" || e.Type != "T05" || e.GuideCardNo != "D-3501-000123" || !reflect.DeepEqual(e.Tags, []string{"夜间"}) {
		t.Errorf("Normalize: %+v", e)
	}
	if got := SplitList("甲、乙,丙，丁;戊；己|甲"); !reflect.DeepEqual(got, []string{"甲", "乙", "丙", "丁", "戊", "己"}) {
		t.Errorf("SplitList = %v", got)
	}
}

func TestInspectorValidate(t *testing.T) {
	valid := func() Inspector {
		return Inspector{StaffID: "FZ-001", Name: "张三", Dept: "FZWL", CertNo: "35010001", CertExpiry: "2027-12-31", Active: true}
	}
	expert := func(in *Inspector) { in.Expert, in.CertNo, in.CertExpiry, in.Field = true, "", "", "旅游" }
	checkValidate(t, valid, (*Inspector).Normalize, (*Inspector).Validate, []validateCase[Inspector]{
		{"valid", func(*Inspector) {}, ""},
		{"typed with spaces and a lower-case department", func(in *Inspector) { in.Dept, in.Name = " fzwl ", " 张三 " }, ""},
		{"an expert without a certificate", expert, ""},
		{"no staff id", func(in *Inspector) { in.StaffID = "" }, "staff_id"},
		{"a staff id that is not ASCII", func(in *Inspector) { in.StaffID = "工号1" }, "staff_id"},
		{"no name", func(in *Inspector) { in.Name = "" }, "name"},
		{"a name too long", func(in *Inspector) { in.Name = strings.Repeat("张", 51) }, "name"},
		{"no department", func(in *Inspector) { in.Dept = "" }, "dept"},
		{"an inspector without a certificate", func(in *Inspector) { in.CertNo = "" }, "cert_no"},
		{"without its expiry", func(in *Inspector) { in.CertExpiry = "" }, "cert_expiry"},
		{"an expiry that is no date", func(in *Inspector) { in.CertExpiry = "2027-13-01" }, "cert_expiry"},
		{"a certificate number too long", func(in *Inspector) { in.CertNo = strings.Repeat("1", 33) }, "cert_no"},
		{"an expert without a field", func(in *Inspector) { expert(in); in.Field = "" }, "field"},
		{"an expert may not lead", func(in *Inspector) { expert(in); in.Lead = true }, "lead"},
		{"a leave that ends before it starts", func(in *Inspector) { in.Leaves = []Leave{{"2026-03-10", "2026-03-01"}} }, "leaves"},
		{"a leave of no dates", func(in *Inspector) { in.Leaves = []Leave{{"x", "y"}} }, "leaves"},
	})
	in := valid()
	in.Leaves = ParseLeaves("2026-03-01~2026-03-10；2026-05-01至2026-05-03、2026-06-01-2026-06-02")
	want := []Leave{{"2026-03-01", "2026-03-10"}, {"2026-05-01", "2026-05-03"}, {"2026-06-01", "2026-06-02"}}
	if !reflect.DeepEqual(in.Leaves, want) {
		t.Errorf("ParseLeaves = %v", in.Leaves)
	}
	if got := FormatLeaves(in.Leaves); got != "2026-03-01~2026-03-10；2026-05-01~2026-05-03；2026-06-01~2026-06-02" {
		t.Errorf("FormatLeaves = %q", got)
	}
	if !in.CertValidThrough("2027-12-31") || in.CertValidThrough("2028-01-01") {
		t.Error("CertValidThrough does not end with the expiry")
	}
}

func TestAgencyValidate(t *testing.T) {
	code := uscc(t, "91350100MA0000020")
	valid := func() Agency {
		return Agency{Code: code, Name: "某会计师事务所", Field: "财务审计", Active: true}
	}
	checkValidate(t, valid, (*Agency).Normalize, (*Agency).Validate, []validateCase[Agency]{
		{"valid", func(*Agency) {}, ""},
		{"typed in lower case with spaces", func(a *Agency) { a.Code, a.Name = " "+strings.ToLower(code), " 某所 " }, ""},
		{"no code", func(a *Agency) { a.Code = "" }, "code"},
		{"a wrong code", func(a *Agency) { a.Code = code[:17] + "0" }, "code"},
		{"a legacy registration number", func(a *Agency) { a.Code = "350100000000001" }, "code"},
		{"no name", func(a *Agency) { a.Name = "" }, "name"},
		{"a name too long", func(a *Agency) { a.Name = strings.Repeat("所", 101) }, "name"},
		{"no field", func(a *Agency) { a.Field = "" }, "field"},
	})
}

func TestConflictValidate(t *testing.T) {
	valid := func() Conflict {
		return Conflict{StaffID: "FZ-001", EntityID: "E1", Kind: ConflictDeclared, Reason: "亲属", From: "2026-01-01", Active: true}
	}
	checkValidate(t, valid, (*Conflict).Normalize, (*Conflict).Validate, []validateCase[Conflict]{
		{"valid", func(*Conflict) {}, ""},
		{"a request, pending by default", func(c *Conflict) { c.Kind = ConflictRequested }, ""},
		{"a request approved", func(c *Conflict) { c.Kind, c.Review = ConflictRequested, ReviewApproved }, ""},
		{"typed with spaces", func(c *Conflict) { c.StaffID, c.EntityID, c.Reason = " FZ-001 ", " e1 ", " 亲属 " }, ""},
		{"no staff id", func(c *Conflict) { c.StaffID = "" }, "staff_id"},
		{"no entity", func(c *Conflict) { c.EntityID = "" }, "entity_id"},
		{"no kind", func(c *Conflict) { c.Kind = "" }, "kind"},
		{"an unknown kind", func(c *Conflict) { c.Kind = "回避" }, "kind"},
		{"no reason", func(c *Conflict) { c.Reason = "" }, "reason"},
		{"no start", func(c *Conflict) { c.From = "" }, "from"},
		{"a start that is no date", func(c *Conflict) { c.From = "2026-1-1" }, "from"},
		{"an end that is no date", func(c *Conflict) { c.To = "明年" }, "to"},
		{"an end before the start", func(c *Conflict) { c.To = "2025-12-31" }, "to"},
		{"an unknown review state", func(c *Conflict) { c.Review = "已作废" }, "review"},
		{"a declared conflict is not reviewed", func(c *Conflict) { c.Review = ReviewPending }, "review"},
	})
	c := Conflict{Kind: ConflictRequested}
	c.Normalize()
	if c.Review != ReviewPending {
		t.Errorf("a request starts %q", c.Review)
	}
}

func TestDepartmentValidate(t *testing.T) {
	valid := func() Department {
		return Department{Code: "GLWL", Name: "鼓楼区文体旅局", Parent: "FZWL", Division: "350102", Kind: DeptBureau, Active: true}
	}
	checkValidate(t, valid, (*Department).Normalize, func(d *Department) Problems { return d.Validate(testRef) },
		[]validateCase[Department]{
			{"valid", func(*Department) {}, ""},
			{"typed in lower case", func(d *Department) { d.Code, d.Parent, d.Name = " glwl", "fzwl ", " 鼓楼区文体旅局 " }, ""},
			{"no code", func(d *Department) { d.Code = "" }, "code"},
			{"a code that starts with a digit", func(d *Department) { d.Code = "1GL" }, "code"},
			{"no name", func(d *Department) { d.Name = "" }, "name"},
			{"a name too long", func(d *Department) { d.Name = strings.Repeat("局", 65) }, "name"},
			{"its own parent", func(d *Department) { d.Parent = "GLWL" }, "parent"},
			{"no division", func(d *Department) { d.Division = "" }, "division"},
			{"an unknown division", func(d *Department) { d.Division = "110101" }, "division"},
			{"an unknown kind", func(d *Department) { d.Kind = "科室" }, "kind"},
		})
	tree := []Department{{Code: "FZWL"}, {Code: "GLWL", Parent: "FZWL"}, {Code: "ZD", Parent: "GLWL"}}
	if err := ValidateDepartmentTree(tree); err != nil {
		t.Errorf("a tree: %v", err)
	}
	if err := ValidateDepartmentTree(append(tree, Department{Code: "X", Parent: "NONE"})); code(err) != EINVALID ||
		!strings.Contains(ErrorMessage(err), "NONE") {
		t.Errorf("a missing parent: %v", err)
	}
	cycle := []Department{{Code: "A", Parent: "B"}, {Code: "B", Parent: "A"}}
	if err := ValidateDepartmentTree(cycle); code(err) != EINVALID || !strings.Contains(ErrorMessage(err), "循环") {
		t.Errorf("a cycle: %v", err)
	}
}

func TestOwnerBureauAndUnitOf(t *testing.T) {
	depts := append(accessTree, Department{Code: "OLD", Division: "350104", Kind: DeptBureau, Active: false})
	for div, want := range map[string]string{"350102": "GLWL", "350104": "FZWL", "350100": "FZWL", "110101": "", "350000": ""} {
		if got := OwnerBureau(depts, testRef, div); got != want {
			t.Errorf("OwnerBureau(%s) = %q, want %q", div, got, want)
		}
	}
	for c, want := range map[string]string{"FZZD": "FZWL", "GLWL": "GLWL", "FZXF": "FZXF", "NONE": ""} {
		if got := UnitOf(depts, c); got != want {
			t.Errorf("UnitOf(%s) = %q, want %q", c, got, want)
		}
	}
}

func TestItemValidate(t *testing.T) {
	valid := func() Item {
		return Item{Code: "WL-LXS-001", Name: "旅行社经营行为检查", LegalBasis: "《旅行社条例》", Body: "福州市文化和旅游局",
			TargetTypes: []string{"T01"}, Content: "经营许可", Standards: "持证经营", Methods: []string{"M01"}, Ratio: "3%",
			Frequency: 2, Class: ClassGeneral, EffectiveFrom: "2026-01-01", Status: ItemActive}
	}
	checkValidate(t, valid, func(it *Item) { it.Normalize(testRef) }, func(it *Item) Problems { return it.Validate(testRef) },
		[]validateCase[Item]{
			{"valid", func(*Item) {}, ""},
			{"a draft needs less", func(it *Item) { it.Status, it.LegalBasis, it.Methods, it.Ratio = "", "", nil, "" }, ""},
			{"typed with names and a full-width percent", func(it *Item) {
				it.Code, it.TargetTypes, it.Methods, it.Ratio, it.Class = " wl-lxs-001 ", []string{"旅行社"}, []string{"实地检查"}, "2.5％", ""
			}, ""},
			{"a checklist point inherits types and methods", func(it *Item) {
				it.Code, it.Parent, it.TargetTypes, it.Methods, it.Standards, it.Ratio = "WL-LXS-001-1", "WL-LXS-001", nil, nil, "", ""
			}, ""},
			{"no code", func(it *Item) { it.Code = "" }, "code"},
			{"a code with spaces inside", func(it *Item) { it.Code = "WL LXS" }, "code"},
			{"no name", func(it *Item) { it.Name = "" }, "name"},
			{"a name too long", func(it *Item) { it.Name = strings.Repeat("查", 201) }, "name"},
			{"no body", func(it *Item) { it.Body = "" }, "body"},
			{"an unknown target type", func(it *Item) { it.TargetTypes = []string{"T01", "饭馆"} }, "target_types"},
			{"no target type", func(it *Item) { it.TargetTypes = nil }, "target_types"},
			{"an unknown method", func(it *Item) { it.Methods = []string{"M09"} }, "methods"},
			{"an agency's help alone", func(it *Item) { it.Methods = []string{"M05"} }, "methods"},
			{"a ratio of two decimals", func(it *Item) { it.Ratio = "2.55%" }, "ratio"},
			{"a ratio above 100 %", func(it *Item) { it.Ratio = "101%" }, "ratio"},
			{"a negative frequency", func(it *Item) { it.Frequency = -1 }, "frequency"},
			{"an unknown class", func(it *Item) { it.Class = "特别" }, "class"},
			{"its own parent", func(it *Item) { it.Parent = "WL-LXS-001" }, "parent"},
			{"no effective date", func(it *Item) { it.EffectiveFrom = "" }, "effective_from"},
			{"an end that is no date", func(it *Item) { it.EffectiveTo = "2026-02-30" }, "effective_to"},
			{"an end before the start", func(it *Item) { it.EffectiveTo = "2025-12-31" }, "effective_to"},
			{"an unknown status", func(it *Item) { it.Status = "作废" }, "status"},
			{"active without a legal basis", func(it *Item) { it.LegalBasis = "" }, "legal_basis"},
			{"active without content", func(it *Item) { it.Content = "" }, "content"},
			{"active without standards", func(it *Item) { it.Standards = "" }, "standards"},
			{"active without methods", func(it *Item) { it.Methods = nil }, "methods"},
			{"active without a ratio", func(it *Item) { it.Ratio = "" }, "ratio"},
			{"active without a frequency", func(it *Item) { it.Frequency = 0 }, "frequency"},
		})
	it := Item{TargetTypes: []string{"旅行社", " t03 ", "饭馆"}, Methods: []string{"实地检查", "m02"}}
	it.Normalize(testRef)
	if !reflect.DeepEqual(it.TargetTypes, []string{"T01", "T03", "饭馆"}) || !reflect.DeepEqual(it.Methods, []string{"M01", "M02"}) ||
		it.Class != ClassGeneral || it.Status != ItemDraft {
		t.Errorf("Normalize: %+v", it)
	}
}

func TestResponsibilityValidate(t *testing.T) {
	valid := func() Responsibility {
		return Responsibility{Item: "WL-LXS-001", Dept: "FZWL", Role: RoleInitiate, Active: true}
	}
	checkValidate(t, valid, (*Responsibility).Normalize, (*Responsibility).Validate, []validateCase[Responsibility]{
		{"valid", func(*Responsibility) {}, ""},
		{"joining", func(r *Responsibility) { r.Role = RoleJoin }, ""},
		{"typed in lower case", func(r *Responsibility) { r.Item, r.Dept, r.Role = "wl-lxs-001 ", " fzwl", " 发起 " }, ""},
		{"no item", func(r *Responsibility) { r.Item = "" }, "item"},
		{"no department", func(r *Responsibility) { r.Dept = "" }, "dept"},
		{"no role", func(r *Responsibility) { r.Role = "" }, "role"},
		{"an unknown role", func(r *Responsibility) { r.Role = "牵头" }, "role"},
	})
}

func TestUserValidate(t *testing.T) {
	valid := func() User {
		return User{Username: "zhang.san", Name: "张三", Dept: "FZWL", Roles: []string{RolePlanner}}
	}
	checkValidate(t, valid, (*User).Normalize, (*User).Validate, []validateCase[User]{
		{"valid", func(*User) {}, ""},
		{"typed in upper case with spaces", func(u *User) { u.Username, u.Name = " Zhang.San ", " 张三 " }, ""},
		{"no user name", func(u *User) { u.Username = "" }, "username"},
		{"a user name of one letter", func(u *User) { u.Username = "z" }, "username"},
		{"a user name with a colon (the system's)", func(u *User) { u.Username = "cli:root" }, "username"},
		{"a user name that starts with a digit", func(u *User) { u.Username = "1zhang" }, "username"},
		{"no name", func(u *User) { u.Name = " " }, "name"},
		{"no department", func(u *User) { u.Dept = "" }, "dept"},
		{"no role", func(u *User) { u.Roles = nil }, "roles"},
		{"an unknown role", func(u *User) { u.Roles = []string{"boss"} }, "roles"},
		{"the system's role", func(u *User) { u.Roles = []string{roleSystem} }, "roles"},
		{"an administrator with a second role", func(u *User) { u.Roles = []string{RoleAuditAdmin, RolePlanner} }, "roles"},
		{"an inspector linked to their staff id", func(u *User) { u.Roles, u.StaffID = []string{RoleInspector}, " GL0001 " }, ""},
		{"an inspector and approver linked", func(u *User) {
			u.Roles, u.StaffID = []string{RoleApprover, RoleInspector}, "GL0001"
		}, ""},
		{"a planner with a staff id", func(u *User) { u.StaffID = "GL0001" }, "staff_id"},
		{"a staff id with a space", func(u *User) { u.Roles, u.StaffID = []string{RoleInspector}, "GL 0001" }, "staff_id"},
	})
}

func TestTaskValidateChangesNothing(t *testing.T) {
	checkValidate(t, validTask, (*Task).Normalize, (*Task).Validate, []validateCase[Task]{
		{"valid, strata out of order", func(*Task) {}, ""},
		{"typed with spaces", func(tk *Task) { tk.Code, tk.Items = " 2026-FZWL-SJ-001 ", []string{" WL-LXS-001", "WL-LXS-001"} }, ""},
		{"no name", func(tk *Task) { tk.Name = "" }, "name"},
		{"no authority", func(tk *Task) { tk.Authority, tk.Team = "", []TeamSlot{{"FZWL", 2}} }, "authority"},
		{"the authority as its own partner", func(tk *Task) { tk.Partners = []string{"FZWL"} }, "partners"},
		{"no start", func(tk *Task) { tk.Start = "" }, "start"},
		{"a start that is no date", func(tk *Task) { tk.Start = "2026-02-30" }, "start"},
		{"an end that is no date", func(tk *Task) { tk.End = "下月" }, "end"},
		{"a founding limit that is no date", func(tk *Task) { tk.Scope.FoundedBefore = "2020" }, "founded_before"},
		{"an unknown way of stratifying", func(tk *Task) { tk.StrataBy = "size" }, "strata_by"},
		{"a stratum twice", func(tk *Task) { tk.Strata = append(tk.Strata, StratumRule{ID: "A", Rate: "3/100"}) }, "strata.A"},
		{"a negative reserve", func(tk *Task) { tk.Strata[0].Reserve = -1 }, "strata.D"},
		{"a team of eleven", func(tk *Task) { tk.Team = []TeamSlot{{"FZWL", 11}} }, "team"},
		{"a unit twice", func(tk *Task) { tk.Team = []TeamSlot{{"FZWL", 1}, {"FZWL", 1}} }, "team"},
		{"a slack above 100", func(tk *Task) { tk.CapSlack = 101 }, "cap_slack"},
		{"an annual cap of 13", func(tk *Task) { tk.AnnualCap = 13 }, "annual_cap"},
	})
	tk := validTask()
	tk.Start = "2026-05-01"
	if tk.Year() != "2026" || (&Task{}).Year() != "" {
		t.Errorf("Year = %q", tk.Year())
	}
	tk.Partners = []string{"FZXF"}
	if got := tk.Departments(); !reflect.DeepEqual(got, []string{"FZWL", "FZXF"}) {
		t.Errorf("Departments = %v", got)
	}
	for by, want := range map[string]string{StrataByCredit: "ABCD", StrataByKey: "generalkey", StrataByKeyCredit: "ABCDkey"} {
		if got := strings.Join(StratumIDs(by), ""); got != want {
			t.Errorf("StratumIDs(%s) = %s", by, got)
		}
	}
}

func TestDrawRequestValidate(t *testing.T) {
	valid := func() DrawRequest { return DrawRequest{Officials: []string{"zhang"}} }
	checkValidate(t, valid, (*DrawRequest).Normalize, (*DrawRequest).Validate, []validateCase[DrawRequest]{
		{"valid", func(*DrawRequest) {}, ""},
		{"officials typed with spaces, twice", func(r *DrawRequest) { r.Officials = []string{" zhang", "zhang ", ""} }, ""},
		{"with a beacon", func(r *DrawRequest) { r.BeaconChain, r.BeaconRound = "drand", 42 }, ""},
		{"a re-draw with its reason", func(r *DrawRequest) { r.Supersedes, r.Reason = 3, "监督人员未揭示" }, ""},
		{"no official", func(r *DrawRequest) { r.Officials = nil }, "officials"},
		{"the platform as an official", func(r *DrawRequest) { r.Officials = []string{SystemParticipant} }, "officials"},
		{"not a user name", func(r *DrawRequest) { r.Officials = []string{"张三"} }, "officials"},
		{"a beacon without its round", func(r *DrawRequest) { r.BeaconChain = "drand" }, "beacon"},
		{"a re-draw without a reason", func(r *DrawRequest) { r.Supersedes, r.Reason = 3, "错" }, "reason"},
	})
}

func TestSecurityPolicyValidate(t *testing.T) {
	checkValidate(t, DefaultSecurityPolicy, func(*SecurityPolicy) {}, (*SecurityPolicy).Validate, []validateCase[SecurityPolicy]{
		{"the default", func(*SecurityPolicy) {}, ""},
		{"the loosest", func(p *SecurityPolicy) { *p = SecurityPolicy{8, 1, 0, 5, true} }, ""},
		{"the strictest", func(p *SecurityPolicy) { *p = SecurityPolicy{64, 4, 24, 720, false} }, ""},
		{"a minimum length of 7", func(p *SecurityPolicy) { p.PasswordMinLength = 7 }, "password_min_length"},
		{"a minimum length of 65", func(p *SecurityPolicy) { p.PasswordMinLength = 65 }, "password_min_length"},
		{"no class", func(p *SecurityPolicy) { p.PasswordClasses = 0 }, "password_classes"},
		{"five classes", func(p *SecurityPolicy) { p.PasswordClasses = 5 }, "password_classes"},
		{"a negative history", func(p *SecurityPolicy) { p.PasswordHistory = -1 }, "password_history"},
		{"a history of 25", func(p *SecurityPolicy) { p.PasswordHistory = 25 }, "password_history"},
		{"an idle timeout of 4 minutes", func(p *SecurityPolicy) { p.IdleMinutes = 4 }, "idle_minutes"},
		{"an idle timeout longer than a session", func(p *SecurityPolicy) { p.IdleMinutes = 721 }, "idle_minutes"},
	})
	p := DefaultSecurityPolicy()
	if p.IdleTimeout().Minutes() != 30 || !strings.Contains(p.Describe(), "最近5次") {
		t.Errorf("IdleTimeout %v, Describe %q", p.IdleTimeout(), p.Describe())
	}
	p.PasswordHistory = 0
	if strings.Contains(p.Describe(), "最近") {
		t.Errorf("Describe without a history: %q", p.Describe())
	}
}
