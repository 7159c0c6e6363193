package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"
)

// testPNG is a distinct PNG of about size bytes: noise does not compress.
func testPNG(t testing.TB, seed, size int) []byte {
	side := 8
	for side*side*3 < size {
		side *= 2
	}
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	x := uint32(seed*2654435761 + 1)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = uint8(x)
	}
	img.Set(0, 0, color.NRGBA{uint8(seed), uint8(seed >> 8), 0, 255})
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mediaUser(t testing.TB, s *Store, name string) int64 {
	u, err := s.CreateUser(context.Background(), name, "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestMediaOwnershipAndDedup(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	ada, bob := mediaUser(t, s, "ada"), mediaUser(t, s, "bob")
	pic := testPNG(t, 1, 1000)

	m, err := s.AddMedia(ctx, ada, "photos/roc curve.png", pic)
	if err != nil {
		t.Fatal(err)
	}
	if m.ContentType != "image/png" || m.Name != "roc curve.png" || !strings.HasPrefix(m.URL(), "/media/") ||
		m.Markdown() != "![roc curve]("+m.URL()+")" {
		t.Errorf("media %+v, markdown %q", m, m.Markdown())
	}
	if _, _, err := s.MediaFile(ctx, bob, m.Hash); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob reads ada's image: err = %v", err)
	}
	// The same bytes from bob: stored once, owned by both.
	m2, err := s.AddMedia(ctx, bob, "copy.png", pic)
	if err != nil || m2.Hash != m.Hash {
		t.Fatalf("bob's copy: %+v, %v", m2, err)
	}
	// Ada again: nothing new counted.
	if _, err := s.AddMedia(ctx, ada, "again.png", pic); err != nil {
		t.Fatal(err)
	}
	var blobs, refs int
	s.reader.QueryRow("SELECT COUNT(*) FROM media_blobs").Scan(&blobs)
	s.reader.QueryRow("SELECT COUNT(*) FROM media").Scan(&refs)
	if blobs != 1 || refs != 2 {
		t.Errorf("%d blobs, %d references; want 1 and 2", blobs, refs)
	}
	u, _ := s.MediaUsage(ctx, ada)
	if u.Files != 1 || u.Bytes != m.Size {
		t.Errorf("ada's usage %+v", u)
	}
	// Bob's account goes: ada keeps her image, the blob stays.
	if err := s.DeleteUser(ctx, bob); err != nil {
		t.Fatal(err)
	}
	if _, data, err := s.MediaFile(ctx, ada, m.Hash); err != nil || !bytes.Equal(data, pic) {
		t.Fatalf("ada's image after bob left: %v", err)
	}
	if err := s.DeleteUser(ctx, ada); err != nil {
		t.Fatal(err)
	}
	s.reader.QueryRow("SELECT COUNT(*) FROM media_blobs").Scan(&blobs)
	if blobs != 0 {
		t.Errorf("%d blobs left with no owner", blobs)
	}
}

func TestMediaRefusals(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	s.MediaLimits = MediaLimits{MaxFile: 4000, MaxUser: 10000}
	ada := mediaUser(t, s, "ada")
	for _, tc := range []struct {
		name string
		file []byte
		want error
		says string
	}{
		{"evil.png", []byte("<html><script>alert(1)</script>"), ErrInvalid, `The image "evil.png" is not a PNG, JPEG, GIF, WebP or SVG image`},
		{"big.png", testPNG(t, 2, 6000), ErrTooLarge, `The image "big.png" is `},
		{"cut.png", testPNG(t, 3, 1000)[:60], ErrInvalid, `The image "cut.png" cannot be read`},
	} {
		_, err := s.AddMedia(ctx, ada, tc.name, tc.file)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: err = %v, want %v saying %q", tc.name, err, tc.want, tc.says)
		}
	}
	if u, _ := s.MediaUsage(ctx, ada); u.Files != 0 {
		t.Errorf("refused files were stored: %+v", u)
	}
}

// The per-user cap holds when uploads race: each is checked in the
// transaction that stores it, never before.
func TestMediaQuotaUnderParallelUploads(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	ada := mediaUser(t, s, "ada")
	one := int64(len(testPNG(t, 0, 3000)))
	s.MediaLimits = MediaLimits{MaxFile: 1 << 20, MaxUser: 5*one + one/2} // room for five
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.AddMedia(ctx, ada, fmt.Sprintf("p%d.png", i), testPNG(t, 100+i, 3000))
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrMediaQuota):
			refused++
			if !strings.Contains(err.Error(), "Your images take") {
				t.Errorf("quota message: %v", err)
			}
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	u, _ := s.MediaUsage(ctx, ada)
	if ok != 5 || refused != 11 || u.Files != 5 || u.Bytes > s.MediaLimits.MaxUser {
		t.Errorf("%d stored, %d refused, usage %+v (limit %d)", ok, refused, u, s.MediaLimits.MaxUser)
	}
}

