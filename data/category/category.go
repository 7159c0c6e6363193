// Package category holds what a category slug may be, how a name a
// person typed becomes one, and the built-in categories every account
// starts with. The formats file their drafts by these slugs and the store
// keeps them; neither has a rule of its own.
package category

import "strings"

// Uncategorized is the category of a card nothing else claims.
const Uncategorized = "uncategorized"

// Category is a group of cards sharing one kind of interview mistake.
// The slug is the stable identity; name and description may be reworded.
type Category struct {
	Slug, Name, Description string
}

// builtins follows the order of the questions in the
// "ML interview mistakes" deck, so listings read in the same order.
var builtins = []Category{
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

// Builtins returns the twelve built-in categories in deck order.
// Uncategorized is not among them. The slice is a fresh copy.
func Builtins() []Category {
	return append([]Category(nil), builtins...)
}

// BuiltinSlug finds a built-in category by slug or by name,
// ignoring case, so "Data quality" and "data-quality" both resolve.
func BuiltinSlug(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, c := range builtins {
		if strings.EqualFold(s, c.Slug) || strings.EqualFold(s, c.Name) {
			return c.Slug, true
		}
	}
	return "", false
}

// maxSlug bounds slugs so they stay usable in URLs and columns.
const maxSlug = 64

// ValidSlug reports whether s can name a category: 1 to 64 characters of
// a-z and 0-9, with single hyphens between words (none leading or trailing).
func ValidSlug(s string) bool {
	if len(s) == 0 || len(s) > maxSlug {
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
// callers decide what that means (usually Uncategorized).
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
			if f, ok := fold[r]; ok {
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
	if len(s) > maxSlug {
		cutMidWord := s[maxSlug] != '-'
		s = s[:maxSlug]
		if i := strings.LastIndexByte(s, '-'); cutMidWord && i > 0 {
			s = s[:i]
		}
		s = strings.TrimRight(s, "-")
	}
	return s
}

// fold strips accents from the Latin letters people are most
// likely to type in a category name; anything else becomes a separator.
var fold = func() map[rune]rune {
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

// SlugFor accepts a slug, a built-in category's name, or any name
// Slugify can turn into a slug; it returns "" when nothing usable is left.
func SlugFor(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if ValidSlug(s) {
		return s
	}
	if slug, ok := BuiltinSlug(s); ok {
		return slug
	}
	return Slugify(s)
}
