// Package xlsx reads and writes the import files of the directories and
// lists (design §8, spec/cli.md): .xlsx through excelize and CSV in UTF-8
// or GB 18030. It only converts cells to records and back; the rules of
// the content (credit codes, dates, allowed values) are the domain's
// Validate methods, which the store runs. Header names double as the labels
// of the domain's problems, so a problem found by either layer names the
// column the user sees.
package xlsx

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"spotcheck"
)

// Column is one column of a kind's file.
type Column struct {
	Key      string   // the domain's FieldError.Field key
	Header   string   // the header cell, exactly as files carry it
	Required bool     // a file without this column is refused
	Text     bool     // a code or phone number: written and formatted as text so Excel keeps its digits
	Date     bool     // YYYY-MM-DD; an Excel date serial in .xlsx is converted
	Options  []string // the allowed values, for the template's drop-down and notes
	Help     string   // how to fill it, for the template's 填写说明
	Width    float64  // column width in .xlsx files
}

// cellKind says how a raw .xlsx number in a column is to be read.
type cellKind int

const (
	plainCell   cellKind = iota
	dateCell             // a serial day number becomes YYYY-MM-DD
	percentCell          // a fraction shown as a percentage becomes "3%"
	intCell              // written to .xlsx as a number
)

// field binds a column to one field of T. set returns a message when the
// cell's format is wrong; copy moves the field between records for Fill.
type field[T any] struct {
	col  Column
	kind cellKind
	get  func(*T) string
	set  func(*T, string) string
	copy func(dst, src *T)
}

// Codec converts records of T to and from file rows. The exported codecs
// (Entities, Inspectors…) are the only ones; they are safe for concurrent use.
type Codec[T any] struct {
	Kind    string
	Columns []Column

	fields []field[T]
	zero   func() T
	byHdr  map[string]int
	// keep copies the fields of T that the kind has no column for at all
	// (an expert's file has no 执法证号): Fill always keeps them.
	keep func(dst, src *T)
}

func newCodec[T any](kind string, zero func() T, fields ...field[T]) *Codec[T] {
	c := &Codec[T]{Kind: kind, fields: fields, zero: zero, byHdr: make(map[string]int, len(fields))}
	for i, f := range fields {
		if f.kind == dateCell {
			f.col.Date = true
			fields[i] = f
		}
		c.Columns = append(c.Columns, f.col)
		c.byHdr[f.col.Header] = i
	}
	return c
}

// Headers returns the header row of the kind's files.
func (c *Codec[T]) Headers() []string {
	h := make([]string, len(c.Columns))
	for i, col := range c.Columns {
		h[i] = col.Header
	}
	return h
}

// Encode returns the cells of v in Columns order, in the form Decode reads.
func (c *Codec[T]) Encode(v *T) []string {
	out := make([]string, len(c.fields))
	for i := range c.fields {
		out[i] = c.fields[i].get(v)
	}
	return out
}

// Decode builds a record from cells given by column key. Absent and empty
// cells leave the record's defaults (名录状态 有效). The problems are those of
// the cells' formats (a bad 是/否, a bad number); content rules are the
// domain's.
func (c *Codec[T]) Decode(cells map[string]string) (T, spotcheck.Problems) {
	v := c.zero()
	var p spotcheck.Problems
	for i := range c.fields {
		if s, ok := cells[c.fields[i].col.Key]; ok {
			c.setCell(&v, i, s, &p)
		}
	}
	return v, p
}

// Fill copies from existing into v every field whose column key is not in
// present, so that a file with fewer columns changes only what it holds;
// fields the kind has no column for are kept too.
func (c *Codec[T]) Fill(v, existing *T, present map[string]bool) {
	for i := range c.fields {
		if !present[c.fields[i].col.Key] {
			c.fields[i].copy(v, existing)
		}
	}
	c.fillKept(v, existing)
}

func (c *Codec[T]) fillKept(v, existing *T) {
	if c.keep != nil {
		c.keep(v, existing)
	}
}

// keeping sets the codec's keep function.
func (c *Codec[T]) keeping(keep func(dst, src *T)) *Codec[T] {
	c.keep = keep
	return c
}

// setCell decodes one trimmed cell into field i of v.
func (c *Codec[T]) setCell(v *T, i int, s string, p *spotcheck.Problems) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	f := &c.fields[i]
	s = unescapeFormula(s)
	if f.col.Date {
		s = normalizeDate(s)
	}
	if msg := f.set(v, s); msg != "" {
		p.Add(f.col.Key, f.col.Header, "%s", msg)
	}
}

// schema is what the kind-level functions (Headers, Template) need of a
// codec without knowing its record type.
type schema interface {
	columns() []Column
	kind() string
}

func (c *Codec[T]) columns() []Column { return c.Columns }
func (c *Codec[T]) kind() string      { return c.Kind }

// Headers returns the header row of kind's files, nil for an unknown kind.
func Headers(kind string) []string {
	cols, ok := ColumnsOf(kind)
	if !ok {
		return nil
	}
	h := make([]string, len(cols))
	for i, col := range cols {
		h[i] = col.Header
	}
	return h
}

