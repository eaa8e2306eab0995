package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// MaxEntrySize is the largest entry the log takes, in bytes (spec §8): big
// files are referenced by digest and stored beside the log.
const MaxEntrySize = 64 << 10

// Entry types this package gives a meaning to. Other types (plan, commit,
// randomness, result, later events) are the callers' and are logged as
// they are.
const (
	TypeSealed = "sealed" // body SealedBody: a record kept back until its embargo ends
	TypeUnseal = "unseal" // body UnsealBody: the sealed record is now published
	// TypePublication is the entry, in the clear, that publishes a draw
	// whose result stays sealed (spec §8, amendment 1): its body is the
	// draw's publication record (package draw), naming published.tsv by
	// count and digest and the sealed result record by its digest.
	TypePublication = "publication"
)

// Servable reports whether a sealed record of type record may be published
// at its embargo's end (unsealed, and served at /log/records/). The result
// record may not (spec §8, amendment 1): its per-stratum cutoffs, with the
// published list and the seed, pin selected entities to their stratum, a
// credit risk class that is not public; nor may any later event that names
// a stratum (the platform's later events, "change", name none). Such a
// record stays sealed to the public for ever; auditors get it in the full
// bundle and check it against its sealed entry.
//
// A log written before the amendment may hold an unseal entry for a result
// record: the log is append-only, so that entry stays as history, but the
// record is no longer served.
func Servable(record string) bool { return record != "result" }

// timeLayout is the entry time: RFC 3339 UTC with Z and whole seconds.
const timeLayout = "2006-01-02T15:04:05Z"

// Entry is one log entry, decoded.
type Entry struct {
	Type string
	Time time.Time
	// Body is the record, canonical JSON (spec §2), as logged.
	Body []byte
}

// EncodeEntry returns the entry of spec §8 for a record of type typ logged
// at t:
//
//	{"body":<body>,"time":"<RFC 3339 UTC, whole seconds>","type":"<typ>"}
//
// body is written as it is and must already be canonical JSON: a JSON
// object without LF (the log serves one entry per line). typ is a name of
// lower-case ASCII letters, digits and '_' starting with a letter, so it
// needs no escaping. The entry may not exceed MaxEntrySize.
func EncodeEntry(typ string, t time.Time, body []byte) ([]byte, error) {
	if !validName(typ) {
		return nil, fmt.Errorf("日志记录类型“%s”无效", typ)
	}
	if len(body) < 2 || body[0] != '{' || body[len(body)-1] != '}' || !json.Valid(body) {
		return nil, fmt.Errorf("%s 记录的内容不是 JSON 对象", typ)
	}
	if bytes.IndexByte(body, '\n') >= 0 {
		return nil, fmt.Errorf("%s 记录的内容含有换行符", typ)
	}
	b := make([]byte, 0, len(body)+len(typ)+48)
	b = append(b, `{"body":`...)
	b = append(b, body...)
	b = append(b, `,"time":"`...)
	b = t.UTC().Truncate(time.Second).AppendFormat(b, timeLayout)
	b = append(b, `","type":"`...)
	b = append(b, typ...)
	b = append(b, `"}`...)
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("%s 记录过大（%d 字节，上限 %d 字节）：大文件应以摘要引用", typ, len(b), MaxEntrySize)
	}
	return b, nil
}

// ParseEntry decodes an entry and checks that it is exactly what
// EncodeEntry writes for its parts, so that one record has one entry.
func ParseEntry(entry []byte) (Entry, error) {
	var raw struct {
		Body json.RawMessage `json:"body"`
		Time string          `json:"time"`
		Type string          `json:"type"`
	}
	if err := json.Unmarshal(entry, &raw); err != nil {
		return Entry{}, fmt.Errorf("不是 JSON：%v", err)
	}
	t, err := time.Parse(timeLayout, raw.Time)
	if err != nil {
		return Entry{}, fmt.Errorf("时间“%s”无效", raw.Time)
	}
	again, err := EncodeEntry(raw.Type, t, raw.Body)
	if err != nil {
		return Entry{}, err
	}
	if !bytes.Equal(again, entry) {
		return Entry{}, fmt.Errorf("不是规范形式")
	}
	return Entry{Type: raw.Type, Time: t, Body: []byte(raw.Body)}, nil
}

// validName reports whether s may be an entry or record type: 1 to 64
// characters of [a-z0-9_], starting with a letter.
func validName(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Digest returns hex(SHA-256(data)), the name of a record in the log.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// SealedBody returns the body of the sealed entry of a record of type
// record (spec §8, sealed entries):
//
//	{"record":"<record>","sha256":"<hex of data>"}
//
// record must be a valid type name (see EncodeEntry); SealedBody panics
// otherwise, as that is a programming error.
func SealedBody(record string, data []byte) []byte {
	if !validName(record) {
		panic("ledger: invalid record type " + strconv.Quote(record))
	}
	return sealedBody(record, Digest(data))
}

// sealedBody is SealedBody of the record with digest sha.
func sealedBody(record, sha string) []byte {
	return []byte(`{"record":"` + record + `","sha256":"` + sha + `"}`)
}

// UnsealBody returns the body of the unseal entry that publishes the
// record logged sealed as entry index:
//
//	{"index":<index>,"record":"<record>","sha256":"<hex>"}
func UnsealBody(index int64, record, sha string) []byte {
	if !validName(record) {
		panic("ledger: invalid record type " + strconv.Quote(record))
	}
	return []byte(`{"index":` + strconv.FormatInt(index, 10) + `,"record":"` + record + `","sha256":"` + sha + `"}`)
}

// ParseSealedBody returns the record type and digest a sealed entry's body
// names.
func ParseSealedBody(body []byte) (record, sha string, err error) {
	var v struct {
		Record string `json:"record"`
		SHA256 string `json:"sha256"`
	}
	if err := json.Unmarshal(body, &v); err != nil || !validName(v.Record) || !IsDigest(v.SHA256) ||
		!bytes.Equal(body, []byte(`{"record":"`+v.Record+`","sha256":"`+v.SHA256+`"}`)) {
		return "", "", fmt.Errorf("sealed 记录的内容无效")
	}
	return v.Record, v.SHA256, nil
}

// IsDigest reports whether s is a record digest as the log writes it: 64
// lower-case hex digits.
func IsDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// appendString appends s as a canonical JSON string (spec §2): only '"'
// and '\' are escaped; control characters and U+2028/U+2029 are refused.
func appendString(b []byte, s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("字符串不是有效的 UTF-8")
	}
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029:
			return nil, fmt.Errorf("字符串含有控制字符")
		default:
			b = append(b, string(r)...)
		}
	}
	return append(b, '"'), nil
}
