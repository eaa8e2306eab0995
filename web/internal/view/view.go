// Package view is what every audience of the web application shares: the
// templates (parsed once from the embedded files), the assets with hashed
// URLs, rendering, the error pages with the one error → status table, the
// names shown for codes, and the typed forms that turn a request into a
// value with field problems. It serves no route of its own; web/staff,
// web/api and web/portal render through it.
package view

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"spotcheck"
)

//go:embed all:templates assets
var files embed.FS

// Views holds the parsed templates, one set per page (the page's file with
// the layouts and partials), and the assets with their content hashes.
type Views struct {
	log    *slog.Logger
	names  NameSource
	pages  map[string]*template.Template
	assets map[string]asset // by hashed name, e.g. style.3fa2b1c4.css
	urls   map[string]string
}

type asset struct {
	body []byte
	typ  string
}

// New parses every template once, at start-up. log hears internal errors;
// names gives the reference data and departments the pages
// name codes with (names.go).
func New(log *slog.Logger, names NameSource) (*Views, error) {
	if log == nil {
		log = slog.Default()
	}
	v := &Views{log: log, names: names, pages: map[string]*template.Template{}, assets: map[string]asset{},
		urls: map[string]string{}}
	if err := v.loadAssets(); err != nil {
		return nil, err
	}
	base := template.New("").Funcs(v.funcs())
	shared, err := fs.Glob(files, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	if base, err = base.ParseFS(files, shared...); err != nil {
		return nil, err
	}
	pages, err := fs.Glob(files, "templates/[a-z]*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		t, err := template.Must(base.Clone()).ParseFS(files, p)
		if err != nil {
			return nil, err
		}
		v.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return v, nil
}

// Log is the logger of internal errors, for the handlers' own warnings.
func (v *Views) Log() *slog.Logger { return v.log }

// loadAssets hashes every asset so that its URL changes with its content
// and can be cached for ever.
func (v *Views) loadAssets() error {
	return fs.WalkDir(files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := path.Base(p)
		ext := path.Ext(name)
		typ := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
			".svg": "image/svg+xml"}[ext]
		if typ == "" {
			return nil // a vendored file's README, licence and notice are not served
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		v.assets[hashed] = asset{body: body, typ: typ}
		v.urls[name] = "/assets/" + hashed
		return nil
	})
}

// Assets serves the assets under /assets/ by hashed name, cacheable for a
// year.
func (v *Views) Assets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := v.assets[strings.TrimPrefix(r.URL.Path, "/assets/")]
		if !ok {
			v.Fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "页面不存在"))
			return
		}
		w.Header().Set("Content-Type", a.typ)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(a.body)
	})
}

func (v *Views) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) string { return v.urls[name] },
		"time": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(ChinaTime).Format("2006-01-02 15:04")
		},
		"join": strings.Join,
		"add":  func(a, b int) int { return a + b },
		"can": func(p *spotcheck.Principal, perm string) bool {
			return p != nil && p.Has(spotcheck.Permission(perm))
		},
		// keeps: may the user change records of dept ("" for the
		// city-wide ones) with perm (spotcheck.Principal.AuthorizeChange).
		"keeps": func(p *spotcheck.Principal, perm, dept string) bool {
			return p != nil && p.AuthorizeChange(spotcheck.Permission(perm), dept, dept) == nil
		},
		"yesno": func(b bool) string {
			if b {
				return "是"
			}
			return "否"
		},
		// errmsg is the Chinese message of a refusal a page explains.
		"errmsg": func(err error) string { return spotcheck.ErrorMessage(err) },
	}
}

// ChinaTime is China Standard Time (UTC+8, no daylight saving), in which
// every time is shown.
var ChinaTime = spotcheck.ChinaTime

// Today is the date of now in China, as forms and records write dates.
func Today(now time.Time) string { return now.In(ChinaTime).Format(spotcheck.DateLayout) }

