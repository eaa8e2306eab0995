package ledger

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
)

// The log part of a draw bundle (spec §9 step 5, spec/cli.md draw export)
// is the folder log/ inside the bundle folder:
//
//	log/checkpoint          the latest signed checkpoint at export (SignCheckpoint)
//	log/key                 the verifier key of the log and an LF (/log/key)
//	log/<index>.json        entry <index> (decimal, no leading zeros), its bytes exactly
//	log/<index>.proof.json  its inclusion proof in that checkpoint (InclusionProof)

// BundleDir is the name of the log folder inside a bundle folder.
const BundleDir = "log"

// WriteBundleLog writes the log folder of a bundle into dir/log: the latest
// checkpoint of r, its key, and the given entries with their inclusion
// proofs in that checkpoint.
func WriteBundleLog(ctx context.Context, dir string, r Reader, indexes []int64) error {
	signed, c, err := LatestCheckpoint(ctx, r)
	if err != nil {
		return err
	}
	key := r.LogKey()
	if key == "" {
		return spotcheck.Errorf(spotcheck.EINVALID, "未配置日志密钥（--log-key），无法导出日志公钥")
	}
	out := filepath.Join(dir, BundleDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "checkpoint"), signed, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "key"), []byte(key+"\n"), 0o644); err != nil {
		return err
	}
	hr := HashReader(ctx, r)
	for _, i := range indexes {
		if i < 0 || i >= c.Size {
			return spotcheck.Errorf(spotcheck.EINVALID, "第 %d 条记录不在日志中（日志共 %d 条）", i, c.Size)
		}
		entries, err := r.LogEntries(ctx, i, i+1)
		if err != nil {
			return err
		}
		if len(entries) != 1 {
			return fmt.Errorf("ledger: entry %d not found", i)
		}
		p, err := tlog.ProveRecord(c.Size, i, hr)
		if err != nil {
			return err
		}
		proof, err := json.Marshal(InclusionProof{Hashes: nonNil(p), Index: i, Size: c.Size})
		if err != nil {
			return err
		}
		name := strconv.FormatInt(i, 10)
		if err := os.WriteFile(filepath.Join(out, name+".json"), entries[0], 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name+".proof.json"), proof, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// BundleRecords are the records of a draw whose logging VerifyBundleLog
// checks: the bytes of plan.json, randomness.json and result.json, and the
// commitments that randomness.json lists. A public bundle (spec §9) holds
// no result.json: ResultSHA then names the result record by the digest
// its publication record gives. Publication, when set, is the body of the
// draw's publication entry (spec §8, amendment 1), which must be logged.
type BundleRecords struct {
	Plan        []byte
	Commitments []Commitment
	Randomness  []byte
	Result      []byte
	ResultSHA   string
	Publication []byte
	// Control is the control record (draw/control.go) when the bundle
	// holds a control sample: it must be logged before the randomness.
	Control []byte
}

// Commitment is one participant's commitment (spec §4): Commitment is 64
// lower-case hex digits.
type Commitment struct {
	Participant string
	Commitment  string
}

// CommitBody returns the body of the commit entry that logs a commitment
// to the plan with hash planHash:
//
//	{"commitment":"<hex>","participant":"<id>","plan":"<plan_hash>"}
func CommitBody(planHash string, c Commitment) ([]byte, error) {
	b := []byte(`{"commitment":`)
	b, err := appendString(b, c.Commitment)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"participant":`...)
	if b, err = appendString(b, c.Participant); err != nil {
		return nil, err
	}
	b = append(b, `,"plan":`...)
	if b, err = appendString(b, planHash); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// VerifyBundleLog carries out step 5 of spec §9 on the bundle folder dir:
// it checks the signature of log/checkpoint with log/key and the inclusion
// proof of every log/<index>.json in that checkpoint (ReadBundleEntries),
// and that among those entries
//
//   - plan.json is a plan entry, body = its bytes;
//   - each commitment is a commit entry with body CommitBody;
//   - randomness.json and result.json are each either a clear entry of
//     their type (randomness, result) whose body is the record, or a
//     sealed entry whose body is SealedBody of the record; without
//     result.json, the sealed entry of the result with digest ResultSHA;
//   - the publication record, when given, is a publication entry;
//   - the plan and every commitment come before the randomness, and the
//     randomness and the result before the publication.
//
// Where a record is logged more than once, its first entry counts. The
// error is an EINVALID *spotcheck.Error that names the file or record and
// says why.
func VerifyBundleLog(dir string, rec BundleRecords) error {
	fail := func(format string, args ...any) error {
		return spotcheck.Errorf(spotcheck.EINVALID, format, args...)
	}
	entries, err := ReadBundleEntries(dir)
	if err != nil {
		return err
	}

	// first returns the lowest index of an entry of type typ with body.
	first := func(typ string, body []byte) (int64, bool) {
		for _, e := range entries {
			if e.Type == typ && bytes.Equal(e.Body, body) {
				return e.Index, true
			}
		}
		return 0, false
	}
	planIdx, ok := first("plan", rec.Plan)
	if !ok {
		return fail("plan.json：log/ 中没有内容与之相同的 plan 记录")
	}
	planHash := Digest(rec.Plan)
	commits := make([]int64, len(rec.Commitments))
	for i, cm := range rec.Commitments {
		body, err := CommitBody(planHash, cm)
		if err != nil {
			return fail("参与方“%s”的承诺：%v", cm.Participant, err)
		}
		if commits[i], ok = first("commit", body); !ok {
			return fail("参与方“%s”的承诺：log/ 中没有对应的 commit 记录（应为 %s）", cm.Participant, body)
		}
	}
	// logged returns the first entry of a record that may be sealed.
	logged := func(file, typ string, data []byte) (int64, error) {
		if len(data) == 0 {
			return 0, fail("%s：记录为空", file)
		}
		clear, okClear := first(typ, data)
		sealed, okSealed := first(TypeSealed, SealedBody(typ, data))
		switch {
		case okClear && (!okSealed || clear < sealed):
			return clear, nil
		case okSealed:
			return sealed, nil
		}
		return 0, fail("%s：log/ 中既没有内容与之相同的 %s 记录，也没有摘要为 %s 的 sealed 记录", file, typ, Digest(data))
	}
	randIdx, err := logged("randomness.json", "randomness", rec.Randomness)
	if err != nil {
		return err
	}
	var resIdx int64
	switch {
	case rec.Result != nil:
		if resIdx, err = logged("result.json", "result", rec.Result); err != nil {
			return err
		}
	case IsDigest(rec.ResultSHA):
		if resIdx, ok = first(TypeSealed, sealedBody("result", rec.ResultSHA)); !ok {
			return fail("publication 记录：log/ 中没有它所指摘要为 %s 的 sealed result 记录", rec.ResultSHA)
		}
	default:
		return fail("result.json：文件不存在")
	}
	if planIdx > randIdx {
		return fail("plan.json：plan 记录（第 %d 条）在 randomness 记录（第 %d 条）之后，抽取计划须在随机数产生之前登记", planIdx, randIdx)
	}
	for i, idx := range commits {
		if idx > randIdx {
			return fail("参与方“%s”的承诺：commit 记录（第 %d 条）在 randomness 记录（第 %d 条）之后，承诺须在随机数产生之前登记",
				rec.Commitments[i].Participant, idx, randIdx)
		}
	}
	if rec.Control != nil {
		idx, ok := first("control", rec.Control)
		switch {
		case !ok:
			return fail("control.json：log/ 中没有内容与之相同的 control 记录")
		case idx > randIdx:
			return fail("control.json：control 记录（第 %d 条）在 randomness 记录（第 %d 条）之后，对照样本户数须在随机数产生之前登记", idx, randIdx)
		}
	}
	if rec.Publication != nil {
		pubIdx, ok := first(TypePublication, rec.Publication)
		switch {
		case !ok:
			return fail("published.tsv：log/ 中没有与之相符的 publication 记录（应为 %s）", rec.Publication)
		case pubIdx < randIdx || pubIdx < resIdx:
			return fail("published.tsv：publication 记录（第 %d 条）在 randomness（第 %d 条）或 result（第 %d 条）记录之前", pubIdx, randIdx, resIdx)
		}
	}
	return nil
}

// BundleEntry is an entry of a bundle's log/ folder with its index.
type BundleEntry struct {
	Entry
	Index int64
}

// ReadBundleEntries reads log/ of the bundle folder dir: it checks the
// signature of log/checkpoint with log/key and the inclusion proof of
// every log/<index>.json in that checkpoint, and returns the entries in
// index order. The error is an EINVALID *spotcheck.Error naming the file.
func ReadBundleEntries(dir string) ([]BundleEntry, error) {
	logDir := filepath.Join(dir, BundleDir)
	fail := func(format string, args ...any) error {
		return spotcheck.Errorf(spotcheck.EINVALID, format, args...)
	}
	key, err := readLogFile(filepath.Join(logDir, "key"))
	if err != nil {
		return nil, fail("log/key：无法读取（%v）", pathErr(err))
	}
	signed, err := readLogFile(filepath.Join(logDir, "checkpoint"))
	if err != nil {
		return nil, fail("log/checkpoint：无法读取（%v）", pathErr(err))
	}
	c, err := OpenCheckpoint(signed, strings.TrimSuffix(string(key), "\n"))
	if err != nil {
		return nil, fail("log/checkpoint：%v", err)
	}
	return readBundleEntries(logDir, c)
}

// readBundleEntries reads every log/<index>.json of logDir with its proof,
// checks the proof against c and returns the entries in index order.
func readBundleEntries(logDir string, c Checkpoint) ([]BundleEntry, error) {
	files, err := os.ReadDir(logDir)
	if err != nil {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "log/：无法读取（%v）", pathErr(err))
	}
	files = slices.DeleteFunc(files, func(f fs.DirEntry) bool {
		name, ok := strings.CutSuffix(f.Name(), ".json")
		index, err := strconv.ParseInt(name, 10, 64)
		return !ok || err != nil || strconv.FormatInt(index, 10) != name
	})
	if len(files) > maxLogEntries {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "log/：记录过多（%d 条，上限 %d 条），不是正常的抽取包", len(files), maxLogEntries)
	}
	var out []BundleEntry
	for _, f := range files {
		name := strings.TrimSuffix(f.Name(), ".json")
		index, _ := strconv.ParseInt(name, 10, 64)
		file := "log/" + f.Name()
		fail := func(format string, args ...any) error {
			return spotcheck.Errorf(spotcheck.EINVALID, file+"："+format, args...)
		}
		entry, err := readLogFile(filepath.Join(logDir, f.Name()))
		if err != nil {
			return nil, fail("无法读取（%v）", pathErr(err))
		}
		e, err := ParseEntry(entry)
		if err != nil {
			return nil, fail("不是有效的日志记录：%v", err)
		}
		data, err := readLogFile(filepath.Join(logDir, name+".proof.json"))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fail("缺少包含证明 %s.proof.json", name)
		} else if err != nil {
			return nil, fail("包含证明 %s.proof.json 无法读取（%v）", name, pathErr(err))
		}
		var p InclusionProof
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, fail("包含证明 %s.proof.json 格式错误：%v", name, err)
		}
		if p.Index != index || p.Size != c.Size {
			return nil, fail("包含证明是第 %d 条记录在大小为 %d 的树中的，应为第 %d 条在检查点的大小 %d 中", p.Index, p.Size, index, c.Size)
		}
		if err := p.Check(c.Root, entry); err != nil {
			return nil, fail("不在签名的检查点中：%v", err)
		}
		out = append(out, BundleEntry{Entry: e, Index: index})
	}
	slices.SortFunc(out, func(a, b BundleEntry) int { return cmp.Compare(a.Index, b.Index) })
	return out, nil
}

// pathErr returns the reason of a file error without the path, which the
// message already names.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(err, fs.ErrNotExist) {
			return errors.New("文件不存在")
		}
		return pe.Err
	}
	return err
}
