package view

import (
	"context"
	"html/template"
	"net/http"

	"spotcheck"
)

// The 检查通知书 (issue 11, item 2) is shown twice: printed by the team
// (web/staff/notice.go) and read online by the enterprise from its QR code
// (web/portal/visitcheck.go). NoticeData builds what both templates show,
// so that the two say the same thing.

// NoticeItem is one item of the notice with its legal basis and methods.
type NoticeItem struct {
	Code, Name, Basis string
	Methods           []string
}

// NoticeMember is one inspector named on the notice.
type NoticeMember struct{ Name, CertNo string }

// Notice is what the notice's templates show.
type Notice struct {
	In      *spotcheck.Inspection
	N       *spotcheck.Notice
	Task    *spotcheck.Task // nil: shown by its code
	Entity  string
	Items   []NoticeItem
	Team    []NoticeMember
	URL     string        // the enterprise's page, the QR code's text
	QR      template.HTML // the QR code as inline SVG
	Prepare []string      // the documents to prepare
}

// NoticeDocuments are the documents every inspected entity prepares; the
// items add their own.
var NoticeDocuments = []string{"营业执照（副本）", "法定代表人（负责人）身份证明或授权委托书", "与检查事项有关的许可证件、台账、合同、票据等资料"}

// InspectorDocuments are what the team brings to a visit (行政执法“三项制度”:
// at least two officers show their certificates; the visit is recorded),
// shown on each visit of the inspector's day.
var InspectorDocuments = []string{"执法证件（两名以上执法人员当场出示）", "检查通知书（已送达的留存回证）",
	"现场检查笔录（空白，可在本页打印）与检查事项清单", "执法记录仪（实地检查全程记录）"}

// PublicURL is the absolute URL of path on the site the request came to,
// which the QR code carries: the enterprise scans it from paper.
func PublicURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// NoticeData builds the notice of in; items and tasks are read with ctx
// (an item or task that cannot be read is shown by its code).
func NoticeData(ctx context.Context, svc Services, r *http.Request, n *spotcheck.Notice, in *spotcheck.Inspection) (*Notice, error) {
	d := &Notice{In: in, N: n, Entity: or(in.EntityName, in.Entity), URL: PublicURL(r, "/v/"+n.Token),
		Prepare: NoticeDocuments}
	if svc.Tasks != nil {
		if tk, err := svc.Tasks.FindAnnouncedTaskByCode(ctx, in.Task); err == nil {
			d.Task = tk
		}
	}
	for _, code := range in.Items {
		it := NoticeItem{Code: code, Name: code}
		if svc.Items != nil {
			if x, err := svc.Items.FindItemByCode(ctx, code); err == nil {
				it.Name, it.Basis, it.Methods = x.Name, x.LegalBasis, x.Methods
			}
		}
		d.Items = append(d.Items, it)
	}
	for _, s := range in.Team {
		d.Team = append(d.Team, NoticeMember{Name: or(in.Names[s], s), CertNo: in.CertNos[s]})
	}
	qr, err := QRCodeSVG(d.URL)
	if err != nil {
		return nil, err
	}
	d.QR = qr
	return d, nil
}
