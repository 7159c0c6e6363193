package cardtext

// Cloze deletions, as Anki writes them: {{c1::answer}} or
// {{c1::answer::hint}} in a note's text. Each deletion number is one card:
// its front shows the text with that number's deletions as [...] (or
// [hint]) and every other deletion as its plain text; its back shows the
// text with them filled in and highlighted. docs/markdown.md has the rules.
//
// The text around and inside deletions is Markdown. A deletion is not a
// piece of HTML spliced into the page: the text is rendered whole, with
// each deletion marked by a word that is in no card's text, and only
// afterwards are those words, where they stand in the page's text (never
// inside a tag), replaced by our own fixed markup. So whatever a deletion
// holds, it is rendered and made safe like any other card text.

import (
	"html"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
)

// MaxClozeNumber is the largest deletion number a note may use: one note
// gives one card per number, and no real note has this many.
const MaxClozeNumber = 500

// ClozeBlank is what a card's front shows in place of its deletion when
// the deletion has no hint.
const ClozeBlank = "[...]"

// ClozeError is a note's cloze markup that cannot be read, with the
// sentence to show the person who typed it.
type ClozeError struct{ Message string }

func (e *ClozeError) Error() string { return e.Message }

// clozePart is a piece of a note's text: plain text (num 0), or a
// deletion with its content and hint.
type clozePart struct {
	text  string
	num   int
	parts []clozePart
	hint  string
}

// HasCloze reports whether text has cloze markup: "{{c", digits and "::".
// A card whose front has it is a cloze note (and an error if the markup is
// broken).
func HasCloze(text string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], "{{c")
		if j < 0 {
			return false
		}
		i += j + 3
		if _, _, ok := clozeOpening(text[i-3:]); ok {
			return true
		}
	}
}

// clozeOpening reads "{{cN::" at the start of s: the number (0 when it is
// out of range: too large or 0) and the length of the opening.
func clozeOpening(s string) (num, length int, ok bool) {
	if !strings.HasPrefix(s, "{{c") {
		return 0, 0, false
	}
	i := 3
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 3 || !strings.HasPrefix(s[i:], "::") {
		return 0, 0, false
	}
	digits := s[3:i]
	if len(digits) > 9 { // c99999999999: no int overflow, just too large
		return 0, i + 2, true
	}
	n, _ := strconv.Atoi(digits)
	if n > MaxClozeNumber {
		n = 0
	}
	return n, i + 2, true
}

// parseCloze reads a note's text. strict (the card form) refuses broken
// markup with a ClozeError; otherwise (imports, stored cards) a deletion
// that is not closed, or has a number of 0 or past MaxClozeNumber, is
// taken as the plain text it is, as Anki shows it.
func parseCloze(src string, strict bool) ([]clozePart, error) {
	type open struct {
		num     int
		start   int // where the opening starts in src
		parts   []clozePart
		hint    bool
		hintAt  int
		outside []clozePart // the parts of the level it sits in
	}
	var stack []*open
	var parts []clozePart
	textStart := 0
	flush := func(end int) {
		if end > textStart {
			parts = append(parts, clozePart{text: src[textStart:end]})
		}
	}
	for i := 0; i < len(src); {
		top := len(stack) - 1
		switch {
		case top >= 0 && stack[top].hint:
			// A hint is plain text up to the closing braces.
			end := strings.Index(src[i:], "}}")
			if end < 0 {
				i = len(src)
				continue
			}
			o := stack[top]
			o.hint = false
			d := clozePart{num: o.num, parts: o.parts, hint: src[o.hintAt : i+end]}
			stack = stack[:top]
			parts = append(o.outside, d)
			i += end + 2
			textStart = i
		case strings.HasPrefix(src[i:], "{{c"):
			num, length, ok := clozeOpening(src[i:])
			if !ok {
				i += 3
				continue
			}
			if num == 0 {
				if strict {
					return nil, &ClozeError{Message: "Cloze numbers go from 1 to " + strconv.Itoa(MaxClozeNumber) + ": " + shortMarkup(src[i:i+length]) + " is not one"}
				}
				i += length
				continue
			}
			flush(i)
			stack = append(stack, &open{num: num, start: i, outside: parts})
			parts = nil
			i += length
			textStart = i
		case top >= 0 && strings.HasPrefix(src[i:], "::"):
			flush(i)
			stack[top].parts = parts
			stack[top].hint, stack[top].hintAt = true, i+2
			parts = nil
			i += 2
			textStart = i
		case top >= 0 && strings.HasPrefix(src[i:], "}}"):
			flush(i)
			o := stack[top]
			stack = stack[:top]
			parts = append(o.outside, clozePart{num: o.num, parts: parts})
			i += 2
			textStart = i
		default:
			i++
		}
	}
	if len(stack) > 0 {
		o := stack[0]
		if strict {
			return nil, &ClozeError{Message: "The cloze deletion " + shortMarkup(src[o.start:]) + " is not closed with }}"}
		}
		// Not closed: everything from the first open deletion on is text.
		return append(o.outside, clozePart{text: src[o.start:]}), nil
	}
	flush(len(src))
	return parts, nil
}

