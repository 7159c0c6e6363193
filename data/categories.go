package data

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// UncategorizedSlug is the category of a card nothing else claims.
const UncategorizedSlug = "uncategorized"

// Category is a group of cards sharing one kind of interview mistake.
// The slug is the stable identity; name and description may be reworded.
type Category struct {
	Slug, Name, Description string
}

// categoryBuiltins follows the order of the questions in the
// "ML interview mistakes" deck, so listings read in the same order.
var categoryBuiltins = []Category{
	{"memorizing-definitions", "Memorizing definitions", "Reciting textbook definitions instead of showing what you understand."},
	{"skipping-clarification", "Skipping clarification", "Answering before pinning down the goal, the data and the constraints."},
	{"ignoring-real-world", "Ignoring the real world", "Talking theory with no word on messy data, shipping or monitoring."},
	{"accuracy-only", "Accuracy only", "Judging a model by one number instead of the measures the problem calls for."},
	{"data-quality", "Data quality", "Forgetting that gaps, outliers and validation decide results before any model does."},
	{"weak-communication", "Weak communication", "Reasoning that interviewers and colleagues cannot follow."},
	{"no-trade-offs", "No trade-offs", "Picking an approach without saying what it costs and what it buys."},
	{"coding-fundamentals", "Coding fundamentals", "Leaning on libraries without knowing what they do, or writing untidy code."},
	{"ignoring-deployment", "Ignoring deployment", "Treating training as the finish line and forgetting shipping and upkeep."},
	{"overcomplicating", "Overcomplicating", "Reaching for a complex model before a simple baseline has earned it."},
	{"unstructured-answers", "Unstructured answers", "Offering opinions instead of an ordered line of reasoning."},
	{"ignoring-domain", "Ignoring the domain", "Solving the ML puzzle without the business or field around it."},
}

// BuiltinCategories returns the twelve built-in categories in deck order.
// UncategorizedSlug is not among them. The slice is a fresh copy.
func BuiltinCategories() []Category {
	return append([]Category(nil), categoryBuiltins...)
}

// categoryBuiltinSlug finds a built-in category by slug or by name,
// ignoring case, so "Data quality" and "data-quality" both resolve.
func categoryBuiltinSlug(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, c := range categoryBuiltins {
		if strings.EqualFold(s, c.Slug) || strings.EqualFold(s, c.Name) {
			return c.Slug, true
		}
	}
	return "", false
}

// categoryMaxSlug bounds slugs so they stay usable in URLs and columns.
const categoryMaxSlug = 64

// ValidSlug reports whether s can name a category: 1 to 64 characters of
// a-z and 0-9, with single hyphens between words (none leading or trailing).
func ValidSlug(s string) bool {
	if len(s) == 0 || len(s) > categoryMaxSlug {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-':
			if i == 0 || i == len(s)-1 || s[i-1] == '-' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Slugify turns a category name a user typed into a valid slug:
// lowercase ASCII letters and digits, every other run of characters
// becoming one hyphen. Apostrophes vanish ("Don't" -> "dont") and common
// accented Latin letters lose their accent. The result is cut to 64
// characters at a word boundary when it can be. It returns "" when the
// name has nothing usable, e.g. only punctuation or only non-Latin script;
// callers decide what that means (usually UncategorizedSlug).
func Slugify(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	pendingHyphen := false
	for _, r := range name {
		switch {
		case r == '\'' || r == '’' || r == 'ʼ':
			continue
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		default:
			if f, ok := categoryFold[r]; ok {
				r = f
				break
			}
			pendingHyphen = true
			continue
		}
		if pendingHyphen && b.Len() > 0 {
			b.WriteByte('-')
		}
		pendingHyphen = false
		b.WriteRune(r)
	}
	s := b.String()
	if len(s) > categoryMaxSlug {
		cutMidWord := s[categoryMaxSlug] != '-'
		s = s[:categoryMaxSlug]
		if i := strings.LastIndexByte(s, '-'); cutMidWord && i > 0 {
			s = s[:i]
		}
		s = strings.TrimRight(s, "-")
	}
	return s
}

// categoryFold strips accents from the Latin letters people are most
// likely to type in a category name; anything else becomes a separator.
var categoryFold = func() map[rune]rune {
	m := map[rune]rune{}
	add := func(to rune, from string) {
		for _, r := range from {
			m[r] = to
		}
	}
	add('a', "àáâãäåāÀÁÂÃÄÅĀ")
	add('c', "çćčÇĆČ")
	add('e', "èéêëēėęÈÉÊËĒĖĘ")
	add('i', "ìíîïīÌÍÎÏĪ")
	add('n', "ñńÑŃ")
	add('o', "òóôõöøōÒÓÔÕÖØŌ")
	add('s', "śšŚŠ")
	add('u', "ùúûüūÙÚÛÜŪ")
	add('y', "ýÿÝ")
	add('z', "źżžŹŻŽ")
	return m
}()

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
