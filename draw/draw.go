// Package draw implements the verifiable random draw spotcheck-draw/1 of
// spec/draw-v1.md exactly: the input files and their validation (§1),
// canonical JSON (§2), the plan record (§3), commitments, the randomness
// record and the seed (§4), tickets and selection (§5), the assignment of
// inspectors (§6), the result files (§7), and the bundle with steps 1–4 of
// its verification (§9).
//
// The package imports only the standard library, so that an auditor can read
// it beside the specification; the log of §8 and step 5 of §9 live elsewhere.
// No floating point is used anywhere: rates are integer fractions and
// tickets are compared as integers and strings.
package draw

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Version is the value of the "v" key of every record (spec §3, §4, §7).
const Version = "spotcheck-draw/1"

// The file names of a draw bundle (spec §9).
const (
	FilePlan       = "plan.json"
	FileRandomness = "randomness.json"
	FileResult     = "result.json"
	FileFrame      = "frame.tsv"
	FileExclusions = "exclusions.tsv"
	FileRoster     = "roster.tsv"
	FileConflicts  = "conflicts.tsv"
	FileSelected   = "selected.tsv"
	FileAssignment = "assignment.tsv"
)

// BundleFiles lists the nine files of a bundle in the order in which the
// verifier reads them (spec §9).
var BundleFiles = []string{
	FilePlan, FileRandomness, FileResult,
	FileFrame, FileExclusions, FileRoster, FileConflicts,
	FileSelected, FileAssignment,
}

// Error is the one error type of package draw. File names the bundle file
// concerned (empty when none), Line its 1-based line (0 when the problem is
// not on one line, as in the one-line JSON records), and Msg says what is
// wrong, in Chinese, for the user.
type Error struct {
	File string
	Line int
	Msg  string
}

// Error formats the error as “frame.tsv 第12行：未按 entity_id 排序”,
// “plan.json：…” or the bare message.
func (e *Error) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s 第%d行：%s", e.File, e.Line, e.Msg)
	case e.File != "":
		return e.File + "：" + e.Msg
	}
	return e.Msg
}

// errorf returns an *Error for file and line.
func errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Hash returns hex(H(b)), the lowercase hex SHA-256 of b: a file digest, the
// plan hash, the randomness digest (spec §1, §3, §7).
func Hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// IsHash reports whether s is 64 lowercase hex digits, the form of every
// hash of the specification (a plan hash, a commitment, a file digest).
func IsHash(s string) bool { return isHex64(s) }

// isHex64 is IsHash.
func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// CheckIdentifier reports whether s is an identifier of spec §1: non-empty
// printable ASCII without TAB, LF or space. what names the field in the
// message.
func CheckIdentifier(what, s string) error {
	if s == "" {
		return &Error{Msg: what + "为空"}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return &Error{Msg: fmt.Sprintf("%s“%s”含有不允许的字符（只允许可打印 ASCII，不含空格、制表符、换行）", what, printable(s))}
		}
	}
	return nil
}

// isIdent is CheckIdentifier for bytes, without the message.
func isIdent(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// printable quotes the bytes of s that cannot be shown in a message.
func printable(s string) string {
	const max = 60
	q := fmt.Sprintf("%+q", s)
	q = q[1 : len(q)-1]
	if len(q) > max {
		q = q[:max] + "…"
	}
	return q
}
