package spotcheck

// The expected staffing of a task, before its draw (issue 10): whether the
// inspector pool can staff every expected visit under the assignment of
// spec/draw-v1.md §6, so that a draw that would leave entities UNASSIGNED
// is foreseen when the plan is checked and shown on the task page, not
// discovered after the draw.

// UnitPool is what one unit of a task's team brings: the inspectors it
// sends to every visit (Size) and its roster for the task — active, with a
// 执法证 valid through the window, not on leave (Task.Roster) — counted as
// Pool, of whom Leads hold flag L.
type UnitPool struct {
	Unit  string
	Size  int
	Pool  int
	Leads int
}

// UnitStaffing is one unit's part of the estimate: the per-inspector cap
// of spec §6 and the visits the unit can staff under it.
type UnitStaffing struct {
	UnitPool
	Cap     int // ceil(K·size/M) + cap_slack
	Visits  int // visits the unit can staff
	LeadCap int // for the first unit: the visits its leads can head (Leads·Cap)
}

// Staffing is the expected staffing of a task: of Visits expected visits,
// Staffed can be given a full team and Short cannot.
type Staffing struct {
	Visits  int
	Units   []UnitStaffing
	Staffed int
	Short   int
}

// EstimateStaffing estimates how many of visits expected visits the pools
// of a team can staff. Each unit u with roster M_u and team size s_u gets
// the cap of spec §6, cap_u = ceil(K·s_u/M_u) + capSlack; it can fill
// ⌊M_u·cap_u/s_u⌋ visits (none when M_u < s_u: a team needs distinct
// members), and every visit needs a lead of the first unit, of whom
// Leads·cap_1 visits can be headed. The smallest bound is the estimate.
// It is an upper bound: recusals of single inspectors from single entities
// (conflicts.tsv) cost a few more.
func EstimateStaffing(visits, capSlack int, units []UnitPool) Staffing {
	s := Staffing{Visits: visits, Staffed: visits}
	if visits <= 0 {
		s.Visits, s.Staffed = 0, 0
	}
	if len(units) == 0 {
		s.Staffed = 0
	}
	for i, u := range units {
		us := UnitStaffing{UnitPool: u}
		if u.Pool > 0 && u.Size > 0 {
			us.Cap = ceilDiv(s.Visits*u.Size, u.Pool) + capSlack
		}
		if u.Pool >= u.Size && u.Size > 0 {
			us.Visits = u.Pool * us.Cap / u.Size
		}
		s.Staffed = min(s.Staffed, us.Visits)
		if i == 0 {
			us.LeadCap = u.Leads * us.Cap
			s.Staffed = min(s.Staffed, us.LeadCap)
		}
		s.Units = append(s.Units, us)
	}
	s.Short = s.Visits - s.Staffed
	return s
}

// CheckTeams refuses a team that no visit could get: a unit whose pool
// (certified, active, its 执法事项范围 covering the task's items, not on
// leave) is smaller than what it sends to each visit, or a first unit
// with nobody who may lead. A pool that can staff some visits but not
// all is not refused here: the task page and the plan check foresee it,
// and spec §7 handles the unassigned. name names a unit's department.
func CheckTeams(units []UnitPool, name func(dept string) string) error {
	var ps Problems
	for i, u := range units {
		if u.Pool < u.Size {
			ps.Add("team", "检查组", "%s持有效执法证且执法事项范围覆盖本任务事项的人员有 %d 人，少于每组 %d 人，无法组成检查组",
				name(u.Unit), u.Pool, u.Size)
		}
		if i == 0 && u.Leads == 0 && u.Pool > 0 {
			ps.Add("team", "检查组", "%s的人员库中没有可任主检的人员（主检须具备主检资格）", name(u.Unit))
		}
	}
	return ps.Err()
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
