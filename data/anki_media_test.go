package data

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/internal/testkit/ankitest"
)

// pngWithExif is a PNG carrying an eXIf chunk with a GPS marker.
func pngWithExif(t testing.TB, seed int) []byte {
	p := testPNG(t, seed, 800)
	data := []byte("MM\x00\x2a\x00\x00\x00\x08GPSLatitude 48.8584")
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], "eXIf")
	c = append(c, data...)
	c = binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	at := 8 + 25 // after IHDR
	return append(append(append([]byte(nil), p[:at]...), c...), p[at:]...)
}

// mediaFixture is one Basic note showing an image on each side (one named
// with a space, referred to URL-encoded), and a sound.
func mediaFixture() ankitest.Fixture {
	sample := ankitest.Sample()
	return ankitest.Fixture{
		Created: sample.Created, Rollover: 4,
		Notetypes: sample.Notetypes[:1], // Basic, 1001
		Decks:     map[int64]string{1: "Default"},
		Notes: []ankitest.Note{
			{ID: 1, GUID: "imgGuid1", Mid: 1001, Fields: []string{`Which curve? <img src="roc%20curve.png" alt="ROC">`,
				`Above the diagonal.<br><img src="diagonal.png">[sound:say.mp3]`}},
		},
		Cards: []ankitest.Card{{ID: 101, Nid: 1, Did: 1, Ord: 0, Type: 2, Queue: 2, Due: 70, Ivl: 10, Factor: 2300, Reps: 3}},
	}
}

func mediaPackage(t testing.TB, fx ankitest.Fixture, files map[string][]byte, list map[string]string) []byte {
	entries := []ankitest.Entry{ankitest.File("collection.anki2", ankiBuild.Legacy(t, fx))}
	for num, b := range files {
		entries = append(entries, ankitest.File(num, b))
	}
	l, _ := json.Marshal(list)
	return ankitest.Zip(t, append(entries, ankitest.File("media", l))...)
}

var mediaMarkdown = regexp.MustCompile(`!\[([^\]]*)\]\(/media/([0-9a-f]{64})\.png\)`)

func TestImportApkgKeepsImages(t *testing.T) {
	ctx := context.Background()
	s, uid := ankiTestStore(t)
	roc, diag := pngWithExif(t, 1), testPNG(t, 2, 600)
	pkg := mediaPackage(t, mediaFixture(),
		map[string][]byte{"0": roc, "1": diag, "2": []byte("ID3\x03\x00 not an image")},
		map[string]string{"0": "roc curve.png", "1": "diagonal.png", "2": "say.mp3"})
	res, err := importApkg(t, s, uid, pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1 || res.Images != 2 || res.Media != 1 {
		t.Errorf("result %+v; want 1 added, 2 images, 1 dropped (the sound)", res)
	}
	c := cardsByKey(t, s, uid)["anki:imgGuid1:0"]
	front := mediaMarkdown.FindStringSubmatch(c.Front)
	back := mediaMarkdown.FindStringSubmatch(c.Back)
	if front == nil || back == nil || front[1] != "ROC" || !strings.HasPrefix(c.Front, "Which curve? ![ROC](/media/") {
		t.Fatalf("card: front %q, back %q", c.Front, c.Back)
	}
	if !strings.Contains(c.FrontHTML, `<img class="card-image" src="/media/`+front[2]+`.png" alt="ROC"`) {
		t.Errorf("front HTML %q", c.FrontHTML)
	}
	_, stored, err := s.MediaFile(ctx, uid, front[2])
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte("GPSLatitude")) || len(stored) >= len(roc) {
		t.Error("the imported image kept its EXIF location")
	}
	if _, b, _ := s.MediaFile(ctx, uid, back[2]); !bytes.Equal(b, diag) {
		t.Error("the back's image differs from the package's")
	}
}

// An .apkg with images goes round: import, export, import into another
// account: the same cards, the same images, byte for byte.
func TestApkgWithImagesRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, ada := ankiTestStore(t)
	pkg := mediaPackage(t, mediaFixture(), map[string][]byte{"0": pngWithExif(t, 1), "1": testPNG(t, 2, 600)},
		map[string]string{"0": "roc curve.png", "1": "diagonal.png"})
	if _, err := importApkg(t, s, ada, pkg, ""); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := s.ExportApkg(ctx, ada, &out); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var list map[string]string
	for _, f := range zr.File {
		if f.Name == "media" {
			rc, _ := f.Open()
			json.NewDecoder(rc).Decode(&list)
			rc.Close()
		}
	}
	if len(list) != 2 || !strings.HasSuffix(list["0"], ".png") || !strings.HasSuffix(list["1"], ".png") {
		t.Fatalf("the export's media list: %v", list)
	}

	bob := mediaUser(t, s, "bob")
	res, err := importApkg(t, s, bob, out.Bytes(), "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1 || res.Images != 2 {
		t.Errorf("re-import: %+v", res)
	}
	var adaCard, bobCard Card
	for _, c := range cardsByKey(t, s, ada) {
		adaCard = c
	}
	for _, c := range cardsByKey(t, s, bob) {
		bobCard = c
	}
	if adaCard.Front != bobCard.Front || adaCard.Back != bobCard.Back {
		t.Errorf("the text changed on the way:\n%q / %q\n%q / %q", adaCard.Front, adaCard.Back, bobCard.Front, bobCard.Back)
	}
	for _, h := range mediaRefs(bobCard.Front, bobCard.Back) {
		_, a, err1 := s.MediaFile(ctx, ada, h)
		_, b, err2 := s.MediaFile(ctx, bob, h)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("image %s: ada %v, bob %v, equal %v", h, err1, err2, bytes.Equal(a, b))
		}
	}
}

