package web

import (
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"spotcheck/web/internal/view"
)

// class is a route's transport class: how long its request body may take
// to arrive, how long its answer may take to be written and how large its
// body may be (design §4: every route has a write deadline). The route
// table gives each route its class; the guard applies it.
type class int

const (
	// interactive: pages, forms and API calls, answered from one short read.
	interactive class = iota
	// download: a file produced first (no database read stays open while
	// it is sent), then sent for as long as the client keeps reading.
	download
	// upload: an import file of up to maxUploadBytes.
	upload
)

// limits are what a class allows.
type limits struct {
	read  time.Duration // from the start of the request until the body has arrived
	write time.Duration // from the start of the request until the answer has been written
	body  int64         // bytes of request body
}

// Body limits: forms are small; import files may be large.
const (
	maxFormBytes   = 1 << 20
	maxUploadBytes = 64 << 20
)

// defaultLimits are the limits of each class. A login body sent a byte at a
// time is cut off after interactive.read; an upload of 64 MiB at 100 KB/s fits in
// upload.read. A download's write bound is long enough for the largest
// export over a slow line, and sendFile cuts off a client that stops
// reading much earlier (stallTimeout).
var defaultLimits = [...]limits{
	interactive: {read: 30 * time.Second, write: 30 * time.Second, body: maxFormBytes},
	download:    {read: 30 * time.Second, write: 30 * time.Minute, body: maxFormBytes},
	upload:      {read: 10 * time.Minute, write: 15 * time.Minute, body: maxUploadBytes},
}

// stallTimeout is how long a download may wait for the client to take
// the next chunk before it is abandoned.
const stallTimeout = time.Minute

// deadlineKey holds the write deadline the guard set, for sendFile.
type deadlineKey struct{}

// withDeadlines applies the interactive class's deadlines to every request before
// routing, so that assets and error answers are bounded too and no
// deadline of an earlier request on the same connection lingers; the
// guard then sets the route's own.
func (s *Server) withDeadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		end := time.Now().Add(s.limits[interactive].write)
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(end)
		_ = rc.SetReadDeadline(end)
		next.ServeHTTP(w, r)
	})
}

// applyLimits sets the deadlines and the body limit of l on a request and
// returns it with the write deadline in its context. Errors are ignored:
// a ResponseWriter without deadlines (a test's recorder) has none to set.
//
// The read deadline bounds the body. Once the body has been read, it moves
// to the write deadline: net/http watches an idle connection with a
// background read, and a read deadline passing would cancel the request's
// context while the handler still works on the answer.
func applyLimits(w http.ResponseWriter, r *http.Request, l limits) *http.Request {
	now := time.Now()
	end := now.Add(l.write)
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(end)
	if r.Body == nil || r.Body == http.NoBody {
		_ = rc.SetReadDeadline(end)
	} else {
		_ = rc.SetReadDeadline(now.Add(l.read))
		r.Body = &bodyRead{ReadCloser: r.Body, done: func() { _ = rc.SetReadDeadline(end) }}
	}
	r.Body = http.MaxBytesReader(w, r.Body, l.body)
	return r.WithContext(context.WithValue(r.Context(), deadlineKey{}, end))
}

// bodyRead calls done once the body has been read to its end.
type bodyRead struct {
	io.ReadCloser
	done func()
	once sync.Once
}

func (b *bodyRead) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.done)
	}
	return n, err
}

// exportSlots is how many files are produced at once. Producing one holds
// a database read for seconds (8.7 s for 1M entities as CSV); with at most
// two at a time, long transfers can never take every read connection
// (SQLite's read pool has at least four) and starve the pages.
const exportSlots = 2

// errBusy answers a download while every export slot stays taken.
var errBusy = &view.StatusError{Status: http.StatusServiceUnavailable, Code: "busy",
	Msg: "当前导出任务较多，系统正忙，请稍后再试"}

// retryAfter is the Retry-After of errBusy, in seconds.
const retryAfter = 30

// downloads gives the handlers the server's export slots and sendFile
// (view.Downloads).
type downloads struct{ s *Server }

func (d downloads) Produce(w http.ResponseWriter, r *http.Request, pattern string,
	build func(ctx context.Context, path string) error) (*view.Spool, error) {
	return d.s.produce(w, r, pattern, build)
}

func (d downloads) Send(w http.ResponseWriter, r *http.Request, body io.Reader, size int64) error {
	return sendFile(w, r, body, size)
}

// produce runs build, which writes a file at the path it is given (named
// by pattern, as os.CreateTemp takes it), in one of the export slots, and
// returns the file to send. It waits up to s.exportWait for a slot and
// then gives up with errBusy, setting Retry-After. build holds the only
// database read of the download: the file is complete, and the read
// closed, before a byte of it is sent.
func (s *Server) produce(w http.ResponseWriter, r *http.Request, pattern string,
	build func(ctx context.Context, path string) error) (*view.Spool, error) {
	if err := s.takeSlot(r.Context()); err != nil {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		return nil, err
	}
	defer func() { <-s.exports }()
	tmp, err := os.CreateTemp("", pattern)
	if err != nil {
		return nil, err
	}
	name := tmp.Name()
	tmp.Close()
	if err := build(r.Context(), name); err != nil {
		os.Remove(name)
		return nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		os.Remove(name)
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		os.Remove(name)
		return nil, err
	}
	return &view.Spool{File: f, Size: fi.Size()}, nil
}

// takeSlot takes an export slot, waiting up to s.exportWait.
func (s *Server) takeSlot(ctx context.Context) error {
	select {
	case s.exports <- struct{}{}:
		return nil
	default:
	}
	if s.exportWait <= 0 {
		return errBusy
	}
	t := time.NewTimer(s.exportWait)
	defer t.Stop()
	select {
	case s.exports <- struct{}{}:
		return nil
	case <-t.C:
		return errBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sendFile writes size bytes of body as the answer, whose headers the
// caller has set. Each chunk must be taken by the client within
// stallTimeout (and all of it by the route's write deadline), so that a
// client that stops reading is let go of in a minute while a slow one
// that keeps reading gets its file. Nothing here touches the database.
func sendFile(w http.ResponseWriter, r *http.Request, body io.Reader, size int64) error {
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	end, _ := r.Context().Value(deadlineKey{}).(time.Time)
	rc := http.NewResponseController(w)
	buf := make([]byte, 64<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			d := time.Now().Add(stallTimeout)
			if !end.IsZero() && end.Before(d) {
				d = end
			}
			_ = rc.SetWriteDeadline(d)
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
