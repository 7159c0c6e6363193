package qadoc

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/atom"
)

// answerParts is an answer made ready for a card.
type answerParts struct {
	text      string
	missing   string // why there is no answer, "" when there is one
	listIntro string
	list      []string
	listLeads []string
	category  string
	keyPoints []string
}

var (
	labelOnlyRe    = regexp.MustCompile(`^(?i:answer|ans|a|solution)\s*\d{0,9}\s*[:.]?$`)
	categoryLineRe = regexp.MustCompile(`^(?i:category)\s*:\s*(.*)$`)
	keyPointsRe    = regexp.MustCompile(`^(?i:key[ _-]?points?)\s*:\s*(.*)$`)
)

// placeholders stand where an answer is still to be written.
var placeholders = map[string]bool{
	"answer here": true, "your answer here": true, "add answer here": true, "answer goes here": true,
	"add your answer here": true, "write your answer here": true, "todo": true, "to do": true, "tbd": true,
	"tba": true, "tbc": true, "coming soon": true, "wip": true, "work in progress": true, "n/a": true,
	"na": true, "none": true, "answer": true, "": true, "to be added": true, "to be done": true,
	"pending": true, "placeholder": true, "fill in": true, "fill me in": true,
}

// answer writes an answer's blocks as Markdown and takes out what is not
// part of it: an "Answer:" label, "Category:" and "Key points:" lines.
func (r *reader) answer(inline string, blocks []block, noBold bool) answerParts {
	var a answerParts
	w := r.w
	if noBold {
		w = &mdWriter{markdown: r.w.markdown, noBold: true}
	}
	var parts []string
	first := true
	take := func(md string) {
		md = strings.TrimSpace(md)
		if first {
			if labelOnlyRe.MatchString(stripMarkdown(md)) {
				return // "Answer:" alone on its line
			}
			md = strings.TrimSpace(answerLabelRe.ReplaceAllString(md, ""))
		}
		var kept []string
		for _, l := range strings.Split(md, "\n") {
			plain := stripMarkdown(l)
			if m := categoryLineRe.FindStringSubmatch(plain); m != nil {
				if a.category == "" {
					a.category = strings.TrimSpace(m[1])
				}
				continue
			}
			if m := keyPointsRe.FindStringSubmatch(plain); m != nil {
				if a.keyPoints == nil {
					a.keyPoints = splitKeyPoints(m[1])
				}
				continue
			}
			kept = append(kept, l)
		}
		md = strings.TrimSpace(strings.TrimRight(strings.Join(kept, "\n"), "\\"))
		if md != "" {
			parts = append(parts, md)
			first = false
		}
	}
	if inline != "" {
		take(finishInline(strings.ReplaceAll(inline, "\n", string(hardBreak))))
	}
	var listBlock *block
	listAt := -1
	for i, b := range blocks {
		before := len(parts)
		take(w.block(b, 0))
		if b.kind == blockList && listBlock == nil && len(parts) > before {
			listBlock, listAt = &blocks[i], len(parts)-1
		}
	}
	a.text = strings.Join(parts, "\n\n")
	if a.missing = missingReason(a.text); a.missing != "" {
		return a
	}
	if listBlock != nil {
		listCard(w, &a, *listBlock, parts, listAt)
	}
	if a.keyPoints == nil {
		a.keyPoints = keyPhrases(a.text)
	}
	return a
}

// missingReason says why an answer is none: empty, a placeholder, or
// only a link to an answer elsewhere.
func missingReason(md string) string {
	plain := strings.ToLower(strings.Trim(stripMarkdown(md), " .…!:-–—?\n"))
	switch {
	case plain == "":
		return "no answer"
	case placeholders[plain]:
		return `a placeholder ("` + strings.TrimSpace(stripMarkdown(md)) + `")`
	}
	// Only links: "[[Answer]](https://...)".
	noLinks := linkRe.ReplaceAllString(md, "")
	if strings.Trim(noLinks, " \n[]()*_.,:;-–—") == "" {
		return "only a link to an answer elsewhere"
	}
	return ""
}

