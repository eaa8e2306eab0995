package staff

import (
	"net/http"

	"spotcheck"
)

// followUpCards adds the home page's cards of follow-ups (后续处置) for
// those who reach inspections: the open follow-ups they may see, and
// those past their due day. add is homeCards' own, so that a failed count
// fails the page as the others do.
func (s *Handler) followUpCards(r *http.Request, p *spotcheck.Principal,
	add func(title, link, note string, total int, more bool, e error)) {
	if s.svc.FollowUps == nil || mayReadInspections(p) != nil {
		return
	}
	open, err := s.svc.FollowUps.FindFollowUps(r.Context(), spotcheck.FollowUpFilter{State: spotcheck.FollowUpOpen})
	add("处置中的后续处置", "/staff/followups?state="+spotcheck.FollowUpOpen,
		"责令整改、整改复查、经营异常名录移交和待后续处理的事项", len(open), false, err)
	if err != nil {
		return
	}
	today, late := s.today(), 0
	for i := range open {
		if open[i].Overdue(today) {
			late++
		}
	}
	if late > 0 {
		add("逾期的后续处置", "/staff/followups?state="+spotcheck.FollowUpOpen, "已过整改期限或移交期限、尚未完结", late, false, nil)
	}
}
