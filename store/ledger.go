package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
	"spotcheck/ledger"
)

// The log of spec/draw-v1.md §8 (package ledger) in five tables (migration
// 0004_ledger):
//
//	log_head         one row (id 1): the size of the log; appends lock it
//	log_entries      idx → entry bytes (ledger.EncodeEntry)
//	log_hashes       idx → hash, in tlog's stored-hash layout (tlog.StoredHashIndex)
//	log_checkpoints  size → the signed checkpoint note of that size, created_at
//	log_records      sha256 → record type, bytes, the index of its sealed entry and,
//	                 once published (ledger.Servable), of its unseal entry and published_at
//
// The log has a single writer. A write transaction that appends first locks
// the head row (SELECT … FOR UPDATE on PostgreSQL; on SQLite the writer's
// IMMEDIATE transactions are serialized already) and keeps the size, and
// the hashes it writes, in memory until it ends. Before it commits, tx.commit
// signs the checkpoint of the new size and stores it with the new size in
// the head (sealCheckpoint), so every committed size has its signed
// checkpoint and readers never see entries that are not signed.

// logSigner is the log's signing key.
type logSigner struct {
	signer   note.Signer
	verifier string
}

// logKeyHolder holds the key UseLogKey set.
type logKeyHolder struct{ p atomic.Pointer[logSigner] }

// UseLogKey sets the key that signs the log's checkpoints and the verifier
// key that /log/key serves (see ledger.LoadOrCreateKey). Without one, an
// append fails and the log has no checkpoint.
func (db *DB) UseLogKey(signer note.Signer, verifierKey string) {
	db.log.p.Store(&logSigner{signer: signer, verifier: verifierKey})
}

// errNoLogKey is the error of an append without a key.
var errNoLogKey = spotcheck.Errorf(spotcheck.EINTERNAL, "未配置日志签名密钥（--log-key），无法写入日志")

// logState is what a write transaction appended to the log.
type logState struct {
	ctx   context.Context // of the first append, for the checkpoint at commit
	size  int64           // the log's size with this transaction's appends
	dirty bool            // appended since the last checkpoint
	// frontier holds, per level, the last hash this transaction wrote: the
	// hashes that later appends and the root read (the latest complete
	// subtree of each level), so that a bulk append need not read back
	// what it has not flushed yet.
	frontier [64]struct {
		index int64
		hash  tlog.Hash
		ok    bool
	}
}

// beginLog locks the log head for t on its first append.
func (t *tx) beginLog(ctx context.Context) (*logState, error) {
	if t.log != nil {
		return t.log, nil
	}
	if t.db.log.p.Load() == nil {
		return nil, errNoLogKey
	}
	q := `SELECT size FROM log_head WHERE id = 1`
	if t.db.dialect.name() == "postgres" {
		q += ` FOR UPDATE`
	}
	ls := &logState{ctx: ctx}
	if err := t.QueryRowContext(ctx, q).Scan(&ls.size); err != nil {
		return nil, fmt.Errorf("lock log head: %w", err)
	}
	t.log = ls
	return ls, nil
}

// hashReader reads stored hashes for tlog within t: from the frontier,
// else from the table.
func (t *tx) hashReader(ctx context.Context, ls *logState) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var missing []int64
		for i, x := range indexes {
			level, _ := tlog.SplitStoredHashIndex(x)
			if f := &ls.frontier[level]; f.ok && f.index == x {
				out[i] = f.hash
			} else {
				missing = append(missing, x)
			}
		}
		if len(missing) == 0 {
			return out, nil
		}
		found, err := readHashes(ctx, t, missing)
		if err != nil {
			return nil, err
		}
		for i, x := range indexes {
			if h, ok := found[x]; ok {
				out[i] = h
			}
		}
		return out, nil
	})
}

// appendLog appends an entry of type typ with body (canonical JSON, see
// ledger.EncodeEntry) stamped db.Now() within t, and returns its index.
// The checkpoint is signed when t commits.
func (t *tx) appendLog(ctx context.Context, typ string, body []byte) (index int64, err error) {
	return t.appendEntries(ctx, typ, [][]byte{body})
}

