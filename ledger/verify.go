package ledger

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
)

// Scanner is a Reader that can also hand over everything it keeps, in
// order, for VerifyLog. Log implements it.
type Scanner interface {
	Reader
	// ScanLogEntries calls fn for every stored entry in index order. Here
	// and below, the bytes passed to fn are only valid during the call.
	ScanLogEntries(ctx context.Context, fn func(index int64, entry []byte) error) error
	// ScanLogHashes calls fn for every stored hash in stored-hash index
	// order.
	ScanLogHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error
	// ScanLogCheckpoints calls fn for every stored signed checkpoint in
	// order of size.
	ScanLogCheckpoints(ctx context.Context, fn func(size int64, signed []byte) error) error
}

// VerifyLog checks a whole log against its own signatures, for `spotcheck
// log verify`, and returns its size. It
//
//   - checks the signature of every stored checkpoint with verifierKey;
//   - recomputes every entry's record hash and every stored hash
//     (tlog.StoredHashes, from the hashes already checked, in memory) and
//     compares them with the stored ones, and checks that each entry is in
//     canonical form;
//   - recomputes the root of the tree at the size of every checkpoint and
//     compares it with the signed one: for the latest this checks root and
//     size, for each older one that it is consistent with the latest (both
//     are prefixes of the same recomputed tree);
//   - checks that the latest checkpoint covers exactly the stored entries
//     and that no stored hash is left over.
//
// An entry edited, removed, reordered or inserted in the database, or its
// hashes, fails one of these. The error is an EINVALID *spotcheck.Error
// naming the first bad entry ("第 <index> 条记录…"); other errors are
// failures to read. A log whose hashes were all rewritten to match edited
// entries fails on the first checkpoint signed after the edited entry,
// which is one entry later where every append is signed.
func VerifyLog(ctx context.Context, s Scanner, verifierKey string) (int64, error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return 0, spotcheck.Errorf(spotcheck.EINVALID, "日志公钥无效：%v", err)
	}
	var bad firstProblem
	cps, err := readCheckpoints(ctx, s, v, &bad)
	if err != nil {
		return 0, err
	}
	var capacity int64
	if len(cps) > 0 {
		capacity = tlog.StoredHashCount(cps[len(cps)-1].Size)
	}
	stored, err := readHashes(ctx, s, capacity)
	if err != nil {
		return 0, err
	}

	// The entries, in order: each one's hashes must be the stored ones.
	// Once they are, stored[:k] is the recomputed tree and serves to
	// compute the next hashes and the roots of the checkpoints.
	var n int64
	next := 0 // the next checkpoint to compare
	prev := int64(0)
	checkRoots := func(upto int64) error {
		for ; next < len(cps) && cps[next].Size <= upto; next++ {
			c := cps[next]
			root, err := tlog.TreeHash(c.Size, memHashes(stored))
			if err != nil {
				return err
			}
			if root != c.Root {
				if c.Size-1 == prev {
					bad.note(prev, "与签名的检查点（大小 %d）不符：记录或其哈希在签名后被改动", c.Size)
				} else {
					bad.note(prev, "至第 %d 条记录之间有记录与签名的检查点（大小 %d）不符：记录或其哈希在签名后被改动", c.Size-1, c.Size)
				}
			}
			prev = c.Size
		}
		return nil
	}
	if err := checkRoots(0); err != nil {
		return 0, err
	}
	errStop := fmt.Errorf("stop")
	err = s.ScanLogEntries(ctx, func(index int64, entry []byte) error {
		if bad.set && bad.index <= n {
			return errStop
		}
		if index != n {
			bad.note(n, "缺失（存储的下一条记录是第 %d 条）", index)
			return errStop
		}
		if _, err := ParseEntry(entry); err != nil {
			bad.note(n, "格式错误：%v", err)
			return errStop
		}
		base := tlog.StoredHashIndex(0, n)
		hashes, err := tlog.StoredHashes(n, entry, memHashes(stored[:min(base, int64(len(stored)))]))
		if err != nil {
			bad.note(n, "的树节点哈希缺失")
			return errStop
		}
		for j, h := range hashes {
			switch i := base + int64(j); {
			case i >= int64(len(stored)):
				bad.note(n, "的存储哈希缺失")
				return errStop
			case stored[i] != h && j == 0:
				bad.note(n, "与存储的哈希不符：记录被改动、删除、调换或插入")
				return errStop
			case stored[i] != h:
				bad.note(n, "写入的树节点哈希被改动")
				return errStop
			}
		}
		n++
		return checkRoots(n)
	})
	if err != nil && err != errStop {
		return 0, err
	}
	if bad.set {
		return 0, bad.err()
	}
	var latest int64
	if len(cps) > 0 {
		latest = cps[len(cps)-1].Size
	}
	switch {
	case n < latest:
		bad.note(n, "缺失：最新的签名检查点记载了 %d 条记录，数据库中只有 %d 条", latest, n)
	case n > latest:
		bad.note(latest, "未经签名：它在最新的签名检查点（大小 %d）之后", latest)
	case int64(len(stored)) > tlog.StoredHashCount(n):
		bad.note(n, "之前的哈希多于记录：数据库中有多余的存储哈希")
	}
	if bad.set {
		return 0, bad.err()
	}
	return n, nil
}

