package webtest

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Table is an HTML table of a page as a reader sees it: the visible text
// of each header and cell, tags left out.
type Table struct {
	Head []string
	Rows [][]string
}

var (
	rowRe  = regexp.MustCompile(`(?s)<tr\b.*?</tr>`)
	cellRe = regexp.MustCompile(`(?s)<t([hd])\b[^>]*>(.*?)</t[hd]>`)
	tagRe  = regexp.MustCompile(`(?s)<[^>]*>`)
)

// Text is the visible text of an HTML fragment: tags (and so their
// attributes, such as a title= tooltip) left out, entities decoded, white
// space collapsed.
func Text(fragment string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRe.ReplaceAllString(fragment, " "))), " ")
}

// TableOf returns the table of body whose id is id, failing when there is
// none.
func TableOf(t testing.TB, body, id string) Table {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no table %s on the page", id)
	}
	body = body[i:]
	body = body[:strings.Index(body, "</table>")]
	var tb Table
	for _, row := range rowRe.FindAllString(body, -1) {
		var cells []string
		head := false
		for _, c := range cellRe.FindAllStringSubmatch(row, -1) {
			head = c[1] == "h"
			cells = append(cells, Text(c[2]))
		}
		if head {
			tb.Head = cells
		} else {
			tb.Rows = append(tb.Rows, cells)
		}
	}
	return tb
}

// Column returns the cells of the column headed name, failing when there
// is no such column.
func (tb Table) Column(t testing.TB, name string) []string {
	t.Helper()
	i := slices.Index(tb.Head, name)
	if i < 0 {
		t.Fatalf("no column %q in %q", name, tb.Head)
	}
	var out []string
	for _, r := range tb.Rows {
		if i < len(r) {
			out = append(out, r[i])
		}
	}
	return out
}
