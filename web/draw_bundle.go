package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"

	"spotcheck"
	"spotcheck/ledger"
)

// The bundle of a draw as a zip (spec §9, spec/cli.md draw export): one
// folder <task>-<plan hash first 12 hex> holding the spec files the caller
// may see and log/ with the checkpoint, the key and each logged record's
// entry and inclusion proof. What is in it is the store's decision
// (DrawService.DrawFiles): the public bundle from the portal has the plan
// and commitments, after the embargo also the randomness and published.tsv
// with the publication entry (spec §9, amendment 1); the staff bundle has
// everything. The public route keeps to the public files itself as well
// (DrawFiles.Public), whatever the service hands over.

// publicDrawBundle serves the bundle as the public sees it, to anyone.
func (s *Server) publicDrawBundle(w http.ResponseWriter, r *http.Request) {
	s.writeBundle(w, r, true)
}

// staffDrawBundle serves the whole bundle to staff of the draw's
// departments and supervisors.
func (s *Server) staffDrawBundle(w http.ResponseWriter, r *http.Request) {
	id, err := drawID(r, "id")
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	if _, err := s.staffDraw(r.Context(), id); err != nil {
		s.views.Fail(w, r, err)
		return
	}
	s.writeBundle(w, r, false)
}

// writeBundle sends the bundle (only its public files when public), built
// first in an export slot (web/transport.go), so that no database read is
// open while it is sent.
func (s *Server) writeBundle(w http.ResponseWriter, r *http.Request, public bool) {
	id, err := drawID(r, "id")
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	var dir string
	file, err := s.produce(w, r, "spotcheck-bundle-*.zip", func(ctx context.Context, path string) error {
		f, err := s.draws.DrawFiles(ctx, id)
		if err != nil {
			return err
		}
		if public {
			f = f.Public()
		}
		dir = f.Dir
		body, err := s.bundleZip(r, f)
		if err != nil {
			return err
		}
		return os.WriteFile(path, body, 0o600)
	})
	if err != nil {
		s.views.Fail(w, r, err)
		return
	}
	defer file.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+dir+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := sendFile(w, r, file, file.size); err != nil {
		s.log.Warn("bundle not sent", "draw", id, "err", err)
	}
}

// bundleZip builds the zip in memory: a bundle is small next to the
// directories it was frozen from, and a failure must not leave half a zip
// on the wire.
func (s *Server) bundleZip(r *http.Request, f *spotcheck.DrawFiles) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	modified := s.now().UTC()
	add := func(name string, data []byte) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: path.Join(f.Dir, name), Method: zip.Deflate, Modified: modified})
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	for _, file := range f.Files() { // those drawn yet and for this caller
		if err := add(file.Name, file.Data); err != nil {
			return nil, err
		}
	}
	if s.ledger != nil {
		if err := s.addBundleLog(r, f, add); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// addBundleLog adds log/ as ledger.WriteBundleLog writes it, through a
// temporary folder.
func (s *Server) addBundleLog(r *http.Request, f *spotcheck.DrawFiles, add func(string, []byte) error) error {
	tmp, err := os.MkdirTemp("", "spotcheck-bundle-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := ledger.WriteBundleLog(r.Context(), tmp, s.ledger, f.LogIndexes); err != nil {
		return err
	}
	return filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(tmp, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return add(filepath.ToSlash(rel), data)
	})
}
