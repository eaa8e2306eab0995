package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
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
	// xlsxSharedStrings bounds the shared-string table, which excelize
	// indexes in memory at about 50 bytes a string. Excel writes one for
	// the text of every sheet; this program writes none.
	xlsxSharedStrings = 256 << 20
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

// verifyParts inflates every entry of the archive at path to its end, so
// that archive/zip checks its declared size and checksum, and passes the
// worksheets and shared strings, which excelize streams, through
// scanRuns. excelize ignores an entry's read error and keeps what it got,
// having first reserved the declared size in memory.
func verifyParts(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		n := xlsxPart(f.Name)
		if strings.HasPrefix(n, "xl/worksheets/") || n == "xl/sharedstrings.xml" {
			err = scanRuns(rc)
		} else {
			_, err = io.Copy(io.Discard, rc)
		}
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// errTruncatedXML is an XML part that does not end with a closing tag.
var errTruncatedXML = errors.New("xlsx: XML part cut short")

// scanRuns reads unpacked XML and refuses it if a text or tag (the bytes
// between two '<') is longer than maxRun, or a record longer than maxRow:
// a worksheet's row (from a <row tag to the next, or to </sheetData>) or a
// shared string (<si> to the next, or to </sst>), which excelize decodes
// whole. A part that does not end with a closing tag was cut short, which
// excelize would not notice; that is errTruncatedXML. (Checking the XML
// in full would cost as much as excelize's own parse.)
func scanRuns(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var pos, lastLT, rowStart int64 = 0, 0, -1
	tooBig := func() error {
		return xlsxLimits.refuse("工作表中有单元格或行过大（超过 %s）", byteSize(maxRun))
	}
	for {
		chunk, err := br.ReadSlice('<')
		pos += int64(len(chunk))
		if pos-lastLT > maxRun {
			return tooBig()
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			// chunk follows the last '<'.
			end := bytes.IndexByte(chunk, '>')
			if lastLT == 0 || len(chunk) == 0 || chunk[0] != '/' || end < 0 || len(bytes.TrimSpace(chunk[end+1:])) > 0 {
				return errTruncatedXML
			}
			return nil
		}
		if err != nil {
			return err
		}
		lastLT = pos
		name, _ := br.Peek(32)
		if isRecord(name) {
			if rowStart >= 0 && pos-rowStart > maxRow {
				return xlsxLimits.refuse("工作表中有一行过大（超过 %s）", byteSize(maxRow))
			}
			rowStart = pos
		}
	}
}

// isRecord reports whether b, the bytes after a '<', starts or ends a
// record for scanRuns.
func isRecord(b []byte) bool {
	return isTag(b, "row") || isTag(b, "/sheetData") || isTag(b, "si") || isTag(b, "/sst")
}

// isTag reports whether b, the bytes after a '<', starts a tag of the
// given local name (with "/" first for a closing tag), with or without a
// namespace prefix.
func isTag(b []byte, local string) bool {
	closing := strings.HasPrefix(local, "/")
	if closing {
		if len(b) == 0 || b[0] != '/' {
			return false
		}
		b, local = b[1:], local[1:]
	}
	if i := bytes.IndexByte(b, ':'); i >= 0 && i < bytes.IndexAny(b, " \t\r\n/>") {
		b = b[i+1:]
	}
	if !bytes.HasPrefix(b, []byte(local)) || len(b) == len(local) {
		return false
	}
	switch b[len(local)] {
	case ' ', '\t', '\r', '\n', '/', '>':
		return true
	}
	return false
}
