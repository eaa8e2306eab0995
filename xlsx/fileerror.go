package xlsx

import (
	"archive/zip"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"spotcheck"
)

// fileError is a problem with the user's file. The user sees the Chinese
// message (spotcheck.ErrorMessage); cause, the Go error if there is one,
// stays in the chain and in Error(), for the server log only.
func fileError(cause error, format string, args ...any) error {
	e := spotcheck.Errorf(spotcheck.EINVALID, format, args...)
	if cause == nil {
		return e
	}
	return fmt.Errorf("%w: %w", e, cause)
}

// What to do about a workbook that cannot be read: nearly always, have
// Excel or WPS write it again.
const resave = "在Excel或WPS中打开该文件，另存为新的.xlsx文件后再导入"

// oleSignature starts a Compound File: an old .xls workbook, or an .xlsx
// with a password to open, which Excel wraps in one.
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// xlsxError explains a failure to read a workbook past its zip directory:
// corrupt compressed data, broken XML, or what excelize refuses.
func xlsxError(err error) error {
	if _, ok := errors.AsType[*spotcheck.Error](err); ok {
		return err
	}
	var corrupt flate.CorruptInputError
	var syntax *xml.SyntaxError
	var unmarshal xml.UnmarshalError
	switch {
	case errors.Is(err, zip.ErrAlgorithm):
		return fileError(err, "文件使用了不支持的压缩方式：请%s", resave)
	case errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrFormat), errors.As(err, &corrupt),
		errors.Is(err, io.ErrUnexpectedEOF):
		return fileError(err, "文件已损坏或不完整（可能在下载或复制时中断）：请重新获取文件；或%s", resave)
	case errors.As(err, &syntax), errors.As(err, &unmarshal), errors.Is(err, errTruncatedXML):
		return fileError(err, "文件中的表格数据格式有误，无法读取：请%s", resave)
	case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
		return encryptedError(err)
	}
	return fileError(err, "无法读取Excel文件，文件可能已损坏：请%s", resave)
}

func encryptedError(err error) error {
	return fileError(err, "文件是旧版Excel（.xls）文件或设置了打开密码：请在Excel或WPS中取消密码，另存为.xlsx文件后再导入")
}

// readError is a failure to read the file itself (not its content), such
// as an upload cut short.
func readError(err error) error {
	return fileError(err, "读取文件失败，请重新上传或重试")
}
