package exportdoc

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// TestTablesWriteTheCSVExport: the zip holds the three tables, each with
// its byte order mark, header and CRLF rows; text cells that a spreadsheet
// would run as formulas are guarded, and the numbers and days written as
// documented.
func TestTablesWriteTheCSVExport(t *testing.T) {
	var buf bytes.Buffer
	tab := NewTables(&buf, time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC))
	due := srs.DateOf(2026, 12, 9)
	card := &Card{ID: 7, Key: "k7", Deck: "Deck", Category: "data-quality", Front: "=SUM(A1)", Back: "b",
		KeyPoints: []string{"one", "two"}, Tags: []string{"company/acme", "round/onsite"}, Suspended: true,
		CreatedAt: "c", UpdatedAt: "u"}
	card.State.Repetitions, card.State.Interval, card.State.Ease, card.State.Due = 2, 6, 250, &due
	if err := tab.Cards(func(row func(*Card) error) error { return row(card) }); err != nil {
		t.Fatal(err)
	}
	rev := &Review{CardID: 7, Time: "t", StudyDay: srs.DateOf(2026, 12, 3), Grade: 4, Counted: true, AnswerMS: 900,
		TypedAnswer: "-1 is a number", Covered: &Coverage{Covered: []string{"one"}, Missed: []string{"two"}}, Kind: KindPractice}
	if err := tab.Reviews(func(row func(*Review, string) error) error { return row(rev, "data-quality") }); err != nil {
		t.Fatal(err)
	}
	recall, weakest := 81.5, "data-quality"
	m := MasteryTable{Weakest: &weakest, Categories: []MasteryRow{{Slug: "data-quality", Name: "@Data", Cards: 1, Mastery: 12.5, Recall30: &recall}}}
	if err := tab.Mastery(m); err != nil {
		t.Fatal(err)
	}
	if err := tab.Close(); err != nil {
		t.Fatal(err)
	}

	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][][]string{
		"cards.csv": {CardColumns, {"7", "k7", "Deck", "data-quality", "'=SUM(A1)", "b", "one\ntwo", "", "1", "0",
			"2", "6", "250", "2026-12-09", "0", "", "c", "u", "company/acme round/onsite"}},
		"reviews.csv": {ReviewColumns, {"t", "2026-12-03", "7", "data-quality", "4", "1", "900",
			"0", "0", "0", "", "0", "", "0", "0", "0", "", "0", "'-1 is a number", "one", "two", "practice"}},
		"mastery.csv": {MasteryColumns, {"data-quality", "'@Data", "1", "0", "0", "0", "0", "12.5", "81.5", "0", "", "", "", "1"}},
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.HasPrefix(body, []byte("\uFEFF")) || !bytes.Contains(body, []byte("\r\n")) {
			t.Errorf("%s lacks its byte order mark or CRLF rows", f.Name)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if w := want[f.Name]; len(recs) != 2 || !slices.Equal(recs[0], w[0]) || !slices.Equal(recs[1], w[1]) {
			t.Errorf("%s:\n got %q\nwant %q", f.Name, recs, w)
		}
	}
	if !slices.Equal(names, []string{"cards.csv", "reviews.csv", "mastery.csv"}) {
		t.Errorf("the zip holds %q", names)
	}
}
