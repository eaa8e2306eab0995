package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
)

// demoPhoto draws a small street-front picture (sky, a building with
// windows, a door and a shop sign), different for each inspection and
// photo, as a JPEG of the size a phone sends after shrinking it.
func demoPhoto(id int64, n int) []byte {
	r := rand.New(rand.NewPCG(uint64(id), uint64(n)))
	const w, h = 960, 720
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := max(y0, 0); y < min(y1, h); y++ {
			for x := max(x0, 0); x < min(x1, w); x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	for y := range h {
		fill(0, y, w, y+1, color.RGBA{uint8(120 + y/8), uint8(170 + y/12), 235, 255})
	}
	wall := color.RGBA{uint8(150 + r.IntN(80)), uint8(130 + r.IntN(60)), uint8(110 + r.IntN(60)), 255}
	fill(80, 140, w-80, h, wall)
	fill(60, 110, w-60, 150, color.RGBA{90, 60, 50, 255})
	sign := color.RGBA{uint8(160 + r.IntN(90)), uint8(r.IntN(60)), uint8(r.IntN(60)), 255}
	fill(200, 170, w-200, 250, sign)
	for x := 230; x < w-230; x += 60 {
		fill(x, 190, x+36, 230, color.RGBA{250, 220, 120, 255})
	}
	for row := range 3 {
		for col := range 6 {
			x, y := 120+col*125, 290+row*110
			fill(x, y, x+80, y+70, color.RGBA{60, 90, uint8(140 + r.IntN(60)), 255})
		}
	}
	fill(w/2-70, h-190, w/2+70, h, color.RGBA{70, 45, 30, 255})
	fill(0, h-30, w, h, color.RGBA{110, 110, 105, 255})
	for range 4000 { // grain, so that it looks taken, not drawn
		x, y := r.IntN(w), r.IntN(h)
		c := img.RGBAAt(x, y)
		d := uint8(r.IntN(24))
		img.SetRGBA(x, y, color.RGBA{c.R - min(c.R, d), c.G - min(c.G, d), c.B - min(c.B, d), 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 82}); err != nil {
		panic(err) // encoding into memory does not fail
	}
	return b.Bytes()
}

// demoPDF is a one-page PDF standing for a scanned document the team took
// as evidence. Its text is ASCII (the standard fonts have no Chinese);
// the name it is uploaded under says what it is.
func demoPDF(entity string) []byte {
	text := fmt.Sprintf("Operating log (copy) - inspection evidence - %d characters of entity name", len([]rune(entity)))
	stream := fmt.Sprintf("BT /F1 14 Tf 72 760 Td (%s) Tj ET\n0.6 w 72 740 m 523 740 l S\n", text)
	for i := range 12 {
		y := 700 - i*40
		stream += fmt.Sprintf("72 %d m 523 %d l S\n", y, y)
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(stream), stream),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
