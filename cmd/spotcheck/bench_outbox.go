package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"spotcheck"
	"spotcheck/credit"
	"spotcheck/store"
)

// benchOutbox measures the credit push (issue 12, item 5):
//
//	bench outbox [--db DSN] [--records 5000] [--workers 2] [--rate 5] [--outage 10m] [--latency 0]
//
// Throughput: --records records are enqueued, then --workers workers (as
// many server processes would run, each its own database handle) send
// them over HTTP to a receiver in this process on loopback, which applies
// each idempotency key once; the figure is records delivered per second.
//
// Outage: on a simulated clock, records arrive at --rate per second while
// the receiver answers 503 for --outage; the workers keep trying under
// the default policy (backoff with jitter). Then the receiver is back,
// records keep arriving, and the clock runs on by the real time each
// batch takes (and by one second, the server's idle wait, whenever
// nothing is due) until nothing is pending: the figure is how long after
// the receiver's return the backlog is gone, and how much of it was real
// sending. --latency delays each acknowledgement (a receiver across a
// network): a worker sends one record at a time. Without --db a new SQLite file in a temporary folder is used;
// on PostgreSQL use a fresh database.
func (m *Main) benchOutbox(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench outbox", flag.ContinueOnError)
	dsn := fs.String("db", "", "数据库（默认临时 SQLite 文件）")
	n := fs.Int("records", 5000, "吞吐量测量的记录数")
	workers := fs.Int("workers", 2, "发送进程数")
	rate := fs.Float64("rate", 5, "停机期间每秒新增的公示记录数")
	outage := fs.Duration("outage", 10*time.Minute, "信用平台停机时长")
	latency := fs.Duration("latency", 0, "接收端每次应答前的延迟（模拟网络往返）")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *dsn == "" {
		tmp, err := os.MkdirTemp("", "spotcheck-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		*dsn = filepath.Join(tmp, "bench.db")
	}
	rc := &benchReceiver{applied: map[string]bool{}, latency: *latency}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: rc, ErrorLog: slog.NewLogLogger(slog.New(slog.NewTextHandler(io.Discard, nil)).Handler(), slog.LevelError)}
	go srv.Serve(ln)
	defer srv.Close()
	sender, err := credit.New("http://"+ln.Addr().String()+"/push", credit.Token{}, 30*time.Second)
	if err != nil {
		return err
	}
	dbs := make([]*store.DB, max(*workers, 1))
	for i := range dbs {
		if dbs[i], err = m.openDB(ctx, *dsn); err != nil {
			return err
		}
		defer dbs[i].Close()
	}
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	seq := 0
	enqueue := func(k int) error {
		recs := make([]*spotcheck.OutboxRecord, 0, min(k, 500))
		for i := 0; i < k; i++ {
			seq++
			recs = append(recs, benchRecord(run, seq))
			if len(recs) == cap(recs) || i == k-1 {
				if err := dbs[0].EnqueueOutbox(benchCtx(), recs...); err != nil {
					return err
				}
				recs = recs[:0]
			}
		}
		return nil
	}

	// Throughput.
	if err := enqueue(*n); err != nil {
		return err
	}
	ws := make([]*store.OutboxWorker, len(dbs))
	for i, db := range dbs {
		ws[i] = db.NewOutboxWorker(sender, spotcheck.DefaultOutboxPolicy)
	}
	start := time.Now()
	if err := drainAll(ctx, ws); err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(m.Stdout, "throughput: %d records, %d workers: %.2f s, %.0f records/s; receiver: %d requests, %d distinct keys\n",
		*n, len(ws), el.Seconds(), float64(*n)/el.Seconds(), rc.requests.Load(), rc.distinct())

	// The outage, on a simulated clock shared by every handle.
	var sim atomic.Int64
	sim.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, sim.Load()).UTC() }
	for _, db := range dbs {
		db.Now = clock
	}
	advance := func(d time.Duration) { sim.Add(int64(d)) }
	rc.down.Store(true)
	before := seq
	carry := 0.0
	arrive := func(d time.Duration) error {
		carry += *rate * d.Seconds()
		k := int(carry)
		carry -= float64(k)
		return enqueue(k)
	}
	for t := time.Duration(0); t < *outage; t += time.Second {
		if err := arrive(time.Second); err != nil {
			return err
		}
		if err := drainAll(ctx, ws); err != nil {
			return err
		}
		advance(time.Second)
	}
	backlog := seq - before
	failedReq := rc.requests.Load()
	rc.down.Store(false)
	back := clock()
	var sending time.Duration
	sv := store.NewOutboxService(dbs[0], nil)
	for {
		t0 := time.Now()
		if err := drainAll(ctx, ws); err != nil {
			return err
		}
		d := time.Since(t0)
		sending += d
		advance(d)
		c, err := sv.OutboxCounts(benchCtx())
		if err != nil {
			return err
		}
		if c.Pending+c.Retrying == 0 {
			break
		}
		if clock().Sub(back) > 24*time.Hour {
			return fmt.Errorf("the backlog did not drain in a day: %+v", c)
		}
		advance(time.Second) // the server's idle wait
		if err := arrive(time.Second + d); err != nil {
			return err
		}
	}
	c, err := sv.OutboxCounts(benchCtx())
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "outage: %v at %.1f records/s: backlog %d records (%d failed sends during the outage)\n",
		*outage, *rate, backlog, failedReq)
	fmt.Fprintf(m.Stdout, "after the receiver is back: drained in %.1f s (simulated clock), of which %.2f s sending; "+
		"%d delivered, %d dead; receiver: %d distinct keys of %d records\n",
		clock().Sub(back).Seconds(), sending.Seconds(), c.Delivered, c.Dead, rc.distinct(), seq)
	return nil
}

