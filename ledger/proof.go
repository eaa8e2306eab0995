package ledger

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
)

// MaxEntriesPerRequest is the most entries one read returns (spec §8.1).
const MaxEntriesPerRequest = 1000

// Reader is what the readers of the log (the HTTP interface of spec §8.1,
// proofs, bundle export) need from its storage. Entry i is the i-th
// appended (0-based); hashes are addressed by tlog's stored-hash index
// (tlog.StoredHashIndex). The store implements it.
type Reader interface {
	// LogKey returns the verifier key of the log, one line without LF
	// (see LoadOrCreateKey); "" when none is configured.
	LogKey() string
	// LogCheckpoint returns the latest signed checkpoint (see
	// SignCheckpoint). Every append is signed before it is committed, so
	// its size is the size of the log. An empty log has the checkpoint of
	// size 0 and the RFC 6962 root of the empty tree, SHA-256("").
	LogCheckpoint(ctx context.Context) ([]byte, error)
	// LogEntries returns entries start … end−1, at most
	// MaxEntriesPerRequest; fewer when the log ends before end.
	LogEntries(ctx context.Context, start, end int64) ([][]byte, error)
	// LogHashes returns the stored hashes with the given indexes, or an
	// error when one is missing.
	LogHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// LogRecord returns the bytes of a record published after its embargo
	// by its digest (hex SHA-256), or an ENOTFOUND error while it is
	// sealed or unknown.
	LogRecord(ctx context.Context, sha256 string) ([]byte, error)
}

// HashReader adapts r to tlog.HashReader, whose calls carry no context.
func HashReader(ctx context.Context, r Reader) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return r.LogHashes(ctx, indexes)
	})
}

// LatestCheckpoint returns the latest signed checkpoint of r and what it says. The
// signature is not checked: r is the log itself.
func LatestCheckpoint(ctx context.Context, r Reader) ([]byte, Checkpoint, error) {
	signed, err := r.LogCheckpoint(ctx)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	text, err := checkpointText(signed)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	c, err := ParseCheckpoint(text)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	return signed, c, nil
}

// ReadEntries returns entries start … end−1 of r (spec §8.1
// /log/entries). A range beyond the latest checkpoint or of more than
// MaxEntriesPerRequest entries is an EINVALID error that says why.
func ReadEntries(ctx context.Context, r Reader, start, end int64) ([][]byte, error) {
	_, c, err := LatestCheckpoint(ctx, r)
	if err != nil {
		return nil, err
	}
	switch {
	case start < 0 || end < start:
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "范围无效：start=%d，end=%d", start, end)
	case end > c.Size:
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "范围超出日志：日志共 %d 条记录，end=%d", c.Size, end)
	case end-start > MaxEntriesPerRequest:
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "一次最多读取 %d 条记录，请求了 %d 条", MaxEntriesPerRequest, end-start)
	case start == end:
		return [][]byte{}, nil
	}
	entries, err := r.LogEntries(ctx, start, end)
	if err != nil {
		return nil, err
	}
	if int64(len(entries)) != end-start {
		return nil, fmt.Errorf("ledger: read %d entries of %d…%d", len(entries), start, end)
	}
	return entries, nil
}

// InclusionProof is the RFC 6962 audit path of entry Index in the tree of
// Size entries, in the JSON form of spec §8.1:
//
//	{"hashes":["<base64>",…],"index":I,"size":N}
type InclusionProof struct {
	Hashes []tlog.Hash `json:"hashes"`
	Index  int64       `json:"index"`
	Size   int64       `json:"size"`
}

// ConsistencyProof is the RFC 6962 consistency proof between the trees of
// sizes Old and New, in the JSON form of spec §8.1:
//
//	{"hashes":["<base64>",…],"new":N,"old":M}
type ConsistencyProof struct {
	Hashes []tlog.Hash `json:"hashes"`
	New    int64       `json:"new"`
	Old    int64       `json:"old"`
}

// ProveInclusion returns the proof that entry index is in the tree of the
// given size (tlog.ProveRecord). A size beyond the latest checkpoint, or
// an index outside the tree, is an EINVALID error that says why.
func ProveInclusion(ctx context.Context, r Reader, index, size int64) (*InclusionProof, error) {
	_, c, err := LatestCheckpoint(ctx, r)
	if err != nil {
		return nil, err
	}
	switch {
	case size < 1 || size > c.Size:
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "size=%d 超出日志：日志共 %d 条记录", size, c.Size)
	case index < 0 || index >= size:
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "index=%d 不在大小为 %d 的树中", index, size)
	}
	p, err := tlog.ProveRecord(size, index, HashReader(ctx, r))
	if err != nil {
		return nil, err
	}
	return &InclusionProof{Hashes: nonNil(p), Index: index, Size: size}, nil
}

// ProveConsistency returns the proof that the tree of size old is a
// prefix of the tree of size new (tlog.ProveTree); old = new gives an
// empty proof. old = 0, old > new or new beyond the latest checkpoint is
// an EINVALID error that says why.
func ProveConsistency(ctx context.Context, r Reader, old, new int64) (*ConsistencyProof, error) {
	_, c, err := LatestCheckpoint(ctx, r)
	if err != nil {
		return nil, err
	}
	switch {
	case old < 1:
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "old 须至少为 1（大小为 0 的树无需证明）")
	case new > c.Size:
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "new=%d 超出日志：日志共 %d 条记录", new, c.Size)
	case old > new:
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "old=%d 大于 new=%d", old, new)
	case old == new:
		return &ConsistencyProof{Hashes: []tlog.Hash{}, New: new, Old: old}, nil
	}
	p, err := tlog.ProveTree(new, old, HashReader(ctx, r))
	if err != nil {
		return nil, err
	}
	return &ConsistencyProof{Hashes: nonNil(p), New: new, Old: old}, nil
}

// Check reports whether p proves that entry is entry p.Index of the tree
// of size p.Size with root hash root.
func (p *InclusionProof) Check(root tlog.Hash, entry []byte) error {
	if p.Index < 0 || p.Index >= p.Size {
		return fmt.Errorf("包含证明的 index=%d 不在大小为 %d 的树中", p.Index, p.Size)
	}
	if err := tlog.CheckRecord(p.Hashes, p.Size, root, p.Index, tlog.RecordHash(entry)); err != nil {
		return fmt.Errorf("包含证明无效")
	}
	return nil
}

// Check reports whether p proves that the tree of size p.Old with root
// oldRoot is a prefix of the tree of size p.New with root newRoot.
func (p *ConsistencyProof) Check(oldRoot, newRoot tlog.Hash) error {
	if p.Old == p.New && len(p.Hashes) == 0 {
		if oldRoot != newRoot {
			return fmt.Errorf("一致性证明无效：同一大小的两个根哈希不同")
		}
		return nil
	}
	if p.Old < 1 || p.Old > p.New {
		return fmt.Errorf("一致性证明的大小无效：old=%d，new=%d", p.Old, p.New)
	}
	if err := tlog.CheckTree(p.Hashes, p.New, newRoot, p.Old, oldRoot); err != nil {
		return fmt.Errorf("一致性证明无效")
	}
	return nil
}

// nonNil returns hashes, or an empty slice for nil, so that a proof of
// no hashes is written as [] and not null.
func nonNil(hashes []tlog.Hash) []tlog.Hash {
	if hashes == nil {
		return []tlog.Hash{}
	}
	return hashes
}
