package spotcheck

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// testPNG and testJPEG are real, tiny images made by the standard encoders.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hugePNG is a few dozen bytes that declare a w×h bitmap: the signature
// and an IHDR chunk with its CRC, nothing else.
func hugePNG(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(13))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// webpVP8X is a WebP header declaring a w×h canvas.
func webpVP8X(w, h int) []byte {
	b := []byte("RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00")
	put := func(v int) { b = append(b, byte(v), byte(v>>8), byte(v>>16)) }
	put(w - 1)
	put(h - 1)
	return b
}

func testPDF(body string) []byte {
	return []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + body + " >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

// flatePDF hides dict in a Flate-compressed object stream.
func flatePDF(dict string) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte(dict))
	w.Close()
	return append(append([]byte("%PDF-1.7\n3 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\r\n"), z.Bytes()...),
		"\nendstream\nendobj\n%%EOF\n"...)
}

func TestCheckAttachment(t *testing.T) {
	small := AttachmentLimits{Photo: 1 << 10, PDF: 2 << 10}
	tests := []struct {
		name string
		file string
		data []byte
		lim  AttachmentLimits
		typ  string // "" for a refusal
		want string // in the refusal's message
	}{
		{"png", "现场.png", testPNG(t, 4, 3), AttachmentLimits{}, TypePNG, ""},
		{"jpeg", "现场.jpg", testJPEG(t, 8, 8), AttachmentLimits{}, TypeJPEG, ""},
		{"jpeg named pdf: the content decides", "报告.pdf", testJPEG(t, 8, 8), AttachmentLimits{}, TypeJPEG, ""},
		{"webp", "现场.webp", webpVP8X(640, 480), AttachmentLimits{}, TypeWebP, ""},
		{"pdf", "营业执照.pdf", testPDF("/OpenAction [3 0 R /Fit]"), AttachmentLimits{}, TypePDF, ""},
		{"pdf with a link", "说明.pdf", testPDF("/URI (https://example.org/)"), AttachmentLimits{}, TypePDF, ""},
		{"exe renamed jpg", "发票.jpg", append([]byte("MZ\x90\x00"), make([]byte, 100)...), AttachmentLimits{}, "",
			"“发票.jpg”实际是Windows 可执行文件，不是图片或 PDF"},
		{"elf", "a.png", []byte("\x7fELF\x02\x01\x01"), AttachmentLimits{}, "", "Linux 可执行文件"},
		{"zip", "照片.jpg", []byte("PK\x03\x04\x14\x00\x00\x00"), AttachmentLimits{}, "", "ZIP 压缩包"},
		{"html", "x.pdf", []byte("<html><script>"), AttachmentLimits{}, "", "网页"},
		{"heic", "IMG_0001.HEIC", []byte("\x00\x00\x00\x18ftypheic\x00\x00"), AttachmentLimits{}, "", "HEIC"},
		{"unknown", "a.txt", []byte("hello"), AttachmentLimits{}, "", "“a.txt”不是可接受的文件类型"},
		{"empty", "空.jpg", nil, AttachmentLimits{}, "", "“空.jpg”是空文件"},
		{"path is dropped from the name", `C:\Users\x\发票.jpg`, []byte("MZ"), AttachmentLimits{}, "", "“发票.jpg”实际是"},
		{"photo over the limit", "大.png", append(testPNG(t, 4, 3), make([]byte, 2<<10)...), small, "", "照片不能超过 1 KB"},
		{"pdf over the limit", "大.pdf", testPDF(strings.Repeat(" ", 3<<10)), small, "", "PDF 文件不能超过 2 KB"},
		{"pdf with javascript", "通知.pdf", testPDF("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), AttachmentLimits{}, "",
			"“通知.pdf”含有JavaScript 脚本"},
		{"pdf with hex-escaped javascript", "通知.pdf", testPDF("/OpenAction << /S /J#61vaScript /J#53 (x) >>"), AttachmentLimits{}, "",
			"JavaScript 脚本"},
		{"pdf with launch", "通知.pdf", testPDF("/AA << /O << /S /Launch /F (cmd.exe) >> >>"), AttachmentLimits{}, "", "启动外部程序"},
		{"pdf with embedded file", "通知.pdf", testPDF("/Names << /EmbeddedFiles 4 0 R >>"), AttachmentLimits{}, "", "嵌入的文件"},
		{"pdf with rich media", "通知.pdf", testPDF("/RichMedia 5 0 R"), AttachmentLimits{}, "", "多媒体"},
		{"pdf with xfa", "通知.pdf", testPDF("/AcroForm << /XFA 6 0 R >>"), AttachmentLimits{}, "", "XFA"},
		{"encrypted pdf", "通知.pdf", testPDF("/Encrypt 7 0 R"), AttachmentLimits{}, "", "加密"},
		{"javascript in an object stream", "通知.pdf", flatePDF("<< /S /JavaScript /JS (app.alert(1)) >>"), AttachmentLimits{}, "",
			"JavaScript 脚本"},
		{"clean object stream", "通知.pdf", flatePDF("<< /Type /Page /Parent 2 0 R >>"), AttachmentLimits{}, TypePDF, ""},
		{"inflate bomb", "通知.pdf", flatePDF(strings.Repeat("0", 1<<20)), AttachmentLimits{Inflate: 1 << 16}, "", "解压后过大"},
		{"declared huge png", "小.png", hugePNG(50000, 50000), AttachmentLimits{}, "", "声明的图片尺寸过大（50000×50000 像素"},
		{"too many pixels", "小.png", hugePNG(10000, 10000), AttachmentLimits{}, "", "总计不超过 6000 万像素"},
		{"declared huge webp", "小.webp", webpVP8X(16000, 100), AttachmentLimits{}, "", "声明的图片尺寸过大"},
		{"truncated png", "坏.png", testPNG(t, 4, 3)[:12], AttachmentLimits{}, "", "不是完整有效的图片"},
		{"truncated jpeg", "坏.jpg", []byte("\xff\xd8\xff\xe0\x00"), AttachmentLimits{}, "", "不是完整有效的图片"},
		{"webp whose RIFF size lies", "坏.webp", []byte("RIFF\xff\xff\xff\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x01\x00\x00"),
			AttachmentLimits{}, "", "不是完整有效的 WebP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := CheckAttachment(tt.file, tt.data, tt.lim)
			if tt.typ == "" {
				if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tt.want) {
					t.Fatalf("got %+v, %v; want EINVALID containing %q", a, err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(tt.data)
			if a.Type != tt.typ || a.Size != int64(len(tt.data)) || a.SHA256 != hex.EncodeToString(sum[:]) || a.Name != tt.file {
				t.Errorf("got %+v; want type %s, size %d", a, tt.typ, len(tt.data))
			}
		})
	}
}

// TestManyTinyStreams: a 20 MB PDF of nothing but two million stream
// openings is accepted. It asserts no time: reusing one decompressor took
// its check from 18 s to 1.4 s on the shared machine (a decompressor
// allocated per stream), which the test's duration shows.
func TestManyTinyStreams(t *testing.T) {
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("stream\n\x78\x9c\x03\x00"), (20<<20)/11)...)
	if _, err := CheckAttachment("a.pdf", pdf, AttachmentLimits{}); err != nil {
		t.Fatal(err)
	}
}

