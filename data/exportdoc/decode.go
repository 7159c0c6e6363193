package exportdoc

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/srs"
)

// Options are what the decoder is told by its caller; the zero value
// reads with the package's limits and checks no setting beyond its type.
type Options struct {
	MaxBytes int64 // 0: MaxBytes
	MaxCards int   // 0: MaxCards
	// CheckSettings holds the store's rules on the review settings (a
	// known time zone, the ranges of the limits); the text of its error is
	// the sentence the person reads.
	CheckSettings func(Settings) error
}

// Read decodes and checks a whole document. It reads at most
// opt.MaxBytes and refuses, with a *draft.Refusal worded for the person,
// a file that is not an export, one of a newer version, one cut short,
// one that is not UTF-8, and any value out of bounds or reference to
// what the file does not hold (Err is draft.ErrTooLarge for a file over
// the limit, draft.ErrNotUTF8 for bad bytes); a *draft.TooManyCardsError
// for too many cards. A read error of r is returned wrapped, so a caller
// can tell an http.MaxBytesError apart.
func Read(r io.Reader, opt Options) (*Document, error) {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = MaxBytes
	}
	if opt.MaxCards <= 0 {
		opt.MaxCards = MaxCards
	}
	lr := &io.LimitedReader{R: r, N: opt.MaxBytes + 1}
	// A byte order mark, as an editor saving on Windows may add, is no JSON.
	br := bufio.NewReader(lr)
	if head, _ := br.Peek(3); string(head) == "\uFEFF" {
		br.Discard(3)
	}
	ur := &utf8Reader{r: br}
	rd := &reader{dec: json.NewDecoder(ur), doc: &Document{}, opt: opt}
	rd.dec.DisallowUnknownFields()
	err := rd.read()
	switch {
	case lr.N <= 0:
		return nil, &draft.Refusal{Err: draft.ErrTooLarge, Message: fmt.Sprintf("An export may be at most %d MiB", opt.MaxBytes>>20)}
	case ur.srcErr != nil:
		// No fault of the file's, whatever the decoder made of it.
		return nil, fmt.Errorf("reading the export: %w", ur.srcErr)
	case ur.err != nil:
		return nil, ur.err
	case err != nil:
		return nil, err
	}
	if err := rd.doc.check(); err != nil {
		return nil, err
	}
	return rd.doc, nil
}

// refuse is a problem with the file, for the person who gave it.
func refuse(format string, args ...any) error {
	return draft.Refusef(format, args...)
}

type reader struct {
	dec *json.Decoder
	doc *Document
	opt Options
}

// readErr turns a decoding error into a message about the file. (An error
// of the reader underneath is no fault of the file's: Read returns it.)
func (rd *reader) readErr(where string, err error) error {
	var refusal *draft.Refusal
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var b64 base64.CorruptInputError
	var day *srs.ParseDayError
	switch {
	case errors.As(err, &refusal):
		return err
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return refuse("The file ends in the middle of %s; it looks cut short", where)
	case errors.As(err, &syn) && strings.Contains(syn.Error(), "exceeded max depth"):
		return refuse("In %s, the values are nested too deep", where)
	case errors.As(err, &syn):
		return refuse("The file is not valid JSON (in %s, near byte %d): %s", where, syn.Offset, syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = where
		}
		return refuse("In %s, %s holds a JSON %s where the export format has %s", where, field, typ.Value, TypeWords(typ.Type))
	case errors.As(err, &b64):
		return refuse("In %s, an image's data is not base64 (a bad character at %d)", where, int64(b64))
	case errors.As(err, &day):
		return refuse("In %s, %q is not a date written YYYY-MM-DD", where, clipText(day.Text))
	}
	if name, ok := unknownField(err); ok {
		return refuse("In %s: unknown field %s", where, name)
	}
	return refuse("In %s, the file does not read as an export (%v)", where, err)
}

// unknownField finds the member's name in encoding/json's refusal of a
// member its type lacks (DisallowUnknownFields), which has no error type
// of its own.
func unknownField(err error) (string, bool) {
	return strings.CutPrefix(err.Error(), "json: unknown field ")
}

