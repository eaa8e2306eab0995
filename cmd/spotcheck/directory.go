package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"spotcheck"
	"spotcheck/xlsx"
)

func (m *Main) runCreditCode(_ context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("用法：spotcheck creditcode 代码…")
	}
	bad := false
	for _, code := range args {
		c, err := spotcheck.CheckCreditCode(spotcheck.NormalizeCode(code))
		switch {
		case err != nil:
			bad = true
			fmt.Fprintf(m.Stdout, "%s\t%s\n", code, spotcheck.ErrorMessage(err))
		case c.Kind == spotcheck.CodeRegNo:
			fmt.Fprintf(m.Stdout, "%s\tOK 注册号\n", code)
		case c.Warning != "":
			fmt.Fprintf(m.Stdout, "%s\tOK 警告：%s\n", code, c.Warning)
		default:
			fmt.Fprintf(m.Stdout, "%s\tOK\n", code)
		}
	}
	if bad {
		return errReported
	}
	return nil
}

// checkKind returns a usage error unless kind is an import kind.
func checkKind(kind string) error {
	for _, k := range spotcheck.ImportKinds {
		if k == kind {
			return nil
		}
	}
	return usagef("未知的类别“%s”，应为：%s", kind, strings.Join(spotcheck.ImportKinds, " "))
}

func (m *Main) runTemplate(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	out := fs.String("out", "", "输出文件（.xlsx 或 .csv）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return usagef("用法：spotcheck template 类别 --out 文件")
	}
	if err := checkKind(pos[0]); err != nil {
		return err
	}
	if err := xlsx.Template(*out, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "已生成%s导入模板：%s\n", spotcheck.KindNames[pos[0]], *out)
	return nil
}

func (m *Main) runImport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	dsn := dbFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("用法：spotcheck import 类别 文件 [--db 数据库]")
	}
	kind, path := pos[0], pos[1]
	if err := checkKind(kind); err != nil {
		return err
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	p := m.newProgress("导入" + spotcheck.KindNames[kind])
	sum, err := xlsx.Transfers(db.Transfers())[kind].ImportFile(ctx, path, xlsx.WithProgress(p.update))
	p.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "导入完成：新增 %d 条，更新 %d 条\n", sum.Added, sum.Updated)
	if sum.Unchanged > 0 {
		fmt.Fprintf(m.Stderr, "另有 %d 条与库中一致，未改动\n", sum.Unchanged)
	}
	return nil
}

func (m *Main) runExport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	dsn := dbFlag(fs)
	out := fs.String("out", "", "输出文件（.xlsx 或 .csv）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return usagef("用法：spotcheck export 类别 --out 文件 [--db 数据库]")
	}
	if err := checkKind(pos[0]); err != nil {
		return err
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := xlsx.Transfers(db.Transfers())[pos[0]].ExportFile(ctx, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "已导出%s %d 条：%s\n", spotcheck.KindNames[pos[0]], n, *out)
	return nil
}