// The current layout: a zstd protobuf media list and zstd files.
func TestImportApkgImagesCurrentLayout(t *testing.T) {
	s, uid := ankiTestStore(t)
	fx := mediaFixture()
	pkg := ankitest.Zip(t, ankitest.File("collection.anki2", ankiBuild.Stub(t)),
		ankitest.File("collection.anki21b", ankitest.ZstdCompress(t, ankiBuild.Current(t, fx))),
		ankitest.File("0", ankitest.ZstdCompress(t, testPNG(t, 1, 600))), ankitest.File("1", ankitest.ZstdCompress(t, testPNG(t, 2, 600))),
		ankitest.File("media", ankitest.ZstdCompress(t, ankitest.MediaList("roc curve.png", "diagonal.png"))))
	res, err := importApkg(t, s, uid, pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Images != 2 {
		t.Errorf("result %+v, want 2 images", res)
	}
}

// Hostile packages are refused with their reason, and nothing is stored:
// no card, no image.
func TestImportApkgHostileMedia(t *testing.T) {
	fx := mediaFixture()
	list := map[string]string{"0": "roc curve.png", "1": "diagonal.png"}
	ok := map[string][]byte{"0": testPNG(t, 1, 600), "1": testPNG(t, 2, 600)}
	withFiles := func(extra map[string][]byte) map[string][]byte {
		m := map[string][]byte{}
		for k, v := range ok {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	random := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}
	many := map[string][]byte{}
	for i := range 30 {
		many[strconv.Itoa(100+i)] = []byte("x")
	}

	for _, tc := range []struct {
		name  string
		pkg   func() []byte
		setup func(s *Store) func()
		says  string
	}{
		{"zip bomb", func() []byte {
			return mediaPackage(t, fx, withFiles(map[string][]byte{"7": make([]byte, 24<<20)}), list)
		}, nil, "times its packed size, as a zip bomb does"},
		{"too many files", func() []byte { return mediaPackage(t, fx, withFiles(many), list) },
			func(*Store) func() { old := ankiLimits; ankiLimits.Files = 20; return func() { ankiLimits = old } },
			"The package holds 34 files, more than the 20 allowed"},
		{"huge single file", func() []byte { return mediaPackage(t, fx, withFiles(map[string][]byte{"9": random(3 << 20)}), list) },
			func(*Store) func() {
				old := ankiLimits
				ankiLimits.MediaFile = 2 << 20
				return func() { ankiLimits = old }
			}, "unpacks to 3 MiB, more than the 2 MiB allowed for one file"},
		{"all files together too large", func() []byte {
			return mediaPackage(t, fx, withFiles(map[string][]byte{"8": random(2 << 20), "9": random(2 << 20)}), list)
		}, func(*Store) func() {
			old := ankiLimits
			ankiLimits.Media = 3 << 20
			return func() { ankiLimits = old }
		}, "The package's files unpack to more than the 3 MiB allowed"},
		{"an image over the per-file cap", func() []byte {
			return mediaPackage(t, fx, withFiles(map[string][]byte{"0": testPNG(t, 3, 40000)}), list)
		}, func(s *Store) func() { s.MediaLimits.MaxFile = 20000; return func() {} }, `The image "roc curve.png" is`},
		{"images past the user's quota", func() []byte { return mediaPackage(t, fx, ok, list) },
			func(s *Store) func() { s.MediaLimits.MaxUser = 1000; return func() {} }, "Your images take 0 bytes of the"},
		{"a damaged media list", func() []byte {
			return ankitest.Zip(t, ankitest.File("collection.anki2", ankiBuild.Legacy(t, fx)), ankitest.File("media", []byte(`{"0": 1`)))
		}, nil, "The package's media list is damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, uid := ankiTestStore(t)
			if tc.setup != nil {
				defer tc.setup(s)()
			}
			_, err := importApkg(t, s, uid, tc.pkg(), "")
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("err = %v, want one saying %q", err, tc.says)
			}
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrMediaQuota) {
				t.Errorf("err %v is neither ErrInvalid nor ErrMediaQuota", err)
			}
			var cards, media, blobs int
			s.reader.QueryRow("SELECT COUNT(*) FROM cards WHERE user_id = ?", uid).Scan(&cards)
			s.reader.QueryRow("SELECT COUNT(*) FROM media").Scan(&media)
			s.reader.QueryRow("SELECT COUNT(*) FROM media_blobs").Scan(&blobs)
			if cards != 0 || media != 0 || blobs != 0 {
				t.Errorf("a refused package stored %d cards, %d images, %d blobs", cards, media, blobs)
			}
		})
	}
}
