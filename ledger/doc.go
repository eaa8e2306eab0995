// Package ledger is the append-only Merkle log of spec/draw-v1.md §8.
package ledger

import (
	_ "golang.org/x/mod/sumdb/note"
	_ "golang.org/x/mod/sumdb/tlog"
)