// firstProblem keeps the problem with the lowest entry index.
type firstProblem struct {
	set   bool
	index int64
	msg   string
}

func (p *firstProblem) note(index int64, format string, args ...any) {
	if !p.set || index < p.index {
		p.set, p.index, p.msg = true, index, fmt.Sprintf(format, args...)
	}
}

func (p *firstProblem) err() error {
	return spotcheck.Errorf(spotcheck.EINVALID, "第 %d 条记录%s", p.index, p.msg)
}

// readCheckpoints reads the stored checkpoints, checks their signatures
// (in parallel: a log signed at every append has as many checkpoints as
// entries) and returns them in order of size. A bad one is noted as a
// problem of the last entry it covers.
func readCheckpoints(ctx context.Context, s Scanner, v note.Verifier, bad *firstProblem) ([]Checkpoint, error) {
	type job struct {
		size   int64
		signed []byte
	}
	jobs := make(chan job, 256)
	var (
		mu  sync.Mutex
		cps []Checkpoint
		wg  sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				c, err := openCheckpoint(j.signed, v)
				if err == nil && c.Size != j.size {
					err = fmt.Errorf("记载的大小 %d 与存储的大小不符", c.Size)
				}
				mu.Lock()
				if err != nil {
					bad.note(max(j.size-1, 0), "的检查点（大小 %d）无效：%v", j.size, err)
				} else {
					cps = append(cps, c)
				}
				mu.Unlock()
			}
		})
	}
	err := s.ScanLogCheckpoints(ctx, func(size int64, signed []byte) error {
		jobs <- job{size, bytes.Clone(signed)}
		return nil
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	sort.Slice(cps, func(i, j int) bool { return cps[i].Size < cps[j].Size })
	return cps, nil
}

// openCheckpoint is OpenCheckpoint with a verifier already parsed.
func openCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("签名无效")
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("来源“%s”与日志公钥名称“%s”不一致", c.Origin, v.Name())
	}
	return c, nil
}

// readHashes reads all stored hashes into memory, up to the first gap in
// their indexes (the hashes after a gap are of no use: the entry whose
// hash is missing is reported).
func readHashes(ctx context.Context, s Scanner, capacity int64) ([]tlog.Hash, error) {
	stored := make([]tlog.Hash, 0, capacity)
	gap := false
	err := s.ScanLogHashes(ctx, func(index int64, h tlog.Hash) error {
		if index != int64(len(stored)) {
			gap = true
		}
		if !gap {
			stored = append(stored, h)
		}
		return nil
	})
	return stored, err
}

// memHashes serves stored hashes from memory.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("stored hash %d missing", x)
		}
		out[i] = m[x]
	}
	return out, nil
}
