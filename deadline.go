package spotcheck

import "time"

// The deadlines of publication (issue 11, §5) beside PublicationDue: when
// an approved result counts as due soon and when as overdue. The store
// selects the lists with these rules (store/inspection_due.go) and the
// pages say them in words (DeadlineRule), so that what a list holds and
// what the page promises are the same rule.

// DueSoonWindow returns the days (YYYY-MM-DD) between which a publication
// due date counts as due soon on day today: from today itself (due today
// is not late yet) to the days-th working day after it on cal
// (DueSoonWorkdays when days ≤ 0). Counted in working days, the window
// stretches over a holiday: on the last working day before 春节 it
// reaches well past the festival, so nothing comes due unannounced while
// the offices are closed. The calendar's error (a year without data) is
// returned as is.
func DueSoonWindow(cal WorkdayAdder, today time.Time, days int) (from, to string, err error) {
	if days <= 0 {
		days = DueSoonWorkdays
	}
	last, err := cal.AddWorkdays(today, days)
	if err != nil {
		return "", "", err
	}
	return today.Format(DateLayout), last.Format(DateLayout), nil
}

// PublicationOverdue reports whether a result due on due (YYYY-MM-DD) is
// overdue on day today (YYYY-MM-DD): its day has passed. A result without
// a due date (not approved yet) is never overdue.
func PublicationOverdue(due, today string) bool { return due != "" && due < today }

// DeadlineRule says the rules of the deadline pages in words, with their
// source.
const DeadlineRule = PublicationRule + "；到期前5个工作日内（含当日）列为即将到期，超过期限未公示列为已逾期。工作日按国务院办公厅放假调休通知计算。"
