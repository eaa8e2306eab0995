package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"strings"
	"time"

	"spotcheck"
	"spotcheck/ledger"
	"spotcheck/store"
)

// Exit statuses of spec/cli.md.
const (
	exitOK    = 0
	exitData  = 1 // the input or the data is wrong
	exitUsage = 2
)

// Main is the program with its environment injected, so that tests run it
// on a temporary database and capture what it prints.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// StderrIsTerminal turns on the redrawn progress bar.
	StderrIsTerminal bool
	Now              func() time.Time
	// Ready, when set, receives the address a server listens on.
	Ready func(addr string)
	// logFormat is serve's --log-format: "json", or text (serve_log.go).
	logFormat string
}

// NewMain returns a Main wired to the process's standard streams.
func NewMain() *Main {
	fi, err := os.Stderr.Stat()
	return &Main{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		StderrIsTerminal: err == nil && fi.Mode()&os.ModeCharDevice != 0,
		Now:              time.Now,
	}
}

// usageError is wrong usage: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errReported means the command already printed what went wrong.
var errReported = errors.New("reported")

const usage = `用法：spotcheck 命令 [参数]

目录与清单：
  creditcode 代码…                     校验统一社会信用代码或15位注册号
  template 类别 --out 文件             生成导入模板（.xlsx 或 .csv）
  import 类别 文件 [--db 数据库]        导入（全部成功或全部不写入）
  export 类别 --out 文件 [--db 数据库]  导出（可原样再导入）
  类别：entities inspectors experts agencies items responsibilities departments conflicts

账号（密码从标准输入读取一行）：
  user add 用户名 --name 姓名 --dept 部门代码 --roles 角色,… [--staff 工号] [--db 数据库]  新建用户
  user edit 用户名 [--name …] [--dept …] [--roles …] [--staff 工号]  修改姓名、部门、角色或关联的执法人员工号（管理员账号只能在此修改）
  user passwd 用户名 [--db 数据库]            修改密码，结束其全部登录会话并吊销接口令牌
  user disable|enable 用户名 [--db 数据库]    停用（结束会话、令牌失效）或启用用户
  user unlock 用户名 [--db 数据库]            解除登录失败造成的等待
  user list [--db 数据库]                     列出用户（制表符分隔）
  角色：sysadmin secadmin auditadmin deptadmin planner supervisor inspector approver agency

随机抽取与日志（规范见 spec/draw-v1.md）：
  draw replay 目录                     按 plan.json、randomness.json 和四个输入文件重算抽取结果
  draw verify 目录                     核验抽取包（含 log/ 时同时核验日志证明）
  draw export (--task 编号 | --all) --out 目录 [--db 数据库]   导出抽取包
  draw commit --plan 方案哈希 --participant 用户名   从标准输入读取秘密值，输出承诺值
  log verify [--db 数据库] [--log-key 密钥文件]      重算并核验整个日志

工作日（法定节假日与调休；无数据的年份报错）：
  calendar add 日期 N [--db 数据库]     日期之后第 N 个工作日（日期本身不计）
  calendar is 日期 [--db 数据库]        输出 workday 或 holiday
  calendar import 文件 [--note 说明] [--db 数据库]   导入放假调休安排（CSV：日期,休 或 日期,班）

年度抽查计划：
  plan check --dept 部门代码 --year 年度 [--db 数据库]   检查计划（已发布的，否则最新草稿）：ok 或每条问题一行

信用风险分类（模型见 docs/risk-model.md）：
  risk load 文件 [--db 数据库]                 载入风险模型文件为新版本（有任何错误则不载入）
  risk preview [--dept 部门代码] [--db 数据库]   预览重新分类：变动对象数，按区划、类型和分类
  risk apply 编号 [--db 数据库]                应用已预览的重新分类
  risk show 统一社会信用代码 [--db 数据库]       对象的分类、得分、各因子及模型版本
  risk override 统一社会信用代码 --class 分类 --reason 原因 --expires YYYY-MM-DD [--key]   人工调整（须说明原因，至多一年）
  risk revoke 编号 [--reason 原因]             撤销人工调整，恢复风险模型的分类

运行：
  demo [--db 路径] [--addr 主机:端口] [--no-serve]   创建演示数据库并启动
  serve [--db 数据库] [--addr 主机:端口] [--log-key 文件]   启动服务
        [--tls-cert 证书 --tls-key 私钥]   直接提供 HTTPS
        [--behind-tls-proxy]               在终止 TLS 的反向代理之后（Cookie 加 Secure，发送 HSTS）
        [--trusted-proxy CIDR,…]           只信任这些代理的 X-Forwarded-For（登录限制按访问者地址计）
        [--config 文件]                    配置文件（TOML，键与参数同名；也可用环境变量 SPOTCHECK_参数名）
  config check 文件                                  检查配置文件：ok 或每条问题一行（行号与键）
  migrate [--db 数据库]                              升级数据库结构
  backup --out 文件 [--db 数据库]                     在线备份（含附件，不含日志签名密钥）
  restore 备份文件 --db 目标 [--log-key 文件]         核验备份的日志后恢复到新的 SQLite 文件或空的 PostgreSQL 数据库
  bench import|export [--entities N] [--db 数据库]    测量百万级导入导出
  bench search|draw|log|plan|merge …                 测量检索、抽取、日志、计划检查、联合检查合并（见 docs/performance.md）
  bench reclassify|stats …                           测量百万级重新分类、统计分析各图表的查询

--db 为 SQLite 文件路径（默认 spotcheck.db）或 postgres:// 地址。`

