// Package ankitest crafts Anki packages for tests: a Fixture describes a
// collection's note types, decks, notes, cards and review log, and a
// Builder writes it as the collection and the package Anki would, in
// each layout Anki writes. No binary fixture is committed. The tests of
// data/anki and of data use it; only tests import it (TestPackageImports
// checks), and it imports none of our packages, so data/anki's own tests
// can use it without an import cycle.
package ankitest

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"modernc.org/sqlite"
)

// Notetype is one of a collection's note types.
type Notetype struct {
	ID        int64
	Name      string
	Cloze     bool // Anki's kind; a template can say cloze too
	Fields    []string
	Templates [][2]string // qfmt, afmt
}

// Note is one row of Anki's notes table.
type Note struct {
	ID     int64
	GUID   string
	Mid    int64  // its note type
	Tags   string // as Anki keeps them: space-separated, spaces around
	Fields []string
}

// Card is one row of Anki's cards table. Its fields are anki.Card's, in
// the same order, so a test of data/anki converts one to the other (and
// the conversion stops compiling if they part).
type Card struct {
	ID     int64
	Nid    int64 // its note
	Did    int64 // its deck
	Ord    int   // its template, or its cloze number less one
	Type   int   // 0 new, 1 learning, 2 review, 3 relearning
	Queue  int   // much as Type; -1 suspended, -2 and -3 buried
	Due    int64 // new: a position; review: days since the collection began; learning: s since the epoch
	Ivl    int   // days
	Factor int   // ease, in permille
	Reps   int
	Lapses int
	Odue   int64 // in a filtered deck: the due in its home deck
	Odid   int64 // in a filtered deck: its home deck
}

// Review is one row of Anki's revlog, with anki.Review's fields.
type Review struct {
	ID      int64 // answered at, ms since the epoch
	Cid     int64 // the card
	Ease    int   // the button, 1 to 4; 0 for a card rescheduled by hand
	Ivl     int   // days after the answer; negative: seconds
	LastIvl int   // as Ivl, before the answer
	Factor  int
	TimeMS  int64 // the time taken to answer
	Type    int   // 0 learning, 1 review, 2 relearning, 3 filtered, 4 by hand
}

// Fixture is what a collection holds. A negative Rollover writes none.
type Fixture struct {
	Created   int64 // crt: s since the epoch
	Rollover  int
	Notetypes []Notetype
	Decks     map[int64]string // levels separated by "::"
	Notes     []Note
	Cards     []Card
	Revlog    []Review
}

// Millis is a UTC time as a revlog id: ms since the epoch.
func Millis(y int, m time.Month, d, h, min int) int64 {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC).UnixMilli()
}

