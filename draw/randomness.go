package draw

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"unicode/utf8"
)

// Commit is a participant's commitment (spec §4).
type Commit struct {
	Participant string `json:"participant"`
	Commitment  string `json:"commitment"`
}

// Reveal is a participant's revealed secret (spec §4).
type Reveal struct {
	Participant string `json:"participant"`
	Secret      string `json:"secret"`
}

// BeaconValue is the recorded randomness of the declared beacon round, 64
// lowercase hex digits (spec §4).
type BeaconValue struct {
	Chain      string `json:"chain"`
	Round      int64  `json:"round"`
	Randomness string `json:"randomness"`
}

// Randomness is randomness.json (spec §4). The keys of an undeclared source
// are absent.
type Randomness struct {
	V       string       `json:"v"`
	Plan    string       `json:"plan"`
	Commits []Commit     `json:"commits,omitempty"`
	Reveals []Reveal     `json:"reveals,omitempty"`
	Beacon  *BeaconValue `json:"beacon,omitempty"`
	Dice    string       `json:"dice,omitempty"`
}

// Commitment returns c_p = hex(H("spotcheck-commit/1\n" ‖ plan_hash ‖ "\n" ‖
// p ‖ "\n" ‖ secret_p)) of spec §4.
func Commitment(planHash, participant, secret string) string {
	h := sha256.New()
	h.Write([]byte("spotcheck-commit/1\n" + planHash + "\n" + participant + "\n" + secret))
	return hex.EncodeToString(h.Sum(nil))
}

// CheckSecret checks a participant's secret (spec §4): at least 20 Unicode
// code points and no LF. Because the secret is revealed in canonical JSON
// (spec §2), it must also be valid UTF-8 without control characters or
// U+2028/U+2029.
func CheckSecret(secret string) error {
	if strings.ContainsRune(secret, '\n') {
		return &Error{Msg: "秘密中不能有换行"}
	}
	if err := checkText(secret); err != nil {
		return &Error{Msg: "秘密须为有效的 UTF-8 文本，且不含控制字符（如制表符）或 U+2028/U+2029"}
	}
	if n := utf8.RuneCountInString(secret); n < 20 {
		return errorf("", 0, "秘密至少需要 20 个字符（按 Unicode 字符计），现为 %d 个", n)
	}
	return nil
}

// checkDice checks the digits of a dice ceremony: at least 20 decimal
// digits (spec §4).
func checkDice(d string) error {
	if len(d) < 20 || strings.Trim(d, "0123456789") != "" {
		return errorf(FileRandomness, 0, "dice 应为至少 20 位十进制数字")
	}
	return nil
}

