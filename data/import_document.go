package data

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/flashcards/flashcards/data/cardtable"
	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/data/format"
	"github.com/flashcards/flashcards/data/qadoc"
)

// ImportOptions say how a document's Q&As become cards.
type ImportOptions struct {
	// FallbackCategory files the Q&As no rule files elsewhere ("" for none).
	FallbackCategory string
	// IgnoreHeadings turns off categories made from a document's section
	// headings; they are on by default for documents with two or more.
	IgnoreHeadings bool
	// Columns says which columns of a card table hold what; nil finds
	// them from the header row, or takes front, back, category, key points.
	Columns *cardtable.Mapping
}

// The largest documents an import reads, in bytes (see data/draft).
const (
	MaxDocumentBytes  = draft.MaxWriteUpBytes
	MaxCardTableBytes = draft.MaxTableBytes
)

// UnansweredQuestion is a question an import skipped: nothing answers it.
type UnansweredQuestion struct {
	Line     int
	Question string
	Reason   string // "no answer", `a placeholder ("Answer here")`, ...
}

// ParsedDocument is a document read for import: the cards it holds and
// what was left out.
type ParsedDocument struct {
	Drafts     []CardDraft
	Unanswered []UnansweredQuestion
	// Shapes says how the document wrote its Q&As, e.g. "152 bold question lines".
	Shapes []string
}

// NoQAError refuses a document without a single answered question. It
// says what the importer looks for and what the document holds instead.
type NoQAError struct {
	Saw string // e.g. "166 bold question lines were found, but no answer followed them"
}

func (e *NoQAError) Error() string {
	return fmt.Sprintf("%s: %s; the importer looks for %s", ErrNoQA, e.Saw, qadoc.LookedFor)
}

// Unwrap makes errors.Is(err, ErrNoQA) hold.
func (e *NoQAError) Unwrap() error { return ErrNoQA }

// ImportDocument reads a Q&A text, Markdown, saved web page, CSV or TSV
// document and adds its cards to the deck named after the document in
// one transaction. fallbackCategory is used for Q&As no rule files
// elsewhere ("" for none).
func (s *Store) ImportDocument(ctx context.Context, userID int64, name string, doc []byte, fallbackCategory string, progress func(done, total int)) (ImportResult, error) {
	return s.ImportDocumentWith(ctx, userID, name, doc, ImportOptions{FallbackCategory: fallbackCategory}, progress)
}

// ImportDocumentWith is ImportDocument with every option. Questions
// without an answer are skipped and listed in the result's Unanswered;
// any other problem stores nothing.
func (s *Store) ImportDocumentWith(ctx context.Context, userID int64, name string, doc []byte, opts ImportOptions, progress func(done, total int)) (ImportResult, error) {
	p, err := ParseDocumentWith(name, doc, opts)
	if err != nil {
		return ImportResult{}, err
	}
	res, err := s.ImportDrafts(ctx, userID, DeckNameFor(name), p.Drafts, progress)
	res.Unanswered = p.Unanswered
	return res, err
}

// ParseDocument turns a document into card drafts; see ParseDocumentWith.
func ParseDocument(name string, doc []byte, fallbackCategory string) ([]CardDraft, error) {
	p, err := ParseDocumentWith(name, doc, ImportOptions{FallbackCategory: fallbackCategory})
	return p.Drafts, err
}

// ParseDocumentWith reads a document, choosing the reader by what
// format.Detect says of its name and content: card tables (.csv, .tsv),
// saved pages (.html, .htm, or text that starts like a web page); anything else is a Q&A
// write-up, read both as "Q1. / Ans:" text and as Markdown, keeping the
// reading that finds more answered questions (the "Q1." reading on a tie
// when the Markdown reading found only "Q1." paragraphs itself).
//
// A document it refuses gives an *Error saying why in the words every
// front door shows, with the line-numbered problems when there are some.
func ParseDocumentWith(name string, doc []byte, opts ImportOptions) (ParsedDocument, error) {
	p, err := parseDocument(name, doc, opts)
	return p, DocumentError(err)
}

