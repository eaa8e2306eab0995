package draw

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxSafeInt is 2^53−1, the largest integer magnitude of spec §2.
const maxSafeInt = 1<<53 - 1

// maxDepth bounds the nesting the canonical checker follows, so that hostile
// input cannot exhaust the stack. The records of the specification nest at
// most four levels.
const maxDepth = 64

// CheckCanonical reports whether b is canonical JSON as defined in spec §2:
// object keys of [a-z0-9_], unique and sorted bytewise; strings, integers
// with |n| ≤ 2^53−1, booleans, arrays and objects only (no floats, no null);
// no whitespace outside strings and nothing after the value (not even a
// newline); strings valid UTF-8 without control characters or U+2028/U+2029,
// with only `"` and `\` escaped. The error is an *Error whose message gives
// the 1-based byte position of the first problem.
func CheckCanonical(b []byte) error {
	c := canonChecker{b: b}
	if err := c.value(0); err != nil {
		return err
	}
	if c.i < len(b) {
		if isSpace(b[c.i]) {
			return c.fail("JSON 之后有多余的换行或空白")
		}
		return c.fail("JSON 之后有多余的字节")
	}
	return nil
}

// canonChecker walks b once, failing at the first non-canonical byte.
type canonChecker struct {
	b []byte
	i int
}

func (c *canonChecker) fail(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf("第%d字节：", c.i+1) + fmt.Sprintf(format, args...)}
}

