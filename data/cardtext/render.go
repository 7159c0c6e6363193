// Package cardtext turns a card's text into what pages and the answer
// checker need. Card text is Markdown: CommonMark with GitHub tables, strikethrough and
// bare links, fenced code highlighted on the server, and $...$ / $$...$$
// math marked for KaTeX in the browser. The source is what a card stores
// and what exports carry; the HTML is rendered when a card is saved and
// stored beside it (see RenderVersion). docs/markdown.md has the rules.
//
// The renderer's output is safe to put in a page as it is, whatever the
// input: raw HTML is shown escaped, never passed through; links keep only
// http, https and mailto addresses; only the user's own images
// (/media/<hash>.<ext>) show, others become links, so reviewing a card
// never fetches anything from elsewhere; no attribute carries a style
// or an event handler. render_test.go and FuzzRenderMarkdown hold it to that.
package cardtext

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/flashcards/flashcards/data/qadoc"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// RenderVersion is the version of the renderer whose HTML the cards table
// stores. Bump it whenever the HTML for the same source changes: cards
// rendered by an older version are rendered again when read, and for good
// by data.Store.RerenderCards at start-up.
const RenderVersion = 4 // 2: a card's headings start at h3; 3: the user's own images show; 4: cloze cards

// RenderedCard is a card's text as HTML, from our renderer only.
type RenderedCard struct {
	FrontHTML     string
	BackHTML      string
	KeyPointsHTML []string
}

// RenderCard renders a card's front, back and key points.
func RenderCard(front, back string, keyPoints []string) RenderedCard {
	r := RenderedCard{
		FrontHTML:     RenderMarkdown(front),
		BackHTML:      RenderMarkdown(back),
		KeyPointsHTML: make([]string, len(keyPoints)),
	}
	for i, kp := range keyPoints {
		r.KeyPointsHTML[i] = RenderInlineMarkdown(kp)
	}
	return r
}

var markdown = goldmark.New(
	goldmark.WithExtensions(
		// align="..." rather than style="text-align: ...": the CSP allows
		// no inline styles.
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		extension.Linkify,
		mathExtension{},
	),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(headingsBelowPage{}, 100))),
	goldmark.WithRendererOptions(
		renderer.WithNodeRenderers(util.Prioritized(safeRenderer{}, 100)), // before the default renderer's 1000
	),
)

// headingsBelowPage moves a card's headings two levels down: a card is
// shown under its page's h1 and the card's own heading, so "# Title" in
// a card's text is an h3 and every page keeps one h1.
type headingsBelowPage struct{}

func (headingsBelowPage) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+2, 6)
		}
		return ast.WalkContinue, nil
	})
}

// RenderMarkdown renders card text (a front or a back) as HTML.
func RenderMarkdown(src string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(qadoc.GuardMarkdown(src)), &buf); err != nil {
		// Rendering into memory does not fail; should it, show the text.
		return "<p>" + string(util.EscapeHTML([]byte(src))) + "</p>\n"
	}
	return buf.String()
}

// RenderInlineMarkdown renders a key point: Markdown like a card side, but
// a lone paragraph comes without its <p>, to sit in a list item.
func RenderInlineMarkdown(src string) string {
	s := strings.TrimSpace(RenderMarkdown(src))
	if inner, ok := strings.CutPrefix(s, "<p>"); ok {
		if inner, ok = strings.CutSuffix(inner, "</p>"); ok && !strings.Contains(inner, "<p>") {
			return inner
		}
	}
	return s
}

