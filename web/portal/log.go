package portal

import (
	"encoding/json"
	"net/http"
	"strconv"

	"spotcheck"
	"spotcheck/ledger"
	"spotcheck/web/internal/view"
)

// The HTTP interface of the log (spec/draw-v1.md §8.1), public, so that
// anyone can check the log with a few lines of their own code:
//
//	GET /log/key                               the verifier key, one line
//	GET /log/checkpoint                        the latest signed checkpoint
//	GET /log/entries?start=A&end=B             entries A … B−1, one per line (≤ 1000)
//	GET /log/proof/inclusion?index=I&size=N    {"hashes":[…],"index":I,"size":N}
//	GET /log/proof/consistency?old=M&new=N     {"hashes":[…],"new":N,"old":M}
//	GET /log/records/{sha256}                  a record published after its embargo
//
// Key, checkpoint and entries are text/plain; charset=utf-8, proofs and
// records application/json. A request the log cannot answer (a range or
// size beyond the tree, more than 1000 entries, old = 0, a missing or
// malformed parameter) is 400 with the reason as one line of text; a
// record still sealed is 404.

// ShowLogKey serves the note verifier key of the log.
func (s *Handler) ShowLogKey(w http.ResponseWriter, r *http.Request) {
	key := s.logKey()
	if key == "" {
		s.logFail(w, r, errNoLog)
		return
	}
	writeText(w, []byte(key+"\n"))
}

// ShowLogCheckpoint serves the latest signed checkpoint.
func (s *Handler) ShowLogCheckpoint(w http.ResponseWriter, r *http.Request) {
	if s.ledger == nil {
		s.logFail(w, r, errNoLog)
		return
	}
	signed, err := s.ledger.LogCheckpoint(r.Context())
	if err != nil {
		s.logFail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeText(w, signed)
}

// ShowLogEntries serves entries start … end−1, each followed by LF.
func (s *Handler) ShowLogEntries(w http.ResponseWriter, r *http.Request) {
	if s.ledger == nil {
		s.logFail(w, r, errNoLog)
		return
	}
	start, end, err := int64Params(r, "start", "end")
	if err != nil {
		s.logFail(w, r, err)
		return
	}
	entries, err := ledger.ReadEntries(r.Context(), s.ledger, start, end)
	if err != nil {
		s.logFail(w, r, err)
		return
	}
	var body []byte
	for _, e := range entries {
		body = append(append(body, e...), '\n')
	}
	writeText(w, body)
}

// ShowInclusionProof serves the audit path of entry index in the tree of
// the given size.
func (s *Handler) ShowInclusionProof(w http.ResponseWriter, r *http.Request) {
	if s.ledger == nil {
		s.logFail(w, r, errNoLog)
		return
	}
	index, size, err := int64Params(r, "index", "size")
	if err != nil {
		s.logFail(w, r, err)
		return
	}
	p, err := ledger.ProveInclusion(r.Context(), s.ledger, index, size)
	if err != nil {
		s.logFail(w, r, err)
		return
	}
	writeLogJSON(w, p)
}

// ShowConsistencyProof serves the consistency proof between two sizes.
func (s *Handler) ShowConsistencyProof(w http.ResponseWriter, r *http.Request) {
	if s.ledger == nil {
		s.logFail(w, r, errNoLog)
		return
	}
	oldSize, newSize, err := int64Params(r, "old", "new")
	if err != nil {
		s.logFail(w, r, err)
		return
	}
	p, err := ledger.ProveConsistency(r.Context(), s.ledger, oldSize, newSize)
	if err != nil {
		s.logFail(w, r, err)
		return
	}
	writeLogJSON(w, p)
}

// ShowLogRecord serves a published record byte for byte.
func (s *Handler) ShowLogRecord(w http.ResponseWriter, r *http.Request) {
	if s.ledger == nil {
		s.logFail(w, r, errNoLog)
		return
	}
	sha := r.PathValue("sha256")
	if !ledger.IsDigest(sha) {
		s.logFail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "记录名应为 64 位小写十六进制 SHA-256 摘要"))
		return
	}
	body, err := s.ledger.LogRecord(r.Context(), sha)
	if err != nil {
		s.logFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

// errNoLog answers the log's routes on a server without a log.
var errNoLog = spotcheck.Errorf(spotcheck.ENOTFOUND, "本服务未启用抽取日志")

// logKey returns the log's verifier key, "" without a log; the portal
// shows it.
func (s *Handler) logKey() string {
	if s.ledger == nil {
		return ""
	}
	return s.ledger.LogKey()
}

// logFail answers a log request with the status of err and its message as
// one line of text: the log's clients are programs, not browsers.
func (s *Handler) logFail(w http.ResponseWriter, r *http.Request, err error) {
	status, _, msg := view.ErrorStatus(err)
	if status == http.StatusInternalServerError {
		s.views.Log().ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write([]byte(msg + "\n"))
}

// int64Params reads two required non-negative decimal query parameters.
func int64Params(r *http.Request, a, b string) (int64, int64, error) {
	var out [2]int64
	for i, name := range []string{a, b} {
		v := r.URL.Query().Get(name)
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, spotcheck.Errorf(spotcheck.EINVALID, "参数 %s 应为非负整数（%s=%s）", name, name, v)
		}
		out[i] = n
	}
	return out[0], out[1], nil
}

// writeText writes a text/plain answer.
func writeText(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(body)
}

// writeLogJSON writes a proof in its exact JSON form (no trailing LF).
func writeLogJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // proofs always marshal
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}
