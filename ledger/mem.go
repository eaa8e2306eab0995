package ledger

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
)

// Memory is a log kept in memory: a Log over a Storage in memory, with
// the behaviour the store has on a database (every append is signed at
// once, sealed records are served only once unsealed). It serves tests of
// the log's readers (the HTTP interface, bundles, VerifyLog) without a
// database. It is safe for concurrent use.
//
// Its Append, AppendSealed and Unseal take no context, for tests; the
// Log's own methods remain as m.Log.Append and so on.
type Memory struct {
	*Log
	mem *memStorage
}

// NewMemory returns an empty log signed by signer, whose verifier key is
// verifierKey (see NewKey).
func NewMemory(signer note.Signer, verifierKey string) *Memory {
	s := newMemStorage()
	return &Memory{Log: New(s, signer, verifierKey), mem: s}
}

// Append logs a record of type typ with body (see EncodeEntry), signs the
// new checkpoint and returns the entry's index.
func (m *Memory) Append(typ string, body []byte) (int64, error) {
	return m.Log.Append(context.Background(), typ, body)
}

// AppendSealed keeps data back and logs its sealed entry (see
// Writer.AppendSealed); it returns the entry's index and the record's
// digest.
func (m *Memory) AppendSealed(record string, data []byte) (int64, string, error) {
	return m.Log.AppendSealed(context.Background(), record, data)
}

// Unseal publishes the sealed record with digest sha (see Writer.Unseal).
func (m *Memory) Unseal(sha string) (int64, error) {
	return m.Log.Unseal(context.Background(), sha)
}

// memStorage is a Storage in memory. A write transaction holds writer for
// its whole length (the head's lock) and collects its writes in a memTx;
// the commit applies them under mu, so reads never see them before.
type memStorage struct {
	writer sync.Mutex

	mu          sync.RWMutex
	size        int64 // the head
	entries     [][]byte
	hashes      []tlog.Hash
	checkpoints []memCheckpoint
	records     map[string]*Record
}

type memCheckpoint struct {
	size   int64
	signed []byte
}

func newMemStorage() *memStorage { return &memStorage{records: map[string]*Record{}} }

// ReadWrite implements Storage.
func (s *memStorage) ReadWrite(ctx context.Context, f func(context.Context, Tx) error) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	s.mu.RLock()
	tx := &memTx{s: s, size: s.size, records: map[string]*Record{}}
	s.mu.RUnlock()
	if err := f(ctx, tx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.size = tx.size
	s.entries = append(s.entries, tx.entries...)
	s.hashes = append(s.hashes, tx.hashes...)
	s.checkpoints = append(s.checkpoints, tx.checkpoints...)
	for sha, r := range tx.records {
		s.records[sha] = r
	}
	return nil
}

// ReadCheckpoint implements Storage.
func (s *memStorage) ReadCheckpoint(ctx context.Context) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.checkpoints) == 0 {
		return nil, nil
	}
	return s.checkpoints[len(s.checkpoints)-1].signed, nil
}

// ReadEntries implements Storage.
func (s *memStorage) ReadEntries(ctx context.Context, start, end int64) ([][]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	end = min(end, int64(len(s.entries)))
	if start >= end {
		return nil, nil
	}
	return append([][]byte(nil), s.entries[start:end]...), nil
}

// ReadHashes implements Storage.
func (s *memStorage) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return memHashes(s.hashes).ReadHashes(indexes)
}

// ReadRecord implements Storage.
func (s *memStorage) ReadRecord(ctx context.Context, sha string) (*Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.record(sha)
}

// record returns a copy of the record with digest sha; s.mu is held.
func (s *memStorage) record(sha string) (*Record, error) {
	r := s.records[sha]
	if r == nil {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "记录 %s 不存在", sha)
	}
	c := *r
	return &c, nil
}

// The scans read what was committed when they start: a commit only
// appends beyond the slices they hold.

