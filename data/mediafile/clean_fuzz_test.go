package mediafile

import (
	"bytes"
	"testing"
)

// FuzzClean: any bytes give an image or an error, never a panic, and a
// cleaned image is clean: cleaning it again changes nothing and keeps its
// type.
func FuzzClean(f *testing.F) {
	f.Add(jpegWithGPS(&testing.T{}))
	f.Add(pngWithGPS(&testing.T{}))
	f.Add(webpWithGPS(&testing.T{}))
	f.Add(gifWithGPS(&testing.T{}))
	f.Add([]byte(svgWithGPS))
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, out, err := Clean(b)
		if err != nil {
			return
		}
		typ2, again, err := Clean(out)
		if err != nil || typ2 != typ || !bytes.Equal(again, out) {
			t.Fatalf("cleaning a cleaned %s again: %v, %s, changed %v", typ.Ext, err, typ2.Ext, !bytes.Equal(again, out))
		}
	})
}
