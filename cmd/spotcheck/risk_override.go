package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"spotcheck"
	"spotcheck/store"
)

// riskOverrideLines are the usage lines of the two commands, also in
// riskUsage.
const riskOverrideLines = `  spotcheck risk override 统一社会信用代码 --class 分类 --reason 原因 --expires YYYY-MM-DD [--key] [--db 数据库]
                                                       人工调整信用风险分类（须说明原因，最长一年）
  spotcheck risk revoke 编号 [--reason 原因] [--db 数据库]   撤销人工调整，恢复风险模型的分类`

const riskOverrideUsage = "用法：\n" + riskOverrideLines

// runRiskOverride runs risk override and risk revoke (issue 14, item 2:
// 人工调整), as the command line's system principal: the store's rules
// (RiskOverride.Validate) apply as on the entity page.
func (m *Main) runRiskOverride(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("risk "+args[0], flag.ContinueOnError)
	dsn := dbFlag(fs)
	class := fs.String("class", "", "信用风险分类 A–D")
	reason := fs.String("reason", "", "原因")
	expires := fs.String("expires", "", "有效期至 YYYY-MM-DD")
	key := fs.Bool("key", false, "列入重点检查对象")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("%s", riskOverrideUsage)
	}
	var id int64
	if args[0] == "revoke" {
		if id, err = strconv.ParseInt(pos[0], 10, 64); err != nil || id <= 0 {
			return usagef("人工调整编号“%s”应为正整数", pos[0])
		}
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.Now = m.Now
	if args[0] == "revoke" {
		return m.riskRevoke(ctx, db, id, *reason)
	}
	o, err := db.RiskOverrides().OverrideRiskClass(ctx, pos[0], *class, *key, *reason, *expires)
	if err != nil {
		return err
	}
	key1 := "非重点检查对象"
	if o.Key {
		key1 = "重点检查对象"
	}
	fmt.Fprintf(m.Stdout, "第%d号人工调整：%s 调整为%s类（%s），%s，原因：%s，有效期至 %s\n", o.ID, o.Entity, o.Class,
		spotcheck.CreditClassNames[o.Class], key1, o.Reason, o.Expires)
	return nil
}

func (m *Main) riskRevoke(ctx context.Context, db *store.DB, id int64, reason string) error {
	o, err := db.RiskOverrides().RevokeRiskOverride(ctx, id, reason)
	if err != nil {
		return err
	}
	e, err := db.Entities().FindEntityByID(ctx, o.Entity)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "已撤销第%d号人工调整：%s 现为%s类（%s）\n", o.ID, o.Entity, e.CreditClass,
		spotcheck.CreditClassNames[e.CreditClass])
	return nil
}
