package anki

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/internal/testkit/ankitest"
)

// The sample's cards as drafts, in both layouts: each card's sides from
// its template, cloze cards keeping their markup, keys, decks, and the
// cards left out counted.
func TestDraftsSample(t *testing.T) {
	type want struct{ deck, front, back, tags string }
	cloze := "{{c1::Bagging}} reduces variance; {{c2::boosting::method}} reduces bias."
	wants := map[string]want{
		"anki:basicGuid1:0": {"Interview::ML", "What is overfitting?", "Fitting noise:\n- high variance\n- poor generalization", "data_quality"},
		"anki:revGuid2:0":   {"Interview::ML", "Precision", "TP / (TP + FP)", "ML::accuracy_only extra"},
		"anki:revGuid2:1":   {"Interview::ML", "TP / (TP + FP)", "Precision", "ML::accuracy_only extra"},
		"anki:clozeGuid3:0": {"Default", cloze, "See ensembles", ""},
		"anki:clozeGuid3:1": {"Default", cloze, "See ensembles", ""},
		"anki:newGuid4:0":   {"Default", "What is data leakage?", "Training on information unavailable at prediction time", "Data_Quality"},
		"anki:suspGuid5:0":  {"Default", "Suspended question", "Suspended answer", ""},
	}
	for layout, pkg := range build.Layouts(t, ankitest.Sample()) {
		t.Run(layout, func(t *testing.T) {
			col, err := read(t, pkg, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			drafts, st, err := Drafts(col, "interview", nil, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			// Note 6 shows only an image on its front; card 701's note is missing;
			// two images and a sound are dropped (no image is kept here).
			if st != (DraftStats{Empty: 1, Unknown: 1, Media: 3}) {
				t.Errorf("stats = %+v; want 1 empty, 1 unknown, 3 media", st)
			}
			if len(drafts) != len(wants) {
				t.Errorf("%d drafts; want %d", len(drafts), len(wants))
			}
			for _, d := range drafts {
				w, ok := wants[d.Key]
				if got := (want{d.Deck, d.Front, d.Back, strings.Join(d.Tags, " ")}); !ok || got != w {
					t.Errorf("draft %s:\n got %+v\nwant %+v", d.Key, got, w)
				}
				if strings.HasPrefix(d.Key, "anki:clozeGuid3:") {
					if d.Cloze != d.Card.Ord+1 || d.Note != "3" {
						t.Errorf("cloze draft %s: number %d, note %q", d.Key, d.Cloze, d.Note)
					}
				} else if d.Cloze != 0 || d.Note != "" {
					t.Errorf("draft %s is a cloze card (%d, %q)", d.Key, d.Cloze, d.Note)
				}
			}
		})
	}
}

// sidesCase renders one card of a note type.
type sidesCase struct {
	name        string
	nt          Notetype
	fields      []string
	ord         int
	front, back string
}

func TestSides(t *testing.T) {
	basic := Notetype{Fields: []string{"Front", "Back"}, Templates: map[int]Template{
		0: {"{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"}, 1: {"{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}"}}}
	cloze := Notetype{Cloze: true, Fields: []string{"Text", "Back Extra"}, Templates: map[int]Template{
		0: {"{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}"}}}
	for _, tc := range []sidesCase{
		{"basic", basic, []string{"Q", "A"}, 0, "Q", "A"},
		{"reversed", basic, []string{"Q", "A"}, 1, "A", "Q"},
		{"field names ignore case", Notetype{Fields: []string{"Front", "Back"}, Templates: map[int]Template{0: {"{{front}}", "{{BACK}}"}}},
			[]string{"Q", "A"}, 0, "Q", "A"},
		{"several fields joined", Notetype{Fields: []string{"Word", "Reading", "Meaning"}, Templates: map[int]Template{
			0: {"{{Word}}", "{{FrontSide}}{{Reading}}{{Meaning}}"}}}, []string{"w", "r", "m"}, 0, "w", "r\n\nm"},
		{"a type box asks nothing, its answer counts", Notetype{Fields: []string{"Front", "Back"}, Templates: map[int]Template{
			0: {"{{Front}} {{type:Back}}", "{{FrontSide}}"}}}, []string{"Q", "A"}, 0, "Q", "A"},
		{"a template naming no field: field order", Notetype{Fields: []string{"A", "B", "C"}, Templates: map[int]Template{
			0: {"{{Tags}}", ""}}}, []string{"a", "b", "c"}, 0, "a", "b\n\nc"},
		{"second template naming no field", Notetype{Fields: []string{"A", "B"}, Templates: map[int]Template{
			1: {"", ""}}}, []string{"a", "b"}, 1, "b", "a"},
		{"cloze", cloze, []string{"{{c1::x}} and {{c2::y}}", "extra"}, 1, "{{c1::x}} and {{c2::y}}", "extra"},
		{"cloze without extra", cloze, []string{"{{c1::x}}", ""}, 0, "{{c1::x}}", ""},
		{"cloze number missing from the text", cloze, []string{"{{c1::x}}", "extra"}, 2, "", ""},
		{"cloze without answer template: other fields", Notetype{Cloze: true, Fields: []string{"Extra", "Text"}, Templates: map[int]Template{
			0: {"{{cloze:Text}}", ""}}}, []string{"e", "{{c1::x}}"}, 0, "{{c1::x}}", "e"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var work int64
			front, back := sides(&tc.nt, tc.fields, tc.fields, tc.ord, &work)
			if front != tc.front || back != tc.back {
				t.Errorf("sides = %q, %q; want %q, %q", front, back, tc.front, tc.back)
			}
			if work <= 0 {
				t.Errorf("work = %d; rendering counts its bytes", work)
			}
		})
	}
}

func TestCardKeys(t *testing.T) {
	for _, tc := range []struct {
		guid        string
		ord         int
		key, clozed string
	}{
		{"abc", 0, "anki:abc:0", "anki:abc:0"},
		{"abc", 2, "anki:abc:2", "anki:abc:2"},
		// Exported here: the card's own key, a cloze card's within its note.
		{"fc:qa:123", 0, "qa:123", "qa:123#c1"},
		{"fc:note:9", 1, "anki:fc:note:9:1", "note:9#c2"},
		// A guid unfit for a key: the note id.
		{"has space", 0, "anki:42:0", "anki:42:0"},
		{strings.Repeat("g", 65), 0, "anki:42:0", "anki:42:0"},
		{"", 3, "anki:42:3", "anki:42:3"},
	} {
		n, k := &Note{GUID: tc.guid}, Card{Nid: 42, Ord: tc.ord}
		if got := CardKey(n, k); got != tc.key {
			t.Errorf("CardKey(%q, ord %d) = %q; want %q", tc.guid, tc.ord, got, tc.key)
		}
		if got := ClozeCardKey(n, k); got != tc.clozed {
			t.Errorf("ClozeCardKey(%q, ord %d) = %q; want %q", tc.guid, tc.ord, got, tc.clozed)
		}
	}
}

// oneNote is a collection of one note of fields and its cards' ords.
func oneNote(nt Notetype, fields []string, ords ...int) *Collection {
	col := &Collection{Notetypes: map[int64]*Notetype{1: &nt}, Decks: map[int64]string{1: "Deck"},
		Notes: map[int64]*Note{1: {GUID: "g", Mid: 1, Fields: fields}}}
	for _, ord := range ords {
		col.Cards = append(col.Cards, Card{ID: int64(ord + 1), Nid: 1, Did: 1, Ord: ord})
	}
	return col
}

// Many cards of one long cloze note would render it again and again: the
// conversion stops at its work budget.
func TestDraftsWorkBudget(t *testing.T) {
	nt := Notetype{Cloze: true, Fields: []string{"Text"}, Templates: map[int]Template{0: {"{{cloze:Text}}", "{{cloze:Text}}"}}}
	ords := make([]int, 500)
	for i := range ords {
		ords[i] = i
	}
	col := oneNote(nt, []string{"{{c1::a}} " + strings.Repeat("x", 64<<10)}, ords...)
	lim := DefaultLimits()
	if _, _, err := Drafts(col, "f", nil, lim); err != nil {
		t.Fatalf("within the default budget: %v", err)
	}
	lim.Work = 8 << 20
	_, _, err := Drafts(col, "f", nil, lim)
	var refused *Error
	if !errors.As(err, &refused) || refused.Message != "The package's notes are too large to read (many cards of very long notes)" {
		t.Fatalf("error %v; want the work budget's", err)
	}
}

// images is an Images that knows one file and refuses another.
type images struct{ err error }

func (m *images) Image(src, alt string) (string, bool) {
	switch src {
	case "a.png":
		return "![" + alt + "](/media/a.png)", true
	case "bad.png":
		m.err = fmt.Errorf("bad.png is too large")
	}
	return "", false
}

func (m *images) Err() error { return m.err }

func TestDraftsImages(t *testing.T) {
	basic := Notetype{Fields: []string{"Front", "Back"}, Templates: map[int]Template{0: {"{{Front}}", "{{Back}}"}}}
	col := oneNote(basic, []string{`Look <img src="a.png" alt="plot"> <img src="none.png">`, "B"}, 0)
	drafts, st, err := Drafts(col, "f", &images{}, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(drafts) != 1 || drafts[0].Front != "Look ![plot](/media/a.png)" || st.Media != 1 {
		t.Errorf("drafts %+v, stats %+v; want the image kept and the missing one counted", drafts, st)
	}

	// An image refused stops the conversion with its error.
	col = oneNote(basic, []string{`<img src="bad.png">Q`, "B"}, 0)
	if _, _, err := Drafts(col, "f", &images{}, DefaultLimits()); err == nil || err.Error() != "bad.png is too large" {
		t.Errorf("error %v; want the image's", err)
	}
}

func TestDraftsDecks(t *testing.T) {
	basic := Notetype{Fields: []string{"Front", "Back"}, Templates: map[int]Template{0: {"{{Front}}", "{{Back}}"}}}
	col := oneNote(basic, []string{"Q", "A"})
	col.Decks = map[int64]string{1: "Home", 2: "Filtered", 3: " \x01 ", 4: strings.Repeat("d", 120)}
	col.Cards = []Card{{Nid: 1, Did: 1}, {Nid: 1, Did: 2, Odid: 1}, {Nid: 1, Did: 3}, {Nid: 1, Did: 9}, {Nid: 1, Did: 4}}
	var got []string
	for _, k := range col.Cards {
		got = append(got, deckName(col, k, "fallback"))
	}
	want := []string{"Home", "Home", "fallback", "fallback", strings.Repeat("d", 100)}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("decks %q; want %q", got, want)
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("é", 20_001)
	got := truncate(long)
	if r := []rune(got); len(r) != 20_000 || r[len(r)-1] != '…' {
		t.Errorf("truncate kept %d runes ending %q", len(r), r[len(r)-1])
	}
	if s := strings.Repeat("é", 20_000); truncate(s) != s {
		t.Error("a side of the most allowed was cut")
	}
}
