package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime/debug"
	"time"

	"spotcheck"
	"spotcheck/credit"
	"spotcheck/store"
	"spotcheck/web"
)

func (m *Main) runServe(ctx context.Context, args []string) error {
	f := newServeFlags()
	if pos, err := parse(f.fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("serve 不接受位置参数")
	}
	if err := loadConfig(f.fs, *f.config, os.Getenv); err != nil {
		return err
	}
	opts, err := f.options(m)
	if err != nil {
		return err
	}
	db, err := m.openLoggedDB(ctx, *f.dsn, *f.logKey)
	if err != nil {
		return err
	}
	defer db.Close()
	return m.serve(ctx, db, opts)
}

// serveFlags are serve's flags, which are also its configuration's keys
// (config.go).
type serveFlags struct {
	fs                                   *flag.FlagSet
	config, dsn, logKey, addr, cert, key *string
	proxy                                proxyFlags
	credit                               creditFlags
	jobs                                 jobFlags
	obs                                  observeFlags
}

func newServeFlags() *serveFlags {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	return &serveFlags{fs: fs,
		config: fs.String("config", "", "配置文件（TOML；默认读环境变量 "+configEnv+"）；命令行参数优先于环境变量，环境变量优先于配置文件"),
		dsn:    dbFlag(fs), logKey: logKeyFlag(fs),
		addr:  fs.String("addr", "127.0.0.1:8080", "监听地址"),
		cert:  fs.String("tls-cert", "", "TLS 证书文件"),
		key:   fs.String("tls-key", "", "TLS 私钥文件"),
		proxy: addProxyFlags(fs), credit: addCreditFlags(fs), jobs: addJobFlags(fs),
		obs: addObserveFlags(fs)}
}

// options checks the values together and sets m's log format; the errors
// name the flag.
func (f *serveFlags) options(m *Main) (serveOptions, error) {
	if (*f.cert == "") != (*f.key == "") {
		return serveOptions{}, usagef("--tls-cert 与 --tls-key 须同时给出")
	}
	opts, err := f.proxy.options(*f.addr)
	if err != nil {
		return serveOptions{}, err
	}
	opts.cert, opts.key = *f.cert, *f.key
	if opts.credit, err = f.credit.sender(); err != nil {
		return serveOptions{}, err
	}
	opts.creditLease = *f.credit.lease
	opts.jobs = f.jobs
	if err := f.obs.apply(m, &opts); err != nil {
		return serveOptions{}, err
	}
	return opts, nil
}

// serveOptions say where and how serve listens.
type serveOptions struct {
	addr, cert, key string // cert and key: serve HTTPS
	behindTLSProxy  bool   // a proxy in front terminates TLS
	trustedProxies  []netip.Prefix
	credit          *credit.Sender // the credit push's receiver (serve_credit.go); nil: none
	creditLease     time.Duration
	jobs            jobFlags      // the scheduled jobs (jobs.go); zero: none run
	metricsToken    string        // /metrics's bearer token; "": no /metrics (serve_observe.go)
	drainWait       time.Duration // how long /readyz says 503 before the listener closes
}

// proxyFlags are the flags of serve and demo for running behind a reverse
// proxy.
type proxyFlags struct {
	behindTLS *bool
	trusted   *string
}

func addProxyFlags(fs *flag.FlagSet) proxyFlags {
	return proxyFlags{
		behindTLS: fs.Bool("behind-tls-proxy", false,
			"在终止 TLS 的反向代理之后运行：Cookie 设为 Secure 并发送 HSTS（浏览器只经 HTTPS 访问本站时使用）"),
		trusted: fs.String("trusted-proxy", "",
			"可信反向代理的地址或网段（CIDR，逗号分隔）：只有来自这些地址的请求才读取 X-Forwarded-For 作为访问者地址"),
	}
}

// options checks the flags' values.
func (f proxyFlags) options(addr string) (serveOptions, error) {
	trusted, err := web.ParseTrustedProxies(*f.trusted)
	if err != nil {
		return serveOptions{}, usagef("--trusted-proxy：%s", spotcheck.ErrorMessage(err))
	}
	return serveOptions{addr: addr, behindTLSProxy: *f.behindTLS, trustedProxies: trusted}, nil
}

