package exportdoc

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data/draft"
)

// validDoc is a small document as a server writes it: two categories, a
// deck, two cards (one a cloze card, with tags), three reviews (a
// re-drill and a practice grade among them) and an image.
const validDoc = `{"format":"flashcards-export","version":1,"exported_at":"2026-03-11T12:00:00Z","user":{"name":"ada"},
"settings":{"timezone":"Europe/Berlin","rollover_hour":4,"new_per_day":20,"reviews_per_day":200,"type_answers":true,"interview_date":"2026-04-20","interview_scope":["data-quality"],"final_days":3,"new_cards_on_time":true},
"categories":[
{"slug":"data-quality","name":"Data quality","description":"Look first.","builtin":true},
{"slug":"system-design","name":"System design","description":"","builtin":false}],
"decks":[
{"name":"Interview notes","builtin":""}],
"cards":[
{"id":38,"key":"qa:3f","deck":"Interview notes","category":"data-quality","front":"Why look at data first?","back":"Gaps and outliers.","key_points":["missing values","outliers"],"synonyms":{"outliers":["extreme values"]},"source":"notes.md Q3","tags":["company/acme"],"suspended":false,"edited":false,"created_at":"2026-03-10T12:00:00Z","updated_at":"2026-03-10T12:00:00Z","state":{"repetitions":1,"interval":1,"ease":250,"due":"2026-03-11","lapses":0,"last_day":"2026-03-10"}},
{"id":39,"key":"user:1","deck":"Interview notes","category":"system-design","front":"A {{c1::cache}} hides latency.","back":"","key_points":[],"synonyms":{},"source":"typed in","tags":[],"suspended":false,"edited":false,"created_at":"2026-03-10T12:00:00Z","updated_at":"2026-03-10T12:00:00Z","state":{"repetitions":0,"interval":0,"ease":250,"due":null,"lapses":0,"last_day":null},"cloze":1,"note":39}],
"reviews":[
{"card_id":38,"time":"2026-03-10T12:00:00Z","study_day":"2026-03-10","grade":4,"counted":true,"answer_ms":4200,"before":{"repetitions":0,"interval":0,"ease":250,"due":null,"lapses":0,"last_day":null},"after":{"repetitions":1,"interval":1,"ease":250,"due":"2026-03-11","lapses":0},"typed_answer":"outliers","covered":{"covered":["outliers"],"missed":["missing values"]},"kind":"review"},
{"card_id":38,"time":"2026-03-10T12:01:00Z","study_day":"2026-03-10","grade":5,"counted":false,"answer_ms":1000,"before":{"repetitions":1,"interval":1,"ease":250,"due":"2026-03-11","lapses":0,"last_day":"2026-03-10"},"after":{"repetitions":1,"interval":1,"ease":250,"due":"2026-03-11","lapses":0},"typed_answer":"","covered":null},
{"card_id":39,"time":"2026-03-10T12:02:00Z","study_day":"2026-03-10","grade":3,"counted":false,"answer_ms":1000,"before":{"repetitions":0,"interval":0,"ease":250,"due":null,"lapses":0,"last_day":null},"after":{"repetitions":0,"interval":0,"ease":250,"due":null,"lapses":0},"typed_answer":"","covered":null,"kind":"practice"}],
"media":[
{"file":"5f3c5f3c5f3c5f3c5f3c5f3c5f3c5f3c5f3c5f3c5f3c5f3c5f3c5f3c5f3c5f3c.png","name":"roc curve.png","content_type":"image/png","data":"iVBORw0KGgo="}],
"mastery":{"categories":[{"slug":"data-quality","most_missed":[[[]]]}],"weakest":"data-quality"}}
`