// shortMarkup quotes the start of s for a message.
func shortMarkup(s string) string {
	if len(s) > 40 {
		cut := 40
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(s)
}

// ClozeNumbers returns the distinct deletion numbers of a note's text, in
// order; none for text without cloze markup. Broken markup is a
// ClozeError, or, with strict false, plain text.
func ClozeNumbers(text string, strict bool) ([]int, error) {
	parts, err := parseCloze(text, strict)
	if err != nil {
		return nil, err
	}
	var nums []int
	var walk func([]clozePart)
	walk = func(ps []clozePart) {
		for _, p := range ps {
			if p.num > 0 {
				nums = append(nums, p.num)
				walk(p.parts)
			}
		}
	}
	walk(parts)
	slices.Sort(nums)
	return slices.Compact(nums), nil
}

// clozeSource is the parts as Markdown, each deletion as its content.
func clozeSource(parts []clozePart) string {
	var b strings.Builder
	var walk func([]clozePart)
	walk = func(ps []clozePart) {
		for _, p := range ps {
			if p.num == 0 {
				b.WriteString(p.text)
			} else {
				walk(p.parts)
			}
		}
	}
	walk(parts)
	return b.String()
}

// ClozeAnswers are the plain texts of the deletions numbered n: what the
// card with that number asks for, and so its key points.
func ClozeAnswers(text string, n int) []string {
	parts, _ := parseCloze(text, false)
	var out []string
	var walk func([]clozePart)
	walk = func(ps []clozePart) {
		for _, p := range ps {
			switch {
			case p.num == n:
				if t := PlainText(clozeSource(p.parts)); t != "" {
					out = append(out, t)
				}
			case p.num > 0:
				walk(p.parts)
			}
		}
	}
	walk(parts)
	return out
}

// ClozeText is a note's text with every deletion as its content: the
// words the note holds, for lists and search.
func ClozeText(text string) string {
	parts, _ := parseCloze(text, false)
	return clozeSource(parts)
}

// RenderCloze renders card n of a cloze note: the front with its
// deletions blanked, the back with them filled in and highlighted and the
// note's extra text after them.
func RenderCloze(text, extra string, n int, keyPoints []string) RenderedCard {
	parts, _ := parseCloze(text, false)
	r := RenderedCard{
		FrontHTML:     renderClozeSide(text, parts, n, false),
		BackHTML:      renderClozeSide(text, parts, n, true),
		KeyPointsHTML: make([]string, len(keyPoints)),
	}
	if strings.TrimSpace(extra) != "" {
		r.BackHTML += `<div class="cloze-extra">` + RenderMarkdown(extra) + "</div>\n"
	}
	for i, kp := range keyPoints {
		r.KeyPointsHTML[i] = RenderInlineMarkdown(kp)
	}
	return r
}

// RenderCardAs renders a card: a basic one (cloze 0) by RenderCard, a
// cloze card by RenderCloze with its front as the note's text.
func RenderCardAs(front, back string, cloze int, keyPoints []string) RenderedCard {
	if cloze > 0 {
		return RenderCloze(front, back, cloze, keyPoints)
	}
	return RenderCard(front, back, keyPoints)
}

// clozeMarks are the words that stand for deletions while the text is
// rendered: the prefix is in none of the text, each mark ends with "q",
// and they are lower-case letters only, which Markdown, links and code
// highlighting all leave as one word.
type clozeMarks struct{ prefix string }

func newClozeMarks(text string) clozeMarks {
	for k := 0; ; k++ {
		p := "zqcloze" + letters(k) + "x"
		if !strings.Contains(text, p) {
			return clozeMarks{prefix: p}
		}
	}
}

// letters writes k in the letters a to j.
func letters(k int) string {
	s := strconv.Itoa(k)
	b := []byte(s)
	for i := range b {
		b[i] = 'a' + (b[i] - '0')
	}
	return string(b)
}

// mark i of kind: 'b' a blank, 'o' the opening of a filled deletion, 'c' its close.
func (m clozeMarks) mark(kind byte, i int) string {
	return m.prefix + string(kind) + letters(i) + "q"
}

func renderClozeSide(text string, parts []clozePart, n int, back bool) string {
	marks := newClozeMarks(text)
	var src strings.Builder
	var blanks []string // blank i's text
	count := 0
	var walk func(ps []clozePart, inside bool)
	walk = func(ps []clozePart, inside bool) {
		for _, p := range ps {
			switch {
			case p.num == 0:
				src.WriteString(p.text)
			case p.num == n && !inside && !back:
				b := ClozeBlank
				if h := strings.TrimSpace(p.hint); h != "" {
					b = "[" + h + "]"
				}
				src.WriteString(marks.mark('b', len(blanks)))
				blanks = append(blanks, b)
			case p.num == n && !inside:
				src.WriteString(marks.mark('o', count))
				walk(p.parts, true)
				src.WriteString(marks.mark('c', count))
				count++
			default:
				walk(p.parts, inside)
			}
		}
	}
	walk(parts, false)
	return marks.substitute(RenderMarkdown(src.String()), blanks, count)
}

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// substitute replaces the marks in rendered HTML. In text, a blank becomes
// <span class="cloze-blank">[...]</span>, and a filled deletion
// <mark class="cloze">…</mark>: one mark around it when it starts and ends
// in the same element, else one around each piece of its text, so the
// HTML stays well formed. In a tag (a link's address, an image's
// description) a blank is its escaped text and the other marks vanish.
func (m clozeMarks) substitute(rendered string, blanks []string, filled int) string {
	if !strings.Contains(rendered, m.prefix) {
		return rendered
	}
	type token struct {
		raw  string
		text bool
	}
	var toks []token
	// Where each filled deletion opens and closes: the element it is in.
	openIn := make([]int, filled)
	closeIn := make([]int, filled)
	for i := range filled {
		openIn[i], closeIn[i] = -1, -2
	}
	z := xhtml.NewTokenizer(strings.NewReader(rendered))
	var stack []int
	elements := 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		raw := string(z.Raw())
		switch tt {
		case xhtml.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				elements++
				stack = append(stack, elements)
			}
		case xhtml.EndTagToken:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xhtml.TextToken:
			in := 0
			if len(stack) > 0 {
				in = stack[len(stack)-1]
			}
			m.each(raw, func(kind byte, k int) {
				switch {
				case k >= filled:
				case kind == 'o':
					openIn[k] = in
				case kind == 'c':
					closeIn[k] = in
				}
			})
		}
		toks = append(toks, token{raw: raw, text: tt == xhtml.TextToken})
	}
	var out strings.Builder
	inside := -1 // the filled deletion written piece by piece
	opened := make([]bool, filled)
	writeText := func(s string) {
		if inside >= 0 && strings.TrimSpace(s) != "" {
			out.WriteString(`<mark class="cloze">` + s + `</mark>`)
		} else {
			out.WriteString(s)
		}
	}
	for _, t := range toks {
		if !t.text {
			out.WriteString(m.inTag(t.raw, blanks))
			continue
		}
		s := t.raw
		for {
			i := strings.Index(s, m.prefix)
			if i < 0 {
				writeText(s)
				break
			}
			writeText(s[:i])
			s = s[i+len(m.prefix):]
			end := strings.IndexByte(s, 'q')
			if end < 1 {
				continue // not one of ours: cannot happen, the prefix is in no text
			}
			kind, k := s[0], fromLetters(s[1:end])
			s = s[end+1:]
			switch {
			case kind == 'b' && k < len(blanks):
				out.WriteString(`<span class="cloze-blank">` + html.EscapeString(blanks[k]) + `</span>`)
			case kind == 'o' && k < filled && openIn[k] == closeIn[k]:
				out.WriteString(`<mark class="cloze">`)
				opened[k] = true
			case kind == 'o' && k < filled:
				inside = k
			case kind == 'c' && k < filled && opened[k]:
				out.WriteString(`</mark>`)
				opened[k] = false
			case kind == 'c' && k < filled:
				inside = -1
			}
		}
	}
	return out.String()
}

