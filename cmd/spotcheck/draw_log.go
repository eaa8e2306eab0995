package main

import (
	"spotcheck/draw"
	"spotcheck/ledger"
)

// verifyBundleLog carries out step 5 of spec §9 on the bundle in dir,
// whose files b holds: the plan, every commitment that randomness.json
// lists, the randomness and the result must be in the checkpoint of
// dir/log (in the clear or sealed), the plan and the commitments before
// the randomness (ledger.VerifyBundleLog).
func verifyBundleLog(dir string, b *draw.Bundle) error {
	r, err := draw.ParseRandomness(b.Randomness)
	if err != nil {
		return err
	}
	rec := ledger.BundleRecords{Plan: b.Plan, Randomness: b.Randomness, Result: b.Result}
	for _, c := range r.Commits {
		rec.Commitments = append(rec.Commitments, ledger.Commitment{Participant: c.Participant, Commitment: c.Commitment})
	}
	return ledger.VerifyBundleLog(dir, rec)
}
