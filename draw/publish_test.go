package draw

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// publicOf returns the public bundle of a vector and its publication
// record, as the platform publishes them (spec §8, amendment 1).
func publicOf(t *testing.T, b *Bundle) (*PublicBundle, []byte) {
	t.Helper()
	published, err := Published(b.Selected)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := MakePublication(Hash(b.Plan), published, Hash(b.Result))
	if err != nil {
		t.Fatal(err)
	}
	return &PublicBundle{Plan: b.Plan, Randomness: b.Randomness, Published: published}, pub
}

// TestPublishedVectors: published.tsv of every vector is the S lines of
// selected.tsv as "entity_id TAB ticket18", sorted by ticket18 then
// entity_id, and the publication record is byte for byte the form spec §8
// (amendment 1) gives; the public bundle verifies.
func TestPublishedVectors(t *testing.T) {
	for _, dir := range vectorDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b := readVector(t, dir)
			// published.tsv, worked out line by line from the spec's words.
			var want []string
			for _, line := range strings.Split(strings.TrimSuffix(string(b.Selected), "\n"), "\n") {
				f := strings.Split(line, "\t")
				if f[4] == "S" {
					want = append(want, f[3]+"\t"+f[2])
				}
			}
			sort.Strings(want) // ticket18 first: sorted by ticket18, then entity_id
			var wantTSV strings.Builder
			for _, l := range want {
				ticket, entity, _ := strings.Cut(l, "\t")
				wantTSV.WriteString(entity + "\t" + ticket + "\n")
			}
			pb, pub := publicOf(t, b)
			if string(pb.Published) != wantTSV.String() {
				t.Fatalf("published.tsv:\n%s\nwant\n%s", pb.Published, wantTSV.String())
			}
			wantPub := fmt.Sprintf(`{"draw":"%s","published":{"count":%d,"sha256":"%s"},"result":"%s","v":"spotcheck-draw/1"}`,
				Hash(b.Plan), len(want), Hash([]byte(wantTSV.String())), Hash(b.Result))
			if string(pub) != wantPub {
				t.Fatalf("publication record\n%s\nwant\n%s", pub, wantPub)
			}
			if _, err := ParsePublication(pub); err != nil {
				t.Fatalf("ParsePublication: %v", err)
			}
			sum, err := VerifyPublic(pb, pub)
			if err != nil {
				t.Fatalf("VerifyPublic: %v", err)
			}
			full, _ := Verify(b)
			if sum.Task != full.Task || sum.Seed != full.Seed || sum.Selected != full.Selected {
				t.Errorf("public summary %+v, full %+v", sum, full)
			}
			// The full bundle with published.tsv verifies too.
			b.Published = pb.Published
			if _, err := Verify(b); err != nil {
				t.Fatalf("Verify with published.tsv: %v", err)
			}
		})
	}
}

// TestVerifyPublicRejects: a wrong ticket, a wrong order, a wrong digest or
// count, another draw's publication record — each named with its file and,
// where there is one, its line.
func TestVerifyPublicRejects(t *testing.T) {
	b := readVector(t, filepath.Join("testdata", "vectors", "small-4strata"))
	good, pub := publicOf(t, b)
	lines := strings.SplitAfter(string(good.Published), "\n")
	lines = lines[:len(lines)-1]
	join := func(ls ...string) []byte { return []byte(strings.Join(ls, "")) }
	swapped := append([]string{lines[1], lines[0]}, lines[2:]...)
	wrongTicket := append([]string{}, lines...)
	e, tk, _ := strings.Cut(strings.TrimSuffix(wrongTicket[2], "\n"), "\t")
	last := tk[len(tk)-1]
	wrongTicket[2] = e + "\t" + tk[:len(tk)-1] + string("01"[(last-'0'+1)%2]) + "\n"
	otherPub := bytes.Replace(pub, []byte(Hash(good.Published)), []byte(Hash(nil)), 1)
	tests := []struct {
		name        string
		published   []byte
		publication []byte
		want        string
	}{
		{"wrong ticket", join(wrongTicket...), pub, "published.tsv 第3行：“" + e + "”的票号应为 " + tk},
		{"wrong order", join(swapped...), pub, "published.tsv 第2行：未按 ticket18、entity_id 排序（应在第1行之前）"},
		{"line twice", join(append([]string{lines[0]}, lines...)...), pub, "published.tsv 第2行：与第1行重复"},
		{"line missing", join(lines[1:]...), pub, fmt.Sprintf("published.tsv：有 %d 行，publication 记录为 %d 行", len(lines)-1, len(lines))},
		{"wrong digest", good.Published, otherPub, "published.tsv：SHA-256 与 publication 记录的不符"},
		{"no final LF", bytes.TrimSuffix(good.Published, []byte("\n")), pub, fmt.Sprintf("published.tsv 第%d行：最后一行没有以换行（LF）结束", len(lines))},
		{"stratum column", bytes.Replace(good.Published, []byte("\t"), []byte("\tA\t"), 1), pub, "published.tsv 第1行：字段过多"},
		{"other draw", good.Published, bytes.Replace(pub, []byte(Hash(b.Plan)), []byte(Hash(nil)), 1), "publication 记录：draw 应为 plan.json 的哈希"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pb := *good
			pb.Published = tt.published
			_, err := VerifyPublic(&pb, tt.publication)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("VerifyPublic: %v\nwant %s…", err, tt.want)
			}
		})
	}
	// A count that agrees with a shortened file is caught by the plan.
	short := join(lines[1:]...)
	shortPub, err := MakePublication(Hash(b.Plan), short, Hash(b.Result))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyPublic(&PublicBundle{Plan: b.Plan, Randomness: b.Randomness, Published: short}, shortPub); err == nil ||
		!strings.Contains(err.Error(), "plan.json 各层抽取数之和为") {
		t.Errorf("a list one short: %v", err)
	}
	// A changed reveal fails step 3.
	rnd := bytes.Replace(b.Randomness, []byte(`"secret":"`), []byte(`"secret":"x`), 1)
	if _, err := VerifyPublic(&PublicBundle{Plan: b.Plan, Randomness: rnd, Published: good.Published}, pub); err == nil ||
		!strings.HasPrefix(err.Error(), FileRandomness) {
		t.Errorf("changed reveal: %v", err)
	}
	// The full bundle's published.tsv must be the one selected.tsv gives.
	b.Published = join(swapped...)
	if _, err := Verify(b); err == nil || !strings.HasPrefix(err.Error(), "published.tsv 第1行：") {
		t.Errorf("full bundle with a wrong published.tsv: %v", err)
	}
}

// TestVerifyPublicEveryByte: a change of any one byte of published.tsv is
// rejected with an error naming the file.
func TestVerifyPublicEveryByte(t *testing.T) {
	b := readVector(t, filepath.Join("testdata", "vectors", "joint-dice-beacon"))
	good, pub := publicOf(t, b)
	for i := range good.Published {
		for _, flip := range []byte{1, 0x20} {
			data := bytes.Clone(good.Published)
			data[i] ^= flip
			_, err := VerifyPublic(&PublicBundle{Plan: good.Plan, Randomness: good.Randomness, Published: data}, pub)
			var e *Error
			if err == nil {
				t.Fatalf("byte %d ^ %#x accepted", i, flip)
			} else if !errors.As(err, &e) || e.File != FilePublished {
				t.Fatalf("byte %d ^ %#x: %v", i, flip, err)
			}
		}
	}
}
