// Package qa turns interview Q&A write-ups into card drafts: plain text
// ("Q1." and "Ans:"), Markdown and saved web pages. It reads a document
// with both readers, the plain-text one here (Parse) and data/qadoc's,
// keeps the reading that finds more answered questions (Read), and files
// each card in a category: an explicit "Category:" line, the section
// heading, the keyword map of mistake write-ups (DetectCategory), or the
// fallback. docs/import-formats.md describes what it reads.
package qa

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/draft"
)

// QA is one question and its answer, read from an interview-prep write-up.
type QA struct {
	Number    int      // Q number as written (Q4 -> 4); for Markdown and unnumbered questions, the ordinal 1..n
	Line      int      // 1-based line where the question starts
	Question  string   // the question, wrapped lines joined with spaces
	Answer    string   // the answer prose, paragraphs joined with "\n\n", without the list
	ListIntro string   // the sentence that introduces the list, e.g. "Candidates should discuss:" ("" if none)
	List      []string // bullet items, in order
	Category  string   // from an explicit "Category: slug" line, "" if none
	KeyPoints []string // from an explicit "Key points: a; b; c" line, nil if none
}

// Parse reads the questions and answers of a plain-text or Markdown
// write-up; docs/import-formats.md describes both formats and what counts
// as an error. When some Q&As parse and others do not, it returns the good
// ones together with a draft.ParseErrors listing the rest, and the caller decides
// whether a partial import is acceptable.
func Parse(doc []byte) ([]QA, error) {
	text, err := draft.Clean(doc, draft.MaxWriteUpBytes)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(text, "\n")
	p := &qaParser{lines: lines, seen: map[int]int{}}
	if qaIsMarkdown(lines) {
		p.parseMarkdown()
	} else {
		p.parsePlain()
	}
	if len(p.errs) > 0 {
		slices.SortStableFunc(p.errs, func(a, b draft.ParseError) int { return a.Line - b.Line })
		return p.out, p.errs
	}
	if len(p.out) == 0 {
		return nil, draft.ErrNoQA
	}
	return p.out, nil
}

var (
	// "Q4.", "Q4)", "Q4:", "Q4 -", "Q.", "Q:", "Question 4:", optionally
	// in bold. The group after the punctuation lets "Q.E.D." and
	// "Q-learning" stay prose.
	qaQuestionRe = regexp.MustCompile(`^(?i:q|question)\s*(\d{1,9})?\s*([.):]|[-–—])((?:\*\*|__)?)(\s*)(.*)$`)
	// "Ans:", "Ans.", "Answer:", "A:", "A4:"; a bare "A." or "A)" is too
	// often a list letter or an initial to count.
	qaAnswerRe = regexp.MustCompile(`^(?:((?i:ans|answer))\s*\d{0,9}\s*([.):]|[-–—])|A\s*\d{0,9}\s*(:))((?:\*\*|__)?)(\s*)(.*)$`)
	// "1. What is a baseline?" counts as a question only when an answer
	// marker follows, since numbered lines are usually list items.
	qaNumberedRe = regexp.MustCompile(`^(\d{1,9})[.)]\s+(.+)$`)
	qaBulletRe   = regexp.MustCompile(`^(?:[-*+•·▪◦‣–]|\d{1,3}[.)])\s+(.*)$`)
	qaHeadingRe  = regexp.MustCompile(`^#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$`)
	qaCategoryRe = regexp.MustCompile(`^(?i:category)\s*:\s*(.*)$`)
	qaKeyRe      = regexp.MustCompile(`^(?i:key[ _-]?points?)\s*:\s*(.*)$`)
	qaAnswerHead = regexp.MustCompile(`^(?i:a|ans|answer)\s*:?$`)
)

// qaStripEmphasis removes the "**" or "__" that opens a bold line, so
// "**Q1. What is recall?**" reads like "Q1. What is recall?".
func qaStripEmphasis(t string) (string, bool) {
	if strings.HasPrefix(t, "**") || strings.HasPrefix(t, "__") {
		return t[2:], true
	}
	return t, false
}

