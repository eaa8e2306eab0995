package draw

import (
	"os"
	"path/filepath"
	"testing"
)

// A bundle from elsewhere may hold, in place of a file, something that
// never ends or is far too large: ReadBundle refuses it by what it is and
// by its size, before reading it.
func TestReadBundleBoundsFiles(t *testing.T) {
	src := readVector(t, vectorDirs(t)[0])
	tests := []struct {
		name, file, reason string
		plant              func(path string) error
	}{
		{"a device", FileRoster, "不是普通文件", func(path string) error { return os.Symlink("/dev/zero", path) }},
		{"a directory", FileConflicts, "不是普通文件", func(path string) error { return os.Mkdir(path, 0o755) }},
		{"a huge file", FileFrame, "文件过大（上限 512 MB）", func(path string) error {
			// Sparse: no disk is used, and only a reader would fill memory.
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(maxBundleFile + 1)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := src.Write(dir); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tt.file)
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := tt.plant(path); err != nil {
				t.Fatal(err)
			}
			_, err := ReadBundle(dir)
			wantError(t, tt.name, err, tt.file, 0, tt.reason)
		})
	}
}
