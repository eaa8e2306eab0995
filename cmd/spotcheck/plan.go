package main

import (
	"context"
	"flag"
	"fmt"

	"spotcheck"
)

const planUsage = `用法：
  spotcheck plan check --dept 部门代码 --year 年度 [--db 数据库]   检查年度抽查计划是否符合规定`

// runPlan checks a department's annual plan (spec/cli.md "Calendar and
// plans"): the published revision, else the latest draft. Compliant: `ok`
// and exit 0; otherwise one line per finding, RULE TAB WHERE TAB 说明, and
// exit 1; an unknown department or a year without a plan exits 2.
func (m *Main) runPlan(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return usagef("%s", planUsage)
	}
	fs := flag.NewFlagSet("plan check", flag.ContinueOnError)
	dsn := dbFlag(fs)
	dept := fs.String("dept", "", "部门代码")
	year := fs.Int("year", 0, "年度")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 || *dept == "" || *year < 2000 || *year > 2100 {
		return usagef("%s", planUsage)
	}
	code := spotcheck.NormalizeCode(*dept)
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Departments().FindDepartmentByCode(ctx, code); spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND {
		return usagef("没有部门“%s”", code)
	} else if err != nil {
		return err
	}
	findings, err := db.Plans().CheckPlan(ctx, spotcheck.PlanKey(code, *year), 0)
	if spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND {
		return usagef("%s %d 年度没有抽查计划", code, *year)
	} else if err != nil {
		return err
	}
	if len(findings) == 0 {
		fmt.Fprintln(m.Stdout, "ok")
		return nil
	}
	for _, f := range findings {
		fmt.Fprintf(m.Stdout, "%s\t%s\t%s\n", f.Rule, f.Where, f.Message)
	}
	return errReported
}
