package xlsx

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// looseDate matches the ways people and spreadsheets write a date: Excel on
// Chinese Windows saves date cells to CSV as 2024/1/1, people type 2024.1.1
// or 2024年1月1日.
var looseDate = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// normalizeDate rewrites a loosely written date as YYYY-MM-DD and leaves
// anything else for the domain's validation to name.
func normalizeDate(s string) string {
	m := looseDate.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	month, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	return fmt.Sprintf("%s-%02d-%02d", m[1], month, day)
}

// formulaStart reports whether a spreadsheet would take a cell that starts
// like s for a formula (CSV injection).
func formulaStart(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// escapeFormula prefixes an apostrophe to a CSV cell a spreadsheet would
// run as a formula; Excel and WPS show the text without it.
func escapeFormula(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

// unescapeFormula undoes escapeFormula, so that exports re-import unchanged.
func unescapeFormula(s string) string {
	if strings.HasPrefix(s, "'") && formulaStart(s[1:]) {
		return s[1:]
	}
	return s
}
