package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
	"spotcheck/ledger"
)

// The log of spec/draw-v1.md §8 is package ledger's: it encodes, hashes
// and signs, and applies the rules of sealed records. The store keeps its
// bytes (ledger.Storage, ledger.Tx) in five tables (migration 0004_ledger):
//
//	log_head         one row (id 1): the size of the log; appends lock it
//	log_entries      idx → entry bytes (ledger.EncodeEntry)
//	log_hashes       idx → hash, in tlog's stored-hash layout (tlog.StoredHashIndex)
//	log_checkpoints  size → the signed checkpoint note of that size, created_at
//	log_records      sha256 → record type, bytes, the index of its sealed entry and,
//	                 once published, of its unseal entry and published_at
//
// The log has a single writer. A write transaction that appends first
// locks the head row (SELECT … FOR UPDATE on PostgreSQL; on SQLite the
// writer's IMMEDIATE transactions are serialized already) through a
// ledger.Writer that it keeps until it ends, so that a workflow step
// appends its entries in the transaction of its other writes. Before it
// commits, tx.commit has the writer sign the checkpoint of the new size
// (sealLog), so every committed size has its signed checkpoint.

// logKeyHolder holds the log that UseLogKey set up.
type logKeyHolder struct{ p atomic.Pointer[ledger.Log] }

// ledger returns the log over db's tables: with the key UseLogKey set, or
// without one (readable, and every append fails with ledger.ErrNoKey).
func (db *DB) ledger() *ledger.Log {
	if l := db.log.p.Load(); l != nil {
		return l
	}
	return db.newLog(nil, "")
}

func (db *DB) newLog(signer note.Signer, verifierKey string) *ledger.Log {
	l := ledger.New(logStorage{db}, signer, verifierKey)
	l.Now = func() time.Time { return db.Now() }
	return l
}

// UseLogKey sets the key that signs the log's checkpoints and the verifier
// key that /log/key serves (see ledger.LoadOrCreateKey). Without one, an
// append fails and the log has no checkpoint.
func (db *DB) UseLogKey(signer note.Signer, verifierKey string) {
	db.log.p.Store(db.newLog(signer, verifierKey))
}

// logState is what a write transaction appended to the log: the writer
// that locked it, and the context of the first append, for the checkpoint
// at commit.
type logState struct {
	ctx context.Context
	w   *ledger.Writer
}

// beginLog locks the log head for t on its first call.
func (t *tx) beginLog(ctx context.Context) (*ledger.Writer, error) {
	if t.log != nil {
		return t.log.w, nil
	}
	w, err := t.db.ledger().Begin(ctx, logTx{t})
	if err != nil {
		return nil, err
	}
	t.log = &logState{ctx: ctx, w: w}
	return w, nil
}

// appendLog appends an entry of type typ with body (canonical JSON, see
// ledger.EncodeEntry) stamped db.Now() within t, and returns its index.
// The checkpoint is signed when t commits.
func (t *tx) appendLog(ctx context.Context, typ string, body []byte) (index int64, err error) {
	w, err := t.beginLog(ctx)
	if err != nil {
		return 0, err
	}
	return w.Append(ctx, typ, body)
}

// appendSealed is ledger.Writer.AppendSealed within t: it keeps data back
// and returns the sealed entry's index and the record's digest.
func (t *tx) appendSealed(ctx context.Context, record string, data []byte) (index int64, sha string, err error) {
	w, err := t.beginLog(ctx)
	if err != nil {
		return 0, "", err
	}
	return w.AppendSealed(ctx, record, data)
}

// unseal is ledger.Writer.Unseal within t: it publishes the sealed record
// with digest sha and returns the index of its unseal entry.
func (t *tx) unseal(ctx context.Context, sha string) (index int64, err error) {
	w, err := t.beginLog(ctx)
	if err != nil {
		return 0, err
	}
	return w.Unseal(ctx, sha)
}

// sealLog signs the checkpoint of what t appended, for tx.commit.
func (t *tx) sealLog() error {
	if t.log == nil {
		return nil
	}
	return t.log.w.Sign(t.log.ctx)
}

// AppendLog appends one entry in a transaction of its own, signed: the
// log part of an act that writes nothing else (and the benchmark's unit).
func (db *DB) AppendLog(ctx context.Context, typ string, body []byte) (index int64, err error) {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return 0, err
	}
	return db.ledger().Append(ctx, typ, body)
}

