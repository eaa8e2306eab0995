package xlsx

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"spotcheck"
)

// scanOutcome names what scanXML said: "ok", "run", "row", "many" or
// "cut".
func scanOutcome(err error) string {
	switch msg := spotcheck.ErrorMessage(err); {
	case err == nil:
		return "ok"
	case errors.Is(err, errTruncatedXML):
		return "cut"
	case strings.Contains(msg, "单元格过大"):
		return "run"
	case strings.Contains(msg, "一行过大"):
		return "row"
	case strings.Contains(msg, "共享字符串过多"):
		return "many"
	}
	return err.Error()
}

// naiveScan is scanXML's rule over the whole input at once.
func naiveScan(b []byte, bounds scanBounds) string {
	last, rowStart, closing, records := int64(-1), int64(-1), false, 0
	for i, c := range b {
		if c != '<' {
			continue
		}
		at := int64(i)
		if at-last > bounds.run {
			return "run"
		}
		last = at
		name := b[i+1 : min(i+1+scanLook, len(b))]
		closing = len(name) > 0 && name[0] == '/'
		if isRecord(name) {
			if rowStart >= 0 && at-rowStart > bounds.row {
				return "row"
			}
			rowStart = at
			if !closing {
				if records++; bounds.records > 0 && records > bounds.records {
					return "many"
				}
			}
		}
	}
	if int64(len(b))-last > bounds.run {
		return "run"
	}
	end := bytes.TrimRight(b, " \t\r\n")
	if !closing || len(end) == 0 || end[len(end)-1] != '>' {
		return "cut"
	}
	return "ok"
}

// scanXML reads in blocks and looks ahead across them; it must say what
// the rule says over the whole input, wherever the blocks fall.
func TestScanXMLMatchesRule(t *testing.T) {
	tokens := []string{`<row r="1">`, `<x:row r="2">`, `</row>`, `<c r="A1" t="s">`, `<v>12</v>`, `</c>`,
		`<si>`, `</si>`, `<t>福州</t>`, `</sheetData>`, `</x:sheetData>`, `</sst>`, "abcdefgh", "  ", "\n", `<rows>`}
	r := rand.New(rand.NewPCG(3, 4))
	counts := map[string]int{}
	for range 3000 {
		var b strings.Builder
		b.WriteString(`<worksheet><sheetData>`)
		for range r.IntN(60) {
			b.WriteString(tokens[r.IntN(len(tokens))])
		}
		switch r.IntN(3) {
		case 0:
			b.WriteString(`</sheetData></worksheet>` + "\r\n")
		case 1:
			b.WriteString(`</worksheet`)
		}
		data := []byte(b.String())
		bounds := scanBounds{run: int64(5 + r.IntN(40)), row: int64(20 + r.IntN(200)), records: r.IntN(12)}
		want := naiveScan(data, bounds)
		counts[want]++
		for _, size := range []int{2*scanLook + 1, 2*scanLook + 7, 100, 1 << 10} {
			if got := scanOutcome(scanXML(bytes.NewReader(data), size, bounds)); got != want {
				t.Fatalf("buffer %d, bounds %+v: got %s, want %s\n%s", size, bounds, got, want, data)
			}
		}
	}
	for _, o := range []string{"ok", "run", "row", "many", "cut"} {
		if counts[o] < 50 {
			t.Errorf("only %d inputs give %s: %v", counts[o], o, counts)
		}
	}
}

// A read error is passed on, not taken for the end of the part.
func TestScanXMLReadError(t *testing.T) {
	r := io.MultiReader(strings.NewReader("<worksheet>"), iotest.ErrReader(io.ErrUnexpectedEOF))
	if err := scanRuns(r, sheetBounds); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %v", err)
	}
}
