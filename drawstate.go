package spotcheck

import (
	"fmt"
	"slices"
)

// The draw's state machine (design §5, spec/draw-v1.md §4–§8): who may
// take which step of a draw in which state. The store enforces it inside
// the transaction of each step (Draw.Can, then Draw.Next for the state it
// stores); the draw's page shows the buttons Draw.Can allows. Planning the
// first draw of a task, or a re-draw, is the task's decision
// (Task.CanPlanDraw): a task has one live draw.

// The actions of a draw.
const (
	DrawActCommit        Action = "commit"         // an official commits (the platform commits with the plan)
	DrawActReveal        Action = "reveal"         // an official reveals their secret
	DrawActWithhold      Action = "withhold"       // record that an official did not commit or reveal: the draw fails
	DrawActRun           Action = "run"            // mix the secrets into the seed, draw, log sealed
	DrawActRequestChange Action = "request-change" // ask for a substitution, replacement or assignment (spec §7)
	DrawActApproveChange Action = "approve-change" // approve one: it takes effect and is logged
	DrawActRejectChange  Action = "reject-change"  // reject one: nothing changes
	DrawActLiftEmbargo   Action = "lift-embargo"   // publish the randomness and published.tsv (spec §8)
	DrawActRedraw        Action = "redraw"         // plan a new draw of the task that supersedes this one
)

// drawStates are the states of a draw in the order a draw passes them.
var drawStates = []string{DrawCommitting, DrawRevealing, DrawDrawn, DrawPublished, DrawFailed, DrawSuperseded}

// DrawMachine is the table of the draw's workflow. A commit leads to
// DrawRevealing only when it is the last commitment (Draw.Next); a change
// may be rejected in any state, so that no request stays pending for ever.
var DrawMachine = Machine{
	States: drawStates,
	Names:  DrawStateNames,
	Table: []Transition{
		{DrawActCommit, []string{DrawCommitting}, DrawRevealing, PermWitnessDraws},
		{DrawActReveal, []string{DrawRevealing}, "", PermWitnessDraws},
		{DrawActWithhold, []string{DrawCommitting, DrawRevealing}, DrawFailed, PermManageDraws},
		{DrawActRun, []string{DrawRevealing}, DrawDrawn, PermManageDraws},
		{DrawActRequestChange, []string{DrawDrawn, DrawPublished}, "", PermManageDraws},
		{DrawActApproveChange, []string{DrawDrawn, DrawPublished}, "", PermApproveDraws},
		{DrawActRejectChange, drawStates, "", PermApproveDraws},
		{DrawActLiftEmbargo, []string{DrawDrawn}, DrawPublished, PermSuperviseDraws},
		{DrawActRedraw, except(drawStates, DrawSuperseded), DrawSuperseded, PermManageDraws},
	},
}

// NoDraw is the answer for a draw that does not exist, and for one the
// user may not see, so that a refusal tells nothing of it.
func NoDraw(id int64) error { return Errorf(ENOTFOUND, "没有编号为 %d 的抽取", id) }

// NoTask is the answer for a task that does not exist, or that the user
// may not see.
func NoTask(code string) error {
	return Errorf(ENOTFOUND, "没有编号为“%s”的抽查任务", code)
}

// NoDrawChange is the answer for a change request that does not exist, or
// whose draw the user may not see.
func NoDrawChange(id int64) error { return Errorf(ENOTFOUND, "没有编号为 %d 的变更申请", id) }

