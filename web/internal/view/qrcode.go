package view

import (
	"fmt"
	"html/template"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// QRCodeSVG draws text as a QR code in an inline SVG: the library encodes
// (github.com/yeqown/go-qrcode/v2), this writes the modules as one path, so
// that the printed notice needs no image service and no file. Medium error
// correction keeps the code small enough to scan from an A4 page.
func QRCodeSVG(text string) (template.HTML, error) {
	qr, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return "", err
	}
	w := &svgWriter{}
	if err := qr.Save(w); err != nil {
		return "", err
	}
	return template.HTML(w.svg), nil
}

// svgWriter is a qrcode.Writer that keeps the SVG of the matrix.
type svgWriter struct{ svg string }

func (w *svgWriter) Write(m qrcode.Matrix) error {
	const quiet = 4 // modules of white border the standard asks for
	bits := m.Bitmap()
	var path strings.Builder
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&path, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	n := m.Width() + 2*quiet
	w.svg = fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" class="qrcode" role="img" aria-label="二维码" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`,
		n, n, n, n, path.String())
	return nil
}

func (w *svgWriter) Close() error { return nil }
