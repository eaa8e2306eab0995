package staff

import (
	"bytes"
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
	"spotcheck/xlsx"
)

// transferPerms gives, per import kind, the permission to export (view)
// and to import (edit).
var transferPerms = map[string][2]spotcheck.Permission{
	spotcheck.KindEntities:         {spotcheck.PermViewDirectory, spotcheck.PermEditDirectory},
	spotcheck.KindInspectors:       {spotcheck.PermViewDirectory, spotcheck.PermEditDirectory},
	spotcheck.KindExperts:          {spotcheck.PermViewDirectory, spotcheck.PermEditDirectory},
	spotcheck.KindAgencies:         {spotcheck.PermViewDirectory, spotcheck.PermEditDirectory},
	spotcheck.KindConflicts:        {spotcheck.PermViewDirectory, spotcheck.PermEditDirectory},
	spotcheck.KindComplaints:       {spotcheck.PermViewDirectory, spotcheck.PermEditDirectory},
	spotcheck.KindPenalties:        {spotcheck.PermViewDirectory, spotcheck.PermEditDirectory},
	spotcheck.KindItems:            {spotcheck.PermViewLists, spotcheck.PermEditLists},
	spotcheck.KindResponsibilities: {spotcheck.PermViewLists, spotcheck.PermEditLists},
	spotcheck.KindDepartments:      {spotcheck.PermViewDepartments, spotcheck.PermManageDepartments},
}

// transferKind returns the kind of the request's {kind} after checking
// that the user may export it (and import it, when edit is set).
func transferKind(r *http.Request, edit bool) (string, error) {
	kind := r.PathValue("kind")
	perms, ok := transferPerms[kind]
	if !ok {
		return "", spotcheck.Errorf(spotcheck.ENOTFOUND, "未知的类别“%s”", kind)
	}
	p := view.StaffUser(r)
	if err := p.Authorize(perms[0], ""); err != nil {
		return "", err
	}
	if edit {
		if err := p.Authorize(perms[1], ""); err != nil {
			return "", err
		}
	}
	return kind, nil
}

func (s *Handler) ShowTransfer(w http.ResponseWriter, r *http.Request) {
	kind, err := transferKind(r, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTransfer(w, r, http.StatusOK, kind, map[string]any{})
}

func (s *Handler) renderTransfer(w http.ResponseWriter, r *http.Request, status int, kind string, d map[string]any) {
	d["Kind"] = kind
	d["CanImport"] = view.StaffUser(r).Has(transferPerms[kind][1])
	d["Columns"], _ = xlsx.ColumnsOf(kind)
	s.renderTitled(w, r, status, "transfer", spotcheck.KindNames[kind]+"导入导出", d)
}

// ImportFile imports an uploaded .xlsx or .csv, all or nothing, and shows
// either the summary or every problem with its row and column.
func (s *Handler) ImportFile(w http.ResponseWriter, r *http.Request) {
	kind, err := transferKind(r, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	up, err := uploadedFile(r, "file")
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			s.fail(w, r, err)
			return
		}
		if view.IsTimeout(err) {
			s.fail(w, r, view.ErrBodyTimeout)
			return
		}
		if errors.Is(err, multipart.ErrMessageTooLarge) {
			s.renderTransfer(w, r, http.StatusBadRequest, kind, map[string]any{"Error": "上传的表单内容过多：每次只选择一个文件导入"})
			return
		}
		s.renderTransfer(w, r, http.StatusBadRequest, kind, map[string]any{"Error": "请选择要导入的 .xlsx 或 .csv 文件"})
		return
	}
	defer up.Close()
	sum, err := xlsx.Transfers(s.svc.Transfers())[kind].Import(r.Context(), up.Name, up, up.Size)
	if ie, ok := errors.AsType[*spotcheck.ImportError](err); ok {
		s.renderTransfer(w, r, http.StatusBadRequest, kind, map[string]any{"File": up.Name, "Problems": ie})
		return
	}
	if spotcheck.ErrorCode(err) == spotcheck.EINVALID {
		// The page says what is wrong with the file, in Chinese; the
		// log keeps the Go error behind it, if any.
		s.views.Log().InfoContext(r.Context(), "import refused", "kind", kind, "file", up.Name, "err", err)
		s.renderTransfer(w, r, http.StatusBadRequest, kind, map[string]any{"File": up.Name, "Error": spotcheck.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTransfer(w, r, http.StatusOK, kind, map[string]any{"File": up.Name, "Summary": sum})
}

// uploadMemory is how much of an uploaded file a request keeps in memory;
// the rest waits in a temporary file.
const uploadMemory = 1 << 20

// formFile is a file sent in a multipart form: in memory up to
// uploadMemory, in a temporary file beyond, readable at any offset until
// Close, which removes the temporary files. The body's size is bounded by
// the route (guard).
type formFile struct {
	multipart.File
	Name string // as the client named it
	Size int64
	form *multipart.Form
}

// uploadedFile returns the file of the form's field; the caller closes it.
func uploadedFile(r *http.Request, field string) (*formFile, error) {
	if err := r.ParseMultipartForm(uploadMemory); err != nil {
		return nil, err
	}
	f, h, err := r.FormFile(field)
	if err != nil {
		r.MultipartForm.RemoveAll()
		return nil, err
	}
	return &formFile{File: f, Name: h.Filename, Size: h.Size, form: r.MultipartForm}, nil
}

func (u *formFile) Close() error {
	err := u.File.Close()
	if rerr := u.form.RemoveAll(); err == nil {
		err = rerr
	}
	return err
}

// downloadFormat reads {file} (e.g. entities.xlsx) and checks it names the kind.
func downloadFormat(r *http.Request, kind string) (xlsx.Format, error) {
	file := r.PathValue("file")
	f, err := xlsx.FormatOf(file)
	if err != nil || strings.TrimSuffix(file, path.Ext(file)) != kind {
		return "", spotcheck.Errorf(spotcheck.ENOTFOUND, "文件不存在")
	}
	return f, nil
}

func (s *Handler) DownloadTemplate(w http.ResponseWriter, r *http.Request) {
	kind, err := transferKind(r, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := downloadFormat(r, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := xlsx.WriteTemplate(&buf, f, kind); err != nil {
		s.fail(w, r, err)
		return
	}
	attachment(w, spotcheck.KindNames[kind]+"导入模板."+string(f), f)
	s.files.Send(w, r, &buf, int64(buf.Len()))
}

// ExportFile sends every record of the kind within the user's scope. The
// file is produced first, in an export slot (web/transport.go), so that
// the database read is over before the first byte goes to a client who
// may read slowly or not at all.
func (s *Handler) ExportFile(w http.ResponseWriter, r *http.Request) {
	kind, err := transferKind(r, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := downloadFormat(r, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	file, err := s.files.Produce(w, r, "spotcheck-export-*."+string(f), func(ctx context.Context, path string) error {
		_, err := xlsx.Transfers(s.svc.Transfers())[kind].ExportFile(ctx, path)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer file.Close()
	attachment(w, spotcheck.KindNames[kind]+"."+string(f), f)
	if err := s.files.Send(w, r, file, file.Size); err != nil {
		// Headers are gone; the download ends short and the log says why.
		s.views.Log().WarnContext(r.Context(), "export not sent", "kind", kind, "err", err)
	}
}

// attachment sets the headers of a file download with a Chinese name.
func attachment(w http.ResponseWriter, name string, f xlsx.Format) {
	typ := "text/csv; charset=utf-8"
	if f == xlsx.XLSX {
		typ = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
}
