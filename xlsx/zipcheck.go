package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"

	"spotcheck"
)

// ZipLimits bounds what an uploaded zip archive (.xlsx, and any later
// zip-based upload) may declare. CheckZip holds the archive's central
// directory against them before a single entry is inflated, so that a
// small file that unpacks to gigabytes is refused for what it declares.
type ZipLimits struct {
	// What names the file in messages, e.g. "Excel表格".
	What string
	// Entries is the most entries the directory may hold.
	Entries int
	// Total is the most bytes all entries may declare together, and
	// Entry (0: Total) the most one entry may declare.
	Total, Entry int64
	// Ratio is the most declared bytes per stored byte of an entry that
	// declares more than RatioFrom bytes (0: 1 MiB). Text compresses
	// about 5–20 times, a run of one byte about 1000 times.
	Ratio     int64
	RatioFrom int64
}

// centralHeaderSig starts every entry of a zip's central directory.
var centralHeaderSig = []byte("PK\x01\x02")

// CheckZip opens the zip archive of size bytes in r and checks its
// directory against lim: the number of entries, the uncompressed size
// each entry declares and their sum, and each entry's compression ratio.
// Nothing is inflated. A refusal is an EINVALID error whose message says
// what is wrong and by how much, in Chinese; a file that is not a zip
// archive is refused the same way, with the Go error kept for the log.
//
// The declared sizes are also what a reader gets: archive/zip stops an
// entry that inflates to more than its directory declares with
// zip.ErrFormat, so an archive that lies about a size is cut short rather
// than believed.
//
// archive/zip reads directory headers until one does not parse, whatever
// count the archive's end record gives, so the entry count is taken
// first, as an upper bound, by counting the directory header signature in
// the whole file: each header starts with one, and headers do not overlap.
func CheckZip(r io.ReaderAt, size int64, lim ZipLimits) (*zip.Reader, error) {
	n, err := countSignature(r, size, centralHeaderSig, lim.Entries+1)
	if err != nil {
		return nil, readError(err)
	}
	if n > lim.Entries {
		return nil, lim.refuse("文件包含的条目过多（超过 %d 个）", lim.Entries)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, lim.notZip(err)
	}
	entryMax, ratioFrom := lim.Entry, lim.RatioFrom
	if entryMax == 0 {
		entryMax = lim.Total
	}
	if ratioFrom == 0 {
		ratioFrom = 1 << 20
	}
	var total uint64
	for _, f := range zr.File {
		declared := f.UncompressedSize64
		if declared > uint64(entryMax) {
			return nil, lim.refuse("文件中的“%s”解压后过大（声明 %s，上限 %s）", clip(f.Name), byteSize(declared), byteSize(uint64(entryMax)))
		}
		stored := max(f.CompressedSize64, 1)
		if declared > uint64(ratioFrom) && declared/stored > uint64(lim.Ratio) {
			return nil, lim.refuse("文件中的“%s”压缩比异常（压缩后 %s，声明解压后为 %s，是压缩后的 %d 倍，上限 %d 倍）",
				clip(f.Name), byteSize(f.CompressedSize64), byteSize(declared), declared/stored, lim.Ratio)
		}
		total += declared // at most Entries times an int64: no overflow
	}
	if total > uint64(lim.Total) {
		return nil, lim.refuse("文件解压后过大（声明 %s，上限 %s）", byteSize(total), byteSize(uint64(lim.Total)))
	}
	return zr, nil
}

// refuse is a CheckZip refusal: the reason, then what to do.
func (lim ZipLimits) refuse(format string, args ...any) error {
	return spotcheck.Errorf(spotcheck.EINVALID, format+"：请检查文件是否为正常的%s", append(args, lim.What)...)
}

// notZip explains why archive/zip cannot read a file's directory, keeping
// its error for the log.
func (lim ZipLimits) notZip(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fileError(err, "文件不完整（可能在下载或复制时中断）：请重新获取文件后再导入")
	}
	return fileError(err, "文件不是有效的%s（可能已损坏，或是其他格式的文件改了扩展名）：请确认选择了正确的文件；"+
		"如果文件能正常打开，请用原软件另存为新文件后再导入", lim.What)
}

// countSignature counts the occurrences of sig in the size bytes of r,
// stopping at stop. It reads in blocks, keeping len(sig)-1 bytes of each
// for the next, so that a signature across two blocks is counted once.
func countSignature(r io.ReaderAt, size int64, sig []byte, stop int) (int, error) {
	buf := make([]byte, 256<<10)
	n, keep := 0, 0
	for off := int64(0); off < size && n < stop; {
		m, err := r.ReadAt(buf[keep:min(int64(len(buf)), int64(keep)+size-off)], off)
		if err != nil && err != io.EOF {
			return n, err
		}
		if m == 0 {
			return n, io.ErrUnexpectedEOF
		}
		off += int64(m)
		block := buf[:keep+m]
		n += bytes.Count(block, sig)
		keep = min(len(sig)-1, len(block))
		copy(buf, block[len(block)-keep:])
	}
	return n, nil
}

// byteSize formats a size for a message: 1.0 GB, 16 MB, 512 字节.
func byteSize(n uint64) string {
	const k = 1 << 10
	switch {
	case n >= k*k*k:
		return fmt.Sprintf("%.1f GB", float64(n)/(k*k*k))
	case n >= k*k:
		return fmt.Sprintf("%.1f MB", float64(n)/(k*k))
	case n >= k:
		return fmt.Sprintf("%.1f KB", float64(n)/k)
	}
	return fmt.Sprintf("%d 字节", n)
}
