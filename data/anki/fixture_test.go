package anki

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
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// The tests build their Anki packages themselves, in both layouts, from
// one description: no binary fixture is committed, and no store is opened.
// (data/anki_test.go builds the same packages for the importer's tests.)

type fixtureNotetype struct {
	id     int64
	name   string
	cloze  bool
	fields []string
	tmpls  [][2]string // qfmt, afmt
}

type fixtureNote struct {
	id     int64
	guid   string
	mid    int64
	tags   string
	fields []string
}

type fixture struct {
	crt       int64
	rollover  int
	notetypes []fixtureNotetype
	decks     map[int64]string
	notes     []fixtureNote
	cards     []Card
	revlog    []Review
}

func ms(y int, m time.Month, d, h, min int) int64 {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC).UnixMilli()
}

// sample covers basic, reversed and cloze notes (one cloze type named in
// another language), tags, cards of every kind, one with no note, a
// filtered deck, and a review log.
func sample() fixture {
	return fixture{
		crt:      time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC).Unix(),
		rollover: 5,
		notetypes: []fixtureNotetype{
			{id: 1001, name: "Basic", fields: []string{"Front", "Back"},
				tmpls: [][2]string{{"{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"}}},
			{id: 1002, name: "Basic (and reversed card)", fields: []string{"Front", "Back"},
				tmpls: [][2]string{{"{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"}, {"{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}"}}},
			{id: 1003, name: "Lückentext", cloze: true, fields: []string{"Text", "Back Extra"},
				tmpls: [][2]string{{"{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}"}}},
			// Neither the kind nor the name says cloze: the template does.
			{id: 1004, name: "Gaps", fields: []string{"Text"}, tmpls: [][2]string{{"{{cloze:Text}}", "{{cloze:Text}}"}}},
		},
		decks: map[int64]string{1: "Default", 2001: "Interview::ML"},
		notes: []fixtureNote{
			{1, "basicGuid1", 1001, " data_quality ", []string{"What is <b>overfitting</b>?", "Fitting noise"}},
			{2, "revGuid2", 1002, " ML::accuracy_only extra ", []string{"Precision", "TP / (TP + FP)"}},
			{3, "clozeGuid3", 1003, "", []string{"{{c1::Bagging}} reduces variance.", "See <i>ensembles</i>"}},
			{4, "gapGuid4", 1004, "", []string{"{{c1::Boosting}} reduces bias."}},
		},
		cards: []Card{
			{ID: 101, Nid: 1, Did: 2001, Ord: 0, Type: 2, Queue: 2, Due: 70, Ivl: 10, Factor: 2300, Reps: 6, Lapses: 1},
			{ID: 201, Nid: 2, Did: 2001, Ord: 0, Type: 2, Queue: 2, Due: 60, Ivl: 3, Factor: 2500, Reps: 2},
			{ID: 202, Nid: 2, Did: 2001, Ord: 1, Type: 0, Queue: 0, Due: 7},
			{ID: 301, Nid: 3, Did: 3001, Ord: 0, Type: 2, Queue: 2, Due: 100, Ivl: 40, Factor: 2650, Reps: 4, Odue: 95, Odid: 1},
			{ID: 401, Nid: 4, Did: 1, Ord: 0, Type: 1, Queue: -1, Due: 9},
			{ID: 701, Nid: 99, Did: 1, Ord: 0, Type: 0, Queue: 0, Due: 10},
		},
		revlog: []Review{
			{ID: ms(2026, 1, 6, 9, 0), Cid: 101, Ease: 3, Ivl: 4, LastIvl: 1, Factor: 2500, TimeMS: 5000, Type: 1},
			{ID: ms(2026, 1, 5, 10, 0), Cid: 101, Ease: 3, Ivl: -600, LastIvl: 0, Factor: 0, TimeMS: 8000, Type: 0},
			{ID: ms(2026, 2, 27, 9, 0), Cid: 201, Ease: 2, Ivl: 3, LastIvl: 1, Factor: 2500, TimeMS: 3000, Type: 1},
		},
	}
}

