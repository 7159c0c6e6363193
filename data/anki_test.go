package data

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data/anki"
	"github.com/flashcards/flashcards/internal/testkit/ankitest"
	"github.com/flashcards/flashcards/srs"
)

// The tests build their Anki packages themselves, in every layout, from
// one description (internal/testkit/ankitest, which data/anki's tests
// share): no binary fixture is committed.
var ankiBuild = ankitest.Builder{Schema11: anki.Schema11}

// The store's clock in these tests, and the collection's creation day.
var (
	ankiTestNow     = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	ankiTestCreated = srs.DateOf(2026, 1, 1)
)

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
	for layout, pkg := range ankiBuild.Layouts(t, ankitest.Sample()) {
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
	pkg := ankiBuild.Layouts(t, ankitest.Sample())["legacy anki2"]
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
	fx := ankitest.Sample()
	fx.Created = time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC).Unix()
	s, uid := ankiTestStore(t)
	if _, err := importApkg(t, s, uid, ankiBuild.Layouts(t, fx)["current anki21b beside a stub"], ""); err != nil {
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
	if _, err := importApkg(t, s, ada, ankiBuild.Layouts(t, ankitest.Sample())["current anki21b beside a stub"], ""); err != nil {
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
	fx := ankitest.Sample()
	fx.Revlog = append(fx.Revlog,
		ankitest.Review{ID: ankitest.Millis(2026, 2, 2, 9, 0), Cid: 401, Ease: 3, Ivl: 3, LastIvl: 0, Factor: 2500, TimeMS: 4000, Type: 0},
		ankitest.Review{ID: ankitest.Millis(2026, 2, 5, 9, 0), Cid: 401, Ease: 3, Ivl: 8, LastIvl: 3, Factor: 2500, TimeMS: 4000, Type: 1})
	s, uid := ankiTestStore(t)
	if _, err := importApkg(t, s, uid, ankiBuild.Layouts(t, fx)["legacy anki2"], ""); err != nil {
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
