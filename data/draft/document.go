package draft

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// The largest documents the formats read, in bytes. Tables are larger
// than Q&A write-ups: an Anki export of 100,000 notes with real text runs
// to tens of megabytes, and the import must still take them.
const (
	MaxWriteUpBytes = 4 << 20  // a Q&A write-up, Markdown or page; real ones are a few kilobytes
	MaxTableBytes   = 32 << 20 // a CSV or TSV card table
)

// Errors a document is refused with; the store words them for the person.
var (
	ErrNoQA     = errors.New("no questions and answers found")
	ErrEmpty    = errors.New("document is empty")
	ErrNotUTF8  = errors.New("document is not valid UTF-8 text")
	ErrTooLarge = errors.New("document is too large")
)

// Refusal is a document refused whole, with the sentence the person
// reads: a format writes it where it refuses, and the store hands it on
// as its own kind of error (data.DocumentError). Err is the sentinel it
// explains (ErrEmpty, ErrNotUTF8, ErrTooLarge), or nil for a plain
// invalid input.
type Refusal struct {
	Message  string
	Problems []ParseError // line-numbered problems, when there are some
	Err      error
}

func (r *Refusal) Error() string { return r.Message }

// Unwrap finds the sentinel.
func (r *Refusal) Unwrap() error { return r.Err }

// Refusef is a Refusal of invalid input, its message formatted as
// fmt.Sprintf does.
func Refusef(format string, args ...any) *Refusal {
	return &Refusal{Message: fmt.Sprintf(format, args...)}
}

// TooManyCardsError refuses a document with more cards than one import
// takes: Count cards where Max is the most.
type TooManyCardsError struct {
	Count, Max int
}

func (e *TooManyCardsError) Error() string {
	return fmt.Sprintf("the file has %d cards; one import takes at most %d", e.Count, e.Max)
}

// ParseError is one thing in a document the importer could not read.
type ParseError struct {
	Line int
	Msg  string
	// Question is set when the problem is a question nothing answers: an
	// import may skip it and keep the rest.
	Question string
}

func (e ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ParseErrors collects every problem in a document, so a user can fix
// them all in one pass instead of one per upload.
type ParseErrors []ParseError

// maxErrorsShown keeps the message of a badly broken 4 MiB file readable;
// the slice itself keeps every error.
const maxErrorsShown = 20

func (es ParseErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i == maxErrorsShown {
			fmt.Fprintf(&b, "\n(and %d more)", len(es)-i)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Clean applies the checks every document shares (size, emptiness,
// encoding) and returns the text with any BOM removed and "\n" line ends.
// limit is the largest document the format accepts, in bytes.
func Clean(doc []byte, limit int) (string, error) {
	if len(doc) > limit {
		return "", &Refusal{Err: ErrTooLarge, Message: fmt.Sprintf("The document is too large: a Q&A write-up may hold %d MiB, a card table (.csv, .tsv) %d MiB.",
			MaxWriteUpBytes>>20, MaxTableBytes>>20)}
	}
	doc = bytes.TrimPrefix(doc, []byte("\ufeff"))
	if len(bytes.TrimSpace(doc)) == 0 {
		return "", &Refusal{Message: "The document is empty.", Err: ErrEmpty}
	}
	// Windows and old Mac line ends both count as one line break, as
	// editors count them, so the line numbers in errors match.
	doc = bytes.ReplaceAll(doc, []byte("\r\n"), []byte("\n"))
	doc = bytes.ReplaceAll(doc, []byte("\r"), []byte("\n"))
	if !utf8.Valid(doc) {
		return "", &Refusal{Err: ErrNotUTF8, Message: "The document is not UTF-8 text. Save it as UTF-8 and try again.",
			Problems: []ParseError{{Line: firstInvalidLine(doc), Msg: "the first character that is not UTF-8"}}}
	}
	return string(doc), nil
}

func firstInvalidLine(doc []byte) int {
	for i := 0; i < len(doc); {
		r, size := utf8.DecodeRune(doc[i:])
		if r == utf8.RuneError && size == 1 {
			return 1 + bytes.Count(doc[:i], []byte("\n"))
		}
		i += size
	}
	return 1
}

// SourceName is a file's name as a card's source begins with it: its base
// name, valid UTF-8, at most MaxNameRunes long.
func SourceName(name string) string {
	base := strings.TrimSpace(strings.ToValidUTF8(filepath.Base(name), ""))
	if r := []rune(base); len(r) > MaxNameRunes {
		base = string(r[:MaxNameRunes])
	}
	return base
}

// SplitKeyPoints reads key points written "a; b; c".
func SplitKeyPoints(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
