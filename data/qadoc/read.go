package qadoc

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// markerLineRe recognizes a paragraph that starts with a question marker:
// "Q1. What...", "**Q:** What...", "Question 3: What...". "Q.E.D." and
// "Q-learning" stay prose: the marker needs a space after it.
var markerLineRe = regexp.MustCompile(`^(?:\*\*|__)?(?i:q|question)\s*(?:\d{1,9})?\s*(?:[.):]|[-–—])(?:\*\*|__)?\s+\S`)

// read finds the Q&As of a parsed document, trying its article, then its
// main element, then all of it, and keeping the first that holds any.
func (root *contentRoot) read() Document {
	w := &mdWriter{markdown: root.markdown}
	var last Document
	for _, n := range append(root.candidates, root.node) {
		r := &reader{w: w}
		d := r.read(n)
		if len(d.QAs) > 0 {
			return d
		}
		last = d
	}
	return last
}

// reader reads one part of a document.
type reader struct {
	w      *mdWriter
	blocks []block
	cands  []*cand
	title  int  // index of the block that is the document's title, or -1
	weakOK bool // bold lines without "?" are questions in this document

	doc      Document
	sections []section
	cur      *pending
	count    int // questions so far, answered or not
	outline  []string
	beforeQ  []string // text before the first question
}

type section struct {
	level int // 1-6 for headings, 7 for a title line that is not a heading
	text  string
	title bool // the document's title: not a category
}

// cand is what a block could be, besides answer text.
type cand struct {
	q      qtext
	shape  Shape
	inline string // answer text that shares the question's paragraph
	strong bool   // asks on its own: "?" or a Q marker
	weak   bool   // a bold line without "?"

	heading bool // a heading that reads as a question
	details bool
	units   []unit // self-contained Q&As: list items, table rows
	unitsIf bool   // the units need no open question around them: the list or table clearly holds Q&As
	single  bool   // a one-item list whose item is a question with no answer inside
	title   string // a title line: a one-item numbered list or a bold line without "?"
	toc     int    // links of a table of contents
}

// unit is one Q&A that a list item, table row or <details> holds whole.
type unit struct {
	q       qtext
	line    int
	shape   Shape
	answer  []block // answer blocks, or
	answerS string  // answer Markdown
	noBold  bool    // the answer is bold through and through
}

// pending is the question being read, collecting its answer.
type pending struct {
	q       qtext
	shape   Shape
	line    int
	level   int // heading level of a question heading, 0 otherwise
	inline  string
	blocks  []block
	section string
}

func (r *reader) read(root *html.Node) Document {
	r.blocks = flatten(root, nil)
	r.title = r.findTitle()
	r.classify()
	r.scan()
	r.summarize()
	return r.doc
}

// findTitle is the document's title: the only heading of the top level,
// standing before everything else.
func (r *reader) findTitle() int {
	top, idx, n := 7, -1, 0
	for i, b := range r.blocks {
		if b.kind != blockHeading {
			continue
		}
		switch {
		case b.level < top:
			top, idx, n = b.level, i, 1
		case b.level == top:
			n++
		}
	}
	if n != 1 {
		return -1
	}
	for _, b := range r.blocks[:idx] {
		if b.kind == blockHeading {
			return -1
		}
	}
	return idx
}

// classify finds what each block could be.
func (r *reader) classify() {
	r.cands = make([]*cand, len(r.blocks))
	strongBold, weakBold := 0, 0
	for i, b := range r.blocks {
		var c *cand
		switch b.kind {
		case blockPara:
			c = r.paraCand(b)
			if c != nil && c.shape == ShapeBold && c.inline == "" {
				if c.weak {
					weakBold++
				} else {
					strongBold++
				}
			}
		case blockHeading:
			q := cleanQuestion(r.w.inline(childList(b.node)))
			if q.text != "" {
				c = &cand{q: q, shape: ShapeHeading, strong: q.asks()}
			}
		case blockDetails:
			c = r.detailsCand(b)
		case blockList:
			c = r.listCand(b)
		case blockTable:
			c = r.tableCand(b)
		}
		r.cands[i] = c
	}
	// A document that writes three in four of its bold lines as questions
	// ending in "?" writes all of them so: "**Precision-recall trade-off
	// ⭐️**" among 165 others is a question too.
	r.weakOK = strongBold >= 3 && strongBold*4 >= (strongBold+weakBold)*3
	r.classifyHeadings()
}

