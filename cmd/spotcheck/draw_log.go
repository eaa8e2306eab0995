package main

import (
	"spotcheck/draw"
	"spotcheck/ledger"
)

// verifyBundleLog carries out step 5 of spec §9 on the bundle in dir,
// whose files b holds: the plan, every commitment that randomness.json
// lists, the randomness and the result must be in the checkpoint of
// dir/log (in the clear or sealed), the plan and the commitments before
// the randomness; and when the bundle holds published.tsv, the draw's
// publication record (spec §8, amendment 1) after them
// (ledger.VerifyBundleLog).
func verifyBundleLog(dir string, b *draw.Bundle) error {
	rec := ledger.BundleRecords{Plan: b.Plan, Randomness: b.Randomness, Result: b.Result, Control: b.ControlRecord}
	if err := addCommitments(&rec); err != nil {
		return err
	}
	if b.Published != nil {
		pub, err := draw.MakePublication(draw.Hash(b.Plan), b.Published, draw.Hash(b.Result))
		if err != nil {
			return err
		}
		rec.Publication = pub
	}
	return ledger.VerifyBundleLog(dir, rec)
}
