package ledger

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is the state of the log that the log signs: its origin (the
// name of the log, which is also the name of its key), its size and the
// RFC 6962 root hash of the tree of that size.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Text returns the checkpoint in the C2SP tlog-checkpoint form, the text
// that is signed:
//
//	<origin>\n<size, decimal>\n<root hash, standard base64>\n
//
// The form has no extension lines.
func (c Checkpoint) Text() []byte {
	return fmt.Appendf(nil, "%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// ParseCheckpoint parses the text of a checkpoint as Text writes it; a
// text that Text would write differently is refused.
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	lines := bytes.Split(text, []byte("\n"))
	if len(lines) != 4 || len(lines[3]) != 0 {
		return Checkpoint{}, errors.New("检查点应为三行：来源、大小、根哈希")
	}
	var c Checkpoint
	c.Origin = string(lines[0])
	size, err := strconv.ParseInt(string(lines[1]), 10, 64)
	if err != nil || size < 0 {
		return Checkpoint{}, fmt.Errorf("检查点的大小“%s”无效", lines[1])
	}
	c.Size = size
	root, err := base64.StdEncoding.DecodeString(string(lines[2]))
	if err != nil || len(root) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("检查点的根哈希“%s”无效", lines[2])
	}
	copy(c.Root[:], root)
	if !bytes.Equal(c.Text(), text) {
		return Checkpoint{}, errors.New("检查点不是规范形式")
	}
	return c, nil
}

// SignCheckpoint returns c signed with s as a note (golang.org/x/mod/sumdb/note):
// the text, an empty line and the signature line
//
//	— <key name> <base64 of key hash ‖ Ed25519 signature>\n
//
// The origin of c must be the name of the key. Ed25519 signatures are
// deterministic, so one checkpoint always has the same bytes.
func SignCheckpoint(c Checkpoint, s note.Signer) ([]byte, error) {
	if c.Origin != s.Name() {
		return nil, fmt.Errorf("检查点来源“%s”与签名密钥名称“%s”不一致", c.Origin, s.Name())
	}
	return note.Sign(&note.Note{Text: string(c.Text())}, s)
}

// OpenCheckpoint checks the signature of a signed checkpoint with the
// verifier key verifierKey (the one line of /log/key) and returns the
// checkpoint. The origin must be the key's name.
func OpenCheckpoint(signed []byte, verifierKey string) (Checkpoint, error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("日志公钥“%s”无效：%v", verifierKey, err)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &unverified):
			return Checkpoint{}, fmt.Errorf("检查点没有该日志公钥（%s）的签名", v.Name())
		case errors.As(err, &invalid):
			return Checkpoint{}, errors.New("检查点签名无效")
		}
		return Checkpoint{}, fmt.Errorf("检查点格式错误：%v", err)
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("检查点来源“%s”与日志公钥名称“%s”不一致", c.Origin, v.Name())
	}
	return c, nil
}

// checkpointText returns the text part of a signed note without checking
// its signature: what precedes the blank line.
func checkpointText(signed []byte) ([]byte, error) {
	i := bytes.LastIndex(signed, []byte("\n\n"))
	if i < 0 {
		return nil, errors.New("检查点格式错误")
	}
	return signed[:i+1], nil
}
