package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
)

// TestStorage checks an implementation of Storage through a Log over it,
// as golang.org/x/mod/sumdb/storage.TestStorage does for that package's
// storage: this package's tests run it on the storage of Memory, the
// store's tests on SQLite and PostgreSQL. open returns a new, empty
// storage; each subtest opens its own.
//
// It checks what Log needs of a storage and nothing of how it is kept:
// appends one at a time and in bulk (more than one write of entries in a
// transaction) read back in order, with one signed checkpoint per
// transaction whose root is the RFC 6962 root of the entries, computed
// here without tlog; proofs and VerifyLog over what was stored; a
// transaction that fails leaves nothing, and one in progress is not seen
// by reads; refused appends; sealed records, served only once unsealed
// and never when Servable says so; and concurrent appends and unseals,
// which the head's lock serializes.
func TestStorage(t *testing.T, open func(t *testing.T) Storage) {
	t.Run("empty", func(t *testing.T) { testEmpty(t, open(t)) })
	t.Run("append", func(t *testing.T) { testAppend(t, open(t)) })
	t.Run("rollback", func(t *testing.T) { testRollback(t, open(t)) })
	t.Run("refused", func(t *testing.T) { testRefused(t, open(t)) })
	t.Run("sealed", func(t *testing.T) { testSealed(t, open(t)) })
	t.Run("concurrent", func(t *testing.T) { testConcurrent(t, open(t)) })
}

// testTime is the clock of the suite's logs.
var testTime = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// newTestLog returns a log over s with a new key and the clock testTime.
func newTestLog(t *testing.T, s Storage) *Log {
	t.Helper()
	signer, vkey, err := NewKey("test.example/log")
	if err != nil {
		t.Fatal(err)
	}
	l := New(s, signer, vkey)
	l.Now = func() time.Time { return testTime }
	return l
}

func testBody(i int) []byte { return fmt.Appendf(nil, `{"n":%d,"plan":"%064x"}`, i, i) }

