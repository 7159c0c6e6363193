package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// moveTo changes the user's time zone, which may move their study day.
func moveTo(t *testing.T, s *Store, uid int64, zone string) {
	t.Helper()
	st, err := s.UserSettings(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	st.Timezone = zone
	if err := s.UpdateSettings(context.Background(), uid, st); err != nil {
		t.Fatal(err)
	}
}

// The reproduction: a grade in UTC, a later one in Tokyo (already
// tomorrow there), then back in New York (today again). Undo used to take
// the latest grade of today, the UTC one, and wrote its state from before
// over the Tokyo grade: the card read as new under a counted grade.
func TestUndoNeverBuriesALaterGrade(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.Timezone = "Etc/UTC"
	// 20:00 UTC on 1 May: study day 1 May in UTC and in New York (16:00),
	// 2 May in Tokyo (05:00 the next morning, after the 4:00 rollover).
	s, uid, _ := reviewFixture(t, 3, st, time.Date(2026, 5, 1, 20, 0, 0, 0, time.UTC))
	grade(t, s, uid, 1, 5)
	moveTo(t, s, uid, "Asia/Tokyo")
	tokyo := grade(t, s, uid, 1, 2)
	moveTo(t, s, uid, "America/New_York")

	_, err := s.Undo(ctx, uid)
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "2026-05-02") {
		t.Fatalf("undo in New York after a grade in Tokyo: %v, want a conflict naming the study day 2026-05-02", err)
	}
	c, err := s.GetCard(ctx, uid, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Sched.Graded || c.Sched.State != tokyo.State || c.Sched.Due != tokyo.Due || c.Lapses != tokyo.Lapses {
		t.Fatalf("after the refused undo the card is %+v (lapses %d), want the Tokyo grade's state %+v", c.Sched, c.Lapses, tokyo)
	}

	// A grade given today in New York is the most recent: it is undone,
	// and the one before it (Tokyo's) is again refused, not the UTC one
	// of today's study day.
	grade(t, s, uid, 2, 4)
	if r, err := s.Undo(ctx, uid); err != nil || r.CardID != 2 || r.Graded {
		t.Fatalf("undo of today's grade in New York: %+v %v, want card 2 new again", r, err)
	}
	if _, err := s.Undo(ctx, uid); !errors.Is(err, ErrConflict) {
		t.Fatalf("a second undo: %v, want a conflict (the last grade left is Tokyo's)", err)
	}
	if c, _ := s.GetCard(ctx, uid, 1); c.Sched.State != tokyo.State {
		t.Fatalf("card 1 changed: %+v", c.Sched)
	}

	// The account stays consistent: it exports and restores.
	var doc bytes.Buffer
	if err := s.ExportJSON(ctx, uid, &doc); err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateUser(ctx, "bob", "correct horse", st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreExport(ctx, other.ID, &doc); err != nil {
		t.Fatalf("restoring the account: %v", err)
	}
}

// Undo writes a state back only over the state its grade left: a card
// changed since (here behind the store's back, as an older server's undo
// or an import could leave it) is refused, and nothing changes.
func TestUndoRefusesACardChangedSinceItsGrade(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := reviewFixture(t, 2, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(t, s, uid, 1, 5)
	if _, err := s.writer.Exec("UPDATE card_state SET interval = 9, due = due + 8 WHERE card_id = 1"); err != nil {
		t.Fatal(err)
	}
	syncCardEffects(t, s)
	before, _ := s.GetCard(ctx, uid, 1)
	_, err := s.Undo(ctx, uid)
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "Card 1") {
		t.Fatalf("undo over a changed card: %v, want a conflict naming card 1", err)
	}
	after, _ := s.GetCard(ctx, uid, 1)
	if after.Sched != before.Sched {
		t.Fatalf("the refused undo changed the card: %+v, was %+v", after.Sched, before.Sched)
	}
	if sum, _ := s.Summary(ctx, uid); sum.Reviewed != 1 {
		t.Fatalf("the refused undo left %d grades of today, want 1", sum.Reviewed)
	}
}

// An export whose card reads as new (or as graded on an earlier day)
// under a later counted grade is refused, naming the card, and the
// account is left as it was.
func TestRestoreRefusesACardItsLogContradicts(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := reviewFixture(t, 2, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(t, s, uid, 1, 5)
	var doc bytes.Buffer
	if err := s.ExportJSON(ctx, uid, &doc); err != nil {
		t.Fatal(err)
	}
	target, err := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	const state = `"state":{"repetitions":1,"interval":1,"ease":260,"due":"2026-05-02","lapses":0,"last_day":"2026-05-01"}`
	if !strings.Contains(doc.String(), state) {
		t.Fatalf("the export lacks the card's state %s", state)
	}
	for _, tc := range []struct{ name, state, want string }{
		{"new under a grade", `"state":{"repetitions":0,"interval":0,"ease":250,"due":null,"lapses":0,"last_day":null}`,
			"never graded, but its review log has a counted grade on 2026-05-01"},
		{"an earlier day", `"state":{"repetitions":1,"interval":1,"ease":260,"due":"2026-05-02","lapses":0,"last_day":"2026-04-28"}`,
			"last graded on 2026-04-28, but its review log's last counted grade is on 2026-05-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(doc.String(), state, tc.state, 1)
			_, err = s.RestoreExport(ctx, target.ID, strings.NewReader(bad))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `Card 1 (id 1, "front 0")`) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("restore: %v\nwant ErrInvalid naming card 1 and %q", err, tc.want)
			}
			if cards, _ := s.ListCards(ctx, target.ID, CardFilter{}); len(cards) != 0 {
				t.Fatalf("the refused restore stored %d cards", len(cards))
			}
		})
	}
}

