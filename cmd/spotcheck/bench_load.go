package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"spotcheck"
	"spotcheck/store"
	"spotcheck/web"
	"spotcheck/xlsx"
)

// benchLoad is the load and soak test (issue 13, item 8): staff users
// doing their daily work and public readers at once, against the real
// web application served in this process, for a fixed time.
//
//	bench load [--db DSN] [--entities 1000000] [--staff 200] [--public 500] [--duration 10m] [--think 1s]
//
// A new database gets its world first: the demo's directory and staff, a
// drawn task with inspections and their inspectors' accounts
// (benchInspectionWorld), then synthetic entities up to --entities as
// `bench import` makes them. Each staff user is a session of one of the
// staff accounts and, in turn, opens the home page with its to-dos,
// searches the directory, lists inspections, tasks and draws, opens one
// of its inspections and the deadlines — those of these its roles reach
// (probe); each public reader opens the portal's pages and searches
// results. Between two requests a user
// thinks for --think, ±50 %: these are people, not a flood (bench search
// and bench results measure the flood). It prints the latencies by
// page, the errors (any answer but 200), and the heap every tenth of the
// run, and fails when any request failed or the heap of the last tenth
// is more than 1.5 times that of the second.
func (m *Main) benchLoad(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	dsn := fs.String("db", "", "数据库（默认临时 SQLite 文件）")
	n := fs.Int("entities", 1000000, "新数据库中的检查对象数量")
	staffN := fs.Int("staff", 200, "同时工作的工作人员数")
	publicN := fs.Int("public", 500, "同时访问门户的公众数")
	duration := fs.Duration("duration", 10*time.Minute, "持续时间")
	think := fs.Duration("think", time.Second, "每个用户两次请求之间的平均间隔")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	env, err := m.openBench(ctx, *dsn)
	if err != nil {
		return err
	}
	defer env.close()
	db, sys := env.db, env.sys
	if env.empty {
		start := time.Now()
		if err := benchLoadWorld(sys, db, *n, env.tmp); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "world: %d entities in %.1f s\n", *n, time.Since(start).Seconds())
	}
	w, err := newLoadWork(sys, db)
	if err != nil {
		return err
	}
	base, stop, err := serveForBench(db, web.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(m.Stdout, "load %s: %d staff, %d public, think %s, %s\n", db.Dialect(), *staffN, *publicN, *think, *duration)
	res := w.run(ctx, base, *staffN, *publicN, *think, *duration)
	res.print(m.Stdout, *duration)
	if res.errors > 0 {
		return spotcheck.Errorf(spotcheck.EINVALID, "负载测试中有 %d 个请求失败", res.errors)
	}
	if grew := res.heapGrowth(); grew > 1.5 {
		return spotcheck.Errorf(spotcheck.EINVALID, "内存持续增长：最后阶段是第二阶段的 %.2f 倍", grew)
	}
	return nil
}

// benchLoadWorld makes the world of an empty database.
func benchLoadWorld(sys context.Context, db *store.DB, n int, tmp string) error {
	if _, _, err := benchInspectionWorld(sys, db, 40); err != nil {
		return err
	}
	have, err := db.Count(sys, spotcheck.KindEntities)
	if err != nil || int(have) >= n {
		return err
	}
	csv := filepath.Join(tmp, "entities.csv")
	if err := writeSyntheticEntities(csv, n-int(have)); err != nil {
		return err
	}
	_, err = xlsx.Transfers(db.Transfers())[spotcheck.KindEntities].ImportFile(sys, csv)
	return err
}

// loadWork is what the users do: the staff's sessions and the pages.
type loadWork struct {
	staff   []loadUser // a session per staff account
	queries []string   // pieces of names and codes
	tasks   []string
}

type loadUser struct {
	name        string
	session     string
	inspections []int64         // of the user's teams (inspectors)
	pages       map[string]bool // the staff pages the user's roles reach (probe)
}

func newLoadWork(sys context.Context, db *store.DB) (*loadWork, error) {
	users, err := db.Accounts().FindUsers(sys)
	if err != nil {
		return nil, err
	}
	w := &loadWork{}
	for _, u := range users {
		if slices.ContainsFunc(u.Roles, spotcheck.IsAdminRole) || !u.Active {
			continue
		}
		s, err := db.Accounts().CreateSession(sys, u.Username)
		if err != nil {
			return nil, err
		}
		lu := loadUser{name: u.Username, session: s}
		if u.StaffID != "" {
			l, err := db.Inspections().FindInspections(sys, spotcheck.InspectionFilter{Staff: u.StaffID})
			if err != nil {
				return nil, err
			}
			for _, in := range l {
				lu.inspections = append(lu.inspections, in.ID)
			}
		}
		w.staff = append(w.staff, lu)
	}
	if w.queries, err = sampleQueries(sys, db, 2000); err != nil {
		return nil, err
	}
	tasks, err := db.Tasks().FindTasks(sys, spotcheck.TaskFilter{})
	if err != nil {
		return nil, err
	}
	for _, t := range tasks.Items {
		w.tasks = append(w.tasks, t.Code)
	}
	if len(w.staff) == 0 || len(w.tasks) == 0 {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "数据库中没有工作人员账号或抽查任务")
	}
	return w, nil
}

// loadResult is what a run measured.
type loadResult struct {
	mu     sync.Mutex
	pages  map[string]*latencies
	errors int
	heap   []uint64 // HeapInuse every tenth of the run
	first  []string // the first errors
}