func isSpace(ch byte) bool { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' }

func (c *canonChecker) value(depth int) error {
	if depth > maxDepth {
		return c.fail("嵌套过深")
	}
	if c.i >= len(c.b) {
		return c.fail("JSON 意外结束")
	}
	switch ch := c.b[c.i]; {
	case ch == '{':
		return c.object(depth)
	case ch == '[':
		return c.array(depth)
	case ch == '"':
		_, err := c.str()
		return err
	case ch == '-' || '0' <= ch && ch <= '9':
		return c.number()
	case ch == 't':
		return c.literal("true")
	case ch == 'f':
		return c.literal("false")
	case ch == 'n':
		return c.fail("不允许 null（应省略该键）")
	case isSpace(ch):
		return c.fail("字符串之外不允许空白")
	default:
		return c.fail("意外的字符“%s”", printable(string(c.b[c.i:c.i+1])))
	}
}

func (c *canonChecker) literal(word string) error {
	if !bytes.HasPrefix(c.b[c.i:], []byte(word)) {
		return c.fail("意外的字符“%s”", printable(string(c.b[c.i:c.i+1])))
	}
	c.i += len(word)
	return nil
}

// expect consumes ch or fails, naming whitespace specially.
func (c *canonChecker) expect(ch byte, what string) error {
	if c.i >= len(c.b) {
		return c.fail("JSON 意外结束，缺少%s", what)
	}
	if c.b[c.i] != ch {
		if isSpace(c.b[c.i]) {
			return c.fail("字符串之外不允许空白")
		}
		return c.fail("应为%s，实际为“%s”", what, printable(string(c.b[c.i:c.i+1])))
	}
	c.i++
	return nil
}

func (c *canonChecker) object(depth int) error {
	c.i++ // {
	if c.i < len(c.b) && c.b[c.i] == '}' {
		c.i++
		return nil
	}
	var prev string
	for n := 0; ; n++ {
		at := c.i
		if c.i >= len(c.b) || c.b[c.i] != '"' {
			return c.expect('"', "键")
		}
		key, err := c.str()
		if err != nil {
			return err
		}
		if !isKey(key) {
			c.i = at
			return c.fail("键“%s”只能由 a-z、0-9、_ 组成", printable(key))
		}
		if n > 0 && key <= prev {
			c.i = at
			if key == prev {
				return c.fail("键“%s”重复", key)
			}
			return c.fail("键“%s”未按字节序排序（应在“%s”之前）", key, prev)
		}
		prev = key
		if err := c.expect(':', "“:”"); err != nil {
			return err
		}
		if err := c.value(depth + 1); err != nil {
			return err
		}
		if c.i < len(c.b) && c.b[c.i] == '}' {
			c.i++
			return nil
		}
		if err := c.expect(',', "“,”或“}”"); err != nil {
			return err
		}
	}
}

func (c *canonChecker) array(depth int) error {
	c.i++ // [
	if c.i < len(c.b) && c.b[c.i] == ']' {
		c.i++
		return nil
	}
	for {
		if err := c.value(depth + 1); err != nil {
			return err
		}
		if c.i < len(c.b) && c.b[c.i] == ']' {
			c.i++
			return nil
		}
		if err := c.expect(',', "“,”或“]”"); err != nil {
			return err
		}
	}
}

// str reads a string at c.i and returns its value.
func (c *canonChecker) str() (string, error) {
	c.i++ // "
	start := c.i
	var sb []byte
	for c.i < len(c.b) {
		ch := c.b[c.i]
		switch {
		case ch == '"':
			s := c.b[start:c.i]
			if sb != nil {
				s = sb
			}
			c.i++
			return string(s), nil
		case ch == '\\':
			if sb == nil {
				sb = slices.Clone(c.b[start:c.i])
			}
			if c.i+1 < len(c.b) && (c.b[c.i+1] == '"' || c.b[c.i+1] == '\\') {
				sb = append(sb, c.b[c.i+1])
				c.i += 2
				continue
			}
			if c.i+1 < len(c.b) && c.b[c.i+1] == 'u' {
				return "", c.fail("字符串中不允许 \\u 转义（非 ASCII 字符应直接写成 UTF-8，控制字符不允许）")
			}
			return "", c.fail("字符串中只允许转义 \\\" 和 \\\\")
		case ch < 0x20:
			return "", c.fail("字符串中不允许控制字符")
		case ch < utf8.RuneSelf:
			if sb != nil {
				sb = append(sb, ch)
			}
			c.i++
		default:
			r, size := utf8.DecodeRune(c.b[c.i:])
			if r == utf8.RuneError && size <= 1 {
				return "", c.fail("字符串不是有效的 UTF-8")
			}
			if r == '\u2028' || r == '\u2029' {
				return "", c.fail("字符串中不允许 U+2028/U+2029")
			}
			if sb != nil {
				sb = append(sb, c.b[c.i:c.i+size]...)
			}
			c.i += size
		}
	}
	return "", c.fail("字符串没有结束")
}

func (c *canonChecker) number() error {
	start := c.i
	if c.b[c.i] == '-' {
		c.i++
	}
	digits := c.i
	for c.i < len(c.b) && '0' <= c.b[c.i] && c.b[c.i] <= '9' {
		c.i++
	}
	if c.i == digits {
		return c.fail("“-”之后应为数字")
	}
	if c.i < len(c.b) && (c.b[c.i] == '.' || c.b[c.i] == 'e' || c.b[c.i] == 'E') {
		return c.fail("不允许小数或指数形式的数（只允许整数）")
	}
	num := string(c.b[start:c.i])
	end := c.i
	c.i = start
	if c.b[digits] == '0' && end-digits > 1 {
		return c.fail("整数“%s”不得有前导零", num)
	}
	if num == "-0" {
		return c.fail("不允许 -0")
	}
	if n, err := strconv.ParseInt(num, 10, 64); err != nil || n > maxSafeInt || n < -maxSafeInt {
		return c.fail("整数“%s”超出 ±(2^53−1)", num)
	}
	c.i = end
	return nil
}

// Canonical returns the canonical JSON (spec §2) of v, a value that
// encoding/json can marshal: keys sorted, no whitespace, only `"` and `\`
// escaped. It fails on floats, null, keys outside [a-z0-9_], integers beyond
// 2^53−1, and strings that are not valid UTF-8 or hold control characters
// or U+2028/U+2029 (which encoding/json would escape).
func Canonical(v any) ([]byte, error) {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(raw.Bytes(), []byte{'\n'})
	out, i, err := reorder(make([]byte, 0, len(b)), b, 0, 0)
	if err == nil && i != len(b) {
		err = &Error{Msg: "JSON 之后有多余的字节"}
	}
	return out, err
}

// reorder appends the canonical form of the JSON value at raw[i:], as
// encoding/json writes it (no whitespace, keys in field order), to out: it
// sorts the keys of every object and rejects what spec §2 does not allow.
func reorder(out, raw []byte, i, depth int) ([]byte, int, error) {
	fail := func(msg string) ([]byte, int, error) { return nil, 0, &Error{Msg: "规范 JSON " + msg} }
	if depth > maxDepth || i >= len(raw) {
		return fail("嵌套过深或意外结束")
	}
	switch c := raw[i]; {
	case c == '{':
		// Members are written in the order given; an object whose keys
		// are out of order is then rewritten sorted.
		type member struct{ key, start, end int } // offsets in out
		var arr [16]member
		ms := arr[:0]
		obj := len(out)
		out = append(out, '{')
		sorted := true
		for i++; raw[i] != '}'; {
			if raw[i] == ',' {
				out = append(out, ',')
				i++
			}
			end := bytes.IndexByte(raw[i+1:], '"') + i + 1 // keys hold no escapes
			key := raw[i+1 : end]
			if !isKey(string(key)) {
				return fail("的键只能由 a-z、0-9、_ 组成：“" + printable(string(key)) + "”")
			}
			m := member{key: len(out) + 1, start: len(out)}
			if len(ms) > 0 && bytes.Compare(key, memberKey(out, ms[len(ms)-1].key)) <= 0 {
				sorted = false
			}
			out = append(out, raw[i:end+2]...) // "key":
			var err error
			if out, i, err = reorder(out, raw, end+2, depth+1); err != nil {
				return nil, 0, err
			}
			m.end = len(out)
			ms = append(ms, m)
		}
		out = append(out, '}')
		if !sorted {
			tmp := slices.Clone(out[obj:])
			for k := range ms {
				ms[k].key -= obj
				ms[k].start -= obj
				ms[k].end -= obj
			}
			slices.SortFunc(ms, func(a, b member) int { return bytes.Compare(memberKey(tmp, a.key), memberKey(tmp, b.key)) })
			out = append(out[:obj], '{')
			for k, m := range ms {
				if k > 0 {
					if bytes.Equal(memberKey(tmp, m.key), memberKey(tmp, ms[k-1].key)) {
						return fail("的键重复：“" + string(memberKey(tmp, m.key)) + "”")
					}
					out = append(out, ',')
				}
				out = append(out, tmp[m.start:m.end]...)
			}
			out = append(out, '}')
		}
		return out, i + 1, nil
	case c == '[':
		out = append(out, '[')
		for i++; raw[i] != ']'; {
			if raw[i] == ',' {
				out = append(out, ',')
				i++
			}
			var err error
			if out, i, err = reorder(out, raw, i, depth+1); err != nil {
				return nil, 0, err
			}
		}
		return append(out, ']'), i + 1, nil
	case c == '"':
		j := i + 1
		for ; raw[j] != '"'; j++ {
			if raw[j] == '\\' {
				if raw[j+1] != '"' && raw[j+1] != '\\' {
					return fail("的文本须为有效的 UTF-8，且不含控制字符或 U+2028/U+2029")
				}
				j++
			}
		}
		return append(out, raw[i:j+1]...), j + 1, nil
	case c == '-' || '0' <= c && c <= '9':
		j := i + 1
		for j < len(raw) && '0' <= raw[j] && raw[j] <= '9' {
			j++
		}
		n, err := strconv.ParseInt(string(raw[i:j]), 10, 64)
		if j < len(raw) && (raw[j] == '.' || raw[j] == 'e' || raw[j] == 'E') || err != nil || n > maxSafeInt || n < -maxSafeInt {
			return fail("只允许 ±(2^53−1) 以内的整数，不允许“" + string(raw[i:j]) + "…”")
		}
		return append(out, raw[i:j]...), j, nil
	case c == 't':
		return append(out, "true"...), i + 4, nil
	case c == 'f':
		return append(out, "false"...), i + 5, nil
	case c == 'n':
		return fail("不允许 null")
	}
	return fail("无法编码")
}

// memberKey returns the key that starts at b[i] and ends at the next '"'.
func memberKey(b []byte, i int) []byte {
	return b[i : i+bytes.IndexByte(b[i:], '"')]
}

// isKey reports whether k is a key of spec §2: [a-z0-9_]+.
func isKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// checkText reports whether s may stand in a canonical JSON string: valid
// UTF-8 without control characters and without U+2028/U+2029 (spec §2).
func checkText(s string) error {
	if !utf8.ValidString(s) {
		return &Error{Msg: "文本不是有效的 UTF-8"}
	}
	for _, r := range s {
		if r < 0x20 || r == '\u2028' || r == '\u2029' {
			return &Error{Msg: fmt.Sprintf("文本“%s”含有控制字符或 U+2028/U+2029", printable(s))}
		}
	}
	return nil
}

// decodeRecord decodes the canonical JSON record b of file into v, which
// must be a pointer to one of the record structs of this package. It
// requires b to be canonical (CheckCanonical), to have no unknown keys, and
// to be exactly the canonical encoding of what it decoded to, so that a
// missing key or an optional key with an empty value is rejected too.
func decodeRecord(file string, b []byte, v any) error {
	if err := CheckCanonical(b); err != nil {
		return withFile(file, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field != "":
			return errorf(file, 0, "键“%s”的类型错误（不应为 %s）", te.Field, te.Value)
		case errors.As(err, &te):
			return errorf(file, 0, "记录的类型错误（不应为 %s）", te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return errorf(file, 0, "未知的键 %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return errorf(file, 0, "无法解析：%v", err)
	}
	again, err := Canonical(v)
	if err != nil {
		return withFile(file, err)
	}
	if !bytes.Equal(again, b) {
		i := 0
		for i < len(b) && i < len(again) && b[i] == again[i] {
			i++
		}
		return errorf(file, 0, "第%d字节附近：与 %s 的记录结构不符（缺少必需的键，或可省略的键取了空值）", i+1, Version)
	}
	return nil
}

// withFile sets the file of err when it is an *Error without one.
func withFile(file string, err error) error {
	var e *Error
	if errors.As(err, &e) && e.File == "" {
		c := *e
		c.File = file
		return &c
	}
	return err
}