// PlainText is card text without its Markdown: the words a person reads,
// for answer checking, the card list and search snippets. Code keeps its
// text, math its TeX source, links their text; raw HTML, shown escaped on
// the card, stays as written. Cloze deletions are their text.
func PlainText(src string) string {
	if HasCloze(src) {
		src = ClozeText(src)
	}
	source := []byte(qadoc.GuardMarkdown(src))
	doc := markdown.Parser().Parse(text.NewReader(source))
	var b strings.Builder
	space := func() {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte(' ')
		}
	}
	writeLines := func(n ast.Node) {
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			b.Write(seg.Value(source))
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Type() == ast.TypeBlock && n.Kind() != ast.KindDocument {
			// Blocks are lines of their own; a row's cells are words apart.
			if n.Kind() == extast.KindTableCell && n.PreviousSibling() != nil {
				space()
			} else if s := b.String(); n.Kind() != extast.KindTableCell && s != "" && !strings.HasSuffix(s, "\n") {
				b.WriteByte('\n')
			}
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(unescapeText(n.Segment.Value(source)))
			if n.SoftLineBreak() {
				b.WriteByte(' ')
			} else if n.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Segment.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			writeLines(n)
			if h, ok := n.(*ast.HTMLBlock); ok && h.HasClosure() {
				b.Write(h.ClosureLine.Value(source))
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			for i := range n.Segments.Len() {
				seg := n.Segments.At(i)
				b.Write(seg.Value(source))
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			b.Write(n.Label(source))
			return ast.WalkSkipChildren, nil
		case *mathInline:
			b.Write(n.tex)
		case *mathBlock:
			b.Write(n.tex)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// unescapeText resolves backslash escapes and character references, as
// the HTML renderer does for text.
func unescapeText(v []byte) []byte {
	return util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
}

// ---- the safe renderer ----

// safeRenderer replaces the default renderer for every node that could
// carry markup or an address from the card's text into the page.
type safeRenderer struct{}

func (safeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindAutoLink, renderAutoLink)
	reg.Register(ast.KindImage, renderImage)
	reg.Register(ast.KindFencedCodeBlock, renderCodeBlock)
	reg.Register(ast.KindCodeBlock, renderCodeBlock)
	reg.Register(kindMathInline, renderMathInline)
	reg.Register(kindMathBlock, renderMathBlock)
}

// linkAttrs go on every link: it opens apart from the review, tells the
// other site nothing, and lends it no ranking.
const linkAttrs = ` rel="noopener noreferrer nofollow" target="_blank"`

// safeHref returns the address to put in href, or false when the link is
// refused: only absolute http, https and mailto addresses are kept.
// Character references and escapes are resolved first, so "&#106;avascript:"
// is seen as what the browser would see.
func safeHref(dest []byte, resolve bool) ([]byte, bool) {
	u := util.URLEscape(dest, resolve)
	lower := bytes.ToLower(u)
	for _, scheme := range []string{"http://", "https://", "mailto:"} {
		if bytes.HasPrefix(lower, []byte(scheme)) && len(lower) > len(scheme) {
			return util.EscapeHTML(u), true
		}
	}
	return nil, false
}

// renderRawHTML shows inline HTML as the text it is.
func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*ast.RawHTML)
		for i := range n.Segments.Len() {
			seg := n.Segments.At(i)
			_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
		}
	}
	return ast.WalkSkipChildren, nil
}

// renderHTMLBlock shows an HTML block as a paragraph of its text.
func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	var raw []byte
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		raw = append(raw, seg.Value(source)...)
	}
	if n.HasClosure() {
		raw = append(raw, n.ClosureLine.Value(source)...)
	}
	_, _ = w.WriteString("<p>")
	_, _ = w.Write(util.EscapeHTML(bytes.TrimRight(raw, "\r\n")))
	_, _ = w.WriteString("</p>\n")
	return ast.WalkSkipChildren, nil
}

// renderLink writes an allowed link; a refused one leaves its text alone.
func renderLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	href, ok := safeHref(n.Destination, true)
	if !ok {
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(href)
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		_, _ = w.Write(util.EscapeHTML(unescapeText(n.Title)))
		_ = w.WriteByte('"')
	}
	_, _ = w.WriteString(linkAttrs + ">")
	return ast.WalkContinue, nil
}

