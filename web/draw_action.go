package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The steps of a draw's workflow, each one POST from the draw's page and
// one call of the draw service, which checks the permission, the state and
// the four-eyes rule again and logs the step. A refused step shows the
// draw's page again with the reason (and, for the change form, the
// problems beside its fields and what was typed).

// afterStep answers a step: the draw's page with the flash ok, or the page
// again with what went wrong.
func (s *Server) afterStep(w http.ResponseWriter, r *http.Request, err error, ok string, form url.Values) {
	if err == nil {
		view.Redirect(w, r, view.WithFlash("/staff/draws/"+r.PathValue("id"), ok))
		return
	}
	problems, msg, shown := view.FormProblems(err)
	if !shown {
		s.views.Fail(w, r, err)
		return
	}
	status, _, _ := view.ErrorStatus(err)
	if msg == "" {
		msg = "请修改标红的字段后重新提交。"
	}
	s.renderDraw(w, r, status, msg, problems, form)
}

// commitDraw records the signed-in official's commitment. Only the
// commitment is posted: the page computes it in the browser (or the
// official pastes what `spotcheck draw commit` printed); a form that
// carries a secret is refused without looking at it, so that a broken
// page cannot leak one into the server before the reveal.
func (s *Server) commitDraw(w http.ResponseWriter, r *http.Request) {
	id, err := drawID(r, "id")
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	if _, has := r.PostForm["secret"]; has {
		s.afterStep(w, r, spotcheck.Errorf(spotcheck.EINVALID,
			"承诺阶段不得提交秘密值：只提交承诺值（64位十六进制）。请勿再使用该秘密，重新选择一个秘密。"), "", nil)
		return
	}
	c := strings.TrimSpace(r.PostFormValue("commitment"))
	if c == "" {
		err = view.FieldError("commitment", "承诺值", "请填写承诺值（在浏览器中计算，或粘贴 spotcheck draw commit 的输出）")
	} else {
		err = s.draws.CommitDraw(r.Context(), id, view.StaffUser(r).Username, c)
	}
	s.afterStep(w, r, err, "committed", nil)
}

// revealDraw reveals the signed-in official's secret; the store accepts it
// only after every commitment is logged and only if it matches.
func (s *Server) revealDraw(w http.ResponseWriter, r *http.Request) {
	id, err := drawID(r, "id")
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	secret := r.PostFormValue("secret")
	if secret == "" {
		err = view.FieldError("secret", "秘密值", "请输入提交承诺时使用的秘密值")
	} else {
		err = s.draws.RevealDraw(r.Context(), id, view.StaffUser(r).Username, secret)
	}
	s.afterStep(w, r, err, "revealed", nil)
}

// withholdReveal records that a participant did not commit or reveal: the
// draw fails.
func (s *Server) withholdReveal(w http.ResponseWriter, r *http.Request) {
	id, err := drawID(r, "id")
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	who := strings.TrimSpace(r.PostFormValue("participant"))
	if who == "" {
		err = view.FieldError("participant", "参与人", "请选择未揭示的参与人")
	} else {
		err = s.draws.WithholdReveal(r.Context(), id, who, strings.TrimSpace(r.PostFormValue("note")))
	}
	s.afterStep(w, r, err, "withheld", nil)
}

// runDraw performs the draw with the dice digits and beacon randomness the
// plan declared.
func (s *Server) runDraw(w http.ResponseWriter, r *http.Request) {
	id, err := drawID(r, "id")
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	run := spotcheck.DrawRun{Dice: strings.TrimSpace(r.PostFormValue("dice")),
		BeaconRandomness: strings.TrimSpace(r.PostFormValue("beacon_randomness"))}
	s.afterStep(w, r, s.draws.RunDraw(r.Context(), id, run), "drawn", nil)
}

