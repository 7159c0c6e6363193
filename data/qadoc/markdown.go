package qadoc

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// lineComment marks, in the HTML a document becomes, the source line of
// the block that follows: "<!--qadoc:12-->". The reader keeps the last one
// it passed, so every block knows the line it started on.
const lineComment = "qadoc:"

// contentRoot is a document as a tree, ready to be read.
type contentRoot struct {
	node *html.Node
	// markdown is true when the tree came from Markdown: its text nodes
	// are Markdown source already (raw HTML blocks keep `code` and **bold**
	// as written), so they are not escaped again.
	markdown bool
	// candidates are parts of a saved page likely to hold its article,
	// tried before node, the whole page.
	candidates []*html.Node
}

// mdParser is goldmark's CommonMark parser with GitHub tables and
// strikethrough, as documents written for GitHub use them.
var mdParser = parser.NewParser(
	parser.WithBlockParsers(parser.DefaultBlockParsers()...),
	parser.WithInlineParsers(append(parser.DefaultInlineParsers(),
		util.Prioritized(extension.NewStrikethroughParser(), 500))...),
	parser.WithParagraphTransformers(append(parser.DefaultParagraphTransformers(),
		util.Prioritized(extension.NewTableParagraphTransformer(), 200))...),
	parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
)

// markdownContent parses Markdown and returns it as an HTML tree whose
// blocks carry their source lines.
func markdownContent(src string) *contentRoot {
	source := []byte(guardMarkdown(src))
	doc := mdParser.Parse(text.NewReader(source))
	m := &lineMarker{lineStarts: lineStarts(source)}
	for _, nr := range []renderer.NodeRenderer{
		ghtml.NewRenderer(ghtml.WithUnsafe()),
		extension.NewTableHTMLRenderer(),
		extension.NewStrikethroughHTMLRenderer(ghtml.WithUnsafe()),
	} {
		nr.RegisterFuncs(m)
	}
	r := renderer.NewRenderer(renderer.WithNodeRenderers(util.Prioritized(m, 100)))
	var out bytes.Buffer
	if err := r.Render(&out, source, doc); err != nil {
		// Rendering into a buffer fails only on a renderer bug; read what came out.
		out.WriteString("\n")
	}
	doc, source = nil, nil // the tree below is all that is read from here on
	return &contentRoot{node: parseBody(out.String()), markdown: true}
}

// goldmark takes time quadratic in the emphasis delimiters or link
// brackets of one paragraph, and in the nesting of lists and quotes: 80,000
// "*a_" in a row took it minutes. guardMarkdown keeps a document inside
// what real ones use, so that a hostile upload costs seconds, not hours:
// a paragraph with more than guardDelimiters "*" and "_" (or "[") outside
// code, or one past the document's budget of guardBudget for the sum of
// their squares, has them escaped, taken as plain text; a line's quote and
// list markers and indentation are cut to guardPrefix bytes. Real
// documents have at most 36 such characters in a paragraph, and a sum of
// squares under 100,000.
const (
	guardDelimiters = 256
	guardBudget     = 4_000_000
	guardPrefix     = 96
)

// GuardMarkdown is guardMarkdown for other readers of user Markdown, such
// as the card renderer: text it changes renders as goldmark would render
// it, but with the excess delimiters shown as typed.
func GuardMarkdown(src string) string { return guardMarkdown(src) }

func guardMarkdown(src string) string {
	lines := strings.SplitAfter(src, "\n")
	fenced := false
	start := 0 // first line of the current paragraph
	starBudget, bracketBudget := guardBudget, guardBudget
	flush := func(end int) {
		if end <= start {
			return
		}
		stars, brackets := 0, 0
		for _, l := range lines[start:end] {
			s, b := countOutsideCode(l)
			stars += s
			brackets += b
		}
		escStars := stars > guardDelimiters || stars*stars > starBudget
		escBrackets := brackets > guardDelimiters || brackets*brackets > bracketBudget
		if !escStars {
			starBudget -= stars * stars
		}
		if !escBrackets {
			bracketBudget -= brackets * brackets
		}
		if escStars || escBrackets {
			for i := start; i < end; i++ {
				lines[i] = escapeOutsideCode(lines[i], escStars, escBrackets)
			}
		}
	}
	for i, l := range lines {
		trimmed := strings.TrimLeft(l, " \t>")
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			flush(i)
			fenced = !fenced
			start = i + 1
			continue
		}
		if fenced {
			start = i + 1
			continue
		}
		if n, _ := containerPrefix(l, len(l)); n > guardPrefix {
			lines[i] = l[:guardPrefix] + l[n:]
		}
		if strings.TrimSpace(l) == "" {
			flush(i)
			start = i + 1
		}
	}
	flush(len(lines))
	return strings.Join(lines, "")
}

