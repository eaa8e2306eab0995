package spotcheck

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/png"
	"strings"
	"time"
)

// The 现场检查笔录 (issue 11, item 3) is the record of an inspection as the
// entity's representative reads it on site. The representative signs it
// on paper, or on the inspector's phone: a signature drawn on the screen
// (a PNG) is kept as evidence of the inspection, content-addressed like
// its photos, with who signed, in what capacity, on whose phone and when,
// and the digest of the record as it stood (RecordDigest). A later edit
// does not remove the signature — nothing is deleted — but makes it stale:
// it signed another text, so the page asks for a new one. A
// representative who refuses to sign (拒签) is recorded the same way, with
// a note of the circumstances, as the paper record would say it.

// Signature is one signature of an inspection's record by the entity's
// representative, or one recorded refusal.
type Signature struct {
	ID         int64
	Inspection int64
	Revision   int    // the revision signed
	Digest     string // RecordDigest of the record signed
	Refused    bool   // 拒签: no image, a Note instead
	Signer     string // the representative's name ("" when a refusing one gave none)
	Role       string // in what capacity: 法定代表人, 负责人, 授权委托人…
	Note       string // the circumstances of a refusal; optional otherwise
	SHA256     string // the signature image (an attachment the inspection cites); "" for a refusal
	HeldBy     string // the account that held the phone
	Staff      string // the team member that account is (staff id); "" for the system
	At         time.Time
	// Stale is set on reading: the record changed after it was signed.
	Stale bool
}

// SignatureInput is what the phone sends: the representative's name and
// role and the drawn image, or a refusal with its note, and the digest of
// the record the representative was shown (RecordDigest).
type SignatureInput struct {
	Signer, Role, Note string
	Refused            bool
	PNG                []byte
	Digest             string
}

// SignerRoles are the usual capacities a representative signs in, which
// the page suggests; another may be typed.
var SignerRoles = []string{"法定代表人", "主要负责人", "授权委托人", "现场负责人"}

// MaxSignatureBytes bounds a signature image: a line drawing on a phone's
// screen, as a PNG, is a few tens of kilobytes.
const MaxSignatureBytes = 512 << 10

// maxSignatureSide bounds a signature image's longer side, in pixels.
const maxSignatureSide = 4000

// minInk is how many drawn pixels a signature needs, so that an empty pad
// (or a stray tap) is not taken for a signature.
const minInk = 50

// Normalize trims what was typed.
func (s *SignatureInput) Normalize() {
	s.Signer, s.Role, s.Note = strings.TrimSpace(s.Signer), strings.TrimSpace(s.Role), strings.TrimSpace(s.Note)
}

// Validate checks the input: a signature needs the signer's name, role
// and a drawn image; a refusal needs the note that says what happened,
// and carries no image. Lengths are bounded.
func (s *SignatureInput) Validate() Problems {
	var ps Problems
	if s.Refused {
		if ps.checkRequired("note", "拒签情况", s.Note) {
			ps.checkLen("note", "拒签情况", s.Note, 500)
		}
		if len(s.PNG) > 0 {
			ps.Add("png", "签名", "拒签时不能同时提交签名")
		}
	} else {
		ps.checkRequired("signer", "签字人姓名", s.Signer)
		ps.checkRequired("role", "签字人身份", s.Role)
		ps.checkLen("note", "备注", s.Note, 500)
		if len(s.PNG) == 0 {
			ps.Add("png", "签名", "请在签名框内手写签名")
		}
	}
	ps.checkLen("signer", "签字人姓名", s.Signer, 50)
	ps.checkLen("role", "签字人身份", s.Role, 30)
	return ps
}

// CheckSignatureImage checks a drawn signature: a PNG by content
// (CheckAttachment), small, and with something drawn on it.
func CheckSignatureImage(data []byte) (*Attachment, error) {
	a, err := CheckAttachment("签名.png", data, AttachmentLimits{Photo: MaxSignatureBytes, Side: maxSignatureSide})
	if err != nil {
		return nil, err
	}
	if a.Type != TypePNG {
		return nil, Errorf(EINVALID, "签名须为 PNG 图片")
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, Errorf(EINVALID, "签名图片无法读取")
	}
	if inked(img) < minInk {
		return nil, Errorf(EINVALID, "签名框内没有签名：请当事人手写签名")
	}
	return a, nil
}

// inked counts the pixels of img that are drawn: opaque enough and
// darker than paper, up to minInk.
func inked(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if a > 0x8000 && (r+g+bl)/3 < 0xc000 {
				if n++; n >= minInk {
					return n
				}
			}
		}
	}
	return n
}

// recordText is what RecordDigest hashes: what the 现场检查笔录 says, not
// the team's confirmations or the approval, which come after it.
type recordText struct {
	ID        int64               `json:"id"`
	Revision  int                 `json:"revision"`
	Entity    string              `json:"entity"`
	Team      []string            `json:"team"`
	Items     []string            `json:"items"`
	Methods   []string            `json:"methods"`
	CheckIn   string              `json:"check_in"`
	Location  string              `json:"location"`
	Findings  []ItemFinding       `json:"findings"`
	Results   []string            `json:"results"`
	SubCodes  map[string][]string `json:"sub_codes"`
	Remark    string              `json:"remark"`
	Completed string              `json:"completed"`
}

