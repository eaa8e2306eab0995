package draw

import (
	"bytes"
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Publication of a draw (spec §8, amendment 1, and §9 "who sees what").
// At the embargo's end the result record stays sealed to the public: its
// per-stratum cutoffs, with the list and the seed, would pin selected
// entities to their stratum, a credit risk class. What the public gets
// instead is published.tsv,
//
//	entity_id TAB ticket18
//
// one line per selected entity (the S lines of selected.tsv; reserves
// excluded), sorted by ticket18 then entity_id, and the publication record,
// logged in the clear:
//
//	{"draw":"<plan_hash>","published":{"count":N,"sha256":"<hex of published.tsv>"},
//	 "result":"<hex of the sealed result record's sha256>","v":"spotcheck-draw/1"}
//
// (canonical JSON, spec §2, on one line).

// FilePublished is the public list of a published draw (spec §9).
const FilePublished = "published.tsv"

// RecordPublication is the type of the publication record and of its log
// entry (spec §8).
const RecordPublication = "publication"

// PublishedLine is a line of published.tsv.
type PublishedLine struct{ Entity, Ticket18 string }

// Published returns published.tsv of a draw from its selected.tsv (spec §7):
// entity_id TAB ticket18 of every line of kind S, sorted by ticket18 then
// entity_id. selected.tsv is checked only as far as this needs (five
// fields, kind S or R, an identifier and a ticket18).
func Published(selected []byte) ([]byte, error) {
	var lines []PublishedLine
	for n, rest := 1, selected; len(rest) > 0; n++ {
		line, after, ok := bytes.Cut(rest, []byte{'\n'})
		if !ok {
			return nil, errorf(FileSelected, n, "最后一行没有以换行（LF）结束")
		}
		rest = after
		f := strings.Split(string(line), "\t")
		if len(f) != 5 || (f[4] != "S" && f[4] != "R") || !isIdent([]byte(f[2])) || !isTicket18(f[3]) {
			return nil, errorf(FileSelected, n, "应为“stratum TAB rank TAB entity_id TAB ticket18 TAB S|R”")
		}
		if f[4] == "S" {
			lines = append(lines, PublishedLine{f[2], f[3]})
		}
	}
	slices.SortFunc(lines, comparePublished)
	var out []byte
	for _, l := range lines {
		out = append(out, l.Entity...)
		out = append(out, '\t')
		out = append(out, l.Ticket18...)
		out = append(out, '\n')
	}
	if out == nil {
		out = []byte{}
	}
	return out, nil
}

// comparePublished orders published.tsv: by ticket18, then entity_id,
// bytewise.
func comparePublished(a, b PublishedLine) int {
	return cmp.Or(strings.Compare(a.Ticket18, b.Ticket18), strings.Compare(a.Entity, b.Entity))
}

// ParsePublished checks the format and order of published.tsv (spec §1
// rules for every file; lines sorted by ticket18 then entity_id, unique)
// and returns its lines. The error is an *Error naming the line.
func ParsePublished(b []byte) ([]PublishedLine, error) {
	sc := lineScanner{file: FilePublished, data: b}
	var out []PublishedLine
	for {
		if err := sc.next(2); err != nil {
			return nil, err
		} else if !sc.ok {
			return out, nil
		}
		if err := sc.ident(0, "entity_id"); err != nil {
			return nil, err
		}
		l := PublishedLine{string(sc.f[0]), string(sc.f[1])}
		if !isTicket18(l.Ticket18) {
			return nil, sc.fail("ticket18“%s”应为“0.”加 18 位数字", printable(l.Ticket18))
		}
		if len(out) > 0 {
			switch c := comparePublished(out[len(out)-1], l); {
			case c == 0:
				return nil, sc.fail("与第%d行重复", sc.prevLine)
			case c > 0:
				return nil, sc.fail("未按 ticket18、entity_id 排序（应在第%d行之前）", sc.prevLine)
			}
		}
		out = append(out, l)
	}
}

// Publication is the publication record (spec §8, amendment 1).
type Publication struct {
	V         string     `json:"v"`
	Draw      string     `json:"draw"`
	Published FileDigest `json:"published"`
	Result    string     `json:"result"`
}

// MakePublication returns the canonical publication record of the draw
// with plan hash planHash whose list is published (published.tsv) and
// whose sealed result record has the digest resultSHA.
func MakePublication(planHash string, published []byte, resultSHA string) ([]byte, error) {
	lines, err := ParsePublished(published)
	if err != nil {
		return nil, err
	}
	if !isHex64(planHash) || !isHex64(resultSHA) {
		return nil, &Error{Msg: "publication 记录的 draw、result 应为 64 位小写十六进制"}
	}
	return Canonical(&Publication{V: Version, Draw: planHash, Result: resultSHA,
		Published: FileDigest{Count: len(lines), SHA256: Hash(published)}})
}

// ParsePublication decodes a publication record, requiring its canonical
// form, and checks its fields on their own.
func ParsePublication(b []byte) (Publication, error) {
	const what = "publication 记录"
	var p Publication
	if err := decodeRecord(what, b, &p); err != nil {
		return Publication{}, err
	}
	switch {
	case p.V != Version:
		return Publication{}, errorf(what, 0, "v 应为“%s”", Version)
	case !isHex64(p.Draw) || !isHex64(p.Result) || !isHex64(p.Published.SHA256):
		return Publication{}, errorf(what, 0, "draw、result、published.sha256 应为 64 位小写十六进制")
	case p.Published.Count < 0:
		return Publication{}, errorf(what, 0, "published.count 应为非负整数")
	}
	return p, nil
}

// PublicBundle is the public bundle of a published draw (spec §9): the
// files anyone may hold. Its log/ folder is read by package ledger.
type PublicBundle struct {
	Plan, Randomness, Published []byte
}

// ReadPublicBundle reads plan.json, randomness.json and published.tsv from
// dir. A missing file is an *Error naming it.
func ReadPublicBundle(dir string) (*PublicBundle, error) {
	b := &PublicBundle{}
	for _, f := range []struct {
		name string
		dst  *[]byte
	}{{FilePlan, &b.Plan}, {FileRandomness, &b.Randomness}, {FilePublished, &b.Published}} {
		data, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			if os.IsNotExist(err) {
				return nil, errorf(f.name, 0, "文件不存在（目录 %s）：公开抽取包在解除保密后才有随机数与公示名单", dir)
			}
			return nil, errorf(f.name, 0, "无法读取：%v", err)
		}
		*f.dst = append([]byte{}, data...)
	}
	return b, nil
}