// classifyHeadings decides which headings are questions. A numbered
// heading is one when most of the document's numbered headings read as
// questions; any heading is one when it ends with "?" or carries a "Q"
// marker. A heading with question headings under it is a section, not a
// question, and so is one without "?" over questions of other shapes.
func (r *reader) classifyHeadings() {
	numbered, asking := 0, 0
	for i, b := range r.blocks {
		if c := r.cands[i]; b.kind == blockHeading && c != nil && c.q.numbered {
			numbered++
			if c.strong || startsQuestion(c.q.text) {
				asking++
			}
		}
	}
	numberedAsk := numbered >= 2 && asking*2 >= numbered
	if r.title >= 0 && r.cands[r.title] != nil && r.cands[r.title].strong {
		r.title = -1 // "## What is X?" alone at the top asks, it does not name the document
	}
	looks := make([]bool, len(r.blocks))
	for i, b := range r.blocks {
		c := r.cands[i]
		if b.kind != blockHeading || c == nil || i == r.title {
			continue
		}
		looks[i] = c.strong || (c.q.numbered && numberedAsk)
	}
	for i, b := range r.blocks {
		if !looks[i] {
			continue
		}
		// "## 2. Statistics" over bold questions is a section; "### What is
		// X?" over one is a question whose answer the bold one ends.
		asks := endsQuestion(r.cands[i].q.text)
		holdsQuestions := false
		for j := i + 1; j < len(r.blocks) && !holdsQuestions; j++ {
			o := r.blocks[j]
			if o.kind == blockHeading {
				if o.level <= b.level {
					break
				}
				holdsQuestions = looks[j]
				continue
			}
			holdsQuestions = !asks && r.opensQuestion(j)
		}
		r.cands[i].heading = !holdsQuestions
	}
}

// opensQuestion reports whether block i starts a question whatever comes
// before it.
func (r *reader) opensQuestion(i int) bool {
	c := r.cands[i]
	if c == nil {
		return false
	}
	switch {
	case c.heading, c.details, c.unitsIf:
		return true
	case r.blocks[i].kind == blockPara && c.shape != 0:
		return c.strong || (c.weak && r.weakOK)
	case c.single:
		return c.strong
	}
	return false
}

// paraCand sees whether a paragraph is a question: a bold line, or a line
// starting with a "Q1." marker. Text after the question's line in the
// same paragraph starts its answer.
func (r *reader) paraCand(b block) *cand {
	nodes := b.run
	if b.node != nil {
		nodes = childList(b.node)
	}
	lines := splitLines(r.w.inline(nodes))
	if len(lines) == 0 {
		return nil
	}
	if inner, ok := wholeBoldLine(lines[0]); ok {
		q := cleanQuestion(lines[0])
		if q.text == "" || strings.HasSuffix(strings.TrimSpace(inner), ":") {
			return nil
		}
		c := &cand{q: q, shape: ShapeBold, strong: q.asks()}
		if len(lines) > 1 {
			if !c.strong || moreQuestions(lines[1:]) {
				return nil // "**Note** ..." then more text: a paragraph
			}
			c.inline = strings.Join(lines[1:], "\n")
		} else if !c.strong {
			c.weak, c.title = true, q.text
		}
		return c
	}
	if markerLineRe.MatchString(lines[0]) && !moreQuestions(lines[1:]) {
		n := 1
		for n < len(lines) && !endsSentence(lines[n-1]) && !answerLabelRe.MatchString(lines[n]) {
			n++ // a question wrapped over lines
		}
		q := cleanQuestion(strings.Join(lines[:n], " "))
		if q.text == "" {
			return nil
		}
		return &cand{q: q, shape: ShapeMarker, strong: true, inline: strings.Join(lines[n:], "\n")}
	}
	return nil
}

