package view

import (
	"archive/zip"
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"time"

	"spotcheck"
	"spotcheck/ledger"
)

// The bundle of a draw as a zip (spec §9, spec/cli.md draw export): one
// folder <task>-<plan hash first 12 hex> holding the spec files the caller
// may see and log/ with the checkpoint, the key and each logged record's
// entry and inclusion proof. What is in it is the store's decision
// (DrawService.FindDrawFiles): the public bundle from the portal has the plan
// and commitments, after the embargo also the randomness and published.tsv
// with the publication entry (spec §9, amendment 1); the staff bundle has
// everything. The public route keeps to the public files itself as well
// (DrawFiles.Public), whatever the service hands over.

// Bundle is what a draw's bundle is read from and sent through.
type Bundle struct {
	Draws  spotcheck.DrawService
	Ledger ledger.Reader // nil: no log/ in the bundle
	Files  Downloads
	Now    func() time.Time // the zip's file times
}

// SendBundle sends the bundle of draw id (only its public files when
// public), built first in an export slot (web/transport.go), so that no
// database read is open while it is sent.
func (v *Views) SendBundle(w http.ResponseWriter, r *http.Request, b Bundle, id int64, public bool) {
	var dir string
	file, err := b.Files.Produce(w, r, "spotcheck-bundle-*.zip", func(ctx context.Context, path string) error {
		f, err := b.Draws.FindDrawFiles(ctx, id)
		if err != nil {
			return err
		}
		if public {
			f = f.Public()
		}
		dir = f.Dir
		body, err := b.zip(r.Context(), f)
		if err != nil {
			return err
		}
		return os.WriteFile(path, body, 0o600)
	})
	if err != nil {
		v.Fail(w, r, err)
		return
	}
	defer file.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+dir+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := b.Files.Send(w, r, file, file.Size); err != nil {
		v.log.Warn("bundle not sent", "draw", id, "err", err)
	}
}

// zip builds the zip in memory: a bundle is small next to the
// directories it was frozen from, and a failure must not leave half a zip
// on the wire.
func (b Bundle) zip(ctx context.Context, f *spotcheck.DrawFiles) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	modified := b.Now().UTC()
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
	if b.Ledger != nil {
		if err := b.addLog(ctx, f, add); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// addLog adds log/ as ledger.WriteBundleLog writes it, through a
// temporary folder.
func (b Bundle) addLog(ctx context.Context, f *spotcheck.DrawFiles, add func(string, []byte) error) error {
	tmp, err := os.MkdirTemp("", "spotcheck-bundle-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := ledger.WriteBundleLog(ctx, tmp, b.Ledger, f.LogIndexes); err != nil {
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
