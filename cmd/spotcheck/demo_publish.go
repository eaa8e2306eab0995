package main

import (
	"spotcheck"
)

// publish publishes sc's approved result publishAfter working days after
// its approval, as the department's approver does on the inspection's
// page, and, for a scenario with a correction, has the team revise the
// record the next morning (the provision its finding cites), confirm and
// submit it again, and the approver approve it and publish it as a
// correction with its reason — what the portal then shows beside the
// original. Their credit records are pushed by demoOutbox.
func (r demoRecorder) publish(sc demoScenario, rec *spotcheck.Inspection) error {
	if sc.publishAfter == 0 {
		return nil
	}
	day := sc.approve + sc.publishAfter
	r.s.goTo(day, 15, 0)
	pubs, sv := r.db.Publications(), r.db.Inspections()
	if _, err := pubs.PublishInspection(r.approver, r.in.ID, ""); err != nil {
		return err
	}
	if sc.correction == "" {
		return nil
	}
	lead := r.member(r.in.Team[0])
	r.s.goTo(day+1, 9, 30)
	if err := sv.ReviseInspection(lead, r.in.ID, sc.correction); err != nil {
		return err
	}
	rec.Findings[0].Basis = sc.corrected
	if err := sv.SaveInspection(lead, rec); err != nil {
		return err
	}
	for _, staff := range r.in.Team {
		if err := sv.ConfirmInspection(r.member(staff), r.in.ID); err != nil {
			return err
		}
	}
	if err := sv.SubmitInspection(lead, r.in.ID); err != nil {
		return err
	}
	r.s.goTo(day+1, 14, 0)
	if err := sv.ApproveInspection(r.approver, r.in.ID, "同意更正"); err != nil {
		return err
	}
	_, err := pubs.PublishInspection(r.approver, r.in.ID, sc.correction)
	return err
}
