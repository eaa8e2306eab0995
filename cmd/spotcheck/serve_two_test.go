package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/pgtest"
)

// TestTwoServersOnePostgres (issue 13, item 4): two `spotcheck serve`
// processes on one PostgreSQL behave as one system. Both are ready; a
// session made on one is valid on the other; tasks published through
// both at once, four clients each, get distinct, consecutive log entries
// (the log's appends are serialised in the database, not in a process);
// and the log verifies afterwards. That the scheduled jobs run once per
// schedule across both is TestServeRegistersJobs and
// jobs.TestOncePerSchedule; that the outbox sends each record once,
// TestServeCreditKilledMidPush.
func TestTwoServersOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	dir := t.TempDir()
	bin := buildSpotcheck(t, dir)
	dsn, key := pgtest.URL(t), filepath.Join(dir, "log.key")
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Now: time.Now}
	db, err := m.openLoggedDB(sysCtx, dsn, key)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(spotcheck.ChinaTime)
	if err := demo.Load(sysCtx, db.Transfers(), db.Accounts(), demo.Generate(demoSeed, 300, today.Format(spotcheck.DateLayout)), nil); err != nil {
		t.Fatal(err)
	}
	as, err := demoStaff(sysCtx, db, "planner")
	if err != nil {
		t.Fatal(err)
	}
	token, err := db.Accounts().CreateAPIToken(as("planner"), "planner", "两台服务测试", 0)
	if err != nil {
		t.Fatal(err)
	}
	before, err := db.LogSize(sysCtx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	servers := []string{startServer(t, bin, dsn, key, "app-1"), startServer(t, bin, dsn, key, "app-2")}
	for _, s := range servers {
		if resp, err := http.Get(s + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s/readyz: %v %v", s, resp, err)
		}
	}

	// A session made on one server is valid on the other.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(servers[0]+"/login", url.Values{"username": {"planner"}, "password": {demo.Password}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in on the first server: %v %v", resp, err)
	}
	u0, _ := url.Parse(servers[0])
	u1, _ := url.Parse(servers[1])
	jar.SetCookies(u1, jar.Cookies(u0))
	if resp, err := c.Get(servers[1] + "/staff/"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the session on the second server: %v %v", resp, err)
	}

	// Tasks published through both at once.
	const clients, tasks = 4, 5
	var mu sync.Mutex
	var indexes []int64
	var wg sync.WaitGroup
	for i := range 2 * clients {
		wg.Go(func() {
			base := servers[i%2]
			for n := range tasks {
				code := fmt.Sprintf("%d-FZWL-TWO-%d-%d", today.Year(), i, n)
				body := `{"code":"` + code + `","name":"两台服务抽查","items":["WL-LXS-001"],"strata_by":"credit",` +
					`"strata":[{"id":"A","rate":"3/100"},{"id":"B","rate":"3/100"},{"id":"C","rate":"3/100"},{"id":"D","rate":"3/100"}],` +
					`"start":"` + today.Format(spotcheck.DateLayout) + `","end":"` + fmt.Sprint(today.Year()) + `-12-31"}`
				if status, out := callAPI(base, token, "POST", "/api/v1/tasks", body); status != http.StatusCreated {
					t.Errorf("create %s on %s: %d %s", code, base, status, out)
					return
				}
				status, out := callAPI(base, token, "POST", "/api/v1/tasks/"+code+"/publish", `{"from":"draft"}`)
				m := regexp.MustCompile(`"log_index":\s*(\d+)`).FindStringSubmatch(out)
				if status != http.StatusOK || m == nil {
					t.Errorf("publish %s on %s: %d %s", code, base, status, out)
					return
				}
				var idx int64
				fmt.Sscan(m[1], &idx)
				mu.Lock()
				indexes = append(indexes, idx)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(indexes)
	if len(indexes) != 2*clients*tasks {
		t.Fatalf("%d publications logged, want %d", len(indexes), 2*clients*tasks)
	}
	for i, idx := range indexes {
		if idx != before+int64(i) {
			t.Fatalf("log indexes %v: not consecutive after %d", indexes, before)
		}
	}
	out, err := exec.Command(bin, "log", "verify", "--db", dsn, "--log-key", key).CombinedOutput()
	if want := fmt.Sprintf("ok %d entries", before+int64(len(indexes))); err != nil || !strings.Contains(string(out), want) {
		t.Fatalf("log verify: %v %s, want %s", err, out, want)
	}
}

// startServer runs `spotcheck serve` on a free port until the test ends
// and returns its base URL.
func startServer(t *testing.T, bin, dsn, key, name string) string {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", dsn, "--log-key", key, "--addr", "127.0.0.1:0", "--instance-name", name)
	cmd.Stderr = io.Discard
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := regexp.MustCompile(`(http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return a
	case <-time.After(time.Minute):
		t.Fatalf("%s: not serving after a minute", name)
	}
	return ""
}

// callAPI sends one API request and returns the status and body.
func callAPI(base, token, method, path, body string) (int, string) {
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
