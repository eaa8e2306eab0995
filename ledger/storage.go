package ledger

import (
	"context"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Storage keeps one log's bytes: its entries, its stored hashes (in the
// layout of tlog.StoredHashIndex), its signed checkpoints, its sealed
// records and a head that holds its size. It computes nothing: Log does
// the hashing, the signing, and the rules of sealed records and of sizes,
// so that every backend behaves the same. The memory backend of Memory and
// the store's tables implement it; TestStorage checks an implementation.
//
// Reads outside a transaction see committed data only.
type Storage interface {
	// ReadWrite runs f in a new write transaction. It commits when f
	// returns nil and otherwise rolls back and returns f's error; what f
	// wrote is then gone. Other reads see f's writes only after the
	// commit.
	ReadWrite(ctx context.Context, f func(context.Context, Tx) error) error

	// ReadCheckpoint returns the stored signed checkpoint of the greatest
	// size, or nil (and no error) when none is stored.
	ReadCheckpoint(ctx context.Context) ([]byte, error)
	// ReadEntries returns the stored entries with indexes start … end−1
	// in order; fewer when the log ends before end.
	ReadEntries(ctx context.Context, start, end int64) ([][]byte, error)
	// ReadHashes returns the stored hashes with the given indexes, in the
	// order given, or an error when one is missing.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// ReadRecord returns the sealed record with digest sha, or an
	// ENOTFOUND *spotcheck.Error when none is stored.
	ReadRecord(ctx context.Context, sha string) (*Record, error)

	// ScanEntries calls fn for every stored entry in index order. Here
	// and below, the bytes passed to fn are only valid during the call,
	// and an error of fn ends the scan and is returned.
	ScanEntries(ctx context.Context, fn func(index int64, entry []byte) error) error
	// ScanHashes calls fn for every stored hash in index order.
	ScanHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error
	// ScanCheckpoints calls fn for every stored checkpoint in order of
	// size.
	ScanCheckpoints(ctx context.Context, fn func(size int64, signed []byte) error) error
}

// Tx is the log's part of one write transaction of a Storage. Its reads
// see the transaction's own writes. A storage whose transactions do other
// work too (the store's workflow steps append entries in the transaction
// that changes a draw) hands its Tx to Log.Begin.
type Tx interface {
	// LockHead locks the log's head until the transaction ends and
	// returns the log's size. Log calls it before anything else, so that
	// appends are serialized: another transaction's LockHead waits until
	// this one ends, and then sees its writes.
	LockHead(ctx context.Context) (size int64, err error)
	// ReadHashes is Storage.ReadHashes within the transaction.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// ReadRecord is Storage.ReadRecord within the transaction.
	ReadRecord(ctx context.Context, sha string) (*Record, error)
	// WriteEntries stores entries as entries first, first+1, … and hashes
	// as the stored hashes tlog.StoredHashIndex(0, first), … in order:
	// the stored hashes of consecutive entries are consecutive. The
	// slices may be reused after the call.
	WriteEntries(ctx context.Context, first int64, entries [][]byte, hashes []tlog.Hash) error
	// WriteCheckpoint stores signed as the checkpoint of size, signed at
	// time at, and sets the head's size to size.
	WriteCheckpoint(ctx context.Context, size int64, signed []byte, at time.Time) error
	// WriteRecord stores r, unless a record with its digest is stored
	// already: then it changes nothing.
	WriteRecord(ctx context.Context, r *Record) error
	// PublishRecord records that the record with digest sha was published
	// at time at by the unseal entry unseal.
	PublishRecord(ctx context.Context, sha string, unseal int64, at time.Time) error
}

// Record is a record logged sealed (spec §8, sealed entries): the log holds
// only its digest until its embargo ends, the storage keeps its bytes.
type Record struct {
	SHA256 string // hex SHA-256 of Data (Digest), its name in the log
	Type   string // the record's type, e.g. "randomness"
	Data   []byte
	Sealed int64 // the index of its sealed entry
	Unseal int64 // the index of its unseal entry once published, else -1
}