// renderAutoLink writes <https://...>, bare www. and e-mail links.
func renderAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.AutoLink)
	url, label := n.URL(source), n.Label(source)
	if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(url), []byte("mailto:")) {
		url = append([]byte("mailto:"), url...)
	}
	href, ok := safeHref(url, false)
	if !ok {
		_, _ = w.Write(util.EscapeHTML(label))
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(href)
	_, _ = w.WriteString(`"` + linkAttrs + ">")
	_, _ = w.Write(util.EscapeHTML(label))
	_, _ = w.WriteString("</a>")
	return ast.WalkSkipChildren, nil
}

// renderImage shows one of the user's own images (/media/<hash>.<ext>,
// served only to its owner) as an <img>. Any other image becomes a link to
// it: a card that loaded pictures from elsewhere would tell their host
// when and how often it is reviewed. The link text is the image's
// description, or its address.
func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Image)
	if dest := unescapeText(n.Destination); MediaURLPattern.Match(dest) {
		if !entering {
			return ast.WalkContinue, nil
		}
		_, _ = w.WriteString(`<img class="card-image" src="`)
		_, _ = w.Write(dest) // hex, a dot and an extension: nothing to escape
		_, _ = w.WriteString(`" alt="`)
		_, _ = w.Write(util.EscapeHTML([]byte(imageAlt(n, source))))
		_ = w.WriteByte('"')
		if n.Title != nil {
			_, _ = w.WriteString(` title="`)
			_, _ = w.Write(util.EscapeHTML(unescapeText(n.Title)))
			_ = w.WriteByte('"')
		}
		_, _ = w.WriteString(` loading="lazy">`)
		return ast.WalkSkipChildren, nil
	}
	href, ok := safeHref(n.Destination, true)
	if entering {
		if ok {
			_, _ = w.WriteString(`<a class="image-link" href="`)
			_, _ = w.Write(href)
			_, _ = w.WriteString(`"` + linkAttrs + `>`)
		}
		_, _ = w.WriteString("[image: ")
		if n.FirstChild() == nil {
			_, _ = w.Write(util.EscapeHTML(unescapeText(n.Destination)))
		}
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("]")
	if ok {
		_, _ = w.WriteString("</a>")
	}
	return ast.WalkContinue, nil
}

// imageAlt is an image's description as plain text.
func imageAlt(n ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(unescapeText(c.Segment.Value(source)))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if t, ok := t.(*ast.Text); ok {
					b.Write(t.Segment.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			for i := range c.Segments.Len() {
				seg := c.Segments.At(i)
				b.Write(seg.Value(source))
			}
			return ast.WalkSkipChildren, nil
		case *mathInline:
			b.Write(c.tex)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// ---- code ----

var (
	codeFormatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithPreWrapper(codePreWrapper{}))
	codeStyle     = styles.Get("github")
	codeDarkStyle = styles.Get("github-dark")
)

// codePreWrapper writes the <pre> chroma's formatter wraps code in, without
// the inline style it would add for tabs. tabindex lets a keyboard scroll
// a long line.
type codePreWrapper struct{}

func (codePreWrapper) Start(code bool, _ string) string {
	return `<pre class="chroma" tabindex="0"><code>`
}
func (codePreWrapper) End(code bool) string { return "</code></pre>\n" }

// renderCodeBlock highlights a fenced block in a language chroma knows;
// other code is shown as it is.
func renderCodeBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	var code bytes.Buffer
	lines := node.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		code.Write(seg.Value(source))
	}
	var lang string
	if n, ok := node.(*ast.FencedCodeBlock); ok {
		lang = string(n.Language(source))
	}
	writeCode(w, lang, code.String())
	return ast.WalkSkipChildren, nil
}

func writeCode(w util.BufWriter, lang, code string) {
	if lang != "" {
		if lexer := lexers.Get(lang); lexer != nil {
			it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
			if err == nil {
				var buf bytes.Buffer
				if codeFormatter.Format(&buf, codeStyle, it) == nil {
					_, _ = w.Write(buf.Bytes())
					return
				}
			}
		}
	}
	_, _ = w.WriteString(codePreWrapper{}.Start(true, ""))
	_, _ = w.Write(util.EscapeHTML([]byte(code)))
	_, _ = w.WriteString(codePreWrapper{}.End(true))
}

