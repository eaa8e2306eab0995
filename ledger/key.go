package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// DefaultOrigin is the origin (log and key name) of a new key when the
// configuration names none.
const DefaultOrigin = "spotcheck/log"

// LoadOrCreateKey returns the signer of the log's key file at path and its
// verifier key, the one line that /log/key serves:
//
//	<origin>+<key hash, 8 hex>+<base64 of 0x01 ‖ Ed25519 public key>
//
// The file holds the note signer key (note.GenerateKey's skey,
// "PRIVATE+KEY+<origin>+<hash>+<base64>") and an LF. When it does not
// exist, LoadOrCreateKey creates a new Ed25519 key named origin, writes it
// to a temporary file of mode 0600 beside path and links it into place,
// so that a reader never sees half a key and of two instances starting
// at once both use the key of the first. When the file exists, its own
// name wins over origin. Errors never quote the key.
func LoadOrCreateKey(path, origin string) (note.Signer, string, error) {
	s, v, err := LoadKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return s, v, err
	}
	if !validOrigin(origin) {
		return nil, "", fmt.Errorf("日志名称“%s”无效：不能为空，不能含空白或“+”", origin)
	}
	skey, _, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return nil, "", fmt.Errorf("生成日志密钥失败：%v", err)
	}
	if err := writeNewKey(path, skey); err != nil {
		return nil, "", err
	}
	return LoadKey(path)
}

// writeNewKey puts skey into a new file at path, unless one appeared in
// the meantime.
func writeNewKey(path, skey string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".logkey-*")
	if err != nil {
		return fmt.Errorf("无法创建日志密钥文件：%v", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("无法创建日志密钥文件：%v", err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("无法写入日志密钥文件：%v", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("无法写入日志密钥文件：%v", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("无法写入日志密钥文件：%v", err)
	}
	// A hard link never replaces an existing file; where the file system
	// has none, a rename does (after a last look).
	if err := os.Link(tmp, path); err == nil || errors.Is(err, fs.ErrExist) {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return nil
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("无法创建日志密钥文件 %s：%v", path, err)
	}
	return nil
}

// LoadKey reads the key file at path (see LoadOrCreateKey) and returns its
// signer and verifier key. A missing file is an error wrapping
// fs.ErrNotExist.
func LoadKey(path string) (note.Signer, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", fmt.Errorf("日志密钥文件 %s 不存在：%w", path, fs.ErrNotExist)
		}
		return nil, "", fmt.Errorf("无法读取日志密钥文件：%v", err)
	}
	s, v, err := ParseSignerKey(string(bytes.TrimSpace(data)))
	if err != nil {
		return nil, "", fmt.Errorf("日志密钥文件 %s 无效：%v", path, err)
	}
	return s, v, nil
}

// validOrigin reports whether origin may name a log and its key: a note
// key name, non-empty printable UTF-8 without spaces and '+'.
func validOrigin(origin string) bool {
	return origin != "" && utf8.ValidString(origin) && !strings.ContainsFunc(origin, func(r rune) bool {
		return r == '+' || unicode.IsSpace(r) || unicode.IsControl(r)
	})
}

// NewKey returns a new Ed25519 signer named origin and its verifier key,
// kept in memory only: for tests and throw-away instances.
func NewKey(origin string) (note.Signer, string, error) {
	if !validOrigin(origin) {
		return nil, "", fmt.Errorf("日志名称“%s”无效", origin)
	}
	skey, _, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return nil, "", err
	}
	return ParseSignerKey(skey)
}

// ParseSignerKey returns the signer of a note signer key
// ("PRIVATE+KEY+<name>+<hash>+<base64 of 0x01 ‖ Ed25519 seed>") and the
// verifier key that belongs to it.
func ParseSignerKey(skey string) (note.Signer, string, error) {
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, "", errors.New("不是 Ed25519 签名密钥")
	}
	parts := strings.SplitN(skey, "+", 5) // PRIVATE, KEY, name, hash, key (base64 may hold '+')
	key, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(parts) != 5 || len(key) != 1+ed25519.SeedSize || key[0] != 1 {
		return nil, "", errors.New("不是 Ed25519 签名密钥")
	}
	pub := ed25519.NewKeyFromSeed(key[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(s.Name(), pub)
	if err != nil {
		return nil, "", err
	}
	return s, vkey, nil
}
