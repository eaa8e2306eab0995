package view

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"spotcheck"
)

// People see names, not codes (design §6): 鼓楼区 rather than 350102, 旅行社
// rather than T01, 福州市文化和旅游局 rather than FZWL. Every page gets a
// *Names as .Names (in a range, $.Names), whose methods name each kind of
// code from the reference data and the department tree as they are now;
// the code itself stays in a column, a tooltip (title=), the API and the
// exports. A code that has no name (an old code, or a department the user
// may not see) is shown as it is.

// NameSource is where the names of the reference data and of the
// departments come from; a nil service names nothing.
type NameSource struct {
	Reference   spotcheck.ReferenceService
	Departments spotcheck.DepartmentService
	Items       spotcheck.ItemService
	Accounts    spotcheck.AccountService
}

// Names names the codes of one page. It loads the reference data and the
// departments on first use only, so that a page that names nothing reads
// nothing.
type Names struct {
	ctx context.Context
	src NameSource
	log *slog.Logger

	refOnce sync.Once
	ref     *spotcheck.Reference
	types   map[string]string
	divs    map[string]string

	deptOnce sync.Once
	depts    []spotcheck.Department
	deptName map[string]string

	itemOnce sync.Once
	itemName map[string]string

	userOnce sync.Once
	userName map[string]string
}

// namesFor returns the names of a request's page, read as its user.
func (v *Views) namesFor(ctx context.Context) *Names {
	return &Names{ctx: ctx, src: v.names, log: v.log}
}

// Ref returns the reference data (target types, divisions) for the
// options of filters and forms; empty when it cannot be read.
func (n *Names) Ref() *spotcheck.Reference {
	n.refOnce.Do(func() {
		n.ref, n.types, n.divs = &spotcheck.Reference{}, map[string]string{}, map[string]string{}
		if n.src.Reference == nil {
			return
		}
		ref, err := n.src.Reference.FindReference(n.ctx)
		if err != nil {
			n.log.Warn("names: reference data", "err", err)
			return
		}
		n.ref = ref
		for _, t := range ref.Types {
			n.types[t.Code] = t.Name
		}
		for _, d := range ref.Divisions {
			n.divs[d.Code] = d.Name
		}
	})
	return n.ref
}

// Depts returns the departments the user may see (none for a user who may
// not see the tree).
func (n *Names) Depts() []spotcheck.Department {
	n.deptOnce.Do(func() {
		n.deptName = map[string]string{}
		if n.src.Departments == nil {
			return
		}
		depts, err := n.src.Departments.FindDepartments(n.ctx)
		if err != nil {
			if spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
				n.log.Warn("names: departments", "err", err)
			}
			return
		}
		n.depts = depts
		for _, d := range depts {
			n.deptName[d.Code] = d.Name
		}
	})
	return n.depts
}

// Item names an item of the 抽查事项清单: WL-LXS-001 is 旅行社经营许可及分社、
// 服务网点备案情况检查. The list is public, a few hundred items at most; it is
// read in pages on first use.
func (n *Names) Item(code string) string {
	n.itemOnce.Do(func() {
		n.itemName = map[string]string{}
		if n.src.Items == nil {
			return
		}
		for offset := 0; ; offset += spotcheck.MaxPageSize {
			page, err := n.src.Items.FindItems(n.ctx, spotcheck.ItemFilter{Offset: offset, Limit: spotcheck.MaxPageSize})
			if err != nil {
				if spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
					n.log.Warn("names: items", "err", err)
				}
				return
			}
			for _, it := range page.Items {
				n.itemName[it.Code] = it.Name
			}
			if len(page.Items) < spotcheck.MaxPageSize {
				return
			}
		}
	})
	return or(n.itemName[code], code)
}

// or returns name, or code when there is none.
func or(name, code string) string {
	if name == "" {
		return code
	}
	return name
}

// Division names a division (GB/T 2260): 350102 is 鼓楼区.
func (n *Names) Division(code string) string { n.Ref(); return or(n.divs[code], code) }

// Divisions names several divisions, joined by 、.
func (n *Names) Divisions(codes []string) string { return n.each(codes, n.Division) }

// Type names a target type: T01 is 旅行社.
func (n *Names) Type(code string) string { n.Ref(); return or(n.types[code], code) }

// Types names several target types, joined by 、.
func (n *Names) Types(codes []string) string { return n.each(codes, n.Type) }

// Dept names a department: FZWL is 福州市文化和旅游局.
func (n *Names) Dept(code string) string { n.Depts(); return or(n.deptName[code], code) }

// Role names a role: planner is 计划员.
func (n *Names) Role(code string) string { return or(spotcheck.RoleNames[code], code) }

// Method names an inspection method: M01 is 实地检查.
func (n *Names) Method(code string) string {
	for _, m := range spotcheck.Methods {
		if m.Code == code {
			return m.Name
		}
	}
	return code
}

// Methods names several methods, joined by 、.
func (n *Names) Methods(codes []string) string { return n.each(codes, n.Method) }

// Class names a credit risk class: B is 信用风险一般.
func (n *Names) Class(code string) string { return or(spotcheck.CreditClassNames[code], code) }

// Kind names an import kind: entities is 检查对象.
func (n *Names) Kind(code string) string { return or(spotcheck.KindNames[code], code) }

// ChangeKind names a kind of draw change: substitute is 替补检查对象.
func (n *Names) ChangeKind(code string) string { return or(spotcheck.DrawChangeNames[code], code) }

// ChangeReason names the reason of a draw change: closed is 已停业.
func (n *Names) ChangeReason(code string) string { return or(spotcheck.ChangeReasons[code], code) }

// Participant names a participant of a draw's commit–reveal by role and
// unit, as the public sees them — 监督员（福州市文化和旅游局） — not by user
// name: the role is the first of theirs (in RoleOrder) that takes part in
// draws (spotcheck.PermWitnessDraws). The user name, which the commitment
// is computed with, stays in the tooltip and the bundle.
func (n *Names) Participant(c spotcheck.DrawCommit) string {
	if c.Participant == spotcheck.SystemParticipant {
		return "平台"
	}
	witness := func(r string) bool {
		return spotcheck.NewPrincipal(spotcheck.User{Roles: []string{r}}, nil).Has(spotcheck.PermWitnessDraws)
	}
	role := ""
	for _, r := range RoleOrder {
		if slices.Contains(c.Roles, r) && (role == "" || witness(r)) {
			role = n.Role(r)
			if witness(r) {
				break
			}
		}
	}
	switch {
	case role == "" && c.Unit == "":
		return c.Participant // no account: its user name is all there is
	case role == "":
		role = "参与人"
	}
	if c.Unit == "" {
		return role
	}
	return role + "（" + c.Unit + "）"
}

func (n *Names) each(codes []string, name func(string) string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = name(c)
	}
	return strings.Join(out, "、")
}

// User names the actor of a step: the approver of a result, who decided a
// request — 法制科审核员 rather than approver. A system actor is named by
// what it is; a user the page's reader may not look up (the public) is
// shown by user name.
func (n *Names) User(username string) string {
	if s := spotcheck.ActorName(username); s != "" {
		return s
	}
	n.userOnce.Do(func() {
		n.userName = map[string]string{}
		if n.src.Accounts == nil {
			return
		}
		names, err := n.src.Accounts.UserNames(n.ctx)
		if err != nil {
			if spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
				n.log.Warn("names: users", "err", err)
			}
			return
		}
		n.userName = names
	})
	return or(n.userName[username], username)
}
