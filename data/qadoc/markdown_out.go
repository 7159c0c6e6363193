package qadoc

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// mdWriter writes parts of the tree back out as Markdown, the text cards
// hold. Every element becomes Markdown or plain text; no tag is written.
type mdWriter struct {
	// markdown: text nodes are Markdown source already and are written
	// as they are, but for "<" before a tag's name, which a card would
	// show as a tag.
	markdown bool
	// noBold drops bold: an answer the author put in <b> as a whole.
	noBold bool
}

// hardBreak stands for a <br> until a paragraph is finished, when it
// becomes a Markdown hard break, or nothing at the paragraph's ends.
const hardBreak = '\uE000'

// maxDepth bounds recursion into a hostile page's nesting.
const maxDepth = 64

// blockTags are elements that start a block of their own.
var blockTags = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.P: true, atom.Ul: true, atom.Ol: true, atom.Pre: true, atom.Table: true, atom.Details: true,
	atom.Blockquote: true, atom.Hr: true, atom.Dl: true, atom.Div: true, atom.Section: true,
	atom.Article: true, atom.Main: true, atom.Header: true, atom.Center: true, atom.Address: true,
	atom.Fieldset: true, atom.Figure: true, atom.Figcaption: true, atom.Hgroup: true, atom.Li: true,
	atom.Dt: true, atom.Dd: true, atom.Summary: true, atom.Caption: true, atom.Menu: true,
	atom.Body: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true, atom.Tr: true,
}

// silentTags hold nothing a reader of the card should see.
var silentTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Iframe: true,
	atom.Svg: true, atom.Math: true, atom.Button: true, atom.Input: true, atom.Select: true,
	atom.Textarea: true, atom.Object: true, atom.Embed: true, atom.Canvas: true, atom.Audio: true,
	atom.Video: true, atom.Source: true, atom.Track: true, atom.Head: true, atom.Title: true, atom.Link: true,
	atom.Meta: true, atom.Base: true, atom.Wbr: true,
}

// isBlock reports whether n starts a block: a block tag, or an inline
// element such as <b> that wraps paragraphs (HTML written in Markdown
// does: "<b>" then the answer's paragraphs, then "</b>").
func isBlock(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if blockTags[n.DataAtom] {
		return true
	}
	return hasBlockChild(n, 0)
}

func hasBlockChild(n *html.Node, depth int) bool {
	if depth > maxDepth {
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (blockTags[c.DataAtom] || hasBlockChild(c, depth+1)) {
			return true
		}
	}
	return false
}

