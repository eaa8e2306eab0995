package staff

import (
	"bytes"
	"image"
	"image/color"
	stddraw "image/draw"
	"image/jpeg"
	"image/png"
	"sync"

	"golang.org/x/image/draw"

	"spotcheck"
)

// Thumbnails of evidence photos: the inspection page lists its photos as
// small pictures, and a phone on a weak signal should not fetch a 2 MB
// photo to show it 160 pixels wide. A thumbnail is made on first request
// from the stored photo and kept in a small in-process cache keyed by the
// photo's SHA-256 (the photo never changes, so neither does its
// thumbnail); the browser may keep it too.

const (
	// thumbSide is the longest side of a thumbnail, twice the size the
	// page shows it at, for high-density screens.
	thumbSide = 320
	// thumbPixelsMax is the largest photo a thumbnail is made of: above
	// it, decoding costs more than sending the photo, which is served
	// as it is (phones shrink photos before upload, evidence.js).
	thumbPixelsMax = 16_000_000
	// thumbCacheSize is how many thumbnails are kept (about 15–25 KB each).
	thumbCacheSize = 1024
)

// thumbCache keeps recent thumbnails. When full it is emptied: simpler
// than an LRU, and a thumbnail costs one decode to make again.
type thumbCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (c *thumbCache) get(sha string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[sha]
	return b, ok
}

func (c *thumbCache) put(sha string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= thumbCacheSize {
		c.m = map[string][]byte{}
	}
	c.m[sha] = b
}

// thumbnail returns the JPEG thumbnail of attachment a, whose bytes are
// data, or false when a is not a photo a thumbnail is made of.
func (c *thumbCache) thumbnail(a *spotcheck.Attachment, data []byte) ([]byte, bool) {
	if b, ok := c.get(a.SHA256); ok {
		return b, true
	}
	b, ok := makeThumbnail(a.Type, data)
	if ok {
		c.put(a.SHA256, b)
	}
	return b, ok
}

// makeThumbnail scales a JPEG or PNG down to thumbSide on its longest side
// (never up), on white where the PNG is transparent.
func makeThumbnail(typ string, data []byte) ([]byte, bool) {
	decode, config := jpeg.Decode, jpeg.DecodeConfig
	switch typ {
	case "image/jpeg":
	case "image/png":
		decode, config = png.Decode, png.DecodeConfig
	default:
		return nil, false
	}
	cfg, err := config(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > thumbPixelsMax {
		return nil, false
	}
	src, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	w, h := cfg.Width, cfg.Height
	if s := max(w, h); s > thumbSide {
		w, h = max(1, w*thumbSide/s), max(1, h*thumbSide/s)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	stddraw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, stddraw.Src)
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 78}); err != nil {
		return nil, false
	}
	return out.Bytes(), true
}
