package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// screensDir receives the screenshots: of a browser test that failed, and
// of a few pages at two widths to look at (it is git-ignored).
const screensDir = "testdata/screens"

// Browser window sizes: a desktop and a phone (inspectors use phones).
const (
	desktopW, desktopH = 1280, 900
	phoneW, phoneH     = 390, 844
)

// stepTimeout bounds one browser step; the first Run, which starts the
// browser, has none (a timeout there would stop the whole browser).
const stepTimeout = 20 * time.Second

// browser is one Chromium tab on an instance of the application.
type browser struct {
	a   *app
	ctx context.Context
}

// newBrowser starts Debian's chromium headless with the options of
// notes/go-stack.md §6. Without chromium the test is skipped, except under
// CI=true, where the test command installs it and a skip would hide a
// broken setup.
func newBrowser(t *testing.T, a *app) *browser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is not installed, and CI=true forbids skipping the browser tests: %v "+
				"(scripts/test installs it: apt-get install chromium fonts-noto-cjk)", err)
		}
		t.Skipf("skipping the browser tests: chromium is not installed (%v); apt-get install chromium fonts-noto-cjk", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // needed as root, as in containers and CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(desktopW, desktopH))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(desktopW, desktopH)); err != nil {
		t.Fatalf("starting chromium (%s): %v", path, err)
	}
	return &browser{a: a, ctx: ctx}
}

// step returns a context for one step of the journey, bounded by
// stepTimeout.
func (b *browser) step(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	t.Cleanup(cancel)
	return ctx
}

// do runs actions, failing the test on an error.
func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.step(t), actions...); err != nil {
		t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
}

// load runs actions that navigate (a click on a link or a submit button)
// and waits for the new page; it returns the page's HTTP status. The new
// page is checked for accessibility (checkA11y), as every page a browser
// test reaches is.
func (b *browser) load(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	res, err := chromedp.RunResponse(b.step(t), actions...)
	if err != nil {
		t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
	b.checkA11y(t)
	return res.Status
}

// open navigates to a path of the application, checks the page for
// accessibility and returns the status.
func (b *browser) open(t *testing.T, path string) int64 {
	t.Helper()
	res, err := chromedp.Run(b.step(t), chromedp.NavigateResponse(b.a.URL+path))
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	b.checkA11y(t)
	return res.Status
}

// text returns the visible text of the first element sel matches.
func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(b.step(t), chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("reading the text of %s: %v (at %s)", sel, err, b.location())
	}
	return s
}

// value returns the value of the form field sel matches.
func (b *browser) value(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(b.step(t), chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("reading the value of %s: %v", sel, err)
	}
	return s
}

// exists reports whether an element matches sel now, without waiting.
func (b *browser) exists(t *testing.T, sel string) bool {
	t.Helper()
	n, err := chromedp.Run(b.step(t), chromedp.Evaluate[bool](`document.querySelector(`+jsString(sel)+`) !== null`))
	if err != nil {
		t.Fatalf("looking for %s: %v", sel, err)
	}
	return n
}

// retype replaces the content of a text field the way a user does:
// select everything, then type.
func retype(sel, s string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), s)}
}

// location returns the tab's URL, for messages.
func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown location: " + err.Error()
	}
	return u
}

// path returns the path and query of the tab's URL.
func (b *browser) path() string {
	return strings.TrimPrefix(b.location(), b.a.URL)
}

// screenshot saves a full-page PNG of the tab as screensDir/name.png.
func (b *browser) screenshot(t *testing.T, name string) string {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	if err := os.MkdirAll(screensDir, 0o755); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	file := filepath.Join(screensDir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	return file
}

// shootOnFailure saves a screenshot of the page a failing (sub)test ends
// on, named after the test.
func (b *browser) shootOnFailure(t *testing.T) {
	t.Cleanup(func() {
		if t.Failed() {
			name := unsafeName.ReplaceAllString(t.Name(), "_")
			if f := b.screenshot(t, name); f != "" {
				t.Logf("screenshot of the failure (%s): %s", b.location(), f)
			}
		}
	})
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// viewport sets the tab's page size, as a device of that width would.
func (b *browser) viewport(t *testing.T, w, h int64) {
	t.Helper()
	b.do(t, "resizing the viewport", chromedp.EmulateViewport(w, h))
}

// fetchResult is what a fetch from the page reports about a download.
type fetchResult struct {
	Status      int    `json:"status"`
	Type        string `json:"type"`
	Disposition string `json:"disposition"`
	Text        string `json:"text"`
}

// fetch downloads path from the page with the browser's own session, as a
// click on a download link would, and returns the response. (chromedp's
// download handling needs browser-wide settings; a fetch sees the same
// cookie and the same response.)
func (b *browser) fetch(t *testing.T, path string) fetchResult {
	t.Helper()
	js := `fetch(` + jsString(path) + `, {credentials: "same-origin"}).then(async r => ({status: r.status, ` +
		`type: r.headers.get("Content-Type") || "", disposition: r.headers.get("Content-Disposition") || "", text: await r.text()}))`
	r, err := chromedp.Run(b.step(t), chromedp.Evaluate[fetchResult](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetching %s from the page: %v", path, err)
	}
	return r
}

// cookies returns the browser's cookies for the application.
func (b *browser) cookies(t *testing.T) []*network.Cookie {
	t.Helper()
	cs, err := chromedp.Run(b.step(t), chromedp.Action[[]*network.Cookie](
		func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
			r, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{b.a.URL}})
			if err != nil {
				return nil, err
			}
			return r.Cookies, nil
		}))
	if err != nil {
		t.Fatalf("reading cookies: %v", err)
	}
	return cs
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`)
	return `"` + r.Replace(s) + `"`
}
