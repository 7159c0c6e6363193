package anki

import (
	"bytes"
	"context"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// The format test: Write's package, read back by Read, without a store.

var (
	writeHash  = strings.Repeat("a1", 32) // an image the package carries
	goneHash   = strings.Repeat("b2", 32) // an image gone before it is written
	writeImage = []byte("\x89PNG\r\n\x1a\n not really a png")
)

// samplePackage is a package of every kind of card Write knows: a basic
// card with a category, tags and an image, a graded and suspended card
// in a deck named Default, a cloze note of two cards (its higher number
// first), a cloze card that came from Anki, one with no note, and a review
// log given out of order, one row naming no card.
func samplePackage() Package {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	loc := time.FixedZone("UTC+2", 2*60*60)
	today := srs.StudyDay(now, loc, 4)
	created := now.Add(-30 * 24 * time.Hour)
	img := func(data []byte, ok bool) func(context.Context) ([]byte, bool, error) {
		return func(context.Context) ([]byte, bool, error) { return data, ok, nil }
	}
	day := 24 * time.Hour
	return Package{
		Now: now, Location: loc, Rollover: 4, NewPerDay: 15, ReviewsPerDay: 150,
		Decks: map[int64]string{10: "Go", 11: "Default"},
		Cards: []ExportCard{
			{ID: 1, Key: "k-basic", Deck: 10, Category: "go", Tags: []string{"company/acme", "round"},
				Front: "What is a goroutine?\n  see ![diagram](/media/" + writeHash + ".png)",
				Back:  "A & B <b> ![gone](/media/" + goneHash + ".png)", Created: created, New: true},
			{ID: 2, Key: "k-graded", Deck: 11, Front: "Graded", Back: "Yes", Created: created, Suspended: true,
				Due: today + 3, Reps: 2, Interval: 6, Ease: 250, Lapses: 1, Counted: 3},
			{ID: 3, Key: "note7#c2", Deck: 10, Front: "{{c1::Go}} has {{c2::goroutines}}", Back: "extra",
				Created: created, New: true, Cloze: 2, NoteID: 77},
			{ID: 4, Key: "note7#c1", Deck: 10, Front: "{{c1::Go}} has {{c2::goroutines}}", Back: "extra",
				Created: created, New: true, Cloze: 1, NoteID: 77},
			{ID: 5, Key: "anki:AbC123:0", Deck: 10, Front: "{{c1::Anki}}", Created: created, New: true, Cloze: 1, NoteID: 88},
			{ID: 6, Key: "lone#c1", Deck: 999, Front: "{{c1::alone}}", Created: created, New: true, Cloze: 1},
		},
		Reviews: []ExportReview{
			{Card: 2, At: now.Add(-4*day + time.Hour), Grade: 3, AnswerMS: 900, BeforeGraded: true,
				BeforeReps: 1, BeforeInterval: 6, AfterInterval: 6, AfterEase: 250},
			{Card: 2, At: now.Add(-10 * day), Grade: 4, Counted: true, AnswerMS: 3000, AfterInterval: 1, AfterEase: 250},
			{Card: 2, At: now.Add(-5 * day), Grade: 1, Counted: true, AnswerMS: 2000, BeforeGraded: true,
				BeforeReps: 1, BeforeInterval: 1, AfterInterval: 1, AfterEase: 230},
			{Card: 2, At: now.Add(-4 * day), Grade: 5, Counted: true, AnswerMS: 1000, BeforeGraded: true,
				BeforeReps: 0, BeforeInterval: 1, AfterInterval: 6, AfterEase: 250},
			{Card: 999, At: now.Add(-2 * day), Grade: 4, Counted: true},
		},
		Images: map[string]Image{
			writeHash: {FileName: writeHash + ".png", Read: img(writeImage, true)},
			goneHash:  {FileName: goneHash + ".png", Read: img(nil, false)},
		},
	}
}

func writePackage(t *testing.T, pkg Package) []byte {
	t.Helper()
	dir := t.TempDir()
	var out bytes.Buffer
	if err := Write(t.Context(), &out, pkg, dir); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind in the folder: %v", left)
	}
	return out.Bytes()
}

// writtenCard is an Anki card with its note, as the test looks at it.
type writtenCard struct {
	guid, deck string
	mid        int64
	tags       []string
	fields     []string
	Card
}

