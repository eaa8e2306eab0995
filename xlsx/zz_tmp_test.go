package xlsx

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestZZEnc(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "e.csv")
	writeEntities(t, p, 1000000)
	b, _ := os.ReadFile(p)
	os.WriteFile(filepath.Join(dir, "nobom.csv"), b[3:], 0o644)
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes(b[3:])
	os.WriteFile(filepath.Join(dir, "gb.csv"), gb, 0o644)
	b, gb = nil, nil
	for _, n := range []string{"nobom.csv", "gb.csv"} {
		start := time.Now()
		rows := readAll(t, filepath.Join(dir, n), Entities)
		t.Logf("%s: %d rows %v", n, len(rows), time.Since(start))
	}
}
