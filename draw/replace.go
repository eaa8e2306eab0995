package draw

import (
	"crypto/sha256"
	"strconv"
)

// Replacement picks the inspector who takes a vacated slot of entity e's
// team in unit u (a replacement, spec §7, e.g. after an approved recusal)
// by the rules of spec §6: Rivest's sampler on the stream of (u, e),
//
//	pick_i = 1 + (H(seed_hex ‖ ":assign:" ‖ u ‖ ":" ‖ e ‖ "," ‖ decimal(i)) mod M_u),
//
// i = 1, 2, …, taking the first R_u[pick_i] that is eligible now. members
// is R_u in roster file order; eligible says whether a member may fill the
// slot as things stand (not on the team, no conflict with e — the new
// one included —, load under cap_u, flag L for the lead slot). The
// stream starts again at i = 1, so that anyone holding the seed, the
// roster and the current teams and conflicts can recompute the choice.
// It returns "" when nobody is eligible (the slot cannot be filled by the
// rules; spec §7 then wants a handled, logged event).
func Replacement(seedHex, unit, entity string, members []string, eligible func(string) bool) string {
	any := false
	for _, m := range members {
		if eligible(m) {
			any = true
			break
		}
	}
	if !any {
		return ""
	}
	prefix := []byte(seedHex + ":assign:" + unit + ":" + entity + ",")
	for i := int64(1); ; i++ {
		buf := strconv.AppendInt(prefix[:len(prefix):len(prefix)], i, 10)
		m := members[modHash(sha256.Sum256(buf), uint64(len(members)))]
		if eligible(m) {
			return m
		}
	}
}

// Cap returns cap_u = ceil(K·size_u / M_u) + cap_slack of spec §6.
func Cap(K, size, M, slack int) int { return capOf(K, size, M, slack) }
