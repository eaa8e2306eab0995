package main

import (
	"context"
	crand "crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/ledger"
	"spotcheck/store"
	"spotcheck/web"
)

// benchSearch measures the entity search as users meet it: the list page
// and the API call, served by the real web application in this process,
// under concurrent clients on loopback for a fixed time.
//
//	bench search --db DSN [--clients 20] [--duration 30s] [--queries 2000]
//
// Queries are 2–4 character pieces of real names from the database and
// credit-code prefixes of 6–10 characters (one in five). A bench user
// (bench-search, department admin of --dept or of the root bureau) is
// created or reset.
func (m *Main) benchSearch(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	dsn := dbFlag(fs)
	clients := fs.Int("clients", 20, "并发客户端数")
	duration := fs.Duration("duration", 30*time.Second, "持续时间")
	nq := fs.Int("queries", 2000, "查询词数量")
	cpuProfile := fs.String("cpuprofile", "", "把负载阶段的 CPU profile 写到此文件")
	dept := fs.String("dept", "", "测试用户所属部门（默认顶级文旅部门）")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := m.openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	queries, err := sampleQueries(ctx, db, *nq)
	if err != nil {
		return err
	}
	password, err := ensureBenchUser(ctx, db, *dept)
	if err != nil {
		return err
	}
	base, stop, err := serveForBench(db, web.Config{})
	if err != nil {
		return err
	}
	defer stop()
	client, token, err := benchClient(base, password, *clients)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "search %s: %d entities sampled into %d queries, %d clients, %s\n",
		db.Dialect(), len(queries), len(queries), *clients, *duration)
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	page, api := runSearchLoad(ctx, client, base, token, queries, *clients, *duration)
	for _, r := range []struct {
		name string
		lat  *latencies
	}{{"page GET /staff/entities?q=", page}, {"api  GET /api/v1/entities?q=", api}} {
		fmt.Fprintf(m.Stdout, "%s  %s\n", r.name, r.lat.summary(*duration))
	}
	return nil
}

// benchEnv is the database of a benchmark that serves the web
// application: --db, or a new SQLite file in a temporary folder, with a
// log key of its own; empty says it has no departments yet, so that the
// caller makes its world in it.
type benchEnv struct {
	db    *store.DB
	sys   context.Context // the system principal "bench"
	tmp   string          // a temporary folder, removed by close
	empty bool
}

func (m *Main) openBench(ctx context.Context, dsn string) (*benchEnv, error) {
	tmp, err := os.MkdirTemp("", "spotcheck-bench-")
	if err != nil {
		return nil, err
	}
	if dsn == "" {
		dsn = filepath.Join(tmp, "bench.db")
	}
	db, err := m.openDB(ctx, dsn)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	e := &benchEnv{db: db, sys: spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("bench")), tmp: tmp}
	signer, vkey, err := ledger.NewKey("spotcheck.bench/log")
	if err != nil {
		e.close()
		return nil, err
	}
	db.UseLogKey(signer, vkey)
	deps, err := db.Count(e.sys, spotcheck.KindDepartments)
	if err != nil {
		e.close()
		return nil, err
	}
	e.empty = deps == 0
	return e, nil
}

func (e *benchEnv) close() {
	e.db.Close()
	os.RemoveAll(e.tmp)
}

// serveForBench serves the real web application on db with c (its
// services and a silent log filled in) on a free loopback port, for the
// benchmarks' clients; stop closes it.
func serveForBench(db *store.DB, c web.Config) (base string, stop func() error, err error) {
	serverGC()
	c.Services, c.Log = webServices(db), slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := web.New(c)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: app}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), srv.Close, nil
}

// sampleQueries takes names and codes from the first entities of the
// directory and cuts queries from them.
func sampleQueries(ctx context.Context, db *store.DB, n int) ([]string, error) {
	stop := errors.New("enough")
	var names, codes []string
	err := db.Entities().ExportEntities(ctx, func(e *spotcheck.Entity) error {
		if len(names) >= 20000 {
			return stop
		}
		names = append(names, strings.TrimSuffix(e.Name, "（示例）"))
		if len(e.ID) == 18 {
			codes = append(codes, e.ID)
		}
		return nil
	})
	if err != nil && !errors.Is(err, stop) {
		return nil, err
	}
	if len(names) == 0 {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "数据库中没有检查对象；请先运行 bench import")
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	out := make([]string, 0, n)
	for len(out) < n {
		if rnd.IntN(5) == 0 && len(codes) > 0 {
			c := codes[rnd.IntN(len(codes))]
			out = append(out, c[:6+rnd.IntN(5)])
			continue
		}
		r := []rune(names[rnd.IntN(len(names))])
		k := 2 + rnd.IntN(3)
		if len(r) < k {
			continue
		}
		i := rnd.IntN(len(r) - k + 1)
		out = append(out, string(r[i:i+k]))
	}
	return out, nil
}

