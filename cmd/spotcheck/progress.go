package main

import (
	"fmt"
	"strings"
	"time"
)

// progress reports a long import on stderr: a bar redrawn in place on a
// terminal, a plain line every tenth otherwise (friendlier to CI logs and
// files).
type progress struct {
	m        *Main
	label    string
	start    time.Time
	lastDraw time.Time
	lastTen  int64
	rows     int
	drawn    bool
}

func (m *Main) newProgress(label string) *progress {
	return &progress{m: m, label: label, start: time.Now()}
}

// update has the signature of xlsx.WithProgress.
func (p *progress) update(rows int, done, total int64) {
	p.rows = rows
	ratio := 0.0
	if total > 0 {
		ratio = min(float64(done)/float64(total), 1)
	}
	if p.m.StderrIsTerminal {
		if time.Since(p.lastDraw) < 100*time.Millisecond {
			return
		}
		p.lastDraw = time.Now()
		const width = 30
		filled := int(ratio * width)
		fmt.Fprintf(p.m.Stderr, "\r%s [%s%s] %3.0f%% %d 行 %.1f 秒", p.label, strings.Repeat("█", filled),
			strings.Repeat("░", width-filled), ratio*100, rows, time.Since(p.start).Seconds())
		p.drawn = true
		return
	}
	if tenth := int64(ratio * 10); tenth > p.lastTen && rows >= 10000 {
		p.lastTen = tenth
		fmt.Fprintf(p.m.Stderr, "%s：已读取 %d 行（%d%%）\n", p.label, rows, tenth*10)
	}
}

// finish ends the bar's line.
func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintf(p.m.Stderr, "\r%s：%d 行，%.1f 秒%s\n", p.label, p.rows, time.Since(p.start).Seconds(), strings.Repeat(" ", 40))
	}
}