func (r *reader) detailsCand(b block) *cand {
	var summary *html.Node
	for c := b.node.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Summary {
			summary = c
			break
		}
	}
	if summary == nil {
		return nil
	}
	q := cleanQuestion(r.w.inline(childList(summary)))
	if q.text == "" {
		return nil
	}
	c := &cand{q: q, shape: ShapeDetails, details: true, strong: q.asks() || startsQuestion(q.text) || strings.Contains(q.text, "?")}
	answer := flatten(b.node, skipSummary)
	u := unit{q: q, line: lineOf(summary), shape: ShapeDetails, answer: answer}
	// "<summary>Q</summary><br><b>answer</b>": the whole answer in bold
	// says nothing; a parser reopens that <b> in every paragraph after it.
	for ch := b.node.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.DataAtom == atom.B || ch.DataAtom == atom.Strong {
			u.noBold = true
		}
	}
	u.noBold = u.noBold || allBold(r.w, answer)
	c.units = []unit{u}
	return c
}

// allBold reports whether every paragraph of an answer is bold through
// and through, as when a <details> answer sits in one <b>.
func allBold(w *mdWriter, bs []block) bool {
	paras := 0
	for _, b := range bs {
		if b.kind != blockPara {
			continue
		}
		paras++
		nodes := b.run
		if b.node != nil {
			nodes = childList(b.node)
		}
		for _, l := range splitLines(w.inline(nodes)) {
			if _, ok := wholeBoldLine(l); !ok {
				return false
			}
		}
	}
	return paras > 0
}

// itemInfo is what a list item holds.
type itemInfo struct {
	node     *html.Node
	q        qtext
	asks     bool    // its first line is a question
	bold     bool    // ... written in bold
	rest     []block // what follows that line
	restS    string  // ... when the first paragraph goes on after the question
	linkOnly bool
	text     string
}

func (r *reader) listItems(list *html.Node) []itemInfo {
	var items []itemInfo
	for li := list.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || li.DataAtom != atom.Li {
			continue
		}
		it := itemInfo{node: li, text: strings.Join(strings.Fields(textContent(li)), " ")}
		it.linkOnly = linkOnly(li)
		bs := flatten(li, nil)
		if len(bs) > 0 && bs[0].kind == blockPara {
			nodes := bs[0].run
			if bs[0].node != nil {
				nodes = childList(bs[0].node)
			}
			lines := splitLines(r.w.inline(nodes))
			if len(lines) > 0 {
				_, it.bold = wholeBoldLine(lines[0])
				it.q = cleanQuestion(lines[0])
				it.asks = it.q.asks()
				it.restS = strings.Join(lines[1:], "\n")
			}
			it.rest = bs[1:]
		}
		items = append(items, it)
	}
	return items
}

// linkOnly reports a list item that is nothing but a link, as in a table
// of contents.
func linkOnly(li *html.Node) bool {
	var links strings.Builder
	walkElements(li, func(n *html.Node) bool {
		if n.DataAtom == atom.A {
			links.WriteString(textContent(n))
			return false
		}
		return true
	})
	strip := func(s string) string {
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" \n\t[]()*-–—:.", r) }), "")
	}
	l := strip(links.String())
	return l != "" && l == strip(textContent(li))
}

