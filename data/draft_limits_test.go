package data

import (
	"testing"

	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/data/exportdoc"
)

// The formats skip or trim what a card cannot hold by data/draft's
// limits, and the store refuses by its own: they must be one number.
func TestDraftLimitsAreTheStores(t *testing.T) {
	for _, c := range []struct {
		name          string
		store, format int
	}{
		{"MaxCardTextRunes", MaxCardTextRunes, draft.MaxTextRunes},
		{"MaxKeyPoints", MaxKeyPoints, draft.MaxKeyPoints},
		{"MaxKeyPointRunes", MaxKeyPointRunes, draft.MaxKeyPointRunes},
		{"MaxNameRunes", MaxNameRunes, draft.MaxNameRunes},
		{"MaxImportCards", MaxImportCards, draft.MaxImportCards},
	} {
		if c.store != c.format {
			t.Errorf("%s is %d in the store, %d in data/draft", c.name, c.store, c.format)
		}
	}
	for _, name := range []string{"notes.txt", "dir/ notes .md", "a/" + string(make([]rune, 150)), "bad\xffname.csv"} {
		if got, want := sourceName(name), draft.SourceName(name); got != want {
			t.Errorf("sourceName(%q) = %q, draft.SourceName %q", name, got, want)
		}
	}
}

// A restore writes a review's kind as the document has it: the document's
// words are the store's.
func TestExportKindsAreTheStores(t *testing.T) {
	if KindReview != exportdoc.KindReview || KindPractice != exportdoc.KindPractice {
		t.Errorf("kinds %q, %q in the store, %q, %q in data/exportdoc", KindReview, KindPractice, exportdoc.KindReview, exportdoc.KindPractice)
	}
	if MaxAnswerMS != draft.MaxAnswerMS || MaxTypedAnswerRunes != draft.MaxTypedAnswerRunes || MaxTagRunes != draft.MaxTagRunes || MaxTagsPerCard != draft.MaxTagsPerCard {
		t.Errorf("the answer and tag limits differ between the store and data/draft")
	}
}
