package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/mod/sumdb/note"

	"spotcheck"
	"spotcheck/ledger"
	"spotcheck/store"
)

// runBackup is `spotcheck backup --out FILE [--db DSN] [--log-key F]`
// (spec/cli.md, Operations): a consistent backup of a running or stopped
// database in the format of store.DB.Backup, written to a temporary file
// beside FILE and renamed into place when it is complete, so that FILE is
// never half a backup. The log's signing key stays out; its verifier key
// (public), read from the key file, goes into the manifest so that a
// restore can check the log without the key file.
func (m *Main) runBackup(ctx context.Context, args []string) error {
	const use = "用法：spotcheck backup --out 文件 [--db 数据库] [--log-key 密钥文件]"
	fl := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fl.String("out", "", "备份文件（zip）")
	dsn := dbFlag(fl)
	keyPath := logKeyFlag(fl)
	if pos, err := parse(fl, args); err != nil {
		return err
	} else if len(pos) > 0 || *out == "" {
		return usagef(use)
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	kp := logKeyPath(*dsn, *keyPath)
	_, vkey, err := ledger.LoadKey(kp)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return spotcheck.Errorf(spotcheck.EINVALID, "%v", err)
		}
		fmt.Fprintf(m.Stderr, "注意：未找到日志密钥文件 %s，备份中不记载日志公钥；日志非空时，恢复须以 --log-key 指定密钥文件或公钥文件\n", kp)
	}
	f, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".part-*")
	if err != nil {
		return spotcheck.Errorf(spotcheck.EINVALID, "无法创建备份文件：%v", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	man, err := db.Backup(ctx, f, vkey)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return spotcheck.Errorf(spotcheck.EINVALID, "无法写入备份文件 %s：%v", *out, err)
	}
	var rows int64
	for _, t := range man.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(m.Stderr, "%d 个表，%d 行，日志 %d 条记录，数据库结构 %s\n", len(man.Tables), rows, man.LogSize, man.Migration)
	fmt.Fprintf(m.Stdout, "备份完成：%s\n", *out)
	return nil
}

// runRestore is `spotcheck restore FILE --db TARGET [--log-key F]`: it
// verifies the backup's log against its signed checkpoints, with the
// verifier key of F (a log key file, or a file holding the verifier key
// line that /log/key serves) or else the one the backup records, and then
// restores into TARGET (store.Restore), printing "ok <size> entries".
func (m *Main) runRestore(ctx context.Context, args []string) error {
	const use = "用法：spotcheck restore 备份文件 --db 目标数据库 [--log-key 密钥文件或公钥文件]"
	fl := flag.NewFlagSet("restore", flag.ContinueOnError)
	dsn := dbFlag(fl)
	keyPath := fl.String("log-key", "", "核验备份日志所用的日志密钥文件或公钥文件（默认：备份中记载的公钥）")
	pos, err := parse(fl, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef(use)
	}
	var vkey string
	if *keyPath != "" {
		if vkey, err = readVerifierKey(*keyPath); err != nil {
			return err
		}
	}
	size, err := store.Restore(ctx, pos[0], *dsn, vkey)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "ok %d entries\n", size)
	fmt.Fprintf(m.Stderr, "已恢复到 %s；日志签名密钥不在备份中：启动服务前请将原密钥文件放到 %s（或以 --log-key 指定）\n",
		redact(*dsn), logKeyPath(*dsn, ""))
	return nil
}

// readVerifierKey reads the verifier key from path: a log key file (the
// signing key, whose verifier key is derived) or a file of one verifier
// key line.
func readVerifierKey(path string) (string, error) {
	_, vkey, err := ledger.LoadKey(path)
	if err == nil {
		return vkey, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "", spotcheck.Errorf(spotcheck.EINVALID, "%v", err)
	}
	data, rerr := os.ReadFile(path)
	if rerr == nil {
		line := string(bytes.TrimSpace(data))
		if _, verr := note.NewVerifier(line); verr == nil {
			return line, nil
		}
	}
	return "", spotcheck.Errorf(spotcheck.EINVALID, "%s 既不是日志密钥文件也不是日志公钥文件", path)
}