// listCard makes a card of the answer's first list when each item has a
// short phrase to check, as "Name the N ..." cards ask for.
func listCard(w *mdWriter, a *answerParts, b block, parts []string, at int) {
	var items, leads []string
	for li := b.node.FirstChild; li != nil; li = li.NextSibling {
		if li.DataAtom != atom.Li {
			continue
		}
		md := strings.TrimSpace(w.itemMarkdown(li, 0))
		if md == "" {
			continue
		}
		lead := leadPhrase(md)
		if lead == "" {
			return
		}
		items, leads = append(items, md), append(leads, lead)
	}
	if len(items) < 2 || len(items) > 30 {
		return
	}
	a.list, a.listLeads = items, leads
	if at > 0 {
		prev := stripMarkdown(parts[at-1])
		if strings.HasSuffix(prev, ":") && !strings.Contains(prev, "\n") {
			a.listIntro = lastSentence(prev)
		}
	}
}

var (
	listLineRe  = regexp.MustCompile(`(?m)^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(.+)$`)
	boldRe      = regexp.MustCompile(`\*\*([^*\n]{2,120}?)\*\*|__([^_\n]{2,120}?)__`)
	leadEmRe    = regexp.MustCompile(`^(?:\*\*([^*\n]+?)\*\*|\*([^*\n]+?)\*|__([^_\n]+?)__|_([^_\n]+?)_|` + "`([^`\n]+)`" + `)`)
	leadSplitRe = regexp.MustCompile(`\s*(?::|\s[-–—]\s)\s*`)
	// "Dropout is a ...", "The ROC curve (receiver ...) is the ...",
	// "Bagging refers to ...": the term a sentence defines.
	definedRe = regexp.MustCompile(`^(?:(?:The|A|An) ([\p{L}\p{N}][\p{L}\p{N}\-'’/]*(?: [\p{L}\p{N}\-'’/]+){0,3})|([\p{Lu}\p{N}][\p{L}\p{N}\-'’/]*(?: [\p{L}\p{N}\-'’/]+){0,3}))(?: \([^)]{1,60}\))?,? (?:is|are|refers to|means|stands for)\b`)
	// "... a situation known as multicollinearity", "... is called bagging".
	calledRe = regexp.MustCompile(`\b(?:known as|called|termed|referred to as) (?:an? |the )?([\p{L}\p{N}][\p{L}\p{N}\-'’/]*(?: [\p{L}\p{N}\-'’/]+){0,3}?)(?:[.,;:)!?]|$| (?:and|or|which|that|because|where|when|in|is|are|to)\b)`)
	// "... are: logistic regression, decision trees, random forests":
	// a list written inside a sentence.
	inlineListRe = regexp.MustCompile(`(?:^|: )((?:[^,;:.()]{2,40}, ){2,}(?:and |or )?[^,;:.()]{2,40}?)(?:[.;]|$)`)
	emRe         = regexp.MustCompile(`(?:^|[^*\p{L}\p{N}])\*([^*\n]{2,60}?)\*(?:[^*\p{L}\p{N}]|$)`)
	fenceRe      = regexp.MustCompile("(?s)```.*?```|~~~.*?~~~")
	codeSpanRe   = regexp.MustCompile("`[^`\n]*`")
	linkRe       = regexp.MustCompile(`!?\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\([^)\s]*\)`)
	// A source link inside an answer, "[[src]](url)": no key point.
	srcLinkRe = regexp.MustCompile(`(?i)\[?\[\[?(?:src|source|sources|ref|refs|reference|link)\s*\d*\]?\]\([^)\s]*\)\]?`)
)

// notTerms start sentences but never name the term being defined.
var notTerms = map[string]bool{
	"it": true, "this": true, "that": true, "these": true, "those": true, "they": true, "there": true,
	"here": true, "we": true, "you": true, "one": true, "which": true, "what": true, "answer": true,
	"he": true, "she": true, "each": true, "all": true, "both": true, "some": true, "if": true,
	"when": true, "where": true, "as": true, "so": true, "for": true, "in": true, "on": true, "also": true,
	"because": true, "since": true, "but": true, "and": true, "or": true, "while": true, "although": true,
	"whereas": true, "then": true, "thus": true, "therefore": true, "however": true, "first": true,
	"firstly": true, "second": true, "secondly": true, "finally": true, "example": true, "an": true,
	"the": true, "a": true, "our": true, "my": true, "your": true, "its": true, "their": true, "yes": true,
	"no": true, "true": true, "false": true, "such": true, "other": true, "another": true, "most": true,
}

