package view

import (
	"net/url"
	"reflect"
	"testing"

	"spotcheck"
)

// TestDecode: each kind of field reads what a browser sends, and a number
// that is not one is a problem of its field, with what was typed.
func TestDecode(t *testing.T) {
	type form struct {
		Name    string   `form:"name"`
		Code    string   `form:"code,trim"`
		Key     bool     `form:"key"`
		Lead    bool     `form:"lead"`
		Version int      `form:"version" label:"版本号"`
		Round   int64    `form:"round" label:"轮次" problem:"beacon"`
		Types   []string `form:"types"`
		Active  *bool    `form:"active"`
		Expert  *bool    `form:"expert"`
		Skipped string
	}
	var f form
	ps := Decode(url.Values{"name": {" 某旅行社 "}, "code": {" FZ-1 "}, "key": {"1"}, "lead": {"0"},
		"version": {"x3"}, "round": {"12"}, "types": {"T01", "T03"}, "active": {"false"}, "expert": {"maybe"},
		"Skipped": {"no"}}, &f)
	no := false
	want := form{Name: " 某旅行社 ", Code: "FZ-1", Key: true, Round: 12, Types: []string{"T01", "T03"}, Active: &no}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("decoded %+v, want %+v", f, want)
	}
	if want := (spotcheck.Problems{{Field: "version", Label: "版本号", Message: "“x3”不是整数"}}); !reflect.DeepEqual(ps, want) {
		t.Errorf("problems %v, want %v", ps, want)
	}
	ps = Decode(url.Values{"round": {"soon"}, "version": {""}}, &f)
	if len(ps) != 1 || ps[0].Field != "beacon" || f.Version != 0 {
		t.Errorf("problems %v, version %d", ps, f.Version)
	}
}

// TestTaskForm: the rows of strata and team are read as typed, and every
// number that is not one is a problem of its row.
func TestTaskForm(t *testing.T) {
	tk, ps := ParseTaskForm(url.Values{"code": {"2026-FZ-1"}, "strata_by": {"key"}, "rate.key": {"10/100"},
		"min.key": {"1"}, "rate.general": {" 5/100 "}, "max.general": {"x"}, "rate.A": {"ignored"},
		"team_unit": {"FZWL", " ", "GLWL"}, "team_size": {"2", "", "two"}, "annual_cap": {"3"}})
	if len(tk.Strata) != 2 || tk.Strata[0] != (spotcheck.StratumRule{ID: "general", Rate: "5/100"}) ||
		tk.Strata[1] != (spotcheck.StratumRule{ID: "key", Rate: "10/100", Min: 1}) || tk.AnnualCap != 3 {
		t.Errorf("task %+v", tk)
	}
	if want := []spotcheck.TeamSlot{{Unit: "FZWL", Size: 2}, {Unit: "GLWL"}}; !reflect.DeepEqual(tk.Team, want) {
		t.Errorf("team %+v, want %+v", tk.Team, want)
	}
	fields := map[string]bool{}
	for _, p := range ps {
		fields[p.Field] = true
	}
	if !fields["strata.general"] || !fields["team"] || len(ps) != 2 {
		t.Errorf("problems %v", ps)
	}
}
