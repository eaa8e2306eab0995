package xlsx

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// TestBigFiles checks the million-row budgets of the brief: set
// SPOTCHECK_BIG_ROWS (e.g. 1000000) to run it; SPOTCHECK_BIG_DIR keeps
// the files.
func TestBigFiles(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SPOTCHECK_BIG_ROWS"))
	if n == 0 {
		t.Skip("set SPOTCHECK_BIG_ROWS to run")
	}
	dir := os.Getenv("SPOTCHECK_BIG_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	for _, ext := range []string{".csv", ".xlsx"} {
		path := filepath.Join(dir, "entities"+ext)
		start := time.Now()
		writeEntities(t, path, n)
		fi, _ := os.Stat(path)
		t.Logf("write %d rows %s: %v, %d MB, heap %d MB", n, ext, time.Since(start), fi.Size()>>20, heapMB())
		start = time.Now()
		src, err := Open(path, Entities)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("open (header) %s: %v", ext, time.Since(start))
		rows := 0
		for _, err := range src.Rows {
			if err != nil {
				t.Fatal(err)
			}
			rows++
		}
		if rows != n {
			t.Fatalf("%d rows", rows)
		}
		t.Logf("read %d rows %s: %v, heap %d MB", n, ext, time.Since(start), heapMB())
	}
}

func heapMB() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse >> 20
}
