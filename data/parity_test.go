package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// TestStoreAndSrsAgree runs random card states and grades through the
// store and through srs alone, and compares what each says: the card's
// state, stage and mastery credit, the effects each review keeps (the
// day's counts, the re-drill mark, the credit change), the day's counts
// and re-drill queue, and each category's mastery. srs is the one place
// these rules are written (issue 16); the store only keeps its answers.
func TestStoreAndSrsAgree(t *testing.T) {
	ctx := context.Background()
	const cards = 40
	st := DefaultSettings()
	st.NewPerDay, st.ReviewsPerDay = 15, 25
	start := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s, uid, clock := reviewFixture(t, cards, st, start)
	var cats []string
	for _, c := range BuiltinCategories()[:3] {
		cats = append(cats, c.Slug)
	}
	for id := int64(1); id <= cards; id++ {
		if _, err := s.writer.Exec("UPDATE cards SET category_id = (SELECT id FROM categories WHERE user_id = ? AND slug = ?) WHERE id = ?",
			uid, cats[id%3], id); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(16, 17))
	// model is srs's view of every card, kept from srs alone.
	type model struct {
		card   srs.Card
		lapses int
		today  []srs.Grade // the day's review grades
		day    srs.Day
	}
	models := make([]model, cards+1)
	for i := range models {
		models[i].card.State = srs.New()
	}
	for day := range 40 {
		*clock = start.AddDate(0, 0, day)
		today, err := s.Today(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		newDone, reviewsDone := 0, 0
		for range 60 {
			id := 1 + rng.Int64N(cards)
			m := &models[id]
			if m.day != today {
				m.day, m.today = today, nil
			}
			g := srs.Grade(rng.IntN(6))
			practice := rng.IntN(5) == 0
			status := srs.StatusOf(m.card, today, m.today)
			var want srs.Outcome
			ok := true
			switch {
			case practice:
				want = srs.Outcome{Card: m.card}
			case status == srs.StatusDue && reviewsDone >= st.ReviewsPerDay:
				ok = false
			default:
				want, err = srs.ApplyGrade(m.card, today, m.today, g, newDone < st.NewPerDay)
				ok = err == nil
			}
			res, err := s.GradeCard(ctx, uid, Grade{CardID: id, Grade: g, Step: -1, Practice: practice})
			if !ok {
				if !errors.Is(err, ErrConflict) {
					t.Fatalf("day %d, card %d, grade %d (status %v): store says %v, srs refuses", day, id, g, status, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("day %d, card %d, grade %d (status %v): store refuses (%v), srs applies", day, id, g, status, err)
			}
			fx := srs.EffectsOf(m.card, want.Card, g, want.Counted, practice)
			if fx.NewCard {
				newDone++
			}
			if fx.Review {
				reviewsDone++
			}
			if want.Counted && m.card.Graded && srs.IsLapse(m.card.State, g) {
				m.lapses++
			}
			if !practice {
				m.today = append(m.today, g)
			}
			m.card = want.Card
			if res.State != m.card.State || res.Due != m.card.Due || res.Graded != m.card.Graded || res.Lapses != m.lapses {
				t.Fatalf("day %d, card %d, grade %d: store %+v, srs %+v with %d lapses", day, id, g, res, m.card, m.lapses)
			}
			// The review just written keeps srs's effects.
			var dayNew, dayReview bool
			var redrill sql.NullInt64
			var credit int
			if err := s.reader.QueryRow(`SELECT day_new, day_review, redrill, credit_delta FROM reviews WHERE card_id = ? ORDER BY id DESC LIMIT 1`, id).
				Scan(&dayNew, &dayReview, &redrill, &credit); err != nil {
				t.Fatal(err)
			}
			if got := (srs.Effects{NewCard: dayNew, Review: dayReview, Redrill: redrillMark(redrill), CreditDelta: credit}); got != fx {
				t.Fatalf("day %d, card %d, grade %d: the review keeps %+v, srs says %+v", day, id, g, got, fx)
			}
		}
		// The day's counts and re-drill queue, as the store keeps them.
		var keptNew, keptReviews, redrills int
		if err := s.reader.QueryRow("SELECT new_done, reviews_done, redrills FROM day_counts WHERE user_id = ? AND study_day = ?", uid, int(today)).
			Scan(&keptNew, &keptReviews, &redrills); err != nil && !errors.Is(err, sql.ErrNoRows) {
			t.Fatal(err)
		}
		wantRedrills := 0
		for id := int64(1); id <= cards; id++ {
			m := models[id]
			if m.day == today && srs.StatusOf(m.card, today, m.today) == srs.StatusRedrill {
				wantRedrills++
			}
		}
		if keptNew != newDone || keptReviews != reviewsDone || redrills != wantRedrills {
			t.Fatalf("day %d: store counts %d new, %d reviews, %d re-drills; srs %d, %d, %d",
				day, keptNew, keptReviews, redrills, newDone, reviewsDone, wantRedrills)
		}
		// The queue's piles against srs.StatusOf: due and new cards, each
		// up to what the day's limits leave.
		q, err := s.Queue(ctx, uid, ReviewFilter{})
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[srs.Status]int{}
		for id := int64(1); id <= cards; id++ {
			m := models[id]
			var grades []srs.Grade
			if m.day == today {
				grades = m.today
			}
			statuses[srs.StatusOf(m.card, today, grades)]++
		}
		wantDue := min(statuses[srs.StatusDue], max(0, st.ReviewsPerDay-reviewsDone))
		wantNew := min(statuses[srs.StatusNew], max(0, st.NewPerDay-newDone))
		if q.Due != wantDue || q.New != wantNew || q.Redrill != statuses[srs.StatusRedrill] {
			t.Fatalf("day %d: the queue holds %d due, %d new, %d re-drills; srs.StatusOf says %d, %d, %d",
				day, q.Due, q.New, q.Redrill, wantDue, wantNew, statuses[srs.StatusRedrill])
		}
		// Every category's mastery: the store's sums against srs.Mastery.
		rep, err := s.Mastery(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range rep.Categories {
			var in []srs.Card
			stages := map[srs.Stage]int{}
			for id := int64(1); id <= cards; id++ {
				if cats[id%3] == c.Slug {
					in = append(in, models[id].card)
					stages[models[id].card.Stage()]++
				}
			}
			got := fmt.Sprint(c.Mastery, c.New, c.Learning, c.Young, c.Mature)
			want := fmt.Sprint(srs.Mastery(in), stages[srs.StageNew], stages[srs.StageLearning], stages[srs.StageYoung], stages[srs.StageMature])
			if got != want {
				t.Fatalf("day %d, %s: store says mastery and stages %s, srs %s", day, c.Slug, got, want)
			}
		}
	}
}

// A database from before migration 0013 gets each review's effects and
// each card's stage and credit from srs when it opens, in batches, and
// they are what a grade would have written.
func TestEffectsBackfillForAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	s, uid, clock := reviewFixture(t, 7, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	for day, grades := range [][]srs.Grade{{5, 2, 4, 1, 3}, {4, 3, 5}, 6: {0, 5, 2, 4}} {
		*clock = clock.AddDate(0, 0, day)
		for i, g := range grades {
			grade(t, s, uid, int64(i+1), g)
			if g < 4 {
				grade(t, s, uid, int64(i+1), 4)
			}
		}
		if _, err := s.GradeCard(ctx, uid, Grade{CardID: 7, Grade: 3, Step: -1, Practice: true}); err != nil {
			t.Fatal(err)
		}
	}
	snapshot := func() string {
		t.Helper()
		var out string
		for _, q := range []string{
			"SELECT group_concat(id || ':' || day_new || day_review || COALESCE(redrill, '-') || '/' || credit_delta, ' ') FROM (SELECT * FROM reviews ORDER BY id)",
			"SELECT group_concat(card_id || ':' || stage || '/' || credit, ' ') FROM (SELECT * FROM card_state ORDER BY card_id)",
		} {
			var v string
			if err := s.reader.QueryRow(q).Scan(&v); err != nil {
				t.Fatal(err)
			}
			out += v + "\n"
		}
		return out
	}
	want := snapshot()
	// Back to before the migration: the values gone, the mark set.
	if _, err := s.writer.Exec(`UPDATE reviews SET day_new = 0, day_review = 0, redrill = NULL, credit_delta = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.Exec(`UPDATE card_state SET stage = 0, credit = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.Exec("INSERT INTO meta (key, value) VALUES (?, CAST('pending' AS BLOB))", effectsBackfillKey); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { effectsBackfillBatch = n }(effectsBackfillBatch)
	effectsBackfillBatch = 3
	n, err := s.backfillEffects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := snapshot(); got != want {
		t.Errorf("after the backfill:\n%s\nas graded:\n%s", got, want)
	}
	var reviews, cards int
	s.reader.QueryRow("SELECT (SELECT COUNT(*) FROM reviews), (SELECT COUNT(*) FROM card_state)").Scan(&reviews, &cards)
	if n != reviews+cards {
		t.Errorf("backfilled %d rows, want %d reviews and %d cards", n, reviews, cards)
	}
	var marks int
	s.reader.QueryRow("SELECT COUNT(*) FROM meta WHERE key = ?", effectsBackfillKey).Scan(&marks)
	if marks != 0 {
		t.Error("the backfill's mark is still there")
	}
}

// The store checks a typed answer against the card itself: what it keeps
// with the review is the checker's verdict on the card's key points, and
// an answer to another user's card is refused with nothing written.
func TestGradeScoresTheTypedAnswer(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := reviewFixture(t, 2, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	if err := s.UpdateCard(ctx, uid, 1, CardInput{Front: "How to judge a classifier?", Back: "More than accuracy.", Category: "data-quality",
		KeyPoints: []string{"**precision**", "recall", "F1"}}); err != nil {
		t.Fatal(err)
	}
	res, err := s.GradeCard(ctx, uid, Grade{CardID: 1, Grade: 3, Step: -1, TypedAnswer: "I would look at precison and the f1 score"})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(res.Covered, res.Missed) != "[**precision** F1] [recall]" {
		t.Errorf("the grade's coverage: covered %q, missed %q", res.Covered, res.Missed)
	}
	h, _, err := s.CardHistory(ctx, uid, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || fmt.Sprint(h[0].Covered, h[0].Missed) != "[**precision** F1] [recall]" {
		t.Errorf("the stored coverage: %+v", h)
	}
	// No typed answer: no coverage.
	if res, err := s.GradeCard(ctx, uid, Grade{CardID: 2, Grade: 5, Step: -1}); err != nil || res.Covered != nil {
		t.Errorf("a grade without a typed answer: %+v, %v", res, err)
	}
	bob := cardsTestUser(t, s, "bob")
	if _, err := s.GradeCard(ctx, bob.ID, Grade{CardID: 1, Grade: 5, Step: -1, TypedAnswer: "recall"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a typed answer to another user's card: %v, want ErrNotFound", err)
	}
	var n int
	s.reader.QueryRow("SELECT COUNT(*) FROM reviews").Scan(&n)
	if n != 2 {
		t.Errorf("%d reviews, want 2", n)
	}
}