// pageData is what every page template receives: the page's own data in D
// and what the layout needs.
type pageData struct {
	Title string
	User  *spotcheck.Principal // the signed-in user, also on public pages
	Staff bool                 // the staff workspace's chrome, not the portal's
	Flash string
	Names *Names // the names of codes (names.go)
	D     any
	// Refresh is the content of a <meta http-equiv="refresh"> ("3;
	// url=…"), from the Refresh of a map d: a page showing work in
	// progress reloads itself without script. "": none.
	Refresh string
}

// Render writes page name with status and title (when title is "", the
// Title of a map d). Pages render into a buffer first so that a template
// error becomes a clean 500, never half a page.
func (v *Views) Render(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) {
	body, err := v.Page(r, name, title, d)
	if err != nil {
		v.log.ErrorContext(r.Context(), "template", "page", name, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	WriteHTML(w, status, body)
}

// Page renders page name for r into bytes, for a handler that keeps the
// answer (the portal's cache of result searches) as well as sending it.
func (v *Views) Page(r *http.Request, name, title string, d any) ([]byte, error) {
	t, ok := v.pages[name]
	if !ok {
		panic(fmt.Sprintf("no template %q", name))
	}
	pd := pageData{Title: title, User: StaffUser(r), Flash: flash(r), Names: v.namesFor(r.Context()), D: d,
		Staff: strings.HasPrefix(r.URL.Path, "/staff/") && StaffUser(r) != nil}
	if m, ok := d.(map[string]any); ok {
		if pd.Title == "" {
			pd.Title, _ = m["Title"].(string)
		}
		pd.Refresh, _ = m["Refresh"].(string)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "page", pd); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteHTML sends a rendered page with status; pages are never stored by
// browsers or proxies (they may show a signed-in user's data).
func WriteHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

type staffKey struct{}

// WithStaffUser returns a context that carries the signed-in staff user,
// whom the layout shows, also on public pages.
func WithStaffUser(ctx context.Context, p *spotcheck.Principal) context.Context {
	return context.WithValue(ctx, staffKey{}, p)
}

// StaffUser returns the signed-in staff user of a request, nil for
// visitors.
func StaffUser(r *http.Request) *spotcheck.Principal {
	p, _ := r.Context().Value(staffKey{}).(*spotcheck.Principal)
	return p
}

// flash returns the one-time message passed in the URL by a redirect after
// a successful POST (?ok=…), limited to known messages so that a link
// cannot make the page say anything.
func flash(r *http.Request) string {
	return flashMessages[r.URL.Query().Get("ok")]
}

var flashMessages = map[string]string{
	"saved":       "已保存",
	"created":     "已新增",
	"deactivated": "已停用",
	"reactivated": "已恢复启用",
	"password":    "密码已修改，其他设备上的登录已退出，接口令牌已全部吊销",
	// web/auth.go: a password an administrator set is changed first.
	"initial-password": "您的密码是管理员设置的初始密码：请先修改密码，修改后才能使用其他功能",
	"token":            "令牌已吊销",
	"tokens":           "有效的接口令牌已全部吊销",
	"unlocked":         "已解除登录限制",
	// The credit push's outbox (web/staff/outbox.go).
	"outbox-retried": "已重新排入发送队列，重新发送已记入记录",
	// The scheduled jobs (web/staff/jobs.go).
	"job-requested": "已请求立即运行：服务将在约 15 秒内执行，运行记录中注明请求人",
	// The steps of a draw (web/staff/draw_action.go).
	"planned":   "抽取方案已记入日志，平台的承诺已提交，请各监督人员提交承诺",
	"committed": "您的承诺已记入日志。请妥善保管秘密，揭示时须逐字输入",
	"revealed":  "秘密已揭示并与承诺核对一致",
	"withheld":  "已记录参与人未揭示，本次抽取失败，只能重新抽取",
	"drawn":     "抽取完成：随机数与结果已保密记入日志（仅记摘要）",
	"requested": "变更申请已提交，须由另一名审核人员审批",
	"approved":  "已批准，变更已记入日志",
	"rejected":  "已驳回该申请",
	"unsealed":  "已解除保密：随机数与抽取结果已公开",
	// Joint visits (web/staff/visit.go).
	"proposed":       "检测完成，新的合并建议已列出",
	"visit-accepted": "已确认合并：一次检查、一份通知书",
	"visit-declined": "已记录不合并，各部门分别检查",
	// The steps of a task (web/staff/task_step.go).
	"task-publish":   "任务已发布：抽查任务公告已记入日志并在门户公示，现在可以发起抽取",
	"task-cancel":    "任务已撤销，撤销理由已记录",
	"task-start":     "已开始检查",
	"task-submit":    "检查结果已提交审核",
	"task-publicize": "检查结果已审核并公示",
	"task-follow-up": "已转入后续处置",
	"task-close":     "任务已办结",
	// The steps of an inspection (web/staff/inspection_step.go).
	"inspection-save":    "检查记录已保存；修改后须由检查组成员重新确认",
	"inspection-confirm": "您已确认检查记录",
	"inspection-submit":  "检查记录已提交审核",
	"inspection-approve": "已审核通过，公示期限已计算",
	"inspection-return":  "已退回检查组修改",
	"inspection-reject":  "已记录审核不通过",
	"inspection-revise":  "已开启更正：新版本须重新录入、确认并提交审核，原版本保持不变",
	// Publication (web/staff/publish.go).
	"inspection-publish":     "检查结果已公示，已记入日志并进入信用平台推送队列",
	"task-results-published": "本任务的检查结果已统一公示，抽取结果已解除保密",
	"publication-mode":       "公示方式已保存",
	// Follow-ups of approved results (web/staff/followup.go).
	"followup-record": "处置措施已记录",
	"followup-close":  "后续处置已完结",
	// Annual plans (web/staff/plan.go).
	"published": "计划已发布：已记入日志，在公示门户公开，并报上级部门备案",
	"imported":  "任务已全部导入",
	// The enterprise's forms on /v/{token} and their answers
	// (web/portal/recusal.go, web/staff/recusal.go).
	"recusal-filed":        "回避申请已提交，检查对象所属部门审核后生效",
	"rating-saved":         "评价已提交，感谢您的反馈",
	"appointment-proposed": "预约时间已提交，请等待检查组答复",
	"recusal-approved":     "已批准回避申请：回避关系已生效",
	"recusal-rejected":     "已驳回回避申请",
	"appointment-accepted": "已接受预约时间",
	"appointment-declined": "已婉拒预约时间",
	// The risk model and its reclassifications (web/staff/risk.go).
	"risk-model-loaded":    "风险模型已载入：自生效日期起用于重新分类，载入已记入变更记录",
	"risk-previewing":      "已开始预览：在后台计算，完成前本页自动刷新；名录库不会改变",
	"risk-applying":        "已开始应用：在后台进行，完成前本页自动刷新",
	"risk-preview-waiting": "预览已在后台开始，正在等待另一次重新分类应用完毕；稍后刷新本页，在重新分类列表中查看",
	// Manual overrides (web/staff/risk_override.go).
	"risk-overridden":       "人工调整已生效：该对象的信用风险分类已更新，到期后由风险模型重新分类",
	"risk-override-revoked": "人工调整已撤销：该对象已恢复风险模型的分类",
	// The departments' rules documents (web/staff/rules.go).
	"rules-published": "新版本已发布：已记入公开日志并在公示门户公开，旧版本继续公开",
	// After publication (web/portal/enterprise.go, web/staff/appeals.go).
	"objection-filed":   "异议已提交，检查机关将在5个工作日内处理并在本页答复",
	"repair-filed":      "信用修复申请已提交，检查机关处理后在本页答复",
	"objection-decided": "异议已处理，处理结果已记入日志",
	"repair-decided":    "信用修复申请已处理，处理结果已记入日志",
}

// ActiveFlash is the flash of a deactivation or reactivation.
func ActiveFlash(active bool) string {
	if active {
		return "reactivated"
	}
	return "deactivated"
}

// Redirect sends the browser to url after a POST (303 See Other).
func Redirect(w http.ResponseWriter, r *http.Request, url string) {
	http.Redirect(w, r, url, http.StatusSeeOther)
}