func TestReadValidDocument(t *testing.T) {
	doc, err := Read(strings.NewReader(validDoc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || doc.User != "ada" || len(doc.Categories) != 2 || len(doc.Decks) != 1 || len(doc.Cards) != 2 || len(doc.Reviews) != 3 || len(doc.Media) != 1 {
		t.Fatalf("read %+v", doc)
	}
	if s := doc.Settings; !s.HasInterview() || s.InterviewDate.String() != "2026-04-20" || strings.Join(*s.InterviewScope, ",") != "data-quality" || *s.FinalDays != 3 || !*s.NewCardsOnTime {
		t.Errorf("interview: %+v", s)
	}
	if doc.Reviews[1].Kind != KindReview || doc.Reviews[2].Kind != KindPractice {
		t.Errorf("kinds %q %q: an absent kind is a review", doc.Reviews[1].Kind, doc.Reviews[2].Kind)
	}
	if c := doc.Cards[1]; c.Cloze != 1 || c.Note != 39 || string(doc.Media[0].Data[:4]) != "\x89PNG" {
		t.Errorf("cloze card %+v, image %q", c, doc.Media[0].Data)
	}
	// An export from before the interview says nothing of it.
	old := strings.Replace(validDoc, `,"interview_date":"2026-04-20","interview_scope":["data-quality"],"final_days":3,"new_cards_on_time":true`, "", 1)
	if doc, err := Read(strings.NewReader(old), Options{}); err != nil || doc.Settings.HasInterview() {
		t.Errorf("an export without the interview: %v, %+v", err, doc.Settings)
	}
	// An editor's byte order mark in front is no problem.
	if _, err := Read(strings.NewReader("\uFEFF"+validDoc), Options{}); err != nil {
		t.Errorf("with a byte order mark: %v", err)
	}
}

// TestReadRefuses holds the decoder's refusals with their messages: each
// names the problem and where it is, as the person reads it.
func TestReadRefuses(t *testing.T) {
	edit := func(old, new string) string {
		t.Helper()
		if !strings.Contains(validDoc, old) {
			t.Fatalf("the document lacks %q", old)
		}
		return strings.Replace(validDoc, old, new, 1)
	}
	header := `{"format":"flashcards-export","version":1,`
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"empty", "", "The file is empty"},
		{"not JSON", "Q1. What?\nAns: this.", "The file is not valid JSON (in the document, near byte 1)"},
		{"truncated", validDoc[:len(validDoc)/2], "it looks cut short"},
		{"an array", `[{"format":"flashcards-export"}]`, `This is not a flashcards export: it must be a JSON object starting with "format": "flashcards-export"`},
		{"deep nesting inside", header + `"settings":` + deep + `}`, `In "settings", the values are nested too deep`},
		{"deep nesting in the mastery table", header + `"mastery":` + deep + `}`, "nested more than 64 deep"},
		{"other format", `{"format":"anki","version":1}`, `its format is not "flashcards-export"`},
		{"newer version", edit(`"version":1`, `"version":2`), "made by a newer version of flashcards (export version 2); this server reads version 1"},
		{"version 0", edit(`"version":1`, `"version":0`), "The export version 0 does not exist"},
		{"version after the rest", `{"format":"flashcards-export","cards":[],"version":1}`, "must start with"},
		{"unknown member", edit(`"settings":`, `"colour":"blue","settings":`), `The export holds an unknown member "colour"`},
		{"unknown field", edit(`"card_id":38,`, `"card_id":38,"x":1,`), `In "reviews": unknown field "x"`},
		{"duplicate member", edit(`"settings":`, `"decks":[],"settings":`), `The document holds "decks" twice`},
		{"no cards", strings.Replace(edit(`"cards":[`, `"cardz":[`), `"cardz"`, `"media":[],"x"`, 1), `unknown member "x"`},
		{"trailing data", validDoc + `{}`, "goes on after"},
		{"a string for a number", edit(`"grade":4`, `"grade":"4"`), `In "reviews", grade holds a JSON string where the export format has a whole number`},
		{"not a day", edit(`"study_day":"2026-03-10"`, `"study_day":"2026-02-30"`), `In "reviews", "2026-02-30" is not a date written YYYY-MM-DD`},
		{"bad base64", edit(`"data":"iVBORw0KGgo="`, `"data":"iVBO*w0KGgo="`), `In "media", an image's data is not base64 (a bad character at 4)`},
		{"not UTF-8", edit(`"front":"Why`, "\"front\":\"W\xffhy"), "The file is not UTF-8 text (a bad byte at offset"},
		{"settings refused by the store", edit(`"timezone":"Europe/Berlin"`, `"timezone":"Mars/Olympus"`), "Settings: Unknown time zone"},
		{"final pass too long", edit(`"final_days":3`, `"final_days":15`), "Settings: final_days 15 is outside 1 to 14"},
		{"interview of an unknown category", edit(`"interview_scope":["data-quality"]`, `"interview_scope":["nowhere"]`), `Settings: the interview's category "nowhere" is not among the export's categories`},
		{"a category twice", edit(`{"slug":"system-design"`, `{"slug":"data-quality"`), `The category "data-quality" is listed twice`},
		{"bad slug", edit(`{"slug":"system-design"`, `{"slug":"System Design"`), `Category 2: "System Design" is not a category slug`},
		{"a deck without a name", edit(`{"name":"Interview notes"`, `{"name":" "`), "Deck 1: its name is empty"},
		{"grade 6", edit(`"grade":4`, `"grade":6`), "Review 1 (of card 38): grade 6 is not a whole number from 0 to 5"},
		{"ease below 130", edit(`"ease":250,"due":"2026-03-11","lapses":0,"last_day"`, `"ease":120,"due":"2026-03-11","lapses":0,"last_day"`), "Card 1 (id 38): state: ease 120 is outside 130 to 100000"},
		{"interval too long", edit(`"interval":1,`, `"interval":36501,`), "interval 36501 is outside 0 to 36500 days"},
		{"day out of range", edit(`"due":"2026-03-11"`, `"due":"2400-01-01"`), "state: due 2400-01-01 is outside 1990-01-01 to 2300-01-01"},
		{"answer too slow", edit(`"answer_ms":4200`, `"answer_ms":600001`), "answer_ms 600001 is outside 0 to 600000"},
		{"unknown kind", edit(`"kind":"practice"`, `"kind":"cram"`), `kind "cram" is neither "review" nor "practice"`},
		{"counted practice", edit(`"counted":false,"answer_ms":1000,"before":{"repetitions":0`, `"counted":true,"answer_ms":1000,"before":{"repetitions":0`), "a practice grade is never counted"},
		{"front too long", edit(`"front":"Why look at data first?"`, `"front":"`+strings.Repeat("x", draft.MaxTextRunes+1)+`"`), "the front is longer than 20000 characters"},
		{"too many key points", edit(`"key_points":["missing values","outliers"]`, `"key_points":[`+strings.Repeat(`"k",`, draft.MaxKeyPoints)+`"k"]`), "more than 30 key points"},
		{"a bad tag", edit(`"tags":["company/acme"]`, `"tags":["company acme"]`), `Card 1 (id 38): the tag "company acme" has a space in it`},
		{"a cloze number the front lacks", edit(`"cloze":1`, `"cloze":2`), "the front has no cloze deletion {{c2::…}}"},
		{"id used twice", edit(`{"id":39`, `{"id":38`), "Card 2: the id 38 is used twice"},
		{"unknown category", edit(`"category":"system-design"`, `"category":"nowhere"`), `Card 2: its category "nowhere" is not among the export's categories`},
		{"unknown deck", edit(`"deck":"Interview notes","category":"system-design"`, `"deck":"Other","category":"system-design"`), `Card 2: its deck "Other" is not among the export's decks`},
		{"review of a missing card", edit(`{"card_id":39`, `{"card_id":40`), "Review 3: card 40 is not in the export"},
		{"state against the log", edit(`"due":"2026-03-11","lapses":0,"last_day":"2026-03-10"}},`, `"due":"2026-03-11","lapses":0,"last_day":"2026-03-09"}},`), "its state says it was last graded on 2026-03-09, but its review log's last counted grade is on 2026-03-10"},
		{"bad image name", edit(`"file":"5f3c`, `"file":"x5f3c`), "Image 1: \"x5f3c"},
		{"an image twice", edit(`"mastery":`, `"x":`), `unknown member "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.doc), Options{CheckSettings: func(s Settings) error {
				if s.Timezone == "Mars/Olympus" {
					return errors.New("Unknown time zone \"Mars/Olympus\"")
				}
				return nil
			}})
			var r *draft.Refusal
			if !errors.As(err, &r) || !strings.Contains(r.Message, tc.want) {
				t.Fatalf("err = %v; want a refusal saying %q", err, tc.want)
			}
		})
	}
}

func TestReadRefusesTooManyCards(t *testing.T) {
	doc := strings.Replace(validDoc, `"note":39}]`, `"note":39},{},[],{"x":[]}]`, 1)
	_, err := Read(strings.NewReader(doc), Options{MaxCards: 2})
	var tooMany *draft.TooManyCardsError
	if !errors.As(err, &tooMany) || tooMany.Count != 5 || tooMany.Max != 2 {
		t.Fatalf("err = %v, want 5 cards where 2 are the most", err)
	}
}

// endless is a reader of a valid document's start followed by spaces forever.
type endless struct{ head string }

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.head)
	e.head = e.head[n:]
	for i := n; i < len(p); i++ {
		p[i] = ' '
	}
	return len(p), nil
}

func TestReadRefusesAnEndlessFile(t *testing.T) {
	// Read's limit is MaxBytes; 4 MiB keeps the test quick.
	_, err := Read(&endless{head: `{"format":"flashcards-export","version":1,`}, Options{MaxBytes: 4 << 20})
	if !errors.Is(err, draft.ErrTooLarge) || err.Error() != "An export may be at most 4 MiB" {
		t.Fatalf("err = %v, want draft.ErrTooLarge", err)
	}
}

// failing is a reader that fails after its head.
type failing struct{ head string }

var errDisk = errors.New("the disk failed")

func (f *failing) Read(p []byte) (int, error) {
	if f.head == "" {
		return 0, errDisk
	}
	n := copy(p, f.head)
	f.head = f.head[n:]
	return n, nil
}

func TestReadPassesOnAReadError(t *testing.T) {
	_, err := Read(&failing{head: validDoc[:200]}, Options{})
	var r *draft.Refusal
	if !errors.Is(err, errDisk) || errors.As(err, &r) {
		t.Fatalf("err = %v, want the reader's error, not a refusal of the file", err)
	}
}

func TestUTF8ReaderAcrossReads(t *testing.T) {
	text := `{"front":"Größe — über 日本 🙂"}`
	for chunk := 1; chunk <= 5; chunk++ {
		got, err := io.ReadAll(&utf8Reader{r: &chunkReader{s: text, n: chunk}})
		if err != nil || string(got) != text {
			t.Errorf("chunks of %d: %q, %v", chunk, got, err)
		}
	}
	if _, err := io.ReadAll(&utf8Reader{r: &chunkReader{s: text[:len(text)-5], n: 3}}); err == nil || !strings.Contains(err.Error(), "ends inside a character") {
		t.Errorf("cut character: %v", err)
	}
	if _, err := io.ReadAll(&utf8Reader{r: &chunkReader{s: "ab\xc3(", n: 2}}); err == nil || !strings.Contains(err.Error(), "offset 2") {
		t.Errorf("bad byte: %v", err)
	}
}

type chunkReader struct {
	s string
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.s)
	c.s = c.s[n:]
	return n, nil
}

// FuzzRead feeds the decoder arbitrary bytes, seeded with a valid
// document and pieces of it. It must never panic, and it either accepts a
// document or refuses it as the file's fault: never another error, since
// the bytes come from memory.
func FuzzRead(f *testing.F) {
	f.Add([]byte(validDoc))
	f.Add([]byte(validDoc[:len(validDoc)/2]))
	f.Add([]byte(strings.Replace(validDoc, `"grade":4`, `"grade":9`, 1)))
	f.Add([]byte(strings.Replace(validDoc, `"version":1`, `"version":2`, 1)))
	f.Add([]byte(`{"format":"flashcards-export","version":1}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		doc, err := Read(bytes.NewReader(in), Options{})
		if err != nil {
			var r *draft.Refusal
			var tooMany *draft.TooManyCardsError
			if !errors.As(err, &r) && !errors.As(err, &tooMany) {
				t.Fatalf("an in-memory document refused with %v, not as the file's fault", err)
			}
			return
		}
		if doc == nil {
			t.Fatal("no error and no document")
		}
	})
}
