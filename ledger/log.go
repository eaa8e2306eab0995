package ledger

import (
	"context"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
)

// Log is the log of spec §8 over a Storage: it encodes and hashes the
// entries it appends, signs a checkpoint for every transaction that
// appends, keeps sealed records back until they are unsealed and serves
// what may be read. It implements Reader and Scanner. A Log is safe for
// concurrent use as far as its Storage is.
type Log struct {
	// Now is the clock of the entries and checkpoints; nil means
	// time.Now.
	Now func() time.Time

	s        Storage
	signer   note.Signer // nil: no key, the log can be read but not written
	verifier string
}

var (
	_ Reader  = (*Log)(nil)
	_ Scanner = (*Log)(nil)
)

// ErrNoKey is the error of an append to a Log without a signing key.
var ErrNoKey = spotcheck.Errorf(spotcheck.EINTERNAL, "未配置日志签名密钥（--log-key），无法写入日志")

// New returns the log kept in s, signed by signer, whose verifier key is
// verifierKey (see NewKey). With a nil signer the log can be read but
// every append fails with ErrNoKey.
func New(s Storage, signer note.Signer, verifierKey string) *Log {
	return &Log{s: s, signer: signer, verifier: verifierKey}
}

func (l *Log) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Update runs f in a write transaction of the storage with a Writer that
// has locked the log, signs the checkpoint of what f appended, and
// commits; when f returns an error nothing f did is kept.
func (l *Log) Update(ctx context.Context, f func(*Writer) error) error {
	return l.s.ReadWrite(ctx, func(ctx context.Context, tx Tx) error {
		w, err := l.Begin(ctx, tx)
		if err != nil {
			return err
		}
		if err := f(w); err != nil {
			return err
		}
		return w.Sign(ctx)
	})
}

// Append logs one entry of type typ with body in a transaction of its
// own, signed, and returns its index.
func (l *Log) Append(ctx context.Context, typ string, body []byte) (index int64, err error) {
	err = l.Update(ctx, func(w *Writer) error {
		index, err = w.Append(ctx, typ, body)
		return err
	})
	return index, err
}

// AppendAll logs one entry of type typ per body in one transaction with
// one checkpoint and returns the index of the first.
func (l *Log) AppendAll(ctx context.Context, typ string, bodies [][]byte) (first int64, err error) {
	err = l.Update(ctx, func(w *Writer) error {
		first, err = w.AppendAll(ctx, typ, bodies)
		return err
	})
	return first, err
}

// AppendSealed is Writer.AppendSealed in a transaction of its own.
func (l *Log) AppendSealed(ctx context.Context, record string, data []byte) (index int64, sha string, err error) {
	err = l.Update(ctx, func(w *Writer) error {
		index, sha, err = w.AppendSealed(ctx, record, data)
		return err
	})
	return index, sha, err
}

// Unseal is Writer.Unseal in a transaction of its own: it lifts the
// embargo on one record.
func (l *Log) Unseal(ctx context.Context, sha string) (index int64, err error) {
	err = l.Update(ctx, func(w *Writer) error {
		index, err = w.Unseal(ctx, sha)
		return err
	})
	return index, err
}

// LogKey implements Reader: the verifier key given to New.
func (l *Log) LogKey() string { return l.verifier }

// LogCheckpoint implements Reader. Until the first append it is the
// checkpoint of the empty log, signed on the fly (Ed25519 signatures are
// deterministic, so it is always the same); a log without key and without
// checkpoint has none (ENOTFOUND).
func (l *Log) LogCheckpoint(ctx context.Context) ([]byte, error) {
	signed, err := l.s.ReadCheckpoint(ctx)
	if err != nil || signed != nil {
		return signed, err
	}
	if l.signer == nil {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "日志尚未启用：未配置签名密钥")
	}
	return EmptyCheckpoint(l.signer)
}

// LogEntries implements Reader. A range of more than MaxEntriesPerRequest
// entries, or one that ends before it starts, is EINVALID.
func (l *Log) LogEntries(ctx context.Context, start, end int64) ([][]byte, error) {
	if start < 0 || end < start || end-start > MaxEntriesPerRequest {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "日志记录范围无效：%d…%d（一次最多 %d 条）", start, end, MaxEntriesPerRequest)
	}
	if start == end {
		return [][]byte{}, nil
	}
	entries, err := l.s.ReadEntries(ctx, start, end)
	if entries == nil && err == nil {
		entries = [][]byte{}
	}
	return entries, err
}

// LogHashes implements Reader.
func (l *Log) LogHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return []tlog.Hash{}, nil
	}
	return l.s.ReadHashes(ctx, indexes)
}

// LogRecord implements Reader: ENOTFOUND while the record is sealed, when
// none has that digest, or when it may never be served (Servable: a
// result record, even one unsealed before amendment 1 — that unseal entry
// stays in the log as history).
func (l *Log) LogRecord(ctx context.Context, sha string) ([]byte, error) {
	r, err := l.s.ReadRecord(ctx, sha)
	if err != nil && spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
		return nil, err
	}
	if err != nil || r.Unseal < 0 || !Servable(r.Type) {
		return nil, spotcheck.Errorf(spotcheck.ENOTFOUND, "记录 %s 不存在或尚未公开", sha)
	}
	return r.Data, nil
}

// ScanLogEntries implements Scanner.
func (l *Log) ScanLogEntries(ctx context.Context, fn func(int64, []byte) error) error {
	return l.s.ScanEntries(ctx, fn)
}

// ScanLogHashes implements Scanner.
func (l *Log) ScanLogHashes(ctx context.Context, fn func(int64, tlog.Hash) error) error {
	return l.s.ScanHashes(ctx, fn)
}

// ScanLogCheckpoints implements Scanner.
func (l *Log) ScanLogCheckpoints(ctx context.Context, fn func(int64, []byte) error) error {
	return l.s.ScanCheckpoints(ctx, fn)
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