// merkleRoot is RFC 6962's Merkle tree hash of entries, written out
// without tlog.
func merkleRoot(entries [][]byte) tlog.Hash {
	switch len(entries) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, entries[0]...))
	}
	k := 1
	for k*2 < len(entries) {
		k *= 2
	}
	l, r := merkleRoot(entries[:k]), merkleRoot(entries[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

// logState reads l's latest checkpoint, checked with its key, and all its
// entries through LogEntries, a page at a time.
func logState(t *testing.T, l *Log) (Checkpoint, [][]byte) {
	t.Helper()
	ctx := context.Background()
	signed, err := l.LogCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := OpenCheckpoint(signed, l.LogKey())
	if err != nil {
		t.Fatal(err)
	}
	var entries [][]byte
	for {
		page, err := l.LogEntries(ctx, int64(len(entries)), int64(len(entries))+MaxEntriesPerRequest)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return c, entries
		}
		entries = append(entries, page...)
	}
}

// checkpoints returns the stored checkpoints of l by size, checked.
func checkpoints(t *testing.T, l *Log) ([]int64, map[int64]Checkpoint) {
	t.Helper()
	var sizes []int64
	cps := map[int64]Checkpoint{}
	err := l.ScanLogCheckpoints(context.Background(), func(size int64, signed []byte) error {
		c, err := OpenCheckpoint(signed, l.LogKey())
		if err != nil || c.Size != size {
			t.Errorf("checkpoint of size %d: %+v, %v", size, c, err)
		}
		sizes = append(sizes, size)
		cps[size] = c
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sizes, cps
}

// verify runs VerifyLog on l and wants n entries.
func verify(t *testing.T, l *Log, n int64) {
	t.Helper()
	if got, err := VerifyLog(context.Background(), l, l.LogKey()); got != n || err != nil {
		t.Fatalf("VerifyLog = %d, %v; want %d entries", got, err, n)
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if spotcheck.ErrorCode(err) != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

func testEmpty(t *testing.T, s Storage) {
	ctx := context.Background()
	if signed, err := s.ReadCheckpoint(ctx); signed != nil || err != nil {
		t.Fatalf("ReadCheckpoint of an empty storage = %q, %v", signed, err)
	}
	l := newTestLog(t, s)
	c, entries := logState(t, l)
	if c.Size != 0 || c.Root != sha256.Sum256(nil) || len(entries) != 0 {
		t.Fatalf("empty log: checkpoint %+v, %d entries", c, len(entries))
	}
	if _, err := s.ReadHashes(ctx, []int64{0}); err == nil {
		t.Errorf("ReadHashes of a missing hash: no error")
	}
	_, err := s.ReadRecord(ctx, Digest(nil))
	wantCode(t, "ReadRecord of an unknown digest", err, spotcheck.ENOTFOUND)
	_, err = l.LogRecord(ctx, Digest(nil))
	wantCode(t, "LogRecord of an unknown digest", err, spotcheck.ENOTFOUND)
	_, err = l.Unseal(ctx, Digest(nil))
	wantCode(t, "Unseal of an unknown digest", err, spotcheck.ENOTFOUND)
	verify(t, l, 0)
}

func testAppend(t *testing.T, s Storage) {
	ctx := context.Background()
	l := newTestLog(t, s)
	for i := range 13 {
		if idx, err := l.Append(ctx, "test", testBody(i)); err != nil || idx != int64(i) {
			t.Fatalf("Append %d = %d, %v", i, idx, err)
		}
	}
	// A bulk append large enough to be written in parts.
	var bodies [][]byte
	for i := 13; i < 9000; i++ {
		bodies = append(bodies, testBody(i))
	}
	if first, err := l.AppendAll(ctx, "test", bodies); err != nil || first != 13 {
		t.Fatalf("AppendAll = %d, %v", first, err)
	}
	if idx, err := l.Append(ctx, "test", testBody(9000)); err != nil || idx != 9000 {
		t.Fatalf("Append after the bulk = %d, %v", idx, err)
	}
	const n = 9001
	c, entries := logState(t, l)
	if c.Size != n || len(entries) != n {
		t.Fatalf("checkpoint size %d, %d entries; want %d", c.Size, len(entries), n)
	}
	want := `{"body":{"n":5,"plan":"` + fmt.Sprintf("%064x", 5) + `"},"time":"2026-03-01T08:00:00Z","type":"test"}`
	if string(entries[5]) != want {
		t.Fatalf("entry 5 = %s\nwant %s", entries[5], want)
	}
	if c.Root != merkleRoot(entries) {
		t.Fatalf("root differs from the RFC 6962 root of the entries")
	}
	// One checkpoint per transaction: 13 + 1 + 1.
	sizes, cps := checkpoints(t, l)
	if len(sizes) != 15 || sizes[12] != 13 || sizes[13] != 9000 || sizes[14] != n {
		t.Fatalf("checkpoint sizes %v", sizes)
	}
	for _, size := range []int64{1, 2, 13, 9000} {
		if cps[size].Root != merkleRoot(entries[:size]) {
			t.Errorf("checkpoint %d: root differs from the RFC 6962 root", size)
		}
	}
	var hashes int64
	err := s.ScanHashes(ctx, func(i int64, h tlog.Hash) error {
		if i != hashes {
			return fmt.Errorf("stored hash %d after %d", i, hashes-1)
		}
		hashes++
		return nil
	})
	if err != nil || hashes != tlog.StoredHashCount(n) {
		t.Fatalf("ScanHashes: %d hashes, %v; want %d", hashes, err, tlog.StoredHashCount(n))
	}
	for _, i := range []int64{0, 1, 12, 13, 4095, 4096, 8191, 8999, 9000} {
		p, err := ProveInclusion(ctx, l, i, n)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Check(c.Root, entries[i]); err != nil {
			t.Errorf("inclusion of %d: %v", i, err)
		}
	}
	for _, old := range sizes {
		p, err := ProveConsistency(ctx, l, old, n)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Check(cps[old].Root, c.Root); err != nil {
			t.Errorf("consistency %d→%d: %v", old, n, err)
		}
	}
	verify(t, l, n)

	// Reads at the edges.
	if es, err := l.LogEntries(ctx, n-2, n+5); err != nil || len(es) != 2 || !bytes.Equal(es[1], entries[n-1]) {
		t.Errorf("LogEntries past the end: %d entries, %v", len(es), err)
	}
	for _, r := range [][2]int64{{-1, 2}, {5, 4}, {0, MaxEntriesPerRequest + 1}} {
		_, err := l.LogEntries(ctx, r[0], r[1])
		wantCode(t, fmt.Sprintf("LogEntries(%d, %d)", r[0], r[1]), err, spotcheck.EINVALID)
	}
	if _, err := l.LogHashes(ctx, []int64{0, tlog.StoredHashCount(n)}); err == nil {
		t.Errorf("LogHashes of a missing hash: no error")
	}
	if hs, err := l.LogHashes(ctx, []int64{tlog.StoredHashIndex(0, 5), tlog.StoredHashIndex(0, 4)}); err != nil ||
		hs[0] != tlog.RecordHash(entries[5]) || hs[1] != tlog.RecordHash(entries[4]) {
		t.Errorf("LogHashes out of order: %v", err)
	}
}

func testRollback(t *testing.T, s Storage) {
	ctx := context.Background()
	l := newTestLog(t, s)
	for i := range 3 {
		if _, err := l.Append(ctx, "test", testBody(i)); err != nil {
			t.Fatal(err)
		}
	}
	before, err := l.LogCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte(`{"seed":"cd"}`)
	boom := errors.New("boom")
	err = l.Update(ctx, func(w *Writer) error {
		if _, err := w.Append(ctx, "test", testBody(3)); err != nil {
			return err
		}
		if _, err := w.AppendAll(ctx, "test", [][]byte{testBody(4), testBody(5)}); err != nil {
			return err
		}
		if _, _, err := w.AppendSealed(ctx, "randomness", data); err != nil {
			return err
		}
		if err := w.Sign(ctx); err != nil {
			return err
		}
		// Not committed yet: other reads do not see it.
		if c, entries := logState(t, l); c.Size != 3 || len(entries) != 3 {
			t.Errorf("a transaction in progress is seen: size %d, %d entries", c.Size, len(entries))
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Update = %v, want its function's error", err)
	}
	if after, err := l.LogCheckpoint(ctx); err != nil || !bytes.Equal(after, before) {
		t.Errorf("checkpoint changed by a failed transaction: %v", err)
	}
	if _, entries := logState(t, l); len(entries) != 3 {
		t.Errorf("%d entries after a failed transaction, want 3", len(entries))
	}
	if sizes, _ := checkpoints(t, l); len(sizes) != 3 {
		t.Errorf("checkpoints %v after a failed transaction", sizes)
	}
	_, err = s.ReadRecord(ctx, Digest(data))
	wantCode(t, "record of a failed transaction", err, spotcheck.ENOTFOUND)
	if idx, err := l.Append(ctx, "test", testBody(3)); err != nil || idx != 3 {
		t.Fatalf("Append after a failed transaction = %d, %v", idx, err)
	}
	verify(t, l, 4)
}

func testRefused(t *testing.T, s Storage) {
	ctx := context.Background()
	keyless := New(s, nil, "")
	_, err := keyless.LogCheckpoint(ctx)
	wantCode(t, "checkpoint without key or append", err, spotcheck.ENOTFOUND)
	if _, err := keyless.Append(ctx, "test", []byte(`{}`)); err != ErrNoKey {
		t.Errorf("Append without a key: %v", err)
	}
	l := newTestLog(t, s)
	for _, tt := range []struct{ typ, body string }{
		{"test", `not json`},
		{"test", `[1]`},
		{"test", "{\"a\":\n1}"},
		{"Test", `{}`},
		{"test", `{"a":"` + strings.Repeat("x", MaxEntrySize) + `"}`},
	} {
		_, err := l.Append(ctx, tt.typ, []byte(tt.body))
		wantCode(t, fmt.Sprintf("Append(%q, %.20q)", tt.typ, tt.body), err, spotcheck.EINVALID)
	}
	_, _, err = l.AppendSealed(ctx, "Randomness", []byte(`{}`))
	wantCode(t, "AppendSealed of a bad record type", err, spotcheck.EINVALID)
	if c, entries := logState(t, l); c.Size != 0 || len(entries) != 0 {
		t.Fatalf("refused appends left size %d, %d entries", c.Size, len(entries))
	}
	if _, err := l.Append(ctx, "test", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	// A log read without its key still serves the stored checkpoint.
	if signed, err := keyless.LogCheckpoint(ctx); err != nil || !bytes.HasPrefix(signed, []byte("test.example/log\n1\n")) {
		t.Errorf("checkpoint read without the key = %q, %v", signed, err)
	}
	verify(t, l, 1)
}

func testSealed(t *testing.T, s Storage) {
	ctx := context.Background()
	l := newTestLog(t, s)
	data := []byte(`{"seed":"ab","v":"spotcheck-draw/1"}`)
	if _, err := l.Append(ctx, "plan", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	idx, sha, err := l.AppendSealed(ctx, "randomness", data)
	if err != nil || idx != 1 || sha != Digest(data) {
		t.Fatalf("AppendSealed = %d %s %v", idx, sha, err)
	}
	_, err = l.LogRecord(ctx, sha)
	wantCode(t, "LogRecord of a sealed record", err, spotcheck.ENOTFOUND)
	if u, err := l.Unseal(ctx, sha); err != nil || u != 2 {
		t.Fatalf("Unseal = %d, %v", u, err)
	}
	if got, err := l.LogRecord(ctx, sha); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("LogRecord = %s, %v", got, err)
	}
	if u, err := l.Unseal(ctx, sha); err != nil || u != 2 {
		t.Fatalf("second Unseal = %d, %v", u, err)
	}
	// The same data sealed again is logged again; the record stays the first.
	if idx, sha2, err := l.AppendSealed(ctx, "randomness", data); err != nil || idx != 3 || sha2 != sha {
		t.Fatalf("AppendSealed again = %d %s %v", idx, sha2, err)
	}
	if r, err := s.ReadRecord(ctx, sha); err != nil || r.Type != "randomness" || r.Sealed != 1 || r.Unseal != 2 || !bytes.Equal(r.Data, data) {
		t.Fatalf("ReadRecord = %+v, %v", r, err)
	}
	// A result record is never published (spec §8, amendment 1).
	result := []byte(`{"selected":[]}`)
	_, rsha, err := l.AppendSealed(ctx, "result", result)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Unseal(ctx, rsha)
	wantCode(t, "Unseal of a result record", err, spotcheck.EINVALID)
	// Nor served when a log from before the amendment unsealed it.
	err = s.ReadWrite(ctx, func(ctx context.Context, tx Tx) error { return tx.PublishRecord(ctx, rsha, 4, testTime) })
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.ReadRecord(ctx, rsha); err != nil || r.Unseal != 4 {
		t.Fatalf("ReadRecord of a published result = %+v, %v", r, err)
	}
	_, err = l.LogRecord(ctx, rsha)
	wantCode(t, "LogRecord of an unsealed result record", err, spotcheck.ENOTFOUND)

	// Sealed and unsealed in one transaction, which sees its own record,
	// with one checkpoint.
	beacon := []byte(`{"round":1}`)
	err = l.Update(ctx, func(w *Writer) error {
		i, bsha, err := w.AppendSealed(ctx, "beacon", beacon)
		if err != nil {
			return err
		}
		if u, err := w.Unseal(ctx, bsha); err != nil || u != i+1 || w.Size() != i+2 {
			return fmt.Errorf("Unseal in the sealing transaction = %d, %v (size %d)", u, err, w.Size())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := l.LogRecord(ctx, Digest(beacon)); err != nil || !bytes.Equal(got, beacon) {
		t.Fatalf("LogRecord of the beacon = %s, %v", got, err)
	}
	c, entries := logState(t, l)
	for i, want := range map[int]string{
		1: `{"body":{"record":"randomness","sha256":"` + sha + `"},"time":"2026-03-01T08:00:00Z","type":"sealed"}`,
		2: `{"body":{"index":1,"record":"randomness","sha256":"` + sha + `"},"time":"2026-03-01T08:00:00Z","type":"unseal"}`,
		6: `{"body":{"index":5,"record":"beacon","sha256":"` + Digest(beacon) + `"},"time":"2026-03-01T08:00:00Z","type":"unseal"}`,
	} {
		if i >= len(entries) || string(entries[i]) != want {
			t.Errorf("entry %d = %s\nwant %s", i, entries[min(i, len(entries)-1)], want)
		}
	}
	if sizes, _ := checkpoints(t, l); c.Size != 7 || len(sizes) != 6 {
		t.Errorf("size %d, checkpoints %v; want 7 and one per transaction", c.Size, sizes)
	}
	verify(t, l, 7)
}

func testConcurrent(t *testing.T, s Storage) {
	ctx := context.Background()
	l := newTestLog(t, s)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[int64]bool{}
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				idx, err := l.Append(ctx, "test", testBody(w*1000+i))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[idx] {
					t.Errorf("index %d given twice", idx)
				}
				seen[idx] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	verify(t, l, workers*each)
	if sizes, _ := checkpoints(t, l); len(sizes) != workers*each {
		t.Errorf("%d checkpoints for %d appends", len(sizes), workers*each)
	}

	// Concurrent unseals of one record: one unseal entry.
	_, sha, err := l.AppendSealed(ctx, "randomness", []byte(`{"seed":"ef"}`))
	if err != nil {
		t.Fatal(err)
	}
	got := make([]int64, 4)
	for i := range got {
		wg.Go(func() {
			var err error
			if got[i], err = l.Unseal(ctx, sha); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, u := range got[1:] {
		if u != got[0] {
			t.Errorf("concurrent unseals gave indexes %v", got)
		}
	}
	_, entries := logState(t, l)
	unseals := 0
	for _, e := range entries {
		if bytes.Contains(e, []byte(`"type":"unseal"`)) {
			unseals++
		}
	}
	if unseals != 1 {
		t.Errorf("%d unseal entries for one record", unseals)
	}
	verify(t, l, workers*each+2)
}
