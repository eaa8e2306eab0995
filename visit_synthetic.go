package spotcheck

import "fmt"

// SyntheticSelections makes the selections of the merge's figure (issue
// 10: 5 departments' draws of 50,000 entities each) for the benchmarks:
// depts tasks of departments D1…Dn, each selecting perDept entities of a
// population of population entities in one shared window, spread so that
// the departments' selections overlap partly (department d takes every
// k-th entity from its own offset, k odd and no multiple of 5, so that a
// population such as 125,000 gives perDept distinct entities), each
// entity with a team of two of the department's 300 inspectors.
func SyntheticSelections(depts, perDept, population int) []TaskSelection {
	sels := make([]TaskSelection, 0, depts)
	for d := range depts {
		s := TaskSelection{Task: fmt.Sprintf("2026-BENCH-%02d", d+1), Authority: fmt.Sprintf("D%d", d+1), Draw: int64(d + 1),
			Start: "2026-03-01", End: "2026-05-31", Items: []string{fmt.Sprintf("ITEM-%d", d+1)},
			Picks: make([]SelectedEntity, 0, perDept)}
		for i := range perDept {
			e := (i*strides[d%len(strides)] + d*7919) % population
			s.Picks = append(s.Picks, SelectedEntity{fmt.Sprintf("91350100%010d", e),
				[]string{fmt.Sprintf("D%d-%03d", d+1, i%300), fmt.Sprintf("D%d-%03d", d+1, (i+1)%300)}})
		}
		sels = append(sels, s)
	}
	return sels
}

var strides = []int{1, 3, 7, 9, 11, 13, 17, 19, 21, 23}