func TestAttachmentDefaults(t *testing.T) {
	// A 10 MB photo passes, one byte more is refused; PDFs go to 20 MB.
	p := testJPEG(t, 8, 8)
	at := func(n int) []byte { return append(p[:len(p):len(p)], make([]byte, n-len(p))...) }
	if _, err := CheckAttachment("a.jpg", at(10<<20), AttachmentLimits{}); err != nil {
		t.Errorf("10 MB photo: %v", err)
	}
	if _, err := CheckAttachment("a.jpg", at(10<<20+1), AttachmentLimits{}); !strings.Contains(ErrorMessage(err), "照片不能超过 10 MB") {
		t.Errorf("10 MB + 1 photo: %v", err)
	}
	pdf := testPDF(strings.Repeat(" ", 15<<20))
	if _, err := CheckAttachment("a.pdf", pdf, AttachmentLimits{}); err != nil {
		t.Errorf("15 MB PDF: %v", err)
	}
	if n := (AttachmentLimits{}).MaxSize(); n != 20<<20 {
		t.Errorf("MaxSize %d", n)
	}
}

func TestCitationValidate(t *testing.T) {
	for _, c := range []Citation{{"inspection", "42"}, {"visit-photo", "2026-FZWL-SJ-031/3"}} {
		if err := c.Validate(); err != nil {
			t.Errorf("%v: %v", c, err)
		}
	}
	for _, c := range []Citation{{"", "1"}, {"Inspection", "1"}, {"inspection", ""}, {"x", strings.Repeat("1", 129)}, {"x y", "1"}} {
		if ErrorCode(c.Validate()) != EINVALID {
			t.Errorf("%v accepted", c)
		}
	}
}

// FuzzCheckAttachment: no input panics, and what is accepted is one of the
// four types, with its true size and hash, within the limits.
func FuzzCheckAttachment(f *testing.F) {
	f.Add("a.png", testPNG(f, 4, 3))
	f.Add("a.jpg", testJPEG(f, 8, 8))
	f.Add("a.webp", webpVP8X(10, 10))
	f.Add("a.pdf", testPDF("/J#61vaScript"))
	f.Add("a.pdf", flatePDF("<< /JS (x) >>"))
	f.Add("a.exe", []byte("MZ"))
	f.Add("b.png", hugePNG(1, 1))
	lim := AttachmentLimits{Photo: 1 << 16, PDF: 1 << 16, Inflate: 1 << 20}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		a, err := CheckAttachment(name, data, lim)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		sum := sha256.Sum256(data)
		if a.Size != int64(len(data)) || a.SHA256 != hex.EncodeToString(sum[:]) || a.Size > 1<<16 {
			t.Fatalf("accepted %+v for %d bytes", a, len(data))
		}
		switch a.Type {
		case TypeJPEG, TypePNG, TypeWebP:
		case TypePDF:
			if activeName(data) != "" {
				t.Fatalf("accepted a PDF with active content")
			}
		default:
			t.Fatalf("type %q", a.Type)
		}
	})
}
