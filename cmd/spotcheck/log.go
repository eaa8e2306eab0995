package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"spotcheck"
	"spotcheck/ledger"
	"spotcheck/store"
)

// The log's key (design §5): an Ed25519 note key in a file named by
// --log-key, never in the database or its dumps. By default it lies beside
// a SQLite database (<database>.logkey) and, for PostgreSQL, in the working
// directory (spotcheck-log.key); several instances share one file. It is
// created with the origin ledger.DefaultOrigin on first use; an existing
// file keeps its own name.

// postgresLogKey is the default key file for a PostgreSQL database.
const postgresLogKey = "spotcheck-log.key"

// logKeyFlag adds the --log-key flag of the commands that append to the
// log or check it.
func logKeyFlag(fs *flag.FlagSet) *string {
	return fs.String("log-key", "", "日志签名密钥文件（默认：SQLite 数据库旁的“数据库文件名.logkey”；PostgreSQL 为当前目录下的 "+postgresLogKey+"）")
}

// logKeyPath returns the key file of the database dsn: keyPath when given,
// else the default.
func logKeyPath(dsn, keyPath string) string {
	switch {
	case keyPath != "":
		return keyPath
	case store.IsPostgres(dsn):
		return postgresLogKey
	}
	return dsn + ".logkey"
}

// openLoggedDB opens the database dsn and gives it the log key of keyPath
// (see logKeyPath), creating the key on first use: for every command that
// appends to the log.
func (m *Main) openLoggedDB(ctx context.Context, dsn, keyPath string) (*store.DB, error) {
	db, err := m.openDB(ctx, dsn)
	if err != nil {
		return nil, err
	}
	path := logKeyPath(dsn, keyPath)
	_, statErr := os.Stat(path)
	signer, vkey, err := ledger.LoadOrCreateKey(path, ledger.DefaultOrigin)
	if err != nil {
		db.Close()
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "%v", err)
	}
	if errors.Is(statErr, os.ErrNotExist) {
		fmt.Fprintf(m.Stderr, "已生成日志签名密钥 %s（请备份并妥善保管；多个实例须共用此文件）\n", path)
	}
	db.UseLogKey(signer, vkey)
	if err := m.publishOldDraws(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// publishOldDraws brings draws published before amendment 1 of the draw
// specification into its form (store.DB.PublishOldDraws: a publication
// record each; the result record no longer served, though its earlier
// unseal entry stays in the append-only log as history). It runs whenever
// the program opens the database with its log key, and in `migrate`, as
// the system principal "job:publish-old-draws", which the change history
// names.
func (m *Main) publishOldDraws(ctx context.Context, db *store.DB) error {
	ctx = spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("job:publish-old-draws"))
	n, err := db.PublishOldDraws(ctx)
	if n > 0 {
		fmt.Fprintf(m.Stderr, "已为 %d 个已公开的抽取补记 publication 记录；其结果记录不再公开（抽取规范修订1，原 unseal 记录作为历史保留在日志中）\n", n)
	}
	if err != nil {
		return fmt.Errorf("补记抽取的 publication 记录：%w", err)
	}
	return nil
}

// openKeyedDB opens the database dsn with its existing log key, for
// commands that read the log and must not create a key (draw export).
func (m *Main) openKeyedDB(ctx context.Context, dsn, keyPath string) (*store.DB, error) {
	signer, vkey, err := ledger.LoadKey(logKeyPath(dsn, keyPath))
	if err != nil {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "%v", err)
	}
	db, err := m.openDB(ctx, dsn)
	if err != nil {
		return nil, err
	}
	db.UseLogKey(signer, vkey)
	return db, nil
}

