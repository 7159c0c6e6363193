package qa

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/data/format"
	"github.com/flashcards/flashcards/data/qadoc"
)

// Options say how a document's Q&As become cards.
type Options struct {
	// Fallback files the Q&As no rule files elsewhere ("" for none).
	Fallback string
	// IgnoreHeadings turns off categories made from a document's section
	// headings; they are on by default for documents with two or more.
	IgnoreHeadings bool
}

// Unanswered is a question an import skipped: nothing answers it.
type Unanswered struct {
	Line     int
	Question string
	Reason   string // "no answer", `a placeholder ("Answer here")`, ...
}

// Parsed is a document read for import: the cards it holds and
// what was left out.
type Parsed struct {
	Drafts     []draft.Card
	Unanswered []Unanswered
	// Shapes says how the document wrote its Q&As, e.g. "152 bold question lines".
	Shapes []string
}

// NoQAError refuses a document without a single answered question. It
// says what the importer looks for and what the document holds instead.
type NoQAError struct {
	Saw string // e.g. "166 bold question lines were found, but no answer followed them"
}

func (e *NoQAError) Error() string {
	return fmt.Sprintf("%s: %s; the importer looks for %s", draft.ErrNoQA, e.Saw, qadoc.LookedFor)
}

// Unwrap makes errors.Is(err, draft.ErrNoQA) hold.
func (e *NoQAError) Unwrap() error { return draft.ErrNoQA }

// Read turns a Q&A write-up, Markdown or saved page (format.Detect tells
// a page by its name or its first bytes) into card drafts. A write-up is
// read both as "Q1. / Ans:" text and as Markdown, keeping the reading
// that finds more answered questions (the "Q1." reading on a tie when the
// Markdown reading found only "Q1." paragraphs itself). Questions without
// an answer are skipped and listed in Unanswered; a document with no
// answered question is refused with a *NoQAError. A refused document's
// error is a draft.Refusal, draft.ParseErrors, *qadoc.TooComplexError or
// *NoQAError, which the store words for the person.
func Read(name string, doc []byte, opts Options) (Parsed, error) {
	text, err := draft.Clean(doc, draft.MaxWriteUpBytes)
	if err != nil {
		return Parsed{}, err
	}
	// Reading costs memory and time by the nodes a document makes; one
	// that would cost more than a few real ones together is refused
	// before any reader runs (issue #15).
	if err := qadoc.CheckBudget(text); err != nil {
		return Parsed{}, err
	}
	if format.Detect(name, doc) == format.HTML {
		return fromQADocument(name, qadoc.Parse(text, qadoc.Options{HTMLPage: true}), opts)
	}
	modern := qadoc.Parse(text, qadoc.Options{})
	legacy, legacyErr := Parse(doc)
	if len(modern.QAs) > len(legacy) || (len(modern.QAs) == len(legacy) && len(legacy) > 0 && !onlyMarkers(modern)) {
		return fromQADocument(name, modern, opts)
	}
	return fromLegacy(name, text, legacy, legacyErr, modern, opts)
}

// onlyMarkers reports a Markdown reading that found nothing but "Q1."
// paragraphs, the shape the plain-text reader was made for.
func onlyMarkers(d qadoc.Document) bool {
	for _, s := range d.Shapes {
		if s.Shape != qadoc.ShapeMarker && s.Found > 0 {
			return false
		}
	}
	return true
}

// fromLegacy turns the plain-text reader's Q&As into drafts. Questions
// without an answer are skipped when they are the only problem; other
// problems refuse the document with every problem listed.
func fromLegacy(name, text string, qas []QA, err error, modern qadoc.Document, opts Options) (Parsed, error) {
	var p Parsed
	var pe draft.ParseErrors
	switch {
	case errors.As(err, &pe):
		for _, e := range pe {
			if e.Question == "" {
				return Parsed{}, err
			}
			p.Unanswered = append(p.Unanswered, Unanswered{Line: e.Line, Question: e.Question, Reason: "no answer"})
		}
		if len(qas) == 0 {
			return Parsed{}, &NoQAError{Saw: qadoc.ShapeMarker.Count(len(pe)) + foundNoAnswer(len(pe))}
		}
	case errors.Is(err, draft.ErrNoQA):
		return Parsed{}, &NoQAError{Saw: modern.NothingFound()}
	case err != nil:
		return Parsed{}, err
	}
	outline := legacyOutline(text, qas)
	mistakes := isMistakeWriteUp(outline)
	p.Drafts = cards(draft.SourceName(name), qas, opts.Fallback, func(qa QA) (string, bool) {
		if !mistakes {
			return "", false
		}
		return strongKeyword(qa.Question, qa.Answer)
	})
	p.Shapes = []string{qadoc.ShapeMarker.Count(len(qas))}
	return p, nil
}

func foundNoAnswer(n int) string {
	if n == 1 {
		return " was found, but no answer followed it"
	}
	return " were found, but no answer followed them"
}

// legacyOutline is a plain-text write-up's words outside its answers: the
// text before the first question, and the questions.
func legacyOutline(text string, qas []QA) string {
	var b strings.Builder
	if len(qas) > 0 {
		lines := strings.SplitN(text, "\n", qas[0].Line)
		if len(lines) >= qas[0].Line {
			lines = lines[:qas[0].Line-1]
		}
		b.WriteString(strings.Join(lines, "\n"))
	}
	for _, qa := range qas {
		b.WriteString("\n" + qa.Question)
	}
	return b.String()
}

// fromQADocument turns what qadoc found into drafts and a report.
func fromQADocument(name string, d qadoc.Document, opts Options) (Parsed, error) {
	var p Parsed
	for _, s := range d.Skipped {
		p.Unanswered = append(p.Unanswered, Unanswered{Line: s.Line, Question: s.Question, Reason: s.Reason})
	}
	for _, s := range d.Shapes {
		if s.Found > 0 {
			p.Shapes = append(p.Shapes, s.Shape.Count(s.Found))
		}
	}
	var tooLong []Unanswered
	p.Drafts, tooLong = cardsFromDocument(draft.SourceName(name), d, opts)
	p.Unanswered = mergeByLine(p.Unanswered, tooLong)
	if len(p.Drafts) == 0 {
		return Parsed{}, &NoQAError{Saw: d.NothingFound()}
	}
	return p, nil
}

func mergeByLine(a, b []Unanswered) []Unanswered {
	out := append(a, b...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Line < out[j-1].Line; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
