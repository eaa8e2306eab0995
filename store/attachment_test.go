package store_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// noisePhoto is a real JPEG of random pixels, which does not compress: at
// 1600×1200 and quality 95 it is just over 2 MB, a phone photo after shrinking.
// seed makes distinct photos.
func noisePhoto(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowForTest(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAttachmentStoredOnce: one photo cited by three inspections is one
// row, and the database grows by the photo's bytes plus at most 5 %
// (issue 11's storage figure) once the tables have their first pages:
// 0.03 % on SQLite, whose 4 KB overflow pages carry 4,092 bytes each;
// about 4 % on PostgreSQL, whose TOAST stores 4 chunks of 1,996 bytes in
// each 8 KB page, plus an index entry per chunk; saving it again for the same inspection
// changes nothing.
func TestAttachmentStoredOnce(t *testing.T) {
	photo, first := noisePhoto(t, 1600, 1200, 1), noisePhoto(t, 1600, 1200, 2)
	if len(photo) < 2<<20 {
		t.Fatalf("the test photo is only %d bytes", len(photo))
	}
	forEachDB(t, func(t *testing.T, db *store.DB) {
		sv := db.Attachments()
		// A first photo gives the tables and indexes their first pages,
		// a cost paid once (about 100 KB on PostgreSQL), not per photo.
		if _, err := sv.SaveAttachment(ctx, "first.jpg", first, spotcheck.Citation{Kind: "inspection", Key: "1"}); err != nil {
			t.Fatal(err)
		}
		before := store.StoredBytes(t, db)
		var sha string
		for i, key := range []string{"41", "42", "43"} {
			a, err := sv.SaveAttachment(ctx, "IMG_"+key+".jpg", photo, spotcheck.Citation{Kind: "inspection", Key: key})
			if err != nil {
				t.Fatal(err)
			}
			if i > 0 && a.SHA256 != sha {
				t.Fatalf("hash changed: %s, %s", sha, a.SHA256)
			}
			sha = a.SHA256
		}
		grown := store.StoredBytes(t, db) - before
		t.Logf("%s: photo %d bytes, database grew %d bytes (%.2f %%)", t.Name(), len(photo), grown,
			100*float64(grown-int64(len(photo)))/float64(len(photo)))
		if grown < int64(len(photo)) || grown > int64(len(photo))*105/100 {
			t.Errorf("database grew by %d bytes for a %d-byte photo cited 3 times; want at most +5 %%", grown, len(photo))
		}
		if n := countRows(t, db, "attachments"); n != 2 {
			t.Errorf("%d attachment rows, want 2 (the first and the photo)", n)
		}
		changes := countChanges(t, db)
		if _, err := sv.SaveAttachment(ctx, "again.jpg", photo, spotcheck.Citation{Kind: "inspection", Key: "42"}); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db, "attachment_refs"); n != 4 || countChanges(t, db) != changes {
			t.Errorf("saving again for the same record: %d citations, %d new changes", n, countChanges(t, db)-changes)
		}
		for _, key := range []string{"41", "42", "43"} {
			as, err := sv.FindAttachments(ctx, spotcheck.Citation{Kind: "inspection", Key: key})
			if err != nil || len(as) != 1 || as[0].SHA256 != sha || as[0].Name != "IMG_"+key+".jpg" ||
				as[0].Type != spotcheck.TypeJPEG || as[0].Size != int64(len(photo)) || as[0].By != "system:tester" {
				t.Errorf("FindAttachments %s: %+v, %v", key, as, err)
			}
		}
		a, data, err := sv.ReadAttachment(ctx, sha)
		if err != nil || !bytes.Equal(data, photo) || a.Name != "IMG_41.jpg" || a.At.IsZero() {
			t.Errorf("ReadAttachment: %+v, %d bytes, %v", a, len(data), err)
		}
		cs, err := db.FindRecordChanges(ctx, "attachment", sha)
		if err != nil || len(cs) != 3 || cs[0].Action != "create" || cs[1].Action != "cite" || strings.Contains(cs[0].After, "data") {
			t.Errorf("changes: %+v, %v", cs, err)
		}
	})
}

// TestAttachmentRefusals: refused uploads, from no one or of a bad file or
// citation, store and record nothing.
func TestAttachmentRefusals(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		sv := db.Attachments()
		good := noisePhoto(t, 16, 16, 2)
		insp := spotcheck.Citation{Kind: "inspection", Key: "42"}
		public := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public())
		changes := countChanges(t, db)
		cases := []struct {
			name string
			ctx  context.Context
			file string
			data []byte
			c    spotcheck.Citation
			code string
			want string
		}{
			{"exe renamed jpg", ctx, "发票.jpg", []byte("MZ\x90\x00\x03"), insp, spotcheck.EINVALID, "“发票.jpg”实际是Windows 可执行文件"},
			{"pdf with script", ctx, "通知.pdf", []byte("%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (x) >> >>"), insp, spotcheck.EINVALID, "JavaScript"},
			{"empty", ctx, "a.jpg", nil, insp, spotcheck.EINVALID, "空文件"},
			{"bad citation", ctx, "a.jpg", good, spotcheck.Citation{Kind: "inspection"}, spotcheck.EINVALID, "记录编号"},
			{"nobody", context.Background(), "a.jpg", good, insp, spotcheck.EUNAUTHORIZED, ""},
			{"the public", public, "a.jpg", good, insp, spotcheck.EFORBIDDEN, "未登录"},
		}
		for _, tc := range cases {
			a, err := sv.SaveAttachment(tc.ctx, tc.file, tc.data, tc.c)
			if spotcheck.ErrorCode(err) != tc.code || !strings.Contains(spotcheck.ErrorMessage(err), tc.want) {
				t.Errorf("%s: %+v, %v; want %s %q", tc.name, a, err, tc.code, tc.want)
			}
		}
		over := db.Attachments().WithLimits(spotcheck.AttachmentLimits{Photo: 100})
		if _, err := over.SaveAttachment(ctx, "大.jpg", good, insp); !strings.Contains(spotcheck.ErrorMessage(err), "照片不能超过") {
			t.Errorf("over the configured limit: %v", err)
		}
		if a, r, c := countRows(t, db, "attachments"), countRows(t, db, "attachment_refs"), countChanges(t, db)-changes; a+r+c != 0 {
			t.Errorf("refusals stored %d attachments, %d citations, %d changes", a, r, c)
		}
		if _, err := sv.FindAttachment(ctx, strings.Repeat("0", 64)); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Errorf("FindAttachment of nothing: %v", err)
		}
		if _, _, err := sv.ReadAttachment(ctx, strings.Repeat("0", 64)); spotcheck.ErrorCode(err) != spotcheck.ENOTFOUND {
			t.Errorf("ReadAttachment of nothing: %v", err)
		}
		if as, err := sv.FindAttachments(public, insp); err != nil || len(as) != 0 {
			t.Errorf("FindAttachments of nothing: %v, %v", as, err)
		}
	})
}