// MakeRandomness returns the canonical bytes of randomness.json (spec §4)
// for plan. It checks that exactly the declared sources are given: a
// commitment and a reveal for every declared participant, each reveal
// matching its commitment; the beacon value of the declared chain and round
// (nil when none is declared); and dice digits (at least 20) when, and only
// when, dice are declared.
func MakeRandomness(plan []byte, commits []Commit, reveals []Reveal, beacon *BeaconValue, dice string) ([]byte, error) {
	p, err := ParsePlan(plan)
	if err != nil {
		return nil, err
	}
	r := Randomness{V: Version, Plan: Hash(plan), Dice: dice}
	r.Commits = slices.Clone(commits)
	slices.SortFunc(r.Commits, func(a, b Commit) int { return strings.Compare(a.Participant, b.Participant) })
	r.Reveals = slices.Clone(reveals)
	slices.SortFunc(r.Reveals, func(a, b Reveal) int { return strings.Compare(a.Participant, b.Participant) })
	if beacon != nil {
		b := *beacon
		r.Beacon = &b
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	if err := r.checkAgainst(&p, r.Plan); err != nil {
		return nil, err
	}
	b, err := Canonical(&r)
	if err != nil {
		return nil, withFile(FileRandomness, err)
	}
	return b, nil
}

// ParseRandomness decodes randomness.json, requiring its canonical form
// (spec §2), and checks its fields on their own, including every reveal
// against its commitment. Whether it fits the plan is checked by Seed, Run
// and Verify.
func ParseRandomness(b []byte) (Randomness, error) {
	var r Randomness
	if err := decodeRecord(FileRandomness, b, &r); err != nil {
		return Randomness{}, err
	}
	if err := r.check(); err != nil {
		return Randomness{}, err
	}
	return r, nil
}

// check validates the fields of a randomness record (spec §4).
func (r *Randomness) check() error {
	fail := func(format string, args ...any) error { return errorf(FileRandomness, 0, format, args...) }
	if r.V != Version {
		return fail("v 应为“%s”", Version)
	}
	if !isHex64(r.Plan) {
		return fail("plan 应为 64 位小写十六进制的方案哈希")
	}
	for i, c := range r.Commits {
		if err := CheckIdentifier("参与方 ", c.Participant); err != nil {
			return withFile(FileRandomness, err)
		}
		if i > 0 && c.Participant <= r.Commits[i-1].Participant {
			return fail("commits 应按参与方的字节序排列且互不重复（“%s”）", c.Participant)
		}
		if !isHex64(c.Commitment) {
			return fail("参与方“%s”的承诺应为 64 位小写十六进制", c.Participant)
		}
	}
	if len(r.Reveals) != len(r.Commits) {
		return fail("reveals 与 commits 的参与方不一致")
	}
	for i, v := range r.Reveals {
		c := r.Commits[i]
		if v.Participant != c.Participant {
			return fail("reveals 与 commits 的参与方不一致（“%s”）", printable(v.Participant))
		}
		if err := CheckSecret(v.Secret); err != nil {
			return errorf(FileRandomness, 0, "参与方“%s”的秘密不合格：%s", v.Participant, err.(*Error).Msg)
		}
		if Commitment(r.Plan, v.Participant, v.Secret) != c.Commitment {
			return fail("参与方“%s”揭示的秘密与其承诺不符", v.Participant)
		}
	}
	if b := r.Beacon; b != nil {
		if err := CheckIdentifier("beacon.chain ", b.Chain); err != nil {
			return withFile(FileRandomness, err)
		}
		if b.Round < 1 {
			return fail("beacon.round 应为正整数")
		}
		if !isHex64(b.Randomness) {
			return fail("beacon.randomness 应为 64 位小写十六进制")
		}
	}
	if r.Dice != "" {
		if err := checkDice(r.Dice); err != nil {
			return err
		}
	}
	return nil
}

// checkAgainst checks that r is the randomness of plan p, whose hash is
// planHash: the plan hash, exactly the declared participants, beacon and
// dice (spec §4).
func (r *Randomness) checkAgainst(p *Plan, planHash string) error {
	fail := func(format string, args ...any) error { return errorf(FileRandomness, 0, format, args...) }
	if r.Plan != planHash {
		return fail("plan 与 plan.json 的哈希不符")
	}
	declared := p.Randomness.Commit
	if len(r.Commits) != len(declared) {
		return fail("应有 %d 个参与方的承诺与揭示（plan.json 声明：%s），实际为 %d 个", len(declared), strings.Join(declared, "、"), len(r.Commits))
	}
	for i, c := range r.Commits {
		if c.Participant != declared[i] {
			return fail("参与方“%s”未在 plan.json 中声明（应为“%s”）", c.Participant, declared[i])
		}
	}
	switch b := p.Randomness.Beacon; {
	case b == nil && r.Beacon != nil:
		return fail("plan.json 未声明 beacon，不应有 beacon")
	case b != nil && r.Beacon == nil:
		return fail("缺少 plan.json 声明的 beacon（%s 第 %d 轮）", b.Chain, b.Round)
	case b != nil && (b.Chain != r.Beacon.Chain || b.Round != r.Beacon.Round):
		return fail("beacon 应为 plan.json 声明的 %s 第 %d 轮", b.Chain, b.Round)
	}
	switch {
	case p.Randomness.Dice && r.Dice == "":
		return fail("缺少 plan.json 声明的 dice")
	case !p.Randomness.Dice && r.Dice != "":
		return fail("plan.json 未声明 dice，不应有 dice")
	}
	return nil
}

// seed returns seed = H("spotcheck-seed/1\n" ‖ bytes(plan_hash) ‖ R_commit ‖
// R_beacon ‖ R_dice) of spec §4; an absent source contributes 32 zero
// bytes. r must have passed check.
func (r *Randomness) seed() [32]byte {
	var rCommit, rBeacon, rDice [32]byte
	if len(r.Reveals) > 0 {
		h := sha256.New()
		for _, v := range r.Reveals {
			h.Write([]byte(v.Participant + "\n" + v.Secret + "\n"))
		}
		h.Sum(rCommit[:0])
	}
	if r.Beacon != nil {
		hex.Decode(rBeacon[:], []byte(r.Beacon.Randomness))
	}
	if r.Dice != "" {
		rDice = sha256.Sum256([]byte(r.Dice))
	}
	var ph [32]byte
	hex.Decode(ph[:], []byte(r.Plan))
	h := sha256.New()
	h.Write([]byte("spotcheck-seed/1\n"))
	h.Write(ph[:])
	h.Write(rCommit[:])
	h.Write(rBeacon[:])
	h.Write(rDice[:])
	var s [32]byte
	h.Sum(s[:0])
	return s
}

// Seed checks randomness against plan (spec §9 step 3: the plan hash, the
// declared sources, every commitment against its reveal) and returns
// seed_hex (spec §4).
func Seed(plan, randomness []byte) (string, error) {
	p, err := ParsePlan(plan)
	if err != nil {
		return "", err
	}
	r, err := ParseRandomness(randomness)
	if err != nil {
		return "", err
	}
	if err := r.checkAgainst(&p, Hash(plan)); err != nil {
		return "", err
	}
	s := r.seed()
	return hex.EncodeToString(s[:]), nil
}
