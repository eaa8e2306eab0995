package ledger

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The log folder of a bundle may hold, in place of a file, something that
// never ends or is far too large, or more entries than a draw logs:
// VerifyBundleLog refuses each before reading it.
func TestBundleLogBoundsFiles(t *testing.T) {
	replace := func(name string, plant func(path string) error) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			path := filepath.Join(dir, "log", name)
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := plant(path); err != nil {
				t.Fatal(err)
			}
		}
	}
	device := func(path string) error { return os.Symlink("/dev/zero", path) }
	huge := func(path string) error {
		// Sparse: no disk is used, and only a reader would fill memory.
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Truncate(maxLogFile + 1)
	}
	tests := []struct {
		name   string
		change func(*testing.T, string)
		want   string
	}{
		{"key is a device", replace("key", device), "log/key：无法读取（不是普通文件）"},
		{"huge checkpoint", replace("checkpoint", huge), "log/checkpoint：无法读取（文件过大，上限 64 MB）"},
		{"entry is a device", replace("3.json", device), "log/3.json：无法读取（不是普通文件）"},
		{"huge proof", replace("3.proof.json", huge), "log/3.json：包含证明 3.proof.json 无法读取（文件过大"},
		{"too many entries", func(t *testing.T, dir string) {
			old := maxLogEntries
			maxLogEntries = 8
			t.Cleanup(func() { maxLogEntries = old })
			for i := range 5 {
				if err := os.WriteFile(filepath.Join(dir, "log", strconv.Itoa(1000+i)+".json"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}, "log/：记录过多（9 条，上限 8 条）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := logDraw(t, "plan", "commit:p1", "randomness", "result")
			dir := d.export(t)
			tt.change(t, dir)
			if err := VerifyBundleLog(dir, d.rec); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("VerifyBundleLog: %v\nwant %s…", err, tt.want)
			}
		})
	}
}
