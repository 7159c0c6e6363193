package data

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// plainDrafts are n short cards of one category, keyed "0" to n-1: the
// load of the store's benchmarks and load tests.
func plainDrafts(n int) []CardDraft {
	drafts := make([]CardDraft, n)
	for i := range drafts {
		drafts[i] = CardDraft{Key: fmt.Sprint(i), Front: fmt.Sprint("f", i), Back: "b", Category: "data-quality"}
	}
	return drafts
}

// addGraders makes the users of the grading benchmarks, u0 to u(users-1)
// (ids 1 to users), each with cards plain cards: user n's cards have the
// ids (n-1)*cards+1 to n*cards.
func addGraders(b *testing.B, s *Store, users, cards int, st Settings) {
	ctx := context.Background()
	for u := range users {
		usr, err := s.CreateUser(ctx, fmt.Sprint("u", u), "correct horse", st)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ImportDrafts(ctx, usr.ID, "d", plainDrafts(cards), nil); err != nil {
			b.Fatal(err)
		}
	}
}

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
	addGraders(b, s, users, cards, st)
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

// BenchmarkHotQueries runs each statement of the review path the way the
// server does: prepared once, each run for another user or card. Compare
// with the /same variants, which bind the same values every time: a
// statement that SQLite re-plans for each new value (see planOnce) shows up
// as several times slower than its /same twin.
func BenchmarkHotQueries(b *testing.B) {
	ctx := context.Background()
	s := openTestStore(b)
	st := DefaultSettings()
	var users []int64
	for u := range 4 {
		usr, err := s.CreateUser(ctx, fmt.Sprint("u", u), "correct horse", st)
		if err != nil {
			b.Fatal(err)
		}
		drafts := make([]CardDraft, 200)
		for i := range drafts {
			drafts[i] = CardDraft{Key: fmt.Sprint("k", i), Front: fmt.Sprint("front ", i), Back: "back", Category: "data-quality"}
		}
		if _, err := s.ImportDrafts(ctx, usr.ID, "deck", drafts, nil); err != nil {
			b.Fatal(err)
		}
		users = append(users, usr.ID)
	}
	const day = 20000
	for _, q := range []struct {
		name   string
		sql    string
		args   func(u int64) []any
		writer bool
	}{
		{"day", qDayStart, func(u int64) []any { return []any{u} }, false},
		{"queue", qQueueHead, func(u int64) []any { return []any{u, u, day, day, 100, u, u, day, day, u, u, u, u, day} }, false},
		{"card", qQueueCard, func(u int64) []any { return []any{day, (u-1)*200 + 1, u} }, false},
		{"grade-state", qGradeState, func(u int64) []any { return []any{day, (u-1)*200 + 1, u, u} }, false},
		// Its float parameters keep it out of planOnce; an UPDATE by
		// primary key has one plan whatever the values. It writes the
		// state of a card never reviewed, as it is.
		{"update-memory", qUpdateMemory, func(u int64) []any { return []any{0.0, 0.0, nil, (u-1)*200 + 1} }, true},
	} {
		for _, same := range []bool{false, true} {
			name := q.name
			if same {
				name += "/same"
			}
			b.Run(name, func(b *testing.B) {
				cache := s.rstmts
				if q.writer {
					cache = s.wstmts
				}
				stmt, ok := cache.get(q.sql)
				if !ok {
					b.Fatalf("%s is not prepared", q.name)
				}
				for i := 0; b.Loop(); i++ {
					u := users[i%len(users)]
					if same {
						u = users[0]
					}
					rows, err := stmt.QueryContext(ctx, q.args(u)...)
					if err != nil {
						b.Fatal(err)
					}
					for rows.Next() {
					}
					if err := rows.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