// qaCloseEmphasis drops the closing "**" of a line qaStripEmphasis opened.
func qaCloseEmphasis(text string, opened bool) string {
	text = strings.TrimSpace(text)
	if opened {
		text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(text, "**"), "__"))
	}
	return text
}

// qaMatchQuestion recognizes a question line. next is the following
// non-blank line, needed for the "1. question" form.
func qaMatchQuestion(t, next string) (num int, explicit bool, text string, ok bool) {
	s, opened := qaStripEmphasis(t)
	if !qaStartsWith(s, "Qq0123456789") {
		return 0, false, "", false // most lines: skip the regexps
	}
	if m := qaQuestionRe.FindStringSubmatch(s); m != nil {
		dash := m[2] != "." && m[2] != ")" && m[2] != ":"
		spaced := m[3] != "" || m[4] != "" || m[5] == ""
		if (m[1] == "" || dash) && !spaced {
			return 0, false, "", false
		}
		text = qaCloseEmphasis(m[5], opened)
		if m[1] != "" {
			n, err := strconv.Atoi(m[1])
			if err == nil {
				return n, true, text, true
			}
		}
		return 0, false, text, true
	}
	if m := qaNumberedRe.FindStringSubmatch(s); m != nil {
		if _, isAnswer := qaMatchAnswer(next); isAnswer {
			n, err := strconv.Atoi(m[1])
			if err == nil {
				return n, true, qaCloseEmphasis(m[2], opened), true
			}
		}
	}
	return 0, false, "", false
}

// qaMatchAnswer recognizes an answer marker and returns the text after it.
func qaMatchAnswer(t string) (string, bool) {
	s, opened := qaStripEmphasis(t)
	if !qaStartsWith(s, "Aa") {
		return "", false
	}
	m := qaAnswerRe.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	punct := m[2] + m[3]
	if punct != ":" && m[4] == "" && m[5] == "" && m[6] != "" {
		return "", false // "Ans.Yes" or "Answer-driven": prose
	}
	return qaCloseEmphasis(m[6], opened), true
}

// qaMatchHeading returns the text of a Markdown ATX heading.
func qaMatchHeading(t string) (string, bool) {
	if !strings.HasPrefix(t, "#") {
		return "", false
	}
	m := qaHeadingRe.FindStringSubmatch(t)
	if m == nil {
		return "", false
	}
	return strings.TrimSpace(m[1]), true
}

// qaIsMarkdown picks the Markdown format when any heading is a question,
// e.g. "## Q: What is recall?".
func qaIsMarkdown(lines []string) bool {
	for _, l := range lines {
		if h, ok := qaMatchHeading(strings.TrimSpace(l)); ok {
			if _, _, _, ok := qaMatchQuestion(h, ""); ok {
				return true
			}
		}
	}
	return false
}

// qaIsRule recognizes a horizontal rule ("---", "***", "===="), which
// write-ups use to separate sections.
func qaIsRule(t string) bool {
	t = strings.ReplaceAll(t, " ", "")
	if len(t) < 3 || !strings.ContainsRune("-*_=", rune(t[0])) {
		return false
	}
	return strings.Count(t, t[:1]) == len(t)
}

func qaIsBullet(t string) bool { return qaMatchBullet(t) != nil }

func qaMatchBullet(t string) []string {
	if !qaStartsWith(t, "-*+•·▪◦‣–0123456789") {
		return nil
	}
	return qaBulletRe.FindStringSubmatch(t)
}

func qaIsMeta(t string) bool { return qaMatchCategory(t) != nil || qaMatchKeyPoints(t) != nil }

func qaMatchCategory(t string) []string {
	if !qaStartsWith(t, "Cc") {
		return nil
	}
	return qaCategoryRe.FindStringSubmatch(t)
}