func (r *loadResult) add(page string, d time.Duration, status int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pages[page] == nil {
		r.pages[page] = &latencies{}
	}
	ok := err == nil && status == http.StatusOK
	r.pages[page].add(d, ok)
	if !ok {
		r.errors++
		if len(r.first) < 5 {
			r.first = append(r.first, fmt.Sprintf("%s: %d %v", page, status, err))
		}
	}
}

// heapGrowth is the heap of the last tenth over that of the second (the
// first is the warm-up).
func (r *loadResult) heapGrowth() float64 {
	if len(r.heap) < 3 || r.heap[1] == 0 {
		return 1
	}
	return float64(r.heap[len(r.heap)-1]) / float64(r.heap[1])
}

func (r *loadResult) print(out io.Writer, d time.Duration) {
	names := make([]string, 0, len(r.pages))
	for k := range r.pages {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(out, "%-28s %s\n", k, r.pages[k].summary(d))
	}
	mb := make([]string, len(r.heap))
	for i, h := range r.heap {
		mb[i] = fmt.Sprintf("%.0f", float64(h)/(1<<20))
	}
	fmt.Fprintf(out, "errors: %d %v\nheap in use (MiB, every tenth of the run): %s\n", r.errors, r.first, strings.Join(mb, " "))
}

// staffPages are the staff pages of the daily work, by their first path.
var staffPages = []string{"/staff/", "/staff/entities", "/staff/inspections", "/staff/tasks", "/staff/draws",
	"/staff/deadlines"}

// probe finds the staff pages each user's roles reach: the daily work of
// an approver is not a planner's.
func (w *loadWork) probe(c *http.Client, base string) {
	for i := range w.staff {
		u := &w.staff[i]
		u.pages = map[string]bool{}
		for _, p := range staffPages {
			req, _ := http.NewRequest(http.MethodGet, base+p, nil)
			req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: u.session})
			if resp, err := c.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				u.pages[p] = resp.StatusCode == http.StatusOK
			}
		}
	}
}

// reaches reports whether the user of session may open path (its
// section's list, as probe found).
func (w *loadWork) reaches(session, path string) bool {
	for _, u := range w.staff {
		if u.session != session {
			continue
		}
		for _, p := range staffPages[1:] {
			if strings.HasPrefix(path, p) {
				return u.pages[p]
			}
		}
		return u.pages["/staff/"]
	}
	return false
}

func (w *loadWork) run(ctx context.Context, base string, staffN, publicN int, think, d time.Duration) *loadResult {
	res := &loadResult{pages: map[string]*latencies{}}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: staffN + publicN}, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	w.probe(c, base)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { // the heap, every tenth of the run
		tick := time.NewTicker(d / 10)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				res.mu.Lock()
				res.heap = append(res.heap, ms.HeapInuse)
				res.mu.Unlock()
			}
		}
	})
	get := func(page, path, session, addr string) {
		if session != "" && !w.reaches(session, path) {
			return // not this role's work
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if session != "" {
			req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: session})
		}
		req.Header.Set("X-Forwarded-For", addr)
		start := time.Now()
		resp, err := c.Do(req)
		status := 0
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		}
		if ctx.Err() == nil {
			res.add(page, time.Since(start), status, err)
		}
	}
	pause := func(rnd *rand.Rand) {
		select {
		case <-ctx.Done():
		case <-time.After(think/2 + time.Duration(rnd.Int64N(int64(think)+1))):
		}
	}
	for i := range staffN {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(i), 1))
			u := w.staff[i%len(w.staff)]
			addr := fmt.Sprintf("10.1.%d.%d", i/250, i%250+1)
			pause(rnd) // people do not all start at the same instant
			for n := 0; ctx.Err() == nil; n++ {
				q := url.QueryEscape(w.queries[rnd.IntN(len(w.queries))])
				switch n % 7 {
				case 0:
					get("staff home", "/staff/", u.session, addr)
				case 1:
					get("staff entity search", "/staff/entities?q="+q, u.session, addr)
				case 2:
					get("staff inspections", "/staff/inspections", u.session, addr)
				case 3:
					get("staff tasks", "/staff/tasks", u.session, addr)
				case 4:
					get("staff draws", "/staff/draws", u.session, addr)
				case 5:
					if len(u.inspections) > 0 {
						get("staff inspection", fmt.Sprintf("/staff/inspections/%d", u.inspections[rnd.IntN(len(u.inspections))]), u.session, addr)
					} else {
						get("staff entity search", "/staff/entities?q="+q, u.session, addr)
					}
				case 6:
					get("staff deadlines", "/staff/deadlines", u.session, addr)
				}
				pause(rnd)
			}
		})
	}
	for i := range publicN {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(i), 2))
			pause(rnd)
			for n := 0; ctx.Err() == nil; n++ {
				addr := fmt.Sprintf("10.2.%d.%d", (i*50+n/20)/250%250, (i*50+n/20)%250+1) // a visitor moves on after 20 pages
				switch n % 5 {
				case 0:
					get("public home", "/", "", addr)
				case 1:
					get("public results search", "/results?q="+url.QueryEscape(w.queries[rnd.IntN(len(w.queries))]), "", addr)
				case 2:
					get("public tasks", "/tasks", "", addr)
				case 3:
					get("public task", "/tasks/"+url.PathEscape(w.tasks[rnd.IntN(len(w.tasks))]), "", addr)
				case 4:
					get("public draws", "/draws", "", addr)
				}
				pause(rnd)
			}
		})
	}
	wg.Wait()
	return res
}
