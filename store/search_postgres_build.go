package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"spotcheck"
)

// PostgreSQL's search index is the postings of search.go: search_postings
// (dept, token, last_seq) → a block of items, search_terms (token, dept) →
// the items of the list. It is built from the entities by rebuildSearch,
// in one transaction, up to the seq that search_state.built_to records.
// Writes do not touch it: entities added since have a greater seq, and an
// entity renamed or moved to another department gets a row in
// search_dirty; a search matches both kinds of entity directly with LIKE
// and leaves the dirty ones out of what it reads from the postings. Large
// imports rebuild (refreshStats), and a search that finds more than
// rebuildAfter such entities starts a rebuild in the background of its DB
// (rebuildSearchInBackground), which Close stops.
//
// A GIN index on an array of bigrams was used first. It finds matches but
// cannot count them: PostgreSQL 15 reads the heap page of every match of
// a bitmap scan, even for count(*) on an all-visible table (5,000 pages
// for a bigram of 5,000 matches, 13–60 ms), and a 20-client load spent
// its time there. The postings are read as blocks in seq order instead: a
// count of MaxCount+1 reads about 60 blocks, a rare word one per list.

// searchRebuildLockID serialises rebuilds across app servers.
const searchRebuildLockID = 7301124

// rebuildAfter is how many entities added or renamed since the last build
// make a search start a rebuild in the background.
const rebuildAfter = 2000

func (postgres) indexNames(context.Context, *tx, []int64, []string, []string) error { return nil }

func (postgres) reindexName(ctx context.Context, t *tx, seq int64, _, _ string) error {
	_, err := t.ExecContext(ctx, "INSERT INTO search_dirty (seq) VALUES ($1)", seq)
	return err
}

// refreshStats runs VACUUM ANALYZE of the entities, then rebuilds the
// search index. The statistics took the city search median from 489 to
// 196 ms when the index was a GIN; the VACUUM also sets the hint bits and
// visibility of the new rows, which the rebuild would otherwise set as it
// reads them: 6 s instead of 22 s after an import of a million entities.
func (d postgres) refreshStats(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, "VACUUM ANALYZE entities"); err != nil {
		return err
	}
	return d.rebuildSearch(ctx, db)
}

func (d postgres) rebuildSearch(ctx context.Context, db *sql.DB) error {
	if err := d.rebuild(ctx, db, true); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "VACUUM ANALYZE search_postings, search_terms")
	return err
}

// rebuild replaces the postings by those of the entities up to the last
// committed seq, under a session advisory lock taken before the snapshot,
// in one REPEATABLE READ transaction: searches see the old index or the
// new one. Without wait it returns at once when another rebuild runs.
// Dirty rows committed after the snapshot stay, so nothing written
// meanwhile is lost.
func (postgres) rebuild(ctx context.Context, db *sql.DB, wait bool) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		c := sc.Conn()
		if wait {
			if _, err := c.Exec(ctx, "SELECT pg_advisory_lock($1)", searchRebuildLockID); err != nil {
				return err
			}
		} else {
			var locked bool
			if err := c.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", searchRebuildLockID).Scan(&locked); err != nil || !locked {
				return err
			}
		}
		defer c.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", searchRebuildLockID)
		t, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
		if err != nil {
			return err
		}
		defer t.Rollback(context.WithoutCancel(ctx))
		var upTo int64
		if err := t.QueryRow(ctx, "SELECT value FROM counters WHERE name = 'entity_seq'").Scan(&upTo); err != nil {
			return err
		}
		if _, err := t.Exec(ctx, "DELETE FROM search_postings; DELETE FROM search_terms; DELETE FROM search_dirty"); err != nil {
			return err
		}
		cols := []string{"dept", "token", "last_seq", "items"}
		var blocks [][]any
		copyBlocks := func() error {
			_, err := t.CopyFrom(ctx, pgx.Identifier{"search_postings"}, cols, pgx.CopyFromRows(blocks))
			clear(blocks)
			blocks = blocks[:0]
			return err
		}
		pb := newPostingsBuilder(func(l *postingList) {
			blocks = append(blocks, []any{l.dept, l.token, l.last, l.block})
		})
		var odd []int64 // entities the postings cannot hold
		for last := int64(0); last < upTo; {
			rows, err := t.Query(ctx, "SELECT seq, name_key, dept FROM entities WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT 20000", last, upTo)
			if err != nil {
				return err
			}
			n := 0
			var seq int64
			var key, dept string
			for rows.Next() {
				if err := rows.Scan(&seq, &key, &dept); err != nil {
					rows.Close()
					return err
				}
				n++
				last = seq
				if indexable(key) {
					pb.add(seq, key, dept)
				} else {
					odd = append(odd, seq)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if n == 0 {
				break
			}
			if len(blocks) >= 2000 {
				if err := copyBlocks(); err != nil {
					return err
				}
			}
		}
		if err := copyBlocks(); err != nil {
			return err
		}
		// The last block of every list, then the lists' sizes, streamed
		// rather than collected: most lists have one block.
		lists := pb.all()
		i := 0
		if _, err := t.CopyFrom(ctx, pgx.Identifier{"search_postings"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
			for ; i < len(lists); i++ {
				if l := lists[i]; l.items > 0 {
					i++
					row := []any{l.dept, l.token, l.last, l.block}
					l.items, l.block = 0, nil
					return row, nil
				}
			}
			return nil, nil
		})); err != nil {
			return err
		}
		i = 0
		if _, err := t.CopyFrom(ctx, pgx.Identifier{"search_terms"}, []string{"token", "dept", "items"}, pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(lists) {
				return nil, nil
			}
			l := lists[i]
			i++
			return []any{l.token, l.dept, l.total}, nil
		})); err != nil {
			return err
		}
		if len(odd) > 0 {
			if _, err := t.Exec(ctx, "INSERT INTO search_dirty (seq, built) SELECT unnest($1::bigint[]), true", odd); err != nil {
				return err
			}
		}
		if _, err := t.Exec(ctx, "UPDATE search_state SET built_to = $1", upTo); err != nil {
			return err
		}
		return t.Commit(ctx)
	})
}

// rebuildSearchInBackground starts a rebuild of the search index in the
// background of db, unless one is running there already or db is closed;
// another app server's is skipped by the advisory lock. Close stops it,
// and its errors go to db's logger.
func (db *DB) rebuildSearchInBackground() {
	if !db.bg.rebuilding.CompareAndSwap(false, true) {
		return
	}
	started := db.goBackground("后台重建搜索索引失败", func(ctx context.Context) error {
		defer db.bg.rebuilding.Store(false)
		ctx, cancel := context.WithTimeout(spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("job:search-rebuild")), 10*time.Minute)
		defer cancel()
		d := postgres{}
		if err := d.rebuild(ctx, db.write, false); err != nil {
			return err
		}
		_, err := db.write.ExecContext(ctx, "VACUUM ANALYZE search_postings, search_terms")
		return err
	})
	if !started {
		db.bg.rebuilding.Store(false)
	}
}
