package spotcheck

import (
	"slices"
	"time"
)

// 市抽县查 (ModeCityDrawsDistrict): the city bureau draws, and each selected
// entity is handed (指派) to the district bureau of its division, which
// inspects it. The handover is recorded when the draw runs, in its
// transaction; the district bureau then sees the task and the entities
// handed to it (Task.HandedTo widens who may view the task).

// TaskHandover is one 指派: an entity a city's draw selected, handed to
// the bureau that inspects it.
type TaskHandover struct {
	Task       string
	Draw       int64
	Entity     string
	EntityName string
	Dept       string // the district bureau; the authority itself when its division has none
	Actor      string
	At         time.Time
}

// HandoverDept returns the bureau an entity of division is handed to by
// a 市抽县查 task of authority: the active bureau directly below the
// authority whose division it is, or the authority itself when there is
// none (an entity of the city's own division keeps to the city).
func HandoverDept(depts []Department, authority, division string) string {
	for _, d := range depts {
		if d.Parent == authority && d.Kind == DeptBureau && d.Active && d.Division == division {
			return d.Code
		}
	}
	return authority
}

// Viewers are the departments whose staff may view the task: its own
// (Departments) and the bureaus its entities were handed to.
func (t *Task) Viewers() []string {
	out := t.Departments()
	for _, d := range t.HandedTo {
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}
