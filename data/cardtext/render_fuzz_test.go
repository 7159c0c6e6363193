package cardtext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRenderMarkdown: whatever a card says, its HTML is inert (see
// wantInert), and rendering and plain text never panic. Run it with
//
//	go test -run '^$' -fuzz FuzzRenderMarkdown -fuzztime 30s ./data/
//
// Inputs it found are kept in testdata/fuzz/FuzzRenderMarkdown.
func FuzzRenderMarkdown(f *testing.F) {
	for _, p := range xssPayloads {
		f.Add(p)
	}
	for _, s := range []string{
		"- a\n- b\n\n| x | y |\n|:-|-:|\n| 1 | 2 |",
		"```python\ndef f(x):\n    return x\n```",
		"$F_1 = \\frac{2PR}{P+R}$ and $$\n\\sum x\n$$",
		"[a](https://example.com) <https://example.com> www.example.com a@example.com",
		"> quote\n\n1. one\n2. `two`\n\n~~three~~",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if !utf8.ValidString(src) || len(src) > 4*maxCardRunes {
			return // card text is refused unless it is UTF-8 within the limit
		}
		wantInert(t, src, RenderMarkdown(src))
		wantInert(t, src, RenderInlineMarkdown(src))
		if p := PlainText(src); strings.Contains(src, "\x00") == false && !utf8.ValidString(p) {
			t.Errorf("PlainText(%q) = %q is not UTF-8", src, p)
		}
	})
}
