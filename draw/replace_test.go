package draw

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"testing"
)

// pickOf computes pick_i of spec §6 the long way, with big integers.
func pickOf(seed, unit, entity string, i, m int) int {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s:assign:%s:%s,%d", seed, unit, entity, i)))
	return int(new(big.Int).Mod(new(big.Int).SetBytes(h[:]), big.NewInt(int64(m))).Int64())
}

// TestReplacement: the replacement follows the stream of (u, e) from
// i = 1 and skips whoever is not eligible; nobody eligible is "".
func TestReplacement(t *testing.T) {
	seed := "5f0c4c0f0b7e0d54a4c4f1e8f6f5d8f8d8b3bb1e2e8f0a0d1c2b3a4958677685"
	members := []string{"p01", "p02", "p03", "p04", "p05", "p06", "p07"}
	all := func(string) bool { return true }
	first := members[pickOf(seed, "FZWL", "E1", 1, len(members))]
	if got := Replacement(seed, "FZWL", "E1", members, all); got != first {
		t.Fatalf("everyone eligible: %s, want pick_1 %s", got, first)
	}
	var want string
	for i := 1; want == ""; i++ {
		if m := members[pickOf(seed, "FZWL", "E1", i, len(members))]; m != first {
			want = m
		}
	}
	if got := Replacement(seed, "FZWL", "E1", members, func(m string) bool { return m != first }); got != want {
		t.Fatalf("pick_1 ineligible: %s, want the next pick %s", got, want)
	}
	if got := Replacement(seed, "FZWL", "E1", members, func(string) bool { return false }); got != "" {
		t.Fatalf("nobody eligible: %q, want none", got)
	}
}