func (r *reader) listCand(b block) *cand {
	items := r.listItems(b.node)
	if len(items) == 0 {
		return nil
	}
	c := &cand{}
	links := 0
	for _, it := range items {
		if it.linkOnly {
			links++
		}
	}
	if len(items) >= 2 && links*5 >= len(items)*4 {
		c.toc = links
		return c
	}
	line := func(it itemInfo) int { return lineOf(it.node) }

	// 4: "1. **What is X?**" with the answer under it, in the same item.
	withAnswer, boldAsking := 0, 0
	for _, it := range items {
		if (it.asks || it.bold) && (len(it.rest) > 0 || it.restS != "") {
			withAnswer++
			if it.bold && it.asks {
				boldAsking++
			}
		}
	}
	if withAnswer > 0 && withAnswer*2 >= len(items) {
		for _, it := range items {
			if !it.asks && !it.bold {
				continue
			}
			c.units = append(c.units, unit{q: it.q, line: line(it), shape: ShapeListItem, answer: it.rest, answerS: it.restS})
		}
		c.unitsIf = boldAsking*2 >= len(c.units)
		return c
	}

	// 5: alternating bullets, each question followed by its answer.
	if len(items) >= 2 {
		ok, marked := true, true
		for i, it := range items {
			qLike := it.asks && len(it.rest) == 0 && it.restS == ""
			if (i%2 == 0) != qLike {
				ok = false
				break
			}
			if i%2 == 0 && !it.q.marked {
				marked = false
			}
		}
		if ok {
			for i := 0; i < len(items); i += 2 {
				u := unit{q: items[i].q, line: line(items[i]), shape: ShapeAlternating}
				if i+1 < len(items) {
					md := r.w.itemMarkdown(items[i+1].node, 0)
					u.answerS = answerLabelRe.ReplaceAllString(md, "")
				}
				c.units = append(c.units, u)
			}
			c.unitsIf = marked
			return c
		}
	}

	if len(items) == 1 {
		it := items[0]
		switch {
		case it.asks || (it.bold && it.q.numbered):
			// "1. **What is X?**" with its answer below the list, not indented.
			c.q, c.shape, c.single, c.strong = it.q, ShapeListItem, true, it.asks
		case b.node.DataAtom == atom.Ol && titleLike(it.text):
			c.title = it.text // "2. Statistics & Probability"
		}
		if c.single || c.title != "" {
			return c
		}
	}
	return nil
}

var (
	questionColumn = map[string]bool{"question": true, "questions": true, "q": true, "prompt": true, "front": true}
	answerColumn   = map[string]bool{"answer": true, "answers": true, "a": true, "ans": true, "response": true, "back": true, "solution": true}
)

// tableCand sees whether a table holds Q&As: a header naming a question
// and an answer column, or a first column of questions.
func (r *reader) tableCand(b block) *cand {
	rows := tableRows(b.node)
	if len(rows) < 2 {
		return nil
	}
	qCol, aCol := -1, -1
	for j, cell := range rows[0] {
		name := strings.ToLower(strings.Trim(strings.Join(strings.Fields(textContent(cell)), " "), " :*.#"))
		switch {
		case qCol < 0 && questionColumn[name]:
			qCol = j
		case aCol < 0 && answerColumn[name]:
			aCol = j
		}
	}
	body := rows[1:]
	headed := qCol >= 0 && aCol >= 0
	if !headed {
		asking := 0
		for _, row := range rows {
			if len(row) >= 2 && endsQuestion(strings.TrimSpace(textContent(row[0]))) {
				asking++
			}
		}
		if asking < 2 || asking*5 < len(rows)*4 {
			return nil
		}
		qCol, aCol, body = 0, 1, rows
		if !endsQuestion(strings.TrimSpace(textContent(rows[0][0]))) {
			body = rows[1:]
		}
	}
	c := &cand{unitsIf: headed}
	for _, row := range body {
		if qCol >= len(row) {
			continue
		}
		q := cleanQuestion(r.w.cellText(row[qCol]))
		if q.text == "" {
			continue
		}
		u := unit{q: q, line: lineOf(row[qCol].Parent), shape: ShapeTable}
		if aCol < len(row) {
			u.answer = flatten(row[aCol], nil)
		}
		c.units = append(c.units, u)
	}
	if len(c.units) == 0 {
		return nil
	}
	return c
}

