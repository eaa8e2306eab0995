package store_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// fold is the search's normalisation as specified (store/search.go):
// full-width forms and the ideographic space to ASCII, ASCII lower-cased.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}, s)
}

// findAll pages through FindEntities and returns the ids in list order.
func findAll(t *testing.T, db *store.DB, f spotcheck.EntityFilter) ([]string, spotcheck.List[*spotcheck.Entity]) {
	t.Helper()
	var out []string
	var first spotcheck.List[*spotcheck.Entity]
	f.Limit = 200
	for f.Offset = 0; ; f.Offset += 200 {
		list, err := db.FindEntities(ctx, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if f.Offset == 0 {
			first = list
		}
		for _, e := range list.Items {
			out = append(out, e.ID)
		}
		if len(list.Items) < 200 {
			return out, first
		}
	}
}

// The search finds exactly what a substring filter over all entities
// finds, in order of entry, for pieces of real names of 1–4 runes, for
// two words, with filters, and for code prefixes.
func TestSearchMatchesBruteForce(t *testing.T) {
	d := demo.Generate(1, 3000, "2026-01-01")
	forEachDB(t, func(t *testing.T, db *store.DB) {
		if _, err := db.ImportDepartments(ctx, spotcheck.SliceSource("d", d.Departments)); err != nil {
			t.Fatal(err)
		}
		es := slices.Clone(d.Entities)
		// Names as people type them: full-width letters, ASCII case, spaces.
		es[0].Name = "ＫＴＶ量贩（示例）"
		es[1].Name = "Ktv 夜场 KTV（示例）"
		es[2].Name = "百分之百_%俱乐部（示例）"
		if _, err := db.ImportEntities(ctx, spotcheck.SliceSource("e", es)); err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 3))
		queries := []string{"ktv", "ＫＴＶ", "Ktv 夜", "_%", "%", "示例", "（示例）", "(示例)", "福州 旅行社", "有限公司",
			"不存在的名字", "量", "鼓", "x"}
		for len(queries) < 60 {
			name := []rune(es[r.IntN(len(es))].Name)
			n := 1 + r.IntN(4)
			at := r.IntN(len(name) - n + 1)
			queries = append(queries, string(name[at:at+n]))
		}
		for _, q := range queries {
			var want []string
			for _, e := range es {
				id := e.ID
				if id == "" {
					id, _ = spotcheck.GuideEntityID(e.GuideCardNo)
				}
				ok := true
				for _, w := range strings.Fields(fold(q)) {
					ok = ok && strings.Contains(fold(e.Name), w)
				}
				if ok {
					want = append(want, id)
				}
			}
			got, first := findAll(t, db, spotcheck.EntityFilter{Query: q})
			slices.Sort(want)
			sorted := slices.Sorted(slices.Values(got))
			if !slices.Equal(sorted, want) || first.Total != len(want) || first.More {
				t.Errorf("%q: got %d (total %d), want %d", q, len(got), first.Total, len(want))
			}
			// Order of entry is the order of the import file.
			if !slices.IsSortedFunc(got, func(a, b string) int { return indexOf(es, a) - indexOf(es, b) }) && len([]rune(q)) > 1 {
				t.Errorf("%q: not in order of entry", q)
			}
		}

		// With filters and a user's scope.
		// Without another filter the count reads the index alone, with
		// the department as an index term; with one it joins the rows.
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		for _, typ := range []string{"T06", ""} {
			for _, q := range []string{"网吧", "鼓楼", "文化传媒", "示例"} {
				var want []string
				for _, e := range es {
					if e.Division == "350102" && (typ == "" || e.Type == typ) && strings.Contains(e.Name, q) {
						want = append(want, e.ID)
					}
				}
				list, err := db.FindEntities(admin, spotcheck.EntityFilter{Query: q, Type: typ, Limit: 200})
				var got []string
				for _, e := range list.Items {
					got = append(got, e.ID)
				}
				slices.Sort(got)
				total := len(want)
				if len(want) > 200 {
					want, got = want[:0], got[:0] // only the total is compared
				}
				if slices.Sort(want); err != nil || !slices.Equal(got, want) || list.Total != min(total, spotcheck.MaxCount) {
					t.Errorf("scoped %q type %q: got %d (total %d), want %d, %v", q, typ, len(got), list.Total, len(want), err)
				}
			}
		}

		// Code prefixes: a range of the primary key.
		for _, e := range es[:50] {
			if e.ID == "" {
				continue
			}
			prefix := strings.ToLower(e.ID[:8])
			var want []string
			for _, x := range es {
				if strings.HasPrefix(x.ID, e.ID[:8]) {
					want = append(want, x.ID)
				}
			}
			// In code order: the range scan reads the primary key.
			slices.Sort(want)
			got, first := findAll(t, db, spotcheck.EntityFilter{Query: prefix})
			if !slices.Equal(got, want) || first.Total != len(want) {
				t.Fatalf("prefix %s: got %d, want %d", prefix, len(got), len(want))
			}
		}
	})
}

