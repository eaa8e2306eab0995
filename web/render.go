package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"spotcheck"
)

//go:embed all:templates assets
var files embed.FS

// views holds the parsed templates, one set per page (the page's file with
// the layouts and partials), and the assets with their content hashes.
type views struct {
	pages  map[string]*template.Template
	assets map[string]asset // by hashed name, e.g. style.3fa2b1c4.css
	urls   map[string]string
}

type asset struct {
	body []byte
	typ  string
}

// loadViews parses every template once, at start-up.
func loadViews() (*views, error) {
	v := &views{pages: map[string]*template.Template{}, assets: map[string]asset{}, urls: map[string]string{}}
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

// loadAssets hashes every asset so that its URL changes with its content
// and can be cached for ever.
func (v *views) loadAssets() error {
	return fs.WalkDir(files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := path.Base(p)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		typ := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
			".svg": "image/svg+xml"}[ext]
		v.assets[hashed] = asset{body: body, typ: typ}
		v.urls[name] = "/assets/" + hashed
		return nil
	})
}

// assetHandler serves assets by hashed name, cacheable for a year.
func (s *Server) assetHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.views.assets[strings.TrimPrefix(r.URL.Path, "/assets/")]
		if !ok {
			s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "页面不存在"))
			return
		}
		w.Header().Set("Content-Type", a.typ)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(a.body)
	})
}

func (v *views) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":      func(name string) string { return v.urls[name] },
		"roleName":   func(r string) string { return spotcheck.RoleNames[r] },
		"kindName":   func(k string) string { return spotcheck.KindNames[k] },
		"classNames": func(c string) string { return spotcheck.CreditClassNames[c] },
		"time": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(chinaTime).Format("2006-01-02 15:04")
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
	}
}

// chinaTime is China Standard Time (UTC+8, no daylight saving), in which
// every time is shown.
var chinaTime = time.FixedZone("CST", 8*3600)

// pageData is what every page template receives: the page's own data in D
// and what the layout needs.
type pageData struct {
	Title string
	User  *spotcheck.Principal // the signed-in user, also on public pages
	Staff bool                 // the staff workspace's chrome, not the portal's
	Flash string
	D     any
}

// render writes page name with status. Pages render into a buffer first so
// that a template error becomes a clean 500, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, d any) {
	s.renderTitled(w, r, status, name, "", d)
}

func (s *Server) renderTitled(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) {
	t, ok := s.views.pages[name]
	if !ok {
		panic(fmt.Sprintf("no template %q", name))
	}
	pd := pageData{Title: title, User: staffUser(r), Flash: flash(r), D: d,
		Staff: strings.HasPrefix(r.URL.Path, "/staff/") && staffUser(r) != nil}
	if m, ok := d.(map[string]any); ok && pd.Title == "" {
		pd.Title, _ = m["Title"].(string)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "page", pd); err != nil {
		s.log.Error("template", "page", name, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
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
	"token":       "令牌已吊销",
	"tokens":      "有效的接口令牌已全部吊销",
	"unlocked":    "已解除登录限制",
}

// redirect sends the browser to url after a POST (303 See Other).
func redirect(w http.ResponseWriter, r *http.Request, url string) {
	http.Redirect(w, r, url, http.StatusSeeOther)
}
