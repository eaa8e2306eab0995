package staff

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Evidence (issue 11, item 3): the team uploads photos and PDFs to the
// inspection it may save; the attachment service checks each file by its
// content and stores it once by its SHA-256, cited by the inspection. The
// page lists the inspection's evidence, and an attachment is served only
// through an inspection that cites it, to those who may see the
// inspection: an attachment by itself shows nothing to no one.

// evidenceSlack is what a multipart body may carry besides the file: the
// part headers and the form's small fields.
const evidenceSlack = 64 << 10

// citeInspection is the citation of inspection id's evidence.
func citeInspection(id int64) spotcheck.Citation {
	return spotcheck.Citation{Kind: "inspection", Key: strconv.FormatInt(id, 10)}
}

// findEvidence returns the attachments the inspection cites; none when the
// service is not wired (the pages then offer no evidence).
func (s *Handler) findEvidence(ctx context.Context, id int64) ([]spotcheck.Attachment, error) {
	if s.svc.Attachments == nil {
		return nil, nil
	}
	return s.svc.Attachments.FindAttachments(ctx, citeInspection(id))
}

// UploadEvidence takes one photo or PDF for the inspection. Whether the
// user may save the inspection is decided before a byte of the body is
// read, so that no one else makes the server spool a large file; the body
// is then bounded by the largest file the attachment limits accept. A
// refused file comes back on the page with the reason, nothing stored.
func (s *Handler) UploadEvidence(w http.ResponseWriter, r *http.Request) {
	id, err := inspectionID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	in, err := s.svc.Inspections.FindInspectionByID(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := in.Can(spotcheck.InspActSave, view.StaffUser(r)); err != nil {
		if spotcheck.ErrorCode(err) == spotcheck.ECONFLICT {
			// The record is no longer the team's to change (submitted,
			// approved): the page says why.
			s.renderInspection(w, r, http.StatusConflict, in, nil, nil, spotcheck.ErrorMessage(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	if s.svc.Attachments == nil {
		s.fail(w, r, spotcheck.Errorf(spotcheck.ENOTFOUND, "页面不存在"))
		return
	}
	max := spotcheck.AttachmentLimits{}.MaxSize()
	r.Body = http.MaxBytesReader(w, r.Body, max+evidenceSlack)
	name, data, err := readEvidenceFile(r, max)
	if err != nil {
		if view.IsTimeout(err) {
			s.fail(w, r, view.ErrBodyTimeout)
			return
		}
		msg := "请选择要上传的照片或 PDF 文件"
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			msg = "上传的文件过大：照片不能超过 " + sizeMB(spotcheck.DefaultPhotoMax) + "，PDF 文件不能超过 " + sizeMB(spotcheck.DefaultPDFMax)
		} else if errors.Is(err, multipart.ErrMessageTooLarge) {
			msg = "上传的表单内容过多：每次只选择一个文件"
		}
		s.renderInspection(w, r, http.StatusBadRequest, in, nil, nil, msg)
		return
	}
	if _, err := s.svc.Attachments.SaveAttachment(ctx, name, data, citeInspection(id)); err != nil {
		if spotcheck.ErrorCode(err) == spotcheck.EINVALID {
			s.renderInspection(w, r, http.StatusBadRequest, in, nil, nil, spotcheck.ErrorMessage(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/inspections/"+strconv.FormatInt(id, 10)+"#evidence", http.StatusSeeOther)
}

// evidenceParts bounds the parts of an evidence form: the file and a
// few small fields.
const evidenceParts = 8

// readEvidenceFile reads the one file of the evidence form straight into
// memory, where the attachment service checks it anyway: unlike
// ParseMultipartForm it does not write a photo to a temporary file and
// read it back, which is most of an upload's cost when 200 inspectors
// send photos at once (docs/performance.md). Other parts are small
// fields and are skipped; a second file, or more parts than a form has,
// is ErrMessageTooLarge; no file is http.ErrMissingFile. The body is
// bounded by the caller (MaxBytesReader); a file above max is read to
// max+1 bytes, which the attachment check then refuses by its size.
func readEvidenceFile(r *http.Request, max int64) (name string, data []byte, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, err
	}
	found := false
	for i := 0; ; i++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, err
		}
		if i >= evidenceParts || (found && p.FileName() != "") {
			return "", nil, multipart.ErrMessageTooLarge
		}
		if p.FormName() != "file" || p.FileName() == "" {
			if _, err := io.Copy(io.Discard, io.LimitReader(p, evidenceSlack)); err != nil {
				return "", nil, err
			}
			continue
		}
		found, name = true, p.FileName()
		var b bytes.Buffer
		if n := r.ContentLength; n > 0 && n <= max+evidenceSlack {
			b.Grow(int(n))
		}
		if _, err := b.ReadFrom(io.LimitReader(p, max+1)); err != nil {
			return "", nil, err
		}
		data = b.Bytes()
	}
	if !found {
		return "", nil, http.ErrMissingFile
	}
	return name, data, nil
}

// sizeMB writes n bytes in MB, as the limits are stated.
func sizeMB(n int64) string { return strconv.FormatInt(n>>20, 10) + " MB" }

// ShowEvidence serves one attachment of the inspection: only one the
// inspection cites, only to a user who may see the inspection (404 for
// anyone else, as for a record that is not there). The bytes are read
// whole before the first is sent. The answer runs nothing: a sandboxing
// policy, no sniffing, and a PDF is downloaded rather than shown inline.
func (s *Handler) ShowEvidence(w http.ResponseWriter, r *http.Request) {
	in := s.loadInspection(w, r)
	if in == nil {
		return
	}
	if err := in.CanView(view.StaffUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	sha := r.PathValue("sha")
	notFound := spotcheck.Errorf(spotcheck.ENOTFOUND, "检查记录 #%d 没有这份证据材料", in.ID)
	list, err := s.findEvidence(r.Context(), in.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	i := slices.IndexFunc(list, func(a spotcheck.Attachment) bool { return a.SHA256 == sha })
	if i < 0 {
		s.fail(w, r, notFound)
		return
	}
	att, data, err := s.svc.Attachments.ReadAttachment(r.Context(), sha)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := list[i].Name
	if _, ok := r.URL.Query()["thumb"]; ok && att.IsImage() {
		// The page's list shows thumbnails; a photo too large to
		// make one of is sent as it is.
		if b, ok := s.thumbs.thumbnail(att, data); ok {
			data, name = b, "缩略图-"+name
			att = &spotcheck.Attachment{Type: spotcheck.TypeJPEG, SHA256: att.SHA256}
		}
	}
	s.sendAttachment(w, r, att.Type, name, data)
}

// sendAttachment sends an attachment's bytes: a photo inline, anything
// else for download, never sniffed, and sandboxed should a browser render
// it as a page.
func (s *Handler) sendAttachment(w http.ResponseWriter, r *http.Request, typ, name string, data []byte) {
	disp := "inline"
	if typ == spotcheck.TypePDF {
		disp = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	if v := mime.FormatMediaType(disp, map[string]string{"filename": name}); v != "" {
		disp = v
	}
	h.Set("Content-Disposition", disp)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	s.files.Send(w, r, bytes.NewReader(data), int64(len(data)))
}
