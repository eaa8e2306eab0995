package draw

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestCheckCanonical(t *testing.T) {
	ok := []string{
		`{"a":1}`, `{}`, `[]`, `{"a":[1,"x",{"b":false}],"b":true}`, `{"a":"\"\\"}`, `{"a":"中文 ok"}`,
		`{"a":-9007199254740991,"b":9007199254740991}`, `{"a":"","b_1":0}`, "{\"a\":\"\x7f\"}",
	}
	for _, s := range ok {
		if err := CheckCanonical([]byte(s)); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	bad := []struct{ in, reason string }{
		{`{"a": 1}`, "不允许空白"},
		{` {"a":1}`, "不允许空白"},
		{"{\"a\":1}\n", "多余的换行"},
		{`{"a":1}x`, "多余的字节"},
		{`{"b":1,"a":2}`, "未按字节序排序"},
		{`{"a":1,"a":2}`, "重复"},
		{`{"A":1}`, "a-z"},
		{`{"":1}`, "a-z"},
		{`{"a":"\u4e2d"}`, `\u 转义`},
		{`{"a":"\n"}`, `只允许转义`},
		{`{"a":"\/"}`, `只允许转义`},
		{"{\"a\":\"x\ny\"}", "控制字符"},
		{"{\"a\":\"\xff\"}", "UTF-8"},
		{"{\"a\":\"\u2028\"}", "U+2028"},
		{`{"a":1.5}`, "小数"},
		{`{"a":1e3}`, "指数"},
		{`{"a":1.0}`, "小数"},
		{`{"a":null}`, "null"},
		{`{"a":01}`, "前导零"},
		{`{"a":-0}`, "-0"},
		{`{"a":9007199254740992}`, "超出"},
		{`{"a":-}`, "数字"},
		{`{"a":tru}`, "意外"},
		{`{"a":1`, "意外结束"},
		{`{"a"`, "意外结束"},
		{`{"a":"x`, "没有结束"},
		{`[1,]`, "意外"},
		{``, "意外结束"},
		{strings.Repeat("[", 100) + strings.Repeat("]", 100), "嵌套过深"},
	}
	for _, c := range bad {
		err := CheckCanonical([]byte(c.in))
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, c.reason) {
			t.Errorf("%q: got %v, want a reason with %q", c.in, err, c.reason)
		}
	}
}

func TestCanonical(t *testing.T) {
	type inner struct {
		Z int    `json:"z"`
		A string `json:"a"`
	}
	v := struct {
		Zeta  []inner `json:"zeta"`
		Alpha string  `json:"alpha"`
		Mid   bool    `json:"mid,omitempty"`
	}{Zeta: []inner{{1, `q"<&>\`}}, Alpha: "中"}
	b, err := Canonical(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"alpha":"中","zeta":[{"a":"q\"<&>\\","z":1}]}`; string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
	for _, bad := range []any{
		map[string]any{"a": 1.5}, map[string]any{"a": nil}, map[string]any{"A": 1},
		map[string]any{"a": "x\ty"}, map[string]any{"a": "\u2028"}, map[string]any{"a": "\xff"},
		map[string]any{"a": int64(1) << 53},
	} {
		if b, err := Canonical(bad); err == nil {
			t.Errorf("Canonical(%#v) = %s, want an error", bad, b)
		}
	}
}

// A record that is canonical JSON but not the record's structure is
// rejected: a missing key, an unknown key, an optional key with an empty
// value, a wrong type.
func TestDecodeRecordStructure(t *testing.T) {
	plan := readVector(t, vectorDirs(t)[0]).Plan
	cases := []struct {
		name, old, new, reason string
	}{
		{"missing key", `"cap_slack":1,`, ``, "缺少必需的键"},
		{"unknown key", `"v":"spotcheck-draw/1"}`, `"v":"spotcheck-draw/1","zz":1}`, "未知的键"},
		{"empty supersedes", `"task"`, `"supersedes":"","task"`, "可省略的键取了空值"},
		{"dice false", `"dice":true`, `"dice":false`, "可省略的键取了空值"},
		{"wrong type", `"cap_slack":1`, `"cap_slack":"1"`, "类型错误"},
		{"wrong version", `"v":"spotcheck-draw/1"`, `"v":"spotcheck-draw/2"`, "v 应为"},
		{"float", `"cap_slack":1`, `"cap_slack":1.0`, "小数"},
		{"unsorted", `"authority":"FZWL","cap_slack":1`, `"cap_slack":1,"authority":"FZWL"`, "排序"},
	}
	for _, c := range cases {
		b := bytes.Replace(plan, []byte(c.old), []byte(c.new), 1)
		if bytes.Equal(b, plan) {
			t.Fatalf("%s: %q not in the plan", c.name, c.old)
		}
		_, err := ParsePlan(b)
		var e *Error
		if !errors.As(err, &e) || e.File != FilePlan || !strings.Contains(e.Msg, c.reason) {
			t.Errorf("%s: got %v, want plan.json: …%s…", c.name, err, c.reason)
		}
	}
}

// FuzzCanonical: CheckCanonical never panics, and what it accepts is
// exactly what Canonical writes for the decoded value.
func FuzzCanonical(f *testing.F) {
	for _, dir := range vectorDirs(f) {
		b := readVector(f, dir)
		f.Add(b.Plan)
		f.Add(b.Randomness)
		f.Add(b.Result)
	}
	f.Add([]byte(`{"a":[1,"x",{"b":false}],"b":true}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if CheckCanonical(b) != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("accepted %q, which encoding/json rejects: %v", b, err)
		}
		again, err := Canonical(v)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("accepted %q, but Canonical gives %q, %v", b, again, err)
		}
	})
}