// A database from before migration 5 gets each day's latest review filled
// in, so undo finds the most recent grade at once.
func TestUndoMigrationFillsTheLatestReviews(t *testing.T) {
	ctx := context.Background()
	s, uid, clock := reviewFixture(t, 3, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(t, s, uid, 1, 5)
	*clock = clock.AddDate(0, 0, 1)
	grade(t, s, uid, 2, 5)
	grade(t, s, uid, 3, 5)

	// Take the database back to before migration 5, old triggers included.
	schema, err := migrationFiles.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	oldTrigger := func(name string) string {
		start := strings.Index(string(schema), "CREATE TRIGGER "+name)
		end := strings.Index(string(schema[start:]), "\nEND;")
		return string(schema[start : start+end+len("\nEND;")])
	}
	for _, q := range []string{"DROP TRIGGER reviews_insert_counts", "DROP TRIGGER reviews_delete_counts",
		oldTrigger("reviews_insert_counts"), oldTrigger("reviews_delete_counts"),
		"ALTER TABLE day_counts DROP COLUMN latest_review", "ALTER TABLE day_counts DROP COLUMN gone_new",
		"ALTER TABLE day_counts DROP COLUMN gone_reviews", "DROP TABLE idempotency_keys",
		"DELETE FROM schema_migrations WHERE version = 5"} {
		if _, err := s.writer.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckCounts(ctx); err != nil {
		t.Fatal(err)
	}
	var bounds string
	s.reader.QueryRow("SELECT group_concat(study_day || ':' || latest_review, ' ') FROM day_counts WHERE user_id = ?", uid).Scan(&bounds)
	if want := fmt.Sprintf("%d:1 %d:3", srs.DateOf(2026, 5, 1), srs.DateOf(2026, 5, 2)); bounds != want {
		t.Fatalf("latest reviews after the migration: %s, want %s", bounds, want)
	}
	if r, err := s.Undo(ctx, uid); err != nil || r.CardID != 3 {
		t.Fatalf("undo after the migration: %+v %v, want card 3", r, err)
	}
}
