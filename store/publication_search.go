package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"spotcheck"
)

// The portal's search of published results by an enterprise's name or
// credit code. A million published results cannot be scanned with LIKE
// for every visitor, so the search goes through the entities' own search
// index (search.go), restricted to entities with publications, and then
// reads their publications by the publications_entity index:
//
//   - one word that looks like a credit code (codeLike) is a prefix of
//     entity_id, a range scan of that index; when nothing published starts
//     so, it is searched as a name, as the directory does;
//   - otherwise every word of two characters or more goes to the name
//     index (words of one character are checked on the entities found),
//     which gives the first spotcheck.PublicSearchEntities entities with
//     publications, in order of entry, without counting them all; their
//     publications are the result.
//
// A search of single characters only is refused: the index cannot answer
// it and a scan would be the denial of service the rate limit is there to
// prevent.

// publishedMatch adds to c the condition on publications that the search
// q selects; false when nothing can match.
func (db *DB) publishedMatch(ctx context.Context, c *conds, q string) (bool, error) {
	words := strings.Fields(searchKey(q))
	if len(words) == 1 && codeLike(words[0]) {
		lo := strings.ToUpper(words[0])
		hi := lo[:len(lo)-1] + string(lo[len(lo)-1]+1)
		var one int
		err := db.read.QueryRowContext(ctx, `SELECT 1 FROM publications WHERE entity_id >= $1 AND entity_id < $2 LIMIT 1`, lo, hi).Scan(&one)
		switch {
		case err == nil:
			c.add("entity_id >= " + c.arg(lo) + " AND entity_id < " + c.arg(hi))
			return true, nil // the caller's LIMIT bounds a short prefix
		case !errors.Is(err, sql.ErrNoRows):
			return false, err
		}
	}
	var long []string
	var s conds
	s.add("id IN (SELECT entity_id FROM publications)")
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 2 {
			long = append(long, w)
		} else {
			s.add("name_key LIKE " + s.arg("%"+escapeLike(w)+"%") + ` ESCAPE '\'`)
		}
	}
	if len(long) == 0 {
		return false, spotcheck.Errorf(spotcheck.EINVALID, "请输入企业名称中连续的两个字以上，或统一社会信用代码")
	}
	found, err := db.dialect.findNames(ctx, db, nameQuery{words: long, c: s, limit: spotcheck.PublicSearchEntities, noCount: true})
	if err != nil || len(found.Items) == 0 {
		return false, err
	}
	ids := make([]string, len(found.Items))
	for i, e := range found.Items {
		ids[i] = c.arg(e.ID)
	}
	c.add("entity_id IN (" + strings.Join(ids, ", ") + ")")
	return true, nil
}