func qaMatchKeyPoints(t string) []string {
	if !qaStartsWith(t, "Kk") {
		return nil
	}
	return qaKeyRe.FindStringSubmatch(t)
}

// qaStartsWith is a cheap test run before a line's regexps: most lines
// of a document are prose and cannot match.
func qaStartsWith(s, firstRunes string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && strings.ContainsRune(firstRunes, r)
}

func qaIndented(raw string) bool {
	return raw != "" && (raw[0] == ' ' || raw[0] == '\t')
}

// qaEndsSentence reports whether text ends like a finished sentence,
// looking past closing quotes, brackets and emphasis.
func qaEndsSentence(text string) bool {
	text = strings.TrimRight(text, "\"'”’)]*_ ")
	r, _ := utf8.DecodeLastRuneInString(text)
	return strings.ContainsRune(".!?:;…", r)
}

// qaLooksLikeHeading tells a section title ("Conclusion", "Final
// Thoughts") from answer prose, so the text after the last answer is not
// glued onto it. A title is short, starts with a capital or digit, has no
// closing punctuation, and is either at most three words or Title Case;
// it may only follow a finished sentence or a list item. A Markdown "#"
// heading always counts.
func qaLooksLikeHeading(t string, afterSentence bool) bool {
	if _, ok := qaMatchHeading(t); ok {
		return true
	}
	if !afterSentence || qaEndsSentence(t) || strings.HasSuffix(t, ",") {
		return false
	}
	t = strings.Trim(t, "*_")
	first, _ := utf8.DecodeRuneInString(t)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) {
		return false
	}
	if utf8.RuneCountInString(t) > 60 {
		return false
	}
	words := strings.Fields(t)
	if len(words) <= 3 {
		return true
	}
	if len(words) > 10 {
		return false
	}
	for _, w := range words {
		w = strings.TrimLeft(w, "(\"'“‘")
		r, _ := utf8.DecodeRuneInString(w)
		if utf8.RuneCountInString(w) > 3 && unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// qaBody accumulates the answer part of one Q&A.
type qaBody struct {
	paras     []string
	cur       []string // lines of the paragraph being read
	list      []string
	item      []string // lines of the list item being read, nil when none
	intro     string
	inList    bool
	fence     []string // lines of an open ``` block, nil when none is open
	fenceMark string
	category  string
	keyPoints []string
	lastText  string // last non-blank line, for the heading heuristic
	lastItem  bool   // that line was a list item
}

func (b *qaBody) hasContent() bool {
	return len(b.paras) > 0 || len(b.cur) > 0 || len(b.list) > 0 || b.item != nil || b.fence != nil
}

// afterSentence reports whether a heading could follow what was read so far.
func (b *qaBody) afterSentence() bool {
	return b.lastItem || qaEndsSentence(b.lastText)
}

// flush ends the paragraph being read. Lines are collected and joined
// once, so a 4 MiB paragraph costs linear time, not quadratic.
func (b *qaBody) flush() {
	if len(b.cur) > 0 {
		b.paras = append(b.paras, strings.Join(b.cur, " "))
		b.cur = nil
	}
}

func (b *qaBody) flushItem() {
	if b.item != nil {
		b.list = append(b.list, strings.Join(b.item, " "))
		b.item = nil
	}
}

func (b *qaBody) blank() {
	if b.fence != nil {
		b.fence = append(b.fence, "")
		return
	}
	b.flush()
}

func (b *qaBody) line(raw, t string) {
	if b.fence != nil {
		if strings.HasPrefix(t, b.fenceMark) {
			b.fence = append(b.fence, t)
			b.paras = append(b.paras, strings.Join(b.fence, "\n"))
			b.fence = nil
			b.lastText, b.lastItem = ".", false
			return
		}
		b.fence = append(b.fence, strings.TrimRight(raw, " \t"))
		return
	}
	if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
		// Code keeps its line breaks: joining it into prose would break it.
		b.flush()
		b.flushItem()
		b.inList = false
		b.fence = []string{t}
		b.fenceMark = t[:3]
		return
	}
	if m := qaMatchCategory(t); m != nil {
		b.flush()
		if b.category == "" {
			b.category = strings.TrimSpace(m[1])
		}
		return
	}
	if m := qaMatchKeyPoints(t); m != nil {
		b.flush()
		if b.keyPoints == nil {
			b.keyPoints = draft.SplitKeyPoints(m[1])
		}
		return
	}
	b.lastText = t
	if m := qaMatchBullet(t); m != nil {
		b.lastItem = true
		item := strings.TrimSpace(m[1])
		if item == "" {
			return
		}
		if len(b.list) == 0 && b.item == nil {
			b.takeIntro()
		}
		b.flush()
		b.flushItem()
		b.item = []string{item}
		b.inList = true
		return
	}
	b.lastItem = false
	if b.inList && b.item != nil && qaIndented(raw) {
		b.item = append(b.item, t)
		return
	}
	if b.inList {
		b.inList = false
		b.flushItem()
		b.flush()
	}
	b.cur = append(b.cur, t)
}

