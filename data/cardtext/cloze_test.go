package cardtext

import (
	"errors"
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

func TestClozeNumbers(t *testing.T) {
	tests := []struct {
		text    string
		strict  []int
		lenient []int
		err     string // part of the strict error; "" for none
	}{
		{text: "no cloze here", strict: nil, lenient: nil},
		{text: "{{c1::Paris}} is the capital of {{c2::France}}", strict: []int{1, 2}, lenient: []int{1, 2}},
		{text: "{{c3::a}} {{c1::b::hint}} {{c3::c}}", strict: []int{1, 3}, lenient: []int{1, 3}},
		{text: "{{c1::outer {{c2::inner}} rest}}", strict: []int{1, 2}, lenient: []int{1, 2}},
		{text: "{{c1::not closed", err: "is not closed", lenient: nil},
		{text: "{{c1::a}} and {{c2::open", err: "is not closed", lenient: []int{1}},
		{text: "{{c0::zero}}", err: "Cloze numbers go from 1", lenient: nil},
		{text: "{{c99999999999::huge}}", err: "Cloze numbers go from 1", lenient: nil},
		{text: "{{c501::past}} {{c500::last}}", err: "Cloze numbers go from 1", lenient: []int{500}},
		{text: "}} stray {{ braces {{c}} {{c1:x}}", strict: nil, lenient: nil},
		{text: "{{c2::a}}}} extra", strict: []int{2}, lenient: []int{2}},
		{text: "{{c1::\xff\xfe broken}}", strict: []int{1}, lenient: []int{1}},
		{text: "{{c1::a::hint with {{c2::x}}", strict: []int{1}, lenient: []int{1}},
	}
	for _, tt := range tests {
		got, err := ClozeNumbers(tt.text, true)
		if tt.err != "" {
			var ce *ClozeError
			if !errors.As(err, &ce) || !strings.Contains(ce.Message, tt.err) {
				t.Errorf("%q strict: err %v, want %q", tt.text, err, tt.err)
			}
		} else if err != nil || !slices.Equal(got, tt.strict) {
			t.Errorf("%q strict: %v, %v; want %v", tt.text, got, err, tt.strict)
		}
		got, err = ClozeNumbers(tt.text, false)
		if err != nil || !slices.Equal(got, tt.lenient) {
			t.Errorf("%q lenient: %v, %v; want %v", tt.text, got, err, tt.lenient)
		}
	}
}

func TestHasCloze(t *testing.T) {
	for text, want := range map[string]bool{
		"{{c1::x}}": true, "a {{c12::": true, "{{c0::x}}": true, "{{c::x}}": false, "{{c1:x}}": false, "plain": false, "{{c": false,
	} {
		if got := HasCloze(text); got != want {
			t.Errorf("HasCloze(%q) = %v", text, got)
		}
	}
}

func TestRenderCloze(t *testing.T) {
	tests := []struct {
		name        string
		text, extra string
		n           int
		front, back []string // in the HTML, in order
		notFront    []string
		notBack     []string
	}{
		{
			name: "basic", text: "{{c1::Paris}} is the capital of {{c2::France}}.", n: 1,
			front:    []string{`<span class="cloze-blank">[...]</span> is the capital of France.`},
			back:     []string{`<mark class="cloze">Paris</mark> is the capital of France.`},
			notFront: []string{"Paris", "{{"},
		},
		{
			name: "second number", text: "{{c1::Paris}} is the capital of {{c2::France}}.", n: 2,
			front:    []string{`Paris is the capital of <span class="cloze-blank">[...]</span>.`},
			back:     []string{`Paris is the capital of <mark class="cloze">France</mark>.`},
			notFront: []string{"France"},
		},
		{
			name: "hint", text: "The {{c1::mitochondria::organelle}} makes ATP", n: 1,
			front: []string{`<span class="cloze-blank">[organelle]</span>`}, notFront: []string{"mitochondria"},
			back: []string{`<mark class="cloze">mitochondria</mark>`}, notBack: []string{"organelle"},
		},
		{
			name: "same number twice", text: "{{c1::a}} and {{c1::b}}", n: 1,
			front: []string{`<span class="cloze-blank">[...]</span> and <span class="cloze-blank">[...]</span>`},
			back:  []string{`<mark class="cloze">a</mark> and <mark class="cloze">b</mark>`},
		},
		{
			name: "markdown inside", text: "Use {{c1::**bold** `code`}} here", n: 1,
			back: []string{`<mark class="cloze"><strong>bold</strong> <code>code</code></mark>`},
		},
		{
			name: "markdown around", text: "**{{c1::bold}}** and `x = {{c2::42}}`", n: 2,
			front: []string{`<strong>bold</strong>`, `<code>x = <span class="cloze-blank">[...]</span></code>`},
			back:  []string{`<code>x = <mark class="cloze">42</mark></code>`},
		},
		{
			name: "script in a deletion", text: "{{c1::<script>alert(1)</script>}}", n: 1,
			back:    []string{`<mark class="cloze">&lt;script&gt;alert(1)&lt;/script&gt;</mark>`},
			notBack: []string{"<script"}, notFront: []string{"<script", "alert"},
		},
		{
			name: "html hint", text: `{{c1::x::<img src=x onerror=alert(1)>"}}`, n: 1,
			front:    []string{`[&lt;img src=x onerror=alert(1)&gt;&#34;]`},
			notFront: []string{"<img"},
		},
		{
			name: "deletion in a link address", text: "[site](https://example.com/{{c1::path}}) and {{c1::more}}", n: 1,
			front:    []string{`href="https://example.com/[...]"`},
			notFront: []string{"path", "zqcloze"},
			back:     []string{`href="https://example.com/path"`, `<mark class="cloze">more</mark>`},
		},
		{
			name: "javascript link in a deletion", text: "[x]({{c1::javascript:alert(1)}})", n: 1,
			notFront: []string{"href"}, notBack: []string{"href", "<a"},
		},
		{
			name: "across paragraphs", text: "{{c1::one\n\ntwo}}", n: 1,
			back: []string{`<p><mark class="cloze">one</mark></p>`, `<p><mark class="cloze">two</mark></p>`},
		},
		{
			name: "nested, outer", text: "{{c1::the {{c2::inner}} word}}", n: 1,
			front: []string{`<p><span class="cloze-blank">[...]</span></p>`}, notFront: []string{"inner", "word"},
			back: []string{`<mark class="cloze">the inner word</mark>`},
		},
		{
			name: "nested, inner", text: "{{c1::the {{c2::inner}} word}}", n: 2,
			front: []string{`the <span class="cloze-blank">[...]</span> word`},
			back:  []string{`the <mark class="cloze">inner</mark> word`},
		},
		{
			name: "unclosed is text", text: "{{c1::a}} {{c2::open", n: 1,
			front: []string{`<span class="cloze-blank">[...]</span> {{c2::open`},
		},
		{
			name: "extra", text: "{{c1::x}}", extra: "*more*", n: 1,
			back: []string{`<mark class="cloze">x</mark>`, `<div class="cloze-extra"><p><em>more</em></p>`},
		},
		{
			name: "text holding the marks' word", text: "zqclozeaxbaq {{c1::x}} zqclozex", n: 1,
			front: []string{`zqclozeaxbaq <span class="cloze-blank">[...]</span> zqclozex`},
		},
		{
			name: "code block", text: "```go\nx := {{c1::42}}\n```", n: 1,
			back: []string{`<mark class="cloze">42</mark>`}, notFront: []string{"42"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := RenderCloze(tt.text, tt.extra, tt.n, nil)
			check := func(side, html string, want, not []string) {
				at := 0
				for _, w := range want {
					i := strings.Index(html[at:], w)
					if i < 0 {
						t.Errorf("%s %q lacks %q (in order)", side, html, w)
						return
					}
					at += i + len(w)
				}
				for _, w := range not {
					if strings.Contains(html, w) {
						t.Errorf("%s %q holds %q", side, html, w)
					}
				}
				if strings.Contains(html, "zqcloze") && !strings.Contains(tt.text, "zqcloze") {
					t.Errorf("%s %q keeps a mark", side, html)
				}
				wellFormed(t, html)
			}
			check("front", r.FrontHTML, tt.front, tt.notFront)
			check("back", r.BackHTML, tt.back, tt.notBack)
		})
	}
}

// wellFormed fails when an element closes that is not the one open.
func wellFormed(t *testing.T, h string) {
	t.Helper()
	z := xhtml.NewTokenizer(strings.NewReader(h))
	var stack []string
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			if len(stack) > 0 {
				t.Errorf("%q leaves %v open", h, stack)
			}
			return
		case xhtml.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				stack = append(stack, string(name))
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				t.Errorf("%q closes %s inside %v", h, name, stack)
				return
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func TestClozeAnswersAndText(t *testing.T) {
	text := "The {{c1::**mitochondria**::organelle}} makes {{c2::ATP}}; {{c1::`x`}} and {{c3::outer {{c2::in}}}}"
	if got := ClozeAnswers(text, 1); !slices.Equal(got, []string{"mitochondria", "x"}) {
		t.Errorf("answers of 1: %q", got)
	}
	if got := ClozeAnswers(text, 2); !slices.Equal(got, []string{"ATP", "in"}) {
		t.Errorf("answers of 2: %q", got)
	}
	if got := ClozeAnswers(text, 4); got != nil {
		t.Errorf("answers of 4: %q", got)
	}
	if got := PlainText(text); got != "The mitochondria makes ATP; x and outer in" {
		t.Errorf("plain text: %q", got)
	}
}

func FuzzRenderCloze(f *testing.F) {
	for _, s := range []string{"{{c1::a}}", "{{c1::a{{c2::b::h}}}}", "{{c1::<b>x</b>}}", "[a]({{c1::b}})", "{{c1::\n\n}}"} {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, text string, n int) {
		if len(text) > 2000 {
			return
		}
		r := RenderCloze(text, "", n, nil)
		for _, h := range []string{r.FrontHTML, r.BackHTML} {
			if strings.Contains(h, "<script") || strings.Contains(h, "onerror=") && strings.Contains(h, "<img") {
				t.Fatalf("unsafe HTML from %q: %q", text, h)
			}
		}
	})
}

func TestClozePlainFront(t *testing.T) {
	text := "**{{c1::Paris}}** is the capital of {{c2::France::a *country*}}; {{c1::x}}"
	for n, want := range map[int]string{
		1: "[...] is the capital of France; [...]",
		2: "Paris is the capital of [a *country*]; x",
		3: "Paris is the capital of France; x",
	} {
		if got := ClozePlainFront(text, n); got != want {
			t.Errorf("card %d: %q, want %q", n, got, want)
		}
	}
}
