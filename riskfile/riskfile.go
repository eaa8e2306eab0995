// Package riskfile reads and writes the risk model file (issue 14, item 1):
// a TOML document an administrator reviews and loads as a new version of
// the model. The format is specified in docs/risk-model.md; the rules a
// model obeys are spotcheck.RiskModel.Validate's, and this package only
// adds what belongs to the file: its syntax, its keys and their types,
// and the line of each problem.
//
// Parse is all or nothing: it returns a model only when the file has no
// problem at all, and otherwise every problem it found, one a line, as
// 第12行 factors[3].weight：权重应在0–100之间（实际120）.
package riskfile

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"

	"spotcheck"
)

// MaxFileSize is the largest model file Parse reads; a real one is a few
// kilobytes.
const MaxFileSize = 256 << 10

// Problem is one thing wrong with a model file: the line (0 when the
// problem is no line's, such as a missing table) and the key's path, as
// docs/risk-model.md writes it (factors counted from 1).
type Problem struct {
	Line    int
	Key     string
	Message string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.Key + "：" + p.Message
	}
	return fmt.Sprintf("第%d行 %s：%s", p.Line, p.Key, p.Message)
}

// Error is a model file's problems. It unwraps to an EINVALID
// *spotcheck.Error whose message lists them, one a line.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes the error as an EINVALID *spotcheck.Error.
func (e *Error) Unwrap() error {
	return &spotcheck.Error{Code: spotcheck.EINVALID, Message: "风险模型文件有误：\n" + e.Error()}
}

// value is one value of the file, copied out of the parser.
type value struct {
	line  int
	kind  unstable.Kind
	data  string
	items []value // of an array
}

// reader holds a file flattened to paths (factors[2].types.T07) while it
// is decoded.
type reader struct {
	vals   map[string]value
	order  []string       // the paths of vals in file order
	tables map[string]int // table path → line of its header or inline table
	arrays map[string]int // array-of-tables name → how many so far
	probs  []Problem
	bad    map[string]bool // paths with a problem of the file, not the model
}

func (r *reader) problem(line int, key, format string, args ...any) {
	r.probs = append(r.probs, Problem{line, key, fmt.Sprintf(format, args...)})
	r.bad[key] = true
}

// Parse reads a model file and validates the model; see the package doc.
func Parse(data []byte) (*spotcheck.RiskModel, error) {
	r := &reader{vals: map[string]value{}, tables: map[string]int{}, arrays: map[string]int{}, bad: map[string]bool{}}
	if len(data) > MaxFileSize {
		r.problem(0, "文件", "超过%dKB，不是风险模型文件", MaxFileSize>>10)
		return nil, &Error{r.probs}
	}
	if !r.flatten(data) {
		return nil, &Error{r.probs}
	}
	m := r.decode()
	if err := m.Validate(); err != nil {
		var ie *spotcheck.InvalidError
		if !errors.As(err, &ie) {
			return nil, err
		}
		for _, fe := range ie.Fields {
			if r.bad[fe.Field] {
				continue // the file's own problem with that key says more
			}
			msg := fe.Message
			if _, present := r.vals[fe.Field]; !present && isKnown(fe.Field) {
				msg = "未填写；" + msg
			}
			r.probs = append(r.probs, Problem{r.lineOf(fe.Field), fe.Field, msg})
		}
	}
	if len(r.probs) > 0 {
		slices.SortStableFunc(r.probs, func(a, b Problem) int { return sortLine(a.Line) - sortLine(b.Line) })
		return nil, &Error{r.probs}
	}
	return m, nil
}

// sortLine puts the problems of no line after the others.
func sortLine(l int) int {
	if l == 0 {
		return 1 << 30
	}
	return l
}

