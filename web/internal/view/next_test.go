package view

import (
	"net/url"
	"testing"
)

// TestSafeNext tries the tricks that turn a post-login redirect into one
// that leaves the site; every result must be a path that a browser
// resolves against this site's origin.
func TestSafeNext(t *testing.T) {
	keep := map[string]string{
		"/staff/entities":             "/staff/entities",
		"/staff/entities?q=鼓楼&page=2": "/staff/entities?q=鼓楼&page=2",
		"/staff/":                     "/staff/",
		"/":                           "/",
		"/staff/./entities":           "/staff/entities",
		"/staff/../items":             "/items",
		"/%2F/evil.example":           "/evil.example", // decoded, cleaned: a path here
		"/%5C/evil.example":           "/%5C/evil.example",
		"/%09/evil.example":           "/%09/evil.example", // the tab stays encoded
		"/staff/draws/1#sealed":       "/staff/draws/1",
	}
	for in, want := range keep {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
	refuse := []string{
		"", "staff", "http://evil.example/", "https://evil.example", "//evil.example",
		"/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example",
		"/ /evil.example", "/\u00a0/evil.example", "/\u3000/evil.example", "/\u200b/evil.example",
		"/\x00/evil.example", "/\x7f/evil.example", "/./\t/evil",
		"javascript:alert(1)", " /staff/", "/staff/\x00", "/\xff/evil",
	}
	for _, in := range refuse {
		if got := SafeNext(in); got != "/staff/" {
			t.Errorf("SafeNext(%q) = %q, want the home page", in, got)
		}
	}
	// Whatever comes out, a browser resolving it against the site stays on it.
	base, _ := url.Parse("https://spotcheck.example/login")
	for in := range keep {
		u, err := base.Parse(SafeNext(in))
		if err != nil || u.Host != base.Host || u.Scheme != base.Scheme {
			t.Errorf("SafeNext(%q) resolves to %v (%v)", in, u, err)
		}
	}
}
