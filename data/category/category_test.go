package category

import (
	"strings"
	"testing"
)

// seedOrder is the category of each question of the seed
// write-up, Q1 to Q12; the deck, detection and listings all follow it.
var seedOrder = []string{
	"memorizing-definitions", "skipping-clarification", "ignoring-real-world",
	"accuracy-only", "data-quality", "weak-communication", "no-trade-offs",
	"coding-fundamentals", "ignoring-deployment", "overcomplicating",
	"unstructured-answers", "ignoring-domain",
}

func TestBuiltins(t *testing.T) {
	got := Builtins()
	if len(got) != len(seedOrder) {
		t.Fatalf("got %d categories, want %d", len(got), len(seedOrder))
	}
	for i, c := range got {
		if c.Slug != seedOrder[i] {
			t.Errorf("category %d: slug %q, want %q", i+1, c.Slug, seedOrder[i])
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
		if slug, ok := BuiltinSlug(strings.ToUpper(c.Name)); !ok || slug != c.Slug {
			t.Errorf("name %q does not resolve to its slug: %q, %v", c.Name, slug, ok)
		}
		if c.Slug == Uncategorized {
			t.Errorf("uncategorized must not be a built-in category")
		}
	}
	got[0].Slug = "changed"
	if Builtins()[0].Slug == "changed" {
		t.Error("Builtins returns shared state; a caller changed it")
	}
	if !ValidSlug(Uncategorized) {
		t.Error("Uncategorized is not a valid slug")
	}
}

func TestValidSlug(t *testing.T) {
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

func TestSlugify(t *testing.T) {
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
