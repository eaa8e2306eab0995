package draw

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// maxBundleFile bounds each file of a bundle read from disk. A frame of
// ten million entities is about 250 MB; a bundle is handed from one
// party to another, so its files are not trusted to be what they say.
const maxBundleFile = 512 << 20

// readBundleFile reads the bundle file name in dir. It refuses, before
// reading, what is not a regular file — a device such as /dev/zero linked
// in its place never ends, a named pipe blocks — and a file larger than
// maxBundleFile, rather than reading either into memory.
func readBundleFile(dir, name string) ([]byte, error) {
	path := filepath.Join(dir, name)
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errorf(name, 0, "文件不存在（目录 %s）", dir)
	case err != nil:
		return nil, errorf(name, 0, "无法读取：%v", err)
	case !fi.Mode().IsRegular():
		return nil, errorf(name, 0, "不是普通文件，无法读取")
	case fi.Size() > maxBundleFile:
		return nil, tooLarge(name)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, errorf(name, 0, "无法读取：%v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBundleFile+1))
	switch {
	case err != nil:
		return nil, errorf(name, 0, "无法读取：%v", err)
	case len(data) > maxBundleFile:
		return nil, tooLarge(name)
	}
	return data, nil
}

func tooLarge(name string) error {
	return errorf(name, 0, "文件过大（上限 %d MB），不是正常的抽取包文件", maxBundleFile>>20)
}
