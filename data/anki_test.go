package data

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"modernc.org/sqlite"

	"github.com/flashcards/flashcards/data/anki"
	"github.com/flashcards/flashcards/srs"
)

// The tests build their Anki packages themselves, in both layouts, from
// one description: no binary fixture is committed.

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

type ankiFixture struct {
	crt       int64
	rollover  int
	notetypes []fixtureNotetype
	decks     map[int64]string
	notes     []fixtureNote
	cards     []fixtureCard
	revlog    []fixtureReview
}

// fixtureCard is one row of Anki's cards table, fixtureReview one of its
// revlog, as the fixture writes them.
type fixtureCard struct {
	id, nid, did              int64
	ord, typ, queue           int
	due                       int64
	ivl, factor, reps, lapses int
	odue, odid                int64
}

type fixtureReview struct {
	id                         int64 // answered at, ms since the epoch
	cid                        int64
	ease, ivl, lastIvl, factor int
	timeMS                     int64
	typ                        int
}

// The store's clock in these tests, and the collection's creation day.
var (
	ankiTestNow     = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	ankiTestCreated = srs.DateOf(2026, 1, 1)
)

func ms(y int, m time.Month, d, h, min int) int64 {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC).UnixMilli()
}

// sampleAnki covers basic, reversed and cloze notes, tags, scheduled, new,
// learning and suspended cards, a card with no text left, one with no
// note, and a review log.
func sampleAnki() ankiFixture {
	return ankiFixture{
		crt:      time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC).Unix(),
		rollover: 4,
		notetypes: []fixtureNotetype{
			{id: 1001, name: "Basic", fields: []string{"Front", "Back"},
				tmpls: [][2]string{{"{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"}}},
			{id: 1002, name: "Basic (and reversed card)", fields: []string{"Front", "Back"},
				tmpls: [][2]string{{"{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"}, {"{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}"}}},
			// The name does not say cloze: the kind (and the template) do.
			{id: 1003, name: "Lückentext", cloze: true, fields: []string{"Text", "Back Extra"},
				tmpls: [][2]string{{"{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}"}}},
		},
		decks: map[int64]string{1: "Default", 2001: "Interview::ML"},
		notes: []fixtureNote{
			{1, "basicGuid1", 1001, " data_quality ", []string{"What is <b>overfitting</b>?",
				`Fitting noise:<ul><li>high variance</li><li>poor generalization</li></ul><img src="curve.png">`}},
			{2, "revGuid2", 1002, " ML::accuracy_only extra ", []string{"Precision", "TP / (TP + FP)"}},
			{3, "clozeGuid3", 1003, "", []string{"{{c1::Bagging}} reduces variance; {{c2::boosting::method}} reduces bias.[sound:ensemble.mp3]", "See <i>ensembles</i>"}},
			{4, "newGuid4", 1001, " Data_Quality ", []string{"What is data leakage?", "Training on information unavailable at prediction time"}},
			{5, "suspGuid5", 1001, " ", []string{"Suspended question", "Suspended answer"}},
			{6, "emptyGuid6", 1001, "", []string{`<img src="only.png">`, "Answer to an image"}},
		},
		cards: []fixtureCard{
			{id: 101, nid: 1, did: 2001, ord: 0, typ: 2, queue: 2, due: 70, ivl: 10, factor: 2300, reps: 6, lapses: 1},
			{id: 201, nid: 2, did: 2001, ord: 0, typ: 2, queue: 2, due: 60, ivl: 3, factor: 2500, reps: 2},
			{id: 202, nid: 2, did: 2001, ord: 1, typ: 0, queue: 0, due: 7},
			{id: 301, nid: 3, did: 1, ord: 0, typ: 2, queue: 2, due: 100, ivl: 40, factor: 2650, reps: 4},
			{id: 302, nid: 3, did: 1, ord: 1, typ: 1, queue: 1, due: ms(2026, 3, 10, 11, 1) / 1000, factor: 2500, reps: 1},
			{id: 401, nid: 4, did: 1, ord: 0, typ: 0, queue: 0, due: 8},
			{id: 501, nid: 5, did: 1, ord: 0, typ: 2, queue: -1, due: 90, ivl: 20, factor: 1200, reps: 9, lapses: 3},
			{id: 601, nid: 6, did: 1, ord: 0, typ: 0, queue: 0, due: 9},
			{id: 701, nid: 99, did: 1, ord: 0, typ: 0, queue: 0, due: 10},
		},
		revlog: []fixtureReview{
			{id: ms(2026, 1, 5, 10, 0), cid: 101, ease: 3, ivl: -600, lastIvl: 0, factor: 0, timeMS: 8000, typ: 0},
			{id: ms(2026, 1, 5, 10, 10), cid: 101, ease: 3, ivl: 1, lastIvl: -600, factor: 2500, timeMS: 6000, typ: 0},
			{id: ms(2026, 1, 6, 9, 0), cid: 101, ease: 3, ivl: 4, lastIvl: 1, factor: 2500, timeMS: 5000, typ: 1},
			{id: ms(2026, 1, 10, 9, 0), cid: 101, ease: 1, ivl: 1, lastIvl: 4, factor: 2300, timeMS: 20000, typ: 1},
			{id: ms(2026, 1, 11, 9, 0), cid: 101, ease: 3, ivl: 10, lastIvl: 1, factor: 2300, timeMS: 700000, typ: 1},
			{id: ms(2026, 1, 12, 9, 0), cid: 101, ease: 0, ivl: 10, lastIvl: 10, factor: 2300, timeMS: 0, typ: 4},
			{id: ms(2026, 1, 13, 9, 0), cid: 101, ease: 2, ivl: 10, lastIvl: 10, factor: 2300, timeMS: 4000, typ: 3},
			{id: ms(2026, 2, 27, 9, 0), cid: 201, ease: 2, ivl: 3, lastIvl: 1, factor: 2500, timeMS: 3000, typ: 1},
			{id: ms(2026, 3, 10, 11, 0), cid: 302, ease: 1, ivl: -60, lastIvl: 0, factor: 0, timeMS: 9000, typ: 0},
			{id: ms(2026, 2, 1, 9, 0), cid: 999, ease: 3, ivl: 5, lastIvl: 2, factor: 2500, timeMS: 1000, typ: 1},
		},
	}
}

