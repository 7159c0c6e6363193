package exportdoc

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// encode writes doc through the Encoder, element by element, as a store does.
func encode(t *testing.T, doc *Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	if err := enc.Begin(doc.ExportedAt, User{Name: doc.User}, doc.Settings); err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.Categories {
		enc.Category(c)
	}
	for _, d := range doc.Decks {
		enc.Deck(d)
	}
	for i := range doc.Cards {
		enc.Card(&doc.Cards[i])
	}
	for i := range doc.Reviews {
		enc.Review(&doc.Reviews[i])
	}
	for i := range doc.Media {
		enc.Media(&doc.Media[i])
	}
	if err := enc.Finish(map[string]any{"categories": []any{}, "weakest": nil}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// What the decoder reads, the encoder writes back, and the decoder reads
// the same document again.
func TestEncodeReadsBack(t *testing.T) {
	doc, err := Read(strings.NewReader(validDoc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := encode(t, doc)
	again, err := Read(bytes.NewReader(out), Options{})
	if err != nil {
		t.Fatalf("the encoder's document does not read: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(doc, again) {
		t.Errorf("read, written and read again differs:\n%+v\n%+v", doc, again)
	}
	if !bytes.HasPrefix(out, []byte(`{"format":"flashcards-export","version":1,"exported_at":"2026-03-11T12:00:00Z","user":{"name":"ada"},`+"\n"+`"settings":`)) {
		t.Errorf("the head: %.120s", out)
	}
	// One card or review a line, so a person (and diff) can read it: the
	// head, settings, each list's name and elements, and the mastery table.
	if lines := bytes.Count(out, []byte("\n")); lines != 2+(1+2)+(1+1)+(1+2)+(1+3)+(1+1)+1 {
		t.Errorf("%d lines:\n%s", lines, out)
	}
}

// An account with nothing still writes every required list, empty, and no
// images at all; the document reads.
func TestEncodeEmptyLists(t *testing.T) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	enc.Begin(time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC), User{Name: "ada"}, Settings{Timezone: "UTC"})
	if err := enc.Finish(nil); err != nil {
		t.Fatal(err)
	}
	want := `{"format":"flashcards-export","version":1,"exported_at":"2026-03-11T12:00:00Z","user":{"name":"ada"},
"settings":{"timezone":"UTC","rollover_hour":0,"new_per_day":0,"reviews_per_day":0,"type_answers":false,"interview_date":null},
"categories":[],
"decks":[],
"cards":[],
"reviews":[],
"mastery":null}
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	if _, err := Read(&buf, Options{}); err != nil {
		t.Errorf("the empty document does not read: %v", err)
	}
}

func TestEncoderRefusesOutOfOrder(t *testing.T) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	enc.Begin(time.Now(), User{}, Settings{})
	enc.Card(&Card{})
	if err := enc.Deck(Deck{}); !errors.Is(err, errOrder) {
		t.Errorf("a deck after a card: %v", err)
	}
	if err := enc.Finish(nil); !errors.Is(err, errOrder) {
		t.Errorf("the error sticks: %v", err)
	}
}

// failWriter fails every write.
type failWriter struct{}

var errFull = errors.New("no room")

func (failWriter) Write([]byte) (int, error) { return 0, errFull }

func TestEncoderStopsAtAWriteError(t *testing.T) {
	enc := NewEncoder(failWriter{})
	enc.Begin(time.Now(), User{}, Settings{})
	big := &Card{Front: strings.Repeat("x", 100<<10)} // past the 64 KiB buffer
	if err := enc.Card(big); !errors.Is(err, errFull) {
		t.Fatalf("err = %v, want the writer's", err)
	}
	if err := enc.Finish(nil); !errors.Is(err, errFull) {
		t.Errorf("Finish: %v", err)
	}
}
