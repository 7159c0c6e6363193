package data

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/flashcards/flashcards/internal/testkit/ankitest"
	"github.com/flashcards/flashcards/srs"
)

// storedMemory is a card's memory state exactly as card_state holds it.
type storedMemory struct {
	stability, difficulty uint64 // math.Float64bits
	day                   sql.NullInt64
}

func readStoredMemory(t testing.TB, s *Store, cardID int64) storedMemory {
	t.Helper()
	var m storedMemory
	var st, d float64
	if err := s.reader.QueryRow("SELECT stability, difficulty, memory_day FROM card_state WHERE card_id = ?", cardID).
		Scan(&st, &d, &m.day); err != nil {
		t.Fatal(err)
	}
	m.stability, m.difficulty = math.Float64bits(st), math.Float64bits(d)
	return m
}

// reviewLog is a card's review log as the memory model reads it.
func reviewLog(t testing.TB, s *Store, cardID int64) []srs.MemoryReview {
	t.Helper()
	rows, err := s.reader.Query("SELECT grade, study_day FROM reviews WHERE card_id = ? ORDER BY id", cardID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var log []srs.MemoryReview
	for rows.Next() {
		var r srs.MemoryReview
		if err := rows.Scan(&r.Grade, &r.Day); err != nil {
			t.Fatal(err)
		}
		log = append(log, r)
	}
	return log
}

// reviewMemories lists the memory state each review keeps from before it,
// as bits.
func reviewMemories(t testing.TB, s *Store) string {
	t.Helper()
	rows, err := s.reader.Query("SELECT id, before_stability, before_difficulty, before_memory_day FROM reviews ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out bytes.Buffer
	for rows.Next() {
		var id int64
		var st, d float64
		var day sql.NullInt64
		if err := rows.Scan(&id, &st, &d, &day); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "%d:%x/%x/%v ", id, math.Float64bits(st), math.Float64bits(d), day)
	}
	return out.String()
}

func sameMemory(a, b srs.Memory) bool {
	return math.Float64bits(a.Stability) == math.Float64bits(b.Stability) &&
		math.Float64bits(a.Difficulty) == math.Float64bits(b.Difficulty)
}

// Every grade, a same-day re-drill included, moves the stored memory state
// exactly as srs.NextMemory does, and the card reads it back.
func TestEveryGradeMovesTheMemoryState(t *testing.T) {
	ctx := context.Background()
	day0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s, uid, clock := reviewFixture(t, 2, DefaultSettings(), day0)
	today := srs.DayOf(day0)
	next := func(m srs.Memory, t0 int, g srs.Grade) srs.Memory {
		out, err := srs.NextMemory(m, t0, g)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	check := func(step string, want srs.Memory, wantDay srs.Day) {
		t.Helper()
		c, err := s.GetCard(ctx, uid, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Reviewed || !sameMemory(c.Memory, want) || c.MemoryDay != wantDay {
			t.Errorf("%s: memory %+v on %s (reviewed %v); want %+v on %s", step, c.Memory, c.MemoryDay, c.Reviewed, want, wantDay)
		}
		if replay := srs.ReplayMemory(reviewLog(t, s, 1)); !sameMemory(replay, c.Memory) {
			t.Errorf("%s: kept %+v, replaying the log gives %+v", step, c.Memory, replay)
		}
	}
	if c, _ := s.GetCard(ctx, uid, 1); c.Reviewed || c.Memory != (srs.Memory{}) {
		t.Fatalf("a new card has memory %+v", c.Memory)
	}
	if _, ok := (Card{}).RecallOn(today); ok {
		t.Error("a card never reviewed has a recall")
	}

	grade(t, s, uid, 1, 2) // counted: a first Again
	first := next(srs.Memory{}, 0, 2)
	check("first grade", first, today)
	grade(t, s, uid, 1, 4) // a re-drill: the short-term path
	redrilled := next(first, 0, 4)
	if sameMemory(redrilled, first) {
		t.Fatal("the re-drill should move stability")
	}
	check("re-drill", redrilled, today)

	*clock = day0.AddDate(0, 0, 3)
	c, _ := s.GetCard(ctx, uid, 1)
	if r, ok := c.RecallOn(today + 3); !ok || r != srs.Recall(3, redrilled.Stability) || r >= 1 {
		t.Errorf("recall three days on = %v, %v; want %v", r, ok, srs.Recall(3, redrilled.Stability))
	}
	grade(t, s, uid, 1, 5) // counted, 3 days later: a recall
	check("recall after 3 days", next(redrilled, 3, 5), today+3)
	if other := readStoredMemory(t, s, 2); other.day.Valid || other.stability != 0 {
		t.Errorf("the card never graded got a memory state: %+v", other)
	}
}

// Undo puts back the memory state a grade replaced, bit for bit: after a
// counted grade, after a re-drill, and after a card's first review.
func TestUndoRestoresTheMemoryState(t *testing.T) {
	ctx := context.Background()
	day0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s, uid, clock := reviewFixture(t, 2, DefaultSettings(), day0)
	grade(t, s, uid, 1, 4)
	*clock = day0.AddDate(0, 0, 1)
	grade(t, s, uid, 1, 3)
	*clock = day0.AddDate(0, 0, 8)

	var before []storedMemory
	for _, g := range []struct {
		card  int64
		grade srs.Grade
	}{{1, 1}, {1, 2}, {1, 5}, {2, 3}} { // a lapse, two re-drills, a new card
		before = append(before, readStoredMemory(t, s, g.card))
		grade(t, s, uid, g.card, g.grade)
	}
	if m := readStoredMemory(t, s, 1); m == before[0] {
		t.Fatal("the grades left the memory state as it was")
	}
	for i, card := range []int64{2, 1, 1, 1} {
		if _, err := s.Undo(ctx, uid); err != nil {
			t.Fatal(err)
		}
		want := before[len(before)-1-i]
		if got := readStoredMemory(t, s, card); got != want {
			t.Errorf("undo %d (card %d): memory %+v, want %+v as before the grade", i+1, card, got, want)
		}
	}
	if c, _ := s.GetCard(ctx, uid, 2); c.Reviewed || c.Memory != (srs.Memory{}) {
		t.Errorf("undoing a card's only review leaves memory %+v, reviewed %v", c.Memory, c.Reviewed)
	}
}

// A restore computes each card's memory state from the restored log: the
// same bits as the account it was exported from, which kept it grade by grade.
func TestRestoreComputesTheMemoryState(t *testing.T) {
	ctx := context.Background()
	s, u, _ := exportFixture(t)
	doc := exportJSON(t, s, u.ID)
	bob, err := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreExport(ctx, bob.ID, bytes.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	orig, restored := cardsByKey(t, s, u.ID), cardsByKey(t, s, bob.ID)
	reviewed := 0
	for key, o := range orig {
		r := restored[key]
		if r.Reviewed != o.Reviewed || !sameMemory(r.Memory, o.Memory) || r.MemoryDay != o.MemoryDay {
			t.Errorf("card %s: restored memory %+v on %s, the original %+v on %s", key, r.Memory, r.MemoryDay, o.Memory, o.MemoryDay)
		}
		if want := srs.ReplayMemory(reviewLog(t, s, r.ID)); !sameMemory(r.Memory, want) {
			t.Errorf("card %s: restored memory %+v, its log replays to %+v", key, r.Memory, want)
		}
		if r.Reviewed {
			reviewed++
		}
	}
	if reviewed != 5 {
		t.Errorf("%d restored cards have a memory state, want the 5 reviewed", reviewed)
	}
	if err := s.CheckMemory(ctx); err != nil {
		t.Error(err)
	}
}

// An Anki import computes the memory state from the imported review log,
// on the study days the importer gives the reviews.
func TestAnkiImportComputesTheMemoryState(t *testing.T) {
	s, uid := ankiTestStore(t)
	if _, err := importApkg(t, s, uid, ankiBuild.Layouts(t, ankitest.Sample())["legacy anki2"], ""); err != nil {
		t.Fatal(err)
	}
	reviewed := 0
	for key, c := range cardsByKey(t, s, uid) {
		log := reviewLog(t, s, c.ID)
		if c.Reviewed != (len(log) > 0) {
			t.Errorf("card %s: reviewed %v with %d reviews", key, c.Reviewed, len(log))
			continue
		}
		if len(log) == 0 {
			continue
		}
		reviewed++
		if want := srs.ReplayMemory(log); !sameMemory(c.Memory, want) || c.MemoryDay != srs.Day(log[len(log)-1].Day) {
			t.Errorf("card %s: memory %+v on %s; its log replays to %+v on %d", key, c.Memory, c.MemoryDay, want, log[len(log)-1].Day)
		}
	}
	// basicGuid1 (six answers), revGuid2 and clozeGuid3:1 have a log.
	if reviewed != 3 {
		t.Errorf("%d imported cards have a memory state, want 3", reviewed)
	}
}

// A database whose reviews predate the memory state gets it once, when the
// store opens: the same bits the grades would have written, in batches.
func TestMemoryBackfillForAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.PasswordCost = bcrypt.MinCost
	day0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := day0
	s.Now = func() time.Time { return clock }
	u, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	drafts := make([]CardDraft, 7)
	for i := range drafts {
		drafts[i] = CardDraft{Key: fmt.Sprint("k", i), Front: fmt.Sprint("front ", i), Back: "back", Category: "data-quality"}
	}
	if _, err := s.ImportDrafts(ctx, u.ID, "deck", drafts, nil); err != nil {
		t.Fatal(err)
	}
	for day, grades := range [][]srs.Grade{{5, 2, 4, 1, 3}, {4, 3, 5}, 7: {0, 5, 2}} {
		clock = day0.AddDate(0, 0, day)
		for i, g := range grades {
			grade(t, s, u.ID, int64(i+1), g)
			if g < 4 { // and its re-drill
				grade(t, s, u.ID, int64(i+1), 4)
			}
		}
	}
	want := map[int64]storedMemory{}
	for id := int64(1); id <= 7; id++ {
		want[id] = readStoredMemory(t, s, id)
	}
	wantBefore := reviewMemories(t, s)
	// Take the database back to before migration 6.
	for _, q := range []string{"ALTER TABLE card_state DROP COLUMN stability", "ALTER TABLE card_state DROP COLUMN difficulty",
		"ALTER TABLE card_state DROP COLUMN memory_day", "ALTER TABLE reviews DROP COLUMN before_stability",
		"ALTER TABLE reviews DROP COLUMN before_difficulty", "ALTER TABLE reviews DROP COLUMN before_memory_day",
		"DELETE FROM schema_migrations WHERE version = 6"} {
		if _, err := s.writer.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()

	defer func(n int) { memoryBackfillBatch = n }(memoryBackfillBatch)
	memoryBackfillBatch = 2 // three batches and an empty one
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		if got := readStoredMemory(t, s, id); got != w {
			t.Errorf("card %d after the backfill: %+v, want %+v as the grades wrote it", id, got, w)
		}
	}
	if gotBefore := reviewMemories(t, s); gotBefore != wantBefore {
		t.Errorf("reviews' memory before them after the backfill:\n%s\nwant\n%s", gotBefore, wantBefore)
	}
	if err := s.CheckMemory(ctx); err != nil {
		t.Error(err)
	}
	var marks int
	s.reader.QueryRow("SELECT COUNT(*) FROM meta WHERE key = ?", memoryBackfillKey).Scan(&marks)
	if marks != 0 {
		t.Error("the backfill left its mark: it would run at every start")
	}
	// Done once: a later start does not look again.
	if _, err := s.writer.ExecContext(ctx, "UPDATE card_state SET stability = 0, difficulty = 0, memory_day = NULL WHERE card_id = 1"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := readStoredMemory(t, s, 1); got.day.Valid {
		t.Errorf("a second start filled card 1 in again: %+v", got)
	}
}

// Mastery reads the stabilities as SQLite's text of a REAL (addRecalls):
// it must parse back to the very float64 stored, for any value.
func TestStabilityTextRoundTrips(t *testing.T) {
	s, _, _ := reviewFixture(t, 1, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	r := rand.New(rand.NewPCG(3, 4))
	values := []float64{0.001, 36500, 8.2956, 2, 1e-300, math.SmallestNonzeroFloat64, math.MaxFloat64, 0.1 + 0.2}
	for range 3000 {
		values = append(values, r.Float64()*36500, math.Round(r.Float64()*36500*1e8)/1e8, math.Float64frombits(r.Uint64()>>2))
	}
	tx, err := s.writer.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, x := range values {
		var text string
		if _, err := tx.Exec("UPDATE card_state SET stability = ?, memory_day = 7 WHERE card_id = 1", x); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRow("SELECT memory_day || ' ' || stability FROM card_state WHERE card_id = 1").Scan(&text); err != nil {
			t.Fatal(err)
		}
		var got srs.RecallTally
		if err := addRecalls(&got, text, 7+3); err != nil {
			t.Fatal(err)
		}
		var want srs.RecallTally
		want.Add(srs.Recall(3, x))
		if got != want {
			t.Fatalf("stability %v (%x) reads back as %q: recall %+v, want %+v", x, math.Float64bits(x), text, got, want)
		}
	}
}

// Each category's recall today is the mean of its cards' predicted recall,
// from the states the grades stored.
func TestMasteryRecallNowIsTheMeanOfTheCards(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := masteryFixture(t)
	rep, err := s.Mastery(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := s.ListCards(ctx, uid, CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	tallies := map[string]*srs.RecallTally{}
	for _, c := range cards {
		if tallies[c.Category] == nil {
			tallies[c.Category] = &srs.RecallTally{}
		}
		if r, ok := c.RecallOn(rep.Today); ok {
			tallies[c.Category].Add(r)
		}
	}
	for _, c := range rep.Categories {
		want, started := srs.RecallTally{}.Mean()
		var atRisk int
		if tl := tallies[c.Slug]; tl != nil {
			want, started = tl.Mean()
			atRisk = tl.AtRisk
		}
		if c.Started != started || math.Abs(c.RecallNow-want) > 1e-9 || c.AtRisk != atRisk {
			t.Errorf("%s: started %v, recall now %v, at risk %d; want %v, %v, %d", c.Slug, c.Started, c.RecallNow, c.AtRisk, started, want, atRisk)
		}
	}
	// Day 7's lapse of card 1 leaves accuracy-only at risk and weakest.
	if rep.Weakest != "accuracy-only" || rep.Categories[0].AtRisk == 0 {
		t.Errorf("weakest %q, first %+v", rep.Weakest, rep.Categories[0])
	}
}