// CodeCSS is static/css/code.css: the highlighting colours, a light style
// and a dark one for dark mode. A test keeps the file in step.
func CodeCSS() string {
	var b strings.Builder
	b.WriteString("/* Code highlighting, generated by data.CodeCSS (chroma's github and github-dark styles). */\n")
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithAllClasses(true))
	var light, dark strings.Builder
	_ = f.WriteCSS(&light, codeStyle)
	_ = f.WriteCSS(&dark, codeDarkStyle)
	b.WriteString(withoutBackgroundClass(light.String()))
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	for line := range strings.Lines(withoutBackgroundClass(dark.String())) {
		b.WriteString("  " + line)
	}
	b.WriteString("}\n")
	return b.String()
}

// withoutBackgroundClass drops chroma's rule for a bare ".bg" class, which
// our pages do not use and which would style anything else of that name.
func withoutBackgroundClass(css string) string {
	var b strings.Builder
	for line := range strings.Lines(css) {
		if !strings.HasPrefix(line, ".bg ") && !strings.Contains(line, "*/ .bg ") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// ---- math ----

// Math is kept from Markdown and written as its TeX source in
// <span class="math inline">, <span class="math display"> (display math
// inside a paragraph) or <div class="math display">; static/js/math.js
// typesets it with KaTeX, and without JavaScript the source is shown.
//
// The dollar rules are pandoc's: an opening $ has a non-space right after
// it, a closing $ a non-space right before it and no digit right after it,
// so "$5 and $10" is no math; \$ is a plain dollar.

var (
	kindMathInline = ast.NewNodeKind("MathInline")
	kindMathBlock  = ast.NewNodeKind("MathBlock")
)

type mathInline struct {
	ast.BaseInline
	tex     []byte
	display bool
}

func (n *mathInline) Kind() ast.NodeKind { return kindMathInline }
func (n *mathInline) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"TeX": string(n.tex)}, nil)
}

type mathBlock struct {
	ast.BaseBlock
	tex    []byte
	closed bool
}

func (n *mathBlock) Kind() ast.NodeKind { return kindMathBlock }
func (n *mathBlock) IsRaw() bool        { return true }
func (n *mathBlock) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"TeX": string(n.tex)}, nil)
}

type mathExtension struct{}

func (mathExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(mathBlockParser{}, 150)), // before paragraphs
		parser.WithInlineParsers(util.Prioritized(mathInlineParser{}, 150)),
	)
}

type mathInlineParser struct{}

func (mathInlineParser) Trigger() []byte { return []byte{'$'} }

func (mathInlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if len(line) < 3 || line[0] != '$' {
		return nil
	}
	if line[1] == '$' {
		// $$...$$ inside a paragraph: display math on the same line.
		end := bytes.Index(line[2:], []byte("$$"))
		if end < 0 || util.IsBlank(line[2:2+end]) {
			return nil
		}
		tex := bytes.Clone(line[2 : 2+end])
		block.Advance(2 + end + 2)
		return &mathInline{tex: tex, display: true}
	}
	if isSpaceByte(line[1]) {
		return nil
	}
	for i := 1; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\':
			i++ // an escaped character, \$ among them, closes nothing
		case c == '\n' || c == '\r':
			return nil
		case c == '$' && !isSpaceByte(line[i-1]) && (i+1 >= len(line) || line[i+1] < '0' || line[i+1] > '9'):
			tex := bytes.Clone(line[1:i])
			block.Advance(i + 1)
			return &mathInline{tex: tex}
		}
	}
	return nil
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// mathBlockParser reads display math: lines from one starting with $$ to
// one ending with $$, with no blank line between. A $$ with no such end is
// left to the paragraph.
type mathBlockParser struct{}

func (mathBlockParser) Trigger() []byte { return []byte{'$'} }