// scan reads the blocks in order and assembles the Q&As.
func (r *reader) scan() {
	for i := 0; i < len(r.blocks); i++ {
		b := r.blocks[i]
		c := r.cands[i]
		if b.kind == blockHeading {
			if c != nil && c.heading {
				r.start(c, b, i)
				r.cur.level = b.level
				continue
			}
			if r.cur != nil && r.cur.level > 0 && b.level > r.cur.level {
				r.cur.blocks = append(r.cur.blocks, b) // a sub-heading of the answer
				continue
			}
			r.finish()
			text := ""
			if c != nil {
				text = c.q.text
			}
			r.pushSection(section{level: b.level, text: text, title: i == r.title})
			continue
		}
		if b.kind == blockRule {
			r.finish()
			continue
		}
		if c == nil {
			r.addToAnswer(b)
			continue
		}
		open := r.cur != nil
		switch {
		case c.toc > 0 && !open:
			r.doc.TableOfContents += c.toc
		case c.title != "" && r.nextOpensQuestion(i) && !(c.weak && r.weakOK):
			r.finish()
			r.pushSection(section{level: 7, text: c.title})
		case b.kind == blockPara && c.shape != 0 && (c.strong || (c.weak && r.weakOK)):
			r.start(c, b, i)
		case c.details && (!open || c.strong):
			r.finish()
			r.emitUnits(c.units)
		case len(c.units) > 0 && (!open || c.unitsIf):
			r.finish()
			r.emitUnits(c.units)
		case c.single && (!open || c.strong):
			r.start(c, b, i)
		default:
			r.addToAnswer(b)
		}
	}
	r.finish()
}

func (r *reader) nextOpensQuestion(i int) bool {
	for j := i + 1; j < len(r.blocks); j++ {
		if r.blocks[j].kind == blockPara && r.cands[j] == nil && !runHasContent(r.blocks[j].run) && r.blocks[j].node == nil {
			continue
		}
		return r.opensQuestion(j)
	}
	return false
}

func (r *reader) addToAnswer(b block) {
	if r.cur != nil {
		r.cur.blocks = append(r.cur.blocks, b)
		return
	}
	if r.count == 0 && len(r.beforeQ) < 20 {
		r.beforeQ = append(r.beforeQ, r.w.plain(b.first()))
		if b.node == nil {
			var s []string
			for _, n := range b.run {
				s = append(s, textContent(n))
			}
			r.beforeQ[len(r.beforeQ)-1] = strings.Join(strings.Fields(strings.Join(s, " ")), " ")
		}
	}
}

func (r *reader) pushSection(s section) {
	for len(r.sections) > 0 && r.sections[len(r.sections)-1].level >= s.level {
		r.sections = r.sections[:len(r.sections)-1]
	}
	r.sections = append(r.sections, s)
	if s.text != "" {
		r.outline = append(r.outline, s.text)
	}
}

// currentSection is the nearest heading above that names a topic.
func (r *reader) currentSection() string {
	for i := len(r.sections) - 1; i >= 0; i-- {
		s := r.sections[i]
		if s.title || s.text == "" || isGenericHeading(s.text) {
			continue
		}
		return strings.TrimSpace(stripMarkdown(cleanQuestion(s.text).text))
	}
	return ""
}

func (r *reader) start(c *cand, b block, i int) {
	r.finish()
	r.cur = &pending{q: c.q, shape: c.shape, line: lineOf(b.first()), inline: c.inline, section: r.currentSection()}
}

func (r *reader) finish() {
	p := r.cur
	if p == nil {
		return
	}
	r.cur = nil
	r.emit(p.q, p.shape, p.line, p.section, p.inline, p.blocks, false)
}

func (r *reader) emitUnits(units []unit) {
	section := r.currentSection()
	for _, u := range units {
		r.emit(u.q, u.shape, u.line, section, u.answerS, u.answer, u.noBold)
	}
}

