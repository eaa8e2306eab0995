package main

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"spotcheck"
	"spotcheck/metrics"
	"spotcheck/store"
)

// What serve reports about itself (issue 13, item 6; docs/operations.md
// "Observability"): its log's format, the token of /metrics, and how long
// it drains before it stops. The token comes from a file or the
// environment, never a flag's value (the process's arguments are visible
// to every user of the machine), and is printed nowhere.

// MetricsTokenEnv holds /metrics's bearer token when serve has no
// --metrics-token-file.
const MetricsTokenEnv = "SPOTCHECK_METRICS_TOKEN"

// minMetricsToken is the shortest token accepted: a guessable token would
// open the figures to anyone.
const minMetricsToken = 16

// metricsTimeout bounds the database queries of one scrape.
const metricsTimeout = 3 * time.Second

type observeFlags struct {
	logFormat, tokenFile *string
	drainWait            *time.Duration
}

func addObserveFlags(fs *flag.FlagSet) observeFlags {
	return observeFlags{
		logFormat: fs.String("log-format", "text", "日志格式：text（key=value 文本）或 json（每行一个 JSON 对象，便于日志系统收集）"),
		tokenFile: fs.String("metrics-token-file", "",
			"/metrics 的访问令牌文件（Authorization: Bearer 令牌）；不填则读环境变量 "+MetricsTokenEnv+"，两者皆无则不提供 /metrics"),
		drainWait: fs.Duration("drain-wait", 0,
			"收到停止信号后先让 /readyz 返回 503 的时长，使负载均衡器停止转发后再关闭监听（如 10s）"),
	}
}

// apply checks the flags and puts them into m and o; the errors say in
// Chinese what is wrong, never the token.
func (f observeFlags) apply(m *Main, o *serveOptions) error {
	switch *f.logFormat {
	case "text", "json":
		m.logFormat = *f.logFormat
	default:
		return usagef("--log-format 只能是 text 或 json")
	}
	if *f.drainWait < 0 {
		return usagef("--drain-wait 不能为负")
	}
	o.drainWait = *f.drainWait
	tok := strings.TrimSpace(os.Getenv(MetricsTokenEnv))
	if *f.tokenFile != "" {
		b, err := os.ReadFile(*f.tokenFile)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return usagef("监控令牌文件 %s 不存在", *f.tokenFile)
		case err != nil:
			return usagef("无法读取监控令牌文件 %s（请检查权限）", *f.tokenFile)
		}
		tok = strings.TrimSpace(string(b))
		if tok == "" {
			return usagef("监控令牌文件 %s 是空的", *f.tokenFile)
		}
	}
	if tok != "" && len(tok) < minMetricsToken {
		return usagef("监控令牌太短：至少 %d 个字符", minMetricsToken)
	}
	o.metricsToken = tok
	return nil
}

// logger is the log of the process in the format of --log-format, on
// stderr.
func (m *Main) logger() *slog.Logger {
	if m.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, nil))
}

// newMetrics returns the process's metrics, reading the system's figures
// from db at each scrape as the system principal "system:metrics".
func newMetrics(db *store.DB, logger *slog.Logger) *metrics.Metrics {
	sys := spotcheck.System("metrics")
	return metrics.New(func(ctx context.Context) (metrics.Snapshot, error) {
		o, err := db.Observe(spotcheck.NewContextWithPrincipal(ctx, sys))
		return metrics.Snapshot(o), err
	}, metricsTimeout, logger)
}