// containerPrefix reads a line's indentation, quote markers and list
// markers, no further than limit bytes in: their length, and how many list
// markers they hold.
func containerPrefix(l string, limit int) (length, markers int) {
	i, n := 0, 0
	for i < len(l) && i < limit {
		switch c := l[i]; {
		case c == ' ' || c == '\t' || c == '>':
			i++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(l) && (l[i+1] == ' ' || l[i+1] == '\t'):
			n++
			i += 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(l) && j-i < 9 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j+1 < len(l) && (l[j] == '.' || l[j] == ')') && (l[j+1] == ' ' || l[j+1] == '\t') {
				n++
				i = j + 2
				continue
			}
			return i, n
		default:
			return i, n
		}
	}
	return i, n
}

// countOutsideCode counts the emphasis delimiters and opening brackets
// of a line outside its `code` spans.
func countOutsideCode(l string) (stars, brackets int) {
	inCode := false
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '`':
			inCode = !inCode
		case '*', '_':
			if !inCode {
				stars++
			}
		case '[':
			if !inCode {
				brackets++
			}
		}
	}
	return stars, brackets
}

func escapeOutsideCode(l string, stars, brackets bool) string {
	var b strings.Builder
	inCode := false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c == '`':
			inCode = !inCode
		case inCode:
		case stars && (c == '*' || c == '_'), brackets && c == '[':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// lineMarker wraps goldmark's HTML renderers: before each block it writes
// a comment with the block's source line.
type lineMarker struct {
	lineStarts []int
	funcs      map[ast.NodeKind]renderer.NodeRendererFunc
}

// Register collects the renderers it wraps (renderer.NodeRendererFuncRegisterer).
func (m *lineMarker) Register(kind ast.NodeKind, f renderer.NodeRendererFunc) {
	if m.funcs == nil {
		m.funcs = map[ast.NodeKind]renderer.NodeRendererFunc{}
	}
	m.funcs[kind] = f
}

// RegisterFuncs hands the wrapped renderers to goldmark (renderer.NodeRenderer).
func (m *lineMarker) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	for kind, f := range m.funcs {
		reg.Register(kind, m.wrap(f))
	}
}

// unmarked blocks need no line of their own: the row, the list item or
// the document around them has one.
var unmarked = map[ast.NodeKind]bool{
	ast.KindDocument: true, ast.KindTextBlock: true, east.KindTableCell: true, east.KindTableHeader: true,
}

func (m *lineMarker) wrap(f renderer.NodeRendererFunc) renderer.NodeRendererFunc {
	return func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && n.Type() == ast.TypeBlock && !unmarked[n.Kind()] {
			if line := m.line(n); line > 0 {
				w.WriteString("<!--" + lineComment + strconv.Itoa(line) + "-->")
			}
			if html, ok := n.(*ast.HTMLBlock); ok {
				m.writeHTMLBlock(w, source, html)
				return ast.WalkSkipChildren, nil
			}
		}
		return f(w, source, n, entering)
	}
}

// writeHTMLBlock writes raw HTML as it is, with a line comment before
// each line that starts with a tag, so that a <summary> on the line after
// its <details> knows its own line.
func (m *lineMarker) writeHTMLBlock(w util.BufWriter, source []byte, n *ast.HTMLBlock) {
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		text := seg.Value(source)
		if i > 0 && len(bytes.TrimLeft(text, " \t")) > 0 && bytes.TrimLeft(text, " \t")[0] == '<' {
			w.WriteString("<!--" + lineComment + strconv.Itoa(sort.SearchInts(m.lineStarts, seg.Start+1)) + "-->")
		}
		w.Write(text)
	}
	if n.HasClosure() {
		w.Write(n.ClosureLine.Value(source))
	}
}

// line is the 1-based source line where a block starts.
func (m *lineMarker) line(n ast.Node) int {
	pos := -1
	for c := n; c != nil && pos < 0; c = c.FirstChild() {
		pos = c.Pos()
	}
	if pos < 0 {
		return 0
	}
	return sort.SearchInts(m.lineStarts, pos+1)
}

// lineStarts lists the offset of each line's first byte.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// parseBody parses an HTML fragment the way a browser parses a page's body.
func parseBody(fragment string) *html.Node {
	doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><html><head></head><body>" + fragment))
	if err != nil {
		return &html.Node{Type: html.ElementNode, Data: "body"}
	}
	return findElement(doc, "body")
}

// findElement finds the <body> or <html> a parsed page always has, near
// the top of the tree.
func findElement(n *html.Node, tag string) *html.Node {
	level := []*html.Node{n}
	for depth := 0; depth < 4 && len(level) > 0; depth++ {
		var next []*html.Node
		for _, m := range level {
			if m.Type == html.ElementNode && m.Data == tag {
				return m
			}
			for c := m.FirstChild; c != nil; c = c.NextSibling {
				next = append(next, c)
			}
		}
		level = next
	}
	return nil
}
