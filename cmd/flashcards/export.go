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

// exportUsage is printed when the export command is called wrongly.
const exportUsage = "usage: flashcards export --user NAME [--format json|csv|anki|apkg] [-o FILE]"

// exportCommand writes a user's export to standard output or, with -o, to
// a file that appears only once the export is complete.
func exportCommand(ctx context.Context, s *data.Store, userName, format, out string, args []string, stdout, stderr io.Writer) error {
	if userName == "" || len(args) > 0 {
		return errors.New(exportUsage)
	}
	kind, err := data.ParseExportKind(format)
	if err != nil {
		return fmt.Errorf("--format must be json, csv, anki or apkg, not %q", format)
	}
	u, err := userNamed(ctx, s, userName)
	if err != nil {
		return err
	}
	export := func(w io.Writer) error { return s.Export(ctx, u.ID, kind, w) }
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
