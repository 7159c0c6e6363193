package cardtext

import (
	"strings"
	"testing"

	"github.com/flashcards/flashcards/internal/testkit"
)

// hostileCards are card texts at the 20,000-character limit in the shapes
// goldmark reads in more than linear time: emphasis delimiters that never
// close, unclosed link brackets, deep lists and quotes.
func hostileCards() map[string]string {
	fill := func(unit string) string {
		return strings.Repeat(unit, maxCardRunes/len(unit))
	}
	return map[string]string{
		"emphasis *a_":  fill("*a_"),
		"emphasis _a*":  fill("_a*"),
		"brackets [":    fill("["),
		"links [a](":    fill("[a]("),
		"images ![":     fill("!["),
		"backticks":     fill("`a"),
		"strike ~a":     fill("~a"),
		"math $a":       fill("$a"),
		"nested quotes": fill(">"),
		"nested lists":  testkit.NestedList(140),
		"html <a":       fill("<a "),
		"autolinks":     fill("<http://a "),
		"linkify www.":  fill("www.a"),
		"table":         "|a|b|\n|-|-|\n" + fill("|a|b|\n"),
	}
}

// BenchmarkRenderHostileCard renders each hostile card as RenderCard does
// on save and on every review page.
func BenchmarkRenderHostileCard(b *testing.B) {
	for name, src := range hostileCards() {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				RenderMarkdown(src)
				PlainText(src)
			}
		})
	}
}

// maxCardRunes is a card side at its longest (data.MaxCardTextRunes).
const maxCardRunes = 20_000