// Sample covers basic, reversed and cloze notes (the cloze type named in
// another language), tags, scheduled, new, learning and suspended cards,
// a card with no text left, one with no note, and a review log with a
// review of a card that is not there.
func Sample() Fixture {
	return Fixture{
		Created:  time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC).Unix(),
		Rollover: 4,
		Notetypes: []Notetype{
			{ID: 1001, Name: "Basic", Fields: []string{"Front", "Back"},
				Templates: [][2]string{{"{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"}}},
			{ID: 1002, Name: "Basic (and reversed card)", Fields: []string{"Front", "Back"},
				Templates: [][2]string{{"{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"}, {"{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}"}}},
			// The name does not say cloze: the kind (and the template) do.
			{ID: 1003, Name: "Lückentext", Cloze: true, Fields: []string{"Text", "Back Extra"},
				Templates: [][2]string{{"{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}"}}},
		},
		Decks: map[int64]string{1: "Default", 2001: "Interview::ML"},
		Notes: []Note{
			{1, "basicGuid1", 1001, " data_quality ", []string{"What is <b>overfitting</b>?",
				`Fitting noise:<ul><li>high variance</li><li>poor generalization</li></ul><img src="curve.png">`}},
			{2, "revGuid2", 1002, " ML::accuracy_only extra ", []string{"Precision", "TP / (TP + FP)"}},
			{3, "clozeGuid3", 1003, "", []string{"{{c1::Bagging}} reduces variance; {{c2::boosting::method}} reduces bias.[sound:ensemble.mp3]", "See <i>ensembles</i>"}},
			{4, "newGuid4", 1001, " Data_Quality ", []string{"What is data leakage?", "Training on information unavailable at prediction time"}},
			{5, "suspGuid5", 1001, " ", []string{"Suspended question", "Suspended answer"}},
			{6, "emptyGuid6", 1001, "", []string{`<img src="only.png">`, "Answer to an image"}},
		},
		Cards: []Card{
			{ID: 101, Nid: 1, Did: 2001, Ord: 0, Type: 2, Queue: 2, Due: 70, Ivl: 10, Factor: 2300, Reps: 6, Lapses: 1},
			{ID: 201, Nid: 2, Did: 2001, Ord: 0, Type: 2, Queue: 2, Due: 60, Ivl: 3, Factor: 2500, Reps: 2},
			{ID: 202, Nid: 2, Did: 2001, Ord: 1, Type: 0, Queue: 0, Due: 7},
			{ID: 301, Nid: 3, Did: 1, Ord: 0, Type: 2, Queue: 2, Due: 100, Ivl: 40, Factor: 2650, Reps: 4},
			{ID: 302, Nid: 3, Did: 1, Ord: 1, Type: 1, Queue: 1, Due: Millis(2026, 3, 10, 11, 1) / 1000, Factor: 2500, Reps: 1},
			{ID: 401, Nid: 4, Did: 1, Ord: 0, Type: 0, Queue: 0, Due: 8},
			{ID: 501, Nid: 5, Did: 1, Ord: 0, Type: 2, Queue: -1, Due: 90, Ivl: 20, Factor: 1200, Reps: 9, Lapses: 3},
			{ID: 601, Nid: 6, Did: 1, Ord: 0, Type: 0, Queue: 0, Due: 9},
			{ID: 701, Nid: 99, Did: 1, Ord: 0, Type: 0, Queue: 0, Due: 10},
		},
		Revlog: []Review{
			{ID: Millis(2026, 1, 5, 10, 0), Cid: 101, Ease: 3, Ivl: -600, LastIvl: 0, Factor: 0, TimeMS: 8000, Type: 0},
			{ID: Millis(2026, 1, 5, 10, 10), Cid: 101, Ease: 3, Ivl: 1, LastIvl: -600, Factor: 2500, TimeMS: 6000, Type: 0},
			{ID: Millis(2026, 1, 6, 9, 0), Cid: 101, Ease: 3, Ivl: 4, LastIvl: 1, Factor: 2500, TimeMS: 5000, Type: 1},
			{ID: Millis(2026, 1, 10, 9, 0), Cid: 101, Ease: 1, Ivl: 1, LastIvl: 4, Factor: 2300, TimeMS: 20000, Type: 1},
			{ID: Millis(2026, 1, 11, 9, 0), Cid: 101, Ease: 3, Ivl: 10, LastIvl: 1, Factor: 2300, TimeMS: 700000, Type: 1},
			{ID: Millis(2026, 1, 12, 9, 0), Cid: 101, Ease: 0, Ivl: 10, LastIvl: 10, Factor: 2300, TimeMS: 0, Type: 4},
			{ID: Millis(2026, 1, 13, 9, 0), Cid: 101, Ease: 2, Ivl: 10, LastIvl: 10, Factor: 2300, TimeMS: 4000, Type: 3},
			{ID: Millis(2026, 2, 27, 9, 0), Cid: 201, Ease: 2, Ivl: 3, LastIvl: 1, Factor: 2500, TimeMS: 3000, Type: 1},
			{ID: Millis(2026, 3, 10, 11, 0), Cid: 302, Ease: 1, Ivl: -60, LastIvl: 0, Factor: 0, TimeMS: 9000, Type: 0},
			{ID: Millis(2026, 2, 1, 9, 0), Cid: 999, Ease: 3, Ivl: 5, LastIvl: 2, Factor: 2500, TimeMS: 1000, Type: 1},
		},
	}
}

// Builder writes fixtures as Anki collections and packages. Schema11 is
// the schema Anki 2.1 reads as version 11 (anki.Schema11, handed in:
// this package cannot import the package whose tests use it).
type Builder struct {
	Schema11 string
}