// RecordDigest returns the lowercase hex SHA-256 of the record's text: the
// JSON of recordText (keys in its field order, maps sorted by key, empty
// lists as null, the check-in in UTC RFC 3339, "" when none). Two reads
// of an unchanged record give the same digest; any edit of what the
// record says, or a new revision, gives another.
func (in *Inspection) RecordDigest() string {
	checkIn := ""
	if !in.CheckIn.IsZero() {
		checkIn = in.CheckIn.UTC().Format(time.RFC3339Nano)
	}
	rt := recordText{ID: in.ID, Revision: in.Revision, Entity: in.Entity, Team: orNil(in.Team), Items: orNil(in.Items),
		Methods: orNil(in.Methods), CheckIn: checkIn, Location: in.Location, Findings: orNil(in.Findings),
		Results: orNil(in.Results), Remark: in.Remark, Completed: in.Completed}
	if len(in.SubCodes) > 0 {
		rt.SubCodes = in.SubCodes
	}
	b, err := json.Marshal(rt)
	if err != nil {
		panic("spotcheck: record digest: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func orNil[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

// CanSign decides whether p may take the representative's signature (or
// refusal) on the record now: a member of the team, whose phone it is
// (Can of InspActSave: EFORBIDDEN for anyone else who sees it, ENOTFOUND
// for those who do not), while the team may still change it (ECONFLICT
// once submitted: the representative signs on site, before the record
// goes to the approver), and once every item has its finding — there is
// nothing to sign before that.
func (in *Inspection) CanSign(p *Principal) error {
	if err := in.Can(InspActSave, p); err != nil {
		switch ErrorCode(err) {
		case ECONFLICT:
			return Errorf(ECONFLICT, "%s已%s，不能再请当事人签字", in.record(), InspectionStateNames[in.State])
		case EFORBIDDEN:
			return Errorf(EFORBIDDEN, "只有本次检查的检查组成员可以请当事人在%s上签字", in.record())
		}
		return err
	}
	if len(ValidateFindings(in.Items, in.Findings)) > 0 {
		return Errorf(ECONFLICT, "%s的各事项检查情况尚未填写完整，请先保存检查情况，再请当事人签字", in.record())
	}
	return nil
}

// CheckShown refuses a signature of a record other than the one shown to
// the representative: digest is the RecordDigest of the page they read,
// and a team member's edit in between (or a page left open across one)
// would otherwise put their name under a text they never saw.
func (in *Inspection) CheckShown(digest string) error {
	if digest != in.RecordDigest() {
		return Errorf(ECONFLICT, "%s在当事人阅读后已被修改：请刷新页面，请当事人阅读修改后的笔录再签字", in.record())
	}
	return nil
}

// Latest returns the newest of sigs (the store lists them oldest first),
// or nil: the one the record's page shows.
func Latest(sigs []Signature) *Signature {
	if len(sigs) == 0 {
		return nil
	}
	return &sigs[len(sigs)-1]
}

// SignatureService keeps the representatives' signatures of inspection
// records (store/signature.go) and reads the joint visits' combined
// records.
type SignatureService interface {
	// SignRecord records the representative's signature of the current
	// revision of inspection id, or the refusal (in.Refused), in one
	// transaction: the record must be the one shown (CheckShown:
	// ECONFLICT), the image is checked (CheckSignatureImage) and stored
	// as an attachment the inspection cites, and the change is recorded.
	// EUNAUTHORIZED; ENOTFOUND for an inspection the user may not see;
	// EFORBIDDEN, ECONFLICT (Inspection.CanSign); EINVALID with the
	// input's problems. Nothing is stored when it is refused.
	SignRecord(ctx context.Context, id int64, in SignatureInput) (*Signature, error)
	// FindSignatures lists the signatures and refusals of inspection id,
	// every revision's, oldest first, each marked Stale when the record
	// has changed since. EUNAUTHORIZED; ENOTFOUND (Inspection.CanView).
	FindSignatures(ctx context.Context, id int64) ([]Signature, error)
	// FindVisitRecord returns the combined record (联合总表) of joint visit
	// id: the visit and each department's inspection of it with its
	// signatures. Those who may see the visit (its departments' staff who
	// view draws, supervisors) and the members of its team read every
	// department's part: the one team signs one record. EUNAUTHORIZED;
	// EFORBIDDEN for a user who reaches no inspection or visit at all;
	// NoVisit for anyone else.
	FindVisitRecord(ctx context.Context, id int64) (*VisitRecord, error)
}

// VisitRecord is the combined record of a joint visit: its parts, one per
// department's task, each with the inspection of the entity that the
// task's draw made (nil before the visit was accepted).
type VisitRecord struct {
	Visit Visit
	Parts []VisitRecordPart
}

// VisitRecordPart is one department's part of a combined record.
type VisitRecordPart struct {
	VisitPart
	Inspection *Inspection
	Signatures []Signature
}

// Unsigned reports whether the visit has an inspection whose record has
// no valid signature or refusal: the combined record is not complete.
func (r *VisitRecord) Unsigned() bool {
	for _, p := range r.Parts {
		if p.Inspection == nil {
			continue
		}
		if s := Latest(p.Signatures); s == nil || s.Stale {
			return true
		}
	}
	return false
}