// benchCtx is the system principal's context of the benchmark.
func benchCtx() context.Context {
	return spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("bench:outbox"))
}

// drainAll runs the workers at once until none finds anything due.
func drainAll(ctx context.Context, ws []*store.OutboxWorker) error {
	var wg sync.WaitGroup
	errs := make([]error, len(ws))
	for i, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := w.RunOnce(ctx)
				if err != nil || n == 0 {
					errs[i] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// benchRecord is a credit record of a realistic size (some 700 bytes).
func benchRecord(run string, i int) *spotcheck.OutboxRecord {
	body := fmt.Sprintf(`{"记录版本":1,"抽查计划编号":"2026-FZWL-JH-001","抽查计划名称":"2026年福州市文化旅游领域双随机抽查计划",`+
		`"抽查任务编号":"2026-FZWL-%03d","抽查任务名称":"网吧经营场所第二轮双随机抽查","抽查类型":"定向抽查",`+
		`"抽查机关":"福州市文化和旅游局","抽查完成日期":"2026-11-20","检查事项":["网吧经营场所是否落实实名登记","是否接纳未成年人"],`+
		`"检查结果":"未发现问题","主体名称":"福州某某网络科技有限公司第%d分公司","统一社会信用代码":"91350102MA%08d"}`, i%1000, i, i)
	return &spotcheck.OutboxRecord{Kind: spotcheck.OutboxKindCredit, Key: fmt.Sprintf("bench-%s-%d", run, i), Version: 1,
		Payload: []byte(body)}
}

// benchReceiver acknowledges each record with a receipt, or answers 503
// while down; it counts the distinct idempotency keys it applied.
type benchReceiver struct {
	down     atomic.Bool
	latency  time.Duration
	requests atomic.Int64
	mu       sync.Mutex
	applied  map[string]bool
}

func (rc *benchReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.requests.Add(1)
	io.Copy(io.Discard, r.Body)
	if rc.down.Load() {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	time.Sleep(rc.latency)
	key := r.Header.Get("Idempotency-Key")
	rc.mu.Lock()
	rc.applied[key] = true
	rc.mu.Unlock()
	fmt.Fprintf(w, `{"success":true,"receipt":"R-%s"}`, key)
}

func (rc *benchReceiver) distinct() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.applied)
}
