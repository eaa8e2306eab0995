package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"spotcheck"
)

// Entity search (design §4). People look entities up by a piece of the
// name, most often two Chinese characters, or by the start of the credit
// code, in a directory of a million entities; a LIKE '%…%' scan of it
// takes a second. So the store keeps a search index of names:
//
//   - Each entity's name is kept a second time as name_key = searchKey(name):
//     full-width forms (ＫＴＶ, （ ）) folded to half-width and ASCII letters
//     lower-cased, so that a search matches however the name was typed.
//   - The index holds the bigrams (overlapping two-rune windows) of each
//     entity's name_key under its seq, a number handed out in order of
//     entry. Names of one rune have no bigram.
//   - Imports and saves keep it in the transaction that writes the entity
//     (table.onInsert, table.onUpdate). The dialect says where it lives:
//     an FTS5 table with positions on SQLite, a GIN-indexed array of the
//     distinct bigrams on PostgreSQL. A shared table of (token, entity)
//     rows was measured first and did not fit the import's time
//     (migrations/*/0003_search.sql has the figures).
//
// A query is split at spaces into words that must all occur. FindEntities
// then takes one of three plans:
//
//  1. One word of 6 or more ASCII letters, digits or hyphens is a code
//     prefix: a range scan id >= prefix AND id < successor(prefix) on the
//     primary key, in code order. When no code starts so, the word is
//     searched in names.
//  2. When some word has two runes or more, the index gives the entities
//     whose names hold those words (dialect.nameJoin: on SQLite each word
//     is the phrase of its bigrams, an exact match; on PostgreSQL the GIN
//     narrows and name_key LIKE confirms), read in seq order and joined
//     to the entities for the other filters. Without other filters the
//     count reads the index alone (dialect.namePostings), up to
//     MaxCount+1 matches; with them, the join.
//  3. Words of one rune only: the index cannot help, so the entities are
//     scanned with LIKE, with LIMIT. A frequent character finds its page
//     and its MaxCount+1 rows at once; a rare one costs a scan of the
//     directory (about a second per million entities).
//
// A search list comes in order of entry (seq) unless the filter asks for
// a sort, which then orders the first MaxCount+1 matches, the most a list
// counts.

