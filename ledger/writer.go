package ledger

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
)

// Writer appends to a log within one transaction of its storage, which it
// has locked (Tx.LockHead). It keeps the size, and the hashes it writes, in
// memory until the transaction ends; Sign writes the signed checkpoint of
// the new size, and must be called before the transaction commits, so
// that every committed size has its signed checkpoint and readers never
// see entries that are not signed. A Writer is not safe for concurrent
// use, nor is a transaction.
type Writer struct {
	log   *Log
	tx    Tx
	size  int64 // the log's size with this transaction's appends
	dirty bool  // appended since the last Sign
	// frontier holds, per level, the last hash this transaction wrote: the
	// hashes that later appends and the root read (the latest complete
	// subtree of each level), so that a bulk append need not read back
	// what it has not written yet.
	frontier [64]struct {
		index int64
		hash  tlog.Hash
		ok    bool
	}
	// The entries and hashes not written yet, and the index of the first.
	first   int64
	entries [][]byte
	hashes  []tlog.Hash
}

// flushHashes is how many stored hashes AppendAll collects before it
// writes them and their entries, about two per entry.
const flushHashes = 8192

// Begin locks the log in tx, a write transaction of the log's storage, and
// returns its writer. The caller runs Writer.Sign before it commits tx (as
// Update does). Without a signing key it fails with ErrNoKey.
func (l *Log) Begin(ctx context.Context, tx Tx) (*Writer, error) {
	if l.signer == nil {
		return nil, ErrNoKey
	}
	size, err := tx.LockHead(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock log head: %w", err)
	}
	return &Writer{log: l, tx: tx, size: size, first: size}, nil
}

// Size returns the size of the log with the appends of w.
func (w *Writer) Size() int64 { return w.size }

// hashReader reads stored hashes for tlog: from the frontier, else from
// the transaction.
func (w *Writer) hashReader(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var missing []int64
		for i, x := range indexes {
			level, _ := tlog.SplitStoredHashIndex(x)
			if f := &w.frontier[level]; f.ok && f.index == x {
				out[i] = f.hash
			} else {
				missing = append(missing, x)
			}
		}
		if len(missing) == 0 {
			return out, nil
		}
		found, err := w.tx.ReadHashes(ctx, missing)
		if err != nil {
			return nil, err
		}
		if len(found) != len(missing) {
			return nil, fmt.Errorf("ledger: read %d of %d stored hashes", len(found), len(missing))
		}
		j := 0
		for i, x := range indexes {
			if level, _ := tlog.SplitStoredHashIndex(x); !w.frontier[level].ok || w.frontier[level].index != x {
				out[i] = found[j]
				j++
			}
		}
		return out, nil
	})
}

// Append logs an entry of type typ with body (canonical JSON, see
// EncodeEntry) stamped with the log's clock and returns its index. A body
// EncodeEntry refuses is an EINVALID error, and nothing is appended.
func (w *Writer) Append(ctx context.Context, typ string, body []byte) (int64, error) {
	return w.AppendAll(ctx, typ, [][]byte{body})
}

// AppendAll logs one entry of type typ per body, all stamped alike, and
// returns the index of the first. On an error the transaction must be
// rolled back: entries before the bad one may be written.
func (w *Writer) AppendAll(ctx context.Context, typ string, bodies [][]byte) (first int64, err error) {
	now := w.log.now()
	first = w.size
	hr := w.hashReader(ctx)
	for _, body := range bodies {
		entry, err := EncodeEntry(typ, now, body)
		if err != nil {
			return 0, spotcheck.Errorf(spotcheck.EINVALID, "无法写入日志：%v", err)
		}
		n := w.size
		hashes, err := tlog.StoredHashes(n, entry, hr)
		if err != nil {
			return 0, err
		}
		w.entries = append(w.entries, entry)
		w.hashes = append(w.hashes, hashes...)
		base := tlog.StoredHashIndex(0, n)
		for j, h := range hashes {
			f := &w.frontier[j]
			f.index, f.hash, f.ok = base+int64(j), h, true
		}
		w.size++
		w.dirty = true
		if len(w.hashes) >= flushHashes {
			if err := w.flush(ctx); err != nil {
				return 0, err
			}
		}
	}
	return first, w.flush(ctx)
}

// flush writes the entries and hashes collected.
func (w *Writer) flush(ctx context.Context) error {
	if len(w.entries) == 0 {
		return nil
	}
	if err := w.tx.WriteEntries(ctx, w.first, w.entries, w.hashes); err != nil {
		return err
	}
	clear(w.entries)
	w.first, w.entries, w.hashes = w.size, w.entries[:0], w.hashes[:0]
	return nil
}

// AppendSealed keeps data back and logs its sealed entry (SealedBody); it
// returns the entry's index and the record's digest. The record is
// published by Unseal. Data sealed before keeps its first record (and
// sealed entry index); the new sealed entry is logged all the same.
func (w *Writer) AppendSealed(ctx context.Context, record string, data []byte) (index int64, sha string, err error) {
	if !validName(record) {
		return 0, "", spotcheck.Errorf(spotcheck.EINVALID, "日志记录类型“%s”无效", record)
	}
	if index, err = w.Append(ctx, TypeSealed, SealedBody(record, data)); err != nil {
		return 0, "", err
	}
	sha = Digest(data)
	if err := w.tx.WriteRecord(ctx, &Record{SHA256: sha, Type: record, Data: data, Sealed: index, Unseal: -1}); err != nil {
		return 0, "", err
	}
	return index, sha, nil
}

// Unseal publishes the sealed record with digest sha (served from then on
// by LogRecord) and logs the unseal entry that names its sealed entry
// (UnsealBody). It returns the unseal entry's index; a record already
// published keeps its first unseal entry, whose index is returned. An
// unknown digest is ENOTFOUND; a record that may not be published
// (Servable) is EINVALID. The lock that Begin took keeps two transactions
// from both finding the record sealed.
func (w *Writer) Unseal(ctx context.Context, sha string) (int64, error) {
	r, err := w.tx.ReadRecord(ctx, sha)
	if spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND {
		return 0, spotcheck.Errorf(spotcheck.ENOTFOUND, "密封记录 %s 不存在", sha)
	}
	if err != nil {
		return 0, err
	}
	if !Servable(r.Type) {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "%s 记录不向公众公开（规范修订1），不能解除密封", r.Type)
	}
	if r.Unseal >= 0 {
		return r.Unseal, nil
	}
	index, err := w.Append(ctx, TypeUnseal, UnsealBody(r.Sealed, r.Type, sha))
	if err != nil {
		return 0, err
	}
	if err := w.tx.PublishRecord(ctx, sha, index, w.log.now()); err != nil {
		return 0, err
	}
	return index, nil
}

// Sign signs the checkpoint of the log's size after w's appends and
// writes it (Tx.WriteCheckpoint). It does nothing when nothing was
// appended since the last call.
func (w *Writer) Sign(ctx context.Context) error {
	if !w.dirty {
		return nil
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	root, err := tlog.TreeHash(w.size, w.hashReader(ctx))
	if err != nil {
		return err
	}
	signer := w.log.signer
	signed, err := SignCheckpoint(Checkpoint{Origin: signer.Name(), Size: w.size, Root: root}, signer)
	if err != nil {
		return err
	}
	if err := w.tx.WriteCheckpoint(ctx, w.size, signed, w.log.now()); err != nil {
		return err
	}
	w.dirty = false
	return nil
}
