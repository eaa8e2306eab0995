package ledger

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Bounds on the log folder of a bundle, which comes from elsewhere: a
// draw logs a few dozen entries of a few kilobytes each.
const maxLogFile = 64 << 20

// maxLogEntries is a variable only so that a test need not write ten
// thousand files.
var maxLogEntries = 10_000

var (
	errNotRegular = errors.New("不是普通文件")
	errLogFileBig = fmt.Errorf("文件过大，上限 %d MB", maxLogFile>>20)
)

// readLogFile reads a file of a bundle's log folder. It refuses, before
// reading, what is not a regular file — a device such as /dev/zero linked
// in its place never ends, a named pipe blocks — and a file larger than
// maxLogFile. Its errors are for pathErr.
func readLogFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, err
	case !fi.Mode().IsRegular():
		return nil, errNotRegular
	case fi.Size() > maxLogFile:
		return nil, errLogFileBig
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxLogFile+1))
	if err == nil && len(data) > maxLogFile {
		err = errLogFileBig
	}
	return data, err
}
