package data

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/flashcards/flashcards/data/format"
	"github.com/flashcards/flashcards/srs/words"
)

// ImportFile is one file handed to Import, as every front door hands it
// over: the import form, POST /api/v1/import and flashcards import.
type ImportFile struct {
	// Name is the file's name: with its first bytes it tells the format
	// (format.Detect), and a document's deck and cards' source are
	// named after it.
	Name string
	// Content is the file, Size bytes long: an *os.File is read in
	// place; InMemory content is used without a copy.
	Content io.ReaderAt
	Size    int64
	Options ImportOptions
	// Preview keeps a document (Q&A text, page, card table) for the
	// import preview instead of importing it: the report then carries
	// the pending import's id. An export or an Anki package imports at
	// once either way.
	Preview bool
	// Progress, when set, hears how far a large import is.
	Progress func(done, total int)
}

// InMemory is a file already in memory, as an upload is: Import reads a
// document straight from it rather than copying it.
type InMemory []byte

// ReadAt reads as bytes.Reader does.
func (b InMemory) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// ImportReport says what an import did, whatever the format; Summary
// words it. Counts a format does not have stay zero.
type ImportReport struct {
	Format format.Format
	// Pending is the id of a document kept for its preview (Preview).
	Pending string
	Deck    string   // the deck a document's cards went to; an Anki package's with the most
	Decks   []string // the decks an Anki package's cards went to
	Found   int      // cards the file holds
	Added   int      // cards stored (restored, for an export)
	Skipped int      // cards already there, left as they were
	Reviews int      // review-log entries added (Anki package, export)
	// NewCategories and NewDecks the import created (slugs, names).
	NewCategories []string
	NewDecks      []string
	// Unanswered lists the questions of a document skipped for want of
	// an answer, in document order.
	Unanswered []UnansweredQuestion
	LeftOut    int // Anki cards left out: no text once media was dropped, or no note
	Media      int // Anki media references (images, sounds) dropped
	Images     int // Anki images kept as the user's images
}

// Import reads one file of any format the importer takes (format.Detect)
// and adds it to the user's account, all or nothing: a Q&A write-up,
// Markdown or saved page, a CSV or TSV card table, a JSON export (restored
// with its history) or an Anki package. Every front door calls it, so each
// takes the same files and refuses bad ones with the same *Error.
func (s *Store) Import(ctx context.Context, userID int64, f ImportFile) (ImportReport, error) {
	head := make([]byte, min(f.Size, format.HeadSize))
	if _, err := f.Content.ReadAt(head, 0); err != nil && err != io.EOF {
		return ImportReport{}, err
	}
	rep := ImportReport{Format: format.Detect(f.Name, head)}
	if f.Size == 0 {
		return rep, &Error{Kind: ErrInvalid, Message: "The document is empty.", Err: ErrEmptyDocument}
	}
	if err := s.checkFallbackCategory(ctx, userID, f.Options.FallbackCategory); err != nil {
		return rep, err
	}
	switch rep.Format {
	case format.Apkg:
		res, err := s.ImportApkg(ctx, userID, f.Name, f.Content, f.Size, f.Options.FallbackCategory, f.Progress)
		if err != nil {
			return rep, err
		}
		rep.Found, rep.Added, rep.Skipped, rep.Reviews = res.Found, res.Added, res.Skipped, res.Reviews
		rep.Deck, rep.Decks, rep.NewCategories = res.Deck, res.Decks, res.NewCategories
		rep.LeftOut, rep.Media, rep.Images = res.Empty+res.Unknown, res.Media, res.Images
		return rep, nil
	case format.Export:
		res, err := s.RestoreExport(ctx, userID, io.NewSectionReader(f.Content, 0, f.Size))
		if err != nil {
			return rep, err
		}
		rep.Found, rep.Added, rep.Reviews = res.Cards, res.Cards, res.Reviews
		rep.NewCategories, rep.NewDecks = res.NewCategories, res.NewDecks
		return rep, nil
	}
	// A document: read whole, but not much past the largest any reader
	// takes, which then refuses it as too large.
	limit := min(f.Size, int64(max(MaxDocumentBytes, MaxCardTableBytes))+1)
	doc, ok := f.Content.(InMemory)
	if ok {
		doc = doc[:min(int64(len(doc)), limit)]
	} else {
		doc = make([]byte, limit)
		if _, err := f.Content.ReadAt(doc, 0); err != nil && err != io.EOF {
			return rep, err
		}
	}
	if f.Preview {
		parsed, err := ParseDocumentWith(f.Name, doc, f.Options)
		if err != nil {
			return rep, err
		}
		p, err := s.KeepPendingImport(userID, f.Name, doc)
		if err != nil {
			return rep, err
		}
		rep.Pending, rep.Found, rep.Unanswered = p.ID, len(parsed.Drafts), parsed.Unanswered
		return rep, nil
	}
	res, err := s.ImportDocumentWith(ctx, userID, f.Name, doc, f.Options, f.Progress)
	if err != nil {
		return rep, err
	}
	rep.Deck, rep.Found, rep.Added, rep.Skipped, rep.NewCategories = res.Deck, res.Found, res.Added, res.Skipped, res.NewCategories
	rep.Unanswered = res.Unanswered
	return rep, nil
}