// takeIntro moves the sentence just before the first list item into
// ListIntro when it ends with a colon ("Candidates should discuss:").
func (b *qaBody) takeIntro() {
	b.flush()
	if b.intro != "" || len(b.paras) == 0 {
		return
	}
	last := b.paras[len(b.paras)-1]
	if !strings.HasSuffix(last, ":") || strings.HasPrefix(last, "```") {
		return
	}
	cut := -1
	for _, sep := range []string{". ", "? ", "! "} {
		if i := strings.LastIndex(last, sep); i > cut {
			cut = i
		}
	}
	if cut < 0 {
		b.intro = last
		b.paras = b.paras[:len(b.paras)-1]
		return
	}
	b.intro = strings.TrimSpace(last[cut+2:])
	b.paras[len(b.paras)-1] = last[:cut+1]
}

func (b *qaBody) finish(qa *QA) {
	if b.fence != nil { // unclosed block: keep what was written
		b.paras = append(b.paras, strings.Join(b.fence, "\n"))
		b.fence = nil
	}
	b.flush()
	b.flushItem()
	qa.Answer = strings.Join(b.paras, "\n\n")
	qa.ListIntro = b.intro
	qa.List = b.list
	qa.Category = b.category
	qa.KeyPoints = b.keyPoints
}

type qaParser struct {
	lines []string
	out   []QA
	errs  draft.ParseErrors
	seen  map[int]int // explicit Q number -> line it first appeared on
	count int
	cur   *qaPending
}

type qaPending struct {
	qa        QA
	explicit  bool     // the number was written in the document
	dupOf     int      // line of an earlier question with the same number
	answered  bool     // an answer marker or answer text has started
	qComplete bool     // a blank line ended the question text
	qMore     []string // wrapped lines of the question, joined at the end
	body      qaBody
}

