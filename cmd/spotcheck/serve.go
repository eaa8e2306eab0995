package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"spotcheck"
	"spotcheck/store"
	"spotcheck/web"
)

func (m *Main) runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dsn := dbFlag(fs)
	logKey := logKeyFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	cert := fs.String("tls-cert", "", "TLS 证书文件")
	key := fs.String("tls-key", "", "TLS 私钥文件")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("serve 不接受位置参数")
	}
	if (*cert == "") != (*key == "") {
		return usagef("--tls-cert 与 --tls-key 须同时给出")
	}
	db, err := m.openLoggedDB(ctx, *dsn, *logKey)
	if err != nil {
		return err
	}
	defer db.Close()
	return m.serve(ctx, db, *addr, *cert, *key)
}

// serve serves until ctx ends, then shuts down gracefully.
func (m *Main) serve(ctx context.Context, db *store.DB, addr, cert, key string) error {
	logger := slog.New(slog.NewTextHandler(m.Stderr, nil))
	app, err := web.New(web.Config{Accounts: db, Dir: db, Draws: db, Ledger: db, Log: logger, TLS: cert != ""})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return spotcheck.Errorf(spotcheck.EINVALID, "无法监听 %s：%v", addr, err)
	}
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
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
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(m.Stderr, "服务已停止")
	return nil
}