// VerifyPublic checks what the public can check of a published draw
// (spec §9): plan.json's canonical form and fields, step 3 (every
// commitment against its reveal, the declared sources, the seed), and
// published.tsv — its format and order, every line's ticket recomputed
// from the seed, and its count and digest against the publication record
// publication (the body of its log entry), which must name this plan.
// Steps 2 and 4 need the files only auditors get. The error is an *Error
// naming the file and, where there is one, the line.
func VerifyPublic(b *PublicBundle, publication []byte) (Summary, error) {
	p, err := ParsePlan(b.Plan)
	if err != nil {
		return Summary{}, err
	}
	seed, err := Seed(b.Plan, b.Randomness)
	if err != nil {
		return Summary{}, err
	}
	pub, err := ParsePublication(publication)
	if err != nil {
		return Summary{}, err
	}
	planHash := Hash(b.Plan)
	if pub.Draw != planHash {
		return Summary{}, errorf("publication 记录", 0, "draw 应为 plan.json 的哈希 %s", planHash)
	}
	lines, err := ParsePublished(b.Published)
	if err != nil {
		return Summary{}, err
	}
	t := newTicketer(seed)
	for i, l := range lines {
		if want := string(appendTicket(nil, t.hash([]byte(l.Entity))))[:20]; l.Ticket18 != want {
			return Summary{}, errorf(FilePublished, i+1, "“%s”的票号应为 %s（由种子算出），实际为 %s", l.Entity, want, l.Ticket18)
		}
	}
	if len(lines) != pub.Published.Count {
		return Summary{}, errorf(FilePublished, 0, "有 %d 行，publication 记录为 %d 行", len(lines), pub.Published.Count)
	}
	if Hash(b.Published) != pub.Published.SHA256 {
		return Summary{}, errorf(FilePublished, 0, "SHA-256 与 publication 记录的不符")
	}
	want := 0
	for _, s := range p.Strata {
		want += s.N
	}
	if len(lines) != want {
		return Summary{}, errorf(FilePublished, 0, "有 %d 行，plan.json 各层抽取数之和为 %d", len(lines), want)
	}
	return Summary{Task: p.Task, Seed: seed, PlanHash: planHash, Selected: len(lines)}, nil
}

// checkPublished checks published.tsv of a full bundle: it must be exactly
// what Published makes of selected.tsv.
func checkPublished(published, selected []byte) error {
	want, err := Published(selected)
	if err != nil {
		return err
	}
	return sameLines(FilePublished, want, published)
}
