package cardtext

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var allowedHref = regexp.MustCompile(`^(?i)(https?://|mailto:)`)

// allowedMarkup is every element the renderer writes, with its attributes.
var allowedMarkup = map[string][]string{
	"p": nil, "em": nil, "strong": nil, "del": nil, "br": nil, "hr": nil, "blockquote": nil,
	"h1": nil, "h2": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"ul": nil, "ol": {"start"}, "li": nil,
	"table": nil, "thead": nil, "tbody": nil, "tr": nil, "th": {"align"}, "td": {"align"},
	"pre": {"class", "tabindex"}, "code": nil, "span": {"class"}, "div": {"class"},
	"a": {"href", "rel", "target", "title", "class"},
	// Only the user's own images, from /media/ (checked below).
	"img": {"class", "src", "alt", "title", "loading"},
	// html.Parse adds these around a fragment.
	"html": nil, "head": nil, "body": nil,
}

// hash64 is a hash as an image URL carries it.
var hash64 = strings.Repeat("ab", 32)

// xssPayloads must all come out inert. FuzzRenderMarkdown starts from them.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`x <script>alert(1)</script> y`,
	`<img src=x onerror=alert(1)>`,
	`a <img src=x onerror=alert(1)> b`,
	`<svg><script>alert(1)</script></svg>`,
	`<svg onload=alert(1)>`,
	`x <svg/onload=alert(1)> y`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<a href="javascript:alert(1)">x</a>`,
	`text <a href="javascript:alert(1)">x</a>`,
	`<div onmouseover="alert(1)">hover</div>`,
	`<style>body{display:none}</style>`,
	`<base href="https://evil.example/">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<object data="javascript:alert(1)"></object>`,
	`<form action="https://evil.example"><button>go</button></form>`,
	`<!-- x --><script>alert(1)</script>`,
	`<![CDATA[<script>alert(1)</script>]]>`,
	`<?php echo 1; ?><script>alert(1)</script>`,
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`&#60;script&#62;alert(1)&#60;/script&#62;`,
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x]( javascript:alert(1))`,
	`[x](<javascript:alert(1)>)`,
	"[x](java\nscript:alert(1))",
	"[x](java\tscript:alert(1))",
	`[x](java&#09;script:alert(1))`,
	`[x](&#106;avascript:alert(1))`,
	`[x](&#x6A;avascript:alert(1))`,
	`[x](&#X6a;avascript&colon;alert(1))`,
	`[x](javascript&#58;alert(1))`,
	`[x](\javascript:alert(1))`,
	`[x](%6Aavascript:alert(1))`,
	`[x](vbscript:msgbox(1))`,
	`[x](VBScript:msgbox(1))`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`[x](data:text/html,<script>alert(1)</script>)`,
	`[x](file:///etc/passwd)`,
	`![x](javascript:alert(1))`,
	`![x](data:image/svg+xml,<svg onload=alert(1)>)`,
	`![x](data:image/png;base64,iVBORw0KGgo=)`,
	`![x" onerror="alert(1)](https://example.com/a.png)`,
	`[x][r]` + "\n\n" + `[r]: javascript:alert(1)`,
	`[x][r]` + "\n\n" + `[r]: <javascript:alert(1)> "title"`,
	`![x][r]` + "\n\n" + `[r]: javascript:alert(1)`,
	`<javascript:alert(1)>`,
	`<JAVASCRIPT:alert(1)>`,
	`<vbscript:msgbox(1)>`,
	`<data:text/html,<script>alert(1)</script>>`,
	`<javascript:alert(1)@example.com>`,
	`javascript:alert(1)`,
	`www.example.com/"onmouseover="alert(1)`,
	`https://example.com/"><script>alert(1)</script>`,
	`[x](https://example.com "a\" onmouseover=\"alert(1)")`,
	`[x](https://example.com 'a" onmouseover="alert(1)')`,
	`[<img src=x onerror=alert(1)>](https://example.com)`,
	`**<script>alert(1)</script>**`,
	`# <script>alert(1)</script>`,
	`| a |` + "\n|---|\n" + `| <td onclick=alert(1)> |`,
	"```\"><script>alert(1)</script>\ncode\n```",
	"```python onload=alert(1)\nprint(1)\n```",
	"```html\n<script>alert(1)</script>\n```",
	`$</span><script>alert(1)</script>$`,
	`$x" onmouseover="alert(1)$`,
	"$$\n</div><img src=x onerror=alert(1)>\n$$",
	`$$</span><svg onload=alert(1)>$$`,
	"\\<script>alert(1)</script>",
	"<scr<script>ipt>alert(1)</script>",
	"\x00<script>alert(1)</script>",
	`<a href="&#106;avascript:alert(1)">x</a>`,
	`[x](mailto:javascript:alert(1))`,
}

