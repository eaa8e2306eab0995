package store_test

import (
	"errors"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// A file that cannot be read on fails the import in Chinese; the Go error
// behind it stays in the error chain, for the log, not in the message.
func TestImportReadErrorMessage(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		good := entity(t, "350102", "MA0000010", "好的（示例）")
		cause := errors.New("read /tmp/upload: input/output error")
		src := spotcheck.SliceSource("x.xlsx", []spotcheck.Entity{good})
		src.Rows = func(yield func(spotcheck.ImportRow[spotcheck.Entity], error) bool) {
			if yield(spotcheck.ImportRow[spotcheck.Entity]{Row: 2, Value: good}, nil) {
				yield(spotcheck.ImportRow[spotcheck.Entity]{Row: 3}, cause)
			}
		}
		_, err := db.Entities().ImportEntities(ctx, src)
		msg := spotcheck.ErrorMessage(err)
		if spotcheck.ErrorCode(err) != spotcheck.EINVALID || msg != "读取文件失败，请重试" || !errors.Is(err, cause) {
			t.Fatalf("got %q (%v)", msg, err)
		}
		if strings.Contains(msg, "input/output") {
			t.Errorf("the message shows the Go error: %s", msg)
		}
		if n, _ := db.Count(ctx, spotcheck.KindEntities); n != 0 {
			t.Fatalf("%d entities written by a failed import", n)
		}
	})
}
