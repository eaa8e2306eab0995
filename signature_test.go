package spotcheck_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"spotcheck"
)

// TestRecordDigest: a confirmation or an approval leaves the digest of the
// record as it was; an edit of what the record says, or a new revision,
// changes it; empty and missing lists are the same text.
func TestRecordDigest(t *testing.T) {
	base := func() *spotcheck.Inspection {
		return &spotcheck.Inspection{ID: 7, Revision: 1, Entity: "X", Team: []string{"A", "B"}, Items: []string{"I1"},
			Methods: []string{spotcheck.MethodSite}, CheckIn: time.Date(2026, 3, 12, 9, 30, 0, 0, spotcheck.ChinaTime),
			Findings: []spotcheck.ItemFinding{{Item: "I1", Outcome: spotcheck.FindingNone}}, Results: []string{"R01"}}
	}
	d := base().RecordDigest()
	same := map[string]func(*spotcheck.Inspection){
		"confirmed": func(in *spotcheck.Inspection) { in.Confirmations = []spotcheck.Confirmation{{Inspector: "A"}} },
		"approved": func(in *spotcheck.Inspection) {
			in.Approver, in.Comment, in.State = "ap", "好", spotcheck.InspectionApproved
		},
		"check-in in UTC": func(in *spotcheck.Inspection) { in.CheckIn = in.CheckIn.UTC() },
		"empty sub-codes": func(in *spotcheck.Inspection) { in.SubCodes = map[string][]string{} },
	}
	for name, f := range same {
		in := base()
		f(in)
		if in.RecordDigest() != d {
			t.Errorf("%s: the digest changed", name)
		}
	}
	changed := map[string]func(*spotcheck.Inspection){
		"finding":  func(in *spotcheck.Inspection) { in.Findings[0].Outcome = spotcheck.FindingNA },
		"result":   func(in *spotcheck.Inspection) { in.Results = []string{"R07"} },
		"remark":   func(in *spotcheck.Inspection) { in.Remark = "补充" },
		"team":     func(in *spotcheck.Inspection) { in.Team = []string{"A", "C"} },
		"revision": func(in *spotcheck.Inspection) { in.Revision = 2 },
		"check-in": func(in *spotcheck.Inspection) { in.CheckIn = in.CheckIn.Add(time.Minute) },
	}
	for name, f := range changed {
		in := base()
		f(in)
		if in.RecordDigest() == d {
			t.Errorf("%s: the digest did not change", name)
		}
		if err := in.CheckShown(d); spotcheck.ErrorCode(err) != spotcheck.ECONFLICT {
			t.Errorf("%s: CheckShown of the old digest: %v, want ECONFLICT", name, err)
		}
	}
}

// TestSignatureInput: what a signature and a refusal need.
func TestSignatureInput(t *testing.T) {
	var drawn bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 100, 40))
	for x := 10; x < 90; x++ {
		img.Set(x, 20, color.NRGBA{A: 255})
	}
	if err := png.Encode(&drawn, img); err != nil {
		t.Fatal(err)
	}
	var blank bytes.Buffer
	if err := png.Encode(&blank, image.NewNRGBA(image.Rect(0, 0, 100, 40))); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		in   spotcheck.SignatureInput
		ok   bool
	}{
		{"signed", spotcheck.SignatureInput{Signer: "王经理", Role: "法定代表人", PNG: drawn.Bytes()}, true},
		{"no name", spotcheck.SignatureInput{Role: "法定代表人", PNG: drawn.Bytes()}, false},
		{"no role", spotcheck.SignatureInput{Signer: "王经理", PNG: drawn.Bytes()}, false},
		{"no image", spotcheck.SignatureInput{Signer: "王经理", Role: "法定代表人"}, false},
		{"refused with a note", spotcheck.SignatureInput{Refused: true, Note: "拒绝签字"}, true},
		{"refused without a note", spotcheck.SignatureInput{Refused: true, Signer: "王经理"}, false},
		{"refused with an image", spotcheck.SignatureInput{Refused: true, Note: "拒绝签字", PNG: drawn.Bytes()}, false},
	} {
		if ps := c.in.Validate(); (len(ps) == 0) != c.ok {
			t.Errorf("%s: problems %v, want ok=%v", c.name, ps, c.ok)
		}
	}
	if _, err := spotcheck.CheckSignatureImage(drawn.Bytes()); err != nil {
		t.Errorf("a drawn signature: %v", err)
	}
	if _, err := spotcheck.CheckSignatureImage(blank.Bytes()); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
		t.Errorf("an empty pad: %v, want EINVALID", err)
	}
	if _, err := spotcheck.CheckSignatureImage([]byte("MZ\x90\x00 not an image")); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
		t.Errorf("an executable: %v, want EINVALID", err)
	}
}
