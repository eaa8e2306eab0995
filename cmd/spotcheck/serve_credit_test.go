package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/internal/pgtest"
	"spotcheck/store"
)

const creditSecret = "tok-serve-secret-5150"

// TestServeCreditFlags: a bad address, a missing token file and a token
// file without an address are refused at start, each with a Chinese
// message that names the flag and does not carry the token.
func TestServeCreditFlags(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	os.WriteFile(tok, []byte(creditSecret), 0o600)
	db := filepath.Join(dir, "x.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--credit-endpoint", "credit.example.cn/push", "--credit-token-file", tok}, "信用平台地址“credit.example.cn/push”无效"},
		{[]string{"--credit-endpoint", "http://credit.example.cn/push"}, "须使用 https"},
		{[]string{"--credit-endpoint", "https://credit.example.cn/push", "--credit-token-file", tok + ".missing"}, "令牌文件"},
		{[]string{"--credit-token-file", tok}, "没有 --credit-endpoint"},
	} {
		code, _, errs := run(t, append([]string{"serve", "--db", db}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) || strings.Contains(errs, creditSecret) {
			t.Errorf("%v: exit %d, %s", c.args, code, errs)
		}
	}
}

// receiver is a credit platform that applies a record once per
// idempotency key (received counts the requests of each key: its keys
// are what was applied), counts every request, notes two requests of one key in flight at once,
// and can hold the request numbered holdAt (after applying it) until
// released: the answer is then lost when the sender dies.
type receiver struct {
	mu       sync.Mutex
	received map[string]int
	inFlight map[string]bool
	requests int
	overlap  []string
	holdAt   int
	heldKey  string
	held     chan struct{} // closed when the held request arrives
	release  chan struct{}
}

func newReceiver(holdAt int) *receiver {
	return &receiver{received: map[string]int{}, inFlight: map[string]bool{}, holdAt: holdAt,
		held: make(chan struct{}), release: make(chan struct{})}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if r.Header.Get("Authorization") != "Bearer "+creditSecret || key == "" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	rc.mu.Lock()
	if rc.inFlight[key] {
		rc.overlap = append(rc.overlap, key)
	}
	rc.inFlight[key] = true
	rc.requests++
	rc.received[key]++
	hold := rc.requests == rc.holdAt
	if hold {
		rc.heldKey = key
	}
	rc.mu.Unlock()
	if hold {
		close(rc.held)
		<-rc.release
	}
	rc.mu.Lock()
	delete(rc.inFlight, key)
	rc.mu.Unlock()
	fmt.Fprintf(w, `{"success":true,"receipt":"R-%s"}`, key)
}

// buildSpotcheck builds the program into dir and returns its path.
func buildSpotcheck(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "spotcheck")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestServeCreditKilledMidPush: real `spotcheck serve` processes pushing
// 300 records are killed (SIGKILL) while the receiver holds a request it
// has applied, and started again: every record is delivered, each key is
// applied — counted distinct — once as far as the receiver is concerned,
// the record whose answer was lost is sent again, no record is in flight
// twice at once, none is dead, and the token is in no process's output.
// On SQLite one server; on PostgreSQL two servers on the one database,
// both killed and both started again.
func TestServeCreditKilledMidPush(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	dir := t.TempDir()
	bin := buildSpotcheck(t, dir)
	t.Run("sqlite", func(t *testing.T) { killMidPush(t, bin, filepath.Join(t.TempDir(), "push.db"), 1) })
	t.Run("postgres", func(t *testing.T) { killMidPush(t, bin, pgtest.URL(t), 2) })
}

// killMidPush runs servers `serve` processes on dsn against a receiver,
// kills them all mid-push and starts them again.
func killMidPush(t *testing.T, bin, dsn string, servers int) {
	dir := t.TempDir()
	ctx := sysCtx
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 300
	for i := range n {
		r := &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: fmt.Sprintf("pub-%d", i), Version: 1,
			Payload: []byte(fmt.Sprintf(`{"n":%d}`, i))}
		if err := db.EnqueueOutbox(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	rc := newReceiver(120)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	defer func() {
		select {
		case <-rc.release:
		default:
			close(rc.release)
		}
	}()
	tok := filepath.Join(dir, "token")
	os.WriteFile(tok, []byte(creditSecret+"\n"), 0o600)
	var outs []*bytes.Buffer
	start := func() []*exec.Cmd {
		var cmds []*exec.Cmd
		for range servers {
			out := &bytes.Buffer{}
			cmd := exec.Command(bin, "serve", "--db", dsn, "--log-key", filepath.Join(dir, "log.key"),
				"--addr", "127.0.0.1:0", "--credit-endpoint", srv.URL+"/push", "--credit-token-file", tok,
				"--credit-lease", "2s")
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds, outs = append(cmds, cmd), append(outs, out)
		}
		return cmds
	}
	kill := func(cmds []*exec.Cmd) {
		for _, c := range cmds {
			c.Process.Kill() // SIGKILL: no shutdown of any kind
			c.Wait()
		}
	}
	first := start()
	select {
	case <-rc.held:
	case <-time.After(2 * time.Minute):
		kill(first)
		t.Fatalf("the receiver got no %dth request; servers said:\n%s", rc.holdAt, outs)
	}
	kill(first)
	close(rc.release)

	second := start()
	defer func() {
		for _, c := range second {
			c.Process.Signal(os.Interrupt)
			c.Wait()
		}
		for _, o := range outs {
			if strings.Contains(o.String(), creditSecret) {
				t.Errorf("the token is in the server's output:\n%s", o)
			}
		}
	}()
	svc := store.NewOutboxService(db, nil)
	var c spotcheck.OutboxCounts
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if c, err = svc.OutboxCounts(ctx); err != nil {
			t.Fatal(err)
		}
		if c.Delivered == n || time.Now().After(deadline) {
			break
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if c.Delivered != n || c.Dead != 0 || c.Pending+c.Retrying != 0 {
		t.Fatalf("counts after the restart: %+v; servers said:\n%s", c, outs)
	}
	if len(rc.received) != n {
		t.Errorf("%d distinct keys received, want %d", len(rc.received), n)
	}
	if rc.requests <= n || rc.received[rc.heldKey] < 2 {
		t.Errorf("the record whose answer was lost was not sent again: %d requests, %s %d times",
			rc.requests, rc.heldKey, rc.received[rc.heldKey])
	}
	if len(rc.overlap) > 0 {
		t.Errorf("records in flight twice at once: %v", rc.overlap)
	}
	l, err := svc.FindOutbox(ctx, spotcheck.OutboxDelivered, 0, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range l.Items {
		if e.Receipt != "R-"+e.IdempotencyKey() {
			t.Errorf("record %d: receipt %q", e.ID, e.Receipt)
		}
	}
}
