package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"spotcheck/draw"
	"spotcheck/ledger"
)

// A public bundle (spec §9, amendment 1) holds plan.json, randomness.json,
// published.tsv and log/, and no result.json: the result record stays
// sealed to the public, since its per-stratum cutoffs would give away the
// strata (credit risk classes). `draw verify` checks what the public can:
// step 3 (commitments, reveals, seed), every published.tsv line's ticket
// and the file's order, its count and digest against the publication
// record in log/, and step 5 for the entries the bundle holds. Steps 2 and
// 4 need the input files and the result, which only auditors get.

// isPublicBundle reports whether dir holds a public bundle: one without
// result.json.
func isPublicBundle(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, draw.FileResult))
	return errors.Is(err, fs.ErrNotExist)
}

// publicNote is what `draw verify` adds on stderr after a public bundle
// passed.
const publicNote = "注意：这是公开抽取包，已核验承诺与揭示、种子（规范 §9 第 3 步），published.tsv 每一行的票号、顺序、行数与摘要（对照日志中的 publication 记录），" +
	"以及抽取包中日志记录的包含证明（第 5 步）；第 2 步（各层的范围与可抽数）和第 4 步（重算抽取、备选、截止票号与分配）需要审计人员的完整抽取包。"

// verifyPublic checks the public bundle in dir and prints the summary, or
// the first problem (drawFailed).
func (m *Main) verifyPublic(dir string) error {
	b, err := draw.ReadPublicBundle(dir)
	if err != nil {
		return m.drawFailed(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, ledger.BundleDir)); err != nil || !fi.IsDir() {
		return m.drawFailed(fmt.Errorf("log/：公开抽取包须含日志记录：published.tsv 的行数与摘要要对照其中的 publication 记录"))
	}
	entries, err := ledger.ReadBundleEntries(dir)
	if err != nil {
		return m.drawFailed(err)
	}
	publication := publicationOf(entries, draw.Hash(b.Plan))
	if publication == nil {
		return m.drawFailed(fmt.Errorf("log/：没有 publication 记录（抽取公开时记入日志，记录 published.tsv 的行数与摘要）"))
	}
	sum, err := draw.VerifyPublic(b, publication)
	if err != nil {
		return m.drawFailed(err)
	}
	pub, _ := draw.ParsePublication(publication) // VerifyPublic parsed it
	rec := ledger.BundleRecords{Plan: b.Plan, Randomness: b.Randomness, ResultSHA: pub.Result, Publication: publication}
	if err := addCommitments(&rec); err != nil {
		return m.drawFailed(err)
	}
	if err := ledger.VerifyBundleLog(dir, rec); err != nil {
		return m.drawFailed(err)
	}
	fmt.Fprintln(m.Stdout, sum.String())
	fmt.Fprintln(m.Stderr, publicNote)
	return nil
}

// publicationOf returns the body of the publication entry of the plan
// with hash planHash among entries; failing that the first publication
// entry, so that VerifyPublic says what does not match; or nil.
func publicationOf(entries []ledger.BundleEntry, planHash string) []byte {
	var other []byte
	for _, e := range entries {
		if e.Type != ledger.TypePublication {
			continue
		}
		if p, err := draw.ParsePublication(e.Body); err == nil && p.Draw == planHash {
			return e.Body
		}
		if other == nil {
			other = e.Body
		}
	}
	return other
}

// addCommitments sets rec.Commitments from the commitments randomness.json
// lists.
func addCommitments(rec *ledger.BundleRecords) error {
	r, err := draw.ParseRandomness(rec.Randomness)
	if err != nil {
		return err
	}
	for _, c := range r.Commits {
		rec.Commitments = append(rec.Commitments, ledger.Commitment{Participant: c.Participant, Commitment: c.Commitment})
	}
	return nil
}
