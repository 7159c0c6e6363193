package qadoc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The real write-ups in the corpus cost at most a twentieth of the
// budget, so the budget refuses only documents far from any real one.
func TestCorpusFarWithinBudget(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "corpus", "*.md"))
	files = append(files, filepath.Join("..", "testdata", "qa-page.html"), filepath.Join("..", "testdata", "qa-sample.md"))
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, cost := budgetCount(string(doc))
		total := 0
		for _, c := range cost {
			total += c
		}
		t.Logf("%s: %d bytes, %.2f%% of the budget", filepath.Base(f), len(doc), 100*float64(total)/budgetBytes)
		if total > budgetBytes/20 {
			t.Errorf("%s costs %d, over a twentieth of the budget %d", f, total, budgetBytes)
		}
		if err := CheckBudget(string(doc)); err != nil {
			t.Error(err)
		}
	}
}

func TestCheckBudgetSaysWhatToSplit(t *testing.T) {
	doc := "| Question | Answer |\n|---|---|\n" + strings.Repeat("| q? | a |\n", 349_525)
	var tc *TooComplexError
	if err := CheckBudget(doc); !errors.As(err, &tc) {
		t.Fatalf("got %v, want a TooComplexError", err)
	}
	want := "this document is too complex to import: it has 349,527 table rows; split it into files of at most 33,000 table rows"
	if tc.Error() != want {
		t.Errorf("got  %q\nwant %q", tc.Error(), want)
	}
	// A file of the largest size it names is let in.
	if err := CheckBudget("| Question | Answer |\n|---|---|\n" + strings.Repeat("| q? | a |\n", tc.Max-2)); err != nil {
		t.Errorf("a file of %d rows: %v", tc.Max, err)
	}
}
