package spotcheck

import (
	"context"
	"fmt"
	"iter"
	"strings"
)

// Import kinds, the KIND argument of `spotcheck import|export|template`
// (spec/cli.md).
const (
	KindEntities         = "entities"
	KindInspectors       = "inspectors"
	KindExperts          = "experts"
	KindAgencies         = "agencies"
	KindItems            = "items"
	KindResponsibilities = "responsibilities"
	KindDepartments      = "departments"
	KindConflicts        = "conflicts"
	KindComplaints       = "complaints"
	KindPenalties        = "penalties"
)

// ImportKinds lists every kind in the order a new installation imports them.
var ImportKinds = []string{KindDepartments, KindEntities, KindInspectors, KindExperts, KindAgencies,
	KindItems, KindResponsibilities, KindConflicts, KindComplaints, KindPenalties}

// KindNames gives each kind's Chinese name.
var KindNames = map[string]string{
	KindEntities: "检查对象", KindInspectors: "执法检查人员", KindExperts: "专家", KindAgencies: "专业机构",
	KindItems: "抽查事项", KindResponsibilities: "监管责任", KindDepartments: "部门", KindConflicts: "回避关系",
	KindComplaints: "投诉举报", KindPenalties: "行政处罚",
}

// ImportRow is one decoded data row of an import file. Row is the row number
// as a spreadsheet shows it (the header is row 1); Problems are what the
// decoder found in the cells (a bad number, a bad yes/no) before the domain
// rules run.
type ImportRow[T any] struct {
	Row      int
	Value    T
	Problems Problems
}

// ImportSource is a decoded import file. Rows yields the data rows in file
// order and stops at the first read error. Fill copies into v the fields of
// existing that the file has no column for, so that a file with fewer
// columns updates only what it holds.
type ImportSource[T any] struct {
	Name string
	Rows iter.Seq2[ImportRow[T], error]
	Fill func(v, existing *T)
}

// RowError is one problem of an import, printed as `第N行 列名：原因`
// (spec/cli.md). Row 0 means the problem concerns the whole file.
type RowError struct {
	Row     int
	Column  string
	Message string
}

func (e RowError) String() string {
	switch {
	case e.Row == 0:
		return e.Message
	case e.Column == "":
		return fmt.Sprintf("第%d行 %s", e.Row, e.Message)
	}
	return fmt.Sprintf("第%d行 %s：%s", e.Row, e.Column, e.Message)
}

// MaxImportErrors caps the problems an import keeps; the count goes on.
const MaxImportErrors = 1000

// ImportError is the failure of an all-or-nothing import: every problem
// found (up to MaxImportErrors) and how many there were in all.
type ImportError struct {
	Problems []RowError
	Total    int
}

// Add records a problem, keeping at most MaxImportErrors of them.
func (e *ImportError) Add(p RowError) {
	e.Total++
	if len(e.Problems) < MaxImportErrors {
		e.Problems = append(e.Problems, p)
	}
}

// AddProblems records the field problems of row.
func (e *ImportError) AddProblems(row int, ps Problems) {
	for _, p := range ps {
		e.Add(RowError{Row: row, Column: p.Label, Message: p.Message})
	}
}

// Err returns e when it holds problems, else nil.
func (e *ImportError) Err() error {
	if e.Total == 0 {
		return nil
	}
	return e
}

func (e *ImportError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	for _, p := range e.Problems {
		lines = append(lines, p.String())
	}
	if e.Total > len(e.Problems) {
		lines = append(lines, fmt.Sprintf("……另有%d处错误未列出", e.Total-len(e.Problems)))
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes an ImportError an EINVALID error.
func (e *ImportError) Unwrap() error {
	return Errorf(EINVALID, "导入失败：共%d处错误，未写入任何数据", e.Total)
}

// ImportSummary counts what a successful import did.
type ImportSummary struct {
	Added, Updated, Unchanged int
}

// Actor is who acts, as the change history names them: the principal of
// the context (NewContextWithPrincipal sets it). Every recorded change
// names its actor.
type Actor struct {
	ID   string // user name, or a system principal's name: cli:<login>, job:…
	Name string
}

type actorKey struct{}

// NewContextWithActor returns a context that carries the acting user. It
// authorises nothing: the services refuse a context without a principal
// (NewContextWithPrincipal, which sets the actor too).
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the acting user; the zero Actor when none is set.
func ActorFromContext(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// SliceSource is an ImportSource over records already in memory, numbered
// as rows 2, 3, … as if they followed a header row. Demo data and tests
// import through it, so they pass the same checks as a file.
func SliceSource[T any](name string, vs []T) ImportSource[T] {
	return ImportSource[T]{Name: name, Rows: func(yield func(ImportRow[T], error) bool) {
		for i, v := range vs {
			if !yield(ImportRow[T]{Row: i + 2, Value: v}, nil) {
				return
			}
		}
	}}
}
