package data

import (
	"context"
	"errors"
	"fmt"

	"github.com/flashcards/flashcards/data/cardtable"
	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/data/format"
	"github.com/flashcards/flashcards/data/qa"
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

// UnansweredQuestion is a question an import skipped: nothing answers it.
type UnansweredQuestion = qa.Unanswered

// ParsedDocument is a document read for import: the cards it holds and
// what was left out.
type ParsedDocument = qa.Parsed

// The largest documents an import reads, in bytes (see data/draft).
const (
	MaxDocumentBytes  = draft.MaxWriteUpBytes
	MaxCardTableBytes = draft.MaxTableBytes
)

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
// format.Detect says of its name and content: card tables (.csv, .tsv)
// through data/cardtable; Q&A write-ups, Markdown and saved pages through
// data/qa.
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
	if format.Detect(name, doc) == format.CardTable {
		drafts, err := cardtable.ParseWith(doc, name, cardtable.Options{Columns: opts.Columns, Fallback: fallback, MaxCards: importCardLimit})
		if err != nil {
			return ParsedDocument{}, err
		}
		return ParsedDocument{Drafts: drafts}, nil
	}
	return qa.Read(name, doc, qa.Options{Fallback: fallback, IgnoreHeadings: opts.IgnoreHeadings})
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
	var noQA *qa.NoQAError
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

// Errors a format refuses a document with (see data/draft).
var (
	ErrNoQA          = draft.ErrNoQA
	ErrEmptyDocument = draft.ErrEmpty
	ErrInvalidUTF8   = draft.ErrNotUTF8
)

// ParseErrors collects every problem in a document (draft.ParseErrors).
type ParseErrors = draft.ParseErrors

// CardDraft is one card as a document describes it (see data/draft).
type CardDraft = draft.Card