// appendSealed keeps data back (unpublished) and appends its sealed entry
// (ledger.SealedBody) within t; it returns the entry's index and the
// record's digest. record is the record's type, e.g. "randomness".
func (t *tx) appendSealed(ctx context.Context, record string, data []byte) (index int64, sha string, err error) {
	index, err = t.appendLog(ctx, ledger.TypeSealed, ledger.SealedBody(record, data))
	if err != nil {
		return 0, "", err
	}
	sha = ledger.Digest(data)
	if _, err := t.ExecContext(ctx, `INSERT INTO log_records (sha256, record, body, sealed_index)
		VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`, sha, record, data, index); err != nil {
		return 0, "", err
	}
	return index, sha, nil
}

// unseal publishes the sealed record with digest sha (served from then
// on by LogRecord) and appends the unseal entry that names its sealed
// entry (ledger.UnsealBody) within t. It returns the unseal entry's index;
// a record already published keeps its first unseal entry, whose index is
// returned. An unknown digest is ENOTFOUND.
func (t *tx) unseal(ctx context.Context, sha string) (index int64, err error) {
	// The head lock first, so that two transactions cannot both find the
	// record sealed.
	if _, err := t.beginLog(ctx); err != nil {
		return 0, err
	}
	var record string
	var sealed int64
	var unsealed sql.NullInt64
	err = t.QueryRowContext(ctx, `SELECT record, sealed_index, unseal_index FROM log_records WHERE sha256 = $1`, sha).
		Scan(&record, &sealed, &unsealed)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, spotcheck.Errorf(spotcheck.ENOTFOUND, "密封记录 %s 不存在", sha)
	}
	if err != nil {
		return 0, err
	}
	if !ledger.Servable(record) {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "%s 记录不向公众公开（规范修订1），不能解除密封", record)
	}
	if unsealed.Valid {
		return unsealed.Int64, nil
	}
	if index, err = t.appendLog(ctx, ledger.TypeUnseal, ledger.UnsealBody(sealed, record, sha)); err != nil {
		return 0, err
	}
	if _, err := t.ExecContext(ctx, `UPDATE log_records SET unseal_index = $1, published_at = $2 WHERE sha256 = $3`,
		index, t.db.now(), sha); err != nil {
		return 0, err
	}
	return index, nil
}

// flushRows is how many rows appendEntries collects before it writes them.
const flushRows = 8192

// appendEntries appends one entry per body, all of type typ and stamped
// db.Now(), within t and returns the index of the first.
func (t *tx) appendEntries(ctx context.Context, typ string, bodies [][]byte) (first int64, err error) {
	ls, err := t.beginLog(ctx)
	if err != nil {
		return 0, err
	}
	now := t.db.Now()
	first = ls.size
	hr := t.hashReader(ctx, ls)
	var entryRows, hashRows [][]any
	flush := func() error {
		if err := t.insertRows(ctx, "log_entries", []string{"idx", "entry"}, entryRows); err != nil {
			return err
		}
		if err := t.insertRows(ctx, "log_hashes", []string{"idx", "hash"}, hashRows); err != nil {
			return err
		}
		entryRows, hashRows = entryRows[:0], hashRows[:0]
		return nil
	}
	for _, body := range bodies {
		entry, err := ledger.EncodeEntry(typ, now, body)
		if err != nil {
			return 0, spotcheck.Errorf(spotcheck.EINVALID, "无法写入日志：%v", err)
		}
		n := ls.size
		hashes, err := tlog.StoredHashes(n, entry, hr)
		if err != nil {
			return 0, err
		}
		entryRows = append(entryRows, []any{n, entry})
		base := tlog.StoredHashIndex(0, n)
		for j := range hashes {
			hashRows = append(hashRows, []any{base + int64(j), hashes[j][:]})
			f := &ls.frontier[j]
			f.index, f.hash, f.ok = base+int64(j), hashes[j], true
		}
		ls.size++
		ls.dirty = true
		if len(hashRows) >= flushRows {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	return first, flush()
}

// insertRows inserts rows into table: one statement each for a few, the
// dialect's bulk load for many.
func (t *tx) insertRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) >= 64 {
		return t.db.dialect.bulkInsert(ctx, t, table, cols, rows)
	}
	q := insertSQL(table, cols)
	for _, r := range rows {
		if _, err := t.ExecContext(ctx, q, r...); err != nil {
			return err
		}
	}
	return nil
}

