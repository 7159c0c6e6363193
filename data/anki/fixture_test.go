package anki

import (
	"bytes"
	"os"
	"testing"

	"github.com/flashcards/flashcards/internal/testkit/ankitest"
)

// The tests build their Anki packages themselves, in every layout, from
// one description (internal/testkit/ankitest, which data's importer tests
// share): no binary fixture is committed, and no store is opened.
var build = ankitest.Builder{Schema11: Schema11}

// sample is the shared sample and what only the reader's tests look at: a
// note type that neither its kind nor its name says is cloze (its template
// does), a card in a filtered deck, and a rollover other than the default.
func sample() ankitest.Fixture {
	fx := ankitest.Sample()
	fx.Rollover = 5
	fx.Notetypes = append(fx.Notetypes, ankitest.Notetype{ID: 1004, Name: "Gaps", Fields: []string{"Text"},
		Templates: [][2]string{{"{{cloze:Text}}", "{{cloze:Text}}"}}})
	fx.Notes = append(fx.Notes, ankitest.Note{ID: 7, GUID: "gapGuid7", Mid: 1004, Fields: []string{"{{c1::Boosting}} reduces bias."}})
	fx.Cards = append(fx.Cards, ankitest.Card{ID: 801, Nid: 7, Did: 3001, Ord: 0, Type: 2, Queue: 2, Due: 100, Ivl: 40, Factor: 2650,
		Reps: 4, Odue: 95, Odid: 1})
	return fx
}

// read reads pkg with the limits, unpacking into a folder of the test's.
func read(t testing.TB, pkg []byte, lim Limits) (*Collection, error) {
	t.Helper()
	dir := t.TempDir()
	col, err := Read(t.Context(), bytes.NewReader(pkg), int64(len(pkg)), dir, lim)
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind in the folder: %v", left)
	}
	return col, err
}