func TestRenderMarkdown(t *testing.T) {
	const rel = ` rel="noopener noreferrer nofollow" target="_blank"`
	tests := []struct {
		name    string
		src     string
		want    []string // each in the output
		notWant []string // none in the output
	}{
		{"paragraphs and emphasis", "Bias *and* **variance**\n\nsecond",
			[]string{"<p>Bias <em>and</em> <strong>variance</strong></p>", "<p>second</p>"}, nil},
		{"bullet list", "- precision\n- recall\n  - nested",
			[]string{"<ul>\n<li>precision</li>\n<li>recall\n<ul>\n<li>nested</li>", "</ul>"}, nil},
		{"ordered list from 3", "3. three\n4. four",
			[]string{`<ol start="3">`, "<li>three</li>", "<li>four</li>"}, nil},
		{"table with alignment", "| metric | value |\n|:--|--:|\n| F1 | 0.8 |",
			[]string{"<table>", `<th align="left">metric</th>`, `<td align="right">0.8</td>`}, []string{"style="}},
		{"python", "```python\ndef f1(p, r):\n    return 2 * p * r / (p + r)  # harmonic\n```",
			[]string{`<pre class="chroma" tabindex="0"><code>`, `<span class="k">def</span>`, `<span class="nf">f1</span>`, `<span class="c1"># harmonic</span>`}, []string{"style="}},
		{"go", "```go\nfunc main() { fmt.Println(\"hi\") }\n```",
			[]string{`<span class="kd">func</span>`, `<span class="s">&#34;hi&#34;</span>`}, nil},
		{"sql", "```sql\nSELECT user_id, COUNT(*) FROM reviews GROUP BY user_id;\n```",
			[]string{`<span class="k">SELECT</span>`, `<span class="k">GROUP</span>`}, nil},
		{"unknown language is plain", "```klingon\nx < y\n```",
			[]string{`<pre class="chroma" tabindex="0"><code>x &lt; y` + "\n</code></pre>"}, []string{"<span"}},
		{"indented code", "    a <b> c",
			[]string{"<pre class=\"chroma\" tabindex=\"0\"><code>a &lt;b&gt; c"}, nil},
		{"code span", "use `<b>` and `$x$`",
			[]string{"<code>&lt;b&gt;</code>", "<code>$x$</code>"}, []string{"math"}},
		{"inline math", `F1 is $F_1 = \frac{2PR}{P+R}$.`,
			[]string{`<span class="math inline">F_1 = \frac{2PR}{P+R}</span>.`}, nil},
		{"math is not Markdown", `$a_1 * b_2 * c_3$ and $x<y$`,
			[]string{`<span class="math inline">a_1 * b_2 * c_3</span>`, `<span class="math inline">x&lt;y</span>`}, []string{"<em>"}},
		{"display math block", "Sum:\n\n$$\n\\sum_{i=1}^n x_i\n$$\n\nafter",
			[]string{`<div class="math display">\sum_{i=1}^n x_i</div>`, "<p>after</p>"}, nil},
		{"display math on one line", `$$ E = mc^2 $$`,
			[]string{`<div class="math display">E = mc^2</div>`}, nil},
		{"display math in a paragraph", `so $$x^2$$ holds`,
			[]string{`<p>so <span class="math display">x^2</span> holds</p>`}, nil},
		{"prices are not math", "It costs $5 and $10, or $20,000.",
			[]string{"<p>It costs $5 and $10, or $20,000.</p>"}, []string{"math"}},
		{"space after the opening dollar", "$ x$ and $y $",
			[]string{"<p>$ x$ and $y $</p>"}, []string{"math"}},
		{"escaped dollar", `\$x$ costs \$5`,
			[]string{"<p>$x$ costs $5</p>"}, []string{"math"}},
		{"escaped dollar inside math", `$\$5 + x$`,
			[]string{`<span class="math inline">\$5 + x</span>`}, nil},
		{"unclosed display math is text", "$$\nx\n\nmore",
			[]string{"<p>$$\nx</p>"}, []string{"math"}},
		{"https link", `[docs](https://example.com/a?b=1&c=2 "The docs")`,
			[]string{`<a href="https://example.com/a?b=1&amp;c=2" title="The docs"` + rel + `>docs</a>`}, nil},
		{"http and mailto links", "[a](http://example.com) [b](mailto:ada@example.com)",
			[]string{`<a href="http://example.com"` + rel + `>a</a>`, `<a href="mailto:ada@example.com"` + rel + `>b</a>`}, nil},
		{"autolinks", "<https://example.com> www.example.org ada@example.com",
			[]string{`<a href="https://example.com"` + rel + `>https://example.com</a>`,
				`<a href="http://www.example.org"` + rel + `>www.example.org</a>`,
				`<a href="mailto:ada@example.com"` + rel + `>ada@example.com</a>`}, nil},
		{"refused schemes keep their text", "[js](javascript:alert(1)) [ftp](ftp://example.com/f) [rel](/settings) [frag](#top)",
			[]string{"<p>js ftp rel frag</p>"}, []string{"<a"}},
		{"refused autolink", "<javascript:alert(1)> <ftp://example.com>",
			[]string{"<p>javascript:alert(1) ftp://example.com</p>"}, []string{"<a"}},
		{"image is a link", "![ROC curve](https://example.com/roc.png)",
			[]string{`<a class="image-link" href="https://example.com/roc.png"` + rel + `>[image: ROC curve]</a>`}, []string{"<img"}},
		{"own image shows", "![ROC *curve*](/media/" + hash64 + ".png \"t\")",
			[]string{`<p><img class="card-image" src="/media/` + hash64 + `.png" alt="ROC curve" title="t" loading="lazy"></p>`}, []string{"<a"}},
		{"own image alt is escaped", "![a\"b<c>](/media/" + hash64 + ".svg)",
			[]string{`alt="a&quot;b&lt;c&gt;"`}, []string{"<c>"}},
		{"a media path of another shape is a link", "![x](/media/" + hash64 + ".exe)",
			[]string{"<p>[image: x]</p>"}, []string{"<img"}},
		{"a relative image is text", "![x](../media/" + hash64 + ".png)",
			[]string{"<p>[image: x]</p>"}, []string{"<img"}},
		{"an external image on another host's media path is a link", "![x](https://evil.example/media/" + hash64 + ".png)",
			[]string{`href="https://evil.example/media/`}, []string{"<img"}},
		{"refused image is text", "![x](data:image/png;base64,AAAA)",
			[]string{"<p>[image: x]</p>"}, []string{"<img", "<a", "data:"}},
		{"strikethrough", "~~accuracy~~ F1",
			[]string{"<del>accuracy</del> F1"}, nil},
		{"raw HTML is escaped", "a <b>bold</b> claim\n\n<div>\nblock\n</div>",
			[]string{"a &lt;b&gt;bold&lt;/b&gt; claim", "<p>&lt;div&gt;\nblock\n&lt;/div&gt;</p>"}, []string{"<b>", "<div>", "omitted"}},
		{"heading and quote", "# Title\n\n> quoted",
			[]string{"<h3>Title</h3>", "<blockquote>\n<p>quoted</p>\n</blockquote>"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RenderMarkdown(tt.src)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("RenderMarkdown(%q) =\n%s\nwant it to contain\n%s", tt.src, got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("RenderMarkdown(%q) =\n%s\nwant no %q", tt.src, got, w)
				}
			}
			wantInert(t, tt.src, got)
		})
	}
}