// sealCheckpoint signs the checkpoint of the log's size after t's appends
// and stores it with the size in the log head. tx.commit calls it, so
// callers need not; it does nothing when nothing was appended since the
// last call.
func (t *tx) sealCheckpoint(ctx context.Context) error {
	ls := t.log
	if ls == nil || !ls.dirty {
		return nil
	}
	key := t.db.log.p.Load()
	if key == nil {
		return errNoLogKey
	}
	root, err := tlog.TreeHash(ls.size, t.hashReader(ctx, ls))
	if err != nil {
		return err
	}
	signed, err := ledger.SignCheckpoint(ledger.Checkpoint{Origin: key.signer.Name(), Size: ls.size, Root: root}, key.signer)
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO log_checkpoints (size, note, created_at) VALUES ($1, $2, $3)`,
		ls.size, string(signed), t.db.now()); err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, `UPDATE log_head SET size = $1 WHERE id = 1`, ls.size); err != nil {
		return err
	}
	ls.dirty = false
	return nil
}

// sealLog is sealCheckpoint for tx.commit, with the context of the first
// append.
func (t *tx) sealLog() error {
	if t.log == nil {
		return nil
	}
	return t.sealCheckpoint(t.log.ctx)
}

// AppendLog appends one entry in a transaction of its own, signed: the
// log part of an act that writes nothing else (and the benchmark's unit).
func (db *DB) AppendLog(ctx context.Context, typ string, body []byte) (index int64, err error) {
	err = db.inTx(ctx, func(t *tx) error {
		index, err = t.appendLog(ctx, typ, body)
		return err
	})
	return index, err
}

// AppendLogBulk appends one entry per body in one transaction with one
// checkpoint: for benchmarks and tests of large logs.
func (db *DB) AppendLogBulk(ctx context.Context, typ string, bodies [][]byte) error {
	return db.inTx(ctx, func(t *tx) error {
		_, err := t.appendEntries(ctx, typ, bodies)
		return err
	})
}

// AppendSealed is appendSealed in a transaction of its own.
func (db *DB) AppendSealed(ctx context.Context, record string, data []byte) (index int64, sha string, err error) {
	err = db.inTx(ctx, func(t *tx) error {
		index, sha, err = t.appendSealed(ctx, record, data)
		return err
	})
	return index, sha, err
}

// Unseal is unseal in a transaction of its own: it lifts the embargo on
// one record.
func (db *DB) Unseal(ctx context.Context, sha string) (index int64, err error) {
	err = db.inTx(ctx, func(t *tx) error {
		index, err = t.unseal(ctx, sha)
		return err
	})
	return index, err
}

// readHashes reads stored hashes by index through q (a transaction or a
// pool).
func readHashes(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, indexes []int64) (map[int64]tlog.Hash, error) {
	ph := make([]string, len(indexes))
	args := make([]any, len(indexes))
	for i, x := range indexes {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = x
	}
	rows, err := q.QueryContext(ctx, `SELECT idx, hash FROM log_hashes WHERE idx IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]tlog.Hash, len(indexes))
	for rows.Next() {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return nil, err
		}
		if len(b) != tlog.HashSize {
			return nil, fmt.Errorf("log hash %d has %d bytes", idx, len(b))
		}
		out[idx] = tlog.Hash(b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, x := range indexes {
		if _, ok := out[x]; !ok {
			return nil, fmt.Errorf("log hash %d missing", x)
		}
	}
	return out, nil
}

// The readers of the log: ledger.Reader and ledger.Storage on the read
// pool.

var (
	_ ledger.Reader  = (*DB)(nil)
	_ ledger.Storage = (*DB)(nil)
)

