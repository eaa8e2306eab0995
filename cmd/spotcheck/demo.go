package main

import (
	"context"
	"flag"
	"fmt"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// Demo database settings.
const (
	demoSeed     = 20261126
	demoEntities = 3000
	demoMarker   = "demo"
)

func (m *Main) runDemo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	dsn := dbFlag(fs)
	logKey := logKeyFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	noServe := fs.Bool("no-serve", false, "只创建数据库，不启动服务")
	proxy := addProxyFlags(fs)
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("demo 不接受位置参数")
	}
	opts, err := proxy.options(*addr)
	if err != nil {
		return err
	}
	db, err := m.openLoggedDB(ctx, *dsn, *logKey)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := m.ensureDemoData(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "演示数据库：%s\n", redact(*dsn))
	fmt.Fprintf(m.Stdout, "演示账号（密码均为 %s）：\n", demo.Password)
	for _, u := range demo.Users {
		roles := make([]string, len(u.Roles))
		for i, r := range u.Roles {
			roles[i] = spotcheck.RoleNames[r]
		}
		fmt.Fprintf(m.Stdout, "  %-10s %s（%s，%s）\n", u.Username, u.Name, u.Dept, roles[0])
	}
	if *noServe {
		return nil
	}
	fmt.Fprintf(m.Stdout, "登录：http://%s/login （公示门户：http://%s/）\n", *addr, *addr)
	return m.serve(ctx, db, opts)
}

// ensureDemoData fills a new database with the demo data. An existing demo
// database is used as it is; a database with other data is refused, so the
// demo never mixes fictitious firms into real records. The demo loader
// acts as the system principal "demo" (系统（演示数据）), which the change
// history names; its plans, tasks and draws are made by the demo users (demoPlans).
func (m *Main) ensureDemoData(ctx context.Context, db *store.DB) error {
	ctx = spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("demo"))
	marker, err := db.Setting(ctx, demoMarker)
	if err != nil {
		return err
	}
	if marker != "" {
		fmt.Fprintln(m.Stderr, "演示数据库已存在，直接使用")
		return nil
	}
	if n, err := db.Count(ctx, spotcheck.KindDepartments); err != nil {
		return err
	} else if n > 0 {
		return spotcheck.Errorf(spotcheck.ECONFLICT, "该数据库已有非演示数据，演示不会写入；请用 --db 指定新的文件")
	}
	story, err := newDemoStory(db, m.Now)
	if err != nil {
		return err
	}
	defer story.end()
	fmt.Fprintf(m.Stderr, "正在生成福州市文化和旅游演示数据（%d 个检查对象）…\n", demoEntities)
	err = demo.Load(ctx, db.Transfers(), db.Accounts(), demo.Generate(demoSeed, demoEntities, story.date(0)), func(kind string, n int) {
		fmt.Fprintf(m.Stderr, "  %s：%d 条\n", spotcheck.KindNames[kind], n)
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stderr, "正在发布市局与鼓楼区的一细则（实施细则与工作流程）…")
	if err := demoRules(ctx, db); err != nil {
		return err
	}
	fmt.Fprintln(m.Stderr, "正在制定年度计划、发布任务并进行演示抽取（记入日志）…")
	if err := m.demoPlans(ctx, db, story.at.UTC()); err != nil {
		return fmt.Errorf("演示计划与抽取：%w", err)
	}
	fmt.Fprintln(m.Stderr, "正在载入信用风险分类模型并重新分类仓山区，按新分类抽取设对照样本的仓山区任务并完成检查…")
	if _, err := demoRiskApplied(ctx, db, story.date(story.last())); err != nil {
		return err
	}
	if err := m.demoControl(ctx, db, story); err != nil {
		return fmt.Errorf("演示对照样本任务：%w", err)
	}
	fmt.Fprintln(m.Stderr, "正在记录演示检查：现场检查、确认、提交、退回与审核…")
	if err := m.demoInspections(ctx, db, story); err != nil {
		return fmt.Errorf("演示检查：%w", err)
	}
	fmt.Fprintln(m.Stderr, "正在载入第二版信用风险分类模型，全市重新分类预览待确认…")
	if _, err := demoRiskPending(ctx, db, story.date(story.last())); err != nil {
		return err
	}
	return db.SetSetting(ctx, demoMarker, m.Now().Format(spotcheck.DateLayout))
}