func (p *qaParser) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, draft.ParseError{Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (p *qaParser) start(line, num int, explicit bool, text string) {
	p.finish()
	p.count++
	if !explicit {
		num = p.count
	}
	c := &qaPending{qa: QA{Number: num, Line: line, Question: text}, explicit: explicit}
	if explicit {
		if first, ok := p.seen[num]; ok {
			c.dupOf = first
		} else {
			p.seen[num] = line
		}
	}
	p.cur = c
}

func (c *qaPending) label() string {
	if c.explicit {
		return "Q" + strconv.Itoa(c.qa.Number)
	}
	q := c.qa.Question
	if utf8.RuneCountInString(q) > 40 {
		q = string([]rune(q)[:40]) + "…"
	}
	return strconv.Quote(q)
}

func (p *qaParser) finish() {
	c := p.cur
	if c == nil {
		return
	}
	p.cur = nil
	c.body.finish(&c.qa)
	if len(c.qMore) > 0 {
		c.qa.Question += " " + strings.Join(c.qMore, " ")
	}
	c.qa.Question = strings.TrimSpace(c.qa.Question)
	switch {
	case c.qa.Question == "":
		p.errorf(c.qa.Line, "Q%d has no question text", c.qa.Number)
	case c.dupOf != 0:
		p.errorf(c.qa.Line, "duplicate question number Q%d (first used on line %d)", c.qa.Number, c.dupOf)
	case c.qa.Answer == "" && len(c.qa.List) == 0:
		p.errs = append(p.errs, draft.ParseError{Line: c.qa.Line, Msg: c.label() + " has no answer", Question: c.qa.Question})
	default:
		p.out = append(p.out, c.qa)
	}
}

func (p *qaParser) nextNonBlank(i int) string {
	for j := i + 1; j < len(p.lines); j++ {
		if t := strings.TrimSpace(p.lines[j]); t != "" {
			return t
		}
	}
	return ""
}

// parsePlain reads the numbered "Q1. / Ans:" format.
func (p *qaParser) parsePlain() {
	for i, raw := range p.lines {
		ln := i + 1
		t := strings.TrimSpace(raw)
		c := p.cur
		if c != nil && c.body.fence != nil {
			c.body.line(raw, t)
			continue
		}
		if t == "" {
			if c != nil {
				if c.answered {
					c.body.blank()
				} else {
					c.qComplete = true
				}
			}
			continue
		}
		if num, explicit, text, ok := qaMatchQuestion(t, p.nextNonBlank(i)); ok {
			p.start(ln, num, explicit, text)
			continue
		}
		if text, ok := qaMatchAnswer(t); ok {
			switch {
			case c == nil:
				p.errorf(ln, "answer without a question")
			case c.answered:
				p.errorf(ln, "a second answer for %s: is a question missing before it?", c.label())
				p.finish() // what follows belongs to no question we know
			default:
				c.answered = true
				if text != "" {
					c.body.line(text, text)
				}
			}
			continue
		}
		if qaIsRule(t) {
			p.finish()
			continue
		}
		if c == nil {
			continue // introduction, headings, conclusion
		}
		structural := qaIsBullet(t) || qaIsMeta(t) || strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")
		if !c.answered {
			last := c.qa.Question
			if len(c.qMore) > 0 {
				last = c.qMore[len(c.qMore)-1]
			}
			if !structural && !c.qComplete && !qaEndsSentence(last) {
				c.qMore = append(c.qMore, t) // a question wrapped over lines
				continue
			}
			if !structural && qaLooksLikeHeading(t, true) {
				p.finish()
				continue
			}
			c.answered = true // an answer written without a marker
		} else if !structural && !qaIndented(raw) && c.body.hasContent() &&
			qaLooksLikeHeading(t, c.body.afterSentence()) {
			p.finish()
			continue
		}
		c.body.line(raw, t)
	}
	p.finish()
}

// parseMarkdown reads the "## Q: question" format. Any other heading or a
// horizontal rule ends the current answer.
func (p *qaParser) parseMarkdown() {
	for i, raw := range p.lines {
		ln := i + 1
		t := strings.TrimSpace(raw)
		c := p.cur
		if c != nil && c.body.fence != nil {
			c.body.line(raw, t)
			continue
		}
		if t == "" {
			if c != nil {
				c.body.blank()
			}
			continue
		}
		if h, ok := qaMatchHeading(t); ok {
			if c != nil && !c.body.hasContent() && qaAnswerHead.MatchString(h) {
				continue // "### Answer" under a question introduces its answer
			}
			if _, _, text, ok := qaMatchQuestion(h, ""); ok {
				p.start(ln, 0, false, text)
				p.cur.answered = true
			} else {
				p.finish()
			}
			continue
		}
		if qaIsRule(t) {
			p.finish()
			continue
		}
		if c == nil {
			continue
		}
		if !c.body.hasContent() {
			if text, ok := qaMatchAnswer(t); ok {
				if text == "" {
					continue
				}
				raw, t = text, text
			}
		}
		c.body.line(raw, t)
	}
	p.finish()
}
