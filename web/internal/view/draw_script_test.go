package view

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"spotcheck/draw"
)

// TestDrawJS runs the functions of assets/draw.js under Node, when there
// is one, against package draw: the pure SHA-256 (the public check's
// fallback on plain HTTP), the tickets of spec §5 with and without
// WebCrypto, and the commitment of spec §4.
func TestDrawJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" { // CI machines have Node.js: a skip would hide a broken setup
			t.Fatal("node is not installed")
		}
		t.Skip("node is not installed; draw.js is checked in the browser tests")
	}
	src, err := files.ReadFile("assets/draw.js")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "draw.js"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	seed := "7e77d110e1914b2e0f0a29cc181aa9d91920816c6a76553b12f491f7df64bd93"
	plan := strings.Repeat("1", 64) // a plan hash
	entities := []string{"91350122WU1JT6WJ5D", "91350102Q6HYUH7C6L", "G-350100-2019-0001", "x"}
	texts := []string{"", "abc", strings.Repeat("a", 55), strings.Repeat("a", 56), strings.Repeat("b", 64),
		strings.Repeat("福州市文旅", 50)}
	secret := "纪检监察室见证-旅行社景区第一批-2026-11-26"
	script := `
const d = require(process.argv[1]);
const [seed, entities, texts, secret] = JSON.parse(process.argv[2]);
(async () => {
  const out = {sha: texts.map(s => d.toHex(d.sha256Pure(d.utf8(s)))), pure: [], subtle: [], commit: ""};
  for (const e of entities) {
    out.pure.push(await d.ticket(seed, e, true));
    if (d.hasSubtle()) out.subtle.push(await d.ticket(seed, e, false));
  }
  if (d.hasSubtle()) out.commit = await d.commitment("` + plan + `", "supervisor", secret);
  out.short = d.secretProblem("太短");
  out.tab = d.secretProblem("含有制表符\t的秘密值已经超过二十个字符了");
  out.ok = d.secretProblem(secret);
  console.log(JSON.stringify(out));
})();`
	args, _ := json.Marshal([]any{seed, entities, texts, secret})
	cmd := exec.Command(node, "-e", script, filepath.Join(dir, "draw.js"), string(args))
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, got)
	}
	var out struct {
		Sha, Pure, Subtle      []string
		Commit, Short, Tab, OK string
	}
	if err := json.Unmarshal(got, &out); err != nil {
		t.Fatalf("node output %s: %v", got, err)
	}
	for i, s := range texts {
		sum := sha256.Sum256([]byte(s))
		if out.Sha[i] != hex.EncodeToString(sum[:]) {
			t.Errorf("sha256Pure(%d bytes) = %s", len(s), out.Sha[i])
		}
	}
	for i, e := range entities {
		want := draw.Ticket(seed, e)
		if out.Pure[i] != want {
			t.Errorf("ticket(%s) without WebCrypto = %s, want %s", e, out.Pure[i], want)
		}
		if len(out.Subtle) > i && out.Subtle[i] != want {
			t.Errorf("ticket(%s) with WebCrypto = %s, want %s", e, out.Subtle[i], want)
		}
	}
	if out.Pure[0][:20] != "0.099497870941477309" { // spec/vectors/small-4strata, stratum A rank 1
		t.Errorf("vector ticket %s", out.Pure[0])
	}
	if out.Commit != "" && out.Commit != draw.Commitment(plan, "supervisor", secret) {
		t.Errorf("commitment %s, want %s", out.Commit, draw.Commitment(plan, "supervisor", secret))
	}
	if out.Short == "" || out.Tab == "" || out.OK != "" {
		t.Errorf("secretProblem: short %q, tab %q, ok %q", out.Short, out.Tab, out.OK)
	}
}
