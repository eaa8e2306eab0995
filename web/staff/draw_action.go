package staff

import (
	"net/http"
	"net/url"

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
func (s *Handler) afterStep(w http.ResponseWriter, r *http.Request, err error, ok string, form url.Values) {
	if err == nil {
		view.Redirect(w, r, view.WithFlash("/staff/draws/"+r.PathValue("id"), ok))
		return
	}
	problems, msg, shown := view.FormProblems(err)
	if !shown {
		s.fail(w, r, err)
		return
	}
	status, _, _ := view.ErrorStatus(err)
	if msg == "" {
		msg = "请修改标红的字段后重新提交。"
	}
	s.renderDraw(w, r, status, msg, problems, form)
}

// step reads the draw of the path and the step's form.
func (s *Handler) step(r *http.Request) (int64, *view.DrawStepForm, error) {
	id, err := view.DrawID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var f view.DrawStepForm
	s.decode(r, &f) // text fields only: nothing to misparse
	return id, &f, nil
}

// CommitDraw records the signed-in official's commitment. Only the
// commitment is posted: the page computes it in the browser (or the
// official pastes what `spotcheck draw commit` printed); a form that
// carries a secret is refused without looking at it, so that a broken
// page cannot leak one into the server before the reveal.
func (s *Handler) CommitDraw(w http.ResponseWriter, r *http.Request) {
	id, f, err := s.step(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if view.HasField(r.PostForm, "secret") {
		s.afterStep(w, r, spotcheck.Errorf(spotcheck.EINVALID,
			"承诺阶段不得提交秘密值：只提交承诺值（64位十六进制）。请勿再使用该秘密，重新选择一个秘密。"), "", nil)
		return
	}
	if f.Commitment == "" {
		err = view.FieldError("commitment", "承诺值", "请填写承诺值（在浏览器中计算，或粘贴 spotcheck draw commit 的输出）")
	} else {
		err = s.svc.Draws.CommitDraw(r.Context(), id, view.StaffUser(r).Username, f.Commitment)
	}
	s.afterStep(w, r, err, "committed", nil)
}

// RevealDraw reveals the signed-in official's secret; the store accepts it
// only after every commitment is logged and only if it matches.
func (s *Handler) RevealDraw(w http.ResponseWriter, r *http.Request) {
	id, f, err := s.step(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Secret == "" {
		err = view.FieldError("secret", "秘密值", "请输入提交承诺时使用的秘密值")
	} else {
		err = s.svc.Draws.RevealDraw(r.Context(), id, view.StaffUser(r).Username, f.Secret)
	}
	s.afterStep(w, r, err, "revealed", nil)
}

// WithholdReveal records that a participant did not commit or reveal: the
// draw fails.
func (s *Handler) WithholdReveal(w http.ResponseWriter, r *http.Request) {
	id, f, err := s.step(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Participant == "" {
		err = view.FieldError("participant", "参与人", "请选择未揭示的参与人")
	} else {
		err = s.svc.Draws.WithholdReveal(r.Context(), id, f.Participant, f.Note)
	}
	s.afterStep(w, r, err, "withheld", nil)
}

// RunDraw performs the draw with the dice digits and beacon randomness the
// plan declared.
func (s *Handler) RunDraw(w http.ResponseWriter, r *http.Request) {
	id, f, err := s.step(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	run := spotcheck.DrawRun{Dice: f.Dice, BeaconRandomness: f.BeaconRandomness}
	s.afterStep(w, r, s.svc.Draws.RunDraw(r.Context(), id, run), "drawn", nil)
}

// RequestDrawChange records a change request; it takes effect only when a
// second official approves it.
func (s *Handler) RequestDrawChange(w http.ResponseWriter, r *http.Request) {
	id, err := view.DrawID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f view.DrawChangeForm
	s.decode(r, &f) // text fields only: Change names what is missing
	c, ps := f.Change()
	c.DrawID = id
	if len(ps) > 0 {
		err = ps.Err()
	} else {
		err = s.svc.Draws.RequestDrawChange(r.Context(), c)
	}
	s.afterStep(w, r, err, "requested", r.PostForm)
}

// DecideDrawChange approves or rejects a pending change of the draw. The
// page offers it only to others than the requester; the store refuses the
// requester anyway.
func (s *Handler) DecideDrawChange(w http.ResponseWriter, r *http.Request) {
	id, f, err := s.step(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cid, err := view.ChangeID(r, "change")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Decision != "approve" && f.Decision != "reject" {
		s.afterStep(w, r, view.FieldError("decision", "审批意见", "请选择批准或驳回"), "", nil)
		return
	}
	if err := view.ChangeOfDraw(r.Context(), s.svc.Draws, id, cid); err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.svc.Draws.DecideDrawChange(r.Context(), cid, f.Decision == "approve", f.Note)
	s.afterStep(w, r, err, map[bool]string{true: "approved", false: "rejected"}[f.Decision == "approve"], nil)
}

// LiftEmbargo publishes a drawn draw before its results are: a
// supervisor's decision, with a reason, after a confirmation.
func (s *Handler) LiftEmbargo(w http.ResponseWriter, r *http.Request) {
	id, f, err := s.step(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len([]rune(f.Reason)) < 2 {
		err = view.FieldError("embargo_reason", "解除保密的原因", "请说明解除保密的原因")
	} else {
		err = s.svc.Draws.LiftEmbargo(r.Context(), id, f.Reason)
	}
	s.afterStep(w, r, err, "unsealed", nil)
}