// An image no card refers to goes a day after its upload; one a card (in
// the trash or not) refers to stays.
func TestSweepMedia(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	ada, bob := mediaUser(t, s, "ada"), mediaUser(t, s, "bob")
	used, _ := s.AddMedia(ctx, ada, "used.png", testPNG(t, 1, 500))
	trashed, _ := s.AddMedia(ctx, ada, "trashed.png", testPNG(t, 2, 500))
	loose, _ := s.AddMedia(ctx, ada, "loose.png", testPNG(t, 3, 500))
	// Bob refers to ada's image by its URL: that keeps nothing of ada's.
	bobs, _ := s.AddMedia(ctx, ada, "bobs.png", testPNG(t, 4, 500))
	if _, err := s.CreateCard(ctx, ada, CardInput{Front: "Look: " + used.Markdown(), Back: "b", Category: "data-quality"}); err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCard(ctx, ada, CardInput{Front: "f", Back: trashed.Markdown(), Category: "data-quality"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.TrashCards(ctx, ada, []int64{c.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCard(ctx, bob, CardInput{Front: bobs.Markdown(), Back: "b", Category: "data-quality"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.SweepMedia(ctx); n != 0 {
		t.Errorf("the sweep took %d images within their first day", n)
	}
	now = now.Add(MediaKeep + time.Minute)
	n, err := s.SweepMedia(ctx)
	if err != nil || n != 2 {
		t.Errorf("swept %d (%v), want 2", n, err)
	}
	for _, m := range []Media{used, trashed} {
		if _, _, err := s.MediaFile(ctx, ada, m.Hash); err != nil {
			t.Errorf("%s was swept: %v", m.Name, err)
		}
	}
	for _, m := range []Media{loose, bobs} {
		if _, _, err := s.MediaFile(ctx, ada, m.Hash); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s was kept: %v", m.Name, err)
		}
	}
	var blobs int
	s.reader.QueryRow("SELECT COUNT(*) FROM media_blobs").Scan(&blobs)
	if blobs != 2 {
		t.Errorf("%d blobs after the sweep, want 2", blobs)
	}
}

// A JSON export carries the images its cards show, in base64; a restore
// into another account brings them back, bounded like an upload.
func TestJSONExportRestoresImages(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	ada, bob := mediaUser(t, s, "ada"), mediaUser(t, s, "bob")
	shown, _ := s.AddMedia(ctx, ada, "shown.png", testPNG(t, 1, 800))
	if _, err := s.AddMedia(ctx, ada, "unused.png", testPNG(t, 2, 800)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCard(ctx, ada, CardInput{Front: "Q " + shown.Markdown(), Back: "A", Category: "data-quality"}); err != nil {
		t.Fatal(err)
	}
	var doc bytes.Buffer
	if err := s.ExportJSON(ctx, ada, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.String(), `"media":[`) || !strings.Contains(doc.String(), `"file":"`+shown.FileName()+`"`) ||
		strings.Count(doc.String(), `"file":`) != 1 {
		t.Fatalf("the export's media: %.300s", doc.String()[strings.Index(doc.String(), `"media"`):])
	}

	exp, err := ReadExport(bytes.NewReader(doc.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Restore(ctx, bob, exp)
	if err != nil {
		t.Fatal(err)
	}
	if res.Images != 1 {
		t.Errorf("restore result %+v", res)
	}
	_, got, err := s.MediaFile(ctx, bob, shown.Hash)
	if _, want, _ := s.MediaFile(ctx, ada, shown.Hash); err != nil || !bytes.Equal(got, want) {
		t.Errorf("bob's restored image: %v", err)
	}

	// Refusals store nothing.
	carol := mediaUser(t, s, "carol")
	tampered := strings.Replace(doc.String(), `"file":"`+shown.Hash, `"file":"`+strings.Repeat("0", 64), 1)
	for _, tc := range []struct {
		name, doc, says string
		setup           func()
	}{
		{"bytes not matching the name", tampered, "its bytes are not the image its name says", nil},
		{"over the quota", doc.String(), "Your images take", func() { s.MediaLimits.MaxUser = 100 }},
		{"over the per-image cap", doc.String(), "an image may be at most", func() { s.MediaLimits.MaxFile = 100 }},
		{"not an image", strings.Replace(doc.String(), `"data":"iVBORw0K`, `"data":"AAAAAAAA`, 1), "is not a PNG, JPEG, GIF, WebP or SVG image", nil},
	} {
		s.MediaLimits = DefaultMediaLimits
		if tc.setup != nil {
			tc.setup()
		}
		exp, err := ReadExport(strings.NewReader(tc.doc))
		if err == nil {
			_, err = s.Restore(ctx, carol, exp)
		}
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.says)
		}
		var cards, media int
		s.reader.QueryRow("SELECT COUNT(*) FROM cards WHERE user_id = ?", carol).Scan(&cards)
		s.reader.QueryRow("SELECT COUNT(*) FROM media WHERE user_id = ?", carol).Scan(&media)
		if cards != 0 || media != 0 {
			t.Errorf("%s: the refused restore stored %d cards and %d images", tc.name, cards, media)
		}
	}
}

// BenchmarkAddMedia stores distinct 4 MiB PNGs (sniff, clean, hash, one
// write transaction each); BenchmarkMediaFile reads one back as the
// server does to answer /media/....
func BenchmarkAddMedia(b *testing.B) {
	ctx := context.Background()
	s := openTestStore(b)
	s.MediaLimits.MaxUser = 1 << 40
	uid := mediaUser(b, s, "ada")
	files := make([][]byte, 16)
	for i := range files {
		files[i] = testPNG(b, i, 1<<20)
	}
	b.SetBytes(int64(len(files[0])))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := files[i%len(files)]
		f[len(f)/2] = byte(i) // distinct bytes: a new image each time
		if _, err := s.AddMedia(ctx, uid, "p.png", f); err != nil && !errors.Is(err, ErrInvalid) {
			b.Fatal(err)
		}
	}
}

func BenchmarkMediaFile(b *testing.B) {
	ctx := context.Background()
	s := openTestStore(b)
	uid := mediaUser(b, s, "ada")
	m, err := s.AddMedia(ctx, uid, "p.png", testPNG(b, 1, 1<<20))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(m.Size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := s.MediaFile(ctx, uid, m.Hash); err != nil {
			b.Fatal(err)
		}
	}
}