// LogKey returns the verifier key UseLogKey set, or "".
func (db *DB) LogKey() string {
	if k := db.log.p.Load(); k != nil {
		return k.verifier
	}
	return ""
}

// LogSize returns the number of entries of the log.
func (db *DB) LogSize(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT size FROM log_head WHERE id = 1`).Scan(&n)
	return n, err
}

// LogCheckpoint returns the latest signed checkpoint. Until the first
// append it is the checkpoint of the empty log, signed on the fly (Ed25519
// signatures are deterministic, so it is always the same); without a key
// there is none (ENOTFOUND).
func (db *DB) LogCheckpoint(ctx context.Context) ([]byte, error) {
	var signed string
	err := db.read.QueryRowContext(ctx, `SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&signed)
	if errors.Is(err, sql.ErrNoRows) {
		key := db.log.p.Load()
		if key == nil {
			return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "日志尚未启用：未配置签名密钥")
		}
		return ledger.EmptyCheckpoint(key.signer)
	}
	if err != nil {
		return nil, err
	}
	return []byte(signed), nil
}

// LogEntries returns entries start … end−1 that exist, at most
// ledger.MaxEntriesPerRequest.
func (db *DB) LogEntries(ctx context.Context, start, end int64) ([][]byte, error) {
	if start < 0 || end < start || end-start > ledger.MaxEntriesPerRequest {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "日志记录范围无效：%d…%d（一次最多 %d 条）", start, end, ledger.MaxEntriesPerRequest)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT entry FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx`, start, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := [][]byte{}
	for rows.Next() {
		var e []byte
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LogHashes returns the stored hashes with the given indexes.
func (db *DB) LogHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	found, err := readHashes(ctx, db.read, indexes)
	if err != nil {
		return nil, err
	}
	for i, x := range indexes {
		out[i] = found[x]
	}
	return out, nil
}

// LogRecord returns a record published after its embargo by its digest;
// ENOTFOUND while it is sealed, when none has that digest, or when it may
// never be served (ledger.Servable: a result record, even one unsealed
// before amendment 1 — that unseal entry stays in the log as history).
func (db *DB) LogRecord(ctx context.Context, sha string) ([]byte, error) {
	var record string
	var body []byte
	err := db.read.QueryRowContext(ctx, `SELECT record, body FROM log_records WHERE sha256 = $1 AND published_at IS NOT NULL`, sha).
		Scan(&record, &body)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !ledger.Servable(record) {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "记录 %s 不存在或尚未公开", sha)
	}
	return body, err
}

// ScanLogEntries calls fn for every entry in index order.
func (db *DB) ScanLogEntries(ctx context.Context, fn func(index int64, entry []byte) error) error {
	return scanLog(ctx, db, `SELECT idx, entry FROM log_entries ORDER BY idx`, fn)
}

// ScanLogHashes calls fn for every stored hash in index order.
func (db *DB) ScanLogHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error {
	return scanLog(ctx, db, `SELECT idx, hash FROM log_hashes ORDER BY idx`, func(i int64, b []byte) error {
		var h tlog.Hash
		copy(h[:], b) // a hash of another length fails the comparison
		if len(b) != tlog.HashSize {
			h[0] ^= 0xff
		}
		return fn(i, h)
	})
}

// ScanLogCheckpoints calls fn for every stored checkpoint in order of size.
func (db *DB) ScanLogCheckpoints(ctx context.Context, fn func(size int64, signed []byte) error) error {
	return scanLog(ctx, db, `SELECT size, note FROM log_checkpoints ORDER BY size`, fn)
}

// scanLog runs a query of (int64, bytes) rows and calls fn for each. The
// bytes are only valid during the call.
func scanLog(ctx context.Context, db *DB, query string, fn func(int64, []byte) error) error {
	rows, err := db.read.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var i int64
		var b sql.RawBytes
		if err := rows.Scan(&i, &b); err != nil {
			return err
		}
		if err := fn(i, b); err != nil {
			return err
		}
	}
	return rows.Err()
}
