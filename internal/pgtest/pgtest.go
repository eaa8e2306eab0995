// Package pgtest gives each test its own fresh PostgreSQL database.
//
// The server comes from SPOTCHECK_TEST_POSTGRES, a postgres:// URL whose user
// may create databases. scripts/test starts a private cluster and sets it.
// Without it the test is skipped, except under CI=true, where a skipped
// PostgreSQL test would hide a broken setup and so fails instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// EnvVar names the variable holding the server URL.
const EnvVar = "SPOTCHECK_TEST_POSTGRES"

// timeout bounds each administrative statement.
const timeout = 60 * time.Second

// URL creates an empty database for this test, drops it when the test ends
// (closing any connections still open), and returns its URL: the server URL
// of SPOTCHECK_TEST_POSTGRES with the database name replaced.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PostgreSQL 未配置：CI 中不允许跳过 PostgreSQL 测试（" + EnvVar + " 为空；请用 scripts/test 运行，它会启动临时 PostgreSQL 集群）")
		}
		t.Skip("跳过 PostgreSQL 测试：" + EnvVar + " 未设置；用 scripts/test 运行全部测试（它会启动临时 PostgreSQL 集群）")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		t.Fatalf("%s 应为 postgres://用户@主机:端口/库名 形式的 URL，实际为 %q", EnvVar, base)
	}

	name := "t_" + randomHex(8)
	if err := admin(base, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := admin(base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})

	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// admin runs one statement on the database named in base.
func admin(base, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	db, err := sql.Open("pgx", base)
	if err != nil {
		return fmt.Errorf("pgtest: open %s: %w", redact(base), err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("pgtest: %s on %s: %w", stmt, redact(base), err)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// redact hides a password in a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