// ensureBenchUser creates or resets the bench user, a department admin of
// dept ("" = the root bureau).
func ensureBenchUser(ctx context.Context, db *store.DB, dept string) (string, error) {
	depts, err := db.Departments().FindDepartments(ctx)
	if err != nil {
		return "", err
	}
	root := dept
	for _, d := range depts {
		if root == "" && d.Parent == "" && d.Kind == spotcheck.DeptBureau {
			root = d.Code
		}
	}
	if root == "" {
		return "", spotcheck.Errorf(spotcheck.EINVALID, "没有顶级文旅部门")
	}
	// A fresh password each run: the security policy refuses a password
	// used before (and one that contains the user name).
	const name = "bench-search"
	password := "Bench#" + crand.Text()
	u := &spotcheck.User{Username: name, Name: "性能测试", Dept: root, Roles: []string{spotcheck.RoleDeptAdmin}, Active: true}
	if err := demo.KeepInitialPasswords(ctx, db.Accounts()); err != nil {
		return "", err
	}
	if _, err := db.Accounts().FindUserByUsername(ctx, name); err != nil {
		return password, db.Accounts().CreateUser(ctx, u, password)
	}
	if err := db.Accounts().UpdateUser(ctx, u); err != nil {
		return "", err
	}
	return password, db.Accounts().SetPassword(ctx, name, password)
}

// benchClient signs in through the login form and makes an API token.
func benchClient(base, password string, conns int) (*http.Client, string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: conns * 2}, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {"bench-search"}, "password": {password}})
	if err != nil {
		return nil, "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, "", fmt.Errorf("login: %s", resp.Status)
	}
	resp, err = c.PostForm(base+"/staff/account/tokens", url.Values{"name": {"bench"}})
	if err != nil {
		return nil, "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	i := strings.Index(string(body), "sct_")
	if i < 0 {
		return nil, "", fmt.Errorf("no API token in the account page (%s)", resp.Status)
	}
	token := string(body[i:])
	token = token[:strings.IndexAny(token, "<\" ")]
	return c, token, nil
}

// latencies collects response times of one kind of request.
type latencies struct {
	mu     sync.Mutex
	d      []time.Duration
	errors int
}

func (l *latencies) add(d time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ok {
		l.d = append(l.d, d)
	} else {
		l.errors++
	}
}

func (l *latencies) summary(total time.Duration) string {
	slices.Sort(l.d)
	q := func(p float64) time.Duration {
		if len(l.d) == 0 {
			return 0
		}
		return l.d[min(len(l.d)-1, int(p*float64(len(l.d))))]
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	return fmt.Sprintf("%d requests (%.0f/s), %d errors; ms: median %s  p90 %s  p99 %s  max %s", len(l.d),
		float64(len(l.d))/total.Seconds(), l.errors, ms(q(.5)), ms(q(.9)), ms(q(.99)), ms(q(1)))
}

// runSearchLoad runs the clients, each alternating page and API requests
// with queries from the list, until the duration is over.
func runSearchLoad(ctx context.Context, c *http.Client, base, token string, queries []string, clients int,
	d time.Duration) (page, api *latencies) {
	page, api = &latencies{}, &latencies{}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(i), 7))
			for n := 0; ctx.Err() == nil; n++ {
				q := url.QueryEscape(queries[rnd.IntN(len(queries))])
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/staff/entities?q="+q, nil)
				lat := page
				if n%2 == 1 {
					req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/entities?q="+q, nil)
					req.Header.Set("Authorization", "Bearer "+token)
					lat = api
				}
				start := time.Now()
				resp, err := c.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						lat.add(0, false)
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat.add(time.Since(start), resp.StatusCode == http.StatusOK)
			}
		})
	}
	wg.Wait()
	return page, api
}