func (rd *reader) read() error {
	tok, err := rd.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return refuse("The file is empty")
		}
		return rd.readErr("the document", err)
	}
	if tok != json.Delim('{') {
		return refuse("This is not a flashcards export: it must be a JSON object starting with \"format\": %q", Format)
	}
	seen := map[string]bool{}
	for i := 0; rd.dec.More(); i++ {
		tok, err := rd.dec.Token()
		if err != nil {
			return rd.readErr("the document", err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return refuse("The document holds %q twice", key)
		}
		seen[key] = true
		// The format and the version come first, so a file that is not an
		// export, or is of a newer version, is refused before the rest is read.
		switch {
		case i == 0 && key != "format", i == 1 && key != "version":
			return refuse("This is not a flashcards export: it must start with \"format\": %q, \"version\": %d", Format, Version)
		}
		if err := rd.member(key); err != nil {
			return err
		}
	}
	if _, err := rd.dec.Token(); err != nil { // the closing brace
		return rd.readErr("the document", err)
	}
	if _, err := rd.dec.Token(); !errors.Is(err, io.EOF) {
		return refuse("The file goes on after the end of the export")
	}
	for _, key := range []string{"settings", "categories", "decks", "cards", "reviews"} {
		if !seen[key] {
			return refuse("The export has no %q", key)
		}
	}
	return nil
}

func (rd *reader) member(key string) error {
	doc := rd.doc
	decode := func(v any) error {
		if err := rd.dec.Decode(v); err != nil {
			return rd.readErr(fmt.Sprintf("%q", key), err)
		}
		return nil
	}
	switch key {
	case "format":
		var f string
		if err := decode(&f); err != nil || f != Format {
			return refuse("This is not a flashcards export: its format is not %q", Format)
		}
	case "version":
		var v int
		if err := decode(&v); err != nil {
			return err
		}
		if v > Version {
			return refuse("This export was made by a newer version of flashcards (export version %d); this server reads version %d. Update this server, then restore again", v, Version)
		}
		if v < 1 {
			return refuse("The export version %d does not exist", v)
		}
		doc.Version = v
	case "exported_at":
		var at string
		if err := decode(&at); err != nil {
			return err
		}
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return refuse("Exported_at %q is not an RFC 3339 time", clipText(at))
		}
		doc.ExportedAt = t
	case "user":
		var u User
		if err := decode(&u); err != nil {
			return err
		}
		doc.User = u.Name
	case "settings":
		if err := decode(&doc.Settings); err != nil {
			return err
		}
		if rd.opt.CheckSettings != nil {
			if err := rd.opt.CheckSettings(doc.Settings); err != nil {
				return refuse("Settings: %s", err.Error())
			}
		}
		if err := doc.Settings.checkInterview(); err != nil {
			return refuse("Settings: %v", err)
		}
	case "categories":
		return rd.array(key, MaxCategories, func(i int) error {
			var c Category
			if err := decode(&c); err != nil {
				return err
			}
			if err := c.check(); err != nil {
				return refuse("Category %d: %v", i+1, err)
			}
			doc.Categories = append(doc.Categories, c)
			return nil
		})
	case "decks":
		return rd.array(key, MaxDecks, func(i int) error {
			var d Deck
			if err := decode(&d); err != nil {
				return err
			}
			if err := d.check(); err != nil {
				return refuse("Deck %d: %v", i+1, err)
			}
			doc.Decks = append(doc.Decks, d)
			return nil
		})
	case "cards":
		return rd.array(key, rd.opt.MaxCards, func(i int) error {
			var c Card
			if err := decode(&c); err != nil {
				return err
			}
			if err := c.check(); err != nil {
				return refuse("Card %d (id %d): %v", i+1, c.ID, err)
			}
			doc.Cards = append(doc.Cards, c)
			return nil
		})
	case "reviews":
		return rd.array(key, MaxReviews, func(i int) error {
			var r Review
			if err := decode(&r); err != nil {
				return err
			}
			if err := r.check(); err != nil {
				return refuse("Review %d (of card %d): %v", i+1, r.CardID, err)
			}
			doc.Reviews = append(doc.Reviews, r)
			return nil
		})
	case "media":
		seen := map[string]bool{}
		return rd.array(key, MaxMedia, func(i int) error {
			var m Media
			if err := decode(&m); err != nil {
				return err
			}
			if err := m.check(); err != nil {
				return refuse("Image %d: %v", i+1, err)
			}
			if seen[m.File] {
				return refuse("Image %d: %s is listed twice", i+1, m.File)
			}
			seen[m.File] = true
			doc.Media = append(doc.Media, m)
			return nil
		})
	case "mastery":
		// Computed from the cards and reviews; a restore recomputes it.
		if err := skipValue(rd.dec, maxDepth); err != nil {
			return rd.readErr(`"mastery"`, err)
		}
	default:
		return refuse("The export holds an unknown member %q", clipText(key))
	}
	return nil
}