// buildLegacyCollection writes the fixture as a schema 11 collection,
// note types and decks as JSON in col.
func buildLegacyCollection(t testing.TB, fx fixture) []byte {
	t.Helper()
	models := map[string]any{}
	for _, nt := range fx.notetypes {
		var flds, tmpls []any
		for i, f := range nt.fields {
			flds = append(flds, map[string]any{"name": f, "ord": i, "sticky": false, "rtl": false, "font": "Arial", "size": 20})
		}
		for i, tm := range nt.tmpls {
			tmpls = append(tmpls, map[string]any{"name": "Card " + strconv.Itoa(i+1), "ord": i, "qfmt": tm[0], "afmt": tm[1]})
		}
		typ := 0
		if nt.cloze {
			typ = 1
		}
		models[strconv.FormatInt(nt.id, 10)] = map[string]any{"id": nt.id, "name": nt.name, "type": typ, "flds": flds, "tmpls": tmpls,
			"mod": 0, "usn": 0, "sortf": 0, "did": 1, "css": ""}
	}
	decks := map[string]any{}
	for id, name := range fx.decks {
		decks[strconv.FormatInt(id, 10)] = map[string]any{"id": id, "name": name, "dyn": 0, "conf": 1}
	}
	conf := map[string]any{"nextPos": 1}
	if fx.rollover >= 0 {
		conf["rollover"] = fx.rollover
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	return buildCollection(t, Schema11, func(db *sql.DB) {
		mustExec(t, db, `INSERT INTO col VALUES (1, ?, 0, 0, 11, 0, 0, 0, ?, ?, ?, '{}', '{}')`, fx.crt, js(conf), js(models), js(decks))
		insertNotesCardsRevlog(t, db, fx)
	})
}

// schema18 is the part of a current collection's schema the reader reads,
// as Anki declares it (the unicase collation included).
const schema18 = Schema11 + `
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

// protoField encodes one protobuf field: a varint (wire 0) or bytes (wire 2).
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

// buildCurrentCollection writes the fixture as a current (schema 18)
// collection: note types, fields, templates and decks in tables, settings
// in protobuf blobs, deck levels separated by \x1f, the rollover in config.
func buildCurrentCollection(t testing.TB, fx fixture) []byte {
	t.Helper()
	registerCollation()
	return buildCollection(t, schema18, func(db *sql.DB) {
		mustExec(t, db, `INSERT INTO col VALUES (1, ?, 0, 0, 18, 0, 0, 0, '', '', '', '', '')`, fx.crt)
		for _, nt := range fx.notetypes {
			config := protoField(3, ".card { color: black }") // css, ignored
			if nt.cloze {
				config = append(protoField(1, 1), config...)
			}
			config = append(config, protoField(2, 0)...)
			mustExec(t, db, "INSERT INTO notetypes VALUES (?, ?, 0, 0, ?)", nt.id, nt.name, config)
			for i, f := range nt.fields {
				mustExec(t, db, "INSERT INTO fields VALUES (?, ?, ?, ?)", nt.id, i, f, protoField(1, 1))
			}
			for i, tm := range nt.tmpls {
				config := append(protoField(1, tm[0]), protoField(2, tm[1])...)
				config = append(config, protoField(5, 0)...)
				mustExec(t, db, "INSERT INTO templates VALUES (?, ?, ?, 0, 0, ?)", nt.id, i, "Card "+strconv.Itoa(i+1), config)
			}
		}
		for id, name := range fx.decks {
			mustExec(t, db, "INSERT INTO decks VALUES (?, ?, 0, 0, x'', x'')", id, strings.ReplaceAll(name, "::", "\x1f"))
		}
		if fx.rollover >= 0 {
			mustExec(t, db, "INSERT INTO config VALUES ('rollover', 0, 0, ?)", []byte(strconv.Itoa(fx.rollover)))
		}
		insertNotesCardsRevlog(t, db, fx)
	})
}

func insertNotesCardsRevlog(t testing.TB, db *sql.DB, fx fixture) {
	for _, n := range fx.notes {
		mustExec(t, db, "INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, '', 0, 0, '')",
			n.id, n.guid, n.mid, n.tags, strings.Join(n.fields, "\x1f"))
	}
	for _, c := range fx.cards {
		mustExec(t, db, "INSERT INTO cards VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, '')",
			c.ID, c.Nid, c.Did, c.Ord, c.Type, c.Queue, c.Due, c.Ivl, c.Factor, c.Reps, c.Lapses, c.Odue, c.Odid)
	}
	for _, r := range fx.revlog {
		mustExec(t, db, "INSERT INTO revlog VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)",
			r.ID, r.Cid, r.Ease, r.Ivl, r.LastIvl, r.Factor, r.TimeMS, r.Type)
	}
}

// buildCollection makes a SQLite file with the schema, fills it and returns its bytes.
func buildCollection(t testing.TB, schema string, fill func(db *sql.DB)) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "collection")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)&_pragma=synchronous(OFF)")
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, schema)
	fill(db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// alterCollection runs stmts on a copy of the collection's bytes.
func alterCollection(t testing.TB, collection []byte, stmts ...string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "alter")
	if err := os.WriteFile(path, collection, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		mustExec(t, db, q)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustExec(t testing.TB, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

type zipEntry struct {
	name string
	data []byte
}

func zipPackage(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdCompress(t testing.TB, b []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

// stubCollection is the collection.anki2 current Anki puts beside
// collection.anki21b for old versions: one note asking to update.
func stubCollection(t testing.TB) []byte {
	return buildLegacyCollection(t, fixture{
		crt: time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC).Unix(), rollover: 4,
		notetypes: []fixtureNotetype{{id: 1, name: "Basic", fields: []string{"Front", "Back"}, tmpls: [][2]string{{"{{Front}}", "{{Back}}"}}}},
		decks:     map[int64]string{1: "Default"},
		notes:     []fixtureNote{{1, "stub", 1, "", []string{"Please update to the latest Anki version", "then import the .colpkg/.apkg file again."}}},
		cards:     []Card{{ID: 1, Nid: 1, Did: 1}},
	})
}

// layouts are the package layouts Anki writes, each built from fx.
func layouts(t testing.TB, fx fixture) map[string][]byte {
	return map[string][]byte{
		"legacy anki2": zipPackage(t, zipEntry{"collection.anki2", buildLegacyCollection(t, fx)}, zipEntry{"media", []byte("{}")}),
		"legacy anki21 beside a stub": zipPackage(t, zipEntry{"collection.anki2", stubCollection(t)},
			zipEntry{"collection.anki21", buildLegacyCollection(t, fx)}, zipEntry{"media", []byte("{}")}),
		"current anki21b beside a stub": zipPackage(t, zipEntry{"collection.anki2", stubCollection(t)},
			zipEntry{"collection.anki21b", zstdCompress(t, buildCurrentCollection(t, fx))}, zipEntry{"media", zstdCompress(t, []byte{})}),
	}
}

// read reads pkg with the limits, unpacking into a folder of the test's.
func read(t testing.TB, pkg []byte, lim Limits) (*Collection, error) {
	t.Helper()
	dir := t.TempDir()
	col, err := Read(t.Context(), bytes.NewReader(pkg), int64(len(pkg)), dir, lim)
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind in the folder: %v", left)
	}
	return col, err
}