// inTag is a tag's markup with the marks in it replaced: a blank by its
// escaped text, the others by nothing.
func (m clozeMarks) inTag(raw string, blanks []string) string {
	if !strings.Contains(raw, m.prefix) {
		return raw
	}
	var b strings.Builder
	for {
		i := strings.Index(raw, m.prefix)
		if i < 0 {
			b.WriteString(raw)
			return b.String()
		}
		b.WriteString(raw[:i])
		raw = raw[i+len(m.prefix):]
		end := strings.IndexByte(raw, 'q')
		if end < 1 {
			continue
		}
		kind, k := raw[0], fromLetters(raw[1:end])
		raw = raw[end+1:]
		if kind == 'b' && k < len(blanks) {
			b.WriteString(html.EscapeString(blanks[k]))
		}
	}
}

// each calls f with each mark in s: its kind and number.
func (m clozeMarks) each(s string, f func(kind byte, k int)) {
	for {
		i := strings.Index(s, m.prefix)
		if i < 0 {
			return
		}
		s = s[i+len(m.prefix):]
		end := strings.IndexByte(s, 'q')
		if end < 1 {
			continue
		}
		f(s[0], fromLetters(s[1:end]))
		s = s[end+1:]
	}
}

func fromLetters(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'j' || n > 1<<20 {
			return 1 << 30
		}
		n = n*10 + int(s[i]-'a')
	}
	return n
}

// ClozePlainFront is the plain text of card n's front: the note's text
// with its deletions as [...] or [hint], for lists and messages.
func ClozePlainFront(text string, n int) string {
	parts, _ := parseCloze(text, false)
	var b strings.Builder
	var walk func([]clozePart)
	walk = func(ps []clozePart) {
		for _, p := range ps {
			switch {
			case p.num == 0:
				b.WriteString(p.text)
			case p.num == n:
				blank := ClozeBlank
				if h := strings.TrimSpace(p.hint); h != "" {
					blank = "[" + h + "]"
				}
				b.WriteString(escapeMarkdown(blank))
			default:
				walk(p.parts)
			}
		}
	}
	walk(parts)
	return PlainText(b.String())
}

// escapeMarkdown backslash-escapes ASCII punctuation, so text stays text.
func escapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && strings.ContainsRune("\\`*_{}[]()#+-.!|<>~$&:\"'=", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
