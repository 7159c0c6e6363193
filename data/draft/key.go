package draft

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
)

// Key is a draft's stable identity: prefix ("qa:", "csv:") and a hash of
// the normalized parts, so re-importing a document whose only changes are
// case, spacing or curly quotes finds the same cards.
func Key(prefix string, parts ...string) string {
	h := sha256.New()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(normalize(p)))
	}
	sum := h.Sum(nil)
	return prefix + hex.EncodeToString(sum[:16])
}

func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToLower(s) {
		switch r {
		case '‘', '’', 'ʼ', '′':
			r = '\''
		case '“', '”', '″':
			r = '"'
		case '‐', '‑', '‒', '–', '—', '−':
			r = '-'
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ClozeCardKey is the key of a cloze note's card with number n: the
// note's key and "#c<n>". The store gives a note's cards these keys, and
// the Anki importer reads them back from a note this server exported.
func ClozeCardKey(noteKey string, n int) string { return noteKey + "#c" + strconv.Itoa(n) }
