package mediafile

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// gpsExif is a TIFF-structured EXIF block whose GPS IFD says 48°51'N:
// what a phone writes, reduced to the parts a reader of location needs.
func gpsExif() []byte {
	var b bytes.Buffer
	b.WriteString("MM\x00\x2a\x00\x00\x00\x08")
	// IFD0: one entry, the GPS IFD pointer (0x8825) at offset 26.
	b.Write([]byte{0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0})
	// GPS IFD: GPSLatitudeRef "N", then the marker a test looks for.
	b.Write([]byte{0, 1, 0, 1, 0, 2, 0, 0, 0, 2, 'N', 0, 0, 0, 0, 0, 0, 0})
	b.WriteString("GPSLatitude 48.8584 GPSLongitude 2.2945")
	return b.Bytes()
}

const gpsMarker = "GPSLatitude 48.8584"

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		for y := range 6 {
			img.Set(x, y, color.RGBA{uint8(x * 30), uint8(y * 40), 200, 255})
		}
	}
	return img
}

// jpegWithGPS is a JPEG with an EXIF APP1 segment carrying GPS tags, an
// XMP APP1 segment with a location, and an IPTC APP13 segment.
func jpegWithGPS(t *testing.T) []byte {
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	segment := func(marker byte, body []byte) []byte {
		s := []byte{0xff, marker, 0, 0}
		binary.BigEndian.PutUint16(s[2:], uint16(len(body)+2))
		return append(s, body...)
	}
	src := enc.Bytes()
	var out []byte
	out = append(out, src[:2]...)
	out = append(out, segment(0xe1, append([]byte("Exif\x00\x00"), gpsExif()...))...)
	out = append(out, segment(0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>48,51.5N</exif:GPSLatitude></x:xmpmeta>"))...)
	out = append(out, segment(0xed, []byte("Photoshop 3.0\x008BIM GPSLatitude 48.8584"))...)
	return append(out, src[2:]...)
}

func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// pngWithGPS is a PNG with an eXIf chunk and an XMP iTXt chunk, both
// before the image data as cameras write them.
func pngWithGPS(t *testing.T) []byte {
	var enc bytes.Buffer
	if err := png.Encode(&enc, testImage()); err != nil {
		t.Fatal(err)
	}
	src := enc.Bytes()
	ihdrEnd := 8 + 25 // signature, then IHDR: 4 + 4 + 13 + 4
	var out []byte
	out = append(out, src[:ihdrEnd]...)
	out = append(out, pngChunk("eXIf", gpsExif())...)
	out = append(out, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<exif:GPSLatitude>48,51.5N</exif:GPSLatitude>"))...)
	out = append(out, pngChunk("tEXt", []byte("Comment\x00kept"))...)
	return append(out, src[ihdrEnd:]...)
}

// tinyWebP is a 1x1 lossless WebP (the image browsers' WebP checks use).
const tinyWebP = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="

func riffChunk(fourcc string, data []byte) []byte {
	c := make([]byte, 8, 9+len(data))
	copy(c, fourcc)
	binary.LittleEndian.PutUint32(c[4:], uint32(len(data)))
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// webpWithGPS is the extended layout: VP8X with the EXIF and XMP flags
// set, the picture, then EXIF and XMP chunks.
func webpWithGPS(t *testing.T) []byte {
	src, err := base64.StdEncoding.DecodeString(tinyWebP)
	if err != nil {
		t.Fatal(err)
	}
	vp8l := src[12:]
	vp8x := riffChunk("VP8X", []byte{0x08 | 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	var body []byte
	body = append(body, "WEBP"...)
	body = append(body, vp8x...)
	body = append(body, vp8l...)
	body = append(body, riffChunk("EXIF", gpsExif())...)
	body = append(body, riffChunk("XMP ", []byte("<exif:GPSLatitude>48,51.5N</exif:GPSLatitude>"))...)
	out := []byte("RIFF\x00\x00\x00\x00")
	binary.LittleEndian.PutUint32(out[4:], uint32(len(body)))
	return append(out, body...)
}

// gifWithGPS is an animated GIF (so it has a NETSCAPE2.0 loop extension,
// which must stay) with a comment and an XMP packet naming a place.
func gifWithGPS(t *testing.T) []byte {
	t.Helper()
	pal := color.Palette{color.Black, color.White}
	frame := image.NewPaletted(image.Rect(0, 0, 8, 6), pal)
	frame.SetColorIndex(3, 3, 1)
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{frame, frame}, Delay: []int{10, 10}, LoopCount: 0}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	at := 13 // after the screen descriptor, and the global colour table if any
	if b[10]&0x80 != 0 {
		at += 3 << (b[10]&7 + 1)
	}
	comment := append([]byte{0x21, 0xfe, byte(len(gpsMarker))}, append([]byte(gpsMarker), 0)...)
	xmp := []byte{0x21, 0xff, 11}
	xmp = append(xmp, "XMP DataXMP"...)
	packet := "<x:xmpmeta>" + gpsMarker + "</x:xmpmeta>"
	xmp = append(xmp, byte(len(packet)))
	xmp = append(append(xmp, packet...), 0)
	out := append([]byte(nil), b[:at]...)
	out = append(append(out, comment...), xmp...)
	return append(out, b[at:]...)
}

const svgWithGPS = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" width="8" height="6">
  <metadata><rdf:RDF><rdf:Description>` + gpsMarker + `</rdf:Description></rdf:RDF></metadata>
  <rect width="8" height="6" fill="&amp;red"/><metadata/>
  <g><metadata id="m">` + gpsMarker + `</metadata><title>kept</title></g>
</svg>`

func TestCleanStripsLocation(t *testing.T) {
	for _, tc := range []struct {
		name string
		file []byte
		want Type
		gone []string
		kept []string
	}{
		{"jpeg", jpegWithGPS(t), JPEG, []string{"Exif\x00\x00", "GPSLatitude", "Photoshop 3.0", "xmpmeta"}, nil},
		{"png", pngWithGPS(t), PNG, []string{"eXIf", "GPSLatitude", "XML:com.adobe.xmp"}, []string{"Comment\x00kept"}},
		{"webp", webpWithGPS(t), WebP, []string{"EXIF", "XMP ", "GPSLatitude"}, []string{"VP8X", "VP8L"}},
		{"gif", gifWithGPS(t), GIF, []string{"GPSLatitude", "XMP DataXMP"}, []string{"NETSCAPE2.0"}},
		{"svg", []byte(svgWithGPS), SVG, []string{"GPSLatitude", "<metadata", "</metadata>"}, []string{`<rect width="8" height="6" fill="&amp;red"/>`, "<title>kept</title>", "<?xml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Contains(tc.file, []byte(gpsMarker)) {
				t.Fatal("the crafted file carries no GPS tag")
			}
			typ, out, err := Clean(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if typ != tc.want {
				t.Errorf("type %v, want %v", typ, tc.want)
			}
			for _, g := range tc.gone {
				if bytes.Contains(out, []byte(g)) {
					t.Errorf("the cleaned file still holds %q", g)
				}
			}
			for _, k := range tc.kept {
				if !bytes.Contains(out, []byte(k)) {
					t.Errorf("the cleaned file lost %q", k)
				}
			}
			switch tc.want {
			case JPEG, PNG:
				img, _, err := image.Decode(bytes.NewReader(out))
				if err != nil {
					t.Fatalf("the cleaned file does not decode: %v", err)
				}
				if b := img.Bounds(); b.Dx() != 8 || b.Dy() != 6 {
					t.Errorf("cleaned image is %v", b)
				}
				// Not re-encoded: the picture's bytes are the encoder's own.
				orig, _, _ := image.Decode(bytes.NewReader(tc.file))
				if r1, _, _, _ := img.At(3, 3).RGBA(); func() uint32 { r, _, _, _ := orig.At(3, 3).RGBA(); return r }() != r1 {
					t.Error("the picture changed")
				}
			case GIF:
				g, err := gif.DecodeAll(bytes.NewReader(out))
				if err != nil {
					t.Fatalf("the cleaned file does not decode: %v", err)
				}
				if len(g.Image) != 2 || g.LoopCount != 0 || g.Image[0].ColorIndexAt(3, 3) != 1 {
					t.Errorf("the animation changed: %d frames, loop %d", len(g.Image), g.LoopCount)
				}
			case SVG:
				if !isSVG(out) {
					t.Errorf("the cleaned file is no longer an SVG:\n%s", out)
				}
			case WebP:
				if size := binary.LittleEndian.Uint32(out[4:8]); int(size) != len(out)-8 {
					t.Errorf("RIFF size %d, file %d", size, len(out))
				}
				if flags := out[12+8]; flags&0x0c != 0 {
					t.Errorf("VP8X flags %#x still announce EXIF or XMP", flags)
				}
			}
			// Cleaning a clean file changes nothing.
			if _, again, err := Clean(out); err != nil || !bytes.Equal(again, out) {
				t.Errorf("cleaning twice changed the file (err %v)", err)
			}
		})
	}
}

func TestSniffTrustsBytesNotNames(t *testing.T) {
	var g bytes.Buffer
	if err := gif.Encode(&g, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		file string
		want Type
		err  error
	}{
		{"gif", g.String(), GIF, nil},
		{"svg", `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`, SVG, nil},
		{"svg with declaration and comment", "\uFEFF<?xml version=\"1.0\"?>\n<!-- drawn -->\n<!DOCTYPE svg>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", SVG, nil},
		{"html is not svg", `<html><svg></svg></html>`, Type{}, ErrUnsupported},
		{"text is not svg", `hello <svg>`, Type{}, ErrUnsupported},
		{"a script", "#!/bin/sh\necho hi", Type{}, ErrUnsupported},
		{"a pdf", "%PDF-1.4\n", Type{}, ErrUnsupported},
		{"empty", "", Type{}, ErrUnsupported},
		{"riff but wave", "RIFF\x04\x00\x00\x00WAVE", Type{}, ErrUnsupported},
	} {
		got, err := Sniff([]byte(tc.file))
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("%s: Sniff = %v, %v; want %v, %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

func TestCleanRefusesDamagedFiles(t *testing.T) {
	j := jpegWithGPS(t)
	p := pngWithGPS(t)
	w := webpWithGPS(t)
	g := gifWithGPS(t)
	for name, file := range map[string][]byte{
		"gif cut":                g[:len(g)-20],
		"gif unknown block":      append(append([]byte(nil), g[:13+6]...), 0x99, 0x3b),
		"svg not well-formed":    []byte(`<svg xmlns="http://www.w3.org/2000/svg"><metadata></svg>`),
		"jpeg cut in its header": j[:30],
		"jpeg segment too long":  append([]byte{0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff}, 1, 2, 3),
		"png cut":                p[:40],
		"png chunk too long":     append(append([]byte(nil), p[:8]...), 0xff, 0xff, 0xff, 0xff, 'I', 'H', 'D', 'R'),
		"webp size past the end": append(append([]byte(nil), w[:4]...), append([]byte{0xff, 0xff, 0xff, 0x7f}, w[8:]...)...),
	} {
		if _, _, err := Clean(file); !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: err = %v, want ErrDamaged", name, err)
		}
	}
}