// What Write writes, Read reads back as Anki keeps it: the note types,
// the decks, one note per basic card and per cloze note (its guid giving
// every card its key again), field HTML with the images as files, tags,
// the scheduling in Anki's terms, new cards numbered in order, the review
// log oldest first with Anki's answer buttons and review types, the
// images the package carries, and the settings.
func TestWriteReadsBack(t *testing.T) {
	pkg := samplePackage()
	col, err := read(t, writePackage(t, pkg), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	created := srs.StudyDay(pkg.Now.Add(-10*24*time.Hour), pkg.Location, 4) // the first review's day
	if want := srs.DayStart(created, pkg.Location, 4).Unix(); col.Created != want {
		t.Errorf("created %d, want %d (the start of the first review's day)", col.Created, want)
	}
	if col.Rollover != 4 {
		t.Errorf("rollover %d, want 4", col.Rollover)
	}

	basic, cloze := col.Notetypes[basicModelID], col.Notetypes[clozeModelID]
	if len(col.Notetypes) != 2 || basic == nil || cloze == nil {
		t.Fatalf("note types %v", col.Notetypes)
	}
	if basic.Cloze || !reflect.DeepEqual(basic.Fields, []string{"Front", "Back"}) || basic.Templates[0].Qfmt != "{{Front}}" {
		t.Errorf("basic note type %+v", basic)
	}
	if !cloze.Cloze || !reflect.DeepEqual(cloze.Fields, []string{"Text", "Back Extra"}) || cloze.Templates[0].Qfmt != "{{cloze:Text}}" {
		t.Errorf("cloze note type %+v", cloze)
	}
	goDeck := pkg.Now.UnixMilli() + 1
	if want := map[int64]string{1: "Default", goDeck: "Go"}; !reflect.DeepEqual(col.Decks, want) {
		t.Errorf("decks %v, want %v (a deck named Default is Anki's)", col.Decks, want)
	}

	cards := map[string]writtenCard{} // by guid and ord
	ids := map[int64]bool{}
	for _, c := range col.Cards {
		n := col.Notes[c.Nid]
		if n == nil {
			t.Fatalf("card %d has no note", c.ID)
		}
		if ids[c.ID] {
			t.Errorf("card id %d twice", c.ID)
		}
		ids[c.ID] = true
		cards[n.GUID+"/"+strconv.Itoa(c.Ord)] = writtenCard{n.GUID, col.Decks[c.Did], n.Mid, n.Tags, n.Fields, c}
	}
	if len(col.Notes) != 5 || len(cards) != 6 {
		t.Errorf("%d notes and %d cards, want 5 and 6 (a cloze note's two cards in one note)", len(col.Notes), len(cards))
	}
	want := []struct {
		key                      string // guid/ord
		deck                     string
		mid                      int64
		tags                     []string
		fields                   []string
		typ, queue               int
		due                      int64
		ivl, factor, reps, lapse int
	}{
		{"fc:k-basic/0", "Go", basicModelID, []string{"go", "company::acme", "round"}, []string{
			`What is a goroutine?<br>&nbsp;&nbsp;see <img src="` + writeHash + `.png" alt="diagram">`,
			`A &amp; B &lt;b&gt; <img src="` + goneHash + `.png" alt="gone">`}, 0, 0, 1, 0, 0, 0, 0},
		{"fc:k-graded/0", "Default", basicModelID, nil, []string{"Graded", "Yes"}, 2, -1, 13, 6, 2500, 3, 1},
		{"fc:note7/1", "Go", clozeModelID, nil, []string{"{{c1::Go}} has {{c2::goroutines}}", "extra"}, 0, 0, 2, 0, 0, 0, 0},
		{"fc:note7/0", "Go", clozeModelID, nil, []string{"{{c1::Go}} has {{c2::goroutines}}", "extra"}, 0, 0, 3, 0, 0, 0, 0},
		{"AbC123/0", "Go", clozeModelID, nil, []string{"{{c1::Anki}}", ""}, 0, 0, 4, 0, 0, 0, 0},
		{"fc:lone#c1#note/0", "Default", clozeModelID, nil, []string{"{{c1::alone}}", ""}, 0, 0, 5, 0, 0, 0, 0},
	}
	for _, w := range want {
		c, ok := cards[w.key]
		if !ok {
			t.Errorf("no card %s; have %v", w.key, keys(cards))
			continue
		}
		if c.deck != w.deck || c.mid != w.mid || len(c.tags)+len(w.tags) > 0 && !reflect.DeepEqual(c.tags, w.tags) ||
			!reflect.DeepEqual(c.fields, w.fields) {
			t.Errorf("%s: deck %q, type %d, tags %q, fields %q; want %q, %d, %q, %q", w.key, c.deck, c.mid, c.tags, c.fields,
				w.deck, w.mid, w.tags, w.fields)
		}
		got := [...]int64{int64(c.Type), int64(c.Queue), c.Due, int64(c.Ivl), int64(c.Factor), int64(c.Reps), int64(c.Lapses)}
		exp := [...]int64{int64(w.typ), int64(w.queue), w.due, int64(w.ivl), int64(w.factor), int64(w.reps), int64(w.lapse)}
		if got != exp {
			t.Errorf("%s: type, queue, due, ivl, factor, reps, lapses %v, want %v", w.key, got, exp)
		}
	}
	if text, media := FieldText(cards["fc:k-basic/0"].fields[1]); text != "A & B <b>" || media != 1 {
		t.Errorf("back read as %q with %d media, want the text and the image", text, media)
	}

	graded := cards["fc:k-graded/0"].ID
	if len(col.Reviews) != 1 {
		t.Errorf("reviews of %d cards, want only the graded card's (a review of no card is left out)", len(col.Reviews))
	}
	revs := col.Reviews[graded]
	type rev struct{ ease, ivl, lastIvl, factor, timeMS, typ int64 }
	wantRevs := []rev{{3, 1, 0, 2500, 3000, 0}, {1, 1, 1, 2300, 2000, 1}, {4, 6, 1, 2500, 1000, 2}, {2, 6, 6, 2500, 900, 3}}
	var gotRevs []rev
	last := int64(0)
	for _, r := range revs {
		gotRevs = append(gotRevs, rev{int64(r.Ease), int64(r.Ivl), int64(r.LastIvl), int64(r.Factor), r.TimeMS, int64(r.Type)})
		if r.ID <= last {
			t.Errorf("review ids not increasing: %d after %d", r.ID, last)
		}
		last = r.ID
	}
	if !reflect.DeepEqual(gotRevs, wantRevs) {
		t.Errorf("reviews\n%v, want\n%v (ease, ivl, lastIvl, factor, time, type)", gotRevs, wantRevs)
	}

	f, ok := col.Media.File(writeHash + ".png")
	if !ok {
		t.Fatal("the image is not in the package")
	}
	if data, err := f.Read(1 << 20); err != nil || !bytes.Equal(data, writeImage) {
		t.Errorf("image read back as %q, %v", data, err)
	}
	if _, ok := col.Media.File(goneHash + ".png"); ok {
		t.Error("an image gone before it was written is in the package")
	}
}

func keys(m map[string]writtenCard) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// An image that cannot be read fails the package, and the collection
// made meanwhile is removed.
func TestWriteFailsOnAnImage(t *testing.T) {
	pkg := samplePackage()
	broken := errors.New("disk gone")
	pkg.Images[writeHash] = Image{FileName: writeHash + ".png", Read: func(context.Context) ([]byte, bool, error) {
		return nil, false, broken
	}}
	dir := t.TempDir()
	if err := Write(t.Context(), &bytes.Buffer{}, pkg, dir); !errors.Is(err, broken) {
		t.Fatalf("error %v, want %v", err, broken)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind in the folder: %v", left)
	}
}

// An empty package (a new account's) is a package Anki opens: the
// Default deck, both note types, no cards.
func TestWriteEmpty(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	col, err := read(t, writePackage(t, Package{Now: now}), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(col.Cards) != 0 || len(col.Notetypes) != 2 || !reflect.DeepEqual(col.Decks, map[int64]string{1: "Default"}) {
		t.Errorf("cards %v, note types %d, decks %v", col.Cards, len(col.Notetypes), col.Decks)
	}
	if want := srs.DayStart(srs.StudyDay(now, nil, 0), nil, 0).Unix(); col.Created != want {
		t.Errorf("created %d, want today's start %d", col.Created, want)
	}
}