// ColumnsOf returns the columns of kind's files.
func ColumnsOf(kind string) ([]Column, bool) {
	s, ok := schemas[kind]
	if !ok {
		return nil, false
	}
	return slices.Clone(s.columns()), true
}

// lookup returns the schema of kind or a Chinese error naming the kinds.
func lookup(kind string) (schema, error) {
	if s, ok := schemas[kind]; ok {
		return s, nil
	}
	return nil, spotcheck.Errorf(spotcheck.EINVALID, "未知的导入类型“%s”，应为%s之一",
		kind, strings.Join(slices.Sorted(maps.Keys(schemas)), "、"))
}

// Field constructors. Each takes a pointer accessor so that get, set and
// copy are written once per field type rather than once per column.

func str[T any](col Column, ptr func(*T) *string) field[T] {
	return field[T]{col: col,
		get:  func(v *T) string { return *ptr(v) },
		set:  func(v *T, s string) string { *ptr(v) = s; return "" },
		copy: func(d, s *T) { *ptr(d) = *ptr(s) },
	}
}

func date[T any](col Column, ptr func(*T) *string) field[T] {
	f := str(col, ptr)
	f.kind = dateCell
	if f.col.Help == "" {
		f.col.Help = "日期，格式YYYY-MM-DD，如2026-03-01"
	}
	return f
}

// yesNoOptions are the values a 是/否 column shows.
var yesNoOptions = []string{"是", "否"}

func yesNo[T any](col Column, ptr func(*T) *bool) field[T] {
	col.Options = yesNoOptions
	return field[T]{col: col,
		get: func(v *T) string { return formatYesNo(*ptr(v)) },
		set: func(v *T, s string) string {
			b, ok := parseYesNo(s)
			if !ok {
				return "“" + s + "”无效，应填“是”或“否”"
			}
			*ptr(v) = b
			return ""
		},
		copy: func(d, s *T) { *ptr(d) = *ptr(s) },
	}
}

func list[T any](col Column, ptr func(*T) *[]string) field[T] {
	if col.Help == "" {
		col.Help = "可填多个，用“、”分隔"
	}
	return field[T]{col: col,
		get:  func(v *T) string { return strings.Join(*ptr(v), "、") },
		set:  func(v *T, s string) string { *ptr(v) = spotcheck.SplitList(s); return "" },
		copy: func(d, s *T) { *ptr(d) = slices.Clone(*ptr(s)) },
	}
}

func integer[T any](col Column, ptr func(*T) *int) field[T] {
	return field[T]{col: col, kind: intCell,
		get: func(v *T) string {
			if n := *ptr(v); n != 0 {
				return strconv.Itoa(n)
			}
			return ""
		},
		set: func(v *T, s string) string {
			n, ok := parseInt(s)
			if !ok {
				return "“" + s + "”不是整数"
			}
			*ptr(v) = n
			return ""
		},
		copy: func(d, s *T) { *ptr(d) = *ptr(s) },
	}
}

func leaves[T any](col Column, ptr func(*T) *[]spotcheck.Leave) field[T] {
	col.Help = "请假起止日期，如2026-03-01~2026-03-10；多段用“；”分隔"
	return field[T]{col: col,
		get:  func(v *T) string { return spotcheck.FormatLeaves(*ptr(v)) },
		set:  func(v *T, s string) string { *ptr(v) = spotcheck.ParseLeaves(s); return "" },
		copy: func(d, s *T) { *ptr(d) = slices.Clone(*ptr(s)) },
	}
}

// active is the 名录状态 column every directory has; empty means 有效.
func active[T any](ptr func(*T) *bool) field[T] {
	col := Column{Key: "active", Header: "名录状态", Width: 10,
		Options: []string{spotcheck.ActiveLabel, spotcheck.InactiveLabel}, Help: "不填视为“有效”"}
	return field[T]{col: col,
		get: func(v *T) string {
			if *ptr(v) {
				return spotcheck.ActiveLabel
			}
			return spotcheck.InactiveLabel
		},
		set: func(v *T, s string) string {
			switch s {
			case spotcheck.ActiveLabel:
				*ptr(v) = true
			case spotcheck.InactiveLabel, "停用":
				*ptr(v) = false
			default:
				return "“" + s + "”无效，应为“有效”或“已停用”"
			}
			return ""
		},
		copy: func(d, s *T) { *ptr(d) = *ptr(s) },
	}
}

func formatYesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// parseYesNo reads the ways people and spreadsheets write yes and no: an
// Excel boolean comes through raw as 1 or 0.
func parseYesNo(s string) (bool, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "是", "Y", "YES", "1", "TRUE", "√", "✓", "✔":
		return true, true
	case "否", "N", "NO", "0", "FALSE", "×", "✗", "✘", "":
		return false, true
	}
	return false, false
}

// parseInt accepts an integer, also written as a spreadsheet may store a
// whole number ("2.0", "2E0").
func parseInt(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < -1e9 || f > 1e9 || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}
