package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/width"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// fold is how the brute-force reference compares names with queries,
// written from the search's specification (store/search.go: full-width
// forms and the ideographic space as ASCII, letters in lower case) with
// the libraries rather than after the code it checks: width.Narrow maps
// the full-width forms to ASCII and U+3000 to a space.
func fold(s string) string { return strings.ToLower(width.Narrow.String(s)) }

// findAll pages through FindEntities and returns the ids in list order.
func findAll(t *testing.T, db *store.DB, f spotcheck.EntityFilter) ([]string, spotcheck.List[*spotcheck.Entity]) {
	t.Helper()
	return findAllIn(t, ctx, db, f, 1<<20)
}

// findAllIn is findAll by the user of ctx, up to pages pages of 200.
func findAllIn(t *testing.T, ctx context.Context, db *store.DB, f spotcheck.EntityFilter, pages int) ([]string, spotcheck.List[*spotcheck.Entity]) {
	t.Helper()
	var out []string
	var first spotcheck.List[*spotcheck.Entity]
	f.Limit = 200
	for f.Offset = 0; f.Offset < pages*200; f.Offset += 200 {
		list, err := db.Entities().FindEntities(ctx, f)
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
			break
		}
	}
	return out, first
}

// The search finds exactly what a substring filter over all entities
// finds, in order of entry, for pieces of real names of 1–4 runes, for
// two words, with filters, and for code prefixes: as imported, after a
// rebuild of the index, and after entities are renamed, deactivated,
// moved to another department and added since the rebuild.
func TestSearchMatchesBruteForce(t *testing.T) {
	d := demo.Generate(1, 3000, "2026-01-01")
	forEachDB(t, func(t *testing.T, db *store.DB) {
		if _, err := db.Departments().ImportDepartments(ctx, spotcheck.SliceSource("d", d.Departments)); err != nil {
			t.Fatal(err)
		}
		es := slices.Clone(d.Entities)
		// Names as people type them: full-width letters, ASCII case, spaces.
		es[0].Name = "ＫＴＶ量贩（示例）"
		es[1].Name = "Ktv 夜场 KTV（示例）"
		es[2].Name = "百分之百_%俱乐部（示例）"
		// Outside the Basic Multilingual Plane, and longer than a posting
		// window.
		es[3].Name = "𠀋𠀌文化传媒有限公司（示例）"
		es[4].Name = "福州市鼓楼区福州市鼓楼区的文化传媒有限公司（示例）"
		if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("e", es)); err != nil {
			t.Fatal(err)
		}
		for i := range es {
			if es[i].ID == "" {
				es[i].ID, _ = spotcheck.GuideEntityID(es[i].GuideCardNo)
			}
		}
		r := rand.New(rand.NewPCG(3, 3))
		queries := []string{"ktv", "ＫＴＶ", "Ktv 夜", "_%", "%", "示例", "（示例）", "(示例)", "福州 旅行社", "有限公司",
			"不存在的名字", "量", "鼓", "x", "𠀋𠀌", "𠀌文化", "鼓楼区福州市鼓楼区的", "福州市鼓楼区的文化传媒", "区福州市鼓楼区的文化传媒有限公司",
			"文化传媒有限公司", "化传媒有限公"}
		for len(queries) < 80 {
			name := []rune(es[r.IntN(len(es))].Name)
			n := 1 + r.IntN(7)
			if n > len(name) {
				continue
			}
			at := r.IntN(len(name) - n + 1)
			queries = append(queries, string(name[at:at+n]))
		}
		searchChecks(t, db, es, queries)

		// On SQLite the index is always current and a rebuild does nothing.
		rebuilt := func() {
			if err := db.RebuildSearchIndex(ctx); err != nil {
				t.Fatal(err)
			}
			if db.Dialect() == "postgres" {
				searchChecks(t, db, es, queries)
			}
		}
		rebuilt()

		// Changes after the rebuild: the index holds the old state of these.
		var renamed, deactivated, moved int
		for i, e := range es[10:] {
			switch {
			case renamed == 0 && strings.Contains(e.Name, "有限公司") && len(e.ID) == 18:
				renamed = 10 + i
			case deactivated == 0 && strings.Contains(e.Name, "有限公司"):
				deactivated = 10 + i
			case moved == 0 && e.Division != "350102" && strings.Contains(e.Name, "文化") && len(e.ID) == 18:
				moved = 10 + i
			}
		}
		edit := func(i int, change func(e *spotcheck.Entity)) {
			t.Helper()
			got, err := db.Entities().FindEntityByID(ctx, es[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			change(got)
			if err := db.Entities().SaveEntity(ctx, got); err != nil {
				t.Fatalf("save %s: %v", got.Name, err)
			}
			es[i] = *got
		}
		old := []rune(strings.TrimSuffix(es[renamed].Name, "（示例）"))
		queries = append(queries, string(old), string(old[:2]), string(old[len(old)-3:]), string(old[1:5]))
		edit(renamed, func(e *spotcheck.Entity) { e.Name = "鼓楼新名字文化传播工作室（示例）" })
		edit(deactivated, func(e *spotcheck.Entity) { e.Active = false })
		edit(moved, func(e *spotcheck.Entity) { e.Division = "350102" })
		added := entity(t, "350102", "MA0000010", "新来的文化传媒有限公司（示例）")
		if err := db.Entities().SaveEntity(ctx, &added); err != nil {
			t.Fatal(err)
		}
		es = append(es, added)
		queries = append(queries, "新名字", "鼓楼新名", "新来的", "新来的文化传媒有限公司", "传播工作室")
		searchChecks(t, db, es, queries)
		rebuilt()
	})
}

// searchChecks compares FindEntities with a substring filter over es, the
// entities in order of entry as they are now, for every query: by anyone,
// by a district admin (department GLWL, division 350102) with and without
// a type filter, for active entities only, and sorted by name.
func searchChecks(t *testing.T, db *store.DB, es []spotcheck.Entity, queries []string) {
	t.Helper()
	admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
	yes := true
	for _, q := range queries {
		// Words of one rune only are scanned for in code order, the others
		// come in order of entry.
		byID := true
		for _, w := range strings.Fields(fold(q)) {
			byID = byID && utf8.RuneCountInString(w) == 1
		}
		// The reference: a plain scan of every entity, each word of the
		// query a substring of the name.
		matches := func(e spotcheck.Entity) bool {
			for _, w := range strings.Fields(fold(q)) {
				if !strings.Contains(fold(e.Name), w) {
					return false
				}
			}
			return true
		}
		for _, c := range []struct {
			name string
			ctx  context.Context
			f    spotcheck.EntityFilter
			keep func(e spotcheck.Entity) bool
		}{
			{"", ctx, spotcheck.EntityFilter{}, matches},
			{"scoped", admin, spotcheck.EntityFilter{}, func(e spotcheck.Entity) bool { return e.Division == "350102" && matches(e) }},
			{"scoped T06", admin, spotcheck.EntityFilter{Type: "T06"},
				func(e spotcheck.Entity) bool { return e.Division == "350102" && e.Type == "T06" && matches(e) }},
			{"active", ctx, spotcheck.EntityFilter{Active: &yes}, func(e spotcheck.Entity) bool { return e.Active && matches(e) }},
		} {
			var want []string
			for _, e := range es {
				if c.keep(e) {
					want = append(want, e.ID)
				}
			}
			f := c.f
			f.Query = q
			// Three pages in order, and the total, which is exact.
			got, first := findAllIn(t, c.ctx, db, f, 3)
			if byID {
				got, _ = findAllIn(t, c.ctx, db, f, 1<<20)
				slices.Sort(want)
				slices.Sort(got)
			}
			if !slices.Equal(got, want[:min(len(want), len(got))]) || len(got) < min(len(want), 600) ||
				first.Total != min(len(want), spotcheck.MaxCount) || first.More {
				t.Errorf("%s %q: got %d (total %d), want %d", c.name, q, len(got), first.Total, len(want))
			}
		}
		// Sorted: the same entities by name.
		if !byID {
			sorted, first := findAllIn(t, ctx, db, spotcheck.EntityFilter{Query: q, Sort: "name"}, 1)
			if !slices.IsSortedFunc(first.Items, func(a, b *spotcheck.Entity) int { return strings.Compare(a.Name, b.Name) }) {
				t.Errorf("%q sorted by name: %s", q, entityNames(first.Items))
			}
			n := 0
			for _, e := range es {
				if matches(e) {
					n++
				}
			}
			if len(sorted) != min(n, 200) || first.Total != n {
				t.Errorf("%q sorted by name: %d (total %d), want %d", q, len(sorted), first.Total, n)
			}
		}
	}

	// Code prefixes: a range of the primary key.
	for _, e := range es[:50] {
		if len(e.ID) != 18 || e.GuideCardNo != "" {
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
}

// Totals are exact up to MaxCount and MaxCount with More above, for words
// of 2 to 7 runes, two words, a filter and a department's scope, as
// imported (an import of this size rebuilds the index) and after the
// entities at the boundary are renamed, deactivated and added.
func TestSearchCountsAtTheCap(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		const n = spotcheck.MaxCount + 50
		es := make([]spotcheck.Entity, n)
		for i := range es {
			seg := func(yes bool, a, b string) string {
				if yes {
					return a
				}
				return b
			}
			name := seg(i <= spotcheck.MaxCount, "甲乙", "乙甲") + "一" + seg(i < spotcheck.MaxCount, "丙丁", "丁丙") + "二" +
				seg(i < spotcheck.MaxCount-1, "戊己庚", "庚己戊") + "三" + seg(i%2 == 0, "辛壬癸子", "子癸壬辛") + "有限公司（示例）"
			division := "350100"
			if i%2 == 0 {
				division = "350102"
			}
			org := fmt.Sprintf("MC%06d", i)
			es[i] = entity(t, division, org+string(spotcheck.OrgCodeCheckChar(org)), name)
			es[i].ID = code(t, division, org+string(spotcheck.OrgCodeCheckChar(org)))
		}
		if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("e", es)); err != nil {
			t.Fatal(err)
		}
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		yes := true
		check := func(step string, want map[string]int) {
			t.Helper()
			for q, w := range want {
				c, f := ctx, spotcheck.EntityFilter{Query: q, Limit: 20}
				if strings.HasPrefix(q, "GLWL ") {
					c, f.Query = admin, strings.TrimPrefix(q, "GLWL ")
				}
				if strings.HasPrefix(q, "active ") {
					f.Active, f.Query = &yes, strings.TrimPrefix(q, "active ")
				}
				list, err := db.Entities().FindEntities(c, f)
				if err != nil {
					t.Fatal(err)
				}
				if list.Total != min(w, spotcheck.MaxCount) || list.More != (w > spotcheck.MaxCount) || len(list.Items) != min(w, 20) {
					t.Errorf("%s: %q: total %d more %v (%d items), want %d", step, q, list.Total, list.More, len(list.Items), w)
				}
			}
		}
		check("imported", map[string]int{
			"甲乙": n - 49, "丙丁": n - 50, "戊己庚": n - 51, "辛壬癸子": n/2 + n%2, "甲乙 辛壬癸子": (n-49)/2 + (n-49)%2,
			"甲乙一丙丁二": n - 50, "甲乙一丙丁二戊": n - 51, "乙一丙丁二戊己庚三": n - 51,
			"GLWL 甲乙": (n-49)/2 + (n-49)%2, "GLWL 子癸壬辛": 0, "GLWL 辛壬癸子": n / 2, "active 甲乙": n - 49, "乙甲": 49, "甲乙一丙丁二戊己庚三辛壬癸子有": (n-51)/2 + (n-51)%2})

		// Renamed, deactivated and added after the index was built.
		first, _ := db.Entities().FindEntityByID(ctx, es[0].ID)
		first.Name = "改名之后（示例）"
		second, _ := db.Entities().FindEntityByID(ctx, es[1].ID)
		second.Active = false
		added := entity(t, "350102", "MD0000001", "甲乙一丙丁二戊己庚（示例）")
		org := "MD000001"
		added.ID = code(t, "350102", org+string(spotcheck.OrgCodeCheckChar(org)))
		for _, e := range []*spotcheck.Entity{first, second, &added} {
			if err := db.Entities().SaveEntity(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string]int{"甲乙": n - 49, "丙丁": n - 50, "戊己庚": n - 51, "active 甲乙": n - 50, "GLWL 甲乙": (n-49)/2 + (n-49)%2,
			"改名之后": 1, "甲乙一丙丁二戊己庚": n - 51}
		check("changed", want)
		if err := db.RebuildSearchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		check("rebuilt", want)
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
		if err := db.Entities().SaveEntity(ctx, &e); err != nil {
			t.Fatal(err)
		}
		found := func(q string) int {
			t.Helper()
			list, err := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			return list.Total
		}
		if found("乙丙") != 1 || found("甲乙丙丁") != 1 || found("丙乙") != 0 {
			t.Fatal("new entity not indexed")
		}
		e.Name = "戊己庚ABCDEF传媒（示例）"
		if err := db.Entities().SaveEntity(ctx, &e); err != nil {
			t.Fatal(err)
		}
		if found("乙丙") != 0 || found("己庚") != 1 || found("abcdef") != 1 || found("ABCDEF传媒") != 1 {
			t.Fatal("rename by save not indexed")
		}
		renamed := e
		renamed.Name, renamed.Version = "辛壬癸（示例）", 0
		if _, err := db.Entities().ImportEntities(ctx, spotcheck.SliceSource("e", []spotcheck.Entity{renamed})); err != nil {
			t.Fatal(err)
		}
		if found("己庚") != 0 || found("壬癸") != 1 {
			t.Fatal("rename by import not indexed")
		}
		// Saving without a change of name keeps the index as it is.
		got, _ := db.Entities().FindEntityByID(ctx, e.ID)
		got.Phone = "1"
		if err := db.Entities().SaveEntity(ctx, got); err != nil || found("辛壬") != 1 {
			t.Fatalf("unrelated save: %v", err)
		}
		list, _ := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Query: "壬癸", Sort: "name"})
		if len(list.Items) != 1 || list.Items[0].Name != "辛壬癸（示例）" {
			t.Fatalf("sorted search %+v", list)
		}
		for i := range 30 {
			x := entity(t, "350102", fmt.Sprintf("MB%07d", i), fmt.Sprintf("同名%02d（示例）", 29-i))
			x.ID = code(t, "350102", fmt.Sprintf("MB%06d", i)+string(spotcheck.OrgCodeCheckChar(fmt.Sprintf("MB%06d", i))))
			if err := db.Entities().SaveEntity(ctx, &x); err != nil {
				t.Fatal(err)
			}
		}
		list, _ = db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Query: "同名", Sort: "name", Offset: 20})
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
		if err := errors.Join(db.Inspectors().SaveInspector(ctx, &in), db.Conflicts().SaveConflict(ctx, &c)); err != nil {
			t.Fatal(err)
		}
		admin := signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin)
		e, _ := db.Entities().FindEntityByID(admin, es[0].ID)
		e.ID = es[0].ID[:17] + "0"
		if e.ID == es[0].ID {
			e.ID = es[0].ID[:17] + "1"
		}
		var inv *spotcheck.InvalidError
		if err := db.Entities().RecodeEntity(admin, es[0].ID, e); !errors.As(err, &inv) || inv.Fields[0].Field != "id" {
			t.Fatalf("bad check character: %v", err)
		}
		e.ID = code(t, "350102", "MA0000096")
		if err := db.Entities().RecodeEntity(admin, es[0].ID, e); err != nil {
			t.Fatal(err)
		}
		old, _ := db.Entities().FindEntityByID(ctx, es[0].ID)
		got, err := db.Entities().FindEntityByID(ctx, e.ID)
		if err != nil || old.Active || !got.Active || got.Name != es[0].Name || got.Version != 1 {
			t.Fatalf("old %+v new %+v %v", old, got, err)
		}
		if l, _ := db.Conflicts().FindConflicts(ctx, spotcheck.ConflictFilter{EntityID: e.ID}); l.Total != 1 {
			t.Fatalf("conflict did not move")
		}
		if l, _ := db.Entities().FindEntities(ctx, spotcheck.EntityFilter{Query: "甲旅行"}); l.Total != 2 {
			t.Fatalf("both records are found: %d", l.Total)
		}
		wantErr(t, db.Entities().RecodeEntity(admin, es[0].ID, e), spotcheck.ECONFLICT)
	})
}
