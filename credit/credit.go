// Package credit sends the outbox's records to the credit platform (issue
// 12, item 5): one HTTPS POST of the record's JSON per record, with its
// idempotency key, under a bearer token that appears nowhere else — not
// in logs, errors, pages or the process's arguments. docs/credit-export.md
// "## Transport" is the receiver's side of the contract.
package credit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"spotcheck"
)

// TokenEnv is the environment variable that holds the token when no token
// file is given.
const TokenEnv = "SPOTCHECK_CREDIT_TOKEN"

// Token is the credit platform's bearer token. It prints as “***” in every
// format, so that a log line or an error that carries it by mistake does
// not carry its value.
type Token struct{ v string }

func (Token) String() string   { return "***" }
func (Token) GoString() string { return "credit.Token{***}" }

// Empty reports whether there is no token.
func (t Token) Empty() bool { return t.v == "" }

// LoadToken reads the token from file, or when file is "" from the
// environment variable TokenEnv; it may be empty (a receiver without
// authentication). The file's trailing newline is not part of the token.
func LoadToken(file string) (Token, error) {
	if file == "" {
		return Token{strings.TrimSpace(os.Getenv(TokenEnv))}, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Token{}, fmt.Errorf("信用平台令牌文件 %s 不存在", file)
		}
		return Token{}, fmt.Errorf("无法读取信用平台令牌文件 %s（请检查权限）", file)
	}
	return Token{strings.TrimSpace(string(b))}, nil
}

// Sender posts records to one endpoint. It implements
// spotcheck.OutboxSender.
type Sender struct {
	endpoint *url.URL
	token    Token
	client   *http.Client
}

// New checks endpoint and returns its sender: HTTPS, or plain HTTP to a
// loopback address only (a receiver on the same machine, the tests). The
// error says, in Chinese, what is wrong with the address.
func New(endpoint string, token Token, timeout time.Duration) (*Sender, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("信用平台地址“%s”无效：须为 https://主机/路径 形式", Redact(endpoint))
	}
	if u.User != nil {
		return nil, fmt.Errorf("信用平台地址不能包含用户名或密码，请用令牌文件或环境变量 %s", TokenEnv)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && loopback(u.Hostname()):
	default:
		return nil, fmt.Errorf("信用平台地址“%s”须使用 https（仅本机接收端可用 http）", Redact(endpoint))
	}
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &Sender{endpoint: u, token: token, client: &http.Client{Timeout: timeout,
		// A redirect would carry the record (and, on the same host, the
		// token) somewhere the administrator did not configure.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Redact returns the address as the page may show it: without user
// information, query or fragment.
func Redact(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "（无法解析的地址）"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// String and GoString keep the token out of a sender printed by %v,
// %+v or %#v: fmt does not call Token's String on an unexported field.
func (s *Sender) String() string   { return "credit.Sender{" + s.Endpoint() + "}" }
func (s *Sender) GoString() string { return s.String() }

// Endpoint is the configured address as the page may show it.
func (s *Sender) Endpoint() string { return Redact(s.endpoint.String()) }

// Send posts r and returns the receipt. The receiver acknowledges with a
// 2xx status and a JSON object that reports no error (answer); anything
// else is an error in Chinese, tried again later.
func (s *Sender) Send(ctx context.Context, r *spotcheck.OutboxRecord) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint.String(), bytes.NewReader(r.Payload))
	if err != nil {
		return "", s.clean(fmt.Errorf("无法构造发送请求：%v", err))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Idempotency-Key", r.IdempotencyKey())
	if !s.token.Empty() {
		req.Header.Set("Authorization", "Bearer "+s.token.v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return "", s.clean(transportError(s.endpoint.Host, err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", s.clean(fmt.Errorf("读取信用平台的应答失败：%v", err))
	}
	receipt, err := answer(resp.StatusCode, body)
	return receipt, s.clean(err)
}

// transportError says why no answer came.
func transportError(host string, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("信用平台 %s 未在时限内应答（超时）", host)
	case errors.As(err, new(*net.DNSError)):
		return fmt.Errorf("找不到信用平台的主机 %s，请检查 --credit-endpoint", host)
	case errors.As(err, new(*net.OpError)):
		return fmt.Errorf("无法连接信用平台 %s（连接被拒绝或网络不通）", host)
	}
	return fmt.Errorf("发送到信用平台 %s 失败：%v", host, err)
}

// answer reads the receiver's answer: a 2xx status with a JSON object
// whose "error" is absent or empty, whose "success" is not false and
// whose "code", if any, is 0 or 200. The receipt is its "receipt" when it
// has one, otherwise the whole body.
func answer(status int, body []byte) (string, error) {
	excerpt := strings.ToValidUTF8(string(body[:min(len(body), 200)]), "")
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "", fmt.Errorf("信用平台拒绝了令牌（HTTP %d），请检查 --credit-token-file 或环境变量 %s", status, TokenEnv)
	case status < 200 || status > 299:
		return "", fmt.Errorf("信用平台应答 HTTP %d：%s", status, excerpt)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return "", fmt.Errorf("信用平台的应答不是 JSON 对象：%s", excerpt)
	}
	if e, ok := m["error"]; ok && e != nil && e != "" && e != false {
		return "", fmt.Errorf("信用平台应答成功状态但报告错误：%v", e)
	}
	if ok, isBool := m["success"].(bool); isBool && !ok {
		return "", fmt.Errorf("信用平台应答成功状态但 success 为 false：%s", excerpt)
	}
	if c, ok := m["code"]; ok {
		if s := fmt.Sprint(c); s != "0" && s != "200" {
			return "", fmt.Errorf("信用平台应答代码 %s：%s", s, excerpt)
		}
	}
	if r, ok := m["receipt"].(string); ok && r != "" {
		return r, nil
	}
	return string(body), nil
}

// clean removes the token from an error's text: a receiver (or a proxy)
// that echoes the request back must not put it on the page.
func (s *Sender) clean(err error) error {
	if err == nil || s.token.Empty() || !strings.Contains(err.Error(), s.token.v) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), s.token.v, "***"))
}
