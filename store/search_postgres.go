package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"

	"spotcheck"
)

// findNames reads the postings of each word, in one REPEATABLE READ
// transaction so that a concurrent rebuild is seen whole or not at all.
func (d postgres) findNames(ctx context.Context, db *DB, q nameQuery) (spotcheck.List[*spotcheck.Entity], error) {
	out := spotcheck.List[*spotcheck.Entity]{Items: []*spotcheck.Entity{}}
	out.Offset, out.Limit = pageOf(q.offset, q.limit)
	need := spotcheck.MaxCount + 1
	if q.sortBy == "" {
		need = max(need, out.Offset+out.Limit)
	}
	if q.noCount {
		need = out.Offset + out.Limit
	}
	t, err := db.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return out, err
	}
	defer t.Rollback()
	m := &pgMatcher{t: t, q: q, need: need}
	seqs, err := m.run(ctx)
	if err != nil {
		return out, err
	}
	if m.stale > rebuildAfter {
		db.rebuildSearchInBackground()
	}
	out.Total, out.More = min(len(seqs), spotcheck.MaxCount), len(seqs) > spotcheck.MaxCount
	if q.noCount {
		out.Total, out.More = -1, false
	}
	var page []int64
	var query string
	if q.sortBy == "" {
		page = seqs[min(out.Offset, len(seqs)):min(out.Offset+out.Limit, len(seqs))]
		query = "SELECT " + entities.selectCols() + " FROM entities WHERE seq = ANY($1) ORDER BY seq"
	} else {
		page = seqs[:min(len(seqs), spotcheck.MaxCount+1)]
		query = fmt.Sprintf("SELECT %s FROM entities WHERE seq = ANY($1) ORDER BY %s LIMIT %d OFFSET %d",
			entities.selectCols(), q.sortBy, out.Limit, out.Offset)
	}
	if len(page) > 0 {
		if out.Items, err = scanAll(ctx, t, entities, query, []any{page}); err != nil {
			return out, err
		}
	}
	return out, t.Commit()
}

// pgMatcher finds the matches of a nameQuery in seq order: from one list
// per department and word, read a few blocks at a time, and from the
// entities the postings do not hold.
type pgMatcher struct {
	t     *sql.Tx
	q     nameQuery
	need  int
	words [][]rune
	// lists[d] has one list per word for department d; a department
	// where some word cannot occur has none.
	lists   [][]*pgList
	dirty   map[int64]bool
	direct  []int64 // matches among the entities outside the postings
	filter  bool    // the matches must be confirmed by SQL (c, long words)
	stale   int64   // entities added or renamed since the build
	pending []int64 // candidates to confirm
	out     []int64
}

// pgList is one department's list of one word's bigram being read.
type pgList struct {
	dept  string
	plan  wordPlan
	after int64   // last_seq of the last block read
	limit int     // blocks to read next
	done  bool    // read to the end
	seqs  []int64 // matches read and not yet merged
}

func (m *pgMatcher) run(ctx context.Context) ([]int64, error) {
	for _, w := range m.q.words {
		m.words = append(m.words, []rune(w))
	}
	if err := m.plan(ctx); err != nil {
		return nil, err
	}
	for {
		var live []*pgList
		for _, ls := range m.lists {
			for _, l := range ls {
				if !l.done {
					live = append(live, l)
				}
			}
		}
		if len(live) > 0 {
			if err := m.read(ctx, live); err != nil {
				return nil, err
			}
		}
		upTo := int64(math.MaxInt64)
		for _, l := range live {
			if !l.done {
				upTo = min(upTo, l.after)
			}
		}
		if err := m.merge(ctx, upTo); err != nil {
			return nil, err
		}
		if len(m.out) >= m.need || upTo == math.MaxInt64 {
			return m.out, nil
		}
	}
}

