package store_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"spotcheck"
	"spotcheck/internal/pgtest"
	"spotcheck/store"
)

// BenchmarkSaveAttachments stores 200 distinct photos of about 2 MB, each
// cited by one inspection, one after another, into a new database per
// iteration, on SQLite and PostgreSQL; it reports the time per photo, the
// throughput and the storage overhead over the photos' bytes
// (docs/performance.md). The photos are one noise JPEG with a counter
// after its end-of-image marker, so that each has its own hash without
// encoding 200 images.
func BenchmarkSaveAttachments(b *testing.B) {
	const photos = 200
	base := noisePhoto(b, 1600, 1200, 1)
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			var total, grown int64
			for b.Loop() {
				b.StopTimer()
				dsn := filepath.Join(b.TempDir(), "b.db")
				if dialect == "postgres" {
					dsn = pgtest.URL(b)
				}
				db, err := store.Open(ctx, dsn)
				if err != nil {
					b.Fatal(err)
				}
				sv := db.Attachments()
				before := store.StoredBytes(b, db)
				b.StartTimer()
				for i := range photos {
					p := append(base[:len(base):len(base)], strconv.Itoa(i)...)
					if _, err := sv.SaveAttachment(ctx, "IMG.jpg", p, spotcheck.Citation{Kind: "inspection", Key: strconv.Itoa(i)}); err != nil {
						b.Fatal(err)
					}
					total += int64(len(p))
				}
				b.StopTimer()
				grown += store.StoredBytes(b, db) - before
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(photos*b.N), "ms/photo")
			b.ReportMetric(float64(total)/(1<<20)/b.Elapsed().Seconds(), "MB/s")
			b.ReportMetric(100*float64(grown-total)/float64(total), "%overhead")
		})
	}
}
