package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/flashcards/flashcards/data"
)

// importUsage is printed when the import command is called wrongly.
const importUsage = "usage: flashcards import --user NAME [--category SLUG] [--ignore-headings] FILE [FILE ...]"

// importProgressFrom is the number of cards from which an import reports
// its progress; smaller files are done before anyone would wait.
const importProgressFrom = 5000

// importFormat is what kind of file an import reads.
type importFormat int

const (
	// formatDocument is a Q&A write-up (text, Markdown or a saved web
	// page) or a card table (CSV, TSV): data.ImportDocumentWith reads all of them.
	formatDocument importFormat = iota
	// formatExport is a JSON export of this server, restored with its history.
	formatExport
	// formatApkg is an Anki package, read by data.ImportApkg.
	formatApkg
)

// detectImportFormat tells a JSON export from a document by its name or,
// for a renamed file, by its content.
func detectImportFormat(name string, content []byte) importFormat {
	if strings.EqualFold(filepath.Ext(name), ".apkg") || data.IsApkg(content) {
		return formatApkg
	}
	if strings.EqualFold(filepath.Ext(name), ".json") || data.IsExport(content[:min(len(content), 512)]) {
		return formatExport
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(content, []byte("\ufeff")))
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(trimmed) {
		return formatExport
	}
	return formatDocument
}

// importCommand imports each file into the user's cards, each in its own
// transaction: a file with any problem adds nothing, and the other files
// are still imported. It fails when any file did. Questions without an
// answer are skipped and listed, as file:line, after the file's summary.
func importCommand(ctx context.Context, s *data.Store, userName string, opts data.ImportOptions, files []string, stdout, stderr io.Writer) error {
	category := opts.FallbackCategory
	if userName == "" || len(files) == 0 {
		return errors.New(importUsage)
	}
	u, err := userNamed(ctx, s, userName)
	if err != nil {
		return err
	}
	if category != "" {
		if err := userHasCategory(ctx, s, u, category); err != nil {
			return err
		}
	}
	failed := 0
	for _, path := range files {
		if err := importFile(ctx, s, u, path, opts, stdout, stderr); err != nil {
			failed++
			reportImportError(stderr, path, err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files not imported; nothing was added from them", failed, len(files))
	}
	return nil
}

func userHasCategory(ctx context.Context, s *data.Store, u data.User, slug string) error {
	cats, err := s.ListCategories(ctx, u.ID)
	if err != nil {
		return err
	}
	var slugs []string
	for _, c := range cats {
		if c.Slug == slug {
			return nil
		}
		slugs = append(slugs, c.Slug)
	}
	return fmt.Errorf("%s has no category %q; theirs are: %s", u.Name, slug, strings.Join(slugs, ", "))
}

// importFile reads one file, picks the importer for its format and prints
// a summary line.
func importFile(ctx context.Context, s *data.Store, u data.User, path string, opts data.ImportOptions, stdout, stderr io.Writer) error {
	content, err := readImportFile(path)
	if err != nil {
		return err
	}
	name := filepath.Base(path)
	switch detectImportFormat(name, content) {
	case formatExport:
		return restoreFile(ctx, s, u, path, stdout)
	case formatApkg:
		return importApkgFile(ctx, s, u, path, opts.FallbackCategory, stdout, stderr)
	}
	res, err := s.ImportDocumentWith(ctx, u.ID, name, content, opts, importProgress(stderr, path))
	if err != nil {
		return err
	}
	cards := "cards"
	if res.Found == 1 {
		cards = "card"
	}
	fmt.Fprintf(stdout, "%s: %d %s found, %d added, %d already there (deck %q)", path, res.Found, cards, res.Added, res.Skipped, res.Deck)
	if len(res.NewCategories) > 0 {
		fmt.Fprintf(stdout, "; new categories: %s", strings.Join(res.NewCategories, ", "))
	}
	fmt.Fprintln(stdout)
	if n := len(res.Unanswered); n > 0 {
		questions := "questions"
		if n == 1 {
			questions = "question"
		}
		fmt.Fprintf(stdout, "%s: %d %s skipped, for want of an answer:\n", path, n, questions)
		for _, q := range res.Unanswered {
			fmt.Fprintf(stdout, "%s:%d: %q: %s\n", path, q.Line, q.Question, q.Reason)
		}
	}
	return nil
}

// importApkgFile imports an Anki package. The package is read in place,
// not into memory: only its collection is unpacked.
func importApkgFile(ctx context.Context, s *data.Store, u data.User, path, category string, stdout, stderr io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	res, err := s.ImportApkg(ctx, u.ID, filepath.Base(path), f, fi.Size(), category, importProgress(stderr, path))
	if errors.Is(err, data.ErrInvalid) {
		return errors.New(data.Message(err))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d Anki cards found, %d added, %d already there, %d reviews", path, res.Found, res.Added, res.Skipped, res.Reviews)
	if len(res.Decks) > 0 {
		fmt.Fprintf(stdout, " (decks: %s)", strings.Join(res.Decks, ", "))
	}
	if left := res.Empty + res.Unknown; left > 0 {
		fmt.Fprintf(stdout, "; %d left out with no text or note", left)
	}
	if res.Media > 0 {
		fmt.Fprintf(stdout, "; %d media references dropped", res.Media)
	}
	fmt.Fprintln(stdout)
	return nil
}

// readImportFile reads a file, but not much past the largest document any
// importer accepts: the importer then refuses it as too large.
func readImportFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	limit := int64(max(data.MaxDocumentBytes, data.MaxCardTableBytes))
	return io.ReadAll(io.LimitReader(f, limit+1))
}

// importProgress prints every tenth of a large import to w.
func importProgress(w io.Writer, path string) func(done, total int) {
	next := 10
	return func(done, total int) {
		if total <= importProgressFrom {
			return
		}
		pct := done * 100 / total
		if pct < next {
			return
		}
		fmt.Fprintf(w, "%s: %d%% (%d of %d cards)\n", path, pct, done, total)
		next = pct/10*10 + 10
	}
}

// reportImportError prints why a file was not imported, one line per
// problem, as file:line: message so editors can jump to it.
func reportImportError(w io.Writer, path string, err error) {
	var pe data.ParseErrors
	switch {
	case errors.As(err, &pe):
		problems := "problems"
		if len(pe) == 1 {
			problems = "problem"
		}
		fmt.Fprintf(w, "%s: not imported, %d %s:\n", path, len(pe), problems)
		for _, e := range pe {
			fmt.Fprintf(w, "%s:%d: %s\n", path, e.Line, e.Msg)
		}
	case errors.Is(err, data.ErrTooLarge):
		fmt.Fprintf(w, "%s: not imported: too large; a Q&A write-up may hold %d MiB, a card table %d MiB\n",
			path, data.MaxDocumentBytes>>20, data.MaxCardTableBytes>>20)
	case errors.Is(err, data.ErrInvalid):
		fmt.Fprintf(w, "%s: not imported: %s\n", path, data.Message(err))
	default:
		fmt.Fprintf(w, "%s: not imported: %v\n", path, err)
	}
}
