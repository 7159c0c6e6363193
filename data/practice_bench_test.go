package data

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// BenchmarkPracticeNext picks the next card to practise among 10,000
// cards, 5,000 of them reviewed, as the practice page does for each card:
// it reads the scope's memory states and ranks them in srs.
func BenchmarkPracticeNext(b *testing.B) {
	ctx := context.Background()
	s := openTestStore(b)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	u, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		b.Fatal(err)
	}
	const cards = 10_000
	if _, err := s.ImportDrafts(ctx, u.ID, "d", plainDrafts(cards), nil); err != nil {
		b.Fatal(err)
	}
	for id := int64(1); id <= cards/2; id++ {
		if _, err := s.GradeCard(ctx, u.ID, Grade{CardID: id, Grade: srs.Grade(id % 6), Step: -1, Practice: true}); err != nil {
			b.Fatal(err)
		}
	}
	now = now.Add(10 * 24 * time.Hour)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.PracticeNext(ctx, u.ID, PracticeQuery{Filter: ReviewFilter{Category: "data-quality"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGradeCardPractice is BenchmarkGradeCard's load with practice
// grades: many users at once, each grade its own card.
func BenchmarkGradeCardPractice(b *testing.B) {
	ctx := context.Background()
	s := openTestStore(b)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	const users, cards = 32, 2000
	addGraders(b, s, users, cards, DefaultSettings())
	var next atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		uid := next.Add(1)%users + 1
		card := (uid - 1) * cards
		for pb.Next() {
			card++
			if card > uid*cards {
				card = (uid-1)*cards + 1
			}
			if _, err := s.GradeCard(ctx, uid, Grade{CardID: card, Grade: srs.Grade(4), Step: -1, Practice: true}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "grades/s")
}