// keyPhrases finds the phrases a good answer contains, in the order the
// answer has them: the term it defines ("Dropout is a ..."), its bold
// terms, and the lead phrase of each list item (before a colon or dash).
func keyPhrases(md string) []string {
	if len(md) > keyPhraseScan {
		md = md[:keyPhraseScan] // the first phrases are found early; a huge answer costs no more
	}
	text := md
	if strings.Contains(text, "```") || strings.Contains(text, "~~~") {
		text = fenceRe.ReplaceAllString(text, "")
	}
	if strings.Contains(text, "](") {
		text = srcLinkRe.ReplaceAllString(text, "")
	}
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		p = cleanPhrase(p)
		k := strings.ToLower(p)
		if p == "" || seen[k] || len(out) >= maxKeyPhrases {
			return
		}
		seen[k] = true
		out = append(out, p)
	}
	for _, para := range strings.Split(text, "\n\n") {
		if !listLineRe.MatchString(strings.SplitN(para, "\n", 2)[0]) {
			plain := stripMarkdown(para)
			if m := definedRe.FindStringSubmatch(plain); m != nil {
				term := m[1] + m[2]
				if first := strings.ToLower(strings.Fields(term)[0]); !notTerms[first] {
					add(term)
				}
			}
			if strings.Contains(plain, "called") || strings.Contains(plain, "known as") || strings.Contains(plain, "termed") || strings.Contains(plain, "referred to") {
				for _, m := range calledRe.FindAllStringSubmatch(plain, -1) {
					add(m[1])
				}
			}
			for _, m := range inlineLists(plain) {
				for _, item := range strings.Split(m[1], ",") {
					item = strings.TrimSpace(item)
					item = strings.TrimPrefix(strings.TrimPrefix(item, "and "), "or ")
					if words(item) <= 4 {
						add(item)
					}
				}
			}
		}
		for _, line := range strings.Split(para, "\n") {
			if m := listLineRe.FindStringSubmatch(line); m != nil {
				add(leadPhrase(m[1]))
			}
			if strings.Contains(line, "`") {
				for _, c := range codeSpanRe.FindAllString(line, -1) {
					if c = strings.Trim(c, "`"); words(c) <= 4 {
						add(c) // a command or name: `git diff`
					}
				}
				line = codeSpanRe.ReplaceAllString(line, "")
			}
			if strings.Contains(line, "(") {
				for _, p := range acronymTerms(stripMarkdown(line)) {
					add(p)
				}
			}
			if !strings.ContainsAny(line, "*_") {
				continue
			}
			for _, m := range emRe.FindAllStringSubmatch(line, -1) {
				if words(m[1]) <= 4 {
					add(m[1])
				}
			}
			for _, loc := range boldRe.FindAllStringSubmatchIndex(line, -1) {
				// "**M**ean": a bold letter inside a word is no term.
				if wordAt(line, loc[0]-1) || wordAt(line, loc[1]) {
					continue
				}
				if p := line[max(loc[2], loc[4]):max(loc[3], loc[5])]; words(p) <= 5 && !strings.Contains(p, "://") {
					add(p)
				}
			}
		}
	}
	return out
}

// inlineLists finds lists written inside a sentence, when there are
// commas enough for one.
func inlineLists(plain string) [][]string {
	if strings.Count(plain, ",") < 2 {
		return nil
	}
	return inlineListRe.FindAllStringSubmatch(plain, -1)
}

// acronymRe finds a spelled-out name with its acronym: "Singular Value
// Decomposition (SVD)", "stochastic gradient descent (SGD)".
var acronymRe = regexp.MustCompile(`((?:[\p{L}][\p{L}\-]*\s+){1,6})\(([A-Z][A-Za-z0-9]{1,7})\)`)

