package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"spotcheck"
)

// recordReaders are the pages of a resource read by another group than
// the resource's readers. The 联合总表 of a joint visit is read like the
// inspection records it combines (issue 11): by the staff of the visit's
// departments who read inspections, and by the inspectors of its team,
// who print it and have it signed; not only by those who plan and draw.
// The route is scoped like the visit: a user outside its departments who
// may read inspections finds no such visit (404).
var recordReaders = map[string]group{"GET /staff/visits/{id}/record": inspView,
	"GET /staff/visits/{id}/record/signatures/{sha}": inspView}

// makeVisitSignatureFixture accepts another joint visit of the visit
// fixture's draws than the one the matrix decides, has the representative
// sign the record of its first inspection, as its team would, and returns
// the visit and the signature's SHA-256: the {id} and {sha} of the
// 联合总表's signature route.
func makeVisitSignatureFixture(ctx context.Context, a *app, fixture int64) (int64, string, error) {
	sys := spotcheck.NewContextWithPrincipal(ctx, spotcheck.System("e2e"))
	vs, err := a.DB.Visits().FindVisits(sys, spotcheck.VisitFilter{State: spotcheck.VisitProposed})
	if err != nil {
		return 0, "", err
	}
	var visit int64
	for _, v := range vs {
		if v.ID != fixture && len(v.Unstaffed()) == 0 {
			visit = v.ID
			break
		}
	}
	if visit == 0 {
		return 0, "", fmt.Errorf("no second staffed proposal besides visit %d", fixture)
	}
	if err := a.DB.Visits().AcceptVisit(sys, visit, spotcheck.VisitDecision{Date: "2026-12-01"}); err != nil {
		return 0, "", err
	}
	rec, err := a.DB.Signatures().FindVisitRecord(sys, visit)
	if err != nil {
		return 0, "", err
	}
	for _, p := range rec.Parts {
		in := p.Inspection
		if in == nil {
			continue
		}
		f := spotcheck.Inspection{ID: in.ID}
		for _, it := range in.Items {
			f.Findings = append(f.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingNone})
		}
		if err := a.DB.Inspections().SaveInspection(sys, &f); err != nil {
			return 0, "", err
		}
		cur, err := a.DB.Inspections().FindInspectionByID(sys, in.ID)
		if err != nil {
			return 0, "", err
		}
		img := image.NewNRGBA(image.Rect(0, 0, 300, 120)) // transparent, as the pad is
		for x := 20; x < 280; x++ {
			img.SetNRGBA(x, 60+x%20, color.NRGBA{A: 255}) // a stroke of ink
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			return 0, "", err
		}
		sig, err := a.DB.Signatures().SignRecord(sys, in.ID, spotcheck.SignatureInput{Signer: "陈经理", Role: "现场负责人",
			PNG: b.Bytes(), Digest: cur.RecordDigest()})
		if err != nil {
			return 0, "", err
		}
		return visit, sig.SHA256, nil
	}
	return 0, "", fmt.Errorf("the accepted visit %d has no inspection", visit)
}
