package data

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"hash/crc32"
	"os"
	"strings"
	"testing"
)

// Packages the importer must refuse with a clear reason, storing nothing
// and leaving no file behind.
func TestImportApkgRefusesHostilePackages(t *testing.T) {
	good := buildLegacyCollection(t, sampleAnki())
	truncated := good[:len(good)/2]
	garbled := append([]byte(nil), good...)
	for i := 100; i < len(garbled); i += 7 {
		garbled[i] ^= 0x5a
	}
	zeros := make([]byte, 64<<20)
	random := make([]byte, 2<<20)
	rand.Read(random)

	wrongSchema := buildCollection(t, "CREATE TABLE foo (x)", func(*sql.DB) {})
	missingColumn := buildCollection(t, strings.Replace(ankiSchema11, "ivl integer NOT NULL, factor", "factor", 1), func(db *sql.DB) {
		mustExec(t, db, `INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', '{}', '{}', '{}', '{}')`)
	})
	badModels := buildCollection(t, ankiSchema11, func(db *sql.DB) {
		mustExec(t, db, `INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', '{"1": {"name": 5}}', '{}', '{}', '{}')`)
	})
	noCol := buildCollection(t, ankiSchema11, func(*sql.DB) {})
	sample := ankiLayouts(t, sampleAnki())["legacy anki2"]
	onlyEmpty := sampleAnki()
	onlyEmpty.cards = onlyEmpty.cards[7:8] // the image-only note

	for _, tc := range []struct {
		name    string
		pkg     []byte
		limit   int64 // ankiMaxExtracted for the case, 0 for the default
		message string
	}{
		{"not a zip", []byte("Q1. What is this?\nAns: not a package"), 0, "not a zip archive"},
		{"empty zip", zipPackage(t), 0, "holds no collection"},
		{"only media", zipPackage(t, zipEntry{"media", []byte("{}")}, zipEntry{"0", []byte("png")}), 0, "holds no collection"},
		{"traversal names", zipPackage(t, zipEntry{"../collection.anki2", good}, zipEntry{"/tmp/collection.anki21", good},
			zipEntry{"sub/../../collection.anki21b", good}, zipEntry{`..\collection.anki2`, good}), 0, "holds no collection"},
		{"zip bomb", zipPackage(t, zipEntry{"collection.anki2", zeros}), 0, "zip bomb"},
		{"zstd bomb", zipPackage(t, zipEntry{"collection.anki21b", zstdCompress(t, zeros)}), 0, "zip bomb"},
		{"declared size over the cap", zipPackage(t, zipEntry{"collection.anki2", random}), 1 << 20, "unpacks to 2 MiB, more than the 1 MiB allowed"},
		{"unpacked size over the cap", zipPackage(t, zipEntry{"collection.anki21b", zstdCompress(t, bytes.Repeat(random[:64<<10], 32))}), 1 << 20, "unpacks to more than 1 MiB"},
		{"size lie", declaredSizeZip(t, "collection.anki2", random, 4), 0, "damaged"},
		{"absurd declared size", declaredSizeZip(t, "collection.anki2", []byte("tiny"), 1<<40), 0, "unpacks to 1048576 MiB"},
		{"not zstd", zipPackage(t, zipEntry{"collection.anki21b", good}), 0, "not zstd data"},
		{"not SQLite", zipPackage(t, zipEntry{"collection.anki2", []byte(strings.Repeat("not a database ", 100))}), 0, "not a readable SQLite database"},
		{"truncated SQLite", zipPackage(t, zipEntry{"collection.anki2", truncated}), 0, "collection"},
		{"garbled SQLite", zipPackage(t, zipEntry{"collection.anki2", garbled}), 0, "collection"},
		{"wrong schema", zipPackage(t, zipEntry{"collection.anki2", wrongSchema}), 0, "not an Anki collection: it has no col table"},
		{"missing column", zipPackage(t, zipEntry{"collection.anki2", missingColumn}), 0, "cannot be read (cards: "},
		{"unreadable note types", zipPackage(t, zipEntry{"collection.anki2", badModels}), 0, "note types (col.models) are not readable JSON"},
		{"no col row", zipPackage(t, zipEntry{"collection.anki2", noCol}), 0, "col table has no row"},
		{"no card with text", zipPackage(t, zipEntry{"collection.anki2", buildLegacyCollection(t, onlyEmpty)}), 0, "no card with text on both sides"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			if tc.limit > 0 {
				old := ankiMaxExtracted
				ankiMaxExtracted = tc.limit
				defer func() { ankiMaxExtracted = old }()
			}
			ctx := context.Background()
			s, uid := ankiTestStore(t)
			if _, err := importApkg(t, s, uid, sample, ""); err != nil {
				t.Fatal(err)
			}
			res, err := importApkg(t, s, uid, tc.pkg, "")
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("error %v; want ErrInvalid saying %q", err, tc.message)
			}
			t.Log(err)
			if res.Added != 0 {
				t.Errorf("result %+v says cards were added", res)
			}
			var reviews int
			s.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM reviews").Scan(&reviews)
			if n, _ := s.CountCards(ctx, uid); n != 7 || reviews != 8 {
				t.Errorf("%d cards and %d reviews after a refused package; want 7 and 8", n, reviews)
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("the import left %v in the temporary directory", left)
			}
		})
	}
}

// Many cards of one long cloze note would render it again and again: the
// import stops at its work budget instead of keeping the server busy.
func TestImportApkgWorkBudget(t *testing.T) {
	old := ankiMaxWork
	ankiMaxWork = 8 << 20
	defer func() { ankiMaxWork = old }()
	fx := sampleAnki()
	fx.notes = []fixtureNote{{1, "huge", 1003, "", []string{"{{c1::a}} " + strings.Repeat("x", 64<<10), ""}}}
	fx.cards = nil
	for ord := range 500 {
		fx.cards = append(fx.cards, ankiCard{id: int64(ord + 1), nid: 1, did: 1, ord: ord})
	}
	fx.revlog = nil
	s, uid := ankiTestStore(t)
	_, err := importApkg(t, s, uid, ankiLayouts(t, fx)["legacy anki2"], "")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "too large to read") {
		t.Fatalf("error %v; want the work budget's", err)
	}
	if n, _ := s.CountCards(context.Background(), uid); n != 0 {
		t.Errorf("%d cards stored", n)
	}
}

// declaredSizeZip writes a stored entry whose header claims size bytes.
func declaredSizeZip(t *testing.T, name string, data []byte, size uint64) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(len(data)), UncompressedSize64: size})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestIsApkg(t *testing.T) {
	for in, want := range map[string]bool{"PK\x03\x04rest": true, "PK\x05\x06": true, "PK": false, "Q1. x": false, "": false} {
		if got := IsApkg([]byte(in)); got != want {
			t.Errorf("IsApkg(%q) = %v", in, got)
		}
	}
}
