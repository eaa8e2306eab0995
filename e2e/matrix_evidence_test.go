package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strconv"

	"spotcheck"
)

// makeEvidenceFixture stores a small photo cited by the inspection of the
// fixture and returns its SHA-256, the {sha} of the evidence route, so
// that the matrix asks for evidence that exists and those who may see the
// inspection get the photo.
func makeEvidenceFixture(ctx context.Context, a *app, inspection int64) (string, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 6))); err != nil {
		return "", err
	}
	att, err := a.DB.Attachments().SaveAttachment(ctx, "现场照片.png", b.Bytes(),
		spotcheck.Citation{Kind: "inspection", Key: strconv.FormatInt(inspection, 10)})
	if err != nil {
		return "", err
	}
	return att.SHA256, nil
}