// Can decides whether p may take action a on the draw now. It checks, in
// this order, that there is a principal (EUNAUTHORIZED), who p is
// (EFORBIDDEN, or NoDraw for a user who may not even see the draw), the
// draw's state (ECONFLICT) and, for an official's own commit or reveal,
// that they have not done it already (ECONFLICT).
//
//   - commit and reveal are an official's own acts: p must hold
//     PermWitnessDraws and be a participant the plan declared, and acts
//     as themself (a system principal is no participant);
//   - withhold, run, request-change and redraw need PermManageDraws for
//     the task's authority; approve-change and reject-change
//     PermApproveDraws for one of its departments (Principal.AuthorizeTask);
//   - lift-embargo needs PermSuperviseDraws, which reaches every draw.
//
// That every official has revealed before the run, and what a change
// would do, depend on records the store holds (secrets, picks, roster)
// and are checked there.
func (d *Draw) Can(a Action, p *Principal) error {
	t, ok := DrawMachine.Transition(a)
	if !ok {
		return DrawMachine.Check(d.record(), d.State, a)
	}
	if p == nil {
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	}
	var me *DrawCommit
	switch t.Perm {
	case PermWitnessDraws:
		if err := p.Authorize(t.Perm, ""); err != nil {
			return err
		}
		if me = d.Commit(p.Username); me == nil || p.Username == SystemParticipant {
			return Errorf(EFORBIDDEN, "“%s”不是本次抽取方案声明的参与人", p.Username)
		}
	case PermSuperviseDraws:
		if err := p.AuthorizeDraw(t.Perm, nil); err != nil {
			return err
		}
	default:
		if err := p.AuthorizeTask(t.Perm, d.Departments(), NoDraw(d.ID)); err != nil {
			return err
		}
	}
	switch {
	case a == DrawActReveal && d.State == DrawCommitting:
		return Errorf(ECONFLICT, "还有参与人未提交承诺，所有承诺记入日志后才能揭示")
	case a == DrawActRedraw && d.State == DrawSuperseded:
		return Errorf(ECONFLICT, "抽取 %d 已被取代", d.ID)
	}
	if err := DrawMachine.Check(d.record(), d.State, a); err != nil {
		return err
	}
	switch {
	case a == DrawActCommit && me.Commitment != "":
		return Errorf(ECONFLICT, "%s 已提交承诺，承诺不能更改", me.Participant)
	case a == DrawActReveal && me.Revealed:
		return Errorf(ECONFLICT, "%s 已揭示", me.Participant)
	}
	return nil
}

// Next returns the state of the draw after action a, which Can allowed:
// the table's (DrawMachine), except that a commit keeps the draw
// collecting commitments until the last one is in.
func (d *Draw) Next(a Action) (string, error) {
	next, err := DrawMachine.Next(d.record(), d.State, a)
	if err != nil {
		return "", err
	}
	if a == DrawActCommit {
		missing := 0
		for _, c := range d.Commits {
			if c.Commitment == "" {
				missing++
			}
		}
		if missing > 1 { // others besides the one committing now
			return DrawCommitting, nil
		}
	}
	return next, nil
}

// Commit returns the commit–reveal row of participant, or nil when the
// plan did not declare them.
func (d *Draw) Commit(participant string) *DrawCommit {
	for i := range d.Commits {
		if d.Commits[i].Participant == participant {
			return &d.Commits[i]
		}
	}
	return nil
}

// CanWithhold decides whether p may record that participant did not
// commit or reveal (Can with DrawActWithhold): only an official the plan
// declared, who has not revealed yet; the platform always reveals.
func (d *Draw) CanWithhold(p *Principal, participant string) error {
	if err := d.Can(DrawActWithhold, p); err != nil {
		return err
	}
	c := d.Commit(participant)
	switch {
	case c == nil:
		return Errorf(EFORBIDDEN, "“%s”不是本次抽取方案声明的参与人", participant)
	case c.Revealed || c.Withheld || participant == SystemParticipant:
		return Errorf(ECONFLICT, "%s 已履行承诺或揭示，不能记为未揭示", participant)
	}
	return nil
}

