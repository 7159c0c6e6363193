package exportdoc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"time"
)

// Encoder writes one document piece by piece, as a store reads its rows:
// the frame by hand, each value through a json.Encoder into one reused
// buffer, so an export of any size holds one row at a time (the memory
// profile of BenchmarkExport100kReviews in data/export_test.go). Members
// come in the document's order: Begin, then the categories, decks, cards,
// reviews and media, each with one call per element (a required list with
// no element is written empty, "media" not at all), then Finish.
//
// The first write error sticks: every later call returns it and writes
// nothing, so a caller feeding rows stops at its next call.
type Encoder struct {
	w     *bufio.Writer
	buf   bytes.Buffer
	enc   *json.Encoder
	err   error
	list  int  // the index in lists of the open list, -1 for none
	first bool // no element written yet in the open list
}

// The document's lists, in order; all but "media" are always written.
var lists = []struct {
	name     string
	required bool
}{{"categories", true}, {"decks", true}, {"cards", true}, {"reviews", true}, {"media", false}}

// errOrder is an encoder used out of the document's order.
var errOrder = errors.New("exportdoc: members written out of order")

// NewEncoder writes a document to w.
func NewEncoder(w io.Writer) *Encoder {
	e := &Encoder{w: bufio.NewWriterSize(w, 64<<10), list: -1}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false) // "<" stays readable; this is a file, not HTML
	return e
}

// Begin writes the document's head: its format and version first, so a
// reader can refuse a file it does not understand, then when it was made,
// the account and its settings.
func (e *Encoder) Begin(exportedAt time.Time, user User, settings Settings) error {
	e.raw(`{"format":`)
	e.value(Format)
	e.raw(`,"version":`)
	e.value(Version)
	e.raw(`,"exported_at":`)
	e.value(exportedAt.UTC().Format(time.RFC3339))
	e.raw(`,"user":`)
	e.value(user)
	e.raw(",\n\"settings\":")
	e.value(settings)
	return e.err
}

// Category writes one of the categories.
func (e *Encoder) Category(c Category) error { return e.item(0, c) }

// Deck writes one of the decks.
func (e *Encoder) Deck(d Deck) error { return e.item(1, d) }

// Card writes one card; the encoder does not keep it.
func (e *Encoder) Card(c *Card) error { return e.item(2, c) }

// Review writes one review of the log; the encoder does not keep it.
func (e *Encoder) Review(r *Review) error { return e.item(3, r) }

// Media writes one image.
func (e *Encoder) Media(m *Media) error { return e.item(4, m) }

// Finish closes the lists, writes the mastery table (the API's, which the
// decoder skips) and the end of the document, and flushes.
func (e *Encoder) Finish(mastery any) error {
	e.moveTo(len(lists))
	e.raw(",\n\"mastery\":")
	e.value(mastery)
	e.raw("}\n")
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

// item writes v as an element of the list at index k, one element a line.
func (e *Encoder) item(k int, v any) error {
	e.moveTo(k)
	if e.first {
		e.raw("\n")
		e.first = false
	} else {
		e.raw(",\n")
	}
	e.value(v)
	return e.err
}

// moveTo closes the open list and opens the list at index k (none past
// the last), writing the required lists between them empty.
func (e *Encoder) moveTo(k int) {
	if e.err != nil || k == e.list {
		return
	}
	if k < e.list {
		e.err = errOrder
		return
	}
	if e.list >= 0 {
		e.raw("]")
	}
	for i := e.list + 1; i < k; i++ {
		if lists[i].required {
			e.raw(",\n\"" + lists[i].name + "\":[]")
		}
	}
	e.list = k
	if k < len(lists) {
		e.raw(",\n\"" + lists[k].name + "\":[")
		e.first = true
	}
}

func (e *Encoder) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

func (e *Encoder) value(v any) {
	if e.err != nil {
		return
	}
	e.buf.Reset()
	if e.err = e.enc.Encode(v); e.err == nil {
		_, e.err = e.w.Write(bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
	}
}
