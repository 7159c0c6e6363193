package data

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// An Anki package's media: files named 0, 1, 2... in the zip, and an entry
// "media" that maps those numbers to the names notes use (<img
// src="diagram.png">). Legacy packages write that map as JSON; current
// ones (anki21b) as a zstd-compressed protobuf, with each file compressed
// with zstd too. The importer keeps the images the imported notes show
// (PNG, JPEG, GIF, WebP, SVG, sniffed from their bytes), cleaned and
// stored as the user's media, and counts the rest (sounds, other files)
// as dropped.
//
// The package as a whole is checked before anything is read: how many
// files it holds, how large each one and all together unpack, and how far
// each one unpacks beyond its packed size (a zip bomb). A package past a
// limit is refused with the reason, and nothing is stored.

var (
	// ankiMaxFiles bounds the entries of a package's zip.
	ankiMaxFiles = 20_000
	// ankiMaxMediaEntry bounds what one media file unpacks to.
	ankiMaxMediaEntry int64 = 100 << 20
	// ankiMaxMediaTotal bounds what all media files together unpack to.
	ankiMaxMediaTotal int64 = 1 << 30
	// ankiMaxMediaIndex bounds the media list (file names) itself.
	ankiMaxMediaIndex int64 = 16 << 20
)

// ankiMedia is a package's media, opened and checked.
type ankiMedia struct {
	files    map[string]*zip.File // by the name notes use
	zstd     bool                 // files are zstd-compressed (anki21b)
	maxImage int64

	images map[string]*mediaDraft // by name, once read; nil: no image
	used   []mediaDraft           // the images the imported cards show, once each
	hashes map[string]bool
	err    error // the first image refused; the import stops
}

// ankiOpenMedia checks the package's zip against the limits and reads
// its media list.
func ankiOpenMedia(pkg io.ReaderAt, size int64, maxImage int64) (*ankiMedia, error) {
	zr, err := zip.NewReader(pkg, size)
	if err != nil {
		return nil, ankiError("This is not an Anki package (.apkg): it is not a zip archive")
	}
	if len(zr.File) > ankiMaxFiles {
		return nil, ankiError("The package holds %d files, more than the %d allowed; it cannot be imported", len(zr.File), ankiMaxFiles)
	}
	m := &ankiMedia{files: map[string]*zip.File{}, maxImage: maxImage, images: map[string]*mediaDraft{}, hashes: map[string]bool{}}
	var total uint64
	var index *zip.File
	byNumber := map[string]*zip.File{}
	for _, f := range zr.File {
		if isCollectionEntry(f.Name) {
			continue // bounded on its own as it is unpacked (ankiExtract)
		}
		if f.UncompressedSize64 > uint64(ankiMaxMediaEntry) {
			return nil, ankiError("The package holds a file (%s) that unpacks to %d MiB, more than the %d MiB allowed for one file; it cannot be imported",
				ankiPrintable(f.Name), f.UncompressedSize64>>20, ankiMaxMediaEntry>>20)
		}
		total += f.UncompressedSize64
		if total > uint64(ankiMaxMediaTotal) {
			return nil, ankiError("The package's files unpack to more than the %d MiB allowed; it cannot be imported", ankiMaxMediaTotal>>20)
		}
		if f.UncompressedSize64 > uint64(ankiRatioFrom) && f.UncompressedSize64 > uint64(ankiMaxRatio)*max(f.CompressedSize64, 1) {
			return nil, ankiError("The package's file %s unpacks to %d times its packed size, as a zip bomb does; it cannot be imported",
				ankiPrintable(f.Name), f.UncompressedSize64/max(f.CompressedSize64, 1))
		}
		if f.Name == "media" {
			index = f
		} else {
			byNumber[f.Name] = f
		}
	}
	if index == nil {
		return m, nil
	}
	names, isZstd, err := ankiMediaIndex(index)
	if err != nil {
		return nil, err
	}
	m.zstd = isZstd
	for num, name := range names {
		if f, ok := byNumber[num]; ok && name != "" {
			m.files[name] = f
		}
	}
	return m, nil
}

func isCollectionEntry(name string) bool {
	for _, c := range ankiCollectionEntries {
		if name == c {
			return true
		}
	}
	return false
}

