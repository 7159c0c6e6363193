// Package mediafile reads the images a card may hold: it tells a PNG,
// JPEG, GIF, WebP or SVG file from anything else by its bytes (never by
// its name), and strips the metadata that can say where a photo was taken
// (EXIF, XMP) without decoding or re-encoding the picture. Bytes in,
// bytes out: no database, no I/O.
package mediafile

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Type is a kind of image this server keeps.
type Type struct {
	ContentType string // as served
	Ext         string // the extension its URL carries
}

// The images a card may hold.
var (
	PNG  = Type{"image/png", "png"}
	JPEG = Type{"image/jpeg", "jpg"}
	GIF  = Type{"image/gif", "gif"}
	WebP = Type{"image/webp", "webp"}
	SVG  = Type{"image/svg+xml", "svg"}
)

// Types are every kind, for looking one up by extension.
var Types = []Type{PNG, JPEG, GIF, WebP, SVG}

// ByExt returns the type whose URLs end in ext.
func ByExt(ext string) (Type, bool) {
	for _, t := range Types {
		if t.Ext == ext {
			return t, true
		}
	}
	return Type{}, false
}

// ErrUnsupported is a file that is none of the image types kept.
var ErrUnsupported = errors.New("not a PNG, JPEG, GIF, WebP or SVG image")

// ErrDamaged is a file that starts like an image but is not a whole one.
var ErrDamaged = errors.New("the image is damaged")

// Sniff tells the type of an image from its first bytes (an SVG from its
// root element). A name or a declared type is never trusted.
func Sniff(b []byte) (Type, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return JPEG, nil
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return GIF, nil
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return WebP, nil
	case isSVG(b):
		return SVG, nil
	}
	return Type{}, ErrUnsupported
}

// isSVG reports whether b is an XML document whose root element is svg.
func isSVG(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	dec := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
	dec.Strict = true
	for range 64 { // the XML declaration, comments, a doctype: then the root
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t.Name.Local == "svg"
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return false
			}
		}
	}
	return false
}

// Clean sniffs b and returns its type and its bytes without location
// metadata: a JPEG loses its APP1 (EXIF, XMP) and APP13 (IPTC) segments,
// a PNG its eXIf chunk and XMP text, a WebP its EXIF and XMP chunks, a
// GIF its comments and XMP, an SVG its <metadata> elements (where editors
// write RDF, authors and places). The picture's own bytes are copied as
// they are.
func Clean(b []byte) (Type, []byte, error) {
	t, err := Sniff(b)
	if err != nil {
		return t, nil, err
	}
	var out []byte
	switch t {
	case JPEG:
		out, err = cleanJPEG(b)
	case PNG:
		out, err = cleanPNG(b)
	case WebP:
		out, err = cleanWebP(b)
	case GIF:
		out, err = cleanGIF(b)
	case SVG:
		out, err = cleanSVG(b)
	default:
		out = b
	}
	if err != nil {
		return t, nil, fmt.Errorf("%w (%s: %v)", ErrDamaged, t.Ext, err)
	}
	return t, out, nil
}

// cleanJPEG copies the segments before the scan but APP1 and APP13, and
// the rest of the file from the start of the scan as it is.
func cleanJPEG(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b))
	out = append(out, 0xff, 0xd8)
	i := 2
	for {
		if i+2 > len(b) {
			return nil, io.ErrUnexpectedEOF
		}
		if b[i] != 0xff {
			return nil, fmt.Errorf("no marker at byte %d", i)
		}
		marker := b[i+1]
		switch {
		case marker == 0xff: // fill byte
			i++
			continue
		case marker == 0xd9: // end of image with no scan
			return append(out, b[i:]...), nil
		case marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7):
			out = append(out, b[i:i+2]...)
			i += 2
			continue
		}
		if i+4 > len(b) {
			return nil, io.ErrUnexpectedEOF
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil, fmt.Errorf("segment %#x runs past the end", marker)
		}
		seg := b[i : i+2+n]
		if marker == 0xda { // start of scan: the picture, then the end
			return append(out, b[i:]...), nil
		}
		if marker != 0xe1 && marker != 0xed {
			out = append(out, seg...)
		}
		i += 2 + n
	}
}

