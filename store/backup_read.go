package store

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"golang.org/x/mod/sumdb/tlog"

	"spotcheck"
	"spotcheck/ledger"
)

// Reading a backup trusts nothing in it: the file may be truncated, not a
// backup at all, or built to exhaust the machine (a "zip bomb"). So the
// manifest is read with a bound, every member is read as a stream with a
// bound on a line (memory) and on its number of lines (the manifest's
// count), archive/zip stops a member at its declared size, and each error
// says in Chinese which member and line is wrong.

const (
	// maxManifest bounds manifest.json.
	maxManifest = 4 << 20
	// maxBackupLine bounds one row, so that a member of a single endless
	// line (a bomb of zeros) costs at most this much memory: the largest
	// attachment by default (spotcheck.DefaultPDFMax, 20 MiB) is 27 MiB in
	// base64, and limits raised to 45 MiB still fit.
	maxBackupLine = 64 << 20
)

// backupArchive is an open backup.
type backupArchive struct {
	path  string
	zr    *zip.ReadCloser
	m     BackupManifest
	files map[string]*zip.File
}

// errNotBackup is the message for a file that is not a readable backup.
func errNotBackup(path string, format string, args ...any) error {
	return spotcheck.Errorf(spotcheck.EINVALID, "%s 不是有效的 spotcheck 备份：%s", path, fmt.Sprintf(format, args...))
}

// openBackup opens the backup at path and checks its manifest.
func openBackup(path string) (*backupArchive, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errNotBackup(path, "不是 zip 文件，或文件不完整（可能被截断）")
		}
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "无法读取备份文件 %s：%v", path, err)
	}
	a := &backupArchive{path: path, zr: zr, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		a.files[f.Name] = f
	}
	if err := a.readManifest(); err != nil {
		zr.Close()
		return nil, err
	}
	return a, nil
}

func (a *backupArchive) Close() error { return a.zr.Close() }

func (a *backupArchive) readManifest() error {
	f := a.files[backupManifest]
	if f == nil {
		return errNotBackup(a.path, "缺少 %s", backupManifest)
	}
	if f.UncompressedSize64 > maxManifest {
		return errNotBackup(a.path, "%s 过大（%d 字节）", backupManifest, f.UncompressedSize64)
	}
	r, err := f.Open()
	if err != nil {
		return errNotBackup(a.path, "%s 无法读取：%v", backupManifest, err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxManifest+1))
	if err != nil {
		return errNotBackup(a.path, "%s 损坏：%v", backupManifest, err)
	}
	m := &a.m
	if err := json.Unmarshal(data, m); err != nil {
		return errNotBackup(a.path, "%s 格式错误：%v", backupManifest, err)
	}
	if m.Format != backupFormat {
		return errNotBackup(a.path, "%s 的 format 应为“%s”", backupManifest, backupFormat)
	}
	if m.Version != backupVersion {
		return spotcheck.Errorf(spotcheck.EINVALID, "备份 %s 的格式版本 %d 不受支持（本程序读取版本 %d）", a.path, m.Version, backupVersion)
	}
	seen := map[string]bool{}
	for _, t := range m.Tables {
		if t.Name == "" || seen[t.Name] || derivedTable(t.Name) || len(t.Columns) == 0 || t.Rows < 0 {
			return errNotBackup(a.path, "%s 中的表“%s”无效或重复", backupManifest, t.Name)
		}
		seen[t.Name] = true
		if a.files[t.File] == nil {
			return errNotBackup(a.path, "缺少表 %s 的数据 %s", t.Name, t.File)
		}
	}
	for _, need := range []string{"log_entries", "log_hashes", "log_checkpoints", "log_head"} {
		if !seen[need] {
			return errNotBackup(a.path, "缺少表 %s", need)
		}
	}
	return nil
}

// table returns the manifest's entry of a table, or nil.
func (a *backupArchive) table(name string) *BackupTable {
	for i := range a.m.Tables {
		if a.m.Tables[i].Name == name {
			return &a.m.Tables[i]
		}
	}
	return nil
}

