package store

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
)

// Option configures a DB at Open.
type Option func(*DB)

// WithLogger gives the DB the logger of its background work (the
// PostgreSQL search rebuild), which has no caller to return an error to.
// Without it the DB logs to slog.Default(): a failing rebuild must be seen
// somewhere, and the standard logger writes to stderr. A nil logger keeps
// the default.
func WithLogger(l *slog.Logger) Option {
	return func(db *DB) {
		if l != nil {
			db.logger = l
		}
	}
}

// background is the work a DB does in goroutines of its own, which
// belong to it: Close cancels their context and waits for them.
type background struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex // guards closed and the WaitGroup's Add against Close
	closed bool
	wg     sync.WaitGroup
	// rebuilding is set while a search rebuild runs in the background.
	rebuilding atomic.Bool
}

func (b *background) init() {
	b.ctx, b.cancel = context.WithCancel(context.Background())
}

// goBackground runs fn in a goroutine that belongs to db, unless db is
// closed (then it reports false). fn's context ends at Close; an error of
// fn is logged with the message what, unless it comes of that end.
func (db *DB) goBackground(what string, fn func(ctx context.Context) error) bool {
	b := &db.bg
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || b.ctx == nil {
		return false
	}
	b.wg.Go(func() {
		if err := fn(b.ctx); err != nil && b.ctx.Err() == nil {
			db.logger.Error(what, "err", err)
		}
	})
	return true
}

// stopBackground cancels the background work and waits until it ends.
func (db *DB) stopBackground() {
	b := &db.bg
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	if b.cancel != nil {
		b.cancel()
	}
	b.wg.Wait()
}
