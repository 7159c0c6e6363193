package data

import (
	"context"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/flashcards/flashcards/data/anki"
)

// This file is the store's side of reading an Anki package: data/anki
// reads the package into plain values, without a database; here its
// refusals become the store's errors, and the images the imported cards
// show are cleaned and kept as media drafts (anki_import.go stores them).

// ankiLimits bound what one package may make the server unpack, hold and
// render; tests lower them. The card limit is importCardLimit, set at each read.
var ankiLimits = anki.DefaultLimits()

// ankiError is a package the importer refuses, with the reason a person can act on.
func ankiError(format string, args ...any) error {
	return Errorf(ErrInvalid, format, args...)
}

// ankiRefusal turns data/anki's refusal of a package into the store's
// error of the same words; any other error is returned as it is.
func ankiRefusal(err error) error {
	var refused *anki.Error
	var tooMany *anki.TooManyCardsError
	switch {
	case errors.As(err, &tooMany):
		return tooManyCards(tooMany.Cards)
	case errors.As(err, &refused):
		return Errorf(ErrInvalid, "%s", refused.Message)
	}
	return err
}

// ankiCollection is a package read, with the images its cards show:
// media keeps them as they are found among the package's files (Media).
type ankiCollection struct {
	*anki.Collection
	media *ankiImages
}

// readApkg reads the package, unpacking its collection in the store's
// temporary folder, within the limits.
func (s *Store) readApkg(ctx context.Context, pkg io.ReaderAt, size int64) (*ankiCollection, error) {
	lim := ankiLimits
	lim.Cards = importCardLimit
	col, err := anki.Read(ctx, pkg, size, s.temp.dir, lim)
	if err != nil {
		return nil, ankiRefusal(err)
	}
	return &ankiCollection{Collection: col, media: &ankiImages{files: col.Media, maxImage: s.MediaLimits.MaxFile,
		images: map[string]*mediaDraft{}, hashes: map[string]bool{}}}, nil
}

// ankiImages keeps the images the imported cards show: each package file
// an <img> names is read, checked and cleaned once, the first time.
type ankiImages struct {
	files    *anki.Media
	maxImage int64

	images map[string]*mediaDraft // by name, once read; nil: no image
	used   []mediaDraft           // the images the imported cards show, once each
	hashes map[string]bool
	err    error // the first image refused; the import stops
}

// Image returns the Markdown that shows the package's file src, reading,
// checking and cleaning it the first time; false when src names no image
// in the package (the reference is then dropped and counted). A file too
// large or damaged stops the import (Err).
func (m *ankiImages) Image(src, alt string) (string, bool) {
	if m == nil || m.err != nil {
		return "", false
	}
	f, ok := m.files.File(src)
	if !ok {
		return "", false
	}
	d, seen := m.images[f.Name]
	if !seen {
		d = m.read(f)
		m.images[f.Name] = d
	}
	if d == nil {
		return "", false
	}
	if !m.hashes[d.Hash] {
		m.hashes[d.Hash] = true
		m.used = append(m.used, *d)
	}
	return "![" + ankiAlt(alt) + "](" + d.URL() + ")", true
}

// Err is the first image refused, as the store's error: anki.Drafts stops
// at it.
func (m *ankiImages) Err() error {
	if m == nil {
		return nil
	}
	return m.err
}

// read unpacks and cleans one file; nil when it is no image we keep.
func (m *ankiImages) read(f anki.MediaFile) *mediaDraft {
	b, err := f.Read(2 * m.maxImage)
	var tooLarge *anki.MediaTooLargeError
	switch {
	case errors.As(err, &tooLarge):
		m.err = ankiError("%s (in the package); it cannot be imported",
			mediaTooLarge(mediaWhat(f.Name), tooLarge.Size, m.maxImage).Error())
		return nil
	case err != nil:
		m.err = ankiRefusal(err)
		return nil
	}
	d, err := prepareMedia(f.Name, b, m.maxImage)
	switch {
	case errors.Is(err, ErrTooLarge):
		m.err = ankiError("%s (in the package); it cannot be imported", Message(err))
		return nil
	case err != nil:
		return nil // a sound, or anything else: dropped and counted
	}
	return &d
}

// ankiAlt is an image's alt text fit for Markdown's brackets.
func ankiAlt(alt string) string {
	alt = strings.Map(func(r rune) rune {
		switch {
		case r == '[' || r == ']' || r == '\\':
			return -1
		case r < 0x20 || r == 0x7f:
			return ' '
		}
		return r
	}, alt)
	if r := []rune(strings.TrimSpace(alt)); len(r) > 200 {
		alt = string(r[:200])
	}
	return strings.TrimSpace(alt)
}

// sortedUsed is the images to store, in a stable order.
func (m *ankiImages) sortedUsed() []mediaDraft {
	if m == nil {
		return nil
	}
	out := append([]mediaDraft(nil), m.used...)
	sort.Slice(out, func(i, j int) bool { return out[i].Hash < out[j].Hash })
	return out
}
