package data

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestFrontSimilarity(t *testing.T) {
	tests := []struct {
		a, b  string
		want  float64
		close bool
	}{
		{"What is overfitting?", "what is OVERFITTING", 1, true},
		{"What's a p-value?", "Whats a p value", 1, true},
		{"Is not explaining trade-offs an interview mistake?", "Is leaving out trade-offs an interview mistake?", 0.6, true},
		{"What is overfitting?", "What is underfitting?", 0.5, false},
		{"Why is accuracy on its own a weak way to judge a model?", "What happens when candidates only talk about accuracy?", 1.0 / 19, false},
		{"Qu'est-ce que l'entropie ?", "qu’est-ce que l’entropie", 1, true},
		{"", "", 0, false},
		{"?!", "What?", 0, false},
	}
	for _, tt := range tests {
		got := FrontSimilarity(tt.a, tt.b)
		if diff := got - tt.want; diff > 1e-9 || diff < -1e-9 {
			t.Errorf("FrontSimilarity(%q, %q) = %.3f, want %.3f", tt.a, tt.b, got, tt.want)
		}
		if (got >= CloseFrontSimilarity) != tt.close {
			t.Errorf("FrontSimilarity(%q, %q) = %.3f: close = %v, want %v", tt.a, tt.b, got, !tt.close, tt.close)
		}
	}
}

func TestSourceQuestion(t *testing.T) {
	tests := []struct{ source, want string }{
		{"ml-interview-mistakes.txt Q4", "ml-interview-mistakes q4"},
		{"ml-interview-mistakes Q4", "ml-interview-mistakes q4"},
		{"Notes.md Q12 (https://example.com/post#q12)", "notes q12"},
		{"notes.md Q012", "notes q12"},
		{"notes.csv line 3", ""},
		{"Q4", ""},
		{"", ""},
		{"v1.2 Q3", "v1.2 q3"}, // not a document extension: kept
	}
	for _, tt := range tests {
		if got := SourceQuestion(tt.source); got != tt.want {
			t.Errorf("SourceQuestion(%q) = %q, want %q", tt.source, got, tt.want)
		}
	}
}

// TestFindCloseMatchesAgreesWithBruteForce checks the indexed search
// against comparing every draft with every card.
func TestFindCloseMatchesAgreesWithBruteForce(t *testing.T) {
	vocab := []string{"what", "is", "a", "model", "bias", "variance", "why", "loss", "tree", "split", "gini", "entropy", "how", "does", "recall", "precision"}
	rng := rand.New(rand.NewPCG(1, 2))
	sentence := func() string {
		n := 2 + rng.IntN(7)
		s := ""
		for range n {
			s += vocab[rng.IntN(len(vocab))] + " "
		}
		return s + "?"
	}
	var existing []ExistingCard
	for i := range 400 {
		existing = append(existing, ExistingCard{Key: fmt.Sprint("e", i), Front: sentence(), Deck: "D"})
	}
	var drafts []CardDraft
	for i := range 400 {
		drafts = append(drafts, CardDraft{Key: fmt.Sprint("d", i), Front: sentence()})
	}
	got := map[int]float64{}
	for _, m := range FindCloseMatches(drafts, existing) {
		got[m.Draft] = m.Similarity
	}
	matched := 0
	for d, draft := range drafts {
		best := 0.0
		for _, e := range existing {
			if s := FrontSimilarity(draft.Front, e.Front); s >= CloseFrontSimilarity && s > best {
				best = s
			}
		}
		if best > 0 {
			matched++
		}
		if got[d] != best {
			t.Errorf("draft %q: indexed search found %.3f, brute force %.3f", draft.Front, got[d], best)
		}
	}
	if matched == 0 {
		t.Fatal("the random cards had no close match at all: the test tests nothing")
	}
}

func TestFindCloseMatchesSameQuestionAndDuplicates(t *testing.T) {
	existing := []ExistingCard{
		{Key: "builtin:q4a", Front: "Why is accuracy on its own a weak way to judge a model?", Source: "ml-interview-mistakes Q4", Deck: "ML interview mistakes"},
		{Key: "k2", Front: "What is overfitting?", Source: "", Deck: "Mine"},
	}
	drafts := []CardDraft{
		{Key: "n1", Front: "What happens when candidates only talk about accuracy?", Source: "ml-interview-mistakes.txt Q4"},
		{Key: "k2", Front: "What is overfitting?"},                         // the same card: a duplicate
		{Key: "n3", Front: "what is OVERFITTING, really?"},                 // 3 of 4 words shared
		{Key: "n4", Front: "What is underfitting?", Source: "other.md Q4"}, // neither
	}
	got := FindCloseMatches(drafts, existing)
	if len(got) != 2 || got[0].Draft != 0 || !got[0].SameSource || got[0].Deck != "ML interview mistakes" ||
		got[1].Draft != 2 || got[1].SameSource || got[1].Front != "What is overfitting?" {
		t.Fatalf("close matches = %+v", got)
	}
}
