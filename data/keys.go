package data

import (
	"crypto/rand"
	"encoding/hex"
)

// newKeySuffix makes the identity of a card typed in by hand.
func newKeySuffix() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
