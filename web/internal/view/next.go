package view

import (
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SafeNext keeps a post-login redirect on this site. It accepts only a
// path of this site, judged after parsing the way a browser would read the
// Location header: no scheme, no host, no user info, no control or
// whitespace characters (browsers drop tabs and newlines, turning
// "/\t/evil" into "//evil"), no backslash (browsers read "/\evil" as
// "//evil"), and the path is cleaned before it is used, so that "/./" or
// "/a/../" cannot rebuild a leading "//". Anything else goes to the
// workspace's home.
func SafeNext(next string) string {
	const home = "/staff/"
	if !strings.HasPrefix(next, "/") || strings.ContainsFunc(next, unsafeInNext) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	clean := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && clean != "/" {
		clean += "/"
	}
	if !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
		return home
	}
	out := (&url.URL{Path: clean, RawQuery: u.RawQuery}).RequestURI()
	if strings.HasPrefix(out, "//") || strings.ContainsFunc(out, unsafeInNext) {
		return home
	}
	return out
}

// unsafeInNext reports the characters a redirect target may not hold:
// control characters, white space of any script, and the backslash.
func unsafeInNext(r rune) bool {
	return r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError ||
		unicode.Is(unicode.Cf, r)
}

// WithFlash returns the local page next (see SafeNext) with the flash
// ?ok= set, for buttons that return to the page they were pressed on.
func WithFlash(next, ok string) string {
	u, err := url.Parse(SafeNext(next))
	if err != nil {
		return "/staff/?ok=" + url.QueryEscape(ok)
	}
	q := u.Query()
	q.Set("ok", ok)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
