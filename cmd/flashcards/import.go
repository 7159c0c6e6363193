package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/flashcards/flashcards/data"
)

// importUsage is printed when the import command is called wrongly.
const importUsage = "usage: flashcards import --user NAME [--category SLUG] [--ignore-headings] FILE [FILE ...]"

// importProgressFrom is the number of cards from which an import reports
// its progress; smaller files are done before anyone would wait.
const importProgressFrom = 5000

// importCommand imports each file into the user's cards, each in its own
// transaction: a file with any problem adds nothing, and the other files
// are still imported. It fails when any file did. Questions without an
// answer are skipped and listed, as file:line, after the file's summary.
func importCommand(ctx context.Context, s *data.Store, userName string, opts data.ImportOptions, files []string, stdout, stderr io.Writer) error {
	if userName == "" || len(files) == 0 {
		return errors.New(importUsage)
	}
	u, err := userNamed(ctx, s, userName)
	if err != nil {
		return err
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

// importFile imports one file through the entry point every front door
// shares (data.Store.Import), and prints its report: the summary line,
// then any question skipped for want of an answer, as file:line. The file
// is read in place, not into memory: an Anki package unpacks only its
// collection, and a document is read up to the largest any reader takes.
func importFile(ctx context.Context, s *data.Store, u data.User, path string, opts data.ImportOptions, stdout, stderr io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a file", path)
	}
	rep, err := s.Import(ctx, u.ID, data.ImportFile{Name: filepath.Base(path), Content: f, Size: fi.Size(), Options: opts, Progress: importProgress(stderr, path)})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s\n", path, rep.Summary())
	if n := len(rep.Unanswered); n > 0 {
		questions := "questions"
		if n == 1 {
			questions = "question"
		}
		fmt.Fprintf(stdout, "%s: %d %s skipped, for want of an answer:\n", path, n, questions)
		for _, q := range rep.Unanswered {
			fmt.Fprintf(stdout, "%s:%d: %q: %s\n", path, q.Line, q.Question, q.Reason)
		}
	}
	return nil
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

// reportImportError prints why a file was not imported: the store's
// message, as the import page and the API give it, then each problem as
// file:line: message so editors can jump to it.
func reportImportError(w io.Writer, path string, err error) {
	msg := data.Message(err)
	if msg == "" {
		fmt.Fprintf(w, "%s: not imported: %v\n", path, err)
		return
	}
	fmt.Fprintf(w, "%s: not imported: %s\n", path, msg)
	for _, p := range data.Problems(err) {
		fmt.Fprintf(w, "%s:%d: %s\n", path, p.Line, p.Message)
	}
}
