package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// categorySeedOrder is the category of each question of the seed
// write-up, Q1 to Q12; the deck, detection and listings all follow it.
var categorySeedOrder = []string{
	"memorizing-definitions", "skipping-clarification", "ignoring-real-world",
	"accuracy-only", "data-quality", "weak-communication", "no-trade-offs",
	"coding-fundamentals", "ignoring-deployment", "overcomplicating",
	"unstructured-answers", "ignoring-domain",
}

func TestBuiltinCategories(t *testing.T) {
	got := BuiltinCategories()
	if len(got) != len(categorySeedOrder) {
		t.Fatalf("got %d categories, want %d", len(got), len(categorySeedOrder))
	}
	for i, c := range got {
		if c.Slug != categorySeedOrder[i] {
			t.Errorf("category %d: slug %q, want %q", i+1, c.Slug, categorySeedOrder[i])
		}
		if !ValidSlug(c.Slug) {
			t.Errorf("%q is not a valid slug", c.Slug)
		}
		if c.Name == "" || c.Description == "" {
			t.Errorf("%q: empty name or description", c.Slug)
		}
		if strings.Contains(c.Description, "\n") {
			t.Errorf("%q: description should be one line", c.Slug)
		}
		if slug, ok := categoryBuiltinSlug(strings.ToUpper(c.Name)); !ok || slug != c.Slug {
			t.Errorf("name %q does not resolve to its slug: %q, %v", c.Name, slug, ok)
		}
		if c.Slug == UncategorizedSlug {
			t.Errorf("uncategorized must not be a built-in category")
		}
	}
	got[0].Slug = "changed"
	if BuiltinCategories()[0].Slug == "changed" {
		t.Error("BuiltinCategories returns shared state; a caller changed it")
	}
	if !ValidSlug(UncategorizedSlug) {
		t.Error("UncategorizedSlug is not a valid slug")
	}
}

func TestCategoryValidSlug(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"data-quality", true},
		{"a", true},
		{"f1-2", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"Data-quality", false},
		{"data--quality", false},
		{"-data", false},
		{"data-", false},
		{"data quality", false},
		{"data_quality", false},
		{"données", false},
	} {
		if got := ValidSlug(tc.in); got != tc.want {
			t.Errorf("ValidSlug(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestCategorySlugify(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"System Design", "system-design"},
		{"  Trade-offs & Costs!  ", "trade-offs-costs"},
		{"Don't overfit", "dont-overfit"},
		{"Don’t overfit", "dont-overfit"},
		{"Données manquantes", "donnees-manquantes"},
		{"ML::Metrics", "ml-metrics"},
		{"already-a-slug", "already-a-slug"},
		{"C++ / Go", "c-go"},
		{"!!!", ""},
		{"日本語", ""},
		{"", ""},
		{strings.Repeat("word ", 20), "word-word-word-word-word-word-word-word-word-word-word-word-word"},
		{strings.Repeat("ab", 40), strings.Repeat("ab", 32)},
		{"x " + strings.Repeat("ab", 40), "x"},
		{strings.Repeat("abc-", 16) + "d", strings.Repeat("abc-", 15) + "abc"},
	} {
		got := Slugify(tc.in)
		if got != tc.want {
			t.Errorf("Slugify(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got != "" && !ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q, which is not a valid slug", tc.in, got)
		}
	}
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
		if _, ok := categoryBuiltinSlug(c.slug); !ok {
			t.Errorf("keywords for unknown category %q", c.slug)
		}
		have[c.slug] = true
	}
	for _, c := range BuiltinCategories() {
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
	b, err := os.ReadFile(filepath.Join("..", "docs", "import-formats.md"))
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