func (mathBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || !bytes.HasPrefix(line[pos:], []byte("$$")) {
		return nil, parser.NoChildren
	}
	rest := line[pos+2:]
	if end := bytes.Index(rest, []byte("$$")); end >= 0 {
		// $$...$$ on one line is a block only when nothing follows it.
		if !util.IsBlank(rest[end+2:]) || util.IsBlank(rest[:end]) {
			return nil, parser.NoChildren
		}
		reader.AdvanceToEOL()
		return &mathBlock{tex: bytes.Clone(rest[:end]), closed: true}, parser.NoChildren
	}
	// Lines of $$ that never close would each scan to the next blank line:
	// remember where the last fruitless scan ended.
	if end, ok := pc.Get(mathNoCloseKey).(int); ok && seg.Stop < end {
		return nil, parser.NoChildren
	}
	if found, end := closingDollarsAhead(reader.Source(), seg.Stop); !found {
		pc.Set(mathNoCloseKey, end)
		return nil, parser.NoChildren
	}
	reader.AdvanceToEOL()
	return &mathBlock{tex: bytes.Clone(rest)}, parser.NoChildren
}

var mathNoCloseKey = parser.NewContextKey()

// closingDollarsAhead reports whether a line ending with $$ comes after
// source[from:] and before the next blank line; when none does, end is
// where the search stopped.
func closingDollarsAhead(source []byte, from int) (found bool, end int) {
	for from < len(source) {
		line := source[from:]
		next := len(source)
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line, next = line[:i], from+i+1
		}
		if util.IsBlank(line) {
			return false, from
		}
		if bytes.HasSuffix(bytes.TrimRight(line, " \t\r"), []byte("$$")) {
			return true, from
		}
		from = next
	}
	return false, from
}

func (mathBlockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	n := node.(*mathBlock)
	if n.closed {
		return parser.Close
	}
	line, _ := reader.PeekLine()
	if line == nil {
		return parser.Close
	}
	if t := bytes.TrimRight(line, " \t\r\n"); bytes.HasSuffix(t, []byte("$$")) {
		n.tex = append(n.tex, t[:len(t)-2]...)
		n.closed = true
		reader.AdvanceToEOL()
		return parser.Close
	}
	n.tex = append(n.tex, line...)
	reader.AdvanceToEOL()
	return parser.Continue | parser.NoChildren
}

func (mathBlockParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {}
func (mathBlockParser) CanInterruptParagraph() bool                                { return true }
func (mathBlockParser) CanAcceptIndentedLine() bool                                { return false }

func renderMathInline(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*mathInline)
		class := "math inline"
		if n.display {
			class = "math display"
		}
		_, _ = w.WriteString(`<span class="` + class + `">`)
		_, _ = w.Write(util.EscapeHTML(n.tex))
		_, _ = w.WriteString("</span>")
	}
	return ast.WalkSkipChildren, nil
}

func renderMathBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<div class="math display">`)
		_, _ = w.Write(util.EscapeHTML(bytes.TrimSpace(node.(*mathBlock).tex)))
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkSkipChildren, nil
}

// MediaURLPattern is an image URL in card text: the /media/ prefix, a
// hash and an extension of a type the store keeps. The renderer shows only
// these as images; the store serves them.
var MediaURLPattern = regexp.MustCompile(`^` + mediaURL + `$`)

// mediaURL is the one shape of an image URL: its hash, then its extension.
const mediaURL = `/media/([0-9a-f]{64})\.(png|jpg|gif|webp|svg)`

// mediaRef finds image URLs anywhere in text.
var mediaRef = regexp.MustCompile(mediaURL)

// MediaHashes lists the hashes of the images the texts refer to, each
// once, in the order first met.
func MediaHashes(texts ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range texts {
		for _, m := range mediaRef.FindAllStringSubmatch(t, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	return out
}

// ShortText is the first line of s, at most n characters, with "…" when
// anything was cut: a card's text in a list or a message.
func ShortText(s string, n int) string {
	s, _, cut := strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > n {
		s, cut = strings.TrimSpace(string(r[:n])), true
	}
	if cut {
		s += "…"
	}
	return s
}
