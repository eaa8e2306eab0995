package portal

import (
	"net/http"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The answers of /results, the landing page and every search, are kept
// for visitors: the same query on the same day gives the same page as
// long as nothing was published, corrected or repaired since, and many
// visitors ask the same few words. A kept answer is keyed by the query as
// typed (the page repeats it) and PublicationService.ShownVersion, the
// day and the log's size, so that a publication anywhere (on any instance) makes the
// next search read the database again. What the key does not see — an
// entity renamed in the directory, a department renamed — shows within
// AnswerTTL. Signed-in staff (whose page leads to their workspace) and
// requests with more than q in the URL are never kept; neither is
// anything but a 200.

// Bounds of the kept answers: at most AnswersKept pages (one is 10–40 KB)
// for at most AnswerTTL each.
const (
	AnswersKept = 2048
	AnswerTTL   = time.Minute
)

// answers keeps rendered result pages, the least recently used going
// first; nil keeps nothing. (The library's expiring cache runs a goroutine
// per cache that nothing stops; the age is checked on reading instead.)
type answers struct {
	pages *lru.Cache[string, keptPage]
	now   func() time.Time
}

type keptPage struct {
	body []byte
	at   time.Time
}

func newAnswers(size int, now func() time.Time) *answers {
	if size <= 0 {
		return nil
	}
	pages, err := lru.New[string, keptPage](size)
	if err != nil {
		panic(err) // only for a size ≤ 0
	}
	return &answers{pages: pages, now: now}
}

// key is the key of r's answer to query q, or "" when the answer is not to
// be kept.
func (a *answers) key(r *http.Request, svc spotcheck.PublicationService, q string) (string, error) {
	if a == nil || view.StaffUser(r) != nil {
		return "", nil
	}
	for k := range r.URL.Query() {
		if k != "q" { // a flash message (?ok=), or whatever a page may show later
			return "", nil
		}
	}
	if _, err := spotcheck.ParsePublicQuery(q); err != nil {
		return "", nil // answered with the message, not kept
	}
	v, err := svc.ShownVersion(r.Context())
	if err != nil {
		return "", err
	}
	return v + " " + q, nil
}

func (a *answers) get(key string) ([]byte, bool) {
	if key == "" {
		return nil, false
	}
	p, ok := a.pages.Get(key)
	if !ok || a.now().Sub(p.at) >= AnswerTTL {
		return nil, false
	}
	return p.body, true
}

func (a *answers) keep(key string, body []byte) {
	if key != "" {
		a.pages.Add(key, keptPage{body: body, at: a.now()})
	}
}
