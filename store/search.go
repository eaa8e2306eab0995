package store

import (
	"context"
	"database/sql/driver"
	"encoding/binary"
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
//     entry, and its owning department, so that a search within a user's
//     departments is answered by the index too. Names of one rune have no
//     bigram.
//   - The dialect says where it lives and how it stays current (dialect.go):
//     on SQLite an FTS5 table with positions, kept by imports and saves in
//     the transaction that writes the entity (table.onInsert, onUpdate). On
//     PostgreSQL posting blocks that the application reads and intersects
//     (search_postings, below), rebuilt after large imports; entities added
//     or renamed since the last build are matched directly, so a search is
//     exact at all times. A GIN-indexed array of bigrams was used first
//     and could not count: a bitmap heap scan reads the heap page of every
//     match (docs/performance.md has the figures).
//
// A query is split at spaces into words that must all occur. FindEntities
// then takes one of three plans:
//
//  1. One word of 6 or more ASCII letters, digits or hyphens is a code
//     prefix: a range scan id >= prefix AND id < successor(prefix) on the
//     primary key, in code order. When no code starts so, the word is
//     searched in names.
//  2. When some word has two runes or more, the index gives the entities
//     whose names hold those words, in seq order, up to MaxCount+1 of
//     them (dialect.findNames); other filters and the words of one rune
//     are then checked on the entities.
//  3. Words of one rune only: the index cannot help, so the entities are
//     scanned with LIKE, with LIMIT. A frequent character finds its page
//     and its MaxCount+1 rows at once; a rare one costs a scan of the
//     directory (about a second per million entities).
//
// A search list comes in order of entry (seq) unless the filter asks for
// a sort, which then orders the first MaxCount+1 matches, the most a list
// counts.
//
// The PostgreSQL postings. For each department and bigram, search_postings
// holds the occurrences of the bigram in the names of the department's
// entities in seq order, cut into blocks of at most postingBlock items.
// An item is the seq and the window around the occurrence: the two runes
// before the bigram and the two after it (0 past either end of the name).
// A word of up to 6 runes then matches exactly where one of its bigrams
// occurs with the rest of the word in the window, so a word is read from
// one list, its rarest usable bigram (search_terms has the sizes), with no
// position arithmetic and no second list: "有限公司" is "限公" with 有
// before and 司 after. Longer words are narrowed by a 6-rune piece and
// confirmed by LIKE. A list is read block by block in seq order, so a
// frequent word stops after its first MaxCount+1 matches.

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
func (sv *EntityService) FindEntities(ctx context.Context, f spotcheck.EntityFilter) (_ spotcheck.List[*spotcheck.Entity], err error) {
	db := sv.db
	defer wrap(&err, "find entities")
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
	return db.dialect.findNames(ctx, db, nameQuery{words: long, c: s, depts: scopeDepts(ctx, f.Depts),
		sortBy: sortBy, offset: f.Offset, limit: f.Limit})
}

// nameQuery is plan 2: the entities whose names hold every one of words
// (searchKeys of two runes or more), that match c (conditions on the
// entities other than the department) and, when depts is not nil, that
// belong to one of depts; one page of them by sortBy ("" = seq) and the
// capped total.
type nameQuery struct {
	words         []string
	c             conds
	depts         []string
	sortBy        string
	offset, limit int
	// noCount skips the capped total (List.Total is then -1): a caller
	// that wants one page only, the portal's result search, does not pay
	// for reading up to MaxCount+1 matches.
	noCount bool
}

// RebuildSearchIndex rebuilds the search index from the entities. Imports
// of many rows do it themselves, and PostgreSQL does it in the background
// when many entities have been added or renamed since; it is exported for
// tests and for the operator (a system principal). On SQLite, whose index
// is always current, it does nothing.
func (db *DB) RebuildSearchIndex(ctx context.Context) error {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return err
	}
	return db.dialect.rebuildSearch(ctx, db.write)
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

// postingBlock is the most items a block of search_postings holds (it
// may hold a few more to keep one entity's items together): about 1.8 kB,
// which PostgreSQL keeps in the row rather than in TOAST. A word with
// many matches reads about MaxCount/postingBlock blocks.
const postingBlock = 180

// postingWindow is how many runes an item records on each side of its
// bigram; words of up to 2*postingWindow+2 runes are read from one list.
const postingWindow = 2

// indexable reports whether the postings can hold a name_key: its runes
// fit the two bytes of an item's window. Entities whose name has runes
// outside the Basic Multilingual Plane are matched directly instead.
func indexable(key string) bool {
	for _, r := range key {
		if r > 0xFFFF {
			return false
		}
	}
	return true
}

// appendPosting appends to a block the item of the bigram at rune p of
// runes, the name_key of entity seq: the seq as a varint, the difference
// to the block's previous item (prev, 0 for the first), then the window
// runes at p-2, p-1, p+2 and p+3 as little-endian uint16, 0 past the
// ends of the name.
func appendPosting(b []byte, prev, seq int64, runes []rune, p int) []byte {
	b = binary.AppendUvarint(b, uint64(seq-prev))
	for _, i := range [4]int{p - 2, p - 1, p + 2, p + 3} {
		var r uint16
		if i >= 0 && i < len(runes) {
			r = uint16(runes[i])
		}
		b = binary.LittleEndian.AppendUint16(b, r)
	}
	return b
}

// wordPlan is how a word is read from the postings: the bigram whose list
// is read and what the window of each item must hold. The window covers
// words of up to 2*postingWindow+2 runes; longer ones are confirmed with
// LIKE.
type wordPlan struct {
	token string
	want  [4]uint16
	check [4]bool
}

// driverRange returns the first and last rune j whose bigram can be read
// for a word of k runes, so that the window covers the word.
func driverRange(k int) (lo, hi int) {
	if k > 2*postingWindow+2 {
		return 0, k - 2
	}
	return max(0, k-2-postingWindow), min(postingWindow, k-2)
}

// planWord returns the plan of word w that reads the bigram at rune j,
// and false when no item can match it (a rune of w outside the BMP).
func planWord(w []rune, j int) (wordPlan, bool) {
	p := wordPlan{token: string(w[j : j+2])}
	for _, r := range w[j : j+2] {
		if r > 0xFFFF {
			return p, false
		}
	}
	for slot, i := range [4]int{j - 2, j - 1, j + 2, j + 3} {
		if i < 0 || i >= len(w) {
			continue
		}
		if w[i] > 0xFFFF {
			return p, false
		}
		p.want[slot], p.check[slot] = uint16(w[i]), true
	}
	return p, true
}

// matchBlock appends to out the seqs of the items of block b whose window
// matches p, each once, in order; out holds seqs below the block's.
func matchBlock(b []byte, p *wordPlan, out []int64) ([]int64, error) {
	var seq int64
	last := int64(-1)
	if len(out) > 0 {
		last = out[len(out)-1]
	}
	for len(b) > 0 {
		d, n := binary.Uvarint(b)
		if n <= 0 || len(b) < n+8 {
			return out, fmt.Errorf("search index: corrupt posting block")
		}
		seq += int64(d)
		w := b[n : n+8]
		b = b[n+8:]
		ok := seq != last
		for i := 0; ok && i < 4; i++ {
			ok = !p.check[i] || binary.LittleEndian.Uint16(w[2*i:]) == p.want[i]
		}
		if ok {
			out = append(out, seq)
			last = seq
		}
	}
	return out, nil
}

// postingsBuilder cuts the postings of entities, given in seq order, into
// blocks: emit receives each block when it is full and, from flush, the
// last block of every list.
type postingsBuilder struct {
	depts map[string]uint64
	lists map[uint64]*postingList
	runes []rune
	emit  func(l *postingList)
}

// postingList is the block being filled of one department's bigram.
type postingList struct {
	dept, token string
	items       int   // in the block
	total       int   // in the whole list
	last        int64 // seq of the block's last item
	block       []byte
}

func newPostingsBuilder(emit func(l *postingList)) *postingsBuilder {
	return &postingsBuilder{depts: map[string]uint64{}, lists: map[uint64]*postingList{}, emit: emit}
}

// add adds the items of an indexable name_key; seqs must increase.
func (pb *postingsBuilder) add(seq int64, key, dept string) {
	d, ok := pb.depts[dept]
	if !ok {
		d = uint64(len(pb.depts))
		pb.depts[dept] = d
	}
	pb.runes = pb.runes[:0]
	for _, r := range key {
		pb.runes = append(pb.runes, r)
	}
	for p := 0; p+1 < len(pb.runes); p++ {
		k := d<<32 | uint64(pb.runes[p])<<16 | uint64(pb.runes[p+1])
		l := pb.lists[k]
		if l == nil {
			l = &postingList{dept: dept, token: string(pb.runes[p : p+2])}
			pb.lists[k] = l
		}
		if l.items >= postingBlock && l.last != seq {
			pb.emit(l)
			l.items, l.block = 0, nil
		}
		prev := l.last
		if l.items == 0 {
			prev = 0
			if l.total >= postingBlock {
				// A list that fills blocks: no room wasted by growing.
				l.block = make([]byte, 0, postingBlock*11+16)
			}
		}
		l.block = appendPosting(l.block, prev, seq, pb.runes, p)
		l.last = seq
		l.items++
		l.total++
	}
}

// all returns the lists, each with its last block not yet emitted.
func (pb *postingsBuilder) all() []*postingList {
	out := make([]*postingList, 0, len(pb.lists))
	for _, l := range pb.lists {
		out = append(out, l)
	}
	pb.lists = nil
	return out
}