// CanDecide decides whether p may approve (or reject) change c of the
// draw: Can with DrawActApproveChange (DrawActRejectChange), a change still
// pending, and never its requester (four eyes). A user who may not see
// the draw is told that the change does not exist.
func (d *Draw) CanDecide(c *DrawChange, approve bool, p *Principal) error {
	a := DrawActRejectChange
	if approve {
		a = DrawActApproveChange
	}
	if err := d.Can(a, p); err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return NoDrawChange(c.ID)
		}
		return err
	}
	switch {
	case c.State != ChangePending:
		return Errorf(ECONFLICT, "该申请已处理")
	case c.RequestedBy == p.Username:
		return Errorf(EFORBIDDEN, "申请人不能审批自己的申请，须由另一名人员审批")
	}
	return nil
}

// ActsAs returns nil when p is participant: an official commits and
// reveals as themself only, whatever participant a request names.
func (p *Principal) ActsAs(participant string) error {
	if p.Username != participant {
		return Errorf(EFORBIDDEN, "只能以本人身份（%s）提交承诺或揭示", p.Username)
	}
	return nil
}

// record names the draw in messages.
func (d *Draw) record() string { return fmt.Sprintf("抽取 %d", d.ID) }

// LiveDraw returns the task's live draw among draws (the task's draws,
// superseded ones included): the one no re-draw has replaced. A task has
// at most one; nil when it has none.
func (t *Task) LiveDraw(draws []Draw) *Draw {
	for i := range draws {
		if draws[i].Task == t.Code && draws[i].State != DrawSuperseded {
			return &draws[i]
		}
	}
	return nil
}

// CanPlanDraw decides whether p may plan a draw of the task now, given
// the task's draws (superseded ones included) and the draw the new one is
// to supersede (0 for none). p needs PermManageDraws for the task's
// authority. A task has one live draw (LiveDraw): the first plan needs
// none to exist, and the task to be published (a draft is not announced
// yet, a cancelled one is off); a re-draw — of a drawn task, too — names one of the task's draws that Can allows
// to be redrawn (any not superseded yet), which it then supersedes — a
// failed draw, too, is redone only that way.
func (t *Task) CanPlanDraw(p *Principal, draws []Draw, supersedes int64) error {
	if p == nil {
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	}
	if err := p.AuthorizeTask(PermManageDraws, t.Departments(), NoTask(t.Code)); err != nil {
		return err
	}
	if supersedes == 0 {
		if t.LiveDraw(draws) != nil {
			return Errorf(ECONFLICT, "任务 %s 已有抽取；如需重新抽取，请选择被取代的抽取并说明原因", t.Code)
		}
		return t.canBeDrawn(false)
	}
	if err := t.canBeDrawn(true); err != nil {
		return err
	}
	i := slices.IndexFunc(draws, func(d Draw) bool { return d.ID == supersedes && d.Task == t.Code })
	if i < 0 {
		return Errorf(EINVALID, "被取代的抽取 %d 不是任务 %s 的抽取", supersedes, t.Code)
	}
	old := draws[i]
	old.Authority, old.Partners = t.Authority, t.Partners
	return old.Can(DrawActRedraw, p)
}

// canBeDrawn checks the task's state for a draw: published (TaskActDraw),
// or, for a re-draw, drawn already. The draw's run checks it again, since
// the task may have been cancelled meanwhile (CanRunDraw).
func (t *Task) canBeDrawn(redraw bool) error {
	if redraw && t.State == TaskDrawn {
		return nil
	}
	if t.State == TaskDraft {
		return Errorf(ECONFLICT, "任务 %s 尚未发布：抽查任务须先发布（公告）才能抽取", t.Code)
	}
	return TaskMachine.Check(t.record(), t.State, TaskActDraw)
}

// CanRunDraw decides whether a draw of the task may run now, as far as
// the task is concerned, and returns the task's state afterwards: a
// published task becomes drawn (TaskActDraw); a drawn one, whose re-draw
// runs, stays drawn; any other state refuses. Who may run it is the
// draw's decision (Draw.Can with DrawActRun).
func (t *Task) CanRunDraw() (string, error) {
	if err := t.canBeDrawn(true); err != nil {
		return "", err
	}
	if t.State == TaskDrawn {
		return TaskDrawn, nil
	}
	return t.Next(TaskActDraw)
}
