package staff_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/internal/webtest"
)

// postEvidence uploads data as the evidence form's file named name, as
// user, and returns the answer.
func postEvidence(t *testing.T, a *webtest.App, user, path, name string, data []byte) (*httptest.ResponseRecorder, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, user)})
	rec := httptest.NewRecorder()
	a.Web.ServeHTTP(rec, req)
	return rec, rec.Body.String()
}

// smallPNG is a real 40×30 photo, as image/png writes it.
func smallPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// evidenceCount is how many attachments the inspection cites.
func evidenceCount(t *testing.T, a *webtest.App, id int64) int {
	t.Helper()
	list, err := a.DB.Attachments().FindAttachments(webtest.System(),
		spotcheck.Citation{Kind: "inspection", Key: fmt.Sprint(id)})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestInspectionEvidence: a team member uploads a photo, which the page
// lists as a thumbnail and serves back, with its type, inline and
// sandboxed, to the member and to the approver; a program renamed .jpg is
// refused with the reason and nothing stored; users who may not save are
// refused before the body is read (403, nothing stored); another
// district's staff get 404 for the photo, and so does a stored
// attachment the inspection does not cite.
func TestInspectionEvidence(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d", in.ID)
	photo := smallPNG(t)
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])

	_, body := a.Page(t, members[0], "GET", path, nil)
	if !strings.Contains(body, `id="evidence-form"`) || !strings.Contains(body, `<script src="/assets/evidence.`) {
		t.Fatalf("the team's page offers no evidence upload:\n%s", body)
	}
	rec, body := postEvidence(t, a, members[0], path+"/evidence", "现场照片.png", photo)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("upload of a PNG: %d\n%s", rec.Code, body)
	}
	src := path + "/evidence/" + sha
	_, body = a.Page(t, members[1], "GET", path, nil)
	if !strings.Contains(body, `<img src="`+src+`?thumb"`) || !strings.Contains(body, "现场照片.png") {
		t.Fatalf("the page does not show the photo's thumbnail:\n%s", body)
	}
	for _, user := range []string{members[1], "approver"} {
		rec, body := a.Page(t, user, "GET", src, nil)
		h := rec.Header()
		if rec.Code != http.StatusOK || body != string(photo) {
			t.Fatalf("%s reading the photo: %d, %d bytes", user, rec.Code, len(body))
		}
		if h.Get("Content-Type") != spotcheck.TypePNG || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), "inline") ||
			!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s: the photo's headers: %v", user, h)
		}
	}

	// A Windows program renamed .jpg: refused by its content.
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 200)...)
	rec, body = postEvidence(t, a, members[0], path+"/evidence", "照片.jpg", exe)
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "“照片.jpg”") || !strings.Contains(body, "只接受 JPEG、PNG、WebP 照片和 PDF 文件") {
		t.Fatalf("an .exe renamed .jpg: %d\n%s", rec.Code, body)
	}
	if n := evidenceCount(t, a, in.ID); n != 1 {
		t.Fatalf("after the refused upload the inspection cites %d attachments, want 1", n)
	}

	// Who may not save the inspection: refused, nothing stored.
	for _, user := range []string{"approver", "planner", "glplanner"} {
		rec, _ := postEvidence(t, a, user, path+"/evidence", "x.png", photo)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s uploading: %d, want 403", user, rec.Code)
		}
	}
	rec, _ = postEvidence(t, a, "inspector", path+"/evidence", "x.png", photo)
	if rec.Code != http.StatusNotFound {
		t.Errorf("an inspector of another district uploading: %d, want 404", rec.Code)
	}
	if n := evidenceCount(t, a, in.ID); n != 1 {
		t.Fatalf("after the refused uploads the inspection cites %d attachments, want 1", n)
	}

	// Another district's staff: as if there were no such photo.
	for _, user := range []string{"glplanner", "inspector"} {
		if rec, _ := a.Page(t, user, "GET", src, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s reading the photo: %d, want 404", user, rec.Code)
		}
	}
	// A stored attachment the inspection does not cite.
	pdf := []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	att, err := a.DB.Attachments().SaveAttachment(webtest.System(), "其他.pdf", pdf, spotcheck.Citation{Kind: "inspection", Key: "999999"})
	if err != nil {
		t.Fatal(err)
	}
	if rec, _ := a.Page(t, members[0], "GET", path+"/evidence/"+att.SHA256, nil); rec.Code != http.StatusNotFound {
		t.Errorf("an attachment the inspection does not cite: %d, want 404", rec.Code)
	}
}

