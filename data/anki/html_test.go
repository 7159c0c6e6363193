package anki

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAnkiFieldText(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		media          int
	}{
		{"tags go", "What is <b>overfitting</b>?", "What is overfitting?", 0},
		{"br", "a<br>b<br/>c", "a\nb\nc", 0},
		{"divs", "<div>one</div><div>two</div>", "one\ntwo", 0},
		{"paragraphs", "<p>para</p><p>two</p>", "para\ntwo", 0},
		{"list", "Causes:<ul><li>noise</li><li>small data</li></ul>", "Causes:\n- noise\n- small data", 0},
		{"nested list", "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c", 0},
		{"ordered list", "<ol><li>first</li><li>second</li></ol>", "- first\n- second", 0},
		{"entities", "x &amp; y &lt;z&gt; &quot;q&quot; &#x263A;", `x & y <z> "q" ☺`, 0},
		{"nbsp keeps spacing", "a&nbsp;&nbsp;&nbsp;b", "a   b", 0},
		{"whitespace collapses", "  lots   of\n\n  space  ", "lots of space", 0},
		{"script and style dropped", "<script>alert(1)</script>hi<style>p{color:red}</style>", "hi", 0},
		{"self-closed script still dropped", "<script/>alert(1)</script>after", "after", 0},
		{"template dropped", "<template><b>x</b></template>y", "y", 0},
		{"textarea dropped", "<textarea><b>x</b></textarea>y", "y", 0},
		{"comment dropped", "<!-- note -->text", "text", 0},
		{"image and sound", `pic <img src="a.png"> here [sound:a.mp3]`, "pic here", 2},
		{"image without src", `<img alt="x">ok`, "ok", 0},
		{"sound joined by removal", "[sou[sound:a]nd:b]x", "x", 2},
		{"blank lines collapse", "a<br><br><br><br>b", "a\n\nb", 0},
		{"table", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "a | b\nc | d", 0},
		{"pre keeps spaces", "<pre>x  =  1\n    y</pre>", "x  =  1\n    y", 0},
		{"controls dropped", "\x00\x01ok\x7f\u0085", "ok", 0},
		{"invalid utf-8", "a\xffb", "a\uFFFDb", 0},
		{"lone angle bracket is text", "a < b and c > d", "a < b and c > d", 0},
		{"crlf", "a\r\nb", "a b", 0},
		{"dropped tag joins no tag", "<<b></b>i>x", "< i>x", 0},
		{"dropped sound joins no tag", "a<[sound:x]b", "a< b", 1},
		{"control dropped before tags are read", "a<\x00b>c", "ac", 0},
		{"escaped tag is text", "&lt;b&gt;", "<b>", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, media := FieldText(tc.in)
			if got != tc.want || media != tc.media {
				t.Errorf("FieldText(%q) = %q, %d media; want %q, %d", tc.in, got, media, tc.want, tc.media)
			}
		})
	}
}

func TestAnkiFieldHTMLRoundTrip(t *testing.T) {
	for _, text := range []string{
		"plain",
		"a & b < c > d",
		"two  spaces and   three",
		"line one\nline two\n\nafter a blank",
		"- item\n  - nested item",
		"tab\there",
		`quotes "and" [brackets]`,
		"<b>not a tag</b>",
	} {
		html := FieldHTML(text)
		got, media := FieldText(html)
		if got != text || media != 0 {
			t.Errorf("FieldText(FieldHTML(%q)) = %q (html %q), %d media", text, got, html, media)
		}
	}
}

func TestAnkiTemplateFields(t *testing.T) {
	for _, tc := range []struct {
		tmpl string
		want []FieldRef
	}{
		{"{{Front}}", []FieldRef{{Field: "Front"}}},
		{"{{FrontSide}}<hr id=answer>{{Back}}", []FieldRef{{Field: "Back"}}},
		{"{{#Add Reverse}}{{Back}}{{/Add Reverse}}", []FieldRef{{Field: "Back"}}},
		{"{{Front}}\n{{type:Back}}", []FieldRef{{Field: "Front"}, {Field: "Back", TypeAns: true}}},
		{"{{cloze:Text}}", []FieldRef{{Field: "Text", Cloze: true}}},
		{"{{tts en_US:Front}} {{Tags}} {{!comment}}", []FieldRef{{Field: "Front"}}},
	} {
		if got := TemplateFields(tc.tmpl); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("TemplateFields(%q) = %+v; want %+v", tc.tmpl, got, tc.want)
		}
	}
}

// FuzzAnkiHTML checks the field reducer on any input: it does not panic,
// writes valid UTF-8 without control characters but tab and newline, keeps
// its tidy shape, lets no tag through (an input without '&' cannot spell a
// '<' followed by a letter, '/', '!' or '?' in the output: only a decoded
// entity could), and what it writes survives the way to Anki and back.
func FuzzAnkiHTML(f *testing.F) {
	for _, seed := range []string{
		"What is <b>overfitting</b>?",
		"<ul><li>a<ul><li>b</li></ul></li></ul>",
		"<script>alert(1)</script>x<style>p{}</style>",
		`<img src="a.png">[sound:a.mp3]`,
		"a&nbsp;&nbsp;b &lt;i&gt;",
		"{{c1::Paris::city}} {{c2::x {{c3::y}} }}",
		"<table><tr><td>a<td>b</table>",
		"<pre>  x\n\ty</pre>",
		"a <b",
		"<textarea>",
		"\x00\xff<",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, field string) {
		text, media := FieldText(field)
		if !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 from %q: %q", field, text)
		}
		if media < 0 {
			t.Fatalf("media %d", media)
		}
		for _, r := range text {
			if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || r == '\u00a0' {
				t.Fatalf("control or nbsp %U in %q from %q", r, text, field)
			}
		}
		if text != strings.TrimSpace(text) || strings.Contains(text, "\n\n\n") {
			t.Fatalf("untidy %q from %q", text, field)
		}
		for _, line := range strings.Split(text, "\n") {
			if line != strings.TrimRight(line, " \t") {
				t.Fatalf("trailing space in %q from %q", line, field)
			}
		}
		if !strings.Contains(field, "&") {
			for i := 0; i+1 < len(text); i++ {
				if c := text[i+1]; text[i] == '<' && (c == '/' || c == '!' || c == '?' || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
					t.Fatalf("tag-like %q survives in %q from %q", text[i:i+2], text, field)
				}
			}
		}
		if back, m := FieldText(FieldHTML(text)); back != text || m != 0 {
			t.Fatalf("round trip of %q gives %q (%d media)", text, back, m)
		}
	})
}
