package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"spotcheck"
	"spotcheck/internal/ziptest"
)

func TestNeededPart(t *testing.T) {
	for name, want := range map[string]bool{
		"[Content_Types].xml":                  true,
		"_rels/.rels":                          true,
		"xl/workbook.xml":                      true,
		"xl/_rels/workbook.xml.rels":           true,
		"xl/styles.xml":                        true,
		"xl/sharedStrings.xml":                 true,
		`xl\worksheets\sheet1.xml`:             true,
		"xl/worksheets/_rels/sheet1.xml.rels":  true,
		"xl/theme/theme1.xml":                  true,
		"xl/media/image1.png":                  false,
		"xl/media/bomb.bin":                    false,
		"xl/drawings/drawing1.xml":             false,
		"xl/charts/chart1.xml":                 false,
		"xl/pivotCache/pivotCacheRecords1.xml": false,
		"xl/embeddings/oleObject1.bin":         false,
		"xl/calcChain.xml":                     false,
		"docProps/core.xml":                    false,
		"customXml/item1.xml":                  false,
	} {
		if got := neededPart(name); got != want {
			t.Errorf("neededPart(%q) = %v, want %v", name, got, want)
		}
	}
}

// A workbook with a picture, which is left out of what is read, reads as
// before.
func TestReadWorkbookWithPicture(t *testing.T) {
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 64, 64)))
	path := filepath.Join(t.TempDir(), "e.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &entityHeader)
	f.SetSheetRow("Sheet1", "A2", &[]any{"91350100M000100Y43", "福州某旅行社", "T01", "350102", "福州市", "", "", "", "在营", "B"})
	if err := f.AddPictureFromBytes("Sheet1", "R1", &excelize.Picture{Extension: ".png", File: img.Bytes()}); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, path, Entities)
	if len(rows) != 1 || rows[0].Value.Name != "福州某旅行社" || len(rows[0].Problems) > 0 {
		t.Fatalf("rows %+v", rows)
	}
}

// noise is n bytes of hexadecimal digits, which compress about twice.
func noise(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = "0123456789abcdef"[r.IntN(16)]
	}
	return string(b)
}

// sheetXML is a worksheet of the given rows' XML.
func sheetXML(rows string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows +
		`</sheetData></worksheet>`)
}

// A cell or a row too large to hold is refused before excelize reads it:
// it would hold either whole in memory, however large.
func TestReadRefusesHugeCellOrRow(t *testing.T) {
	tpl := template(t, spotcheck.KindEntities)
	var wide strings.Builder
	wide.WriteString(`<row r="1">`)
	for i := 0; wide.Len() < maxRow+1000; i++ {
		fmt.Fprintf(&wide, `<c r="%s1" t="inlineStr"><is><t>%d</t></is></c>`, columnName(i%16384), i)
	}
	wide.WriteString(`</row>`)
	sst := []byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>` + noise(maxRun+10) +
		`</t></si></sst>`)
	tests := []struct {
		name, part string
		content    []byte
		want       string
	}{
		{"a cell", "xl/worksheets/sheet1.xml", sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>` + noise(maxRun+10) +
			`</t></is></c></row>`), "工作表中有单元格过大（超过 1.0 MB）"},
		{"a row", "xl/worksheets/sheet1.xml", sheetXML(wide.String()), "工作表中有一行过大（超过 4.0 MB）"},
		{"a shared string", "xl/sharedStrings.xml", sst, "工作表中有单元格过大（超过 1.0 MB）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := replaced(t, tpl, tt.part, tt.content)
			_, err := Read("e.xlsx", bytes.NewReader(b), int64(len(b)), Entities)
			if msg := spotcheck.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	// Below the bounds, a long cell reads.
	b := replaced(t, tpl, "xl/worksheets/sheet1.xml", sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>`+
		noise(maxRun/2)+`</t></is></c></row>`))
	_, err := Read("e.xlsx", bytes.NewReader(b), int64(len(b)), Entities)
	if ie, ok := errors.AsType[*spotcheck.ImportError](err); !ok || !strings.Contains(ie.Problems[0].Message, "未知的列") {
		t.Fatalf("a long cell: %.200v", err)
	}
}

// Parts excelize would hold in memory are bounded by what they declare,
// before anything is inflated.
func TestReadRefusesLargeParts(t *testing.T) {
	tpl := template(t, spotcheck.KindEntities)
	// Never inflated: random bytes that compress no better than declared
	// sizes allow.
	declare := func(size int64, names ...string) []byte {
		var es []ziptest.Entry
		for _, name := range names {
			es = append(es, ziptest.Entry{Name: name, Deflated: []byte(noise(int(size / 90))), Size: size})
		}
		b, err := ziptest.With(tpl, es...)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var sheets []string
	for i := range xlsxInMemory / xlsxSpill {
		sheets = append(sheets, fmt.Sprintf("xl/worksheets/sheet%d.xml", i+2))
	}
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"shared strings", declare(xlsxSharedStrings+1, "xl/sharedStrings.xml"), "共享字符串表过大（声明 256.0 MB，上限 256.0 MB）"},
		{"styles", declare(xlsxInMemory, "xl/styles.xml"), "须整体读入内存的部分（工作簿、样式等）过大"},
		{"small sheets", declare(xlsxSpill, sheets...), "须整体读入内存的部分"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("e.xlsx", bytes.NewReader(tt.file), int64(len(tt.file)), Entities)
			if msg := spotcheck.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}
