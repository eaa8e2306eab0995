package ledger

import "testing"

// The conformance suite on the storage of Memory; the store runs it on
// SQLite and PostgreSQL.
func TestMemoryStorage(t *testing.T) {
	TestStorage(t, func(*testing.T) Storage { return newMemStorage() })
}