// plan reads the state of the index and the sizes of the lists of the
// words' bigrams, picks for each department and word the bigram with the
// fewest items among those that can be read for the word, and matches
// the entities that the postings do not hold.
func (m *pgMatcher) plan(ctx context.Context) error {
	var c conds
	var tokens []string
	for _, w := range m.words {
		lo, hi := driverRange(len(w))
		for j := lo; j <= hi; j++ {
			tokens = append(tokens, string(w[j:j+2]))
		}
	}
	query := "SELECT token, dept, items FROM search_terms WHERE token = ANY(" + c.arg(tokens) + ")"
	if m.q.depts != nil {
		query += " AND dept = ANY(" + c.arg(m.q.depts) + ")"
	}
	rows, err := m.t.QueryContext(ctx, query+`
		UNION ALL SELECT NULL, 'built_to', built_to FROM search_state
		UNION ALL SELECT NULL, 'last_seq', value FROM counters WHERE name = 'entity_seq'
		UNION ALL SELECT NULL, CASE WHEN built THEN 'odd' ELSE 'dirty' END, seq FROM search_dirty`, c.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	items := map[string]map[string]int{} // dept → token → items
	var builtTo, lastSeq, renamed int64
	m.dirty = map[int64]bool{} // renamed since the build, or odd
	for rows.Next() {
		var token sql.NullString
		var dept string
		var n int64
		if err := rows.Scan(&token, &dept, &n); err != nil {
			return err
		}
		switch {
		case token.Valid:
			if items[dept] == nil {
				items[dept] = map[string]int{}
			}
			items[dept][token.String] = int(n)
		case dept == "built_to":
			builtTo = n
		case dept == "last_seq":
			lastSeq = n
		case dept == "dirty":
			m.dirty[n] = true
			renamed++
		case dept == "odd":
			m.dirty[n] = true
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	m.stale = max(lastSeq-builtTo, 0) + renamed
	m.filter = len(m.q.c.list) > 0
	for _, w := range m.words {
		m.filter = m.filter || len(w) > 2*postingWindow+2
	}
	if m.stale > 0 || len(m.dirty) > 0 {
		if err := m.readDirect(ctx, builtTo); err != nil {
			return err
		}
	}
	type pick struct {
		l *pgList
		n int
	}
	var picks [][]pick
	total := make([]int, len(m.words)) // items of each word's lists
depts:
	for dept, n := range items {
		var ps []pick
		for _, w := range m.words {
			best, bestN := -1, 0
			lo, hi := driverRange(len(w))
			for j := lo; j <= hi; j++ {
				if k, ok := n[string(w[j:j+2])]; ok && (best < 0 || k < bestN) {
					best, bestN = j, k
				}
			}
			if best < 0 {
				continue depts
			}
			p, ok := planWord(w, best)
			if !ok {
				continue depts
			}
			ps = append(ps, pick{&pgList{dept: dept, plan: p}, bestN})
		}
		picks = append(picks, ps)
		for i, p := range ps {
			total[i] += p.n
		}
	}
	// First read: the blocks that should hold this department's share of
	// the matches needed, if every item matched.
	for _, ps := range picks {
		var ls []*pgList
		for i, p := range ps {
			share := (m.need*p.n/max(total[i], 1) + postingBlock - 1) / postingBlock
			p.l.limit = max(1, min((p.n+postingBlock-1)/postingBlock, share+1))
			ls = append(ls, p.l)
		}
		m.lists = append(m.lists, ls)
	}
	return nil
}

// readDirect matches with LIKE the entities that the postings do not
// hold: those added since the build (seq > builtTo) and the dirty.
func (m *pgMatcher) readDirect(ctx context.Context, builtTo int64) error {
	var c conds
	match := ""
	for _, w := range m.q.words {
		match += " AND name_key LIKE " + c.arg("%"+escapeLike(w)+"%") + ` ESCAPE '\'`
	}
	if m.q.depts != nil {
		match += " AND dept = ANY(" + c.arg(m.q.depts) + ")"
	}
	query := "SELECT seq FROM entities WHERE seq > " + c.arg(builtTo) + match
	if len(m.dirty) > 0 {
		query += " UNION SELECT seq FROM entities WHERE seq IN (SELECT seq FROM search_dirty)" + match
	}
	if !m.filter {
		// Only the first matches in seq order can be among those needed:
		// this keeps the searches of a database not yet built short.
		query = "SELECT seq FROM (" + query + ") d ORDER BY seq LIMIT " + c.arg(m.need)
	}
	rows, err := m.t.QueryContext(ctx, query, c.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return err
		}
		m.direct = append(m.direct, seq)
	}
	slices.Sort(m.direct)
	return rows.Err()
}

// read reads the next blocks of the lists in one query.
func (m *pgMatcher) read(ctx context.Context, live []*pgList) error {
	depts := make([]string, len(live))
	tokens := make([]string, len(live))
	after := make([]int64, len(live))
	limit := make([]int64, len(live))
	for i, l := range live {
		depts[i], tokens[i], after[i], limit[i] = l.dept, l.plan.token, l.after, int64(l.limit)
	}
	rows, err := m.t.QueryContext(ctx, `SELECT l.i, p.last_seq, p.items
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) WITH ORDINALITY AS l (dept, token, after, lim, i)
		CROSS JOIN LATERAL (SELECT last_seq, items FROM search_postings p
			WHERE p.dept = l.dept AND p.token = l.token AND p.last_seq > l.after ORDER BY p.last_seq LIMIT l.lim) p
		ORDER BY l.i, p.last_seq`, depts, tokens, after, limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	got := make([]int, len(live))
	for rows.Next() {
		var i int
		var last int64
		var block []byte
		if err := rows.Scan(&i, &last, &block); err != nil {
			return err
		}
		l := live[i-1]
		if l.seqs, err = matchBlock(block, &l.plan, l.seqs); err != nil {
			return err
		}
		l.after = last
		got[i-1]++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, l := range live {
		l.done = got[i] < l.limit
		l.limit = min(4*l.limit, 1024)
	}
	return nil
}

// merge takes the matches up to seq upTo, which every list has been read
// to: in each department the seqs that all its words' lists have, less
// the dirty, with the direct matches, in order.
func (m *pgMatcher) merge(ctx context.Context, upTo int64) error {
	var found []int64
	for _, ls := range m.lists {
		var cut [][]int64
		for _, l := range ls {
			n, _ := slices.BinarySearch(l.seqs, upTo+1)
			if upTo == math.MaxInt64 {
				n = len(l.seqs)
			}
			cut = append(cut, l.seqs[:n])
			l.seqs = l.seqs[n:]
		}
	seqs:
		for _, s := range cut[0] {
			if m.dirty[s] {
				continue
			}
			for _, other := range cut[1:] {
				if _, ok := slices.BinarySearch(other, s); !ok {
					continue seqs
				}
			}
			found = append(found, s)
		}
	}
	n := len(m.direct)
	if upTo != math.MaxInt64 {
		n, _ = slices.BinarySearch(m.direct, upTo+1)
	}
	found = append(found, m.direct[:n]...)
	m.direct = m.direct[n:]
	slices.Sort(found)
	found = slices.Compact(found)
	if !m.filter {
		m.out = append(m.out, found...)
		return nil
	}
	m.pending = append(m.pending, found...)
	// Matches are confirmed on the entities 2,000 at a time, which a
	// count wants; a page without a count (noCount) needs a few times
	// its length only.
	size := 2000
	if m.q.noCount {
		size = max(4*m.need, 64)
	}
	for len(m.pending) > 0 && len(m.out) < m.need {
		batch := m.pending[:min(len(m.pending), size)]
		if len(batch) < size && upTo != math.MaxInt64 {
			return nil // confirm a full batch later
		}
		c := conds{list: slices.Clone(m.q.c.list), args: slices.Clone(m.q.c.args)}
		for _, w := range m.q.words {
			if utf8.RuneCountInString(w) > 2*postingWindow+2 {
				c.add("name_key LIKE " + c.arg("%"+escapeLike(w)+"%") + ` ESCAPE '\'`)
			}
		}
		c.add("seq = ANY(" + c.arg(batch) + ")")
		rows, err := m.t.QueryContext(ctx, "SELECT seq FROM entities WHERE "+c.where()+" ORDER BY seq", c.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s int64
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			m.out = append(m.out, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		m.pending = m.pending[len(batch):]
	}
	return nil
}
