package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// The accessibility check of the browser tests: every page a browser test
// opens is checked with axe-core against the WCAG 2.0 and 2.1 rules of
// levels A and AA, which 《信息技术 互联网内容无障碍可访问性技术要求与测试方法》
// (GB/T 37668-2019) follows for government sites. A violation fails the
// test that visited the page.

// axeFile is axe-core as published on the npm registry, and axeSHA256 its
// pinned digest (testdata/axe/README.md says where it comes from).
const (
	axeFile    = "testdata/axe/axe.min.js"
	axeVersion = "4.14.1"
	axeSHA256  = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
)

// axeRun runs the WCAG A and AA rules on the page and returns what the
// failure message needs of each violation, with the page's width (the
// rules on contrast and reflow depend on the layout).
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
	resultTypes: ["violations"]}).then(r => ({
	width: window.innerWidth,
	violations: r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
		nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), summary: n.failureSummary || ""}))}))}))`

// axeResult is the part of axe's results that axeRun returns.
type axeResult struct {
	Width      int `json:"width"`
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target  string `json:"target"`
			Summary string `json:"summary"`
		} `json:"nodes"`
	} `json:"violations"`
}

var (
	axeOnce sync.Once
	axeJS   string
	axeErr  error
)

// axeSource returns the text of axeFile, read once, or an error if its
// digest is not the pinned one: the tests run the version that was
// reviewed, or none.
func axeSource() (string, error) {
	axeOnce.Do(func() {
		b, err := os.ReadFile(axeFile)
		if err != nil {
			axeErr = err
			return
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != axeSHA256 {
			axeErr = fmt.Errorf("%s has sha256 %x, want the pinned %s (axe-core %s; see testdata/axe/README.md)",
				axeFile, sum, axeSHA256, axeVersion)
			return
		}
		axeJS = string(b)
	})
	return axeJS, axeErr
}

// TestAxePinned checks that the vendored axe-core is the pinned file,
// with its version and its licence header.
func TestAxePinned(t *testing.T) {
	src, err := axeSource()
	if err != nil {
		t.Fatal(err)
	}
	head := src[:min(len(src), 800)]
	if !strings.Contains(head, "axe v"+axeVersion) || !strings.Contains(head, "Mozilla Public") {
		t.Errorf("%s does not start with the licence header of axe v%s: %q", axeFile, axeVersion, head)
	}
	if _, err := os.Stat("testdata/axe/LICENSE"); err != nil {
		t.Errorf("axe-core's licence file: %v", err)
	}
}

// checkA11y runs axe-core on the tab's page as it is now and fails t with
// every violation: rule, impact, the elements (CSS selectors) and the
// rule's help text.
func (b *browser) checkA11y(t *testing.T) {
	t.Helper()
	res := b.axe(t)
	for _, v := range res.Violations {
		var where strings.Builder
		for i, n := range v.Nodes {
			if i == 5 {
				fmt.Fprintf(&where, "\n\t… and %d more", len(v.Nodes)-i)
				break
			}
			fmt.Fprintf(&where, "\n\t%s: %s", unquoteTarget(n.Target), strings.ReplaceAll(n.Summary, "\n", " "))
		}
		t.Errorf("accessibility (axe-core %s, WCAG A/AA) of %s at %d px: %s (%s): %s%s",
			axeVersion, b.path(), res.Width, v.ID, v.Impact, v.Help, where.String())
	}
}

// axe loads axe-core into the tab's page, unless it is there already,
// and returns what axeRun finds.
func (b *browser) axe(t *testing.T) axeResult {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatal(err)
	}
	ctx := b.step(t)
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err == nil && !loaded {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src))
	}
	if err != nil {
		t.Fatalf("loading axe-core into %s: %v", b.path(), err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core on %s: %v", b.path(), err)
	}
	return res
}

// TestAxeFindsViolations runs the check on a page made of known faults,
// so that a check that silently finds nothing (axe not loaded, the rules
// not selected, the results not read) cannot pass for a clean page.
func TestAxeFindsViolations(t *testing.T) {
	b := newBrowser(t, &app{}) // no application: the page is a data: URL
	const page = `<!doctype html><html><head></head><body><main>` +
		`<p style="color:#aaa;background:#fff">浅灰色文字</p><img src="data:,">` +
		`<p>正文中的<a href="#x" style="color:#222;text-decoration:none">链接</a>只靠颜色区分</p></main></body></html>`
	b.do(t, "opening the faulty page", chromedp.Navigate("data:text/html;charset=utf-8,"+url.PathEscape(page)))
	found := map[string]bool{}
	for _, v := range b.axe(t).Violations {
		found[v.ID] = true
	}
	for _, id := range []string{"color-contrast", "image-alt", "html-has-lang", "document-title", "link-in-text-block"} {
		if !found[id] {
			t.Errorf("axe-core does not report %s on a page made to violate it; it reports %v", id, found)
		}
	}
}

// unquoteTarget shows axe's target (a list of selectors, one per frame
// or shadow root) as one selector when it is one.
func unquoteTarget(target string) string {
	var sels []string
	if json.Unmarshal([]byte(target), &sels) == nil {
		return strings.Join(sels, " ▸ ")
	}
	return target
}
