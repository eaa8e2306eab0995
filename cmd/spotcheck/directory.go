package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"spotcheck"
	"spotcheck/store"
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

// kindOps binds one import kind's file codec to its store methods, so that
// the commands below are written once for every kind.
type kindOps struct {
	importFile func(ctx context.Context, path string, opts ...xlsx.Option) (spotcheck.ImportSummary, error)
	exportFile func(ctx context.Context, path string) (int, error)
}

func opsOf[T any](c *xlsx.Codec[T],
	imp func(context.Context, spotcheck.ImportSource[T]) (spotcheck.ImportSummary, error),
	exp func(context.Context, func(*T) error) error) kindOps {
	return kindOps{
		importFile: func(ctx context.Context, path string, opts ...xlsx.Option) (spotcheck.ImportSummary, error) {
			src, err := xlsx.Open(path, c, opts...)
			if err != nil {
				return spotcheck.ImportSummary{}, err
			}
			return imp(ctx, *src)
		},
		exportFile: func(ctx context.Context, path string) (int, error) {
			w, err := xlsx.Create(path, c)
			if err != nil {
				return 0, err
			}
			n := 0
			err = exp(ctx, func(v *T) error {
				n++
				return w.Write(v)
			})
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			return n, err
		},
	}
}

// kinds returns the operations of every import kind on db.
func kinds(db *store.DB) map[string]kindOps {
	return map[string]kindOps{
		spotcheck.KindEntities: opsOf(xlsx.Entities, db.ImportEntities, db.ExportEntities),
		spotcheck.KindInspectors: opsOf(xlsx.Inspectors,
			func(ctx context.Context, src spotcheck.ImportSource[spotcheck.Inspector]) (spotcheck.ImportSummary, error) {
				return db.ImportInspectors(ctx, false, src)
			},
			func(ctx context.Context, fn func(*spotcheck.Inspector) error) error {
				return db.ExportInspectors(ctx, false, fn)
			}),
		spotcheck.KindExperts: opsOf(xlsx.Experts,
			func(ctx context.Context, src spotcheck.ImportSource[spotcheck.Inspector]) (spotcheck.ImportSummary, error) {
				return db.ImportInspectors(ctx, true, src)
			},
			func(ctx context.Context, fn func(*spotcheck.Inspector) error) error {
				return db.ExportInspectors(ctx, true, fn)
			}),
		spotcheck.KindAgencies:         opsOf(xlsx.Agencies, db.ImportAgencies, db.ExportAgencies),
		spotcheck.KindItems:            opsOf(xlsx.Items, db.ImportItems, db.ExportItems),
		spotcheck.KindResponsibilities: opsOf(xlsx.Responsibilities, db.ImportResponsibilities, db.ExportResponsibilities),
		spotcheck.KindDepartments:      opsOf(xlsx.Departments, db.ImportDepartments, db.ExportDepartments),
		spotcheck.KindConflicts:        opsOf(xlsx.Conflicts, db.ImportConflicts, db.ExportConflicts),
	}
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
	sum, err := kinds(db)[kind].importFile(ctx, path, xlsx.WithProgress(p.update))
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
	n, err := kinds(db)[pos[0]].exportFile(ctx, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "已导出%s %d 条：%s\n", spotcheck.KindNames[pos[0]], n, *out)
	return nil
}