// AppendLogBulk appends one entry per body in one transaction with one
// checkpoint: for benchmarks and tests of large logs.
func (db *DB) AppendLogBulk(ctx context.Context, typ string, bodies [][]byte) error {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return err
	}
	_, err := db.ledger().AppendAll(ctx, typ, bodies)
	return err
}

// AppendSealed is appendSealed in a transaction of its own.
func (db *DB) AppendSealed(ctx context.Context, record string, data []byte) (index int64, sha string, err error) {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return 0, "", err
	}
	return db.ledger().AppendSealed(ctx, record, data)
}

// Unseal is unseal in a transaction of its own: it lifts the embargo on
// one record.
func (db *DB) Unseal(ctx context.Context, sha string) (index int64, err error) {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return 0, err
	}
	return db.ledger().Unseal(ctx, sha)
}

// The readers of the log: ledger.Reader and ledger.Scanner, from the log
// over the read pool. The log is public (spec §8.1), so any principal may
// read it, the public's included; a call without one is refused like every
// other (deny by default). The single-transaction writers above are the
// system's: a user's acts reach the log through their workflow steps.

var (
	_ ledger.Reader  = (*DB)(nil)
	_ ledger.Scanner = (*DB)(nil)
)

// LogKey returns the verifier key UseLogKey set, or "".
func (db *DB) LogKey() string { return db.ledger().LogKey() }

// LogSize returns the number of entries of the log.
func (db *DB) LogSize(ctx context.Context) (int64, error) {
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return 0, err
	}
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT size FROM log_head WHERE id = 1`).Scan(&n)
	return n, err
}

// LogCheckpoint is ledger.Log.LogCheckpoint: without a key and before the
// first append there is none (ENOTFOUND).
func (db *DB) LogCheckpoint(ctx context.Context) ([]byte, error) {
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	return db.ledger().LogCheckpoint(ctx)
}

// LogEntries returns entries start … end−1 that exist, at most
// ledger.MaxEntriesPerRequest.
func (db *DB) LogEntries(ctx context.Context, start, end int64) ([][]byte, error) {
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	return db.ledger().LogEntries(ctx, start, end)
}

// LogHashes returns the stored hashes with the given indexes.
func (db *DB) LogHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	return db.ledger().LogHashes(ctx, indexes)
}

// LogRecord is ledger.Log.LogRecord: a record published after its embargo
// by its digest; ENOTFOUND while it is sealed, when none has that digest,
// or when it may never be served.
func (db *DB) LogRecord(ctx context.Context, sha string) ([]byte, error) {
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return nil, err
	}
	return db.ledger().LogRecord(ctx, sha)
}

// ScanLogEntries calls fn for every entry in index order.
func (db *DB) ScanLogEntries(ctx context.Context, fn func(index int64, entry []byte) error) error {
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	return db.ledger().ScanLogEntries(ctx, fn)
}

// ScanLogHashes calls fn for every stored hash in index order.
func (db *DB) ScanLogHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error {
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	return db.ledger().ScanLogHashes(ctx, fn)
}

// ScanLogCheckpoints calls fn for every stored checkpoint in order of size.
func (db *DB) ScanLogCheckpoints(ctx context.Context, fn func(size int64, signed []byte) error) error {
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	return db.ledger().ScanLogCheckpoints(ctx, fn)
}

// logStorage is ledger.Storage on db's tables: writes in db's write
// transactions, reads on the read pool.
type logStorage struct{ db *DB }

var _ ledger.Storage = logStorage{}

// ReadWrite runs f in a write transaction of db.
func (s logStorage) ReadWrite(ctx context.Context, f func(context.Context, ledger.Tx) error) error {
	return s.db.inTx(ctx, func(t *tx) error { return f(ctx, logTx{t}) })
}

func (s logStorage) ReadCheckpoint(ctx context.Context) ([]byte, error) {
	var signed string
	err := s.db.read.QueryRowContext(ctx, `SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&signed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []byte(signed), nil
}

