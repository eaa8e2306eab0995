package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"spotcheck"
	"spotcheck/ledger"
	"spotcheck/store"
)

// drawExport writes complete bundles (spec §9, spec/cli.md): one folder per
// draw, named <task code>-<plan hash first 12 hex>, superseded draws too,
// each with the spec files that exist so far and log/ with the checkpoint,
// the key and every logged record's entry and inclusion proof. With
// --public it writes the public bundles instead (spec §9, amendment 1):
// what the portal serves to anyone — plan.json and, once published,
// randomness.json and published.tsv, with their entries.
func (m *Main) drawExport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("draw export", flag.ContinueOnError)
	dsn := dbFlag(fs)
	logKey := logKeyFlag(fs)
	task := fs.String("task", "", "任务编号")
	all := fs.Bool("all", false, "导出全部抽取")
	public := fs.Bool("public", false, "只导出公开抽取包（与门户网站提供的相同）")
	out := fs.String("out", "", "输出目录")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("draw export 不接受位置参数")
	}
	if (*task == "") == !*all || *out == "" {
		return usagef("用法：spotcheck draw export (--task 任务编号 | --all) [--public] --out 目录 [--db 数据库]")
	}
	if *public {
		ctx = spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
	}
	db, err := m.openKeyedDB(ctx, *dsn, *logKey)
	if err != nil {
		return err
	}
	defer db.Close()
	ids, err := drawIDs(ctx, db, *task)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return spotcheck.Errorf(spotcheck.ENOTFOUND, "没有可导出的抽取")
	}
	for _, id := range ids {
		f, err := db.Draws().FindDrawFiles(ctx, id)
		if err != nil {
			return err
		}
		if *public {
			f = f.Public()
		}
		dir := filepath.Join(*out, f.Dir)
		if err := writeDrawFiles(dir, f); err != nil {
			return err
		}
		if err := ledger.WriteBundleLog(ctx, dir, db, f.LogIndexes); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, dir)
	}
	return nil
}

// drawIDs lists the draws of a task, or all draws, oldest first.
func drawIDs(ctx context.Context, db *store.DB, task string) ([]int64, error) {
	var ids []int64
	for offset := 0; ; {
		page, err := db.Draws().FindDraws(ctx, spotcheck.DrawFilter{Task: task, Offset: offset, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, d := range page.Items {
			ids = append([]int64{d.ID}, ids...)
		}
		offset += len(page.Items)
		if len(page.Items) == 0 || !page.More && offset >= page.Total {
			return ids, nil
		}
	}
}

// writeDrawFiles writes the bundle files a draw has (a draw not yet drawn
// has no randomness, result or picks).
func writeDrawFiles(dir string, f *spotcheck.DrawFiles) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, file := range f.Files() {
		if err := os.WriteFile(filepath.Join(dir, file.Name), file.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