// buildLegacyCollection writes the fixture as a schema 11 collection,
// note types and decks as JSON in col.
func buildLegacyCollection(t testing.TB, fx ankiFixture) []byte {
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
	return buildCollection(t, anki.Schema11, func(db *sql.DB) {
		mustExec(t, db, `INSERT INTO col VALUES (1, ?, 0, 0, 11, 0, 0, 0, ?, ?, ?, '{}', '{}')`, fx.crt, js(conf), js(models), js(decks))
		insertNotesCardsRevlog(t, db, fx)
	})
}

// ankiSchema18 is the part of a current collection's schema the importer
// reads, as Anki declares it (the unicase collation included).
const ankiSchema18 = anki.Schema11 + `
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
// data/anki does before it reads, so the fixture can declare it.
func registerUnicase() {
	unicaseOnce.Do(func() {
		// Fails only if data/anki registered it already, which is as good.
		_ = sqlite.RegisterCollationUtf8("unicase", func(a, b string) int {
			return strings.Compare(strings.ToLower(a), strings.ToLower(b))
		})
	})
}

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
func buildCurrentCollection(t testing.TB, fx ankiFixture) []byte {
	t.Helper()
	registerUnicase()
	return buildCollection(t, ankiSchema18, func(db *sql.DB) {
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

func insertNotesCardsRevlog(t testing.TB, db *sql.DB, fx ankiFixture) {
	for _, n := range fx.notes {
		mustExec(t, db, "INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, '', 0, 0, '')",
			n.id, n.guid, n.mid, n.tags, strings.Join(n.fields, "\x1f"))
	}
	for _, c := range fx.cards {
		mustExec(t, db, "INSERT INTO cards VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, '')",
			c.id, c.nid, c.did, c.ord, c.typ, c.queue, c.due, c.ivl, c.factor, c.reps, c.lapses, c.odue, c.odid)
	}
	for _, r := range fx.revlog {
		mustExec(t, db, "INSERT INTO revlog VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)",
			r.id, r.cid, r.ease, r.ivl, r.lastIvl, r.factor, r.timeMS, r.typ)
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
	return buildLegacyCollection(t, ankiFixture{
		crt: time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC).Unix(), rollover: 4,
		notetypes: []fixtureNotetype{{id: 1, name: "Basic", fields: []string{"Front", "Back"}, tmpls: [][2]string{{"{{Front}}", "{{Back}}"}}}},
		decks:     map[int64]string{1: "Default"},
		notes:     []fixtureNote{{1, "stub", 1, "", []string{"Please update to the latest Anki version", "then import the .colpkg/.apkg file again."}}},
		cards:     []fixtureCard{{id: 1, nid: 1, did: 1}},
	})
}

// ankiLayouts are the package layouts Anki writes, each built from fx.
func ankiLayouts(t testing.TB, fx ankiFixture) map[string][]byte {
	return map[string][]byte{
		"legacy anki2": zipPackage(t, zipEntry{"collection.anki2", buildLegacyCollection(t, fx)}, zipEntry{"media", []byte("{}")}),
		"legacy anki21 beside a stub": zipPackage(t, zipEntry{"collection.anki2", stubCollection(t)},
			zipEntry{"collection.anki21", buildLegacyCollection(t, fx)}, zipEntry{"media", []byte("{}")}),
		"current anki21b beside a stub": zipPackage(t, zipEntry{"collection.anki2", stubCollection(t)},
			zipEntry{"collection.anki21b", zstdCompress(t, buildCurrentCollection(t, fx))}, zipEntry{"media", zstdCompress(t, []byte{})}),
	}
}

// ankiTestStore is a store on the tests' clock with one user.
func ankiTestStore(t testing.TB) (*Store, int64) {
	t.Helper()
	s := openTestStore(t)
	s.Now = func() time.Time { return ankiTestNow }
	u, err := s.CreateUser(context.Background(), "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	return s, u.ID
}

func importApkg(t testing.TB, s *Store, userID int64, pkg []byte, fallback string) (AnkiImportResult, error) {
	t.Helper()
	return s.ImportApkg(context.Background(), userID, "interview.apkg", bytes.NewReader(pkg), int64(len(pkg)), fallback, nil)
}

func cardsByKey(t testing.TB, s *Store, userID int64) map[string]Card {
	t.Helper()
	cards, err := s.ListCards(context.Background(), userID, CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Card{}
	for _, c := range cards {
		out[c.Key] = c
	}
	return out
}

func TestImportApkgBothLayouts(t *testing.T) {
	created := ankiTestCreated
	today := srs.DateOf(2026, 3, 10)
	type want struct {
		front, back, category, deck string
		graded, suspended           bool
		reps, interval, ease, lapse int
		due, last                   srs.Day
		hasLast                     bool
	}
	wants := map[string]want{
		"anki:basicGuid1:0": {front: "What is overfitting?", back: "Fitting noise:\n- high variance\n- poor generalization",
			category: "data-quality", deck: "Interview::ML", graded: true, reps: 2, interval: 10, ease: 230, lapse: 1,
			due: created + 70, last: srs.DateOf(2026, 1, 11), hasLast: true},
		"anki:revGuid2:0": {front: "Precision", back: "TP / (TP + FP)", category: "accuracy-only", deck: "Interview::ML",
			graded: true, reps: 1, interval: 3, ease: 250, due: created + 60, last: srs.DateOf(2026, 2, 27), hasLast: true},
		"anki:revGuid2:1": {front: "TP / (TP + FP)", back: "Precision", category: "accuracy-only", deck: "Interview::ML", ease: 250},
		// A Cloze note's cards keep its text and extra; cardtext renders them.
		"anki:clozeGuid3:0": {front: "{{c1::Bagging}} reduces variance; {{c2::boosting::method}} reduces bias.",
			back: "See ensembles", category: "uncategorized", deck: "Default",
			graded: true, reps: 2, interval: 40, ease: 265, due: created + 100},
		// Learning, answered today: back tomorrow.
		"anki:clozeGuid3:1": {front: "{{c1::Bagging}} reduces variance; {{c2::boosting::method}} reduces bias.",
			back: "See ensembles", category: "uncategorized", deck: "Default",
			graded: true, reps: 0, interval: 1, ease: 250, due: today + 1, last: today, hasLast: true},
		"anki:newGuid4:0": {front: "What is data leakage?", back: "Training on information unavailable at prediction time",
			category: "data-quality", deck: "Default", ease: 250},
		"anki:suspGuid5:0": {front: "Suspended question", back: "Suspended answer", category: "uncategorized", deck: "Default",
			graded: true, suspended: true, reps: 2, interval: 20, ease: 130, lapse: 3, due: created + 90},
	}
	for layout, pkg := range ankiLayouts(t, sampleAnki()) {
		t.Run(layout, func(t *testing.T) {
			ctx := context.Background()
			s, uid := ankiTestStore(t)
			res, err := importApkg(t, s, uid, pkg, "")
			if err != nil {
				t.Fatal(err)
			}
			if res.Found != 9 || res.Added != 7 || res.Skipped != 0 || res.Empty != 1 || res.Unknown != 1 || res.Media != 3 || res.Reviews != 8 {
				t.Errorf("result = %+v; want 9 found, 7 added, 1 empty, 1 unknown, 3 media, 8 reviews", res)
			}
			if res.Deck != "Default" || strings.Join(res.Decks, ",") != "Default,Interview::ML" {
				t.Errorf("decks = %q %q", res.Deck, res.Decks)
			}
			got := cardsByKey(t, s, uid)
			if len(got) != len(wants) {
				t.Errorf("%d cards; want %d", len(got), len(wants))
			}
			for key, w := range wants {
				c, ok := got[key]
				if !ok {
					t.Errorf("no card %s", key)
					continue
				}
				g := want{front: c.Front, back: c.Back, category: c.Category, deck: c.Deck, graded: c.Sched.Graded,
					suspended: c.Suspended, reps: c.Sched.State.Repetitions, interval: c.Sched.State.Interval,
					ease: c.Sched.State.Ease, lapse: c.Lapses}
				if c.Sched.Graded {
					g.due = c.Sched.Due
				}
				var last sql.NullInt64
				s.reader.QueryRow("SELECT last_day FROM card_state WHERE card_id = ?", c.ID).Scan(&last)
				g.last, g.hasLast = srs.Day(last.Int64), last.Valid
				if g != w {
					t.Errorf("card %s:\n got %+v\nwant %+v", key, g, w)
				}
				if c.Source != "interview.apkg" {
					t.Errorf("card %s source %q", key, c.Source)
				}
			}

			// The cloze note's cards are one note, each asking for its number.
			c1, c2 := got["anki:clozeGuid3:0"], got["anki:clozeGuid3:1"]
			if c1.Cloze != 1 || c2.Cloze != 2 || c1.NoteID == 0 || c1.NoteID != c2.NoteID || strings.Join(c2.KeyPoints, "|") != "boosting" ||
				!strings.Contains(c2.FrontHTML, `<span class="cloze-blank">[method]</span>`) || !strings.Contains(c1.BackHTML, `<mark class="cloze">Bagging</mark>`) {
				t.Errorf("cloze cards: %+v\n%+v", c1, c2)
			}

			// The review log of the overfitting card, Anki's buttons as grades.
			var rows []string
			r, err := s.reader.Query(`SELECT r.reviewed_at, r.study_day, r.grade, r.counted, r.answer_ms, r.before_due IS NULL,
				r.after_interval, r.after_ease, r.after_lapses, r.credit_delta, cat.slug
				FROM reviews r JOIN cards c ON c.id = r.card_id JOIN categories cat ON cat.id = r.category_id
				WHERE c.key = 'anki:basicGuid1:0' ORDER BY r.id`)
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				var at, cat string
				var day, grade, answer, ivl, ease, lapses, credit int
				var counted, fresh bool
				if err := r.Scan(&at, &day, &grade, &counted, &answer, &fresh, &ivl, &ease, &lapses, &credit, &cat); err != nil {
					t.Fatal(err)
				}
				rows = append(rows, strings.Join([]string{at[:16], srs.Day(day).String(), strconv.Itoa(grade), strconv.FormatBool(counted),
					strconv.Itoa(answer), strconv.FormatBool(fresh), strconv.Itoa(ivl), strconv.Itoa(ease), strconv.Itoa(lapses),
					strconv.Itoa(credit), cat}, " "))
			}
			r.Close()
			wantRows := []string{
				"2026-01-05T10:00 2026-01-05 4 true 8000 true 1 250 0 1 data-quality",
				"2026-01-05T10:10 2026-01-05 4 true 6000 false 1 250 0 0 data-quality",
				"2026-01-06T09:00 2026-01-06 4 true 5000 false 4 250 0 3 data-quality",
				"2026-01-10T09:00 2026-01-10 1 true 20000 false 1 230 1 -3 data-quality",
				"2026-01-11T09:00 2026-01-11 4 true 600000 false 10 230 1 9 data-quality",
				"2026-01-13T09:00 2026-01-13 3 false 4000 false 10 230 1 0 data-quality",
			}
			if strings.Join(rows, "\n") != strings.Join(wantRows, "\n") {
				t.Errorf("reviews:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(wantRows, "\n"))
			}

			// The same package again adds nothing.
			again, err := importApkg(t, s, uid, pkg, "")
			if err != nil {
				t.Fatal(err)
			}
			if again.Added != 0 || again.Skipped != 7 || again.Reviews != 0 {
				t.Errorf("second import = %+v; want nothing added", again)
			}
			var reviews int
			s.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM reviews WHERE user_id = ?", uid).Scan(&reviews)
			if n, _ := s.CountCards(ctx, uid); n != 7 || reviews != 8 {
				t.Errorf("after a second import: %d cards, %d reviews; want 7 and 8", n, reviews)
			}
		})
	}
}

func TestImportApkgFallbackCategory(t *testing.T) {
	s, uid := ankiTestStore(t)
	pkg := ankiLayouts(t, sampleAnki())["legacy anki2"]
	if _, err := importApkg(t, s, uid, pkg, "no-such-category"); err == nil {
		t.Error("an unknown fallback category was accepted")
	}
	if _, err := importApkg(t, s, uid, pkg, "no-trade-offs"); err != nil {
		t.Fatal(err)
	}
	got := cardsByKey(t, s, uid)
	// Tagged cards keep their tag's category; the rest take the fallback.
	if got["anki:clozeGuid3:0"].Category != "no-trade-offs" || got["anki:basicGuid1:0"].Category != "data-quality" {
		t.Errorf("categories: cloze %q, basic %q", got["anki:clozeGuid3:0"].Category, got["anki:basicGuid1:0"].Category)
	}
}

// The Anki day a collection starts is the study day of its creation time
// by Anki's rollover: created at 02:00 with rollover 4 is the day before.
func TestImportApkgCreationDayFollowsRollover(t *testing.T) {
	fx := sampleAnki()
	fx.crt = time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC).Unix()
	s, uid := ankiTestStore(t)
	if _, err := importApkg(t, s, uid, ankiLayouts(t, fx)["current anki21b beside a stub"], ""); err != nil {
		t.Fatal(err)
	}
	c := cardsByKey(t, s, uid)["anki:basicGuid1:0"]
	if want := srs.DateOf(2025, 12, 31) + 70; c.Sched.Due != want {
		t.Errorf("due %v; want %v", c.Sched.Due, want)
	}
}

// An apkg imported, exported as apkg and imported into another user keeps
// every card's text, category, deck and schedule, and the history.
func TestApkgRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, ada := ankiTestStore(t)
	if _, err := importApkg(t, s, ada, ankiLayouts(t, sampleAnki())["current anki21b beside a stub"], ""); err != nil {
		t.Fatal(err)
	}
	// A card of this server's own, with text Anki's HTML must carry.
	if _, err := s.CreateCard(ctx, ada, CardInput{Front: "a < b && c", Back: "line one\n\n  - indented  twice\ttab", Category: "no-trade-offs"}); err != nil {
		t.Fatal(err)
	}
	// A cloze note of its own, with Markdown in a deletion, one card graded.
	cloze, err := s.CreateCard(ctx, ada, CardInput{Front: "{{c1::**Paris**}} is on the {{c2::Seine::river}}; {{c3::`x < y`}}", Back: "*extra*"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GradeCard(ctx, ada, Grade{CardID: cloze.ID, Grade: 4, Step: -1}); err != nil {
		t.Fatal(err)
	}
	var pkg bytes.Buffer
	if err := s.ExportApkg(ctx, ada, &pkg); err != nil {
		t.Fatal(err)
	}
	bob, err := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportApkg(ctx, bob.ID, "ada.apkg", bytes.NewReader(pkg.Bytes()), int64(pkg.Len()), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	before, after := cardsByKey(t, s, ada), cardsByKey(t, s, bob.ID)
	if res.Added != len(before) || len(after) != len(before) {
		t.Fatalf("round trip added %d of %d cards (%+v)", len(after), len(before), res)
	}
	for key, a := range before {
		b, ok := after[key]
		if !ok {
			t.Errorf("card %s lost", key)
			continue
		}
		// Repetitions are derived from the interval on the way in.
		if a.Front != b.Front || a.Back != b.Back || a.Category != b.Category || a.Deck != b.Deck || a.Suspended != b.Suspended ||
			a.Sched.Graded != b.Sched.Graded || a.Sched.State.Interval != b.Sched.State.Interval || a.Sched.State.Ease != b.Sched.State.Ease ||
			a.Lapses != b.Lapses || (a.Sched.Graded && (a.Sched.Due != b.Sched.Due || a.Sched.LastCounted != b.Sched.LastCounted)) {
			t.Errorf("card %s changed:\n was %+v\n now %+v", key, a, b)
		}
	}
	sameNotes(t, before, after)
	history := func(uid int64) string {
		rows, err := s.reader.Query(`SELECT c.key, r.reviewed_at, r.study_day, r.grade, r.counted, r.answer_ms,
			r.before_due IS NULL, r.after_interval, r.after_ease, r.after_due, r.after_lapses, r.credit_delta
			FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.user_id = ? ORDER BY c.key, r.reviewed_at`, uid)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var key, at string
			var day, grade, answer, ivl, ease, due, lapses, credit int
			var counted, fresh bool
			if err := rows.Scan(&key, &at, &day, &grade, &counted, &answer, &fresh, &ivl, &ease, &due, &lapses, &credit); err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.Join([]string{key, at[:23], strconv.Itoa(day), strconv.Itoa(grade), strconv.FormatBool(counted),
				strconv.Itoa(answer), strconv.FormatBool(fresh), strconv.Itoa(ivl), strconv.Itoa(ease), strconv.Itoa(due),
				strconv.Itoa(lapses), strconv.Itoa(credit)}, " "))
		}
		return strings.Join(out, "\n")
	}
	if h1, h2 := history(ada), history(bob.ID); h1 != h2 || h1 == "" {
		t.Errorf("history changed:\n%s\nnow\n%s", h1, h2)
	}

	// Exported again by bob and imported by carol: still the same notes.
	var pkg2 bytes.Buffer
	if err := s.ExportApkg(ctx, bob.ID, &pkg2); err != nil {
		t.Fatal(err)
	}
	carol, err := s.CreateUser(ctx, "carol", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportApkg(ctx, carol.ID, "bob.apkg", bytes.NewReader(pkg2.Bytes()), int64(pkg2.Len()), "", nil); err != nil {
		t.Fatal(err)
	}
	sameNotes(t, before, cardsByKey(t, s, carol.ID))

	// The export imported back into its own account is already there.
	again, err := s.ImportApkg(ctx, ada, "ada.apkg", bytes.NewReader(pkg.Bytes()), int64(pkg.Len()), "", nil)
	if err != nil || again.Added != 0 || again.Skipped != len(before) {
		t.Errorf("re-import into the same account = %+v, %v; want all skipped", again, err)
	}
}

// The export is the package Anki reads: a zip of collection.anki2 (schema
// 11) and a media list, Basic notes whose fields hold escaped HTML.
func TestExportApkgLayout(t *testing.T) {
	ctx := context.Background()
	s, uid := ankiTestStore(t)
	if _, err := s.CreateCard(ctx, uid, CardInput{Front: "Why <b>?", Back: "because\nof [sound:x]", Category: "data-quality"}); err != nil {
		t.Fatal(err)
	}
	var pkg bytes.Buffer
	if err := s.ExportApkg(ctx, uid, &pkg); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(pkg.Bytes()), int64(pkg.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "collection.anki2,media" {
		t.Fatalf("entries %v", names)
	}
	rc, _ := zr.File[0].Open()
	path := filepath.Join(t.TempDir(), "c.anki2")
	b := new(bytes.Buffer)
	b.ReadFrom(rc)
	os.WriteFile(path, b.Bytes(), 0o600)
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ver int
	var models, decks string
	if err := db.QueryRow("SELECT ver, models, decks FROM col").Scan(&ver, &models, &decks); err != nil || ver != 11 {
		t.Fatalf("col: ver %d, %v", ver, err)
	}
	if !strings.Contains(models, `"qfmt":"{{Front}}"`) || !strings.Contains(decks, `"name":"My cards"`) {
		t.Errorf("models %s\ndecks %s", models, decks)
	}
	var guid, tags, flds string
	var typ, queue int
	if err := db.QueryRow("SELECT n.guid, n.tags, n.flds, c.type, c.queue FROM notes n JOIN cards c ON c.nid = n.id").
		Scan(&guid, &tags, &flds, &typ, &queue); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(guid, "fc:user:") || tags != " data-quality " || flds != "Why &lt;b&gt;?\x1fbecause<br>of &#91;sound:x]" || typ != 0 || queue != 0 {
		t.Errorf("note %q %q %q, card type %d queue %d", guid, tags, flds, typ, queue)
	}
}

// A card Anki reset to new keeps its log: the answers come in uncounted,
// the card is new, and the account's export restores (restore refuses a
// new card under a counted grade).
func TestAnkiCardResetToNewKeepsItsLogUncounted(t *testing.T) {
	fx := sampleAnki()
	fx.revlog = append(fx.revlog,
		fixtureReview{id: ms(2026, 2, 2, 9, 0), cid: 401, ease: 3, ivl: 3, lastIvl: 0, factor: 2500, timeMS: 4000, typ: 0},
		fixtureReview{id: ms(2026, 2, 5, 9, 0), cid: 401, ease: 3, ivl: 8, lastIvl: 3, factor: 2500, timeMS: 4000, typ: 1})
	s, uid := ankiTestStore(t)
	if _, err := importApkg(t, s, uid, ankiLayouts(t, fx)["legacy anki2"], ""); err != nil {
		t.Fatal(err)
	}
	var reset Card
	for _, c := range cardsByKey(t, s, uid) {
		if c.Front == "What is data leakage?" {
			reset = c
		}
	}
	if reset.ID == 0 || reset.Sched.Graded {
		t.Fatalf("the reset card: %+v, want it imported as new", reset.Sched)
	}
	var counted, all int
	if err := s.reader.QueryRow(`SELECT COUNT(*), COALESCE(SUM(counted), 0) FROM reviews WHERE card_id = ?`, reset.ID).Scan(&all, &counted); err != nil {
		t.Fatal(err)
	}
	if all != 2 || counted != 0 {
		t.Errorf("the reset card's log: %d reviews, %d counted; want 2, none counted", all, counted)
	}

	var export bytes.Buffer
	if err := s.ExportJSON(context.Background(), uid, &export); err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateUser(context.Background(), "grace", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreExport(context.Background(), other.ID, &export); err != nil {
		t.Fatalf("the export of an account with a reset card does not restore: %v", err)
	}
}

// sameNotes fails unless the cards by key have the same cloze numbers,
// text and notes (the same cards together) in both sets, and at least one
// cloze note has three cards.
func sameNotes(t *testing.T, before, after map[string]Card) {
	t.Helper()
	notes := func(cards map[string]Card) map[string]string {
		byNote := map[int64][]string{}
		for key, c := range cards {
			if c.NoteID != 0 {
				byNote[c.NoteID] = append(byNote[c.NoteID], key)
			}
		}
		out := map[string]string{}
		for _, keys := range byNote {
			sort.Strings(keys)
			for _, k := range keys {
				out[k] = strings.Join(keys, ",")
			}
		}
		return out
	}
	nb, na := notes(before), notes(after)
	three := false
	for key, a := range before {
		b := after[key]
		if a.Cloze != b.Cloze || a.Front != b.Front || a.Back != b.Back || nb[key] != na[key] || strings.Join(a.KeyPoints, "|") != strings.Join(b.KeyPoints, "|") {
			t.Errorf("cloze card %s: was %d %q %q in %q, now %d %q %q in %q", key, a.Cloze, a.Front, a.Back, nb[key], b.Cloze, b.Front, b.Back, na[key])
		}
		three = three || strings.Count(nb[key], ",") == 2
	}
	if !three {
		t.Errorf("no note of three cards among %v", nb)
	}
}
