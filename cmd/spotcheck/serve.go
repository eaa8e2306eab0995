package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"time"

	"spotcheck"
	"spotcheck/store"
)

func (m *Main) runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dsn := dbFlag(fs)
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
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return m.serve(ctx, db, *addr, *cert, *key)
}

// statusPage is the interim home page: what the database holds. The staff
// workspace and the public portal replace it (web package).
var statusPage = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>spotcheck 双随机、一公开监管平台</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1>双随机、一公开监管平台</h1>
<p>数据库（{{.Dialect}}）当前内容：</p>
<table>{{range .Counts}}<tr><td>{{.Name}}</td><td style="text-align:right">{{.N}}</td></tr>{{end}}</table>
<p>工作台与公示门户正在建设中。</p>
</body></html>`))

// serve serves until ctx ends, then shuts down gracefully.
func (m *Main) serve(ctx context.Context, db *store.DB, addr, cert, key string) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		type count struct {
			Name string
			N    int
		}
		var counts []count
		for _, k := range spotcheck.ImportKinds {
			n, err := db.Count(r.Context(), k)
			if err != nil {
				http.Error(w, "内部错误", http.StatusInternalServerError)
				return
			}
			counts = append(counts, count{spotcheck.KindNames[k], n})
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		statusPage.Execute(w, map[string]any{"Dialect": db.Dialect(), "Counts": counts})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return spotcheck.Errorf(spotcheck.EINVALID, "无法监听 %s：%v", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(slog.NewTextHandler(m.Stderr, nil).WithAttrs(nil), slog.LevelWarn)}
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
