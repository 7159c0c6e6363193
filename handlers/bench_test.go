package handlers

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
)

// heavyApp is an app whose one user has 10,000 cards and 100,000 reviews
// spread over the past year, written straight into SQLite for speed.
func heavyApp(b *testing.B) (*httptest.Server, *http.Client) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "heavy.db")
	if p := os.Getenv("HEAVY_DB"); p != "" {
		path = p
	}
	store, err := data.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	store.PasswordCost = bcrypt.MinCost
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	store.Now = func() time.Time { return now }
	u, err := store.CreateUser(ctx, "heavy", "correct horse", data.DefaultSettings())
	if err != nil {
		b.Fatal(err)
	}
	cats := data.BuiltinCategories()
	drafts := make([]data.CardDraft, 10_000)
	for i := range drafts {
		drafts[i] = data.CardDraft{Key: fmt.Sprint("k", i), Front: fmt.Sprint("question ", i), Back: "answer",
			Category: cats[i%len(cats)].Slug, KeyPoints: []string{"a", "b"}}
	}
	if _, err := store.ImportDrafts(ctx, u.ID, "heavy", drafts, nil); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, _ := db.Begin()
	rng := rand.New(rand.NewPCG(1, 2))
	today := srs.DayOf(now)
	ins, _ := tx.Prepare(`INSERT INTO reviews (user_id, card_id, reviewed_at, study_day, grade, counted, answer_ms,
		before_repetitions, before_interval, before_ease, before_due, before_lapses, before_last_day,
		after_repetitions, after_interval, after_ease, after_due, after_lapses, category_id)
		VALUES (?, ?, ?, ?, ?, 1, 4000, 1, 3, 250, ?, 0, ?, 2, ?, 250, ?, 0, (SELECT category_id FROM card_state WHERE card_id = ?))`)
	for i := range 100_000 {
		card := int64(i%10_000 + 1)
		day := today.AddDays(-rng.IntN(365))
		ivl := 1 + rng.IntN(40)
		if _, err := ins.Exec(u.ID, card, now.Format(time.RFC3339), int(day), rng.IntN(6), int(day), int(day.AddDays(-3)), ivl, int(day.AddDays(ivl)), card); err != nil {
			b.Fatal(err)
		}
	}
	// Memory states as grades would leave them: stabilities of 1 to 60 days,
	// the last review up to 19 days ago, so some cards are at risk.
	if _, err := tx.Exec(`UPDATE card_state SET repetitions = 3, interval = 1 + (card_id * 7) % 40, due = ? + (card_id % 30), last_day = ? - (card_id % 20),
		stability = 1 + (card_id * 13) % 60 + 0.25, difficulty = 1 + (card_id % 9) + 0.5, memory_day = ? - (card_id % 20)`, int(today), int(today), int(today)); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	e, err := New(ctx, Config{SignupOpen: true}, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(e)
	b.Cleanup(srv.Close)
	br := &browser{t: &testing.T{}, app: &testApp{Server: srv, store: store}}
	jar := newBrowser(nil, br.app)
	jar.t = &testing.T{}
	if p := jar.login("heavy", "correct horse"); p.status != http.StatusSeeOther {
		b.Fatalf("log in: %d", p.status)
	}
	return srv, jar.c
}

// BenchmarkPagesHeavyUser measures the dashboard, mastery and stats pages
// for a user with 10,000 cards and 100,000 reviews (target: under 50 ms),
// and the card browser's pages: sorted, filtered, deep in the list.
func BenchmarkPagesHeavyUser(b *testing.B) {
	srv, client := heavyApp(b)
	for _, path := range []string{"/", "/mastery", "/stats", "/review",
		"/cards", "/cards?sort=ease&page=100", "/cards?state=due&sort=due", "/decks", "/cards/5000/edit"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				resp, err := client.Get(srv.URL + path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", path, resp.StatusCode)
				}
			}
		})
	}
}