// scan calls fn with every row of table bt, decoded (nil, int64, string,
// []byte or float64), in the order of bt.Columns; the slice is reused.
// It checks that the member holds exactly bt.Rows rows.
func (a *backupArchive) scan(ctx context.Context, bt *BackupTable, fn func(line int64, row []any) error) error {
	f := a.files[bt.File]
	r, err := f.Open()
	if err != nil {
		return errNotBackup(a.path, "%s 无法读取：%v", bt.File, err)
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxBackupLine)
	row := make([]any, len(bt.Columns))
	var raw []json.RawMessage
	var n int64
	for sc.Scan() {
		n++
		if n > bt.Rows {
			return errNotBackup(a.path, "%s 的行数多于清单记载的 %d 行", bt.File, bt.Rows)
		}
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		raw = raw[:0]
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil || len(raw) != len(bt.Columns) {
			return errNotBackup(a.path, "%s 第 %d 行格式错误", bt.File, n)
		}
		for i, v := range raw {
			if row[i], err = decodeValue(v); err != nil {
				return errNotBackup(a.path, "%s 第 %d 行第 %d 列：%v", bt.File, n, i+1, err)
			}
		}
		if err := fn(n, row); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return errNotBackup(a.path, "%s 第 %d 行过长（超过 %d MiB）", bt.File, n+1, maxBackupLine>>20)
		}
		return errNotBackup(a.path, "%s 第 %d 行之后无法读取（文件损坏或被截断）：%v", bt.File, n, err)
	}
	if n != bt.Rows {
		return errNotBackup(a.path, "%s 只有 %d 行，清单记载 %d 行", bt.File, n, bt.Rows)
	}
	return nil
}

// decodeValue decodes one value of a row (see appendValue).
func decodeValue(v json.RawMessage) (any, error) {
	if len(v) == 0 {
		return nil, fmt.Errorf("值为空")
	}
	switch c := v[0]; {
	case c == 'n' && string(v) == "null":
		return nil, nil
	case c == '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case c == '-' || (c >= '0' && c <= '9'):
		return strconv.ParseInt(string(v), 10, 64)
	case c == '{':
		var o map[string]string
		if err := json.Unmarshal(v, &o); err != nil || len(o) != 1 {
			return nil, fmt.Errorf("无法识别的值")
		}
		switch {
		case o["b"] != "" || bytes.HasPrefix(v, []byte(`{"b"`)):
			return base64.StdEncoding.DecodeString(o["b"])
		case o["s"] != "":
			b, err := base64.StdEncoding.DecodeString(o["s"])
			return string(b), err
		case o["f"] != "":
			return strconv.ParseFloat(o["f"], 64)
		}
	}
	return nil, fmt.Errorf("无法识别的值")
}

// archiveLog is the log of a backup as a ledger.Scanner, so that
// ledger.VerifyLog checks it before Restore writes anything. Only the
// scans are used; the Reader methods that serve proofs are not.
type archiveLog struct {
	a   *backupArchive
	key string
}

var _ ledger.Scanner = archiveLog{}

// scanPair scans two columns of a log table: an index and bytes.
func (l archiveLog) scanPair(ctx context.Context, table, idxCol, valCol string, fn func(int64, []byte) error) error {
	bt := l.a.table(table)
	i, j := slices.Index(bt.Columns, idxCol), slices.Index(bt.Columns, valCol)
	if i < 0 || j < 0 {
		return errNotBackup(l.a.path, "表 %s 缺少列 %s 或 %s", table, idxCol, valCol)
	}
	return l.a.scan(ctx, bt, func(line int64, row []any) error {
		idx, ok := row[i].(int64)
		if !ok {
			return errNotBackup(l.a.path, "%s 第 %d 行的 %s 不是整数", bt.File, line, idxCol)
		}
		switch v := row[j].(type) {
		case []byte:
			return fn(idx, v)
		case string:
			return fn(idx, []byte(v))
		}
		return errNotBackup(l.a.path, "%s 第 %d 行的 %s 为空或类型错误", bt.File, line, valCol)
	})
}

func (l archiveLog) ScanLogEntries(ctx context.Context, fn func(int64, []byte) error) error {
	return l.scanPair(ctx, "log_entries", "idx", "entry", fn)
}

func (l archiveLog) ScanLogHashes(ctx context.Context, fn func(int64, tlog.Hash) error) error {
	return l.scanPair(ctx, "log_hashes", "idx", "hash", func(i int64, b []byte) error {
		var h tlog.Hash
		copy(h[:], b) // a hash of another length fails the comparison
		if len(b) != tlog.HashSize {
			h[0] ^= 0xff
		}
		return fn(i, h)
	})
}

func (l archiveLog) ScanLogCheckpoints(ctx context.Context, fn func(int64, []byte) error) error {
	return l.scanPair(ctx, "log_checkpoints", "size", "note", fn)
}

func (l archiveLog) LogKey() string { return l.key }

var errArchiveProofs = errors.New("a backup serves no proofs")

func (l archiveLog) LogCheckpoint(context.Context) ([]byte, error) { return nil, errArchiveProofs }
func (l archiveLog) LogEntries(context.Context, int64, int64) ([][]byte, error) {
	return nil, errArchiveProofs
}
func (l archiveLog) LogHashes(context.Context, []int64) ([]tlog.Hash, error) {
	return nil, errArchiveProofs
}
func (l archiveLog) LogRecord(context.Context, string) ([]byte, error) { return nil, errArchiveProofs }
