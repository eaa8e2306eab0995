package staff

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Manual overrides on the entity page (issue 14, item 2: 人工调整). The
// section 信用风险分类 shows the override in force (class, key flag,
// reason, expiry, who) and the entity's earlier overrides; a holder of
// PermManageRisk over the entity's department gets a form to set one and
// a button to revoke the one in force. The rules (reason, class, expiry
// within a year) are RiskOverride.Validate's, through the store; a
// refused form is shown again on the entity page with the problem beside
// its field.

// entityOverrideView is the overrides part of the section.
type entityOverrideView struct {
	Active    *spotcheck.RiskOverride // in force today; nil for none
	Expired   *spotcheck.RiskOverride // in force but run out: the next run returns the entity to the model
	History   []overrideRow
	CanManage bool
	Classes   []string
	// The form as posted, its problems by field and a message for the
	// form as a whole.
	Class, Reason, Expires string
	Key                    bool
	Errors                 map[string]string
	Error                  string
	Min, Max               string // the expiry's bounds, for the date input
}

// overrideRow is one line of the overrides' table.
type overrideRow struct {
	*spotcheck.RiskOverride
	Status string
}

// entityOverride reads the overrides part of e's page; nil when the server
// was built without the service.
func (s *Handler) entityOverride(ctx context.Context, r *http.Request, e *spotcheck.Entity) (*entityOverrideView, error) {
	if s.svc.RiskOverrides == nil {
		return nil, nil
	}
	list, err := s.svc.RiskOverrides.FindRiskOverrides(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	today := s.today()
	t, _ := time.Parse(spotcheck.DateLayout, today)
	v := &entityOverrideView{Class: e.CreditClass, Key: e.Key, Classes: spotcheck.CreditClasses,
		CanManage: view.StaffUser(r).Authorize(spotcheck.PermManageRisk, e.Dept) == nil,
		Min:       t.AddDate(0, 0, 1).Format(spotcheck.DateLayout), Max: t.AddDate(1, 0, 0).Format(spotcheck.DateLayout)}
	for _, o := range list {
		row := overrideRow{RiskOverride: o}
		switch {
		case o.Active(today):
			v.Active, row.Status = o, "有效"
		case o.Expired(today):
			v.Expired, row.Status = o, "已到期，待重新分类"
		case o.Ended == spotcheck.RiskOverrideRevoke:
			row.Status = "已撤销：" + o.EndReason
		case o.Ended == spotcheck.RiskOverrideExpire:
			row.Status = "已到期，已恢复模型分类"
		default:
			row.Status = "已被取代"
		}
		v.History = append(v.History, row)
	}
	return v, nil
}

// keep shows the refused form posted instead of the entity's state; a
// refused revoke (no class posted) keeps the form as the entity stands.
func (v *entityOverrideView) keep(posted *entityOverrideView) {
	if posted.Class != "" {
		v.Class, v.Key, v.Reason, v.Expires = posted.Class, posted.Key, posted.Reason, posted.Expires
	}
	v.Errors, v.Error = posted.Errors, posted.Error
}

// SaveRiskOverride sets an override of the entity's class (POST
// /staff/entities/{id}/risk-override).
func (s *Handler) SaveRiskOverride(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	id := r.PathValue("id")
	f := entityOverrideView{Class: r.PostFormValue("class"), Key: r.PostFormValue("key") == "1",
		Reason: r.PostFormValue("reason"), Expires: strings.TrimSpace(r.PostFormValue("expires"))}
	_, err := s.svc.RiskOverrides.OverrideRiskClass(r.Context(), id, f.Class, f.Key, f.Reason, f.Expires)
	if err == nil {
		view.Redirect(w, r, view.WithFlash(entityPath(id), "risk-overridden"))
		return
	}
	if ie, ok := errors.AsType[*spotcheck.InvalidError](err); ok {
		f.Errors = view.FieldErrors(ie.Fields)
		s.renderEntity(w, r, http.StatusUnprocessableEntity, &f)
		return
	}
	if code := spotcheck.ErrorCode(err); code == spotcheck.ECONFLICT {
		f.Error = spotcheck.ErrorMessage(err)
		s.renderEntity(w, r, http.StatusConflict, &f)
		return
	}
	s.fail(w, r, err)
}

// RevokeRiskOverride revokes the entity's override in force (POST
// /staff/entities/{id}/risk-override/revoke). The route names the entity,
// not the override: the one in force is the only one that can be revoked.
func (s *Handler) RevokeRiskOverride(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	id := r.PathValue("id")
	list, err := s.svc.RiskOverrides.FindRiskOverrides(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.today()
	var active *spotcheck.RiskOverride
	for _, o := range list {
		if o.Active(today) {
			active = o
		}
	}
	if active == nil {
		err = spotcheck.Errorf(spotcheck.ECONFLICT, "该对象当前没有生效的人工调整，无需撤销")
	} else {
		_, err = s.svc.RiskOverrides.RevokeRiskOverride(r.Context(), active.ID, r.PostFormValue("reason"))
	}
	switch spotcheck.ErrorCode(err) {
	case "":
		view.Redirect(w, r, view.WithFlash(entityPath(id), "risk-override-revoked"))
	case spotcheck.ECONFLICT, spotcheck.EINVALID:
		s.renderEntity(w, r, http.StatusConflict, &entityOverrideView{Error: spotcheck.ErrorMessage(err)})
	default:
		s.fail(w, r, err)
	}
}

func entityPath(id string) string { return "/staff/entities/" + url.PathEscape(id) }