// changeFromForm reads the change request form; problems name its fields.
func changeFromForm(form url.Values) (*spotcheck.DrawChange, spotcheck.Problems) {
	c := &spotcheck.DrawChange{Kind: form.Get("kind"), Entity: strings.TrimSpace(form.Get("entity")),
		Inspector: strings.TrimSpace(form.Get("inspector")), NewInspector: strings.TrimSpace(form.Get("new_inspector")),
		Inspectors: splitNames(form.Get("inspectors")), Reason: form.Get("reason"), Note: strings.TrimSpace(form.Get("note"))}
	var ps spotcheck.Problems
	if _, ok := spotcheck.DrawChangeNames[c.Kind]; !ok {
		ps.Add("kind", "变更类型", "请选择变更类型")
	}
	if c.Entity == "" {
		ps.Add("entity", "检查对象", "请选择抽中的检查对象")
	}
	if _, ok := spotcheck.ChangeReasons[c.Reason]; !ok {
		ps.Add("reason", "原因", "请选择原因")
	}
	switch c.Kind {
	case spotcheck.ChangeReplace:
		if c.Inspector == "" {
			ps.Add("inspector", "被更换的人员", "请填写被更换的检查人员编号")
		}
		if c.NewInspector == "" {
			ps.Add("new_inspector", "新的人员", "请填写接替的检查人员编号")
		}
	case spotcheck.ChangeAssign:
		if len(c.Inspectors) == 0 {
			ps.Add("inspectors", "检查组", "请按顺序填写检查组成员编号（第一位为主检）")
		}
	}
	return c, ps
}

// requestDrawChange records a change request; it takes effect only when a
// second official approves it.
func (s *Server) requestDrawChange(w http.ResponseWriter, r *http.Request) {
	id, err := drawID(r, "id")
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	c, ps := changeFromForm(r.PostForm)
	c.DrawID = id
	if len(ps) > 0 {
		err = ps.Err()
	} else {
		err = s.draws.RequestDrawChange(r.Context(), c)
	}
	s.afterStep(w, r, err, "requested", r.PostForm)
}

// decideDrawChange approves or rejects a pending change of the draw. The
// page offers it only to others than the requester; the store refuses the
// requester anyway.
func (s *Server) decideDrawChange(w http.ResponseWriter, r *http.Request) {
	id, err := drawID(r, "id")
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	cid, err := strconv.ParseInt(r.PathValue("change"), 10, 64)
	if err != nil {
		s.views.Fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "没有该变更申请"))
		return
	}
	decision := r.PostFormValue("decision")
	if decision != "approve" && decision != "reject" {
		s.afterStep(w, r, view.FieldError("decision", "审批意见", "请选择批准或驳回"), "", nil)
		return
	}
	if err := s.changeOfDraw(r, id, cid); err != nil {
		s.views.Fail(w, r, err)
		return
	}
	err = s.draws.DecideDrawChange(r.Context(), cid, decision == "approve", strings.TrimSpace(r.PostFormValue("note")))
	s.afterStep(w, r, err, map[bool]string{true: "approved", false: "rejected"}[decision == "approve"], nil)
}

// changeOfDraw checks that change cid is one of draw id's, so that a path
// cannot decide another draw's change under this draw's name.
func (s *Server) changeOfDraw(r *http.Request, id, cid int64) error {
	cs, err := s.draws.FindDrawChanges(r.Context(), id)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.ID == cid {
			return nil
		}
	}
	return spotcheck.Errorf(spotcheck.ENOTFOUND, "抽取 %d 没有编号为 %d 的变更申请", id, cid)
}

// liftEmbargo publishes a drawn draw before its results are: a
// supervisor's decision, with a reason, after a confirmation.
func (s *Server) liftEmbargo(w http.ResponseWriter, r *http.Request) {
	id, err := drawID(r, "id")
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if len([]rune(reason)) < 2 {
		err = view.FieldError("embargo_reason", "解除保密的原因", "请说明解除保密的原因")
	} else {
		err = s.draws.LiftEmbargo(r.Context(), id, reason)
	}
	s.afterStep(w, r, err, "unsealed", nil)
}