// acronymTerms returns the names an answer spells out before their
// acronyms, when the initials of the words before match.
func acronymTerms(text string) []string {
	var out []string
	for _, m := range acronymRe.FindAllStringSubmatch(text, -1) {
		ws := strings.Fields(m[1])
		letters := 0
		for _, r := range m[2] {
			if unicode.IsUpper(r) {
				letters++
			}
		}
		if letters < 2 || letters > len(ws) {
			continue
		}
		cand := ws[len(ws)-letters:]
		var initials strings.Builder
		for _, w := range cand {
			for _, part := range strings.Split(w, "-") {
				if r, _ := utf8.DecodeRuneInString(part); r != utf8.RuneError {
					initials.WriteRune(unicode.ToUpper(r))
				}
			}
		}
		upper := strings.Map(func(r rune) rune {
			if unicode.IsUpper(r) {
				return r
			}
			return -1
		}, m[2])
		if in := initials.String(); in == upper || (len(in) > len(upper) && strings.HasPrefix(in, upper[:1]) && strings.Contains(in, upper[len(upper)-1:])) {
			out = append(out, strings.Join(cand, " "))
		}
	}
	return out
}

// wordAt reports whether s has a letter or digit at byte i.
func wordAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && i > 0 {
		r, _ = utf8.DecodeLastRuneInString(s[:i+1])
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// fillers close a list without naming anything.
var fillers = map[string]bool{"etc": true, "amongst others": true, "among others": true, "and so on": true,
	"others": true, "and more": true, "more": true, "so on": true}

// keyPhraseScan is how much of an answer is searched for key phrases.
const keyPhraseScan = 16 << 10

// maxKeyPhrases keeps answer checking fair: a handful of phrases to cover.
const maxKeyPhrases = 8

// leadPhrase is the short phrase a list item starts with: its bold or
// emphasized lead, the words before a colon or dash, or the whole item
// when it is short.
func leadPhrase(item string) string {
	item = strings.TrimSpace(srcLinkRe.ReplaceAllString(strings.SplitN(item, "\n", 2)[0], ""))
	if m := leadEmRe.FindStringSubmatch(item); m != nil {
		for _, g := range m[1:] {
			if g != "" && words(g) <= 8 {
				return g
			}
		}
	}
	plain := stripMarkdown(item)
	if loc := leadSplitRe.FindStringIndex(plain); loc != nil && loc[0] > 0 && words(plain[:loc[0]]) <= 6 {
		return plain[:loc[0]]
	}
	if words(plain) <= 8 {
		return plain
	}
	return ""
}

// cleanPhrase makes a found phrase a key point: plain words, no
// punctuation around it, brackets balanced; "" when it is no phrase.
func cleanPhrase(p string) string {
	p = strings.TrimSpace(stripMarkdown(p))
	for _, lead := range []string{"like ", "e.g. ", "eg. ", "i.e. ", "such as ", "and ", "or "} {
		p = strings.TrimPrefix(p, lead)
	}
	if fillers[strings.ToLower(strings.Trim(p, " ."))] {
		return ""
	}
	for {
		before := p
		p = strings.Trim(p, " .,:;!-–—\"'“”‘’")
		if strings.HasSuffix(p, ")") && strings.Count(p, "(") < strings.Count(p, ")") {
			p = strings.TrimSuffix(p, ")")
		}
		if strings.HasPrefix(p, "(") && strings.Count(p, "(") > strings.Count(p, ")") {
			p = strings.TrimPrefix(p, "(")
		}
		p = strings.TrimSuffix(p, "(")
		if p == before {
			break
		}
	}
	if utf8.RuneCountInString(p) < 2 || words(p) > 8 || utf8.RuneCountInString(p) > 80 {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(p); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return ""
	}
	return p
}

func words(s string) int { return len(strings.Fields(s)) }

var markReplacer = strings.NewReplacer("**", "", "__", "", "`", "", "~~", "", "\\\n", "\n", "\\", "")

// stripMarkdown reduces inline Markdown to its words: emphasis marks,
// backticks, link addresses and escapes go.
func stripMarkdown(s string) string {
	if strings.Contains(s, "](") {
		s = linkRe.ReplaceAllString(s, "$1")
	}
	s = markReplacer.Replace(s)
	s = strings.Map(func(r rune) rune {
		if r == '*' || r == hardBreak {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func lastSentence(s string) string {
	cut := -1
	for _, sep := range []string{". ", "? ", "! "} {
		if i := strings.LastIndex(s, sep); i > cut {
			cut = i
		}
	}
	if cut < 0 {
		return s
	}
	return strings.TrimSpace(s[cut+2:])
}

func splitKeyPoints(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
