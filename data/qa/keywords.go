package qa

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// categoryKeywords maps each built-in category to the words that give it
// away in a question or answer. Matching is case-insensitive and starts at
// a word boundary; a trailing "*" marks a stem that may run on ("deploy*"
// matches "deployment"), otherwise the keyword must end at a word
// boundary too. The map is documented in docs/import-formats.md: keep the
// two in step. Each question of the seed write-up names its mistake with
// one of these words, so a re-import of such a document lands every Q&A
// in its own category.
var categoryKeywords = []struct {
	slug  string
	words []string
}{
	{"memorizing-definitions", []string{"memoriz*", "memoris*", "rote", "rehears*"}},
	{"skipping-clarification", []string{"clarif*", "ambigu*"}},
	{"ignoring-real-world", []string{"real-world", "real world", "practical application*"}},
	{"accuracy-only", []string{"accuracy", "metric*", "precision", "recall", "f1", "roc-auc", "auc"}},
	{"data-quality", []string{"data quality", "data-quality", "missing value*", "outlier*", "data validation", "data cleaning", "dirty data", "feature engineering"}},
	{"weak-communication", []string{"communicat*", "stakeholder*"}},
	{"no-trade-offs", []string{"trade-off*", "tradeoff*", "trade off*"}},
	{"coding-fundamentals", []string{"coding", "code", "implement*", "programming"}},
	{"ignoring-deployment", []string{"deploy*", "mlops", "monitoring", "in production"}},
	{"overcomplicating", []string{"overcomplicat*", "over-complicat*", "overfit*", "over-engineer*", "overengineer*", "baseline*", "simplicity"}},
	{"unstructured-answers", []string{"structur*", "unstructur*", "opinion*", "systematic*"}},
	{"ignoring-domain", []string{"domain*", "business context"}},
}

// DetectCategory guesses the built-in category of a Q&A from its words.
// The question decides when it mentions any keyword; only a question
// without one falls back to the answer, because the question usually
// names its topic while answers wander. Within one text the keyword that
// appears first wins; on a tie the longer keyword, then the earlier
// category in the table.
func DetectCategory(question, answer string) (slug string, ok bool) {
	if s, ok := categoryDetectIn(question); ok {
		return s, true
	}
	return categoryDetectIn(answer)
}

func categoryDetectIn(text string) (string, bool) {
	if text == "" {
		return "", false
	}
	folded := categoryFoldText(text)
	best, bestLen, bestSlug := -1, 0, ""
	for _, c := range categoryKeywords {
		for _, w := range c.words {
			at, n := categoryFind(folded, w)
			if at < 0 {
				continue
			}
			if best < 0 || at < best || (at == best && n > bestLen) {
				best, bestLen, bestSlug = at, n, c.slug
			}
		}
	}
	return bestSlug, best >= 0
}

// categoryFoldText lowercases text and turns the typographic hyphens and
// spaces people paste from web pages into plain ones, so "trade‑off" with
// a non-breaking hyphen still matches.
func categoryFoldText(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '‐', '‑', '‒', '–', '−':
			return '-'
		case '\u00a0', '\u2009', '\u202f':
			return ' '
		}
		return r
	}, strings.ToLower(s))
}

// categoryFind returns the byte offset of the first match of keyword in
// folded text, and the keyword's length, or -1.
func categoryFind(folded, keyword string) (int, int) {
	stem := strings.HasSuffix(keyword, "*")
	keyword = strings.TrimSuffix(keyword, "*")
	from := 0
	for {
		i := strings.Index(folded[from:], keyword)
		if i < 0 {
			return -1, 0
		}
		at := from + i
		end := at + len(keyword)
		if categoryBoundaryBefore(folded, at) && (stem || categoryBoundaryAfter(folded, end)) {
			return at, len(keyword)
		}
		from = at + 1
	}
}

func categoryBoundaryBefore(s string, at int) bool {
	if at == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:at])
	return !categoryWordRune(r)
}

func categoryBoundaryAfter(s string, end int) bool {
	if end >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[end:])
	return !categoryWordRune(r)
}

// categoryWordRune treats letters and digits as word characters; a hyphen
// is a boundary so "data-quality" and "non-deployment" still count.
func categoryWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}
