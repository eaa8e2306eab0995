// Package ledger is the append-only Merkle log of spec/draw-v1.md §8: every
// plan, commitment, randomness, result and later event of a draw is an entry
// of one log per deployment, so that no draw can be redone or edited without
// leaving a trace (永久留痕).
//
// The tree is RFC 6962's (leaf H(0x00 ‖ entry), node H(0x01 ‖ left ‖
// right)), kept in the stored-hash layout of golang.org/x/mod/sumdb/tlog.
// Checkpoints are C2SP tlog-checkpoint texts signed as notes with an
// Ed25519 key (golang.org/x/mod/sumdb/note). Storage lies behind the small
// interfaces Reader and Storage, which the store implements; this package
// computes entries, proofs and checkpoints and verifies a whole log
// (VerifyLog) or the log part of a draw bundle (VerifyBundleLog).
//
// Files:
//
//	entry.go       entries and the bodies of sealed and unseal entries
//	checkpoint.go  checkpoints, signed and opened
//	key.go         the key file
//	proof.go       Reader, inclusion and consistency proofs
//	verify.go      Storage and VerifyLog
//	bundle.go      the log/ folder of a draw bundle
//	mem.go         Memory, a log in memory for tests
package ledger
