package ledger

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
)

// Memory is a log kept in memory, with the behaviour the store has on a
// database: every append is signed at once, sealed records are served only
// once unsealed. It serves tests of the log's readers (the HTTP interface,
// bundles, VerifyLog) without a database. It is safe for concurrent use.
type Memory struct {
	// Now is the clock of the entries; nil means time.Now.
	Now func() time.Time

	mu          sync.Mutex
	signer      note.Signer
	key         string
	entries     [][]byte
	hashes      []tlog.Hash
	checkpoints []memCheckpoint
	records     map[string]*memRecord
}

type memCheckpoint struct {
	size   int64
	signed []byte
}

type memRecord struct {
	record    string // the record's type
	data      []byte
	published bool
	unseal    int64 // index of the unseal entry, once published
}

// NewMemory returns an empty log signed by signer, whose verifier key is
// verifierKey (see NewKey).
func NewMemory(signer note.Signer, verifierKey string) *Memory {
	return &Memory{signer: signer, key: verifierKey, records: map[string]*memRecord{}}
}

// Append logs a record of type typ with body (see EncodeEntry), signs the
// new checkpoint and returns the entry's index.
func (m *Memory) Append(typ string, body []byte) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.append(typ, body)
}

func (m *Memory) append(typ string, body []byte) (int64, error) {
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	entry, err := EncodeEntry(typ, now, body)
	if err != nil {
		return 0, err
	}
	n := int64(len(m.entries))
	hashes, err := tlog.StoredHashes(n, entry, memHashes(m.hashes))
	if err != nil {
		return 0, err
	}
	base := int64(len(m.hashes))
	root, err := tlog.TreeHash(n+1, tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x >= base && x-base < int64(len(hashes)) {
				out[i] = hashes[x-base]
			} else if x >= 0 && x < base {
				out[i] = m.hashes[x]
			} else {
				return nil, fmt.Errorf("stored hash %d missing", x)
			}
		}
		return out, nil
	}))
	if err != nil {
		return 0, err
	}
	signed, err := SignCheckpoint(Checkpoint{Origin: m.signer.Name(), Size: n + 1, Root: root}, m.signer)
	if err != nil {
		return 0, err
	}
	m.entries = append(m.entries, entry)
	m.hashes = append(m.hashes, hashes...)
	m.checkpoints = append(m.checkpoints, memCheckpoint{n + 1, signed})
	return n, nil
}

// AppendSealed keeps data back and logs its sealed entry (see SealedBody);
// it returns the entry's index and the record's digest.
func (m *Memory) AppendSealed(record string, data []byte) (int64, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !validName(record) {
		return 0, "", fmt.Errorf("日志记录类型“%s”无效", record)
	}
	i, err := m.append(TypeSealed, SealedBody(record, data))
	if err != nil {
		return 0, "", err
	}
	sha := Digest(data)
	if m.records[sha] == nil {
		m.records[sha] = &memRecord{record: record, data: data}
	}
	return i, sha, nil
}

// Unseal publishes the sealed record with digest sha and logs the unseal
// entry naming its sealed entry (see UnsealBody). A record already
// published is left as it is, and the index of its unseal entry returned.
func (m *Memory) Unseal(sha string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.records[sha]
	if r == nil {
		return 0, spotcheck.Errorf(spotcheck.ENOTFOUND, "密封记录 %s 不存在", sha)
	}
	if !Servable(r.record) {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "%s 记录不向公众公开（规范修订1），不能解除密封", r.record)
	}
	if r.published {
		return r.unseal, nil
	}
	for i, e := range m.entries {
		pe, err := ParseEntry(e)
		if err != nil || pe.Type != TypeSealed {
			continue
		}
		if rec, s, err := ParseSealedBody(pe.Body); err == nil && s == sha {
			idx, err := m.append(TypeUnseal, UnsealBody(int64(i), rec, sha))
			if err == nil {
				r.published, r.unseal = true, idx
			}
			return idx, err
		}
	}
	return 0, fmt.Errorf("ledger: sealed entry of %s not found", sha)
}

// LogKey implements Reader.
func (m *Memory) LogKey() string { return m.key }

// LogCheckpoint implements Reader.
func (m *Memory) LogCheckpoint(ctx context.Context) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.checkpoints) == 0 {
		return EmptyCheckpoint(m.signer)
	}
	return m.checkpoints[len(m.checkpoints)-1].signed, nil
}

// LogEntries implements Reader.
func (m *Memory) LogEntries(ctx context.Context, start, end int64) ([][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if start < 0 || end < start || end-start > MaxEntriesPerRequest {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "范围无效")
	}
	end = min(end, int64(len(m.entries)))
	if start >= end {
		return [][]byte{}, nil
	}
	return append([][]byte(nil), m.entries[start:end]...), nil
}

// LogHashes implements Reader.
func (m *Memory) LogHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return memHashes(m.hashes).ReadHashes(indexes)
}

// LogRecord implements Reader.
func (m *Memory) LogRecord(ctx context.Context, sha string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.records[sha]; r != nil && r.published && Servable(r.record) {
		return r.data, nil
	}
	return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "记录 %s 不存在或尚未公开", sha)
}

// ScanLogEntries implements Storage.
func (m *Memory) ScanLogEntries(ctx context.Context, fn func(int64, []byte) error) error {
	m.mu.Lock()
	entries := m.entries
	m.mu.Unlock()
	for i, e := range entries {
		if err := fn(int64(i), e); err != nil {
			return err
		}
	}
	return nil
}

// ScanLogHashes implements Storage.
func (m *Memory) ScanLogHashes(ctx context.Context, fn func(int64, tlog.Hash) error) error {
	m.mu.Lock()
	hashes := m.hashes
	m.mu.Unlock()
	for i, h := range hashes {
		if err := fn(int64(i), h); err != nil {
			return err
		}
	}
	return nil
}

// ScanLogCheckpoints implements Storage.
func (m *Memory) ScanLogCheckpoints(ctx context.Context, fn func(int64, []byte) error) error {
	m.mu.Lock()
	cps := m.checkpoints
	m.mu.Unlock()
	for _, c := range cps {
		if err := fn(c.size, c.signed); err != nil {
			return err
		}
	}
	return nil
}

// emptyRoot is the RFC 6962 root of the empty tree, SHA-256("").
func emptyRoot() tlog.Hash {
	h, _ := tlog.TreeHash(0, nil)
	return h
}

// EmptyCheckpoint returns the signed checkpoint of an empty log named
// after signer: size 0, root SHA-256("").
func EmptyCheckpoint(signer note.Signer) ([]byte, error) {
	return SignCheckpoint(Checkpoint{Origin: signer.Name(), Root: emptyRoot()}, signer)
}