// zstdMagic starts a zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// ankiMediaIndex reads the media list: file number to name.
func ankiMediaIndex(f *zip.File) (map[string]string, bool, error) {
	damaged := func(err error) error {
		return ankiError("The package's media list is damaged (%v); it cannot be imported", err)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, false, damaged(err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, ankiMaxMediaIndex+1))
	if err != nil {
		return nil, false, damaged(err)
	}
	if int64(len(raw)) > ankiMaxMediaIndex {
		return nil, false, ankiError("The package's media list is larger than %d MiB; it cannot be imported", ankiMaxMediaIndex>>20)
	}
	if !bytes.HasPrefix(raw, zstdMagic) {
		names := map[string]string{}
		if len(bytes.TrimSpace(raw)) == 0 {
			return names, false, nil
		}
		if err := json.Unmarshal(raw, &names); err != nil {
			return nil, false, damaged(err)
		}
		return names, false, nil
	}
	dec, err := zstd.NewReader(bytes.NewReader(raw), zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxMemory(uint64(ankiMaxMediaIndex)), zstd.WithDecoderMaxWindow(8<<20))
	if err != nil {
		return nil, false, damaged(err)
	}
	defer dec.Close()
	pb, err := io.ReadAll(io.LimitReader(dec, ankiMaxMediaIndex+1))
	if err != nil {
		return nil, false, damaged(err)
	}
	if int64(len(pb)) > ankiMaxMediaIndex {
		return nil, false, ankiError("The package's media list is larger than %d MiB; it cannot be imported", ankiMaxMediaIndex>>20)
	}
	list := ankiMediaEntries(pb)
	names := make(map[string]string, len(list))
	for i, name := range list {
		names[strconv.Itoa(i)] = name
	}
	return names, true, nil
}

// ankiMediaEntries reads the protobuf MediaEntries {repeated MediaEntry
// entries = 1} with MediaEntry {string name = 1; ...}: the names in order,
// the nth being zip entry n.
func ankiMediaEntries(pb []byte) []string {
	var names []string
	ankiProtoFields(pb, func(num, wire int, _ uint64, entry []byte) {
		if num != 1 || wire != 2 {
			return
		}
		name := ""
		ankiProtoFields(entry, func(num, wire int, _ uint64, v []byte) {
			if num == 1 && wire == 2 {
				name = string(v)
			}
		})
		names = append(names, name)
	})
	return names
}

// image returns the Markdown that shows the package's file src, reading,
// checking and cleaning it the first time; false when src names no image
// in the package (the reference is then dropped and counted). A file too
// large or damaged stops the import (m.err).
func (m *ankiMedia) image(src, alt string) (string, bool) {
	if m == nil || m.err != nil {
		return "", false
	}
	name := src
	f, ok := m.files[name]
	if !ok {
		if u, err := url.PathUnescape(src); err == nil {
			name = u
			f, ok = m.files[name]
		}
	}
	if !ok {
		return "", false
	}
	d, seen := m.images[name]
	if !seen {
		d = m.read(name, f)
		m.images[name] = d
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

// read unpacks and cleans one file; nil when it is no image we keep.
func (m *ankiMedia) read(name string, f *zip.File) *mediaDraft {
	rc, err := f.Open()
	if err != nil {
		m.err = ankiError("The package's file %s is damaged (%v); it cannot be imported", ankiPrintable(name), err)
		return nil
	}
	defer rc.Close()
	if !m.zstd && f.UncompressedSize64 > uint64(2*m.maxImage) {
		m.err = ankiError("%s (in the package); it cannot be imported",
			mediaTooLarge(mediaWhat(name), int64(f.UncompressedSize64), m.maxImage).Error())
		return nil
	}
	var src io.Reader = rc
	if m.zstd {
		dec, err := zstd.NewReader(rc, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(uint64(2*m.maxImage+1)), zstd.WithDecoderMaxWindow(8<<20))
		if err != nil {
			m.err = err
			return nil
		}
		defer dec.Close()
		src = dec
	}
	b, err := io.ReadAll(io.LimitReader(src, 2*m.maxImage+1))
	if err != nil {
		m.err = ankiError("The package's file %s is damaged (%v); it cannot be imported", ankiPrintable(name), err)
		return nil
	}
	d, err := prepareMedia(name, b, m.maxImage)
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
func (m *ankiMedia) sortedUsed() []mediaDraft {
	if m == nil {
		return nil
	}
	out := append([]mediaDraft(nil), m.used...)
	sort.Slice(out, func(i, j int) bool { return out[i].Hash < out[j].Hash })
	return out
}