// ScanEntries implements Storage.
func (s *memStorage) ScanEntries(ctx context.Context, fn func(int64, []byte) error) error {
	s.mu.RLock()
	entries := s.entries
	s.mu.RUnlock()
	for i, e := range entries {
		if err := fn(int64(i), e); err != nil {
			return err
		}
	}
	return nil
}

// ScanHashes implements Storage.
func (s *memStorage) ScanHashes(ctx context.Context, fn func(int64, tlog.Hash) error) error {
	s.mu.RLock()
	hashes := s.hashes
	s.mu.RUnlock()
	for i, h := range hashes {
		if err := fn(int64(i), h); err != nil {
			return err
		}
	}
	return nil
}

// ScanCheckpoints implements Storage.
func (s *memStorage) ScanCheckpoints(ctx context.Context, fn func(int64, []byte) error) error {
	s.mu.RLock()
	cps := s.checkpoints
	s.mu.RUnlock()
	for _, c := range cps {
		if err := fn(c.size, c.signed); err != nil {
			return err
		}
	}
	return nil
}

// memTx is a write transaction of a memStorage: its writes, not yet
// committed. Only the one transaction that holds s.writer changes s, so it
// reads s.entries and s.hashes without their lock changing under it.
type memTx struct {
	s           *memStorage
	size        int64
	entries     [][]byte
	hashes      []tlog.Hash
	checkpoints []memCheckpoint
	records     map[string]*Record // written or published here
}

// LockHead implements Tx: ReadWrite holds the lock already.
func (tx *memTx) LockHead(ctx context.Context) (int64, error) { return tx.size, nil }

// ReadHashes implements Tx.
func (tx *memTx) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	tx.s.mu.RLock()
	defer tx.s.mu.RUnlock()
	base := int64(len(tx.s.hashes))
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		switch {
		case x >= 0 && x < base:
			out[i] = tx.s.hashes[x]
		case x >= base && x-base < int64(len(tx.hashes)):
			out[i] = tx.hashes[x-base]
		default:
			return nil, fmt.Errorf("stored hash %d missing", x)
		}
	}
	return out, nil
}

// ReadRecord implements Tx.
func (tx *memTx) ReadRecord(ctx context.Context, sha string) (*Record, error) {
	if r := tx.records[sha]; r != nil {
		c := *r
		return &c, nil
	}
	tx.s.mu.RLock()
	defer tx.s.mu.RUnlock()
	return tx.s.record(sha)
}

// WriteEntries implements Tx.
func (tx *memTx) WriteEntries(ctx context.Context, first int64, entries [][]byte, hashes []tlog.Hash) error {
	tx.s.mu.RLock()
	n, h := int64(len(tx.s.entries)), int64(len(tx.s.hashes))
	tx.s.mu.RUnlock()
	if first != n+int64(len(tx.entries)) || tlog.StoredHashIndex(0, first) != h+int64(len(tx.hashes)) {
		return fmt.Errorf("ledger: entry %d written out of order", first)
	}
	for _, e := range entries {
		tx.entries = append(tx.entries, bytes.Clone(e))
	}
	tx.hashes = append(tx.hashes, hashes...)
	return nil
}

// WriteCheckpoint implements Tx.
func (tx *memTx) WriteCheckpoint(ctx context.Context, size int64, signed []byte, at time.Time) error {
	tx.checkpoints = append(tx.checkpoints, memCheckpoint{size, bytes.Clone(signed)})
	tx.size = size
	return nil
}

// WriteRecord implements Tx.
func (tx *memTx) WriteRecord(ctx context.Context, r *Record) error {
	if _, err := tx.ReadRecord(ctx, r.SHA256); err == nil {
		return nil
	}
	c := *r
	c.Data = bytes.Clone(r.Data)
	tx.records[r.SHA256] = &c
	return nil
}

// PublishRecord implements Tx.
func (tx *memTx) PublishRecord(ctx context.Context, sha string, unseal int64, at time.Time) error {
	r, err := tx.ReadRecord(ctx, sha)
	if err != nil {
		return err
	}
	r.Unseal = unseal
	tx.records[sha] = r
	return nil
}