// Legacy writes the fixture as a schema 11 collection, note types and
// decks as JSON in col.
func (b Builder) Legacy(t testing.TB, fx Fixture) []byte {
	t.Helper()
	models := map[string]any{}
	for _, nt := range fx.Notetypes {
		var flds, tmpls []any
		for i, f := range nt.Fields {
			flds = append(flds, map[string]any{"name": f, "ord": i, "sticky": false, "rtl": false, "font": "Arial", "size": 20})
		}
		for i, tm := range nt.Templates {
			tmpls = append(tmpls, map[string]any{"name": "Card " + strconv.Itoa(i+1), "ord": i, "qfmt": tm[0], "afmt": tm[1]})
		}
		typ := 0
		if nt.Cloze {
			typ = 1
		}
		models[strconv.FormatInt(nt.ID, 10)] = map[string]any{"id": nt.ID, "name": nt.Name, "type": typ, "flds": flds, "tmpls": tmpls,
			"mod": 0, "usn": 0, "sortf": 0, "did": 1, "css": ""}
	}
	decks := map[string]any{}
	for id, name := range fx.Decks {
		decks[strconv.FormatInt(id, 10)] = map[string]any{"id": id, "name": name, "dyn": 0, "conf": 1}
	}
	conf := map[string]any{"nextPos": 1}
	if fx.Rollover >= 0 {
		conf["rollover"] = fx.Rollover
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	return Collection(t, b.Schema11, func(db *sql.DB) {
		Exec(t, db, `INSERT INTO col VALUES (1, ?, 0, 0, 11, 0, 0, 0, ?, ?, ?, '{}', '{}')`, fx.Created, js(conf), js(models), js(decks))
		insertRows(t, db, fx)
	})
}

// schema18 is the part of a current collection's schema beside schema 11's
// tables that the reader reads, as Anki declares it (the unicase
// collation included).
const schema18 = `
CREATE TABLE notetypes (id integer NOT NULL PRIMARY KEY, name text NOT NULL COLLATE unicase, mtime_secs integer NOT NULL,
	usn integer NOT NULL, config blob NOT NULL);
CREATE UNIQUE INDEX idx_notetypes_name ON notetypes (name);
CREATE TABLE fields (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE unicase, config blob NOT NULL,
	PRIMARY KEY (ntid, ord)) without rowid;
CREATE UNIQUE INDEX idx_fields_name_ntid ON fields (name, ntid);
CREATE TABLE templates (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE unicase,
	mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL, PRIMARY KEY (ntid, ord)) without rowid;
CREATE TABLE decks (id integer PRIMARY KEY NOT NULL, name text NOT NULL COLLATE unicase, mtime_secs integer NOT NULL,
	usn integer NOT NULL, common blob NOT NULL, kind blob NOT NULL);
CREATE UNIQUE INDEX idx_decks_name ON decks (name);
CREATE TABLE config (KEY text NOT NULL PRIMARY KEY, usn integer NOT NULL, mtime_secs integer NOT NULL, val blob NOT NULL) without rowid;
`

var unicaseOnce sync.Once

// registerUnicase teaches the SQLite driver Anki's "unicase" collation, as
// data/anki does before it reads, so a current collection can declare it.
func registerUnicase() {
	unicaseOnce.Do(func() {
		// Fails only if data/anki registered it already, which is as good.
		_ = sqlite.RegisterCollationUtf8("unicase", func(a, b string) int {
			return strings.Compare(strings.ToLower(a), strings.ToLower(b))
		})
	})
}

// protoField encodes one protobuf field: an int as a varint (wire 0), a
// string as bytes (wire 2).
func protoField(num int, v any) []byte {
	var b []byte
	switch v := v.(type) {
	case int:
		b = binary.AppendUvarint(b, uint64(num<<3))
		b = binary.AppendUvarint(b, uint64(v))
	case string:
		b = binary.AppendUvarint(b, uint64(num<<3|2))
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return b
}

// Current writes the fixture as a current (schema 18) collection: note
// types, fields, templates and decks in tables, settings in protobuf
// blobs, deck levels separated by \x1f, the rollover in config.
func (b Builder) Current(t testing.TB, fx Fixture) []byte {
	t.Helper()
	registerUnicase()
	return Collection(t, b.Schema11+schema18, func(db *sql.DB) {
		Exec(t, db, `INSERT INTO col VALUES (1, ?, 0, 0, 18, 0, 0, 0, '', '', '', '', '')`, fx.Created)
		for _, nt := range fx.Notetypes {
			config := protoField(3, ".card { color: black }") // css, ignored
			if nt.Cloze {
				config = append(protoField(1, 1), config...)
			}
			config = append(config, protoField(2, 0)...)
			Exec(t, db, "INSERT INTO notetypes VALUES (?, ?, 0, 0, ?)", nt.ID, nt.Name, config)
			for i, f := range nt.Fields {
				Exec(t, db, "INSERT INTO fields VALUES (?, ?, ?, ?)", nt.ID, i, f, protoField(1, 1))
			}
			for i, tm := range nt.Templates {
				config := append(protoField(1, tm[0]), protoField(2, tm[1])...)
				config = append(config, protoField(5, 0)...)
				Exec(t, db, "INSERT INTO templates VALUES (?, ?, ?, 0, 0, ?)", nt.ID, i, "Card "+strconv.Itoa(i+1), config)
			}
		}
		for id, name := range fx.Decks {
			Exec(t, db, "INSERT INTO decks VALUES (?, ?, 0, 0, x'', x'')", id, strings.ReplaceAll(name, "::", "\x1f"))
		}
		if fx.Rollover >= 0 {
			Exec(t, db, "INSERT INTO config VALUES ('rollover', 0, 0, ?)", []byte(strconv.Itoa(fx.Rollover)))
		}
		insertRows(t, db, fx)
	})
}

// insertRows writes the notes, cards and review log, which both schemas
// keep alike.
func insertRows(t testing.TB, db *sql.DB, fx Fixture) {
	t.Helper()
	for _, n := range fx.Notes {
		Exec(t, db, "INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, '', 0, 0, '')",
			n.ID, n.GUID, n.Mid, n.Tags, strings.Join(n.Fields, "\x1f"))
	}
	for _, c := range fx.Cards {
		Exec(t, db, "INSERT INTO cards VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, '')",
			c.ID, c.Nid, c.Did, c.Ord, c.Type, c.Queue, c.Due, c.Ivl, c.Factor, c.Reps, c.Lapses, c.Odue, c.Odid)
	}
	for _, r := range fx.Revlog {
		Exec(t, db, "INSERT INTO revlog VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)",
			r.ID, r.Cid, r.Ease, r.Ivl, r.LastIvl, r.Factor, r.TimeMS, r.Type)
	}
}

// MediaList is a current package's list of its media files (before
// zstd): the name of file "0", then of "1", and so on, in protobuf.
func MediaList(names ...string) []byte {
	var b []byte
	for _, name := range names {
		b = append(b, protoField(1, string(protoField(1, name)))...)
	}
	return b
}

// Stub is the collection.anki2 current Anki puts beside
// collection.anki21b for old versions: one note asking to update.
func (b Builder) Stub(t testing.TB) []byte {
	t.Helper()
	return b.Legacy(t, Fixture{
		Created: time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC).Unix(), Rollover: 4,
		Notetypes: []Notetype{{ID: 1, Name: "Basic", Fields: []string{"Front", "Back"}, Templates: [][2]string{{"{{Front}}", "{{Back}}"}}}},
		Decks:     map[int64]string{1: "Default"},
		Notes:     []Note{{1, "stub", 1, "", []string{"Please update to the latest Anki version", "then import the .colpkg/.apkg file again."}}},
		Cards:     []Card{{ID: 1, Nid: 1, Did: 1}},
	})
}

// Layouts are the package layouts Anki writes, by name, each built from fx.
func (b Builder) Layouts(t testing.TB, fx Fixture) map[string][]byte {
	t.Helper()
	return map[string][]byte{
		"legacy anki2": Zip(t, File("collection.anki2", b.Legacy(t, fx)), File("media", []byte("{}"))),
		"legacy anki21 beside a stub": Zip(t, File("collection.anki2", b.Stub(t)),
			File("collection.anki21", b.Legacy(t, fx)), File("media", []byte("{}"))),
		"current anki21b beside a stub": Zip(t, File("collection.anki2", b.Stub(t)),
			File("collection.anki21b", ZstdCompress(t, b.Current(t, fx))), File("media", ZstdCompress(t, []byte{}))),
	}
}

// Collection makes a SQLite file with the schema, fills it and returns
// its bytes.
func Collection(t testing.TB, schema string, fill func(db *sql.DB)) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "collection")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)&_pragma=synchronous(OFF)")
	if err != nil {
		t.Fatal(err)
	}
	Exec(t, db, schema)
	fill(db)
	return closeAndRead(t, db, path)
}

// Alter runs statements on a copy of a collection's bytes and returns
// the changed file.
func Alter(t testing.TB, collection []byte, stmts ...string) []byte {
	t.Helper()
	return AlterWith(t, collection, func(db *sql.DB) {
		for _, q := range stmts {
			Exec(t, db, q)
		}
	})
}

// AlterWith hands alter a copy of a collection on one connection (so
// that, e.g., writable_schema holds for all it does) and returns the
// changed file.
func AlterWith(t testing.TB, collection []byte, alter func(db *sql.DB)) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "collection")
	if err := os.WriteFile(path, collection, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	alter(db)
	return closeAndRead(t, db, path)
}

func closeAndRead(t testing.TB, db *sql.DB, path string) []byte {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Exec runs one statement, and fails the test if it fails.
func Exec(t testing.TB, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// Entry is one file of a package's zip.
type Entry struct {
	Name string
	Data []byte
}

// File is the zip entry of that name holding data.
func File(name string, data []byte) Entry { return Entry{name, data} }

// Zip writes the entries, deflated, as a zip.
func Zip(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ZstdCompress compresses b as one zstd frame, as Anki does a current
// collection, its media list and its files.
func ZstdCompress(t testing.TB, b []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}
