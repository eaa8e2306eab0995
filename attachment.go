package spotcheck

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The types of attachment accepted as evidence (design §4): photos and
// PDFs. The type is what the bytes are, never what the name says.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
	TypePDF  = "application/pdf"
)

// Attachment is one stored file, known by the SHA-256 of its bytes: the
// same bytes uploaded twice are one attachment (design §4). Name and By
// and At are those of an upload: the first one for FindAttachment, the
// citing one for FindAttachments.
type Attachment struct {
	SHA256 string    // lowercase hex of the bytes' SHA-256
	Type   string    // TypeJPEG, TypePNG, TypeWebP or TypePDF, decided by content
	Size   int64     // bytes
	Name   string    // the file name as uploaded (its last path element)
	By     string    // actor ID of the uploader
	At     time.Time // when it was uploaded
}

// IsImage reports whether a is a photo (not a PDF).
func (a *Attachment) IsImage() bool { return a.Type != TypePDF }

// Citation is what cites an attachment: a record's kind and key, such as
// {"inspection", "42"}. Many records may cite one attachment.
type Citation struct {
	Kind string
	Key  string
}

// AuthorizeUpload allows any signed-in user or system principal to
// upload an attachment: EUNAUTHORIZED without a principal, EFORBIDDEN for
// the public (the enterprise's pages upload nothing in this step).
func AuthorizeUpload(ctx context.Context) error {
	p, err := ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	if slices.Contains(p.Roles, rolePublic) {
		return Errorf(EFORBIDDEN, "没有权限：未登录不能上传附件")
	}
	return nil
}

// MaxCitationKind and MaxCitationKey bound a Citation's fields.
const (
	MaxCitationKind = 32
	MaxCitationKey  = 128
)

// Validate checks c: a kind of lowercase letters, digits and '-', and a
// key, both present and bounded.
func (c Citation) Validate() error {
	if c.Kind == "" || len(c.Kind) > MaxCitationKind || strings.Trim(c.Kind, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return Errorf(EINVALID, "附件引用的记录类型“%s”无效", clipName(c.Kind))
	}
	if c.Key == "" || len(c.Key) > MaxCitationKey || !utf8.ValidString(c.Key) {
		return Errorf(EINVALID, "附件引用的记录编号“%s”无效", clipName(c.Key))
	}
	return nil
}

// AttachmentService keeps attachments, each stored once by its SHA-256,
// and which records cite them (store/attachment.go).
//
// Any signed-in principal may upload: an attachment shows nothing by
// itself, and the records that cite it decide later who may see it (an
// inspection's photos are seen by those who may see the inspection). The
// service itself only requires a principal to read (the public's
// included, for the enterprise's pages later); pages must serve an
// attachment only through a record the reader may see.
type AttachmentService interface {
	// SaveAttachment checks data with CheckAttachment, stores it unless
	// the same bytes are already stored, and records that cite cites it
	// under name; saving the same bytes for the same citation again
	// changes nothing. It returns the attachment with this upload's name.
	// EUNAUTHORIZED without a principal; EFORBIDDEN for the public
	// (AuthorizeUpload); EINVALID for a refused file or a
	// bad citation (nothing is then stored).
	SaveAttachment(ctx context.Context, name string, data []byte, cites Citation) (*Attachment, error)
	// FindAttachment returns the metadata of the attachment with that
	// SHA-256 (Name, By, At of its first upload). EUNAUTHORIZED;
	// ENOTFOUND.
	FindAttachment(ctx context.Context, sha string) (*Attachment, error)
	// ReadAttachment returns the metadata and the bytes, read whole (at
	// most the largest size limit) so that no connection is held while
	// they are sent. EUNAUTHORIZED; ENOTFOUND.
	ReadAttachment(ctx context.Context, sha string) (*Attachment, []byte, error)
	// FindAttachments returns the attachments cited by one record, in the
	// order they were cited, each with the name it was cited under.
	// EUNAUTHORIZED; EINVALID for a bad citation.
	FindAttachments(ctx context.Context, c Citation) ([]Attachment, error)
}

// AttachmentLimits bound what CheckAttachment accepts; a zero field takes
// its default.
type AttachmentLimits struct {
	Photo  int64 // bytes of a photo; phones shrink photos before upload
	PDF    int64 // bytes of a PDF
	Side   int   // pixels of an image's longer side
	Pixels int64 // pixels of an image
	// Inflate bounds the bytes CheckAttachment decompresses from a PDF's
	// streams to look for active content; a PDF that inflates beyond it
	// is refused as a compression bomb.
	Inflate int64
}

