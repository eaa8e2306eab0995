package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"spotcheck"
	"spotcheck/demo"
)

// TestBrowserCityAdmin is a working session of the city bureau's
// department admin in Chromium: sign in, find a firm by part of its name,
// correct its credit code (first mistyped, then right), try an import file
// with a bad row, export the directory and sign out. Each step is a
// subtest on the same tab; a step that fails leaves a screenshot in
// testdata/screens.
func TestBrowserCityAdmin(t *testing.T) {
	a := sharedApp(t)
	b := newBrowser(t, a)
	// The firm the journey corrects is its own, found by a part of its
	// name that no demo name contains.
	const term = "榕城浏览器检验"
	e := a.createFirm(t, term+"旅行社（示例）")
	newCode := a.newCreditCode()

	step := func(name string, f func(t *testing.T)) bool {
		return t.Run(name, func(t *testing.T) {
			b.shootOnFailure(t)
			f(t)
		})
	}
	if !step("sign in", func(t *testing.T) {
		b.open(t, "/staff/entities")
		if p := b.path(); !strings.HasPrefix(p, "/login?next=") {
			t.Fatalf("a visitor of /staff/entities is at %s, want the login page", p)
		}
		b.do(t, "filling in the login form",
			chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "cityadmin"),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password))
		if st := b.load(t, "signing in", chromedp.Click(chromedp.CSS(`form[action="/login"] button`))); st != 200 {
			t.Fatalf("after signing in: status %d at %s", st, b.path())
		}
		if p := b.path(); p != "/staff/entities" {
			t.Errorf("after signing in the browser is at %s, want back at /staff/entities", p)
		}
		for _, c := range b.cookies(t) {
			if c.Name == sessionCookie && (!c.HTTPOnly || c.SameSite != "Lax") {
				t.Errorf("the browser holds the session cookie with HttpOnly=%v SameSite=%q", c.HTTPOnly, c.SameSite)
			}
		}
		b.open(t, "/staff/")
		if h := b.text(t, "h1"); !strings.Contains(h, "您好") {
			t.Errorf("home page heading %q, want a greeting", h)
		}
		b.screenshot(t, "home-desktop")
	}) {
		t.FailNow()
	}

	step("find the firm by part of its name", func(t *testing.T) {
		b.open(t, "/staff/entities")
		b.do(t, "typing in the search box", chromedp.SendKeys(chromedp.CSS(`form.filters input[name="q"]`), "浏览器检验"))
		b.load(t, "searching", chromedp.Click(chromedp.CSS(`form.filters button.primary`)))
		if p := b.path(); !strings.Contains(p, "q="+url.QueryEscape("浏览器检验")) {
			t.Errorf("after searching the browser is at %s", p)
		}
		b.screenshot(t, "entities-desktop")
		link := `#entities a[href="/staff/entities/` + e.ID + `"]`
		if !b.exists(t, link) {
			t.Fatalf("searching 浏览器检验 does not list %s %s; the list shows: %s", e.ID, e.Name, b.text(t, "#entities tbody"))
		}
		b.load(t, "opening the firm", chromedp.Click(chromedp.CSS(link)))
		if h := b.text(t, "h1"); !strings.Contains(h, e.Name) {
			t.Errorf("detail page heading %q, want %q", h, e.Name)
		}
	})

	bad := wrongCheck(newCode)
	typedAddress := "福州市鼓楼区浏览器测试路9号"
	recoded := step("a wrong check character is shown beside the code", func(t *testing.T) {
		b.open(t, "/staff/entities/"+e.ID)
		b.load(t, "clicking 编辑", chromedp.Click(chromedp.CSS(`.titlebar a[href$="/edit"]`)))
		if ro := b.exists(t, `input[name="id"][readonly]`); ro {
			t.Fatalf("the credit code field of the edit form is read-only (web/templates/entity_form.html), " +
				"so a mistyped code cannot be corrected; the edit form needs an editable code saved through " +
				"the store's RecodeEntity")
		}
		b.do(t, "typing a wrong code and an address", append(retype(`input[name="id"]`, bad),
			retype(`input[name="address"]`, typedAddress)...)...)
		if st := b.load(t, "saving", chromedp.Click(chromedp.CSS(`.formactions button.primary`))); st != 400 {
			t.Errorf("saving a wrong code: status %d, want 400", st)
		}
		if !b.exists(t, `label.invalid input[name="id"] ~ .fielderror`) {
			t.Fatalf("no field error beside the code field")
		}
		if msg := b.text(t, `input[name="id"] ~ .fielderror`); !strings.Contains(msg, "校验位错误") {
			t.Errorf("the code's field error says %q, want 校验位错误", msg)
		}
		if v := b.value(t, `input[name="id"]`); v != bad {
			t.Errorf("the code field holds %q after the error, want what was typed, %q", v, bad)
		}
		if v := b.value(t, `input[name="address"]`); v != typedAddress {
			t.Errorf("the address field holds %q after the error, want what was typed, %q", v, typedAddress)
		}
		if got, err := a.DB.Entities().FindEntityByID(sysCtx, e.ID); err != nil || got.Address != e.Address {
			t.Errorf("the refused save changed the firm: %v, %v", got, err)
		}
	})

	step("a valid unused code is saved", func(t *testing.T) {
		if !recoded {
			t.Skip("the form with the wrong code was not reached")
		}
		b.do(t, "typing a valid code", retype(`input[name="id"]`, newCode)...)
		if st := b.load(t, "saving", chromedp.Click(chromedp.CSS(`.formactions button.primary`))); st != 200 {
			t.Fatalf("saving a valid code: status %d at %s", st, b.path())
		}
		if p := b.path(); !strings.HasPrefix(p, "/staff/entities/"+newCode) {
			t.Errorf("after saving the browser is at %s, want the page of %s", p, newCode)
		}
		if c := b.text(t, "dd.code"); c != newCode {
			t.Errorf("the detail page shows code %q, want %q", c, newCode)
		}
		got, err := a.DB.Entities().FindEntityByID(sysCtx, newCode)
		if err != nil || got.Name != e.Name || got.Address != typedAddress {
			t.Errorf("FindEntityByID(%s) after recoding: %+v, %v", newCode, got, err)
		}
	})

	step("an import with a bad row imports nothing", func(t *testing.T) {
		okCode, badCode := a.newCreditCode(), wrongCheck(a.newCreditCode())
		file := filepath.Join(t.TempDir(), "检查对象导入.csv")
		csv := entityCSV(t, firmRow(okCode, "浏览器导入旅行社（示例）"), firmRow(badCode, "浏览器坏行旅行社（示例）"))
		if err := os.WriteFile(file, csv, 0o644); err != nil {
			t.Fatal(err)
		}
		b.open(t, "/staff/entities")
		b.load(t, "clicking 导入导出", chromedp.Click(chromedp.CSS(`a[href="/staff/transfer/entities"]`)))
		b.do(t, "choosing the file", chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"][name="file"]`), []string{file}))
		if st := b.load(t, "importing", chromedp.Click(chromedp.CSS(`form[enctype="multipart/form-data"] button.primary`))); st != 400 {
			t.Errorf("importing a file with a bad row: status %d, want 400", st)
		}
		if !b.exists(t, "table.problems") {
			t.Fatalf("no table of row errors; the page says: %s", b.text(t, "main"))
		}
		problems := b.text(t, "table.problems tbody")
		if !strings.Contains(problems, "第3行") || !strings.Contains(problems, "校验位错误") {
			t.Errorf("the row errors do not name 第3行 and 校验位错误: %s", problems)
		}
		if strings.Contains(problems, "第2行") {
			t.Errorf("the good row 2 is reported: %s", problems)
		}
		if all := b.text(t, "main"); !strings.Contains(all, "未写入任何数据") {
			t.Errorf("the page does not say that nothing was written")
		}
		for _, code := range []string{okCode, badCode} {
			if _, err := a.DB.Entities().FindEntityByID(sysCtx, code); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
				t.Errorf("after the refused import FindEntityByID(%s) = %v, want not found", code, err)
			}
		}
	})

	step("export", func(t *testing.T) {
		r := b.fetch(t, "/staff/transfer/entities/export/entities.csv")
		if r.Status != 200 || !strings.HasPrefix(r.Type, "text/csv") || !strings.HasPrefix(r.Disposition, "attachment") {
			t.Fatalf("export: status %d, Content-Type %q, Content-Disposition %q", r.Status, r.Type, r.Disposition)
		}
		lines := strings.Split(strings.TrimSpace(r.Text), "\n")
		if !strings.HasPrefix(strings.TrimPrefix(lines[0], "\ufeff"), "统一社会信用代码") {
			t.Errorf("the export's header row is %q", lines[0])
		}
		if len(lines) < demoEntities+1 {
			t.Errorf("the export has %d lines, want the header and at least %d entities", len(lines), demoEntities)
		}
		want := e.ID
		if recoded {
			want = newCode
		}
		if !strings.Contains(r.Text, want+",") {
			t.Errorf("the export lacks the firm %s", want)
		}
	})

	step("phone width", func(t *testing.T) {
		b.viewport(t, phoneW, phoneH)
		defer b.viewport(t, desktopW, desktopH)
		for _, p := range []struct{ path, name string }{{"/staff/", "home-phone"}, {"/staff/entities", "entities-phone"},
			{"/", "portal-phone"}} {
			if st := b.open(t, p.path); st != 200 {
				t.Errorf("%s: status %d", p.path, st)
			}
			w, err := chromedp.Run(b.step(t), chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err == nil && w > phoneW+20 {
				t.Logf("%s is %d px wide on a %d px phone: it scrolls sideways", p.path, w, phoneW)
			}
			b.screenshot(t, p.name)
		}
	})

	step("sign out", func(t *testing.T) {
		b.open(t, "/")
		b.screenshot(t, "portal-desktop")
		b.open(t, "/staff/")
		b.load(t, "clicking 退出", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
		if p := b.path(); p != "/login" {
			t.Errorf("after signing out the browser is at %s, want /login", p)
		}
		b.open(t, "/staff/")
		if p := b.path(); !strings.HasPrefix(p, "/login") {
			t.Errorf("after signing out /staff/ shows %s, want the login page", p)
		}
	})
}