// checkFallbackCategory refuses a category for unfiled cards that is not
// one of the user's: the import would quietly make it.
func (s *Store) checkFallbackCategory(ctx context.Context, userID int64, slug string) error {
	if slug == "" {
		return nil
	}
	if !ValidSlug(slug) {
		return Errorf(ErrInvalid, "%q is not a category slug", slug)
	}
	cats, err := s.ListCategories(ctx, userID)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.Slug == slug {
			return nil
		}
	}
	return Errorf(ErrInvalid, "Choose one of your categories for cards not filed automatically; you have no category %q", slug)
}

// Summary is the report in one line, after the file's name: what the
// import page flashes and the command line prints.
func (r ImportReport) Summary() string {
	var b strings.Builder
	switch r.Format {
	case format.Apkg:
		fmt.Fprintf(&b, "%s found, %d added, %d already there, %s of history",
			words.Count(r.Found, "Anki card", "Anki cards"), r.Added, r.Skipped, words.Count(r.Reviews, "review", "reviews"))
		switch len(r.Decks) {
		case 0:
		case 1:
			fmt.Fprintf(&b, ", in the deck %q", r.Decks[0])
		default:
			b.WriteString(", in the decks " + strings.Join(r.Decks, ", "))
		}
		b.WriteString(".")
		if r.LeftOut > 0 {
			fmt.Fprintf(&b, " %s left out: no text once media was dropped, or no note.", words.Count(r.LeftOut, "card", "cards"))
		}
		if r.Images > 0 {
			fmt.Fprintf(&b, " %s kept.", words.Count(r.Images, "image", "images"))
		}
		if r.Media > 0 {
			fmt.Fprintf(&b, " %s not imported.", words.Count(r.Media, "image or sound", "images and sounds"))
		}
	case format.Export:
		fmt.Fprintf(&b, "restored %s and %s.", words.Count(r.Added, "card", "cards"), words.Count(r.Reviews, "review", "reviews"))
		if len(r.NewCategories) > 0 {
			b.WriteString(" New categories: " + strings.Join(r.NewCategories, ", ") + ".")
		}
		if len(r.NewDecks) > 0 {
			b.WriteString(" New decks: " + strings.Join(r.NewDecks, ", ") + ".")
		}
		return b.String()
	default:
		fmt.Fprintf(&b, "%s found, %d added, %d already there, in the deck %q.", words.Count(r.Found, "card", "cards"), r.Added, r.Skipped, r.Deck)
	}
	if len(r.NewCategories) > 0 {
		b.WriteString(" New categories: " + strings.Join(r.NewCategories, ", ") + ".")
	}
	return b.String()
}

// countOf is "1 card", "3 cards".
