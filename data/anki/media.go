package anki

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"github.com/klauspost/compress/zstd"
)

// An Anki package's media: files named 0, 1, 2... in the zip, and an entry
// "media" that maps those numbers to the names notes use (<img
// src="diagram.png">). Legacy packages write that map as JSON; current
// ones (anki21b) as a zstd-compressed protobuf, with each file compressed
// with zstd too. The reader opens the files the notes show only when asked
// (Media.File); the importer keeps the images among them and counts the
// rest (sounds, other files) as dropped.
//
// The package as a whole is checked before anything is read: how many
// files it holds, how large each one and all together unpack, and how far
// each one unpacks beyond its packed size (a zip bomb). A package past a
// limit is refused with the reason.

// maxMediaIndex bounds the media list (file names) itself.
const maxMediaIndex int64 = 16 << 20

// Media is a package's media files, opened and checked, by the name notes use.
type Media struct {
	files map[string]*zip.File
	zstd  bool // files are zstd-compressed (anki21b)
}

// openMedia checks the package's zip against the limits and reads
// its media list.
func openMedia(pkg io.ReaderAt, size int64, lim Limits) (*Media, error) {
	zr, err := zip.NewReader(pkg, size)
	if err != nil {
		return nil, refusef("This is not an Anki package (.apkg): it is not a zip archive")
	}
	if len(zr.File) > lim.Files {
		return nil, refusef("The package holds %d files, more than the %d allowed; it cannot be imported", len(zr.File), lim.Files)
	}
	m := &Media{files: map[string]*zip.File{}}
	var total uint64
	var index *zip.File
	byNumber := map[string]*zip.File{}
	for _, f := range zr.File {
		if isCollectionEntry(f.Name) {
			continue // bounded on its own as it is unpacked (extract)
		}
		if f.UncompressedSize64 > uint64(lim.MediaFile) {
			return nil, refusef("The package holds a file (%s) that unpacks to %d MiB, more than the %d MiB allowed for one file; it cannot be imported",
				printable(f.Name), f.UncompressedSize64>>20, lim.MediaFile>>20)
		}
		total += f.UncompressedSize64
		if total > uint64(lim.Media) {
			return nil, refusef("The package's files unpack to more than the %d MiB allowed; it cannot be imported", lim.Media>>20)
		}
		if f.UncompressedSize64 > uint64(ratioFrom) && f.UncompressedSize64 > uint64(maxRatio)*max(f.CompressedSize64, 1) {
			return nil, refusef("The package's file %s unpacks to %d times its packed size, as a zip bomb does; it cannot be imported",
				printable(f.Name), f.UncompressedSize64/max(f.CompressedSize64, 1))
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
	names, isZstd, err := mediaIndex(index)
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
	for _, c := range collectionEntries {
		if name == c {
			return true
		}
	}
	return false
}

// zstdMagic starts a zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// mediaIndex reads the media list: file number to name.
func mediaIndex(f *zip.File) (map[string]string, bool, error) {
	damaged := func(err error) error {
		return refusef("The package's media list is damaged (%v); it cannot be imported", err)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, false, damaged(err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, maxMediaIndex+1))
	if err != nil {
		return nil, false, damaged(err)
	}
	if int64(len(raw)) > maxMediaIndex {
		return nil, false, refusef("The package's media list is larger than %d MiB; it cannot be imported", maxMediaIndex>>20)
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
		zstd.WithDecoderMaxMemory(uint64(maxMediaIndex)), zstd.WithDecoderMaxWindow(8<<20))
	if err != nil {
		return nil, false, damaged(err)
	}
	defer dec.Close()
	pb, err := io.ReadAll(io.LimitReader(dec, maxMediaIndex+1))
	if err != nil {
		return nil, false, damaged(err)
	}
	if int64(len(pb)) > maxMediaIndex {
		return nil, false, refusef("The package's media list is larger than %d MiB; it cannot be imported", maxMediaIndex>>20)
	}
	list := mediaEntries(pb)
	names := make(map[string]string, len(list))
	for i, name := range list {
		names[strconv.Itoa(i)] = name
	}
	return names, true, nil
}

// mediaEntries reads the protobuf MediaEntries {repeated MediaEntry
// entries = 1} with MediaEntry {string name = 1; ...}: the names in order,
// the nth being zip entry n.
func mediaEntries(pb []byte) []string {
	var names []string
	protoFields(pb, func(num, wire int, _ uint64, entry []byte) {
		if num != 1 || wire != 2 {
			return
		}
		name := ""
		protoFields(entry, func(num, wire int, _ uint64, v []byte) {
			if num == 1 && wire == 2 {
				name = string(v)
			}
		})
		names = append(names, name)
	})
	return names
}

// MediaFile is one of the package's media files.
type MediaFile struct {
	Name string // the name notes use
	f    *zip.File
	zstd bool
}

// File finds the file a note's src names, as written or URL-escaped;
// false when the package holds none (nil m holds none).
func (m *Media) File(src string) (MediaFile, bool) {
	if m == nil {
		return MediaFile{}, false
	}
	name := src
	f, ok := m.files[name]
	if !ok {
		if u, err := url.PathUnescape(src); err == nil {
			name = u
			f, ok = m.files[name]
		}
	}
	return MediaFile{Name: name, f: f, zstd: m.zstd}, ok
}

// MediaTooLargeError is a media file whose zip entry says it unpacks to
// Size bytes, more than the most Read was asked to return.
type MediaTooLargeError struct {
	Name string
	Size int64
}

func (e *MediaTooLargeError) Error() string {
	return fmt.Sprintf("the package's file %s unpacks to %d bytes", printable(e.Name), e.Size)
}

// Read unpacks the file: at most limit+1 bytes, so that a caller can tell
// a file past limit. A file its zip entry says is larger is refused
// unread (*MediaTooLargeError); a damaged one is an *Error.
func (f MediaFile) Read(limit int64) ([]byte, error) {
	rc, err := f.f.Open()
	if err != nil {
		return nil, refusef("The package's file %s is damaged (%v); it cannot be imported", printable(f.Name), err)
	}
	defer rc.Close()
	if !f.zstd && f.f.UncompressedSize64 > uint64(limit) {
		return nil, &MediaTooLargeError{Name: f.Name, Size: int64(f.f.UncompressedSize64)}
	}
	var src io.Reader = rc
	if f.zstd {
		dec, err := zstd.NewReader(rc, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(uint64(limit+1)), zstd.WithDecoderMaxWindow(8<<20))
		if err != nil {
			return nil, err
		}
		defer dec.Close()
		src = dec
	}
	b, err := io.ReadAll(io.LimitReader(src, limit+1))
	if err != nil {
		return nil, refusef("The package's file %s is damaged (%v); it cannot be imported", printable(f.Name), err)
	}
	return b, nil
}