// blocksMarkdown writes a list of blocks, separated by blank lines.
func (w *mdWriter) blocksMarkdown(bs []block) string {
	var parts []string
	for _, b := range bs {
		if s := strings.TrimRight(w.block(b, 0), " \n"); strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n\n")
}

// childrenMarkdown writes the blocks inside an element.
func (w *mdWriter) childrenMarkdown(n *html.Node, depth int) string {
	if depth > maxDepth {
		return w.plain(n)
	}
	var parts []string
	for _, b := range flatten(n, nil) {
		if s := strings.TrimRight(w.block(b, depth+1), " \n"); strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n\n")
}

func (w *mdWriter) block(b block, depth int) string {
	if b.node == nil {
		return w.paragraph(b.run)
	}
	n := b.node
	switch n.DataAtom {
	case atom.P, atom.Dd, atom.Summary:
		return w.paragraph(childList(n))
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Dt:
		// A heading inside an answer reads as a bold line on a card.
		return bold(oneLine(w.inline(childList(n))))
	case atom.Ul, atom.Ol, atom.Menu:
		return w.list(n, depth)
	case atom.Pre:
		return fence(preText(n), codeLanguage(n))
	case atom.Table:
		return w.table(n)
	case atom.Blockquote:
		return prefixLines(w.childrenMarkdown(n, depth), "> ")
	case atom.Hr:
		return "---"
	case atom.Details:
		var parts []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Summary {
				if s := oneLine(w.inline(childList(c))); s != "" {
					parts = append(parts, bold(s))
				}
			}
		}
		if rest := w.blocksMarkdown(flatten(n, skipSummary)); rest != "" {
			parts = append(parts, rest)
		}
		return strings.Join(parts, "\n\n")
	}
	if depth > maxDepth {
		return w.plain(n)
	}
	return w.childrenMarkdown(n, depth)
}

// paragraph writes inline content as one paragraph. Lines that read as
// code (several, mostly commands or statements) become a code block, so
// code written without a fence keeps its line breaks.
func (w *mdWriter) paragraph(nodes []*html.Node) string {
	if lines := w.plainLines(nodes); len(lines) >= 2 && codeLike(lines) {
		return fence(strings.Join(lines, "\n"), "")
	}
	return finishInline(w.inline(nodes))
}

// finishInline turns the hard-break marks of a paragraph into Markdown.
func finishInline(s string) string {
	s = strings.Trim(s, " \n\t"+string(hardBreak))
	if !strings.ContainsRune(s, hardBreak) {
		return escapeLineStarts(s)
	}
	var lines []string
	for _, l := range strings.Split(s, string(hardBreak)) {
		if l = strings.Trim(l, " \t\n"); l != "" {
			lines = append(lines, l)
		}
	}
	return escapeLineStarts(strings.Join(lines, "\\\n"))
}

// inline writes inline content. Soft line breaks of Markdown source are
// kept; whitespace otherwise collapses as a browser collapses it.
func (w *mdWriter) inline(nodes []*html.Node) string {
	var b strings.Builder
	for _, n := range nodes {
		w.inlineNode(&b, n, 0)
	}
	return collapseSpaces(b.String())
}

func (w *mdWriter) inlineNode(b *strings.Builder, n *html.Node, depth int) {
	if depth > maxDepth {
		b.WriteString(w.escape(w.plain(n)))
		return
	}
	switch n.Type {
	case html.TextNode:
		b.WriteString(w.text(n.Data))
		return
	case html.ElementNode:
	default:
		return
	}
	if silentTags[n.DataAtom] {
		return
	}
	inner := func() string {
		var ib strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.inlineNode(&ib, c, depth+1)
		}
		return ib.String()
	}
	switch n.DataAtom {
	case atom.Br:
		b.WriteRune(hardBreak)
	case atom.Strong, atom.B:
		if w.noBold {
			b.WriteString(inner())
			return
		}
		b.WriteString(wrapEmphasis(inner(), "**"))
	case atom.Em, atom.I, atom.Cite, atom.Dfn:
		b.WriteString(wrapEmphasis(inner(), "*"))
	case atom.Del, atom.S, atom.Strike:
		b.WriteString(wrapEmphasis(inner(), "~~"))
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt, atom.Var:
		code := codeText(n)
		if lines := nonBlankLines(code); len(lines) >= 2 {
			// A multi-line <code> outside <pre> is a code block written
			// without a fence: keep its lines.
			b.WriteString("\n" + fence(strings.Trim(code, "\n"), "") + "\n")
			return
		}
		b.WriteString(codeSpan(code))
	case atom.A:
		text := strings.TrimSpace(collapseSpaces(inner()))
		href := attr(n, "href")
		switch {
		case text == "":
		case absoluteURL(href) && text != href:
			fmt.Fprintf(b, "[%s](%s)", text, escapeURL(href))
		default:
			b.WriteString(text)
		}
	case atom.Img:
		alt := strings.TrimSpace(collapseSpaces(attr(n, "alt")))
		if src := attr(n, "src"); absoluteURL(src) {
			fmt.Fprintf(b, "![%s](%s)", w.escape(alt), escapeURL(src))
		} else if alt != "" {
			b.WriteString(w.escape(alt))
		}
	case atom.Sub:
		b.WriteString("_" + strings.TrimSpace(inner()))
	case atom.Sup:
		b.WriteString("^" + strings.TrimSpace(inner()))
	default:
		if n.DataAtom == 0 && !strings.Contains(n.Data, "-") {
			// "<file>" or "<BRANCH>" in a command the author did not put
			// in backticks: a browser hides it, a card shows it.
			b.WriteString(w.escape("<" + n.Data + ">"))
		}
		if blockTags[n.DataAtom] || hasBlockChild(n, 0) {
			b.WriteString(" " + strings.ReplaceAll(w.childrenMarkdown(n, depth), "\n", " ") + " ")
			return
		}
		b.WriteString(inner())
	}
}

// text writes a text node: Markdown source as it is, page text escaped.
func (w *mdWriter) text(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\r', '\f', '\u00a0':
			return ' '
		case hardBreak:
			return ' '
		}
		if r < ' ' && r != '\n' {
			return -1
		}
		return r
	}, s)
	if !w.markdown {
		s = strings.ReplaceAll(s, "\n", " ")
	}
	return w.escape(s)
}

// tagLikeRe finds what a card would take for a tag: "<" before an HTML
// element's name, "</", "<!" or "<?".
var tagLikeRe = regexp.MustCompile(`<(/?[A-Za-z][A-Za-z0-9]*|[!?])`)