// lineOf is the line of path or, for a key the file lacks, of the nearest
// table that holds it; 0 if none.
func (r *reader) lineOf(path string) int {
	for path != "" {
		if v, ok := r.vals[path]; ok {
			return v.line
		}
		if l, ok := r.tables[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

// flatten reads the TOML syntax into r.vals; false when the syntax is
// broken, which leaves nothing else worth saying.
func (r *reader) flatten(data []byte) bool {
	var p unstable.Parser
	p.Reset(data)
	lineOf := func(n *unstable.Node) int { return p.Shape(n.Raw).Start.Line }
	prefix := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts, line := keyParts(e, lineOf)
			if e.Kind == unstable.ArrayTable {
				name := strings.Join(parts, ".")
				r.arrays[name]++
				prefix = fmt.Sprintf("%s[%d]", name, r.arrays[name])
			} else {
				if n := r.arrays[parts[0]]; n > 0 {
					parts[0] = fmt.Sprintf("%s[%d]", parts[0], n)
				}
				prefix = strings.Join(parts, ".")
			}
			if first, dup := r.tables[prefix]; dup {
				r.problem(line, prefix, "表重复（第%d行已有）", first)
			} else if v, dup := r.vals[prefix]; dup {
				r.problem(line, prefix, "已在第%d行设置为值，不能再作为表", v.line)
			}
			r.tables[prefix] = line
		case unstable.KeyValue:
			parts, line := keyParts(e, lineOf)
			path := strings.Join(parts, ".")
			if prefix != "" {
				path = prefix + "." + path
			}
			r.add(path, line, e.Value(), lineOf)
		}
	}
	if err := p.Error(); err != nil {
		line := 0
		var pe *unstable.ParserError
		if errors.As(err, &pe) && pe.Highlight != nil {
			line = p.Shape(p.Range(pe.Highlight)).Start.Line
		}
		r.problem(line, "TOML", "格式错误：%s", err.Error())
		return false
	}
	return true
}

// keyParts returns the parts of a key and the line it starts on.
func keyParts(e *unstable.Node, lineOf func(*unstable.Node) int) ([]string, int) {
	var parts []string
	line := 0
	k := e.Key()
	for k.Next() {
		parts = append(parts, string(k.Node().Data))
		if line == 0 {
			line = lineOf(k.Node())
		}
	}
	return parts, line
}

// add records the value n at path, descending into an inline table.
func (r *reader) add(path string, line int, n *unstable.Node, lineOf func(*unstable.Node) int) {
	if v, dup := r.vals[path]; dup {
		r.problem(line, path, "重复设置（第%d行已设置）", v.line)
		return
	}
	if first, dup := r.tables[path]; dup {
		r.problem(line, path, "第%d行已是表，不能再设置为值", first)
		return
	}
	switch n.Kind {
	case unstable.InlineTable:
		r.tables[path] = line
		it := n.Children()
		for it.Next() {
			kv := it.Node()
			if kv.Kind != unstable.KeyValue {
				continue
			}
			parts, l := keyParts(kv, lineOf)
			r.add(path+"."+strings.Join(parts, "."), l, kv.Value(), lineOf)
		}
		return
	case unstable.Array:
		v := value{line: line, kind: unstable.Array}
		it := n.Children()
		for it.Next() {
			c := it.Node()
			switch c.Kind {
			case unstable.Comment:
			case unstable.Array, unstable.InlineTable:
				r.problem(line, path, "列表中只能是字符串或数字")
				return
			default:
				v.items = append(v.items, value{line: lineOf(c), kind: c.Kind, data: string(c.Data)})
			}
		}
		r.vals[path] = v
	default:
		r.vals[path] = value{line: line, kind: n.Kind, data: string(n.Data)}
	}
	r.order = append(r.order, path)
}

// typed reads one value as what its key needs; "" when it fits.
type typed func(v value) string

func stringInto(dst *string) typed {
	return func(v value) string {
		if v.kind != unstable.String {
			return "应为字符串（用双引号括起来）"
		}
		*dst = strings.TrimSpace(v.data)
		return ""
	}
}

// dateInto takes a date written as a string or as a TOML date.
func dateInto(dst *string) typed {
	return func(v value) string {
		if v.kind != unstable.String && v.kind != unstable.LocalDate {
			return "应为日期，如 2026-01-01"
		}
		*dst = strings.TrimSpace(v.data)
		return ""
	}
}

func intInto(dst *int) typed {
	return func(v value) string {
		n, msg := integer(v)
		*dst = n
		return msg
	}
}

func integer(v value) (int, string) {
	if v.kind != unstable.Integer {
		return 0, "应为整数"
	}
	n, err := strconv.ParseInt(v.data, 0, 32)
	if err != nil {
		return 0, "整数超出范围"
	}
	return int(n), ""
}

func boolInto(dst *bool) typed {
	return func(v value) string {
		if v.kind != unstable.Bool {
			return "应为 true 或 false"
		}
		*dst = v.data == "true"
		return ""
	}
}

func listInto(dst *[]string) typed {
	return func(v value) string {
		if v.kind != unstable.Array {
			return "应为字符串列表，如 [\"D\"]"
		}
		out := []string{}
		for _, it := range v.items {
			if it.kind != unstable.String {
				return "列表中只能是字符串"
			}
			out = append(out, strings.TrimSpace(it.data))
		}
		*dst = out
		return ""
	}
}