func indexOf(es []spotcheck.Entity, id string) int {
	for i, e := range es {
		if e.ID == id || (e.ID == "" && strings.HasSuffix(id, e.GuideCardNo)) {
			return i
		}
	}
	return -1
}

// The index follows renames, by save and by import, and a code-like query
// that is no code is searched in names.
func TestSearchFollowsRenames(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		e := entity(t, "350102", "MA0000010", "甲乙丙丁（示例）")
		if err := db.SaveEntity(ctx, &e); err != nil {
			t.Fatal(err)
		}
		found := func(q string) int {
			t.Helper()
			list, err := db.FindEntities(ctx, spotcheck.EntityFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			return list.Total
		}
		if found("乙丙") != 1 || found("甲乙丙丁") != 1 || found("丙乙") != 0 {
			t.Fatal("new entity not indexed")
		}
		e.Name = "戊己庚ABCDEF传媒（示例）"
		if err := db.SaveEntity(ctx, &e); err != nil {
			t.Fatal(err)
		}
		if found("乙丙") != 0 || found("己庚") != 1 || found("abcdef") != 1 || found("ABCDEF传媒") != 1 {
			t.Fatal("rename by save not indexed")
		}
		renamed := e
		renamed.Name, renamed.Version = "辛壬癸（示例）", 0
		if _, err := db.ImportEntities(ctx, spotcheck.SliceSource("e", []spotcheck.Entity{renamed})); err != nil {
			t.Fatal(err)
		}
		if found("己庚") != 0 || found("壬癸") != 1 {
			t.Fatal("rename by import not indexed")
		}
		// Saving without a change of name keeps the index as it is.
		got, _ := db.FindEntityByID(ctx, e.ID)
		got.Phone = "1"
		if err := db.SaveEntity(ctx, got); err != nil || found("辛壬") != 1 {
			t.Fatalf("unrelated save: %v", err)
		}
		list, _ := db.FindEntities(ctx, spotcheck.EntityFilter{Query: "壬癸", Sort: "name"})
		if len(list.Items) != 1 || list.Items[0].Name != "辛壬癸（示例）" {
			t.Fatalf("sorted search %+v", list)
		}
		for i := range 30 {
			x := entity(t, "350102", fmt.Sprintf("MB%07d", i), fmt.Sprintf("同名%02d（示例）", 29-i))
			x.ID = code(t, "350102", fmt.Sprintf("MB%06d", i)+string(spotcheck.OrgCodeCheckChar(fmt.Sprintf("MB%06d", i))))
			if err := db.SaveEntity(ctx, &x); err != nil {
				t.Fatal(err)
			}
		}
		list, _ = db.FindEntities(ctx, spotcheck.EntityFilter{Query: "同名", Sort: "name", Offset: 20})
		if list.Total != 30 || len(list.Items) != 10 || list.Items[0].Name != "同名20（示例）" {
			t.Fatalf("sorted page 2: %d %s", list.Total, entityNames(list.Items))
		}
	})
}

// A mistyped code is corrected by a new record; the old one stays,
// deactivated, and its conflicts follow the new code.
func TestRecodeEntity(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		es := directory(t, db)
		in := spotcheck.Inspector{StaffID: "GL0001", Name: "李四", Dept: "GLWL", CertNo: "1", CertExpiry: "2028-12-31", Active: true}
		c := spotcheck.Conflict{StaffID: "GL0001", EntityID: es[0].ID, Kind: spotcheck.ConflictDeclared, Reason: "亲属", From: "2026-01-01", Active: true}
		if err := errors.Join(db.SaveInspector(ctx, &in), db.SaveConflict(ctx, &c)); err != nil {
			t.Fatal(err)
		}
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		e, _ := db.FindEntityByID(admin, es[0].ID)
		e.ID = es[0].ID[:17] + "0"
		if e.ID == es[0].ID {
			e.ID = es[0].ID[:17] + "1"
		}
		var inv *spotcheck.InvalidError
		if err := db.RecodeEntity(admin, es[0].ID, e); !errors.As(err, &inv) || inv.Fields[0].Field != "id" {
			t.Fatalf("bad check character: %v", err)
		}
		e.ID = code(t, "350102", "MA0000096")
		if err := db.RecodeEntity(admin, es[0].ID, e); err != nil {
			t.Fatal(err)
		}
		old, _ := db.FindEntityByID(ctx, es[0].ID)
		got, err := db.FindEntityByID(ctx, e.ID)
		if err != nil || old.Active || !got.Active || got.Name != es[0].Name || got.Version != 1 {
			t.Fatalf("old %+v new %+v %v", old, got, err)
		}
		if l, _ := db.FindConflicts(ctx, spotcheck.ConflictFilter{EntityID: e.ID}); l.Total != 1 {
			t.Fatalf("conflict did not move")
		}
		if l, _ := db.FindEntities(ctx, spotcheck.EntityFilter{Query: "甲旅行"}); l.Total != 2 {
			t.Fatalf("both records are found: %d", l.Total)
		}
		wantErr(t, db.RecodeEntity(admin, es[0].ID, e), spotcheck.ECONFLICT)
	})
}
