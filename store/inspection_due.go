package store

import (
	"context"

	"spotcheck"
	"spotcheck/workday"
)

// The deadlines of publication (issue 11, §5): approved inspections whose
// result is not public yet, by their publication due date (set on
// approval, spotcheck.PublicationDue), for the home pages of the people
// who must publish and for the supervisors who watch the late ones. Dates
// are the days of China (spotcheck.ChinaTime); due dates compare as
// YYYY-MM-DD strings.

// today is the day in China, YYYY-MM-DD.
func (db *DB) today() string { return db.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout) }

// FindPublicationsDueSoon lists the inspections awaiting publication
// (awaitingPublication) that the user may see that are due from today to days working days after it on
// the calendar with the administrator's overrides.
func (sv *InspectionService) FindPublicationsDueSoon(ctx context.Context, f spotcheck.InspectionFilter, days int) (_ []spotcheck.Inspection, err error) {
	defer wrap(&err, "publications due soon")
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	cal, err := workday.Load(ctx, &CalendarService{sv.db})
	if err != nil {
		return nil, err
	}
	from, to, err := spotcheck.DueSoonWindow(cal, sv.db.Now().In(spotcheck.ChinaTime), days)
	if err != nil {
		return nil, err
	}
	f.State = "" // awaitingPublication says which
	return sv.find(ctx, p, f, func(c *conds) {
		awaitingPublication(c)
		c.add("r.publication_due >= " + c.arg(from) + " AND r.publication_due <= " + c.arg(to))
	}, "r.publication_due, i.id")
}

// FindPublicationsOverdue lists the inspections awaiting publication
// (awaitingPublication) that the user may see whose due date is before today (spotcheck.PublicationOverdue).
func (sv *InspectionService) FindPublicationsOverdue(ctx context.Context, f spotcheck.InspectionFilter) (_ []spotcheck.Inspection, err error) {
	defer wrap(&err, "publications overdue")
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	f.State = "" // awaitingPublication says which
	today := sv.db.today()
	return sv.find(ctx, p, f, func(c *conds) {
		awaitingPublication(c)
		c.add("r.publication_due <> '' AND r.publication_due < " + c.arg(today))
	}, "r.publication_due, i.id")
}

// awaitingPublication is the condition of the due lists: an approved
// result not yet published, or one published whose first credit record
// the credit platform has not acknowledged — a publication's due date is
// met when the push is acknowledged, not when the button is pressed
// (issue 12, item 5).
func awaitingPublication(c *conds) {
	c.add("(i.state = " + c.arg(spotcheck.InspectionApproved) + " OR (i.state = " + c.arg(spotcheck.InspectionPublished) +
		" AND NOT EXISTS (SELECT 1 FROM publications p JOIN outbox o ON o.kind = " + c.arg(spotcheck.OutboxKindCredit) +
		" AND o.record_key = CAST(" + c.arg(spotcheck.PublicationKeyPrefix) + " AS TEXT) || p.id AND o.version = 1 WHERE p.inspection_id = i.id AND p.version = 1 AND o.state = " +
		c.arg(spotcheck.OutboxDelivered) + ")))")
}
