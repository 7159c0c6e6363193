package draft

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on tags (docs/tags.md).
const (
	MaxTagRunes    = 100 // one tag
	MaxTagsPerCard = 50
)

// CheckTag says in words what is wrong with a tag, trimmed already: a
// *Refusal, or nil for a good tag.
func CheckTag(t string) error {
	switch {
	case !utf8.ValidString(t):
		return Refusef("A tag is not valid UTF-8")
	case utf8.RuneCountInString(t) > MaxTagRunes:
		return Refusef("The tag %q is too long: a tag may hold at most %d characters", clipTag(t), MaxTagRunes)
	case strings.IndexFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return Refusef("The tag %q has a space in it: tags are separated by spaces, and a tag is one word like company/acme", t)
	case strings.HasPrefix(t, "/") || strings.HasSuffix(t, "/") || strings.Contains(t, "//"):
		return Refusef("The tag %q has an empty part: the parts of a tag go between single slashes, as in company/acme", t)
	}
	return nil
}

func clipTag(t string) string {
	if r := []rune(t); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return t
}

// TagKey is a tag as the database compares it: NOCASE folds ASCII only.
func TagKey(t string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, t)
}

// CleanTags checks a card's tags and returns them trimmed, without
// repeats (case aside: the first spelling stays), in the order given.
// An empty entry is left out; a bad one is a *Refusal in words.
func CleanTags(tags []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if err := CheckTag(t); err != nil {
			return nil, err
		}
		if k := TagKey(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	if len(out) > MaxTagsPerCard {
		return nil, Refusef("A card may have at most %d tags", MaxTagsPerCard)
	}
	return out, nil
}
