package staff

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// TestMakeThumbnail: a transparent PNG becomes a JPEG on white, scaled
// on its longest side (a tall photo stays tall); a photo already small is
// not enlarged; a photo above the pixel limit, a PDF and bytes that do
// not decode get no thumbnail.
func TestMakeThumbnail(t *testing.T) {
	tall := image.NewNRGBA(image.Rect(0, 0, 600, 1200))
	for y := range 1200 {
		for x := range 600 {
			if x < 300 {
				tall.SetNRGBA(x, y, color.NRGBA{200, 30, 30, 255})
			} // the right half stays transparent
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, tall); err != nil {
		t.Fatal(err)
	}
	out, ok := makeThumbnail("image/png", b.Bytes())
	if !ok {
		t.Fatal("no thumbnail of a PNG")
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != (image.Point{160, 320}) {
		t.Fatalf("size %v, want 160×320", got)
	}
	if r, g, bl, _ := img.At(150, 160).RGBA(); r>>8 < 240 || g>>8 < 240 || bl>>8 < 240 {
		t.Errorf("the transparent half is (%d,%d,%d), want white", r>>8, g>>8, bl>>8)
	}

	small := image.NewRGBA(image.Rect(0, 0, 100, 80))
	b.Reset()
	jpeg.Encode(&b, small, nil)
	if out, ok := makeThumbnail("image/jpeg", b.Bytes()); !ok {
		t.Error("no thumbnail of a small JPEG")
	} else if cfg, _ := jpeg.DecodeConfig(bytes.NewReader(out)); cfg.Width != 100 || cfg.Height != 80 {
		t.Errorf("a small photo became %d×%d", cfg.Width, cfg.Height)
	}

	huge := image.NewGray(image.Rect(0, 0, 5000, 3300)) // 16.5 million pixels
	b.Reset()
	jpeg.Encode(&b, huge, &jpeg.Options{Quality: 10})
	for name, c := range map[string]struct {
		typ  string
		data []byte
	}{"huge": {"image/jpeg", b.Bytes()}, "pdf": {"application/pdf", []byte("%PDF-1.4")}, "garbage": {"image/jpeg", []byte("\xff\xd8\xff\xe0junk")}} {
		if _, ok := makeThumbnail(c.typ, c.data); ok {
			t.Errorf("%s: a thumbnail", name)
		}
	}
}