// Run runs one command and returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(m.Stdout, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	commands := map[string]func(context.Context, []string) error{
		"creditcode": m.runCreditCode,
		"template":   m.runTemplate,
		"import":     m.runImport,
		"export":     m.runExport,
		"demo":       m.runDemo,
		"serve":      m.runServe,
		"migrate":    m.runMigrate,
		"bench":      m.runBench,
		"user":       m.runUser,
		"draw":       m.runDraw,
		"log":        m.runLog,
		"calendar":   m.runCalendar,
		"plan":       m.runPlan,
		"risk":       m.runRisk,
		"config":     m.runConfig,
		"backup":     m.runBackup,
		"restore":    m.runRestore,
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(m.Stderr, "未知命令“%s”\n\n%s\n", args[0], usage)
		return exitUsage
	}
	ctx = spotcheck.NewContextWithPrincipal(ctx, cliPrincipal())
	err := cmd(ctx, args[1:])
	var ue usageError
	var ie *spotcheck.ImportError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errReported):
		return exitData
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "%s\n用法见 spotcheck help\n", ue.msg)
		return exitUsage
	case errors.As(err, &ie):
		for _, p := range ie.Problems {
			fmt.Fprintln(m.Stderr, p.String())
		}
		if ie.Total > len(ie.Problems) {
			fmt.Fprintf(m.Stderr, "……另有%d处错误未列出\n", ie.Total-len(ie.Problems))
		}
		fmt.Fprintf(m.Stderr, "导入失败：共%d处错误，未写入任何数据\n", ie.Total)
		return exitData
	case spotcheck.ErrorCode(err) != spotcheck.EINTERNAL:
		fmt.Fprintln(m.Stderr, spotcheck.ErrorMessage(err))
		return exitData
	default:
		slog.New(slog.NewTextHandler(m.Stderr, nil)).Error("内部错误", "err", err)
		return exitData
	}
}

// cliPrincipal is the operator of the command line: the system principal
// "cli:<login>" (系统（命令行，login）), the login from $USER or else the
// account the process runs as, so that a change made on the server (the
// administrator accounts are kept only there, 三员分立) names who made it;
// "cli:" (系统（命令行）) when neither is known. The operator holds the
// database itself, so the principal may do everything; the store refuses
// a call that carries no principal at all.
func cliPrincipal() *spotcheck.Principal {
	name := os.Getenv("USER")
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	return spotcheck.System("cli:" + name)
}

// parse parses flags that may stand before or after the positional
// arguments (spec/cli.md) and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("参数错误：%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// dbFlag adds the --db flag every database command has.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "spotcheck.db", "SQLite 文件路径或 postgres:// 地址")
}

// openDB opens the database a --db flag names; its background work logs
// to m.Stderr, as serve does.
func (m *Main) openDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn, store.WithLogger(m.logger()))
	if err != nil {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "打开数据库失败（%s）：%v", redact(dsn), err)
	}
	return db, nil
}

// redact hides the password of a database URL before it is printed.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			if colon := strings.Index(dsn[i+3:at], ":"); colon >= 0 {
				return dsn[:i+3+colon] + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

// runMigrate applies the pending migrations and, with the log key when its
// file exists, brings draws published before amendment 1 of the draw
// specification into its form (publishOldDraws); without a key file that
// step fails only if there is such a draw.
func (m *Main) runMigrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dsn := dbFlag(fs)
	logKey := logKeyFlag(fs)
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("migrate 不接受位置参数")
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	names, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	signer, vkey, err := ledger.LoadKey(logKeyPath(*dsn, *logKey))
	switch {
	case err == nil:
		db.UseLogKey(signer, vkey)
	case !errors.Is(err, os.ErrNotExist):
		return spotcheck.Errorf(spotcheck.EINVALID, "%v", err)
	}
	if err := m.publishOldDraws(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "数据库结构已是最新：%s\n", strings.Join(names, "、"))
	return nil
}
