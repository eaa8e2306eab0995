package spotcheck

import (
	"fmt"
	"regexp"
	"strings"
)

// CodeKind tells which kind of identifier a registration code is.
type CodeKind int

const (
	// CodeUSCC is an 18-character 统一社会信用代码 (GB 32100-2015).
	CodeUSCC CodeKind = iota + 1
	// CodeRegNo is a legacy 15-digit 工商注册号 (GS 15-2006), kept for old records.
	CodeRegNo
)

// CodeCheck is the outcome of a successful CheckCreditCode.
type CodeCheck struct {
	Kind CodeKind
	// Warning is set when the code is valid but its embedded 组织机构代码
	// (positions 9–17) fails the GB 11714 check. Some 个体工商户 codes were
	// issued that way, so this never rejects a code.
	Warning string
}

// usccAlphabet is the 31-symbol alphabet of GB 32100: digits and capital
// letters without I, O, S, V and Z. A symbol's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^i mod 31 for i = 0…16 (GB 32100 §4.5, GB/T 17710 mod 31).
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights of the 8 organisation-code characters.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// registrationDepartments are the valid first characters (登记管理部门码).
const registrationDepartments = "123456789ANY"

// spreadsheetNumber matches what a spreadsheet makes of a long digit string
// stored as a number: scientific notation, or a decimal tail.
var spreadsheetNumber = regexp.MustCompile(`^\d(\.\d+)?E\+?\d+$|^\d+\.0+$`)

// NormalizeCode trims spaces, turns full-width letters and digits (typed
// with a Chinese input method) into ASCII and upper-cases a code as typed
// by a person.
func NormalizeCode(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		}
		return r
	}, s)
	return strings.ToUpper(strings.TrimSpace(s))
}

// CheckCreditCode validates a normalised 统一社会信用代码 or legacy 注册号 and
// says precisely what is wrong when it is not valid. The error is an *Error
// with code EINVALID and a Chinese message.
func CheckCreditCode(code string) (CodeCheck, error) {
	if code == "" {
		return CodeCheck{}, Errorf(EINVALID, "统一社会信用代码为空")
	}
	if spreadsheetNumber.MatchString(code) {
		return CodeCheck{}, Errorf(EINVALID, "代码“%s”已被表格软件存为数字，后几位已丢失；请把该列设为文本格式，重新填写完整的18位代码", code)
	}
	if len(code) == 15 && isDigits(code) {
		if !regNoCheckOK(code) {
			return CodeCheck{}, Errorf(EINVALID, "15位注册号校验位错误")
		}
		return CodeCheck{Kind: CodeRegNo}, nil
	}
	if n := len([]rune(code)); n != 18 {
		return CodeCheck{}, Errorf(EINVALID, "统一社会信用代码应为18位，实际为%d位", n)
	}
	for i, r := range []rune(code) {
		if r > 127 || strings.IndexByte(usccAlphabet, byte(r)) < 0 {
			return CodeCheck{}, Errorf(EINVALID, "第%d位字符“%c”不是统一社会信用代码可用字符（数字及除I、O、S、V、Z外的大写字母）", i+1, r)
		}
	}
	if strings.IndexByte(registrationDepartments, code[0]) < 0 {
		return CodeCheck{}, Errorf(EINVALID, "第1位登记管理部门码“%c”无效", code[0])
	}
	if !isDigits(code[2:8]) {
		return CodeCheck{}, Errorf(EINVALID, "第3–8位应为6位数字的登记管理机关行政区划码，实际为“%s”", code[2:8])
	}
	if want := usccCheckChar(code[:17]); want != code[17] {
		if isDigits(code) && strings.HasSuffix(code, "000") {
			return CodeCheck{}, Errorf(EINVALID, "校验位错误；代码以000结尾，疑似被表格软件存为数字而丢失了后几位，请把该列设为文本格式后重新填写")
		}
		return CodeCheck{}, Errorf(EINVALID, "校验位错误：第18位应为“%c”，实际为“%c”", want, code[17])
	}
	check := CodeCheck{Kind: CodeUSCC}
	if !orgCodeCheckOK(code[8:17]) {
		check.Warning = fmt.Sprintf("第9–17位组织机构代码“%s”未通过GB 11714校验", code[8:17])
	}
	return check, nil
}

// usccCheckChar computes the GB 32100 check character of the first 17
// characters: (31 − Σ vᵢwᵢ mod 31) mod 31, mapped back through the alphabet.
func usccCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccAlphabet, first17[i]) * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31]
}

// orgCodeCheckOK applies the GB 11714 check (mod 11, weights 3 7 9 10 5 8 4 2,
// 10 written as X, 11 as 0) to a 9-character organisation code. Letters count
// as 10 for A up to 35 for Z.
func orgCodeCheckOK(org string) bool {
	sum := 0
	for i := 0; i < 8; i++ {
		c := org[i]
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * orgWeights[i]
	}
	var want byte
	switch r := 11 - sum%11; r {
	case 10:
		want = 'X'
	case 11:
		want = '0'
	default:
		want = byte('0' + r)
	}
	return org[8] == want
}

// regNoCheckOK applies the ISO 7064 MOD 11,10 hybrid check (GB/T 17710) that
// GS 15-2006 uses for the last digit of a 15-digit 注册号.
func regNoCheckOK(digits string) bool {
	p := 10
	for i := 0; i < len(digits); i++ {
		s := (p + int(digits[i]-'0')) % 10
		if s == 0 {
			s = 10
		}
		if i == len(digits)-1 {
			return s == 1
		}
		p = (s * 2) % 11
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// USCCCheckChar returns the check character for 17 valid leading characters.
// Demo and benchmark generators use it to make valid synthetic codes.
func USCCCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, Errorf(EINVALID, "需要17位字符")
	}
	for i := 0; i < 17; i++ {
		if strings.IndexByte(usccAlphabet, first17[i]) < 0 {
			return 0, Errorf(EINVALID, "第%d位字符“%c”不可用", i+1, first17[i])
		}
	}
	return usccCheckChar(first17), nil
}

// OrgCodeCheckChar returns the GB 11714 check character for 8 organisation
// code characters (digits or capital letters), or 0 when first8 holds
// anything else.
func OrgCodeCheckChar(first8 string) byte {
	for _, c := range []byte("0123456789X") {
		if orgCodeCheckOK(first8 + string(c)) {
			return c
		}
	}
	return 0
}

// guideCardNo is what a 导游证号 may look like once normalised.
var guideCardNo = regexp.MustCompile(`^[0-9A-Z][0-9A-Z-]{3,31}$`)

// GuideEntityID derives the stable entity id of a 导游/领队, who has no credit
// code, from the 导游证号: "GUIDE-" followed by the normalised card number.
// The hyphen keeps it apart from every credit code, and re-imports match by it.
func GuideEntityID(cardNo string) (string, error) {
	n := strings.ReplaceAll(NormalizeCode(cardNo), " ", "")
	if n == "" {
		return "", Errorf(EINVALID, "导游证号为空")
	}
	if !guideCardNo.MatchString(n) {
		return "", Errorf(EINVALID, "导游证号“%s”格式不正确（应为4–32位字母、数字或连字符）", cardNo)
	}
	return "GUIDE-" + n, nil
}
