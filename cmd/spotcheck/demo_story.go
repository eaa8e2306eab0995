package main

import (
	"time"

	"spotcheck"
	"spotcheck/store"
	"spotcheck/workday"
)

// demoStoryWorkdays is how many working days before today the demo's
// story starts: the directory is imported, the plans published and the
// draws run on its first day, and the inspections of 鼓楼区's draw are
// recorded, approved and left unpublished along the way, so that today
// some publications are due soon and two are overdue (issue 11's demo).
const demoStoryWorkdays = 40

// demoStory is the demo's clock: the store's time (store.DB.Now) is set to
// the day of each step, so that every record, change and log entry is
// dated as if the work had been done on that day, in order.
type demoStory struct {
	db   *store.DB
	days []time.Time      // the working days from the start to today, 00:00 in China
	now  func() time.Time // the real time
	kept func() time.Time // the store's clock, put back by end
	at   time.Time
}

// newDemoStory sets db's clock to the story's first working day (at
// 09:00 in China) and returns the story; end puts the clock back. now is
// the real time.
func newDemoStory(db *store.DB, now func() time.Time) (*demoStory, error) {
	cal := workday.New(nil)
	today := now().In(spotcheck.ChinaTime)
	var days []time.Time
	for d := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, spotcheck.ChinaTime); len(days) <= demoStoryWorkdays; d = d.AddDate(0, 0, -1) {
		ok, err := cal.IsWorkday(d)
		if err != nil {
			return nil, err
		}
		if ok {
			days = append([]time.Time{d}, days...)
		}
	}
	s := &demoStory{db: db, days: days, now: now, kept: db.Now}
	db.Now = func() time.Time { return s.at }
	s.goTo(0, 9, 0)
	return s, nil
}

// last is the index of the last working day up to today.
func (s *demoStory) last() int { return len(s.days) - 1 }

// day returns working day k at hh:mm in China, never later than the real
// time (the last day's steps happen this morning, or just now).
func (s *demoStory) day(k, hh, mm int) time.Time {
	d := s.days[k]
	t := time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, spotcheck.ChinaTime)
	if real := s.now(); t.After(real) {
		return real.Add(-time.Duration(s.last()-k+1) * time.Minute)
	}
	return t
}

// date returns working day k as YYYY-MM-DD.
func (s *demoStory) date(k int) string { return s.days[k].Format(spotcheck.DateLayout) }

// goTo sets the store's clock to working day k at hh:mm.
func (s *demoStory) goTo(k, hh, mm int) { s.at = s.day(k, hh, mm) }

// end gives the store its real clock back.
func (s *demoStory) end() { s.db.Now = s.kept }
