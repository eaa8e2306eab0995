// Package ledger is the append-only Merkle log of spec/draw-v1.md §8: every
// plan, commitment, randomness, result and later event of a draw is an entry
// of one log per deployment, so that no draw can be redone or edited without
// leaving a trace (永久留痕).
//
// The tree is RFC 6962's (leaf H(0x00 ‖ entry), node H(0x01 ‖ left ‖
// right)), kept in the stored-hash layout of golang.org/x/mod/sumdb/tlog.
// Checkpoints are C2SP tlog-checkpoint texts signed as notes with an
// Ed25519 key (golang.org/x/mod/sumdb/note).
//
// This package owns the log's algorithm: Log and its Writer encode and hash
// every entry, sign a checkpoint per transaction, and apply the rules of
// sealed records and of sizes. The bytes lie behind the small interface
// Storage (with Tx, its part of a write transaction), which the store
// implements on its tables inside its own transactions, and memStorage in
// memory; TestStorage is the one conformance suite both run. The package
// also computes proofs and verifies a whole log (VerifyLog) or the log part
// of a draw bundle (VerifyBundleLog).
//
// Files:
//
//	entry.go       entries and the bodies of sealed and unseal entries
//	checkpoint.go  checkpoints, signed and opened
//	key.go         the key file
//	storage.go     Storage, Tx and Record: what a backend keeps
//	log.go         Log: appends in a transaction of their own, and the reads
//	writer.go      Writer: appends within a transaction, and the checkpoint
//	proof.go       Reader, inclusion and consistency proofs
//	verify.go      Scanner and VerifyLog
//	bundle.go      the log/ folder of a draw bundle
//	mem.go         Memory, a log in memory for tests, and its storage
//	storagetest.go TestStorage, the conformance suite of a Storage
package ledger
