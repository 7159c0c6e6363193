package data

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// BenchmarkGradeCard measures the write path of one grade, with many
// users grading at once (each goroutine its own user).
func BenchmarkGradeCard(b *testing.B) {
	ctx := context.Background()
	s := openTestStore(b)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	st := DefaultSettings()
	st.NewPerDay, st.ReviewsPerDay = MaxPerDay, MaxPerDay
	const users, cards = 32, 2000
	for u := range users {
		usr, err := s.CreateUser(ctx, fmt.Sprint("u", u), "correct horse", st)
		if err != nil {
			b.Fatal(err)
		}
		drafts := make([]CardDraft, cards)
		for i := range drafts {
			drafts[i] = CardDraft{Key: fmt.Sprint(i), Front: fmt.Sprint("f", i), Back: "b", Category: "data-quality"}
		}
		if _, err := s.ImportDrafts(ctx, usr.ID, "d", drafts, nil); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		uid := next.Add(1)%users + 1
		card := (uid - 1) * cards
		for pb.Next() {
			card++
			if _, err := s.GradeCard(ctx, uid, Grade{CardID: card, Grade: srs.Grade(5), Step: -1}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "grades/s")
}