// array reads a JSON array element by element, never more than max.
func (rd *reader) array(key string, max int, elem func(i int) error) error {
	tok, err := rd.dec.Token()
	if err != nil {
		return rd.readErr(fmt.Sprintf("%q", key), err)
	}
	if tok != json.Delim('[') {
		return refuse("%q must be a list", key)
	}
	for i := 0; rd.dec.More(); i++ {
		if i == max && key == "cards" {
			// Count the rest without keeping it, to say how many there are.
			for ; rd.dec.More(); i++ {
				if err := skipValue(rd.dec, maxDepth); err != nil {
					return rd.readErr(fmt.Sprintf("%q", key), err)
				}
			}
			return &draft.TooManyCardsError{Count: i, Max: max}
		}
		if i == max {
			return refuse("The export holds more than %d %s, more than a restore takes", max, key)
		}
		if err := elem(i); err != nil {
			return err
		}
	}
	if _, err := rd.dec.Token(); err != nil {
		return rd.readErr(fmt.Sprintf("%q", key), err)
	}
	return nil
}

// skipValue reads one JSON value token by token, so its size costs no
// memory, refusing nesting deeper than maxDepth.
func skipValue(dec *json.Decoder, maxDepth int) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if depth++; depth > maxDepth {
				return refuse("The values are nested more than %d deep", maxDepth)
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// utf8Reader passes bytes through while checking that they are UTF-8, as
// JSON must be: the decoder would silently turn bad bytes into U+FFFD.
// It keeps the reader's own error (srcErr), which is no fault of the file.
type utf8Reader struct {
	r      io.Reader
	tail   [utf8.UTFMax]byte // the start of a rune cut by the end of the last read
	nt     int
	buf    []byte
	off    int64 // offset in the stream of buf[0]
	err    error
	srcErr error
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	n, err := u.r.Read(p)
	if err != nil && err != io.EOF {
		u.srcErr = err
	}
	u.buf = append(append(u.buf[:0], u.tail[:u.nt]...), p[:n]...)
	u.nt = 0
	b := u.buf
	if !utf8.Valid(b) {
		for i := 0; i < len(b); {
			r, size := utf8.DecodeRune(b[i:])
			if r != utf8.RuneError || size > 1 {
				i += size
				continue
			}
			if !utf8.FullRune(b[i:]) && err == nil {
				u.nt = copy(u.tail[:], b[i:])
				break
			}
			msg := fmt.Sprintf("The file is not UTF-8 text (a bad byte at offset %d)", u.off+int64(i))
			if !utf8.FullRune(b[i:]) {
				msg = "The file is not UTF-8 text (it ends inside a character)"
			}
			u.err = &draft.Refusal{Message: msg, Err: draft.ErrNotUTF8}
			return 0, u.err
		}
	}
	u.off += int64(len(b) - u.nt)
	return n, err
}

// clipText shortens a value quoted in an error message.
func clipText(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

// TypeWords describes a Go type as the JSON value that fills it, for
// messages about a request or a file: "a whole number", not "int64".
func TypeWords(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "a JSON value"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "text in quotes"
	case reflect.Slice, reflect.Array:
		return "a list in brackets"
	}
	return "a JSON object"
}
