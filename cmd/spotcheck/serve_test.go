package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startServe runs a command that serves (serve or demo, on 127.0.0.1:0)
// until the test ends and returns the address it listens on.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Now: time.Now,
		Ready: func(addr string) { ready <- addr }}
	done := make(chan int, 1)
	go func() { done <- m.Run(ctx, args) }()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("exit %d after shutdown", code)
			}
		})
		return addr
	case code := <-done:
		cancel()
		t.Fatalf("%v: exit %d before serving", args, code)
	case <-time.After(time.Minute):
		cancel()
		t.Fatalf("%v: not serving after a minute", args)
	}
	return ""
}

// getHealth fetches /healthz and returns its HSTS header, failing unless
// the answer is 200 ok.
func getHealth(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Fatalf("GET %s/healthz: %s %q", url, resp.Status, body)
	}
	return resp.Header.Get("Strict-Transport-Security")
}

// Issue 8, item 9: behind a proxy that terminates TLS, --behind-tls-proxy
// makes the plain-HTTP server send HSTS (and mark cookies Secure, which
// the web package's tests check); without it, no HSTS.
func TestServeBehindTLSProxy(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	addr := startServe(t, "serve", "--db", db, "--addr", "127.0.0.1:0", "--behind-tls-proxy",
		"--trusted-proxy", "127.0.0.1,10.0.0.0/8")
	if hsts := getHealth(t, http.DefaultClient, "http://"+addr); !strings.HasPrefix(hsts, "max-age=") {
		t.Errorf("--behind-tls-proxy: Strict-Transport-Security %q", hsts)
	}
	addr = startServe(t, "serve", "--db", filepath.Join(dir, "plain.db"), "--addr", "127.0.0.1:0")
	if hsts := getHealth(t, http.DefaultClient, "http://"+addr); hsts != "" {
		t.Errorf("plain HTTP: Strict-Transport-Security %q", hsts)
	}
}

// Serving TLS itself, the server sends HSTS.
func TestServeTLSSendsHSTS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	addr := startServe(t, "serve", "--db", filepath.Join(dir, "s.db"), "--addr", "127.0.0.1:0",
		"--tls-cert", certFile, "--tls-key", keyFile)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if hsts := getHealth(t, c, "https://"+addr); !strings.HasPrefix(hsts, "max-age=") {
		t.Errorf("TLS: Strict-Transport-Security %q", hsts)
	}
}

func TestServeProxyFlags(t *testing.T) {
	for _, cmd := range []string{"serve", "demo"} {
		code, _, errs := run(t, cmd, "--db", filepath.Join(t.TempDir(), "x.db"), "--trusted-proxy", "proxy.example")
		if code != exitUsage || !strings.Contains(errs, "--trusted-proxy") || !strings.Contains(errs, "proxy.example") {
			t.Errorf("%s with a bad --trusted-proxy: exit %d, %s", cmd, code, errs)
		}
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key to dir and
// returns their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
