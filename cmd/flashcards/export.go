package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/flashcards/flashcards/data"
)

// exportUsage is printed when the export command is called wrongly.
const exportUsage = "usage: flashcards export --user NAME [--format json|csv|anki|apkg] [-o FILE]"

// exportCommand writes a user's export to standard output or, with -o, to
// a file that appears only once the export is complete.
func exportCommand(ctx context.Context, s *data.Store, userName, format, out string, args []string, stdout, stderr io.Writer) error {
	if userName == "" || len(args) > 0 {
		return errors.New(exportUsage)
	}
	// apkg is an Anki package with scheduling and history (data.ExportApkg).
	apkg := strings.EqualFold(strings.TrimSpace(format), "apkg")
	kind := data.ExportKind("apkg")
	var err error
	if !apkg {
		if kind, err = data.ParseExportKind(format); err != nil {
			return fmt.Errorf("--format must be json, csv, anki or apkg, not %q", format)
		}
	}
	u, err := userNamed(ctx, s, userName)
	if err != nil {
		return err
	}
	export := func(w io.Writer) error {
		if apkg {
			return s.ExportApkg(ctx, u.ID, w)
		}
		return s.Export(ctx, u.ID, kind, w)
	}
	if out == "" || out == "-" {
		return export(stdout)
	}
	// Written beside the target and renamed, so a failed export never
	// leaves a file that looks whole. CreateTemp makes it 0600: the export
	// holds the person's data.
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	if err := export(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), out); err != nil {
		os.Remove(f.Name())
		return err
	}
	fmt.Fprintf(stderr, "exported %s (%s) to %s\n", u.Name, kind, out)
	return nil
}

// restoreFile restores a JSON export into the user's account, all or
// nothing, and prints what it added. flashcards import sends exports here.
func restoreFile(ctx context.Context, s *data.Store, u data.User, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.RestoreExport(ctx, u.ID, f)
	if err != nil {
		if errors.Is(err, data.ErrInvalid) || errors.Is(err, data.ErrConflict) {
			return errors.New(data.Message(err))
		}
		return err
	}
	fmt.Fprintf(stdout, "%s: restored %d cards and %d reviews into %s's account", path, res.Cards, res.Reviews, u.Name)
	if len(res.NewCategories) > 0 {
		fmt.Fprintf(stdout, "; new categories: %s", strings.Join(res.NewCategories, ", "))
	}
	if len(res.NewDecks) > 0 {
		fmt.Fprintf(stdout, "; new decks: %s", strings.Join(res.NewDecks, ", "))
	}
	fmt.Fprintln(stdout)
	return nil
}