// TestInspectionEvidencePDF: a PDF is listed as a link and served for
// download, never inline; a PDF with script and a file larger than any
// limit are refused on the page with the reason, nothing stored.
func TestInspectionEvidencePDF(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d", in.ID)
	pdf := []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	if rec, body := postEvidence(t, a, members[0], path+"/evidence", "营业执照.pdf", pdf); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload of a PDF: %d\n%s", rec.Code, body)
	}
	sum := sha256.Sum256(pdf)
	src := path + "/evidence/" + hex.EncodeToString(sum[:])
	_, body := a.Page(t, "approver", "GET", path, nil)
	if !strings.Contains(body, `<a href="`+src+`" class="pdf">营业执照.pdf</a>`) {
		t.Fatalf("the page does not link the PDF:\n%s", body)
	}
	rec, _ := a.Page(t, "approver", "GET", src, nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != spotcheck.TypePDF ||
		!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("the PDF: %d %v", rec.Code, rec.Header())
	}

	script := []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction 2 0 R >>\nendobj\n2 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n%%EOF\n")
	rec, body = postEvidence(t, a, members[0], path+"/evidence", "通知.pdf", script)
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "“通知.pdf”含有") || !strings.Contains(body, "不能上传") {
		t.Errorf("a PDF with script: %d\n%s", rec.Code, body)
	}
	big := make([]byte, spotcheck.DefaultPDFMax+128<<10)
	copy(big, "\xff\xd8\xff\xe0")
	rec, body = postEvidence(t, a, members[0], path+"/evidence", "大照片.jpg", big)
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "上传的文件过大") {
		t.Errorf("a 20 MB photo: %d\n%s", rec.Code, body)
	}
	if n := evidenceCount(t, a, in.ID); n != 1 {
		t.Fatalf("after the refused uploads the inspection cites %d attachments, want 1", n)
	}
}

// TestEvidenceThumbnail: the page's thumbnail of a 1200×900 photo is a
// JPEG of 320×240 made by the server; the photo itself is unchanged; a
// PDF asked for as a thumbnail is the PDF, for download; another
// district's staff get 404 for the thumbnail as for the photo.
func TestEvidenceThumbnail(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d", in.ID)
	img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	for i := range img.Pix {
		img.Pix[i] = byte(i / 4 % 251)
	}
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, img, nil); err != nil {
		t.Fatal(err)
	}
	if rec, body := postEvidence(t, a, members[0], path+"/evidence", "门头.jpg", photo.Bytes()); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", rec.Code, body)
	}
	sum := sha256.Sum256(photo.Bytes())
	src := path + "/evidence/" + hex.EncodeToString(sum[:])
	rec, body := a.Page(t, "approver", "GET", src+"?thumb", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/jpeg" {
		t.Fatalf("thumbnail: %d %v", rec.Code, rec.Header())
	}
	cfg, err := jpeg.DecodeConfig(strings.NewReader(body))
	if err != nil || cfg.Width != 320 || cfg.Height != 240 || len(body) >= photo.Len()/4 {
		t.Fatalf("thumbnail: %d×%d, %d bytes of a %d-byte photo, %v", cfg.Width, cfg.Height, len(body), photo.Len(), err)
	}
	if _, body := a.Page(t, members[1], "GET", src, nil); body != photo.String() {
		t.Errorf("the photo itself: %d bytes, want the %d uploaded", len(body), photo.Len())
	}
	if rec, _ := a.Page(t, "glplanner", "GET", src+"?thumb", nil); rec.Code != http.StatusNotFound {
		t.Errorf("another district's thumbnail: %d, want 404", rec.Code)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	if rec, _ := postEvidence(t, a, members[0], path+"/evidence", "说明.pdf", pdf); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload of a PDF: %d", rec.Code)
	}
	sum = sha256.Sum256(pdf)
	rec, body = a.Page(t, "approver", "GET", path+"/evidence/"+hex.EncodeToString(sum[:])+"?thumb", nil)
	if rec.Code != http.StatusOK || body != string(pdf) || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("a PDF's thumbnail: %d %v", rec.Code, rec.Header())
	}
}

// TestEvidenceFormShape: the evidence form carries one file. Two files in
// one form, and a form without a file, are refused with the reason and
// nothing is stored; a small field beside the file is fine.
func TestEvidenceFormShape(t *testing.T) {
	a := webtest.New(t)
	in, members := a.Inspection(t)
	path := fmt.Sprintf("/staff/inspections/%d/evidence", in.ID)
	post := func(build func(*multipart.Writer)) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		build(mw)
		mw.Close()
		req := httptest.NewRequest("POST", path, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(&http.Cookie{Name: "spotcheck_session", Value: a.Session(t, members[0])})
		rec := httptest.NewRecorder()
		a.Web.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	photo := smallPNG(t)
	code, body := post(func(mw *multipart.Writer) {
		for _, name := range []string{"一.png", "二.png"} {
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(photo)
		}
	})
	if code != http.StatusBadRequest || !strings.Contains(body, "每次只选择一个文件") {
		t.Errorf("two files: %d", code)
	}
	code, body = post(func(mw *multipart.Writer) { mw.WriteField("note", "无文件") })
	if code != http.StatusBadRequest || !strings.Contains(body, "请选择要上传的照片或 PDF 文件") {
		t.Errorf("no file: %d", code)
	}
	if n := evidenceCount(t, a, in.ID); n != 0 {
		t.Fatalf("after the refused forms the inspection cites %d attachments", n)
	}
	code, _ = post(func(mw *multipart.Writer) {
		mw.WriteField("idempotency_key", "k-1")
		fw, _ := mw.CreateFormFile("file", "门头.png")
		fw.Write(photo)
	})
	if code != http.StatusSeeOther || evidenceCount(t, a, in.ID) != 1 {
		t.Errorf("a file with a field beside it: %d, %d cited", code, evidenceCount(t, a, in.ID))
	}
}