// runLog is the log command family of spec/cli.md:
//
//	log verify [--db DSN] [--log-key FILE]
//
// verify checks every entry, stored hash and checkpoint (ledger.VerifyLog)
// and prints "ok <size> entries"; on a problem it prints
// "第 <index> 条记录…" on stderr and exits 1. A database whose log has
// never been written and has no key file is an empty log.
func (m *Main) runLog(ctx context.Context, args []string) error {
	const use = "用法：spotcheck log verify [--db 数据库] [--log-key 密钥文件]"
	if len(args) == 0 || args[0] != "verify" {
		return usagef(use)
	}
	fs := flag.NewFlagSet("log verify", flag.ContinueOnError)
	dsn := dbFlag(fs)
	keyPath := logKeyFlag(fs)
	if pos, err := parse(fs, args[1:]); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef(use)
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, vkey, err := ledger.LoadKey(logKeyPath(*dsn, *keyPath))
	if errors.Is(err, os.ErrNotExist) {
		if size, serr := db.LogSize(ctx); serr == nil && size == 0 {
			fmt.Fprintln(m.Stdout, "ok 0 entries")
			return nil
		}
	}
	if err != nil {
		return spotcheck.Errorf(spotcheck.EINVALID, "%v", err)
	}
	size, err := ledger.VerifyLog(ctx, db, vkey)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "ok %d entries\n", size)
	return nil
}

// benchLog measures the log (bench log --entries N [--db DSN]):
//
//  1. single appends, each in a transaction of its own with its signed
//     checkpoint, for --duration (target ≥ 1,000 a second on SQLite);
//  2. a bulk append of N entries, 100,000 to a transaction;
//  3. log verify of the whole log (target ≤ 30 s for a million entries),
//     with its peak heap.
//
// Without --db the log goes to a new SQLite file in a temporary folder;
// without --log-key the key is a throw-away one beside it.
func (m *Main) benchLog(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench log", flag.ContinueOnError)
	n := fs.Int("entries", 1000000, "批量写入的日志记录数")
	dsn := fs.String("db", "", "目标数据库（默认临时 SQLite 文件）")
	keyPath := logKeyFlag(fs)
	dur := fs.Duration("duration", 3*time.Second, "逐条写入的测量时长")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 || *n < 0 {
		return usagef("用法：spotcheck bench log [--entries N] [--db 数据库] [--duration 3s]")
	}
	tmp, err := os.MkdirTemp("", "spotcheck-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if *dsn == "" {
		*dsn = filepath.Join(tmp, "bench.db")
	}
	if *keyPath == "" {
		*keyPath = filepath.Join(tmp, "bench.logkey")
	}
	db, err := m.openLoggedDB(ctx, *dsn, *keyPath)
	if err != nil {
		return err
	}
	defer db.Close()
	base, err := db.LogSize(ctx)
	if err != nil {
		return err
	}
	body := func(i int) []byte {
		return fmt.Appendf(nil, `{"commitment":"%064x","participant":"bench-%d","plan":"%064x"}`, i, i, i/100)
	}

	start := time.Now()
	var single int
	for ; time.Since(start) < *dur; single++ {
		if _, err := db.AppendLog(ctx, "commit", body(single)); err != nil {
			return err
		}
	}
	d := time.Since(start)
	fmt.Fprintf(m.Stdout, "append %s: %d entries, one transaction and signed checkpoint each, in %.2f s: %.0f entries/s\n",
		db.Dialect(), single, d.Seconds(), float64(single)/d.Seconds())

	runtime.GC()
	start = time.Now()
	const chunk = 100000
	bodies := make([][]byte, 0, min(*n, chunk))
	for i := 0; i < *n; i += chunk {
		bodies = bodies[:0]
		for j := i; j < min(i+chunk, *n); j++ {
			bodies = append(bodies, body(single+j))
		}
		if err := db.AppendLogBulk(ctx, "commit", bodies); err != nil {
			return err
		}
	}
	d = time.Since(start)
	fmt.Fprintf(m.Stdout, "bulk append %s: %d entries in %.2f s (%.0f entries/s), peak RSS %d MB\n",
		db.Dialect(), *n, d.Seconds(), float64(*n)/d.Seconds(), peakRSSMB())

	bodies = nil
	runtime.GC()
	stop := sampleHeap()
	start = time.Now()
	size, err := ledger.VerifyLog(ctx, db, db.LogKey())
	d = time.Since(start)
	heap := stop()
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "log verify %s: ok %d entries (%d before the benchmark) in %.2f s (%.0f entries/s), peak heap %d MB, peak RSS %d MB\n",
		db.Dialect(), size, base, d.Seconds(), float64(size)/d.Seconds(), heap>>20, peakRSSMB())
	return nil
}

// sampleHeap samples the Go heap in use every 10 ms until stop is called,
// which returns the largest value seen, in bytes.
func sampleHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}