// cleanPNG copies every chunk but eXIf and XMP text (an iTXt chunk with
// the keyword XML:com.adobe.xmp), up to IEND.
func cleanPNG(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b))
	out = append(out, b[:8]...)
	for i := 8; ; {
		if i+12 > len(b) {
			return nil, io.ErrUnexpectedEOF
		}
		n := int64(binary.BigEndian.Uint32(b[i:]))
		if n > int64(len(b)-i-12) {
			return nil, fmt.Errorf("chunk at byte %d runs past the end", i)
		}
		typ := string(b[i+4 : i+8])
		data := b[i+8 : i+8+int(n)]
		end := i + 12 + int(n)
		drop := typ == "eXIf" || (typ == "iTXt" && bytes.HasPrefix(data, []byte("XML:com.adobe.xmp\x00")))
		if !drop {
			out = append(out, b[i:end]...)
		}
		if typ == "IEND" {
			return out, nil
		}
		i = end
	}
}

// cleanWebP copies every chunk but EXIF and XMP, clears their flags in a
// VP8X header, and writes the RIFF size anew.
func cleanWebP(b []byte) ([]byte, error) {
	size := int64(binary.LittleEndian.Uint32(b[4:8]))
	if size < 4 || size > int64(len(b)-8) {
		return nil, errors.New("the RIFF size does not match the file")
	}
	body := b[12 : 8+size]
	out := make([]byte, 12, len(b))
	copy(out, b[:12])
	for i := 0; i < len(body); {
		if i+8 > len(body) {
			return nil, io.ErrUnexpectedEOF
		}
		fourcc := string(body[i : i+4])
		n := int64(binary.LittleEndian.Uint32(body[i+4:]))
		padded := n + n&1
		if padded > int64(len(body)-i-8) {
			if padded == n+1 && n == int64(len(body)-i-8) {
				padded = n // a missing pad byte at the very end
			} else {
				return nil, fmt.Errorf("chunk %q runs past the end", fourcc)
			}
		}
		chunk := body[i : i+8+int(padded)]
		switch fourcc {
		case "EXIF", "XMP ":
		case "VP8X":
			c := bytes.Clone(chunk)
			if len(c) > 8 {
				c[8] &^= 0x08 | 0x04 // the EXIF and XMP flags
			}
			out = append(out, c...)
		default:
			out = append(out, chunk...)
		}
		i += 8 + int(padded)
	}
	binary.LittleEndian.PutUint32(out[4:8], uint32(len(out)-8))
	return out, nil
}

// cleanGIF copies the header, the colour table, the images and every
// extension but comments (label 0xFE) and XMP (an application extension
// named "XMP DataXMP"), up to the trailer.
func cleanGIF(b []byte) ([]byte, error) {
	if len(b) < 13 {
		return nil, io.ErrUnexpectedEOF
	}
	i := 13
	if flags := b[10]; flags&0x80 != 0 {
		i += 3 << (flags&7 + 1) // the global colour table
	}
	if i > len(b) {
		return nil, errors.New("the colour table runs past the end")
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:i]...)
	for {
		if i >= len(b) {
			return nil, io.ErrUnexpectedEOF
		}
		start := i
		drop := false
		switch b[i] {
		case 0x3b: // the trailer
			return append(out, 0x3b), nil
		case 0x21: // an extension: its label, then sub-blocks
			if i+2 > len(b) {
				return nil, io.ErrUnexpectedEOF
			}
			label := b[i+1]
			i += 2
			drop = label == 0xfe || (label == 0xff && i+12 <= len(b) && b[i] == 11 && string(b[i+1:i+12]) == "XMP DataXMP")
		case 0x2c: // an image: its descriptor, a local colour table, the LZW code size, then sub-blocks
			if i+11 > len(b) {
				return nil, io.ErrUnexpectedEOF
			}
			flags := b[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i++ // the LZW minimum code size
		default:
			return nil, fmt.Errorf("unknown block 0x%02x at byte %d", b[i], i)
		}
		for { // sub-blocks, each its length then its bytes, up to an empty one
			if i >= len(b) {
				return nil, io.ErrUnexpectedEOF
			}
			n := int(b[i])
			i += 1 + n
			if n == 0 {
				break
			}
		}
		if i > len(b) {
			return nil, io.ErrUnexpectedEOF
		}
		if !drop {
			out = append(out, b[start:i]...)
		}
	}
}

// cleanSVG cuts out every <metadata> element, leaving every other byte as
// it is. A file that is not well-formed XML is damaged: a browser would
// not draw it either.
func cleanSVG(b []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var cuts [][2]int64
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "metadata" {
			if err := dec.Skip(); err != nil {
				return nil, err
			}
			cuts = append(cuts, [2]int64{start, dec.InputOffset()})
		}
	}
	if len(cuts) == 0 {
		return b, nil
	}
	out := make([]byte, 0, len(b))
	at := int64(0)
	for _, c := range cuts {
		out = append(out, b[at:c[0]]...)
		at = c[1]
	}
	return append(out, b[at:]...), nil
}