// The default limits.
const (
	DefaultPhotoMax   = 10 << 20
	DefaultPDFMax     = 20 << 20
	DefaultSideMax    = 12000
	DefaultPixelsMax  = 60_000_000
	DefaultInflateMax = 128 << 20
)

func (l AttachmentLimits) withDefaults() AttachmentLimits {
	if l.Photo <= 0 {
		l.Photo = DefaultPhotoMax
	}
	if l.PDF <= 0 {
		l.PDF = DefaultPDFMax
	}
	if l.Side <= 0 {
		l.Side = DefaultSideMax
	}
	if l.Pixels <= 0 {
		l.Pixels = DefaultPixelsMax
	}
	if l.Inflate <= 0 {
		l.Inflate = DefaultInflateMax
	}
	return l
}

// MaxSize is the largest file l accepts, of any type.
func (l AttachmentLimits) MaxSize() int64 {
	l = l.withDefaults()
	return max(l.Photo, l.PDF)
}

// AttachmentName is the name an upload is kept under: its last path
// element (a browser may send a Windows path), valid UTF-8 without control
// characters, at most 120 characters; "未命名" if nothing is left.
func AttachmentName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(name, "�")
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120])
	}
	if name == "" {
		name = "未命名"
	}
	return name
}

// CheckAttachment decides whether data, uploaded as name, is accepted as
// evidence, and returns the attachment (SHA256, Type, Size, Name; By and
// At are the store's). It is pure and reads data only within lim:
//
//   - The type is decided by the first bytes (JPEG, PNG, WebP, PDF); the
//     name's extension is not trusted, so an executable renamed .jpg is
//     refused and named for what it is.
//   - The size is bounded per type (photos, PDFs).
//   - An image's header must decode (image.DecodeConfig for JPEG and PNG,
//     the RIFF chunks for WebP) with each side and the pixel count within
//     bounds, so that a small file cannot make a thumbnailer allocate a
//     huge bitmap. The body is not decoded: a photo whose pixels are
//     damaged after a sane header passes, and whoever decodes it later
//     does so within the bounds checked here.
//   - A PDF is refused if it holds active content: the names /JavaScript,
//     /JS, /Launch, /EmbeddedFile(s), /RichMedia, /XFA, /GoToE or
//     /SubmitForm (an /OpenAction or /AA that runs script names /JS or
//     /JavaScript), also written with #xx escapes (/J#61vaScript), found
//     in the file's bytes or in any stream that inflates with
//     FlateDecode, where PDF 1.5 object streams hide dictionaries; and an
//     encrypted PDF, whose objects cannot be read, is refused. This is a
//     byte scan, not a parser: it does not see names inside streams under
//     other filters (LZW, ASCII85) or under a chain of filters (Flate
//     then ASCIIHex leaves hex text to scan),
//     and it does not judge fonts or images inside the PDF or links
//     (/URI) to web pages; it refuses a harmless PDF that merely contains
//     one of those names, which evidence files do not need.
//
// Errors are EINVALID with a message naming the file and the reason.
func CheckAttachment(name string, data []byte, lim AttachmentLimits) (*Attachment, error) {
	lim = lim.withDefaults()
	name = AttachmentName(name)
	if len(data) == 0 {
		return nil, Errorf(EINVALID, "“%s”是空文件", name)
	}
	typ, other := sniff(data)
	if typ == "" {
		if other == "" {
			return nil, Errorf(EINVALID, "“%s”不是可接受的文件类型：只接受 JPEG、PNG、WebP 照片和 PDF 文件", name)
		}
		return nil, Errorf(EINVALID, "“%s”实际是%s，不是图片或 PDF：只接受 JPEG、PNG、WebP 照片和 PDF 文件", name, other)
	}
	size := int64(len(data))
	if typ == TypePDF {
		if size > lim.PDF {
			return nil, Errorf(EINVALID, "“%s”过大（%s），PDF 文件不能超过 %s", name, byteCount(size), byteCount(lim.PDF))
		}
		if err := checkPDF(name, data, lim); err != nil {
			return nil, err
		}
	} else {
		if size > lim.Photo {
			return nil, Errorf(EINVALID, "“%s”过大（%s），照片不能超过 %s：请在手机上压缩后再上传", name, byteCount(size), byteCount(lim.Photo))
		}
		if err := checkImage(name, typ, data, lim); err != nil {
			return nil, err
		}
	}
	sum := sha256.Sum256(data)
	return &Attachment{SHA256: hex.EncodeToString(sum[:]), Type: typ, Size: size, Name: name}, nil
}

