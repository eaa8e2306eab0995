package staff

import (
	"encoding/base64"
	"net/http"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// The representative's signature on the inspector's phone (issue 11,
// item 3): the record's page (record.go) shows the 笔录 and, to a team
// member, a pad (assets/signature.js) on which the representative signs
// with a finger; the drawing comes as a PNG data URL in an ordinary form
// field, within the interactive body limit. A refusal (拒签) is the
// second form, with its note. Both carry the digest of the record shown,
// so that a signature never lands under a text the signer did not read.

// pngDataURL is the prefix of the canvas's PNG export.
const pngDataURL = "data:image/png;base64,"

// SignRecord takes the representative's signature (POST
// /staff/inspections/{id}/signature).
func (s *Handler) SignRecord(w http.ResponseWriter, r *http.Request) { s.saveSignature(w, r, false) }

// RefuseSignature records that the representative refused to sign (POST
// /staff/inspections/{id}/signature/refuse).
func (s *Handler) RefuseSignature(w http.ResponseWriter, r *http.Request) {
	s.saveSignature(w, r, true)
}

// saveSignature parses the form, asks the store, and shows the record
// again: with the form as typed and the reason when refused.
func (s *Handler) saveSignature(w http.ResponseWriter, r *http.Request, refused bool) {
	in := s.loadInspection(w, r)
	if in == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.EINVALID, "表单格式错误"))
		return
	}
	f := r.PostForm
	input := spotcheck.SignatureInput{Signer: f.Get("signer"), Role: f.Get("role"), Note: f.Get("note"),
		Refused: refused, Digest: f.Get("digest")}
	var err error
	if !refused {
		if data := f.Get("png"); data != "" {
			b, derr := base64.StdEncoding.DecodeString(strings.TrimPrefix(data, pngDataURL))
			if derr != nil || !strings.HasPrefix(data, pngDataURL) {
				err = spotcheck.Errorf(spotcheck.EINVALID, "签名图片格式错误：请重新签名")
			}
			input.PNG = b
		}
	}
	if err == nil {
		_, err = s.svc.Signatures.SignRecord(r.Context(), in.ID, input)
	}
	if err == nil {
		http.Redirect(w, r, recordPath(in.ID)+"#signature", http.StatusSeeOther)
		return
	}
	ps, msg, ok := view.FormProblems(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if msg == "" {
		msg = "请修改标红的字段后重新提交，签字未保存。"
	}
	status, _, _ := view.ErrorStatus(err)
	f.Del("png") // the pad starts empty again: a drawing is not typed
	if refused {
		f.Set("refused", "1")
	}
	s.renderRecord(w, r, status, in, f, ps, msg)
}
