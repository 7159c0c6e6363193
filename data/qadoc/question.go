package qadoc

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// qtext is a question as written, cleaned for a card's front.
type qtext struct {
	text     string // Markdown, one line
	link     string // the trailing source link's address
	numbered bool   // it carried a number: "3)", "3.", "Q3:"
	marked   bool   // it carried a "Q" or "Question" marker
}

var (
	// A trailing source link: "[[src](url)]", "[[src]](url)", "[source](url)",
	// "[[src1]](a)[[src2]](b)" (the first address is kept).
	sourceLinkRe = regexp.MustCompile(`(?i)\s*\[?\[\[?(?:src|source|sources|ref|refs|reference|link)\s*\d*\]?\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)\]?\s*$`)
	// "Q3:", "Q3.", "Q3)", "Question 3 -", "Q:", optionally in bold.
	markerPrefixRe = regexp.MustCompile(`^(?:\*\*|__)?(?i:q|question)\s*(\d{1,9})?\s*(?:[.):]|[-–—]\s)(?:\*\*|__)?\s*`)
	// "3)", "3.", "#3", "3:" before the question's words.
	numberPrefixRe = regexp.MustCompile(`^(?:\*\*|__)?(?:#\s?\d{1,9}\b[.):]?|\d{1,9}[.):])(?:\*\*|__)?\s+`)
	// An answer's label: "Answer:", "**Ans.**", "A:".
	answerLabelRe = regexp.MustCompile(`^(?:\*\*|__)?(?i:answer|ans|solution)\s*\d{0,9}\s*[:.](?:\*\*|__)?\s*|^(?:\*\*|__)?A\s*\d{0,9}\s*:(?:\*\*|__)?\s*`)
)

// cleanQuestion strips what a question carries besides its words: a
// trailing source link (kept apart), a number or "Q" marker, bold around
// all of it, and the difficulty emoji some lists end questions with.
func cleanQuestion(md string) qtext {
	var q qtext
	s := oneLine(md)
	for {
		m := sourceLinkRe.FindStringSubmatchIndex(s)
		if m == nil {
			break
		}
		q.link = s[m[2]:m[3]]
		s = strings.TrimSpace(s[:m[0]])
	}
	s = trimTrailingSymbols(s)
	s = unwrapBold(s)
	if m := markerPrefixRe.FindStringSubmatch(s); m != nil && len(s) > len(m[0]) {
		q.marked, q.numbered = true, m[1] != ""
		s = s[len(m[0]):]
	} else if m := numberPrefixRe.FindString(s); m != "" && len(s) > len(m) {
		q.numbered = true
		s = s[len(m):]
	}
	s = unwrapBold(strings.TrimSpace(s))
	s = trimTrailingSymbols(strings.TrimRight(s, " #"))
	q.text = strings.TrimSpace(s)
	return q
}

// endsQuestion reports whether text ends with a question mark, past
// closing quotes and brackets.
func endsQuestion(s string) bool {
	s = strings.TrimRight(s, " \"'”’)]*_")
	return strings.HasSuffix(s, "?") || strings.HasSuffix(s, "？")
}

// questionWords start questions and interview prompts.
var questionWords = map[string]bool{
	"what": true, "what's": true, "whats": true, "why": true, "how": true, "when": true, "where": true,
	"which": true, "who": true, "whom": true, "whose": true, "is": true, "are": true, "was": true,
	"were": true, "do": true, "does": true, "did": true, "can": true, "could": true, "should": true,
	"would": true, "will": true, "have": true, "has": true, "explain": true, "describe": true,
	"define": true, "list": true, "name": true, "compare": true, "give": true, "implement": true,
	"write": true, "tell": true, "talk": true, "discuss": true, "mention": true, "state": true,
	"differentiate": true, "distinguish": true, "contrast": true, "outline": true, "walk": true,
	"design": true, "create": true, "reverse": true, "suggest": true, "true": true, "why's": true,
	"how's": true, "in": true, "if": true, "given": true, "you": true, "suppose": true, "imagine": true,
}

// startsQuestion reports whether the first word asks something.
func startsQuestion(s string) bool {
	s = strings.TrimLeft(s, "*_`\"'“ ")
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' })
	if end < 0 {
		end = len(s)
	}
	w := strings.ToLower(strings.ReplaceAll(s[:end], "’", "'"))
	return questionWords[w]
}

// asks reports whether a question line reads as one on its own: it ends
// with "?" or carries a "Q" marker.
func (q qtext) asks() bool { return q.marked || endsQuestion(q.text) }

// trimTrailingSymbols drops emoji and other symbols after the last word,
// e.g. the difficulty marks in "What is X? 👶" or "... ⭐️".
func trimTrailingSymbols(s string) string {
	for s != "" {
		r, size := utf8.DecodeLastRuneInString(s)
		if unicode.IsSpace(r) || r == hardBreak || (r > unicode.MaxASCII && (unicode.Is(unicode.So, r) ||
			unicode.Is(unicode.Sk, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r))) {
			s = s[:len(s)-size]
			continue
		}
		break
	}
	return s
}

// unwrapBold removes bold around the whole of s: "**What is X?**".
func unwrapBold(s string) string {
	for _, m := range []string{"**", "__"} {
		if inner, ok := wholeEmphasis(s, m); ok {
			return strings.TrimSpace(inner)
		}
	}
	return s
}

// wholeEmphasis returns the text inside mark...mark when the marks wrap
// all of s and no other pair of them sits inside.
func wholeEmphasis(s, mark string) (string, bool) {
	if len(s) <= 2*len(mark) || !strings.HasPrefix(s, mark) || !strings.HasSuffix(s, mark) {
		return "", false
	}
	inner := s[len(mark) : len(s)-len(mark)]
	if strings.Contains(inner, mark) || strings.TrimSpace(inner) == "" {
		return "", false
	}
	return inner, true
}

// wholeBoldLine returns a line's text when all of it is bold, allowing
// trailing emoji outside the bold ("**What is X?** 👶").
func wholeBoldLine(line string) (string, bool) {
	line = trimTrailingSymbols(strings.TrimSpace(line))
	line = strings.TrimSpace(sourceLinkRe.ReplaceAllString(line, ""))
	for _, m := range []string{"**", "__"} {
		if inner, ok := wholeEmphasis(line, m); ok {
			return inner, true
		}
	}
	return "", false
}

// isGenericHeading reports a heading that names no topic: "Questions",
// "Questions & Answers", "Table of contents", "Interview questions".
func isGenericHeading(s string) bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '&'
	})
	if len(words) == 0 {
		return true
	}
	for _, w := range words {
		if !genericWords[w] {
			return false
		}
	}
	return true
}

var genericWords = map[string]bool{
	"questions": true, "question": true, "answers": true, "answer": true, "q": true, "a": true,
	"qa": true, "q&a": true, "&": true, "and": true, "faq": true, "faqs": true, "interview": true,
	"the": true, "with": true, "of": true, "table": true, "contents": true, "content": true,
	"toc": true, "more": true, "other": true, "misc": true, "miscellaneous": true, "bonus": true,
	"common": true, "frequently": true, "asked": true, "top": true, "list": true, "some": true,
	"technical": true, "basic": true, "advanced": true, "general": true, "solutions": true, "exercises": true,
}

// titleLike reports a short line that reads as a section title, such as
// "2. Statistics & Probability" or "Decision Trees": a few words, no
// closing punctuation, a capital or digit first.
func titleLike(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 60 || len(strings.Fields(s)) > 8 {
		return false
	}
	if strings.ContainsAny(s[len(s)-1:], ".,:;?!") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, "*_"))
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}