func TestRenderInlineMarkdown(t *testing.T) {
	tests := []struct{ src, want string }{
		{"bias-variance trade-off", "bias-variance trade-off"},
		{"**regularization** with `L2`", "<strong>regularization</strong> with <code>L2</code>"},
		{"$\\lambda$ tuned", `<span class="math inline">\lambda</span> tuned`},
		{"<i>x</i>", "&lt;i&gt;x&lt;/i&gt;"},
		{"- a list stays a list", "<ul>\n<li>a list stays a list</li>\n</ul>"},
	}
	for _, tt := range tests {
		if got := RenderInlineMarkdown(tt.src); got != tt.want {
			t.Errorf("RenderInlineMarkdown(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ src, want string }{
		{"plain words", "plain words"},
		{"**bold** and *em* and ~~gone~~", "bold and em and gone"},
		{"use `GROUP BY` here", "use GROUP BY here"},
		{"[the docs](https://example.com) and <https://x.org>", "the docs and https://x.org"},
		{"[refused](javascript:alert(1))", "refused"},
		{"F1 is $F_1 = \\frac{2PR}{P+R}$", "F1 is F_1 = \\frac{2PR}{P+R}"},
		{"$$\n\\sum x\n$$", "\\sum x"},
		{"# Heading\n\n- one\n- two", "Heading\none\ntwo"},
		{"```python\nprint(1)\n```", "print(1)"},
		{"| a | b |\n|---|---|\n| 1 | 2 |", "a b\n1 2"},
		{"costs \\$5 &amp; more", "costs $5 & more"},
		{"a <b>raw</b> tag", "a <b>raw</b> tag"},
		{"line one\nline two", "line one line two"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.src); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestRenderedXSSPayloadsAreInert(t *testing.T) {
	for _, p := range xssPayloads {
		wantInert(t, p, RenderMarkdown(p))
		wantInert(t, p, RenderInlineMarkdown(p))
	}
}

// wantInert fails unless rendered HTML, as a browser parses it, holds only
// the elements and attributes our renderer writes, and every link goes to
// an http, https or mailto address.
func wantInert(t testing.TB, src, out string) {
	t.Helper()
	if problem := inertProblem(out); problem != "" {
		t.Errorf("rendering %q: %s in\n%s", src, problem, out)
	}
}

func inertProblem(out string) string {
	lower := strings.ToLower(out)
	if strings.Contains(lower, "<script") {
		return "a <script"
	}
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		return "unparsable HTML: " + err.Error()
	}
	var problem string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if problem != "" {
			return
		}
		if n.Type == html.ElementNode {
			attrs, ok := allowedMarkup[n.Data]
			if !ok {
				problem = "a <" + n.Data + "> element"
				return
			}
			for _, a := range n.Attr {
				// This refuses on...= handlers and style, among all others.
				if a.Namespace != "" || !slices.Contains(attrs, a.Key) {
					problem = "a " + a.Key + " attribute on <" + n.Data + ">"
					return
				}
				if a.Key == "href" && !allowedHref.MatchString(a.Val) {
					problem = "a link to " + a.Val
					return
				}
				if a.Key == "src" && !MediaURLPattern.MatchString(a.Val) {
					problem = "an image from " + a.Val
					return
				}
				if a.Key == "href" && strings.ContainsAny(a.Val, "\t\n\r \x00") {
					problem = "a link with white space or control characters: " + a.Val
					return
				}
			}
		}
		if n.Type == html.CommentNode {
			problem = "a comment"
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return problem
}

// TestCodeCSSIsFresh keeps static/css/code.css what CodeCSS writes. Run
// with FLASHCARDS_UPDATE_CODE_CSS=1 to write it after changing the styles.
func TestCodeCSSIsFresh(t *testing.T) {
	path := filepath.Join("..", "..", "static", "css", "code.css")
	want := CodeCSS()
	if os.Getenv("FLASHCARDS_UPDATE_CODE_CSS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is not what CodeCSS writes; run FLASHCARDS_UPDATE_CODE_CSS=1 go test -run TestCodeCSSIsFresh ./data/", path)
	}
	if !strings.Contains(want, "@media (prefers-color-scheme: dark)") || !strings.Contains(want, ".chroma .k {") {
		t.Errorf("CodeCSS lacks the dark style or the keyword class:\n%s", want)
	}
}

// TestInertCheckCatchesMarkup: the check above would see what it guards against.
func TestInertCheckCatchesMarkup(t *testing.T) {
	for _, bad := range []string{
		`<script>alert(1)</script>`,
		`<p onclick="alert(1)">x</p>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href=" javascript:alert(1)">x</a>`,
		`<a href="&#106;avascript:alert(1)">x</a>`,
		`<img src="https://example.com/a.png">`,
		`<img src="/media/` + strings.Repeat("a", 64) + `.png" onerror="alert(1)">`,
		`<img src="/media/../../etc/passwd">`,
		`<img src="data:image/png;base64,AAAA">`,
		`<svg><a href="https://example.com">x</a></svg>`,
		`<p style="color:red">x</p>`,
		`<span class="x"><!-- comment --></span>`,
	} {
		if inertProblem(bad) == "" {
			t.Errorf("the inert check passes %s", bad)
		}
	}
}

func TestMediaHashes(t *testing.T) {
	a, b := strings.Repeat("a", 64), strings.Repeat("b", 64)
	text := "![x](/media/" + a + ".png) and ![y](/media/" + b + ".svg), ![again](/media/" + a + ".png), " +
		"not /media/" + strings.Repeat("c", 63) + ".png nor /media/" + b + ".exe"
	got := MediaHashes(text, "![z](/media/"+b+".gif)")
	if strings.Join(got, ",") != a+","+b {
		t.Errorf("MediaHashes = %q, want [%s %s]", got, a, b)
	}
	if !MediaURLPattern.MatchString("/media/"+a+".webp") || MediaURLPattern.MatchString("x/media/"+a+".webp") {
		t.Error("MediaURLPattern does not match a whole image URL only")
	}
}
