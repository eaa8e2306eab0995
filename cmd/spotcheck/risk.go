package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"

	"spotcheck"
	"spotcheck/store"
)

const riskUsage = `用法：
  spotcheck risk load 文件 [--db 数据库]                 载入风险模型文件（全部正确才载入）
  spotcheck risk preview [--dept 部门代码] [--db 数据库]   预览重新分类：多少对象变动，按区划、类型和分类
  spotcheck risk apply 编号 [--db 数据库]                应用已预览的重新分类
  spotcheck risk show 统一社会信用代码 [--db 数据库]       对象的信用风险分类、得分和各因子
` + riskOverrideLines

// runRisk runs the risk model's commands (issue 14, item 2): load a model
// file as a new version, preview and apply a reclassification, and show
// an entity's assessment.
func (m *Main) runRisk(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("%s", riskUsage)
	}
	if args[0] == "override" || args[0] == "revoke" { // risk_override.go
		return m.runRiskOverride(ctx, args)
	}
	fs := flag.NewFlagSet("risk "+args[0], flag.ContinueOnError)
	dsn := dbFlag(fs)
	dept := fs.String("dept", "", "部门代码")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	var run func(*store.DB) error
	switch {
	case args[0] == "load" && len(pos) == 1:
		run = func(db *store.DB) error { return m.riskLoad(ctx, db, pos[0]) }
	case args[0] == "preview" && len(pos) == 0:
		run = func(db *store.DB) error { return m.riskPreview(ctx, db, *dept) }
	case args[0] == "apply" && len(pos) == 1:
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil || id <= 0 {
			return usagef("重新分类编号“%s”应为正整数", pos[0])
		}
		run = func(db *store.DB) error { return m.riskApply(ctx, db, id) }
	case args[0] == "show" && len(pos) == 1:
		run = func(db *store.DB) error { return m.riskShow(ctx, db, pos[0]) }
	default:
		return usagef("%s", riskUsage)
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.Now = m.Now
	return run(db)
}

func (m *Main) riskLoad(ctx context.Context, db *store.DB, file string) error {
	text, err := os.ReadFile(file)
	if err != nil {
		return usagef("读取文件失败：%v", err)
	}
	v, err := db.Risk().LoadRiskModel(ctx, text)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "风险模型 %s（%s）：%s生效，SHA-256 %s，%s载入\n", v.Version, v.Name, v.EffectiveFrom, v.SHA256,
		v.LoadedAt.In(spotcheck.ChinaTime).Format("2006-01-02 15:04"))
	return nil
}

func (m *Main) riskPreview(ctx context.Context, db *store.DB, dept string) error {
	if dept == "" {
		depts, err := db.Departments().FindDepartments(ctx)
		if err != nil {
			return err
		}
		for _, d := range depts {
			if d.Parent == "" && d.Kind == spotcheck.DeptBureau {
				if dept != "" {
					return usagef("有多个顶级文旅部门，请用 --dept 指定部门")
				}
				dept = d.Code
			}
		}
	}
	run, err := db.Risk().PreviewReclassification(ctx, dept)
	if err != nil {
		return err
	}
	ref, err := db.ReferenceData().FindReference(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "第%d号重新分类（%s）：部门 %s，模型 %s，评分日 %s\n", run.ID, spotcheck.RiskRunStateNames[run.State],
		run.Dept, run.Model, run.Day)
	fmt.Fprintf(m.Stdout, "参评对象 %d 个，变动 %d 个（列入重点 %d 个，移出重点 %d 个）\n", run.Entities, run.Moves,
		run.Summary.KeyIn, run.Summary.KeyOut)
	section := func(title string, counts []spotcheck.RiskCount, name func(string) string) {
		if len(counts) == 0 {
			return
		}
		fmt.Fprintln(m.Stdout, title)
		for _, c := range counts {
			fmt.Fprintf(m.Stdout, "  %s\t%d\n", name(c.Key), c.Count)
		}
	}
	section("按分类变动（原→新）：", run.Summary.ByClass, func(k string) string { return k })
	section("按区划：", run.Summary.ByDivision, func(k string) string {
		if d, ok := ref.Division(k); ok {
			return k + " " + d.Name
		}
		return k
	})
	section("按类型：", run.Summary.ByType, func(k string) string {
		if t, ok := ref.Type(k); ok {
			return k + " " + t.Name
		}
		return k
	})
	if run.State == spotcheck.RiskRunPreviewed {
		fmt.Fprintf(m.Stdout, "确认后应用：spotcheck risk apply %d\n", run.ID)
	}
	return nil
}

func (m *Main) riskApply(ctx context.Context, db *store.DB, id int64) error {
	run, err := db.Risk().ApplyReclassification(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "已应用第%d号重新分类：部门 %s，模型 %s，%d 个对象变动\n", run.ID, run.Dept, run.Model, run.Moves)
	return nil
}

func (m *Main) riskShow(ctx context.Context, db *store.DB, code string) error {
	code = spotcheck.NormalizeCode(code)
	e, err := db.Entities().FindEntityByID(ctx, code)
	if err != nil {
		return err
	}
	r, err := db.Risk().FindEntityRisk(ctx, code)
	if err != nil {
		return err
	}
	a := r.Assessment
	fmt.Fprintf(m.Stdout, "%s %s\n", e.ID, e.Name)
	fmt.Fprintf(m.Stdout, "信用风险分类：%s类（%s），得分 %d，模型 %s，第%d号重新分类，评分日 %s\n", a.Class,
		spotcheck.CreditClassNames[a.Class], a.Score, a.Model, r.Run, r.Day)
	fmt.Fprintln(m.Stdout, r.Explain)
	if a.Key {
		fmt.Fprintf(m.Stdout, "重点检查对象：%s（至%s）\n", a.KeyReason, a.KeyExpiry)
	} else {
		fmt.Fprintln(m.Stdout, "重点检查对象：否")
	}
	fmt.Fprintln(m.Stdout, "因子\t取值\t得分/满分\t说明")
	for _, c := range a.Contributions {
		name := c.Factor
		if k, ok := spotcheck.RiskFactorKindOf(c.Factor); ok {
			name = k.Name
		}
		fmt.Fprintf(m.Stdout, "%s\t%d\t%d/%d\t%s\n", name, c.Value, c.Points, c.Weight, c.Explanation)
	}
	if e.CreditClass != a.Class || e.Key != a.Key {
		fmt.Fprintf(m.Stdout, "注意：名录库中现为%s类%s，与该次分类不同（此后有人工修改）\n", e.CreditClass, map[bool]string{true: "、重点检查对象", false: ""}[e.Key])
	}
	return nil
}