func (s logStorage) ReadEntries(ctx context.Context, start, end int64) ([][]byte, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT entry FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx`, start, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var e []byte
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s logStorage) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, s.db.read, indexes)
}

func (s logStorage) ReadRecord(ctx context.Context, sha string) (*ledger.Record, error) {
	return readRecord(ctx, s.db.read, sha)
}

func (s logStorage) ScanEntries(ctx context.Context, fn func(index int64, entry []byte) error) error {
	return scanLog(ctx, s.db, `SELECT idx, entry FROM log_entries ORDER BY idx`, fn)
}

func (s logStorage) ScanHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error {
	return scanLog(ctx, s.db, `SELECT idx, hash FROM log_hashes ORDER BY idx`, func(i int64, b []byte) error {
		var h tlog.Hash
		copy(h[:], b) // a hash of another length fails the comparison
		if len(b) != tlog.HashSize {
			h[0] ^= 0xff
		}
		return fn(i, h)
	})
}

func (s logStorage) ScanCheckpoints(ctx context.Context, fn func(size int64, signed []byte) error) error {
	return scanLog(ctx, s.db, `SELECT size, note FROM log_checkpoints ORDER BY size`, fn)
}

// logTx is ledger.Tx within t.
type logTx struct{ t *tx }

// LockHead reads the head row, locking it on PostgreSQL.
func (x logTx) LockHead(ctx context.Context) (int64, error) {
	q := `SELECT size FROM log_head WHERE id = 1`
	if x.t.db.dialect.name() == "postgres" {
		q += ` FOR UPDATE`
	}
	var size int64
	err := x.t.QueryRowContext(ctx, q).Scan(&size)
	return size, err
}

func (x logTx) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, x.t, indexes)
}

func (x logTx) ReadRecord(ctx context.Context, sha string) (*ledger.Record, error) {
	return readRecord(ctx, x.t, sha)
}

func (x logTx) WriteEntries(ctx context.Context, first int64, entries [][]byte, hashes []tlog.Hash) error {
	rows := make([][]any, len(entries))
	for i, e := range entries {
		rows[i] = []any{first + int64(i), e}
	}
	if err := x.t.insertRows(ctx, "log_entries", []string{"idx", "entry"}, rows); err != nil {
		return err
	}
	base := tlog.StoredHashIndex(0, first)
	rows = make([][]any, len(hashes))
	for i := range hashes {
		rows[i] = []any{base + int64(i), hashes[i][:]}
	}
	return x.t.insertRows(ctx, "log_hashes", []string{"idx", "hash"}, rows)
}

func (x logTx) WriteCheckpoint(ctx context.Context, size int64, signed []byte, at time.Time) error {
	if _, err := x.t.ExecContext(ctx, `INSERT INTO log_checkpoints (size, note, created_at) VALUES ($1, $2, $3)`,
		size, string(signed), at.UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	_, err := x.t.ExecContext(ctx, `UPDATE log_head SET size = $1 WHERE id = 1`, size)
	return err
}

func (x logTx) WriteRecord(ctx context.Context, r *ledger.Record) error {
	_, err := x.t.ExecContext(ctx, `INSERT INTO log_records (sha256, record, body, sealed_index)
		VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`, r.SHA256, r.Type, r.Data, r.Sealed)
	return err
}

func (x logTx) PublishRecord(ctx context.Context, sha string, unseal int64, at time.Time) error {
	_, err := x.t.ExecContext(ctx, `UPDATE log_records SET unseal_index = $1, published_at = $2 WHERE sha256 = $3`,
		unseal, at.UTC().Format(time.RFC3339), sha)
	return err
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

// readRecord reads the sealed record with digest sha through q.
func readRecord(ctx context.Context, q querier, sha string) (*ledger.Record, error) {
	r := &ledger.Record{SHA256: sha}
	var unseal sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT record, body, sealed_index, unseal_index FROM log_records WHERE sha256 = $1`, sha).
		Scan(&r.Type, &r.Data, &r.Sealed, &unseal)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "记录 %s 不存在", sha)
	}
	if err != nil {
		return nil, err
	}
	r.Unseal = -1
	if unseal.Valid {
		r.Unseal = unseal.Int64
	}
	return r, nil
}

// readHashes reads stored hashes by index through q (a transaction or a
// pool), in the order of indexes.
func readHashes(ctx context.Context, q querier, indexes []int64) ([]tlog.Hash, error) {
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
	found := make(map[int64]tlog.Hash, len(indexes))
	for rows.Next() {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return nil, err
		}
		if len(b) != tlog.HashSize {
			return nil, fmt.Errorf("log hash %d has %d bytes", idx, len(b))
		}
		found[idx] = tlog.Hash(b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := found[x]
		if !ok {
			return nil, fmt.Errorf("log hash %d missing", x)
		}
		out[i] = h
	}
	return out, nil
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
