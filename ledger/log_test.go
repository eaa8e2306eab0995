package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
)

var ctx = context.Background()

// newMemory returns a log of n entries of type "test".
func newMemory(t *testing.T, n int) *Memory {
	t.Helper()
	signer, vkey, err := NewKey("test.example/log")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMemory(signer, vkey)
	m.Now = func() time.Time { return t0 }
	for i := range n {
		if _, err := m.Append("test", fmt.Appendf(nil, `{"n":%d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// mth is merkleRoot (storagetest.go) as bytes.
func mth(entries [][]byte) []byte {
	h := merkleRoot(entries)
	return h[:]
}

func hashBytes(hs []tlog.Hash) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = hs[i][:]
	}
	return out
}

// Proofs are checked with tlog and, independently, with
// transparency-dev/merkle against roots computed by mth.
func TestProofs(t *testing.T) {
	const n = 21
	m := newMemory(t, n)
	signed, c, err := LatestCheckpoint(ctx, m)
	if err != nil || c.Size != n {
		t.Fatalf("checkpoint %+v, %v", c, err)
	}
	if _, err := OpenCheckpoint(signed, m.LogKey()); err != nil {
		t.Fatal(err)
	}
	if string(mth(m.mem.entries)) != string(c.Root[:]) {
		t.Fatalf("root differs from RFC 6962 MTH")
	}
	for size := int64(1); size <= n; size++ {
		root := mth(m.mem.entries[:size])
		for i := int64(0); i < size; i++ {
			p, err := ProveInclusion(ctx, m, i, size)
			if err != nil {
				t.Fatal(err)
			}
			var r tlog.Hash
			copy(r[:], root)
			if err := p.Check(r, m.mem.entries[i]); err != nil {
				t.Errorf("tlog: inclusion of %d in %d: %v", i, size, err)
			}
			leaf := rfc6962.DefaultHasher.HashLeaf(m.mem.entries[i])
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(i), uint64(size), leaf, hashBytes(p.Hashes), root); err != nil {
				t.Errorf("merkle: inclusion of %d in %d: %v", i, size, err)
			}
		}
		for old := int64(1); old <= size; old++ {
			p, err := ProveConsistency(ctx, m, old, size)
			if err != nil {
				t.Fatal(err)
			}
			var o, r tlog.Hash
			copy(o[:], mth(m.mem.entries[:old]))
			copy(r[:], root)
			if err := p.Check(o, r); err != nil {
				t.Errorf("tlog: consistency %d→%d: %v", old, size, err)
			}
			if err := proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(old), uint64(size), hashBytes(p.Hashes), o[:], root); err != nil {
				t.Errorf("merkle: consistency %d→%d: %v", old, size, err)
			}
		}
	}
	// JSON forms of spec §8.1.
	p, _ := ProveInclusion(ctx, m, 0, 1)
	if b, _ := json.Marshal(p); string(b) != `{"hashes":[],"index":0,"size":1}` {
		t.Errorf("inclusion JSON %s", b)
	}
	p, _ = ProveInclusion(ctx, m, 3, 4)
	if b, _ := json.Marshal(p); !strings.HasPrefix(string(b), `{"hashes":["`) || !strings.HasSuffix(string(b), `"],"index":3,"size":4}`) {
		t.Errorf("inclusion JSON %s", b)
	}
	cp, _ := ProveConsistency(ctx, m, 5, 5)
	if b, _ := json.Marshal(cp); string(b) != `{"hashes":[],"new":5,"old":5}` {
		t.Errorf("consistency JSON %s", b)
	}
	// Requests the log cannot answer.
	for _, f := range []func() error{
		func() error { _, err := ProveInclusion(ctx, m, 0, n+1); return err },
		func() error { _, err := ProveInclusion(ctx, m, 5, 5); return err },
		func() error { _, err := ProveInclusion(ctx, m, -1, 5); return err },
		func() error { _, err := ProveInclusion(ctx, m, 0, 0); return err },
		func() error { _, err := ProveConsistency(ctx, m, 0, 5); return err },
		func() error { _, err := ProveConsistency(ctx, m, 6, 5); return err },
		func() error { _, err := ProveConsistency(ctx, m, 1, n+1); return err },
		func() error { _, err := ReadEntries(ctx, m, 0, n+1); return err },
		func() error { _, err := ReadEntries(ctx, m, 5, 4); return err },
	} {
		if err := f(); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Errorf("want EINVALID, got %v", err)
		}
	}
	if es, err := ReadEntries(ctx, m, 2, 4); err != nil || len(es) != 2 || string(es[0]) != string(m.mem.entries[2]) {
		t.Errorf("ReadEntries = %q, %v", es, err)
	}
}

func TestEmptyLogCheckpoint(t *testing.T) {
	m := newMemory(t, 0)
	signed, c, err := LatestCheckpoint(ctx, m)
	if err != nil || c.Size != 0 || c.Root != emptyRoot() {
		t.Fatalf("%+v, %v", c, err)
	}
	if c.Root != sha256.Sum256(nil) {
		t.Errorf("empty root is not SHA-256(\"\")")
	}
	if _, err := OpenCheckpoint(signed, m.LogKey()); err != nil {
		t.Fatal(err)
	}
	if n, err := VerifyLog(ctx, m, m.LogKey()); n != 0 || err != nil {
		t.Errorf("VerifyLog of an empty log = %d, %v", n, err)
	}
}

// tampered is a log whose storage was changed behind its back.
type tampered struct {
	*Memory
	entries     func([]indexed) []indexed
	hashes      []tlog.Hash
	checkpoints []memCheckpoint
}

type indexed struct {
	i int64
	e []byte
}

func (s *tampered) ScanLogEntries(ctx context.Context, fn func(int64, []byte) error) error {
	var all []indexed
	for i, e := range s.Memory.mem.entries {
		all = append(all, indexed{int64(i), e})
	}
	if s.entries != nil {
		all = s.entries(all)
	}
	for _, x := range all {
		if err := fn(x.i, x.e); err != nil {
			return err
		}
	}
	return nil
}

func (s *tampered) ScanLogHashes(ctx context.Context, fn func(int64, tlog.Hash) error) error {
	if s.hashes == nil {
		return s.Memory.ScanLogHashes(ctx, fn)
	}
	for i, h := range s.hashes {
		if err := fn(int64(i), h); err != nil {
			return err
		}
	}
	return nil
}

func (s *tampered) ScanLogCheckpoints(ctx context.Context, fn func(int64, []byte) error) error {
	if s.checkpoints == nil {
		return s.Memory.ScanLogCheckpoints(ctx, fn)
	}
	for _, c := range s.checkpoints {
		if err := fn(c.size, c.signed); err != nil {
			return err
		}
	}
	return nil
}

// rehash returns the stored hashes of entries as if written in order.
func rehash(t *testing.T, entries [][]byte) []tlog.Hash {
	var hs []tlog.Hash
	for i, e := range entries {
		h, err := tlog.StoredHashes(int64(i), e, memHashes(hs))
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h...)
	}
	return hs
}

func TestVerifyLog(t *testing.T) {
	const n = 40
	m := newMemory(t, n)
	if got, err := VerifyLog(ctx, m, m.LogKey()); got != n || err != nil {
		t.Fatalf("VerifyLog = %d, %v", got, err)
	}
	edited := func(i int) []byte {
		return []byte(strings.Replace(string(m.mem.entries[i]), `"n":`, `"n":1`, 1))
	}
	entries := func(f func([]indexed) []indexed) *tampered { return &tampered{Memory: m, entries: f} }
	_, otherKey, _ := NewKey("test.example/log")
	badSig := append([]memCheckpoint(nil), m.mem.checkpoints...)
	badSig[19].signed = []byte(strings.Replace(string(badSig[19].signed), "\n20\n", "\n21\n", 1))
	var rewritten [][]byte
	for i := range n {
		e := m.mem.entries[i]
		if i == 7 {
			e = edited(7)
		}
		rewritten = append(rewritten, e)
	}
	tests := []struct {
		name string
		s    Scanner
		key  string
		want string
	}{
		{"edited", entries(func(a []indexed) []indexed { a[7].e = edited(7); return a }), "", "第 7 条记录与存储的哈希不符"},
		{"removed", entries(func(a []indexed) []indexed { return append(a[:7], a[8:]...) }), "", "第 7 条记录缺失"},
		{"removed last", entries(func(a []indexed) []indexed { return a[:n-1] }), "", "第 39 条记录缺失"},
		{"swapped", entries(func(a []indexed) []indexed { a[3].e, a[9].e = a[9].e, a[3].e; return a }), "", "第 3 条记录与存储的哈希不符"},
		{"inserted", entries(func(a []indexed) []indexed {
			for i := len(a) - 1; i >= 5; i-- {
				a[i].i++
			}
			return append(append(a[:5:5], indexed{5, m.mem.entries[2]}), a[5:]...)
		}), "", "第 5 条记录与存储的哈希不符"},
		{"appended unsigned", entries(func(a []indexed) []indexed { return append(a, indexed{n, m.mem.entries[0]}) }), "", "第 40 条记录"},
		{"not canonical", entries(func(a []indexed) []indexed {
			a[11].e = []byte(strings.Replace(string(a[11].e), `,"time"`, `, "time"`, 1))
			return a
		}), "", "第 11 条记录格式错误"},
		{"hashes rewritten", &tampered{Memory: m, entries: func(a []indexed) []indexed { a[7].e = rewritten[7]; return a },
			hashes: rehash(t, rewritten)}, "", "第 7 条记录与签名的检查点（大小 8）不符"},
		{"node hash edited", &tampered{Memory: m, hashes: func() []tlog.Hash {
			h := append([]tlog.Hash(nil), m.mem.hashes...)
			h[tlog.StoredHashIndex(2, 1)][0] ^= 1
			return h
		}()}, "", "第 7 条记录写入的树节点哈希被改动"},
		{"hash removed", &tampered{Memory: m, hashes: m.mem.hashes[:len(m.mem.hashes)-1]}, "", "第 39 条记录的存储哈希缺失"},
		{"checkpoint signature", &tampered{Memory: m, checkpoints: badSig}, "", "第 19 条记录的检查点（大小 20）无效"},
		{"checkpoint removed", &tampered{Memory: m, checkpoints: m.mem.checkpoints[:n-1]}, "", "第 39 条记录未经签名"},
		{"other key", m, otherKey, "第 0 条记录的检查点（大小 1）无效"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := tt.key
			if key == "" {
				key = m.LogKey()
			}
			_, err := VerifyLog(ctx, tt.s, key)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || spotcheck.ErrorCode(err) != spotcheck.EINVALID {
				t.Errorf("VerifyLog: %v\nwant %s…", err, tt.want)
			}
		})
	}
}
