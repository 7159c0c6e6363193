package qa

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data/category"
	"github.com/flashcards/flashcards/data/draft"
)

func draftCategories(t *testing.T, name, doc string, opts Options) map[string]string {
	t.Helper()
	p, err := Read(name, []byte(doc), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range p.Drafts {
		got[d.Front] = d.Category
	}
	return got
}

// A document's own section headings file its Q&As, unless turned off; the
// mistake keyword map applies only to write-ups about mistakes, only on a
// strong signal, and never to words inside code or link addresses.
func TestCategoriesFromTheDocument(t *testing.T) {
	sections := "# Ops notes\n\n## Release engineering\n\n**How do you deploy safely?**\n\nIn small steps you can roll back.\n\n" +
		"## Data Quality\n\n**What is a null rate?**\n\nThe share of empty values in a column.\n"
	got := draftCategories(t, "ops.md", sections, Options{})
	want := map[string]string{"How do you deploy safely?": "release-engineering", "What is a null rate?": "data-quality"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("by section: %v, want %v", got, want)
	}
	got = draftCategories(t, "ops.md", sections, Options{IgnoreHeadings: true, Fallback: "my-notes"})
	want = map[string]string{"How do you deploy safely?": "my-notes", "What is a null rate?": "my-notes"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("headings ignored: %v, want %v", got, want)
	}
	// One section is the document's subject, not a way to file it; and
	// "deploy" in a question of a document not about mistakes is no category.
	one := "## Release engineering\n\n**How do you deploy safely?**\n\nSmall steps.\n\n**Why monitor?**\n\nTo see failures.\n"
	for front, cat := range draftCategories(t, "one.md", one, Options{}) {
		if cat != category.Uncategorized {
			t.Errorf("%q filed under %q in a document with one section", front, cat)
		}
	}

	mistakes := "# Five interview mistakes\n\n**Why is skipping clarification costly?**\n\nYou solve the wrong problem.\n\n" +
		"**What goes wrong with `deploy.sh` scripts?**\n\nThey hide steps; see [the guide](https://example.com/monitoring).\n\n" +
		"**Why do answers ramble?**\n\nNerves. Practice helps, and structure helps more.\n\n" +
		"**What is the classic slip?**\n\nMemorizing definitions instead of reasoning.\n"
	got = draftCategories(t, "mistakes.md", mistakes, Options{})
	want = map[string]string{
		"Why is skipping clarification costly?":     "skipping-clarification", // keyword in the question
		"What goes wrong with `deploy.sh` scripts?": category.Uncategorized,   // only in code and a link address
		"Why do answers ramble?":                    category.Uncategorized,   // only past the answer's first sentence
		"What is the classic slip?":                 "memorizing-definitions", // in the answer's first sentence
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mistake write-up: %v\n want %v", got, want)
	}

	// The plain-text reader follows the same rule.
	plain := "Q1. Why deploy on Fridays?\nAns: You should not.\n"
	if got := draftCategories(t, "p.txt", plain, Options{}); got["Why deploy on Fridays?"] != category.Uncategorized {
		t.Errorf("keyword map outside a mistake write-up: %v", got)
	}
	if got := draftCategories(t, "p.txt", "Common mistakes\n"+plain, Options{}); got["Why deploy on Fridays?"] != "ignoring-deployment" {
		t.Errorf("keyword map in a mistake write-up: %v", got)
	}
}

// A question's trailing source link becomes part of the card's source,
// not its front; key points are the answer's phrases.
func TestDocumentCardSourceAndKeyPoints(t *testing.T) {
	doc := "#### 1) What is a bloom filter? [[src](https://example.com/bloom)]\n\nA bloom filter is a bit array that answers \"maybe\" or \"no\" for membership, using **hash functions**.\n"
	drafts, err := readDrafts("sets.md", []byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	want := draft.Card{Key: drafts[0].Key, Front: "What is a bloom filter?", Back: `A bloom filter is a bit array that answers "maybe" or "no" for membership, using **hash functions**.`,
		Category: category.Uncategorized, KeyPoints: []string{"bloom filter", "hash functions"}, Source: "sets.md Q1 (https://example.com/bloom)"}
	if len(drafts) != 1 || !reflect.DeepEqual(drafts[0], want) {
		t.Errorf("got %+v\nwant %+v", drafts, want)
	}
}

// Every shape docs/import-formats.md shows imports as the docs say.
func TestDocumentedShapes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "import-formats.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, shapes, _ := strings.Cut(string(b), "### The shapes")
	shapes, _, _ = strings.Cut(shapes, "### Clutter")
	blocks := regexp.MustCompile("(?s)```(markdown|html)\n(.*?)```").FindAllStringSubmatch(shapes, -1)
	want := []struct{ qas, unanswered int }{{1, 0}, {1, 1}, {1, 0}, {1, 1}, {1, 0}, {1, 1}, {2, 0}, {1, 1}}
	if len(blocks) != len(want) {
		t.Fatalf("the docs show %d examples, the test expects %d", len(blocks), len(want))
	}
	for i, m := range blocks {
		name := "example.md"
		if m[1] == "html" {
			name = "example.html"
		}
		p, err := Read(name, []byte(m[2]), Options{})
		if err != nil {
			t.Errorf("example %d: %v\n%s", i+1, err, m[2])
			continue
		}
		sources := map[string]bool{}
		for _, d := range p.Drafts {
			sources[d.Source] = true
			if strings.ContainsAny(d.Front+d.Back, "<>") {
				t.Errorf("example %d: markup on a card %+v", i+1, d)
			}
		}
		if len(sources) != want[i].qas || len(p.Unanswered) != want[i].unanswered {
			t.Errorf("example %d: %d Q&As and %d unanswered, want %d and %d\n%s", i+1, len(sources), len(p.Unanswered), want[i].qas, want[i].unanswered, m[2])
		}
	}
}

// readDrafts reads a document's drafts as the import does.
func readDrafts(name string, doc []byte, fallback string) ([]draft.Card, error) {
	p, err := Read(name, doc, Options{Fallback: fallback})
	return p.Drafts, err
}

// refusalProblems are the line-numbered problems of a refused document.
func refusalProblems(err error) []draft.ParseError {
	var r *draft.Refusal
	if errors.As(err, &r) {
		return r.Problems
	}
	return nil
}