// searchKey returns s as searches compare it: full-width forms (U+FF01 to
// U+FF5E) and the ideographic space folded to ASCII, ASCII letters
// lower-cased.
func searchKey(s string) string {
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

// bigrams returns the distinct two-rune windows of key in order of first
// appearance; none for fewer than two runes. Names are short, so repeats
// are found by looking back rather than with a map.
func bigrams(key string) []string {
	out := make([]string, 0, len(key)/3+1)
	prev := -1 // byte offset of the previous rune
	for i, r := range key {
		if prev >= 0 {
			w := key[prev : i+utf8.RuneLen(r)]
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
		prev = i
	}
	return out
}

// allBigrams returns every two-rune window of key in order, repeats too.
func allBigrams(key string) []string {
	out := make([]string, 0, len(key)/3+1)
	prev := -1
	for i, r := range key {
		if prev >= 0 {
			out = append(out, key[prev:i+utf8.RuneLen(r)])
		}
		prev = i
	}
	return out
}

// wordBigrams returns the distinct bigrams of all words.
func wordBigrams(words []string) []string {
	var out []string
	for _, w := range words {
		for _, t := range bigrams(w) {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// nameKeyCol stores the searchKey of a name in name_key; it is derived,
// so scanning it back changes nothing.
type nameKeyCol struct{ name *string }

func (c nameKeyCol) Scan(any) error { return nil }

func (c nameKeyCol) Value() (driver.Value, error) { return searchKey(*c.name), nil }

// codeLike reports whether a query word is a code prefix: 6 or more ASCII
// letters, digits or hyphens.
func codeLike(w string) bool {
	if len(w) < 6 {
		return false
	}
	for _, r := range w {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// entitySorts maps EntityFilter.Sort to ORDER BY terms; "" is the
// default: id for lists, order of entry for searches.
var entitySorts = map[string]string{"id": "id", "name": "name, id", "-updated": "updated_at DESC, id DESC"}

// FindEntities returns one page of the entities that match f and the
// total, within the user's scope (plans above).
func (db *DB) FindEntities(ctx context.Context, f spotcheck.EntityFilter) (spotcheck.List[*spotcheck.Entity], error) {
	if err := spotcheck.Authorize(ctx, spotcheck.PermViewDirectory, ""); err != nil {
		return spotcheck.List[*spotcheck.Entity]{}, err
	}
	sortBy, ok := entitySorts[f.Sort]
	if !ok && f.Sort != "" {
		return spotcheck.List[*spotcheck.Entity]{}, spotcheck.Errorf(spotcheck.EINVALID, "未知的排序方式“%s”", f.Sort)
	}
	if f.Depts == nil && spotcheck.ScopeFilter(ctx) != nil {
		// A user whose scope holds every bureau (the city bureau) needs
		// no department condition, which would make a search read each
		// matching row instead of the index alone.
		all, err := db.scopeHoldsAllBureaus(ctx)
		if err != nil {
			return spotcheck.List[*spotcheck.Entity]{}, err
		}
		if all {
			ctx = spotcheck.WithoutScope(ctx)
		}
	}
	c := entityFilter(ctx, f)
	words := strings.Fields(searchKey(f.Query))
	if len(words) == 1 && codeLike(words[0]) {
		code := conds{list: slices.Clone(c.list), args: slices.Clone(c.args)}
		prefix := strings.ToUpper(words[0])
		code.add("id >= " + code.arg(prefix) + " AND id < " + code.arg(prefix[:len(prefix)-1]+string(prefix[len(prefix)-1]+1)))
		list, err := findPage(ctx, db.read, entities, &code, orDefault(sortBy, "id"), f.Offset, f.Limit)
		if err != nil || list.Total > 0 {
			return list, err
		}
	}
	var long, short []string // words for the index, and of one rune
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 2 {
			long = append(long, w)
		} else {
			short = append(short, w)
		}
	}
	for _, w := range short {
		c.add("name_key LIKE " + c.arg("%"+escapeLike(w)+"%") + ` ESCAPE '\'`)
	}
	if len(long) == 0 {
		return findPage(ctx, db.read, entities, &c, orDefault(sortBy, "id"), f.Offset, f.Limit)
	}
	// The index holds each entity's department: the scope goes there, so
	// that a count within a district reads the index alone too.
	s := entityFilterExceptDept(f)
	for _, w := range short {
		s.add("name_key LIKE " + s.arg("%"+escapeLike(w)+"%") + ` ESCAPE '\'`)
	}
	return db.searchEntities(ctx, s, scopeDepts(ctx, f.Depts), long, sortBy, f.Offset, f.Limit)
}

// searchEntities is plan 2: the entities whose names hold every one of
// words (each of two runes or more) and match c.
func (db *DB) searchEntities(ctx context.Context, c conds, depts, words []string, sortBy string, offset, limit int) (spotcheck.List[*spotcheck.Entity], error) {
	out := spotcheck.List[*spotcheck.Entity]{Items: []*spotcheck.Entity{}}
	out.Offset, out.Limit = pageOf(offset, limit)
	var err error
	if len(c.list) == 0 {
		// Only the words: the index alone has the matches, count them
		// without the join.
		var p conds
		out.Total, out.More, err = countCapped(ctx, db.read, db.dialect.namePostings(words, depts, p.arg), p.args)
	} else {
		var p conds
		p.list, p.args = slices.Clone(c.list), slices.Clone(c.args)
		from, where, _ := db.dialect.nameJoin(words, depts, p.arg, false)
		out.Total, out.More, err = countCapped(ctx, db.read, "SELECT 1 FROM "+from+" WHERE "+where+" AND "+p.where(), p.args)
	}
	if err != nil || out.Total == 0 {
		return out, err
	}
	from, where, order := db.dialect.nameJoin(words, depts, c.arg, !out.More)
	cols := "e." + strings.Join(append(append([]string{}, entities.cols...), metaCols...), ", e.")
	var query string
	if sortBy == "" {
		query = fmt.Sprintf("SELECT %s FROM %s WHERE %s AND %s ORDER BY %s LIMIT %d OFFSET %d",
			cols, from, where, c.where(), order, out.Limit, out.Offset)
	} else {
		query = fmt.Sprintf("SELECT %s FROM entities WHERE seq IN (SELECT e.seq FROM %s WHERE %s AND %s ORDER BY %s LIMIT %d) ORDER BY %s LIMIT %d OFFSET %d",
			entities.selectCols(), from, where, c.where(), order, spotcheck.MaxCount+1, sortBy, out.Limit, out.Offset)
	}
	out.Items, err = scanAll(ctx, db.read, entities, query, c.args)
	return out, err
}

// entityFilter builds the conditions of f other than its query, within
// the user's scope.
func entityFilter(ctx context.Context, f spotcheck.EntityFilter) conds {
	c := entityFilterExceptDept(f)
	c.in("dept", scopeDepts(ctx, f.Depts))
	return c
}

// entityFilterExceptDept builds the conditions of f other than its query
// and the departments.
func entityFilterExceptDept(f spotcheck.EntityFilter) conds {
	var c conds
	c.eq("type", f.Type)
	c.eq("division", f.Division)
	c.eq("status", f.Status)
	c.eq("credit_class", strings.ToUpper(f.CreditClass))
	c.flag("key_flag", f.Key)
	c.flag("active", f.Active)
	return c
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// scopeHoldsAllBureaus reports whether the user's scope holds every
// bureau, and so every department that owns entities (an entity belongs
// to the bureau of its division).
func (db *DB) scopeHoldsAllBureaus(ctx context.Context) (bool, error) {
	scope := spotcheck.ScopeFilter(ctx)
	rows, err := db.read.QueryContext(ctx, `SELECT code FROM departments WHERE kind = $1`, spotcheck.DeptBureau)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return false, err
		}
		if !slices.Contains(scope, code) {
			return false, nil
		}
	}
	return true, rows.Err()
}
