package qadoc

import (
	"strings"
	"testing"

	"github.com/flashcards/flashcards/internal/testkit"
)

// Documents near the 4 MiB limit in the shapes that could cost more than
// linear time: a slip there turns an upload into minutes of work.
func BenchmarkParseLargeShapes(b *testing.B) {
	const size = 4 << 20
	docs := map[string]string{
		"bold questions":   strings.Repeat("**What is X?**\n\nAn answer with **bold** and `code`.\n\n", size/50),
		"headings":         strings.Repeat("## Section\n\n### 1. What is X?\n\nAnswer.\n\n", size/40),
		"details":          strings.Repeat("<details><summary>Q?</summary><br><b>\nA.\n</b></details>\n\n", size/60),
		"nested lists":     strings.Repeat("  ", 0) + testkit.NestedList(3000),
		"nested quotes":    strings.Repeat(">", 100000) + " x\n",
		"nested html":      "**Q?**\n\n" + strings.Repeat("<div><b>", 200000) + "x",
		"long paragraph":   "**Q?**\n\n" + strings.Repeat("word ", size/5),
		"table":            "| Question | Answer |\n|---|---|\n" + strings.Repeat("| q? | a |\n", size/12),
		"alternating list": strings.Repeat("- What is X?\n- It is Y.\n", size/25),
		"page":             "<!doctype html><html><body><article>" + strings.Repeat("<h3>What is X?</h3><p>Answer.</p>", size/35) + "</article></body></html>",
	}
	for name, doc := range docs {
		doc = doc[:min(len(doc), size)]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				Parse(doc, Options{HTMLPage: strings.HasPrefix(doc, "<!doctype")})
			}
		})
	}
}
