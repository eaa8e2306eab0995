package spotcheck

import (
	"slices"
	"strings"
	"testing"
)

// guoqing2026 is 国庆 2026: 10-01…10-07 off, the Saturday 10-10 worked.
var guoqing2026 = fakeCalendar{
	off: map[string]bool{"2026-10-01": true, "2026-10-02": true, "2026-10-05": true, "2026-10-06": true,
		"2026-10-07": true},
	on:    map[string]bool{"2026-10-10": true},
	years: []int{2026},
}

// TestFollowUpsFor: the follow-ups an approval starts, on the national
// codes of the results, with their due days.
func TestFollowUpsFor(t *testing.T) {
	cat := DefaultResultCatalogue()
	tests := []struct {
		name      string
		results   []string
		rectifyBy string
		approved  string
		want      []string // kind:due:results
		err       string
	}{
		{"nothing found", []string{"R01"}, "", "2026-09-29", nil, ""},
		{"a correction ordered", []string{"R05"}, "2026-10-20", "2026-09-29",
			[]string{"rectify:2026-10-20:R05", "recheck:2026-10-20:R05"}, ""},
		{"a local correction is an R05", []string{"WL01"}, "2026-10-20", "2026-09-29",
			[]string{"rectify:2026-10-20:WL01", "recheck:2026-10-20:WL01"}, ""},
		// 10 working days after 09-29: 09-30, 10-08, 10-09, the make-up
		// Saturday 10-10, 10-12…10-16, 10-19.
		{"unreachable: 经营异常 across 国庆", []string{"R04"}, "", "2026-09-29",
			[]string{"abnormal:2026-10-19:R04"}, ""},
		{"false disclosures and unreachable: one hand-off", []string{"R03", "R04"}, "", "2026-12-01",
			[]string{"abnormal:2026-12-15:R03,R04"}, ""},
		{"to follow up", []string{"R08"}, "", "2026-09-29", []string{"pending::R08"}, ""},
		{"不合格 and 待后续调查处理 are R08: one follow-up", []string{"WL03", "WL02"}, "", "2026-09-29",
			[]string{"pending::WL03,WL02"}, ""},
		{"corrected and to follow up", []string{"WL01", "WL03"}, "2026-11-30", "2026-09-29",
			[]string{"rectify:2026-11-30:WL01", "recheck:2026-11-30:WL01", "pending::WL03"}, ""},
		{"a year without holiday data", []string{"R04"}, "", "2026-12-28", nil, "2027"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &Inspection{ID: 9, Revision: 2, Task: "T1", Entity: "E1", Dept: "GLWL", Team: []string{"S1", "S2"},
				Results: tt.results, RectifyBy: tt.rectifyBy}
			fs, err := FollowUpsFor(in, cat, tt.approved, guoqing2026)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Kind+":"+f.Due+":"+strings.Join(f.Results, ","))
				if f.Inspection != 9 || f.Revision != 2 || f.Dept != "GLWL" || f.InspDept != "GLWL" ||
					f.State != FollowUpOpen || !slices.Equal(f.Team, in.Team) {
					t.Errorf("follow-up %+v", f)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestValidateRectification: a result that orders a correction needs its
// 整改期限, not before the completion day; no order, no 整改期限.
func TestValidateRectification(t *testing.T) {
	cat := DefaultResultCatalogue()
	tests := []struct {
		results           []string
		rectifyBy, reason string
	}{
		{[]string{"R05"}, "2026-12-31", ""},
		{[]string{"WL01"}, "2026-12-07", ""},
		{[]string{"R05"}, "", "须填写整改期限"},
		{[]string{"WL01", "WL03"}, "", "须填写整改期限"},
		{[]string{"R05"}, "2026-13-01", "不是有效日期"},
		{[]string{"R05"}, "2026-12-06", "不能早于完成日期"},
		{[]string{"R08"}, "", ""},
		{[]string{"R08"}, "2026-12-31", "不应填写整改期限"},
	}
	for _, tt := range tests {
		in := &Inspection{Results: tt.results, RectifyBy: tt.rectifyBy, Completed: "2026-12-07"}
		err := in.ValidateRectification(cat).Err()
		if tt.reason == "" && err != nil || tt.reason != "" && (err == nil || !strings.Contains(err.Error(), tt.reason)) {
			t.Errorf("%v by %q: %v, want %q", tt.results, tt.rectifyBy, err, tt.reason)
		}
	}
}

// TestFollowUpCan: who sees a follow-up and who handles it. The team
// and the responsible or inspecting department's staff handle it; a
// supervisor only watches; another district does not learn it exists,
// until it is made responsible; a closed one changes no more.
func TestFollowUpCan(t *testing.T) {
	r := inspectionRoles() // zhang (S1), other (S3), ap, li (S2, approver), tjap (TJWL), nil
	sup := principal("FZWL", RoleSupervisor)
	planner := principal("FZWL", RolePlanner)
	f := &FollowUp{ID: 3, Kind: FollowRectify, Dept: "GLWL", InspDept: "GLWL", Team: []string{"S1", "S2"},
		State: FollowUpOpen}
	type row struct {
		who          *Principal
		view, handle string
	}
	for i, tt := range []row{
		{r[0], "ok", "ok"}, {r[1], "N", "N"}, {r[2], "ok", "ok"}, {r[3], "ok", "ok"}, {r[4], "N", "N"},
		{r[5], "U", "U"}, {sup, "ok", "F"}, {planner, "ok", "ok"},
	} {
		if got := codeOf(f.CanView(tt.who)); got != tt.view {
			t.Errorf("%d view: %s, want %s", i, got, tt.view)
		}
		if got := codeOf(f.CanHandle(tt.who)); got != tt.handle {
			t.Errorf("%d handle: %s, want %s", i, got, tt.handle)
		}
	}
	moved := *f
	moved.Dept = "TJWL"
	if moved.CanView(r[4]) != nil || moved.CanHandle(r[4]) != nil || moved.CanHandle(r[2]) != nil {
		t.Errorf("the responsible district and the inspecting one both handle a moved follow-up")
	}
	closed := *f
	closed.State, closed.Closed = FollowUpClosed, "2026-12-01"
	if got := codeOf(closed.CanHandle(r[0])); got != "C" {
		t.Errorf("a closed follow-up: %s, want C", got)
	}
}

// TestFollowUpRecordAndClose: the measures come from the checklist, 其他
// says what; a change must change something; closing needs a measure, a
// date between the start and today, and a note.
func TestFollowUpRecordAndClose(t *testing.T) {
	zhang := inspectionRoles()[0]
	f := &FollowUp{ID: 3, Kind: FollowPending, Dept: "GLWL", InspDept: "GLWL", Team: []string{"S1"}, State: FollowUpOpen}
	for _, tt := range []struct {
		c      FollowUpChange
		reason string
	}{
		{FollowUpChange{Dept: "GLWL", Measures: []string{"order", "recheck"}}, ""},
		{FollowUpChange{Dept: "GLWL", Measures: []string{"other"}, Other: "联合约谈"}, ""},
		{FollowUpChange{Dept: "TJWL"}, ""},
		{FollowUpChange{Dept: "GLWL"}, "没有变化"},
		{FollowUpChange{Dept: "GLWL", Measures: []string{"fine"}}, "不是处置措施清单"},
		{FollowUpChange{Dept: "GLWL", Measures: []string{"case", "case"}}, "重复选择"},
		{FollowUpChange{Dept: "GLWL", Measures: []string{"other"}}, "须写明具体措施"},
		{FollowUpChange{Dept: "GLWL", Measures: []string{"case"}, Other: "x"}, "不应填写其他措施"},
		{FollowUpChange{Measures: []string{"case"}}, "须选择责任部门"},
	} {
		tt.c.Normalize()
		err := f.CanRecord(zhang, tt.c)
		if tt.reason == "" && err != nil || tt.reason != "" && (err == nil || !strings.Contains(err.Error(), tt.reason)) {
			t.Errorf("%+v: %v, want %q", tt.c, err, tt.reason)
		}
	}
	if got := codeOf(f.CanClose(zhang, "2026-12-01", "已整改", "2026-12-07", "2026-11-20")); got != "C" {
		t.Errorf("closing without a measure: %s, want C", got)
	}
	f.Measures = []string{"order"}
	for _, tt := range []struct{ day, note, reason string }{
		{"2026-12-01", "已整改到位", ""},
		{"2026-12-07", "已整改到位", ""},
		{"", "已整改到位", "须填写完结日期"},
		{"2026-12-08", "已整改到位", "不能晚于今天"},
		{"2026-11-19", "已整改到位", "不能早于"},
		{"2026-12-01", " ", "须写明处置结果"},
	} {
		err := f.CanClose(zhang, tt.day, tt.note, "2026-12-07", "2026-11-20")
		if tt.reason == "" && err != nil || tt.reason != "" && (err == nil || !strings.Contains(err.Error(), tt.reason)) {
			t.Errorf("close %q %q: %v, want %q", tt.day, tt.note, err, tt.reason)
		}
	}
}

// TestFollowUpTaskStep: open follow-ups take a publicized task to 后续处置;
// the last one closed, with every inspection decided, closes it.
func TestFollowUpTaskStep(t *testing.T) {
	for _, tt := range []struct {
		state   string
		open    int
		pending bool
		want    Action
	}{
		{TaskPublicized, 2, false, TaskActFollowUp},
		{TaskFollowUp, 1, false, ""},
		{TaskFollowUp, 0, false, TaskActClose},
		{TaskPublicized, 0, false, TaskActClose},
		{TaskFollowUp, 0, true, ""},
		{TaskReviewing, 0, false, ""},
		{TaskInspecting, 1, false, ""},
		{TaskClosed, 0, false, ""},
	} {
		a, ok := FollowUpTaskStep(tt.state, tt.open, tt.pending)
		if a != tt.want || ok != (tt.want != "") {
			t.Errorf("%s, %d open, pending %v: %q %v, want %q", tt.state, tt.open, tt.pending, a, ok, tt.want)
		}
		if ok {
			if _, err := TaskMachine.Next("任务", tt.state, a); err != nil {
				t.Errorf("%s → %s is not a step of TaskMachine: %v", tt.state, a, err)
			}
		}
	}
}

// TestFollowUpTallyRate: the completion rate in per cent.
func TestFollowUpTallyRate(t *testing.T) {
	for _, tt := range []struct {
		t    FollowUpTally
		want string
	}{
		{FollowUpTally{Total: 0}, "—"}, {FollowUpTally{Total: 3, Closed: 1}, "33.3%"},
		{FollowUpTally{Total: 4, Closed: 4}, "100.0%"}, {FollowUpTally{Total: 8, Closed: 0}, "0.0%"},
	} {
		if got := tt.t.Rate(); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.t, got, tt.want)
		}
	}
}
