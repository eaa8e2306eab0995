package xlsx

import (
	"archive/zip"
	"path"
	"strings"

	"spotcheck"
)

// xlsxLimits bound an .xlsx before it is opened. This program's own export
// of a million entities declares about 1 GB in a 70–115 MB file; sheet
// XML compresses 10–20 times. The 1 GB of zeros of a "zip bomb" packs
// into 1 MB, 1000 times.
var xlsxLimits = ZipLimits{What: "Excel表格", Entries: 10_000, Total: 2 << 30, Ratio: 100}

const (
	// xlsxSpill is excelize's UnzipXMLSizeLimit: it keeps a worksheet or
	// the shared strings up to this size in memory and unpacks a larger
	// one to disk, from where it streams.
	xlsxSpill = 4 << 20
	// xlsxInMemory bounds the parts excelize reads into memory whole,
	// together: workbook, styles, theme, relationships, and worksheets and
	// shared strings up to xlsxSpill. Their parsed form is several times
	// larger.
	xlsxInMemory = 32 << 20
	// xlsxSharedStrings bounds the shared-string table, and
	// maxSharedStrings the strings in it, which excelize indexes in
	// memory at about 50 bytes a string. Excel writes one for the text of
	// every sheet; this program writes none.
	xlsxSharedStrings = 256 << 20
	maxSharedStrings  = 4_000_000
	// maxRun bounds the bytes between two '<' of an unpacked part, that is
	// any one text or tag (a cell holds at most 32,767 characters), and
	// maxRow the bytes of one row, each of which excelize reads whole.
	maxRun = 1 << 20
	maxRow = 4 << 20
)

// xlsxPart is an archive entry's name as excelize matches it: forward
// slashes, lower case.
func xlsxPart(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, `\`, "/"))
}

// neededPart reports whether reading a sheet's cells needs the part: the
// content types, the relationships, the workbook-level parts in xl/, the
// worksheets and the theme. Pictures, drawings, charts, embedded files,
// pivot caches, the calculation chain and document properties are left
// out. A relationship whose target is left out does not stop excelize
// reading cells.
func neededPart(name string) bool {
	n := xlsxPart(name)
	switch {
	case n == "[content_types].xml", strings.HasSuffix(n, ".rels"):
		return true
	case n == "xl/calcchain.xml":
		return false
	}
	dir, file := path.Split(n)
	return strings.HasSuffix(file, ".xml") && (dir == "xl/" || dir == "xl/worksheets/" || dir == "xl/theme/")
}

// spilled reports whether excelize unpacks the part to disk rather than
// holding it in memory (excelize's ReadZipReader makes the same test).
func spilled(f *zip.File) bool {
	n := xlsxPart(f.Name)
	return f.UncompressedSize64 > xlsxSpill && (strings.HasPrefix(n, "xl/worksheets/sheet") || n == "xl/sharedstrings.xml")
}

// neededParts returns the entries of zr that reading needs, after checking
// what excelize will hold in memory.
func neededParts(zr *zip.Reader) ([]*zip.File, error) {
	var parts []*zip.File
	var inMemory uint64
	workbook := false
	for _, f := range zr.File {
		if !neededPart(f.Name) {
			continue
		}
		parts = append(parts, f)
		workbook = workbook || xlsxPart(f.Name) == "xl/workbook.xml"
		if xlsxPart(f.Name) == "xl/sharedstrings.xml" && f.UncompressedSize64 > xlsxSharedStrings {
			return nil, spotcheck.Errorf(spotcheck.EINVALID, "文件中的共享字符串表过大（声明 %s，上限 %s）：请把数据分成几个文件导入，或另存为CSV后导入",
				byteSize(f.UncompressedSize64), byteSize(xlsxSharedStrings))
		}
		if !spilled(f) {
			inMemory += f.UncompressedSize64
		}
	}
	if !workbook {
		return nil, spotcheck.Errorf(spotcheck.EINVALID, "文件中没有Excel工作簿，不是.xlsx表格：请确认选择了正确的文件")
	}
	if inMemory > xlsxInMemory {
		return nil, xlsxLimits.refuse("文件中须整体读入内存的部分（工作簿、样式等）过大（声明 %s，上限 %s）",
			byteSize(inMemory), byteSize(xlsxInMemory))
	}
	return parts, nil
}
