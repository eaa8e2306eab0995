package staff

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The audit trail (操作记录): every recorded change of a directory or list
// record or of an account, and the sign-in attempts. The audit admin and
// the supervisors read it (PermViewAudit, not bounded by department, so
// that no one can hide their own acts — 三员分立).

// changeKinds are the kinds of recorded changes with their Chinese names,
// in the order the filter offers them.
var changeKinds = []struct{ Code, Name string }{
	{"entity", "检查对象"}, {"inspector", "执法检查人员/专家"}, {"agency", "专业机构"},
	{"conflict", "回避关系"}, {"item", "抽查事项"}, {"responsibility", "监管责任"},
	{"department", "部门"}, {"user", "用户账号"}, {"api_token", "接口令牌"}, {"setting", "安全策略"},
	{"complaint", "投诉举报"}, {"penalty", "行政处罚"}, {"risk-model", "风险分类模型"},
}

// actionNames gives the Chinese name of each recorded action; an action
// missing here is shown as it is stored.
var actionNames = map[string]string{
	"create": "新增", "update": "修改", "deactivate": "停用", "reactivate": "恢复启用", "import": "导入",
	"password": "修改密码", "disable": "停用账号", "enable": "启用账号", "revoke": "吊销",
	"unlock": "解除登录限制", "refused": "已拒绝", "reclassify": "风险模型重新分类", "load": "载入",
	"risk-override": "人工调整信用风险分类", "risk-override-revoke": "撤销人工调整",
}

// changeRow is a recorded change as the history tables show it.
type changeRow struct {
	spotcheck.Change
	KindName   string
	ActionName string
	Link       string // the record's page, "" when it has none
}

func changeRows(cs []spotcheck.Change) []changeRow {
	out := make([]changeRow, len(cs))
	for i, c := range cs {
		out[i] = changeRow{Change: c, KindName: c.Kind, ActionName: c.Action, Link: changeLink(c)}
		for _, k := range changeKinds {
			if k.Code == c.Kind {
				out[i].KindName = k.Name
			}
		}
		if n, ok := actionNames[c.Action]; ok {
			out[i].ActionName = n
		}
	}
	return out
}

// changeLink is the page of a changed record. Keys of records with several
// key columns are joined by "|" (item|dept, staff|entity|kind); those lead
// to their list filtered to the record.
func changeLink(c spotcheck.Change) string {
	parts := strings.Split(c.Key, "|")
	switch c.Kind {
	case "entity":
		return "/staff/entities/" + url.PathEscape(c.Key)
	case "inspector":
		return "/staff/inspectors/" + url.PathEscape(c.Key)
	case "agency":
		return "/staff/agencies/" + url.PathEscape(c.Key)
	case "item":
		return "/staff/items/" + url.PathEscape(c.Key)
	case "department":
		return "/staff/departments/" + url.PathEscape(c.Key)
	case "user": // the auditors may read an account's trail, not manage it
		return "/staff/audit?" + url.Values{"kind": {"user"}, "key": {c.Key}}.Encode()
	case "responsibility":
		if len(parts) == 2 {
			return "/staff/responsibilities?" + url.Values{"item": {parts[0]}, "dept": {parts[1]}}.Encode()
		}
	case "conflict":
		if len(parts) == 3 {
			return "/staff/conflicts?" + url.Values{"staff_id": {parts[0]}, "entity_id": {parts[1]}}.Encode()
		}
	}
	return ""
}

// historyView is the change history of one record as its page shows it.
// Hidden is set when the store keeps the history from the user: the
// security admin keeps accounts but does not read their trail, which is
// the audit admin's (三员分立).
type historyView struct {
	Rows   []changeRow
	Hidden bool
}

// history loads the change history of one record, newest first.
func (s *Handler) history(ctx context.Context, kind, key string) (historyView, error) {
	l, err := s.svc.Changes.FindChanges(ctx, spotcheck.ChangeFilter{Kind: kind, Key: key, Limit: 200})
	if spotcheck.ErrorCode(err) == spotcheck.EFORBIDDEN {
		return historyView{Hidden: true}, nil
	}
	return historyView{Rows: changeRows(l.Items)}, err
}

// ShowAudit lists the recorded changes, newest first, filtered by kind,
// actor and record key.
func (s *Handler) ShowAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := spotcheck.ChangeFilter{Kind: q.Get("kind"), Actor: strings.TrimSpace(q.Get("actor")), Key: strings.TrimSpace(q.Get("key"))}
	f.Offset, f.Limit = view.PageParams(q)
	list, err := s.svc.Changes.FindChanges(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "audit", "操作记录", map[string]any{"Tab": "changes", "F": f,
		"Kinds": changeKinds, "Changes": changeRows(list.Items),
		"Pager": view.ListPager(r, list)})
}

// ShowLoginAttempts lists the sign-in attempts, newest first. The route
// admits any signed-in user: the store lets the auditors and the security
// admin (who handles lockouts) read them and refuses everyone else.
func (s *Handler) ShowLoginAttempts(w http.ResponseWriter, r *http.Request) {
	offset, limit := view.PageParams(r.URL.Query())
	list, err := s.svc.Accounts.FindLoginAttempts(r.Context(), offset, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "audit", "登录记录", map[string]any{"Tab": "logins", "Attempts": list.Items,
		"Pager": view.ListPager(r, list)})
}