// emit turns a question and its answer blocks into a QA, or into a
// Skipped entry when nothing answers it.
func (r *reader) emit(q qtext, shape Shape, line int, section, inline string, blocks []block, noBold bool) {
	r.count++
	r.outline = append(r.outline, q.text)
	a := r.answer(inline, blocks, noBold)
	counts := r.shapeCount(shape)
	if a.missing != "" {
		counts.Empty++
		r.doc.Skipped = append(r.doc.Skipped, Skipped{Line: line, Question: stripMarkdown(q.text), Reason: a.missing})
		return
	}
	counts.Found++
	r.doc.QAs = append(r.doc.QAs, QA{
		Number: r.count, Line: line, Shape: shape, Question: q.text, Answer: a.text,
		ListIntro: a.listIntro, List: a.list, ListLeads: a.listLeads,
		Section: section, Link: q.link, Category: a.category, KeyPoints: a.keyPoints,
	})
}

func (r *reader) shapeCount(s Shape) *ShapeCount {
	for i := range r.doc.Shapes {
		if r.doc.Shapes[i].Shape == s {
			return &r.doc.Shapes[i]
		}
	}
	r.doc.Shapes = append(r.doc.Shapes, ShapeCount{Shape: s})
	return &r.doc.Shapes[len(r.doc.Shapes)-1]
}

// summarize fills in what the report needs besides the Q&As.
func (r *reader) summarize() {
	// Shapes in a fixed order.
	for i := 1; i < len(r.doc.Shapes); i++ {
		for j := i; j > 0 && r.doc.Shapes[j].Shape < r.doc.Shapes[j-1].Shape; j-- {
			r.doc.Shapes[j], r.doc.Shapes[j-1] = r.doc.Shapes[j-1], r.doc.Shapes[j]
		}
	}
	seen := map[string]bool{}
	for _, qa := range r.doc.QAs {
		if qa.Section != "" && !seen[qa.Section] {
			seen[qa.Section] = true
		}
	}
	r.doc.Sections = len(seen)
	if r.title >= 0 {
		if c := r.cands[r.title]; c != nil {
			r.outline = append([]string{c.q.text}, r.outline...)
		}
	}
	r.doc.Outline = strings.Join(append(r.beforeQ, r.outline...), "\n")

	var headings, asking, paras, bolds, lists, tables, code int
	for i, b := range r.blocks {
		c := r.cands[i]
		switch b.kind {
		case blockHeading:
			headings++
			if c != nil && c.strong {
				asking++
			}
		case blockPara:
			paras++
			if c != nil && c.shape == ShapeBold {
				bolds++
			}
		case blockList:
			lists++
		case blockTable:
			tables++
		case blockCode:
			code++
		}
	}
	var parts []string
	add := func(n int, one, many string) {
		if n == 1 {
			parts = append(parts, "1 "+one)
		} else if n > 1 {
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(headings, "heading", "headings")
	add(paras, "paragraph", "paragraphs")
	add(bolds, "bold line", "bold lines")
	add(lists, "list", "lists")
	add(tables, "table", "tables")
	add(code, "code block", "code blocks")
	r.doc.Saw = joinAnd(parts)
}

// moreQuestions reports lines of one paragraph holding another question:
// several Q&As with no blank line between them are the plain-text
// reader's to take apart, not one question with a long answer.
func moreQuestions(lines []string) bool {
	for _, l := range lines {
		if markerLineRe.MatchString(l) {
			return true
		}
		if _, ok := wholeBoldLine(l); ok && cleanQuestion(l).asks() {
			return true
		}
	}
	return false
}

func splitLines(md string) []string {
	md = strings.ReplaceAll(md, string(hardBreak), "\n")
	var out []string
	for _, l := range strings.Split(md, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, " \"'”’)]*_")
	return s != "" && strings.ContainsAny(s[len(s)-1:], ".!?:;")
}