// escape keeps text from reading as Markdown or as a tag. "<file>" in a
// command stays as written: no browser knows a <file> element.
func (w *mdWriter) escape(s string) string {
	if !w.markdown {
		s = escapePageChars(s)
	}
	return tagLikeRe.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.ToLower(strings.TrimPrefix(m[1:], "/"))
		if name == "!" || name == "?" || atom.Lookup([]byte(name)) != 0 {
			return `\` + m
		}
		return m
	})
}

// escapePageChars backslash-escapes the characters that would make page
// text Markdown: \ ` * [ ] and an underscore at a word's edge.
func escapePageChars(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch r {
		case '\\', '`', '*', '[', ']':
			b.WriteByte('\\')
		case '_':
			before := i > 0 && isWordRune(rs[i-1])
			after := i+1 < len(rs) && isWordRune(rs[i+1])
			if !before || !after {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// escapeLineStarts keeps a paragraph's lines from starting a heading, a
// quote or a list: "# 1 rule" or "1. " at the start of a line of text.
var lineStartRe = regexp.MustCompile(`(?m)^(#{1,6}\s|>|[-+*]\s|\d{1,9}[.)]\s)`)

func escapeLineStarts(s string) string {
	return lineStartRe.ReplaceAllStringFunc(s, func(m string) string {
		if m[0] >= '0' && m[0] <= '9' {
			i := strings.IndexAny(m, ".)")
			return m[:i] + `\` + m[i:]
		}
		return `\` + m
	})
}

// wrapEmphasis puts marks around inline text, outside its spaces.
func wrapEmphasis(s, mark string) string {
	trimmed := strings.Trim(s, " \n")
	if trimmed == "" || strings.Trim(trimmed, string(hardBreak)) == "" {
		return s
	}
	if strings.HasPrefix(trimmed, mark) && strings.HasSuffix(trimmed, mark) && len(trimmed) > 2*len(mark) {
		return s // already emphasized inside, e.g. <b><strong>x</strong></b>
	}
	lead := s[:strings.Index(s, trimmed)]
	trail := s[len(lead)+len(trimmed):]
	return lead + mark + trimmed + mark + trail
}

func bold(s string) string {
	if s == "" || (strings.HasPrefix(s, "**") && strings.HasSuffix(s, "**")) {
		return s
	}
	return "**" + s + "**"
}

// list writes a list with "- " or "1. " markers, items' further blocks
// indented under their marker.
func (w *mdWriter) list(n *html.Node, depth int) string {
	ordered := n.DataAtom == atom.Ol
	num := 1
	if s, err := strconv.Atoi(attr(n, "start")); err == nil && s >= 0 && s < 1e9 {
		num = s
	}
	var items []string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		content := w.itemMarkdown(c, depth)
		if strings.TrimSpace(content) == "" {
			continue
		}
		marker := "- "
		if ordered {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		items = append(items, marker+indentAfterFirst(content, strings.Repeat(" ", len(marker))))
	}
	return strings.Join(items, "\n")
}

// itemMarkdown writes the content of one list item.
func (w *mdWriter) itemMarkdown(li *html.Node, depth int) string {
	if li.DataAtom == atom.Li || isBlock(li) {
		return w.childrenMarkdown(li, depth)
	}
	return finishInline(w.inline([]*html.Node{li}))
}

// table writes a GitHub table; its first row is the header.
func (w *mdWriter) table(n *html.Node) string {
	rows := tableRows(n)
	if len(rows) == 0 {
		return ""
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	var b strings.Builder
	for i, r := range rows {
		b.WriteString("|")
		for j := range cols {
			cell := ""
			if j < len(r) {
				cell = w.cellText(r[j])
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
		if i == 0 {
			b.WriteString("|" + strings.Repeat(" --- |", cols) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func (w *mdWriter) cellText(cell *html.Node) string {
	s := w.childrenMarkdown(cell, 1)
	s = strings.ReplaceAll(s, "\\\n", " ")
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// tableRows lists a table's rows, each as its cells, in order.
func tableRows(table *html.Node) [][]*html.Node {
	var rows [][]*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				walk(c)
			case atom.Tr:
				var cells []*html.Node
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.DataAtom == atom.Td || td.DataAtom == atom.Th {
						cells = append(cells, td)
					}
				}
				if len(cells) > 0 {
					rows = append(rows, cells)
				}
			}
		}
	}
	walk(table)
	return rows
}

// plain is the text of a node, whitespace collapsed, without markup.
func (w *mdWriter) plain(n *html.Node) string {
	return strings.Join(strings.Fields(textContent(n)), " ")
}

// plainLines is the text of inline content split at its line breaks: <br>
// always, and the soft breaks of Markdown source.
func (w *mdWriter) plainLines(nodes []*html.Node) []string {
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		switch {
		case n.Type == html.TextNode:
			t := n.Data
			if !w.markdown {
				t = strings.ReplaceAll(t, "\n", " ")
			}
			b.WriteString(t)
		case n.Type == html.ElementNode && n.DataAtom == atom.Br:
			b.WriteString("\n")
		case n.Type == html.ElementNode && !silentTags[n.DataAtom]:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, depth+1)
			}
		}
	}
	for _, n := range nodes {
		walk(n, 0)
	}
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l = strings.TrimRight(l, " \t"); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// codeLineRe matches a line that reads as code rather than prose.
var codeLineRe = regexp.MustCompile(`^\s*(?:\$ |#!|//|/\*|>>> |def |class |return\b|import |from \S+ import|for\b.*:$|if\b.*:$|elif\b|else:|while\b.*:$|func |var |let |const |package |public |private |#include|SELECT |INSERT |UPDATE |DELETE |git |docker |kubectl |pip |npm |cd |ls\b|sudo |curl |echo |[A-Za-z_][\w.\[\]]*\s*(?:[-+*/]?=|:=)\s*\S)|[{};]\s*$|^\s*[})\]]`)

// codeLike reports whether most lines of a paragraph are code.
func codeLike(lines []string) bool {
	code := 0
	for _, l := range lines {
		if codeLineRe.MatchString(l) {
			code++
		}
	}
	return code*10 >= len(lines)*7
}

func nonBlankLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// fence writes a fenced code block, its fence longer than any backtick
// run inside.
func fence(code, lang string) string {
	code = strings.Trim(code, "\n")
	f := strings.Repeat("`", max(3, longestBacktickRun(code)+1))
	return f + lang + "\n" + code + "\n" + f
}

// longestBacktickRun is the most backticks in a row in code: a fence or
// a code span needs one more.
func longestBacktickRun(code string) int {
	longest, run := 0, 0
	for _, r := range code {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// codeSpan writes inline code with enough backticks around it.
func codeSpan(code string) string {
	code = strings.Join(strings.Fields(code), " ")
	if code == "" {
		return ""
	}
	f := strings.Repeat("`", longestBacktickRun(code)+1)
	if strings.HasPrefix(code, "`") || strings.HasSuffix(code, "`") {
		return f + " " + code + " " + f
	}
	return f + code + f
}

// preText is the text of a <pre>, its line breaks kept.
func preText(n *html.Node) string {
	text := nodeText(n, func(n *html.Node) string {
		if n.DataAtom == atom.Br {
			return "\n"
		}
		return ""
	})
	return strings.TrimRight(strings.ReplaceAll(text, "\r", ""), " \n")
}

var langRe = regexp.MustCompile(`(?:^|\s)(?:language|lang)-([A-Za-z0-9_+#-]{1,30})`)

func codeLanguage(pre *html.Node) string {
	for n := pre; n != nil; n = n.FirstChild {
		if m := langRe.FindStringSubmatch(attr(n, "class")); m != nil {
			return m[1]
		}
		if n != pre && n.DataAtom != atom.Code {
			break
		}
	}
	return ""
}

// codeText is the text of inline code. An element the parser does not
// know stands for a placeholder the author wrote, as in
// <code>git branch <BRANCH></code>: it is kept as "<branch>".
func codeText(n *html.Node) string {
	return nodeText(n, func(n *html.Node) string {
		if n.DataAtom == 0 && !strings.Contains(n.Data, "-") {
			return "<" + n.Data + ">"
		}
		return ""
	})
}

// textContent is all the text under n.
func textContent(n *html.Node) string {
	return nodeText(n, nil)
}

// nodeText is the text under n, down to maxDepth, without the silent
// elements. open, when not nil, says what an element writes before the
// text inside it.
func nodeText(n *html.Node, open func(*html.Node) string) string {
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		switch {
		case depth > maxDepth:
			return
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			return
		case n.Type == html.ElementNode && silentTags[n.DataAtom]:
			return
		case n.Type == html.ElementNode && open != nil:
			b.WriteString(open(n))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

func childList(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, c)
	}
	return out
}

// collapseSpaces folds runs of spaces, and the spaces around a soft line
// break, so "a  \n   b" reads "a\nb".
func collapseSpaces(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, newline := false, false
	for _, r := range s {
		switch r {
		case ' ':
			space = true
			continue
		case '\n':
			newline = true
			continue
		}
		switch {
		case newline && b.Len() > 0:
			b.WriteByte('\n')
		case space && b.Len() > 0:
			b.WriteByte(' ')
		}
		space, newline = false, false
		b.WriteRune(r)
	}
	if newline {
		b.WriteByte('\n')
	} else if space {
		b.WriteByte(' ')
	}
	return b.String()
}

func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == hardBreak {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func indentAfterFirst(s, indent string) string {
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = indent + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

func prefixLines(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(prefix+l, " ")
	}
	return strings.Join(lines, "\n")
}

func absoluteURL(u string) bool {
	l := strings.ToLower(u)
	return (strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "mailto:")) &&
		len(u) < 2000 && utf8.ValidString(u)
}

// escapeURL keeps a link's address from ending the Markdown link early.
func escapeURL(u string) string { return urlReplacer.Replace(u) }

var urlReplacer = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\n", "")