// sniff returns the accepted type of data, or "" and, where the bytes are
// a known other format, its name for the message.
func sniff(b []byte) (typ, other string) {
	has := func(off int, sig string) bool { return len(b) >= off+len(sig) && string(b[off:off+len(sig)]) == sig }
	switch {
	case has(0, "\xff\xd8\xff"):
		return TypeJPEG, ""
	case has(0, "\x89PNG\r\n\x1a\n"):
		return TypePNG, ""
	case has(0, "RIFF") && has(8, "WEBP"):
		return TypeWebP, ""
	case has(0, "%PDF-"):
		return TypePDF, ""
	case has(0, "MZ"):
		return "", "Windows 可执行文件"
	case has(0, "\x7fELF"):
		return "", "Linux 可执行文件"
	case has(0, "\xfe\xed\xfa\xce"), has(0, "\xfe\xed\xfa\xcf"), has(0, "\xcf\xfa\xed\xfe"), has(0, "\xce\xfa\xed\xfe"), has(0, "\xca\xfe\xba\xbe"):
		return "", "macOS 可执行文件"
	case has(0, "#!"):
		return "", "脚本文件"
	case has(0, "PK\x03\x04"), has(0, "PK\x05\x06"):
		return "", "ZIP 压缩包（或 Word、Excel 等 Office 文档）"
	case has(0, "Rar!"), has(0, "7z\xbc\xaf\x27\x1c"), has(0, "\x1f\x8b"):
		return "", "压缩包"
	case has(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
		return "", "旧版 Office 文档"
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return "", "GIF 动图"
	case has(4, "ftypheic"), has(4, "ftypheix"), has(4, "ftypmif1"), has(4, "ftyphevc"):
		return "", "HEIC 照片（请在手机上设置为“兼容性最佳”或转换为 JPEG）"
	case has(0, "BM"):
		return "", "BMP 图片"
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "", "TIFF 图片"
	case has(0, "{\\rtf"):
		return "", "RTF 文档"
	case has(0, "<"), has(0, "\xef\xbb\xbf<"):
		return "", "网页或 XML 文件"
	}
	return "", ""
}

// checkImage checks the header of an image of type typ.
func checkImage(name, typ string, data []byte, lim AttachmentLimits) error {
	var w, h int
	switch typ {
	case TypeJPEG, TypePNG:
		decode := jpeg.DecodeConfig
		if typ == TypePNG {
			decode = png.DecodeConfig
		}
		var cfg image.Config
		var err error
		if cfg, err = decode(bytes.NewReader(data)); err != nil {
			return Errorf(EINVALID, "“%s”不是完整有效的图片（文件头无法读取），请重新拍摄或导出", name)
		}
		w, h = cfg.Width, cfg.Height
	case TypeWebP:
		var ok bool
		if w, h, ok = webpSize(data); !ok {
			return Errorf(EINVALID, "“%s”不是完整有效的 WebP 图片（文件头无法读取），请重新拍摄或导出", name)
		}
	}
	if w <= 0 || h <= 0 {
		return Errorf(EINVALID, "“%s”的图片尺寸无效（%d×%d 像素）", name, w, h)
	}
	if w > lim.Side || h > lim.Side || int64(w)*int64(h) > lim.Pixels {
		return Errorf(EINVALID, "“%s”声明的图片尺寸过大（%d×%d 像素；每边不超过 %d 像素，总计不超过 %d 万像素）",
			name, w, h, lim.Side, lim.Pixels/10000)
	}
	return nil
}

// webpSize reads the canvas size of a WebP file from its first chunk
// (VP8, VP8L or VP8X), having checked that the RIFF size fits the file.
func webpSize(b []byte) (w, h int, ok bool) {
	if len(b) < 30 || int64(binary.LittleEndian.Uint32(b[4:8])) > int64(len(b))-8 {
		return 0, 0, false
	}
	chunk := b[12:16]
	if int64(binary.LittleEndian.Uint32(b[16:20])) > int64(len(b))-20 {
		return 0, 0, false
	}
	p := b[20:]
	switch string(chunk) {
	case "VP8 ": // frame tag (3), start code 9d 01 2a, 14-bit sizes
		if p[3] != 0x9d || p[4] != 0x01 || p[5] != 0x2a {
			return 0, 0, false
		}
		return int(binary.LittleEndian.Uint16(p[6:8]) & 0x3fff), int(binary.LittleEndian.Uint16(p[8:10]) & 0x3fff), true
	case "VP8L": // signature 2f, then 14 bits width-1, 14 bits height-1
		if p[0] != 0x2f {
			return 0, 0, false
		}
		v := binary.LittleEndian.Uint32(p[1:5])
		return int(v&0x3fff) + 1, int(v>>14&0x3fff) + 1, true
	case "VP8X": // flags (4), canvas width-1 (24 bits), height-1 (24 bits)
		u24 := func(q []byte) int { return int(q[0]) | int(q[1])<<8 | int(q[2])<<16 }
		return u24(p[4:7]) + 1, u24(p[7:10]) + 1, true
	}
	return 0, 0, false
}

// activeNames are the PDF names that start or carry active content.
var activeNames = map[string]string{
	"JavaScript":    "JavaScript 脚本",
	"JS":            "JavaScript 脚本",
	"Launch":        "启动外部程序的动作",
	"EmbeddedFile":  "嵌入的文件",
	"EmbeddedFiles": "嵌入的文件",
	"RichMedia":     "多媒体（Flash 等）内容",
	"XFA":           "XFA 动态表单",
	"GoToE":         "跳转到嵌入文件的动作",
	"SubmitForm":    "提交表单的动作",
	"Encrypt":       "加密（无法检查其内容）",
}

// checkPDF refuses a PDF with active content (see CheckAttachment).
func checkPDF(name string, data []byte, lim AttachmentLimits) error {
	if what := activeName(data); what != "" {
		return Errorf(EINVALID, "“%s”含有%s，出于安全原因不能上传：请另存为或打印为普通 PDF 后再上传", name, what)
	}
	budget := lim.Inflate
	var zr io.ReadCloser // reused: a file of many tiny streams must not allocate a decompressor each
	for rest := data; ; {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			return nil
		}
		rest = rest[i+len("stream"):]
		if len(rest) > 0 && rest[0] == '\r' {
			rest = rest[1:]
		}
		if len(rest) == 0 || rest[0] != '\n' {
			continue // "endstream", or the word in text
		}
		var err error
		if zr == nil {
			zr, err = zlib.NewReader(bytes.NewReader(rest[1:]))
		} else {
			err = zr.(zlib.Resetter).Reset(bytes.NewReader(rest[1:]), nil)
		}
		if err != nil {
			continue // not a Flate stream
		}
		out, _ := io.ReadAll(io.LimitReader(zr, budget+1)) // a damaged stream is scanned as far as it inflates
		if budget -= int64(len(out)); budget < 0 {
			return Errorf(EINVALID, "“%s”的压缩内容解压后过大（超过 %s），无法检查，不能上传", name, byteCount(lim.Inflate))
		}
		if what := activeName(out); what != "" {
			return Errorf(EINVALID, "“%s”含有%s，出于安全原因不能上传：请另存为或打印为普通 PDF 后再上传", name, what)
		}
	}
}

// activeName returns the description of the first active name in b, or
// "". A PDF name is '/' then regular characters up to whitespace or a
// delimiter; #xx stands for the byte with hex code xx.
func activeName(b []byte) string {
	var nm []byte
	for i := 0; i < len(b); i++ {
		if b[i] != '/' {
			continue
		}
		nm = nm[:0]
		j := i + 1
		for ; j < len(b) && !pdfDelimiter(b[j]) && len(nm) <= 16; j++ {
			c := b[j]
			if c == '#' && j+2 < len(b) {
				if v, err := hex.DecodeString(string(b[j+1 : j+3])); err == nil {
					c = v[0]
					j += 2
				}
			}
			nm = append(nm, c)
		}
		if what, ok := activeNames[string(nm)]; ok {
			return what
		}
		i = j - 1
	}
	return ""
}

func pdfDelimiter(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// byteCount writes n bytes for people: 12.3 MB, 512 KB.
func byteCount(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MB"
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// clipName shortens s for a message.
func clipName(s string) string {
	s = strings.ToValidUTF8(s, "�")
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