func parseDocument(name string, doc []byte, opts ImportOptions) (ParsedDocument, error) {
	fallback := opts.FallbackCategory
	if fallback != "" && !ValidSlug(fallback) {
		return ParsedDocument{}, Errorf(ErrInvalid, "%q is not a category slug", fallback)
	}
	kind := format.Detect(name, doc)
	if kind == format.CardTable {
		drafts, err := cardtable.ParseWith(doc, name, cardtable.Options{Columns: opts.Columns, Fallback: fallback, MaxCards: importCardLimit})
		if err != nil {
			return ParsedDocument{}, err
		}
		return ParsedDocument{Drafts: drafts}, nil
	}
	text, err := qaCleanDocument(doc, MaxDocumentBytes)
	if err != nil {
		return ParsedDocument{}, err
	}
	// Reading costs memory and time by the nodes a document makes; one
	// that would cost more than a few real ones together is refused
	// before any reader runs (issue #15).
	if err := qadoc.CheckBudget(text); err != nil {
		return ParsedDocument{}, err
	}
	if kind == format.HTML {
		return fromQADocument(name, qadoc.Parse(text, qadoc.Options{HTMLPage: true}), opts)
	}
	modern := qadoc.Parse(text, qadoc.Options{})
	legacy, legacyErr := ParseQA(doc)
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
func fromLegacy(name, text string, qas []QA, err error, modern qadoc.Document, opts ImportOptions) (ParsedDocument, error) {
	var p ParsedDocument
	var pe ParseErrors
	switch {
	case errors.As(err, &pe):
		for _, e := range pe {
			if e.Question == "" {
				return ParsedDocument{}, err
			}
			p.Unanswered = append(p.Unanswered, UnansweredQuestion{Line: e.Line, Question: e.Question, Reason: "no answer"})
		}
		if len(qas) == 0 {
			return ParsedDocument{}, &NoQAError{Saw: qadoc.ShapeMarker.Count(len(pe)) + foundNoAnswer(len(pe))}
		}
	case errors.Is(err, ErrNoQA):
		return ParsedDocument{}, &NoQAError{Saw: modern.NothingFound()}
	case err != nil:
		return ParsedDocument{}, err
	}
	outline := legacyOutline(text, qas)
	mistakes := isMistakeWriteUp(outline)
	p.Drafts = cardsFromQA(sourceName(name), qas, opts.FallbackCategory, func(qa QA) (string, bool) {
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
func fromQADocument(name string, d qadoc.Document, opts ImportOptions) (ParsedDocument, error) {
	var p ParsedDocument
	for _, s := range d.Skipped {
		p.Unanswered = append(p.Unanswered, UnansweredQuestion{Line: s.Line, Question: s.Question, Reason: s.Reason})
	}
	for _, s := range d.Shapes {
		if s.Found > 0 {
			p.Shapes = append(p.Shapes, s.Shape.Count(s.Found))
		}
	}
	var tooLong []UnansweredQuestion
	p.Drafts, tooLong = cardsFromDocument(sourceName(name), d, opts)
	p.Unanswered = mergeByLine(p.Unanswered, tooLong)
	if len(p.Drafts) == 0 {
		return ParsedDocument{}, &NoQAError{Saw: d.NothingFound()}
	}
	return p, nil
}

func mergeByLine(a, b []UnansweredQuestion) []UnansweredQuestion {
	out := append(a, b...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Line < out[j-1].Line; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// DocumentError is why a format refused a document, in the words every
// front door shows: a sentence, and the line-numbered problems when there
// are some. It is the one place a format package's error (data/draft's
// Refusal, ParseErrors, TooManyCardsError; qadoc's TooComplexError; a
// NoQAError) becomes an *Error. An *Error already written for the person,
// and an error that is not the document's fault, pass unchanged.
func DocumentError(err error) error {
	var e *Error
	var pe ParseErrors
	var noQA *NoQAError
	var complex *qadoc.TooComplexError
	var refusal *draft.Refusal
	var tooMany *draft.TooManyCardsError
	switch {
	case err == nil || errors.As(err, &e):
		return err
	case errors.As(err, &refusal):
		kind := ErrInvalid
		if errors.Is(refusal.Err, draft.ErrTooLarge) {
			kind = ErrTooLarge
		}
		var problems []Problem
		for _, p := range refusal.Problems {
			problems = append(problems, Problem{Line: p.Line, Message: p.Msg})
		}
		return &Error{Kind: kind, Message: refusal.Message, Problems: problems, Err: refusal.Err}
	case errors.As(err, &tooMany):
		return Errorf(ErrInvalid, "The file has %s cards; one import takes at most %s", groupDigits(tooMany.Count), groupDigits(tooMany.Max))
	case errors.As(err, &pe):
		problems := make([]Problem, len(pe))
		for i, p := range pe {
			problems[i] = Problem{Line: p.Line, Message: p.Msg}
		}
		n := "1 problem"
		if len(pe) != 1 {
			n = fmt.Sprintf("%d problems", len(pe))
		}
		return &Error{Kind: ErrInvalid, Message: "The document has " + n + ":", Problems: problems, Err: err}
	case errors.As(err, &complex):
		return &Error{Kind: ErrInvalid, Err: err, Message: fmt.Sprintf("This document is too complex to import: it has %s %s; split it into files of at most %s %s",
			groupDigits(complex.Count), complex.What, groupDigits(complex.Max), complex.What)}
	case errors.As(err, &noQA):
		return &Error{Kind: ErrInvalid, Err: err, Message: "No questions and answers were found: " + noQA.Saw + ". The importer looks for " + qadoc.LookedFor +
			"; a card table (.csv, .tsv) has a front and a back column."}
	case errors.Is(err, ErrNoQA):
		return &Error{Kind: ErrInvalid, Err: err, Message: "No questions and answers were found. A write-up numbers its questions (Q1.) and starts each answer with Ans:; " +
			"a card table has a front and a back column."}
	}
	return err
}
