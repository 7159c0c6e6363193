package qa

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data/category"
)

// categorySeedOrder is the category of each question of the seed
// write-up, Q1 to Q12; the deck, detection and listings all follow it.
var categorySeedOrder = []string{
	"memorizing-definitions", "skipping-clarification", "ignoring-real-world",
	"accuracy-only", "data-quality", "weak-communication", "no-trade-offs",
	"coding-fundamentals", "ignoring-deployment", "overcomplicating",
	"unstructured-answers", "ignoring-domain",
}

func TestDetectCategory(t *testing.T) {
	for _, tc := range []struct {
		name, question, answer string
		want                   string
	}{
		// One paraphrased question per category, detected from the question alone.
		{"memorize", "Is memorizing formulas enough?", "", "memorizing-definitions"},
		{"clarify", "When should you ask to clarify the task?", "", "skipping-clarification"},
		{"real world", "What changes when a model meets real-world traffic?", "", "ignoring-real-world"},
		{"accuracy", "Why can ACCURACY mislead?", "", "accuracy-only"},
		{"data quality", "How do you judge data quality?", "", "data-quality"},
		{"communication", "How do you communicate results?", "", "weak-communication"},
		{"trade-off", "Which trade-offs did you weigh?", "", "no-trade-offs"},
		{"non-breaking hyphen", "Which trade\u2011offs did you weigh?", "", "no-trade-offs"},
		{"coding", "How do you prepare for coding rounds?", "", "coding-fundamentals"},
		{"deploy", "How would you deploy it?", "", "ignoring-deployment"},
		{"overcomplicate", "Are you overcomplicating it?", "", "overcomplicating"},
		{"structure", "How do you structure an answer?", "", "unstructured-answers"},
		{"domain", "Why learn the business domain?", "", "ignoring-domain"},

		{"question wins over answer", "How would you deploy it?", "Watch accuracy.", "ignoring-deployment"},
		{"answer when question is silent", "What is the most common slip?", "Memorizing instead of understanding.", "memorizing-definitions"},
		{"earliest match wins", "Does deployment or accuracy matter more?", "", "ignoring-deployment"},
		{"earliest match wins, reversed", "Does accuracy or deployment matter more?", "", "accuracy-only"},
		{"stem runs on", "Who reviews the deployments?", "", "ignoring-deployment"},
		{"keyword needs a word start", "How do you decode a varint?", "", ""},
		{"whole word keyword does not run on", "Why are codec choices hard?", "", ""},
		{"nothing", "What is a p99 latency?", "The slow tail.", ""},
		{"empty", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := DetectCategory(tc.question, tc.answer)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("DetectCategory(%q, %q) = %q, %v; want %q", tc.question, tc.answer, got, ok, tc.want)
			}
		})
	}
}

// Every keyword must belong to a built-in category, and every category
// must have keywords, or detection silently never picks it.
func TestCategoryKeywordsCoverBuiltins(t *testing.T) {
	have := map[string]bool{}
	for _, c := range categoryKeywords {
		if len(c.words) == 0 {
			t.Errorf("%s has no keywords", c.slug)
		}
		if _, ok := category.BuiltinSlug(c.slug); !ok {
			t.Errorf("keywords for unknown category %q", c.slug)
		}
		have[c.slug] = true
	}
	for _, c := range category.Builtins() {
		if !have[c.Slug] {
			t.Errorf("category %q has no keywords", c.Slug)
		}
	}
}

// docs/import-formats.md promises users this exact keyword map.
func TestCategoryKeywordsAreDocumented(t *testing.T) {
	rows := categoryDocTable(t, "| category | keywords |")
	for _, c := range categoryKeywords {
		if got, want := rows[c.slug], strings.Join(c.words, ", "); got != want {
			t.Errorf("docs list %s as %q, the code as %q", c.slug, got, want)
		}
	}
	if len(rows) != len(categoryKeywords) {
		t.Errorf("docs list %d categories, the code %d", len(rows), len(categoryKeywords))
	}
}

// categoryDocTable reads the two-column Markdown table under header in
// docs/import-formats.md, unescaping "\*".
func categoryDocTable(t *testing.T, header string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "import-formats.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), header+"\n")
	if !ok {
		t.Fatalf("docs/import-formats.md has no table %q", header)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(table, "\n")[1:] {
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if !strings.HasPrefix(line, "|") || len(cells) != 2 {
			break
		}
		rows[strings.TrimSpace(cells[0])] = strings.ReplaceAll(strings.TrimSpace(cells[1]), `\*`, "*")
	}
	return rows
}
