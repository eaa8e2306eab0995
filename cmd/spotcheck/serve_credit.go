package main

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"spotcheck"
	"spotcheck/credit"
	"spotcheck/store"
)

// The credit platform push in serve (issue 12, item 5): the flags that
// name the receiver and its token, and the outbox's worker that runs
// beside the web server. The token is read from a file or the environment
// (never a flag: the process's arguments are visible to every user of the
// machine) and printed nowhere. Without --credit-endpoint the records stay
// pending and /staff/outbox says so; a bad address is refused at start.

// creditFlags are serve's flags of the credit push.
type creditFlags struct {
	endpoint, tokenFile *string
	lease               *time.Duration
}

func addCreditFlags(fs *flag.FlagSet) creditFlags {
	return creditFlags{
		endpoint: fs.String("credit-endpoint", "",
			"信用平台接收地址（https://…）；不填则公示记录保持待发送，可在“信用平台推送”页面导出后手工上传"),
		tokenFile: fs.String("credit-token-file", "",
			"信用平台令牌文件；不填则读环境变量 "+credit.TokenEnv),
		lease: fs.Duration("credit-lease", spotcheck.DefaultOutboxPolicy.Lease,
			"一条记录被本服务领取后独占的时长（单次发送的超时为其一半）"),
	}
}

// sender checks the flags and returns the sender, nil without an
// endpoint. The errors say in Chinese what is wrong, without the token.
func (f creditFlags) sender() (*credit.Sender, error) {
	if *f.endpoint == "" {
		if *f.tokenFile != "" {
			return nil, usagef("给出了 --credit-token-file 但没有 --credit-endpoint")
		}
		return nil, nil
	}
	if *f.lease < 2*time.Second {
		return nil, usagef("--credit-lease 不能短于 2 秒")
	}
	tok, err := credit.LoadToken(*f.tokenFile)
	if err != nil {
		return nil, usagef("%v", err)
	}
	s, err := credit.New(*f.endpoint, tok, *f.lease/2)
	if err != nil {
		return nil, usagef("--credit-endpoint：%v", err)
	}
	return s, nil
}

// outboxIdle is how long the worker waits when nothing is due.
const outboxIdle = time.Second

// startOutbox starts the outbox's worker of db until ctx ends and returns
// it with a function that waits for it to stop; without a sender the
// worker sends nothing and reports that no endpoint is configured.
func startOutbox(ctx context.Context, db *store.DB, o serveOptions, logger *slog.Logger) (*store.OutboxWorker, func()) {
	if o.credit == nil {
		return db.NewOutboxWorker(nil, spotcheck.OutboxPolicy{}), func() {}
	}
	w := db.NewOutboxWorker(o.credit, spotcheck.OutboxPolicy{Lease: o.creditLease})
	w.SetTransport(o.credit.Endpoint(), "")
	logger.Info("credit push", "endpoint", o.credit.Endpoint())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, outboxIdle)
	}()
	return w, func() { <-done }
}
