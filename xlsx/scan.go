package xlsx

import (
	"bytes"
	"errors"
	"io"

	"spotcheck"
)

// errTruncatedXML is an XML part that does not end with a closing tag.
var errTruncatedXML = errors.New("xlsx: XML part cut short")

// scanLook is how many bytes after a '<' scanRuns looks at for a name.
const scanLook = 32

// scanRuns reads an unpacked worksheet or shared-string table and refuses
// it if a text or tag (the bytes between two '<') is longer than maxRun,
// or a record longer than maxRow: a worksheet's row (from a <row tag to
// the next, or to </sheetData>) or a shared string (<si> to the next, or
// to </sst>), which excelize decodes whole. A part that does not end with
// a closing tag was cut short, which excelize would not notice; that is
// errTruncatedXML. Checking the XML in full would cost as much as
// excelize's own parse; this finds each '<' with bytes.IndexByte.
//
// The shared strings are also bounded in number, which is what excelize's
// index of them costs.
func scanRuns(r io.Reader, b scanBounds) error { return scanXML(r, 256<<10, b) }

// scanBounds are what scanRuns holds a part to: the bytes of a text or
// tag, and of a record, and the number of records (0: any).
type scanBounds struct {
	run, row int64
	records  int
}

var (
	sheetBounds        = scanBounds{run: maxRun, row: maxRow}
	sharedStringBounds = scanBounds{run: maxRun, row: maxRow, records: maxSharedStrings}
)

// scanXML is scanRuns with its buffer size (more than 2*scanLook) given,
// for tests.
func scanXML(r io.Reader, bufSize int, b scanBounds) error {
	buf := make([]byte, bufSize)
	var (
		n, start    int   // valid bytes in buf; the first not yet searched
		off         int64 // offset of buf[0] in the part
		lastLT      int64 = -1
		rowStart    int64 = -1
		lastClosing bool
		eof         bool
		records     int
	)
	for {
		// Fill buf. Only io.EOF ends the part: a corrupt stream may end
		// with io.ErrUnexpectedEOF, which is an error.
		for n < len(buf) && !eof {
			m, err := r.Read(buf[n:])
			n += m
			if err == io.EOF {
				eof = true
			} else if err != nil {
				return err
			}
		}
		// Search up to scanLook bytes short of the end, so that every
		// '<' found has its name in buf, except at the end of the part.
		limit := n
		if !eof {
			limit = n - scanLook
		}
		for start < limit {
			i := bytes.IndexByte(buf[start:limit], '<')
			if i < 0 {
				start = limit
				break
			}
			at := start + i
			if off+int64(at)-lastLT > b.run {
				return xlsxLimits.refuse("工作表中有单元格过大（超过 %s）", byteSize(uint64(b.run)))
			}
			lastLT = off + int64(at)
			name := buf[at+1 : min(at+1+scanLook, n)]
			lastClosing = len(name) > 0 && name[0] == '/'
			if isRecord(name) {
				if rowStart >= 0 && lastLT-rowStart > b.row {
					return xlsxLimits.refuse("工作表中有一行过大（超过 %s）", byteSize(uint64(b.row)))
				}
				rowStart = lastLT
				if !lastClosing {
					if records++; b.records > 0 && records > b.records {
						return spotcheck.Errorf(spotcheck.EINVALID, "文件中的共享字符串过多（超过 %d 个）：请把数据分成几个文件导入，或另存为CSV后导入", b.records)
					}
				}
			}
			start = at + 1
		}
		if off+int64(limit)-lastLT > b.run {
			return xlsxLimits.refuse("工作表中有单元格过大（超过 %s）", byteSize(uint64(b.run)))
		}
		if eof {
			end := bytes.TrimRight(buf[:n], " \t\r\n")
			if !lastClosing || len(end) == 0 || end[len(end)-1] != '>' {
				return errTruncatedXML
			}
			return nil
		}
		n = copy(buf, buf[start:n])
		off += int64(start)
		start = 0
	}
}

// isRecord reports whether b, the bytes after a '<', starts a worksheet
// row or a shared string (<row, <si) or ends their list (</sheetData>,
// </sst>), with or without a namespace prefix (<x:row). It is called for
// every tag, so it reads the name once and allocates nothing.
func isRecord(b []byte) bool {
	// Most tags are a cell's: <c r=…>, <v>, <t>, <is>, and their ends.
	if len(b) > 2 {
		c0, c1 := b[0], b[1]
		if c0 == '/' {
			c0, c1 = c1, b[2]
		}
		if (c0 == 'c' || c0 == 'v' || c0 == 't') && (c1 == ' ' || c1 == '>') || c0 == 'i' && c1 == 's' {
			return false
		}
	}
	closing := len(b) > 0 && b[0] == '/'
	if closing {
		b = b[1:]
	}
	start := 0
	for i, c := range b {
		switch c {
		case ':':
			start = i + 1
		case ' ', '\t', '\r', '\n', '/', '>':
			name := string(b[start:i]) // compared, not kept: no allocation
			if closing {
				return name == "sheetData" || name == "sst"
			}
			return name == "row" || name == "si"
		}
	}
	return false // a name longer than scanLook is none of these
}
