package spotcheck

import (
	"strings"
	"testing"
)

func TestCheckCreditCode(t *testing.T) {
	valid := []string{
		"91350100M000100Y43", // 示例 code with a letter in the organisation code
		"914403001922038216", // 华为技术有限公司
		"91110108551385082Q", // 小米科技有限责任公司
		"91330100799655058B", // 阿里巴巴（中国）有限公司
	}
	for _, code := range valid {
		t.Run("valid/"+code, func(t *testing.T) {
			c, err := CheckCreditCode(code)
			if err != nil {
				t.Fatalf("CheckCreditCode(%q) = %v", code, err)
			}
			if c.Kind != CodeUSCC {
				t.Fatalf("kind = %v", c.Kind)
			}
		})
	}
	bad := []struct{ name, code, want string }{
		{"empty", "", "为空"},
		{"too short", "91350100M000100Y4", "应为18位，实际为17位"},
		{"too long", "91350100M000100Y433", "应为18位，实际为19位"},
		{"forbidden letter I", "91350100I000100Y43", "第9位字符“I”"},
		{"forbidden letter O", "9135010OM000100Y43", "第8位字符“O”"},
		{"lower-case not normalised", "91350100m000100y43", "第9位字符“m”"},
		{"bad department", "B1350100M000100Y43", "第1位登记管理部门码“B”无效"},
		{"letters in division", "91A50100M000100Y43", "第3–8位"},
		{"wrong check character", "91350100M000100Y44", "第18位应为“3”，实际为“4”"},
		{"transposed digits", "91351000M000100Y43", "校验位错误"},
		{"scientific notation", "9.13501E+17", "存为数字"},
		{"spreadsheet lost digits", "913501007055000000", "疑似被表格软件存为数字"},
		{"bad reg no", "350100000000002", "15位注册号校验位错误"},
		{"non-ASCII", "91350100M000100Y4中", "第18位字符“中”"},
	}
	for _, tc := range bad {
		t.Run("rejects/"+tc.name, func(t *testing.T) {
			_, err := CheckCreditCode(tc.code)
			if err == nil {
				t.Fatalf("CheckCreditCode(%q) accepted", tc.code)
			}
			if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckCreditCode(%q) = %v, want message containing %q", tc.code, err, tc.want)
			}
		})
	}
}

func TestCheckCreditCodeWarnsOnOrgCode(t *testing.T) {
	// Same first 8 characters, an organisation code whose own check fails,
	// and a correct GB 32100 check character.
	first17 := "92350102" + "12345678" + "0"
	if OrgCodeCheckChar("12345678") == '0' {
		t.Fatal("test needs an organisation code that fails its check")
	}
	cc, _ := USCCCheckChar(first17)
	c, err := CheckCreditCode(first17 + string(cc))
	if err != nil {
		t.Fatalf("rejected: %v", err)
	}
	if !strings.Contains(c.Warning, "GB 11714") {
		t.Fatalf("warning = %q", c.Warning)
	}
}

func TestRegNo(t *testing.T) {
	// Build every check digit for one prefix: exactly one must pass.
	prefix := "35010200012345"
	passing := 0
	for d := byte('0'); d <= '9'; d++ {
		if c, err := CheckCreditCode(prefix + string(d)); err == nil {
			if c.Kind != CodeRegNo {
				t.Fatalf("kind = %v", c.Kind)
			}
			passing++
		}
	}
	if passing != 1 {
		t.Fatalf("%d check digits pass, want exactly 1", passing)
	}
	// ISO 7064 MOD 11,10 worked example: 0794 has check digit 5.
	if !regNoCheckOK("07945") || regNoCheckOK("07940") {
		t.Fatal("ISO 7064 MOD 11,10 example failed")
	}
}

func TestNormalizeCode(t *testing.T) {
	if got := NormalizeCode("　９１３５０１００ｍ０００１００ｙ４３ "); got != "91350100M000100Y43" {
		t.Fatalf("NormalizeCode = %q", got)
	}
}

func TestGuideEntityID(t *testing.T) {
	id, err := GuideEntityID(" d-3501-001234 ")
	if err != nil || id != "GUIDE-D-3501-001234" {
		t.Fatalf("GuideEntityID = %q, %v", id, err)
	}
	if _, err := GuideEntityID("导游"); err == nil {
		t.Fatal("accepted a non-ASCII card number")
	}
}

func FuzzCheckCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "350100000000001", "9.13501E+17", "", "GUIDE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := CheckCreditCode(NormalizeCode(s))
		if err != nil {
			if ErrorCode(err) != EINVALID || err.Error() == "" {
				t.Fatalf("error without code or message: %v", err)
			}
			return
		}
		n := NormalizeCode(s)
		switch c.Kind {
		case CodeUSCC:
			if len(n) != 18 || usccCheckChar(n[:17]) != n[17] {
				t.Fatalf("accepted invalid USCC %q", n)
			}
		case CodeRegNo:
			if len(n) != 15 || !isDigits(n) {
				t.Fatalf("accepted invalid 注册号 %q", n)
			}
		default:
			t.Fatalf("accepted %q with no kind", n)
		}
	})
}
