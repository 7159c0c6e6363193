package data

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var regexpNote = regexp.MustCompile(`,?"note":\d+`)

// noteCards returns the note's cards out of the trash, by number.
func noteCards(t *testing.T, s *Store, userID, noteID int64) map[int]Card {
	t.Helper()
	cards, err := s.ListCards(context.Background(), userID, CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]Card{}
	for _, c := range cards {
		if c.NoteID == noteID {
			if _, dup := out[c.Cloze]; dup {
				t.Fatalf("two cards with number %d", c.Cloze)
			}
			out[c.Cloze] = c
		}
	}
	return out
}

func TestClozeNoteCardsFollowItsNumbers(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")

	text := "{{c1::Paris}} is the capital of {{c2::France}}, on the {{c3::Seine::river}}."
	first, err := s.CreateCard(ctx, u.ID, CardInput{Front: text, Back: "Since 987."})
	if err != nil {
		t.Fatal(err)
	}
	if first.Cloze != 1 || first.NoteID != first.ID {
		t.Fatalf("first card: cloze %d, note %d, id %d", first.Cloze, first.NoteID, first.ID)
	}
	cards := noteCards(t, s, u.ID, first.NoteID)
	if len(cards) != 3 {
		t.Fatalf("a note with three deletions gave %d cards", len(cards))
	}
	c2 := cards[2]
	if !slices.Equal(c2.KeyPoints, []string{"France"}) || !strings.Contains(c2.FrontHTML, `capital of <span class="cloze-blank">[...]</span>`) ||
		!strings.Contains(c2.FrontHTML, "Paris") || !strings.Contains(c2.BackHTML, `<mark class="cloze">France</mark>`) ||
		!strings.Contains(c2.BackHTML, "Since 987.") {
		t.Errorf("card 2: key points %q, front %q, back %q", c2.KeyPoints, c2.FrontHTML, c2.BackHTML)
	}
	if !strings.Contains(cards[3].FrontHTML, "[river]") {
		t.Errorf("card 3's front %q lacks its hint", cards[3].FrontHTML)
	}
	keys := map[string]bool{}
	for _, c := range cards {
		keys[c.Key] = true
	}
	if len(keys) != 3 {
		t.Errorf("keys %v are not one per card", keys)
	}

	// Answer checking works on the deletion.
	if cov, missed := c2.Coverage("it is France"); len(cov) != 1 || len(missed) != 0 {
		t.Errorf("coverage of card 2: %q, missed %q", cov, missed)
	}

	// History on cards 1 and 3.
	for _, n := range []int{1, 3} {
		if _, err := s.GradeCard(ctx, u.ID, Grade{CardID: cards[n].ID, Grade: 4, Step: -1}); err != nil {
			t.Fatal(err)
		}
	}

	// Edit card 3 (any card of the note edits the note): c2 goes, c1 and
	// c3 stay with their history, and c4 is new.
	edited := "{{c1::Paris}} is on the {{c3::Seine}} and has {{c4::20}} arrondissements."
	edit, err := s.EditCard(ctx, u.ID, cards[3].ID, CardInput{Front: edited, Back: "Since 987."})
	if err != nil {
		t.Fatal(err)
	}
	if edit != (CardEdit{Updated: 2, Added: 1, Trashed: 1, Cloze: true, CardID: cards[3].ID}) {
		t.Errorf("edit: %+v", edit)
	}
	after := noteCards(t, s, u.ID, first.NoteID)
	if len(after) != 3 || after[1].ID != cards[1].ID || after[3].ID != cards[3].ID || after[4].ID == 0 {
		t.Fatalf("after the edit: %v", after)
	}
	for _, n := range []int{1, 3} {
		if !after[n].Sched.Graded || after[n].Front != edited {
			t.Errorf("card %d lost its history or kept its text: graded %v, front %q", n, after[n].Sched.Graded, after[n].Front)
		}
	}
	if after[4].Sched.Graded || !slices.Equal(after[4].KeyPoints, []string{"20"}) {
		t.Errorf("card 4: %+v", after[4])
	}
	trash, err := s.ListTrash(ctx, u.ID, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if trash.Total != 1 || trash.Cards[0].ID != c2.ID {
		t.Errorf("trash: %+v", trash)
	}
	// Brought back, it is a card again.
	if _, err := s.RestoreCards(ctx, u.ID, []int64{c2.ID}); err != nil {
		t.Fatal(err)
	}

	// Editing down to two numbers keeps the two.
	two := "{{c1::Paris}} is on the {{c3::Seine}}."
	edit, err = s.EditCard(ctx, u.ID, cards[1].ID, CardInput{Front: two, Back: ""})
	if err != nil {
		t.Fatal(err)
	}
	// c4 goes; c2, whose number the note had dropped when it was
	// restored, is a note of its own now (TestRestoredClozeCardRejoinsOrLeavesItsNote).
	if edit.Updated != 2 || edit.Trashed != 1 || edit.Added != 0 {
		t.Errorf("edit to two: %+v", edit)
	}
	after = noteCards(t, s, u.ID, first.NoteID)
	if len(after) != 2 || !after[1].Sched.Graded || !after[3].Sched.Graded {
		t.Errorf("after the edit to two: %v", after)
	}

	// Removing the edited card's own number leads on to the note's first card.
	edit, err = s.EditCard(ctx, u.ID, after[3].ID, CardInput{Front: "{{c1::Paris}} only"})
	if err != nil {
		t.Fatal(err)
	}
	if edit.CardID != after[1].ID || edit.Trashed != 1 {
		t.Errorf("edit dropping the edited card: %+v", edit)
	}
}

func TestClozeNoteRefusesBrokenMarkup(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	var many strings.Builder
	for n := 1; n <= MaxClozeCards+1; n++ {
		fmt.Fprintf(&many, "{{c%d::w}} ", n)
	}
	for _, front := range []string{"{{c1::never closed", "{{c0::zero}}", "{{c99999999999::huge}}", "{{c1::}} empty", many.String()} {
		_, err := s.CreateCard(ctx, u.ID, CardInput{Front: front})
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: %v", front, err)
		}
	}
	if n, _ := s.CountCards(ctx, u.ID); n != 0 {
		t.Errorf("%d cards stored", n)
	}
	// A cloze card cannot lose all its deletions, nor a note its markup.
	c, err := s.CreateCard(ctx, u.ID, CardInput{Front: "{{c1::a}} {{c2::b}}"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditCard(ctx, u.ID, c.ID, CardInput{Front: "no deletions", Back: "x"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("edit without deletions: %v", err)
	}
	if _, err := s.EditCard(ctx, u.ID, c.ID, CardInput{Front: "{{c1::a}} {{c2::b"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("edit with an unclosed deletion: %v", err)
	}
	if got := noteCards(t, s, u.ID, c.NoteID); len(got) != 2 || got[1].Front != "{{c1::a}} {{c2::b}}" {
		t.Errorf("a refused edit changed the note: %v", got)
	}
}

func TestBasicCardBecomesClozeNote(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	c, err := s.CreateCard(ctx, u.ID, CardInput{Front: "Capital of France?", Back: "Paris"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GradeCard(ctx, u.ID, Grade{CardID: c.ID, Grade: 4, Step: -1}); err != nil {
		t.Fatal(err)
	}
	edit, err := s.EditCard(ctx, u.ID, c.ID, CardInput{Front: "{{c2::Paris}} is the capital of {{c5::France}}"})
	if err != nil {
		t.Fatal(err)
	}
	if edit.Updated != 1 || edit.Added != 1 || edit.Trashed != 0 || edit.CardID != c.ID {
		t.Errorf("edit: %+v", edit)
	}
	got := noteCards(t, s, u.ID, c.ID)
	if len(got) != 2 || got[2].ID != c.ID || !got[2].Sched.Graded || got[5].ID == 0 {
		t.Errorf("cards: %v", got)
	}
}

// A JSON export carries each cloze card's number and note; a restore
// makes them one note again, and an export without them restores basic
// cards as before.
func TestClozeNotesSurviveExportAndRestore(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	c, err := s.CreateCard(ctx, u.ID, CardInput{Front: "{{c1::a}} {{c2::b}} {{c3::c}}", Back: "extra"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCard(ctx, u.ID, CardInput{Front: "basic", Back: "card"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GradeCard(ctx, u.ID, Grade{CardID: c.ID, Grade: 4, Step: -1}); err != nil {
		t.Fatal(err)
	}
	doc := exportJSON(t, s, u.ID)
	if !strings.Contains(string(doc), `"cloze":3`) || !strings.Contains(string(doc), `"note":`) {
		t.Fatalf("export lacks cloze numbers: %.600s", doc)
	}
	bob := cardsTestUser(t, s, "bob")
	if _, err := s.RestoreExport(ctx, bob.ID, strings.NewReader(string(doc))); err != nil {
		t.Fatal(err)
	}
	got := cardsByKey(t, s, bob.ID)
	want := cardsByKey(t, s, u.ID)
	sameNotes(t, want, got)
	if n := got[c.Key]; !n.Sched.Graded || n.Cloze != 1 || !strings.Contains(n.FrontHTML, "cloze-blank") {
		t.Errorf("restored card 1: %+v", n)
	}

	// An older export, without numbers: the cards come back basic.
	old := strings.NewReplacer(`"cloze":1,`, "", `"cloze":2,`, "", `"cloze":3,`, "").Replace(string(doc))
	old = regexpNote.ReplaceAllString(old, "")
	carol := cardsTestUser(t, s, "carol")
	if _, err := s.RestoreExport(ctx, carol.ID, strings.NewReader(old)); err != nil {
		t.Fatalf("%v\n%.800s", err, old)
	}
	for _, card := range cardsByKey(t, s, carol.ID) {
		if card.Cloze != 0 || card.NoteID != 0 {
			t.Errorf("old export restored %q as cloze %d", card.Front, card.Cloze)
		}
	}

	// A note without extra text restores too.
	erin := cardsTestUser(t, s, "erin")
	if _, err := s.CreateCard(ctx, erin.ID, CardInput{Front: "{{c1::x}} and {{c2::y}}, {{c3::z}}"}); err != nil {
		t.Fatal(err)
	}
	frank := cardsTestUser(t, s, "frank")
	if _, err := s.RestoreExport(ctx, frank.ID, strings.NewReader(string(exportJSON(t, s, erin.ID)))); err != nil {
		t.Fatal(err)
	}
	sameNotes(t, cardsByKey(t, s, erin.ID), cardsByKey(t, s, frank.ID))

	// A number the text lacks is refused.
	bad := strings.Replace(string(doc), `"cloze":3`, `"cloze":4`, 1)
	dave := cardsTestUser(t, s, "dave")
	if _, err := s.RestoreExport(ctx, dave.ID, strings.NewReader(bad)); !errors.Is(err, ErrInvalid) {
		t.Errorf("restore of a card with a number its text lacks: %v", err)
	}
}

// Drafts of one note are one note; a later import of the same note with a
// new number adds its card to the note the user has.
func TestImportDraftsGroupsClozeNotes(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	text := "{{c1::a}} {{c2::b}}"
	drafts := func(text string, nums ...int) []CardDraft {
		var out []CardDraft
		for _, n := range nums {
			out = append(out, CardDraft{Key: "doc:q1#c" + string(rune('0'+n)), Front: text, Cloze: n, Note: "q1", Category: "data-quality", Source: "doc"})
		}
		return out
	}
	res, err := s.ImportDrafts(ctx, u.ID, "Doc", drafts(text, 1, 2), nil)
	if err != nil || res.Added != 2 {
		t.Fatalf("%+v, %v", res, err)
	}
	first := cardsByKey(t, s, u.ID)["doc:q1#c1"]
	if first.NoteID == 0 || first.Cloze != 1 || !slices.Equal(first.KeyPoints, []string{"a"}) {
		t.Fatalf("first card: %+v", first)
	}
	text3 := "{{c1::a}} {{c2::b}} {{c3::c}}"
	if res, err = s.ImportDrafts(ctx, u.ID, "Doc", drafts(text3, 1, 2, 3), nil); err != nil || res.Added != 1 || res.Skipped != 2 {
		t.Fatalf("%+v, %v", res, err)
	}
	if got := noteCards(t, s, u.ID, first.NoteID); len(got) != 3 {
		t.Errorf("the note has %d cards", len(got))
	}
	// A number the text lacks, or a basic draft without a back, is refused.
	for _, bad := range [][]CardDraft{drafts(text, 4), {{Key: "x", Front: "{{c1::a}}", Category: "data-quality"}}} {
		if _, err := s.ImportDrafts(ctx, u.ID, "Doc", bad, nil); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

// A cloze card stored by an older renderer is rendered again as a cloze
// card, on read and at start-up.
func TestClozeCardsRerender(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	c, err := s.CreateCard(ctx, u.ID, CardInput{Front: "{{c1::a}} and {{c2::b}}"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.Exec("UPDATE cards SET front_html = 'stale', back_html = 'stale', render_version = 0 WHERE user_id = ?", u.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetCard(ctx, u.ID, c.ID); !strings.Contains(got.FrontHTML, `<span class="cloze-blank">[...]</span> and b`) {
		t.Errorf("read: %q", got.FrontHTML)
	}
	if n, err := s.RerenderCards(ctx); err != nil || n != 2 {
		t.Fatalf("rerendered %d, %v", n, err)
	}
	var back string
	s.reader.QueryRow("SELECT back_html FROM cards WHERE user_id = ? AND cloze = 2", u.ID).Scan(&back)
	if !strings.Contains(back, `a and <mark class="cloze">b</mark>`) {
		t.Errorf("stored: %q", back)
	}
}

// TestClozeNoteTags: a cloze note's tags are each of its cards', on
// creation and on an edit that adds a card and trashes another.
func TestClozeNoteTags(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	first, err := s.CreateCard(ctx, u.ID, CardInput{Front: "{{c1::Bagging}} lowers {{c2::variance}}.", Back: "", Tags: []string{"company/acme"}})
	if err != nil {
		t.Fatal(err)
	}
	for n, c := range noteCards(t, s, u.ID, first.NoteID) {
		if !slices.Equal(c.Tags, []string{"company/acme"}) {
			t.Errorf("card %d of the new note has tags %q", n, c.Tags)
		}
	}
	in := CardInput{Front: "{{c1::Bagging}} lowers variance; {{c3::boosting}} lowers bias.", Tags: []string{"round/onsite", "company/acme"}}
	if _, err := s.EditCard(ctx, u.ID, first.ID, in); err != nil {
		t.Fatal(err)
	}
	cards := noteCards(t, s, u.ID, first.NoteID)
	if len(cards) != 2 || cards[1].ID != first.ID {
		t.Fatalf("after the edit: %v", cards)
	}
	for n, c := range cards {
		if got := strings.Join(c.Tags, " "); got != "company/acme round/onsite" {
			t.Errorf("card %d after the edit has tags %q", n, got)
		}
	}
	if tagged, _ := s.ListCards(ctx, u.ID, CardFilter{Tag: "round"}); len(tagged) != 2 {
		t.Errorf("%d cards tagged round, want the note's 2", len(tagged))
	}
}

// TestRestoredClozeCardRejoinsOrLeavesItsNote: a cloze card whose number
// an edit dropped comes back from the trash as a note of its own, with
// its text, so the next edit of the note leaves it alone; a card trashed
// by hand while the note kept its number comes back into the note.
func TestRestoredClozeCardRejoinsOrLeavesItsNote(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	text := "{{c1::Bagging}} lowers {{c2::variance}}; {{c3::boosting}} lowers bias."
	first, err := s.CreateCard(ctx, u.ID, CardInput{Front: text})
	if err != nil {
		t.Fatal(err)
	}
	cards := noteCards(t, s, u.ID, first.NoteID)
	if _, err := s.GradeCard(ctx, u.ID, Grade{CardID: cards[2].ID, Grade: 4, Step: -1}); err != nil {
		t.Fatal(err)
	}
	edited := "{{c1::Bagging}} lowers variance; {{c3::boosting}} lowers bias."
	if edit, err := s.EditCard(ctx, u.ID, first.ID, CardInput{Front: edited}); err != nil || edit.Trashed != 1 {
		t.Fatalf("edit dropping c2: %+v %v", edit, err)
	}
	if _, err := s.TrashCards(ctx, u.ID, []int64{cards[3].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreCards(ctx, u.ID, []int64{cards[2].ID, cards[3].ID}); err != nil {
		t.Fatal(err)
	}
	c2, err := s.GetCard(ctx, u.ID, cards[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c2.NoteID != c2.ID || c2.Front != text || !c2.Sched.Graded || !strings.Contains(c2.FrontHTML, "cloze-blank") {
		t.Errorf("c2 back from the trash: note %d (id %d), front %q, graded %v", c2.NoteID, c2.ID, c2.Front, c2.Sched.Graded)
	}
	c3, err := s.GetCard(ctx, u.ID, cards[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c3.NoteID != first.NoteID || c3.Front != edited {
		t.Errorf("c3 back from the trash: note %d, front %q; want note %d and the note's text", c3.NoteID, c3.Front, first.NoteID)
	}
	again := "{{c1::Bagging}} lowers variance; {{c3::Boosting}} lowers bias."
	edit, err := s.EditCard(ctx, u.ID, first.ID, CardInput{Front: again})
	if err != nil || edit.Trashed != 0 || edit.Updated != 2 {
		t.Errorf("the next edit of the note: %+v %v, want 2 updated and c2 left alone", edit, err)
	}
}
