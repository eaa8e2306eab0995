package ledger

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func TestEncodeEntry(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	got, err := EncodeEntry("plan", time.Date(2026, 3, 1, 16, 0, 0, 999, cst), []byte(`{"a":"甲","b":1}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"body":{"a":"甲","b":1},"time":"2026-03-01T08:00:00Z","type":"plan"}`
	if string(got) != want {
		t.Fatalf("EncodeEntry = %s\nwant %s", got, want)
	}
	e, err := ParseEntry(got)
	if err != nil {
		t.Fatal(err)
	}
	if e.Type != "plan" || !e.Time.Equal(t0) || string(e.Body) != `{"a":"甲","b":1}` {
		t.Fatalf("ParseEntry = %+v", e)
	}

	bad := []struct {
		name, typ, body string
	}{
		{"type upper case", "Plan", `{}`},
		{"type empty", "", `{}`},
		{"type quote", `pl"an`, `{}`},
		{"array body", "plan", `[1]`},
		{"string body", "plan", `"x"`},
		{"invalid JSON", "plan", `{"a":}`},
		{"LF in body", "plan", "{\"a\":\n1}"},
		{"space before body", "plan", ` {}`},
		{"too large", "plan", `{"a":"` + strings.Repeat("x", MaxEntrySize) + `"}`},
	}
	for _, tt := range bad {
		if _, err := EncodeEntry(tt.typ, t0, []byte(tt.body)); err == nil {
			t.Errorf("%s: EncodeEntry accepted %q %q", tt.name, tt.typ, tt.body)
		}
	}
	// The largest entry allowed is exactly MaxEntrySize bytes.
	pad := MaxEntrySize - len(`{"body":{"a":""},"time":"2026-03-01T08:00:00Z","type":"plan"}`)
	if e, err := EncodeEntry("plan", t0, []byte(`{"a":"`+strings.Repeat("x", pad)+`"}`)); err != nil || len(e) != MaxEntrySize {
		t.Errorf("entry of MaxEntrySize bytes: %d, %v", len(e), err)
	}
	if _, err := EncodeEntry("plan", t0, []byte(`{"a":"`+strings.Repeat("x", pad+1)+`"}`)); err == nil {
		t.Errorf("entry of MaxEntrySize+1 bytes accepted")
	}
}

func TestParseEntryRefusesOtherForms(t *testing.T) {
	for _, s := range []string{
		`{"body":{},"time":"2026-03-01T08:00:00Z","type":"plan"}` + "\n",
		`{"time":"2026-03-01T08:00:00Z","body":{},"type":"plan"}`,
		`{"body":{},"time":"2026-03-01T08:00:00.5Z","type":"plan"}`,
		`{"body":{},"time":"2026-03-01T16:00:00+08:00","type":"plan"}`,
		`{"body":{}, "time":"2026-03-01T08:00:00Z","type":"plan"}`,
		`{"BODY":{},"time":"2026-03-01T08:00:00Z","type":"plan"}`,
		`{"body":{},"time":"2026-03-01T08:00:00Z","type":"plan","x":1}`,
		`{"body":{},"time":"2026-03-01T08:00:00Z","type":"pl\u0061n"}`,
		`not json`,
	} {
		if _, err := ParseEntry([]byte(s)); err == nil {
			t.Errorf("ParseEntry accepted %s", s)
		}
	}
}

func TestSealedBodies(t *testing.T) {
	data := []byte(`{"seed":"00"}`)
	sha := Digest(data)
	if got, want := string(SealedBody("randomness", data)), `{"record":"randomness","sha256":"`+sha+`"}`; got != want {
		t.Errorf("SealedBody = %s, want %s", got, want)
	}
	if got, want := string(UnsealBody(12, "result", sha)), `{"index":12,"record":"result","sha256":"`+sha+`"}`; got != want {
		t.Errorf("UnsealBody = %s, want %s", got, want)
	}
	rec, s, err := ParseSealedBody(SealedBody("result", data))
	if err != nil || rec != "result" || s != sha {
		t.Errorf("ParseSealedBody = %q %q %v", rec, s, err)
	}
	if _, _, err := ParseSealedBody([]byte(`{"record":"result","sha256":"ABC"}`)); err == nil {
		t.Errorf("ParseSealedBody accepted a bad digest")
	}
	if b, err := CommitBody(sha, Commitment{Participant: `p"1\`, Commitment: "ab"}); err != nil ||
		string(b) != `{"commitment":"ab","participant":"p\"1\\","plan":"`+sha+`"}` {
		t.Errorf("CommitBody = %s, %v", b, err)
	}
	if _, err := CommitBody(sha, Commitment{Participant: "p\t1", Commitment: "ab"}); err == nil {
		t.Errorf("CommitBody accepted a TAB")
	}
}

func TestCheckpoint(t *testing.T) {
	signer, vkey, err := NewKey("example.gov.cn/log")
	if err != nil {
		t.Fatal(err)
	}
	c := Checkpoint{Origin: "example.gov.cn/log", Size: 7, Root: tlog.RecordHash([]byte("x"))}
	text := "example.gov.cn/log\n7\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n"
	if string(c.Text()) != text {
		t.Fatalf("Text = %q", c.Text())
	}
	signed, err := SignCheckpoint(c, signer)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(signed), text+"\n— example.gov.cn/log ") {
		t.Fatalf("signed checkpoint:\n%s", signed)
	}
	got, err := OpenCheckpoint(signed, vkey)
	if err != nil || got != c {
		t.Fatalf("OpenCheckpoint = %+v, %v", got, err)
	}
	// One byte changed in the text, in the signature, a stranger's key.
	for i, b := range [][]byte{
		bytes.Replace(signed, []byte("\n7\n"), []byte("\n8\n"), 1),
		append(signed[:len(signed)-5:len(signed)-5], []byte("AAAA\n")...),
	} {
		if _, err := OpenCheckpoint(b, vkey); err == nil {
			t.Errorf("case %d: tampered checkpoint opened", i)
		}
	}
	_, other, _ := NewKey("example.gov.cn/log")
	if _, err := OpenCheckpoint(signed, other); err == nil || !strings.Contains(err.Error(), "没有该日志公钥") {
		t.Errorf("checkpoint opened with another key: %v", err)
	}
	if _, err := SignCheckpoint(Checkpoint{Origin: "other/log"}, signer); err == nil {
		t.Errorf("signed a checkpoint of another origin")
	}
	for _, s := range []string{
		"o\n7\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\next\n",
		"o\n07\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n",
		"o\n-1\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n",
		"o\n7\nAAAA\n",
		"o\n7\n" + base64.StdEncoding.EncodeToString(c.Root[:]),
	} {
		if _, err := ParseCheckpoint([]byte(s)); err == nil {
			t.Errorf("ParseCheckpoint accepted %q", s)
		}
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.logkey")
	if _, _, err := LoadKey(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadKey of a missing file: %v", err)
	}
	s1, v1, err := LoadOrCreateKey(path, "inspect.example.gov.cn/log")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", fi.Mode(), err)
	}
	if !strings.HasPrefix(v1, "inspect.example.gov.cn/log+") || s1.Name() != "inspect.example.gov.cn/log" {
		t.Fatalf("verifier key %q, signer %q", v1, s1.Name())
	}
	// The file's own name wins over the configured origin.
	s2, v2, err := LoadOrCreateKey(path, DefaultOrigin)
	if err != nil || v2 != v1 || s2.Name() != s1.Name() {
		t.Fatalf("second load: %q, %v", v2, err)
	}
	signed, err := SignCheckpoint(Checkpoint{Origin: s2.Name(), Size: 0}, s2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCheckpoint(signed, v1); err != nil {
		t.Fatalf("reloaded key does not verify: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	// A broken file is refused without quoting it.
	secret, _ := os.ReadFile(path)
	broken := filepath.Join(t.TempDir(), "broken")
	os.WriteFile(broken, secret[:len(secret)-10], 0o600)
	if _, _, err := LoadOrCreateKey(broken, DefaultOrigin); err == nil || strings.Contains(err.Error(), string(secret[:30])) {
		t.Errorf("broken key file: %v", err)
	}
	if _, _, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "k"), "bad name"); err == nil {
		t.Errorf("origin with a space accepted")
	}
}