// serve serves until ctx ends, then shuts down gracefully. The web
// application sets each request's read and write deadlines by route
// (web/transport.go); the server bounds the headers and idle connections.
func (m *Main) serve(ctx context.Context, db *store.DB, o serveOptions) error {
	serverGC()
	logger := m.logger()
	ctx, stop := context.WithCancel(ctx)
	worker, workerDone := startOutbox(ctx, db, o, logger)
	defer func() { stop(); workerDone() }()
	mx := newMetrics(db, logger) // also for whatever counts in this process (metrics.Metrics.JobRun)
	if o.jobs.run != nil {
		jobsDone, err := startJobs(ctx, db, o.jobs, logger, mx)
		if err != nil {
			return err
		}
		defer func() { stop(); jobsDone() }()
	}
	svc := webServices(db)
	svc.Outbox = store.NewOutboxService(db, worker)
	app, err := web.New(web.Config{Services: svc, Ledger: db, Log: logger,
		TLS: o.cert != "" || o.behindTLSProxy, TrustedProxies: o.trustedProxies, Health: db.Ping,
		Metrics: mx, MetricsToken: o.metricsToken, Background: ctx})
	if err != nil {
		return err
	}
	// However serving ends, the work the pages started stops before the
	// database closes.
	defer func() { stop(); app.Wait() }()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return spotcheck.Errorf(spotcheck.EINVALID, "无法监听 %s：%v", o.addr, err)
	}
	// The migrations ran when the database was opened (the listener opens
	// only now): ready.
	app.MarkReady()
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	cert, key := o.cert, o.key
	scheme := "http"
	if cert != "" {
		scheme = "https"
	}
	fmt.Fprintf(m.Stdout, "服务已启动：%s://%s/ （Ctrl+C 停止）\n", scheme, ln.Addr())
	if m.Ready != nil {
		m.Ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() {
		if cert != "" {
			errc <- srv.ServeTLS(ln, cert, key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// The balancer sees /readyz fail and stops sending before the
	// listener closes (--drain-wait; web/ready.go).
	app.Drain()
	if o.drainWait > 0 {
		time.Sleep(o.drainWait)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// ctx has ended: the reclassifications the pages started stop (a
	// preview is recorded as unfinished); wait for them before the
	// database closes.
	app.Wait()
	fmt.Fprintln(m.Stderr, "服务已停止")
	return nil
}

// webServices wires the store's services into the web layer, one per
// aggregate.
func webServices(db *store.DB) web.Services {
	return web.Services{Accounts: db.Accounts(), Entities: db.Entities(), Inspectors: db.Inspectors(),
		Agencies: db.Agencies(), Items: db.Items(), Responsibilities: db.Responsibilities(),
		Departments: db.Departments(), Conflicts: db.Conflicts(), RiskEvents: db.RiskEvents(), Risk: db.Risk(), RiskOverrides: db.RiskOverrides(), Reference: db.ReferenceData(),
		Changes: db.Changes(), Tasks: db.Tasks(), Draws: db.Draws(), Calendar: db.Calendar(),
		Visits: db.Visits(), Caps: db.Caps(), Stats: db.Stats(),
		Plans: db.Plans(), Inspections: db.Inspections(), Attachments: db.Attachments(),
		Notices: db.Notices(), Signatures: db.Signatures(), FollowUps: db.FollowUps(),
		Recusals: db.Recusals(), Feedback: db.Feedback(),
		Rules: db.Rules(), Publications: db.Publications(),
		AfterPublication: db.AfterPublication(),
		Outbox:           store.NewOutboxService(db, nil), Jobs: db.Jobs()}
}

// serverGC lets a server's heap grow to five times what it holds between
// collections (GOGC=400) unless GOGC is set: a server holds little — the
// databases keep their pages outside Go's heap — and every answer makes
// short-lived garbage, so collections were a tenth of the CPU of a busy
// portal; with 400, 18 % more searches a second (docs/performance.md).
func serverGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}
