package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/flashcards/flashcards/srs"
)

// openTestStore opens a fresh store in a real file under t.TempDir.
func openTestStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.PasswordCost = bcrypt.MinCost
	t.Cleanup(func() {
		if err := s.CheckCounts(context.Background()); err != nil {
			t.Errorf("after the test: %v", err)
		}
		if err := s.CheckMemory(context.Background()); err != nil {
			t.Errorf("after the test: %v", err)
		}
		s.Close()
	})
	return s
}

func TestMigrationsOnEmptyDatabaseThenRestartIsNoOp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fresh.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != ms[len(ms)-1].version {
		t.Fatalf("schema version = %d, %v; want %d", v, err, ms[len(ms)-1].version)
	}
	s.PasswordCost = bcrypt.MinCost
	if _, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	var applied1 string
	s.reader.QueryRow("SELECT group_concat(applied_at) FROM schema_migrations").Scan(&applied1)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	var applied2 string
	s2.reader.QueryRow("SELECT group_concat(applied_at) FROM schema_migrations").Scan(&applied2)
	if applied1 != applied2 {
		t.Errorf("restart re-applied migrations: %q then %q", applied1, applied2)
	}
	if n, _ := s2.CountUsers(ctx); n != 1 {
		t.Errorf("users after restart = %d, want 1", n)
	}
}

func TestPragmas(t *testing.T) {
	s := openTestStore(t)
	for _, db := range []*sql.DB{s.writer, s.reader} {
		var mode string
		var fk, sync, timeout int
		db.QueryRow("PRAGMA journal_mode").Scan(&mode)
		db.QueryRow("PRAGMA foreign_keys").Scan(&fk)
		db.QueryRow("PRAGMA synchronous").Scan(&sync)
		db.QueryRow("PRAGMA busy_timeout").Scan(&timeout)
		if mode != "wal" || fk != 1 || sync != 1 || timeout != 5000 {
			t.Errorf("journal_mode=%s foreign_keys=%d synchronous=%d busy_timeout=%d; want wal 1 1(NORMAL) 5000", mode, fk, sync, timeout)
		}
	}
}

func TestBackupHoldsTheSameRows(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	for _, name := range []string{"ada", "grace", "linus"} {
		u, err := s.CreateUser(ctx, name, "long enough pw", DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CreateToken(ctx, u.ID, "t"); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(t.TempDir(), "backups", "copy.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, dest); err == nil {
		t.Error("a second backup over an existing file should be refused")
	}
	b, err := Open(ctx, dest)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer b.Close()
	for _, table := range []string{"users", "settings", "categories", "api_tokens", "meta"} {
		var want, got int
		s.reader.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&want)
		b.reader.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&got)
		if want != got {
			t.Errorf("%s: backup has %d rows, original %d", table, got, want)
		}
	}
	if _, err := b.Authenticate(ctx, "grace", "long enough pw"); err != nil {
		t.Errorf("log-in against the backup: %v", err)
	}
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u, err := s.CreateUser(ctx, "Ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "ada", "another password", DefaultSettings()); !errors.Is(err, ErrConflict) {
		t.Errorf("same name in other case: %v, want ErrConflict", err)
	}
	for _, bad := range []struct{ name, pw string }{
		{"", "correct horse"},
		{"has space", "correct horse"},
		{"<script>", "correct horse"},
		{"bob", "short"},
		{"bob", string(make([]byte, 73))},
	} {
		if _, err := s.CreateUser(ctx, bad.name, bad.pw, DefaultSettings()); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateUser(%q, len %d) = %v, want ErrInvalid", bad.name, len(bad.pw), err)
		}
	}
	if _, err := s.Authenticate(ctx, "ada", "wrong password"); err != ErrBadCredentials {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "nobody", "correct horse"); err != ErrBadCredentials {
		t.Errorf("unknown user: %v", err)
	}
	if got, err := s.Authenticate(ctx, "ADA", "correct horse"); err != nil || got.ID != u.ID {
		t.Errorf("case-insensitive log-in: %v %v", got, err)
	}
	var cats int
	s.reader.QueryRow("SELECT COUNT(*) FROM categories WHERE user_id = ?", u.ID).Scan(&cats)
	if cats != len(BuiltinCategories())+1 {
		t.Errorf("new user has %d categories, want the %d built-in ones and uncategorized", cats, len(BuiltinCategories()))
	}
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"users", "settings", "categories", "sessions", "api_tokens"} {
		var n int
		s.reader.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n)
		if n != 0 {
			t.Errorf("%s keeps %d rows after the account was deleted", table, n)
		}
	}
}

func TestSettingsValidation(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u, _ := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	good := Settings{Timezone: "Asia/Kolkata", RolloverHour: 0, NewPerDay: 100000, ReviewsPerDay: 100000}
	if err := s.UpdateSettings(ctx, u.ID, good); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.UserSettings(ctx, u.ID); got != good {
		t.Errorf("settings = %+v, want %+v", got, good)
	}
	for _, bad := range []Settings{
		{Timezone: "Mars/Olympus", RolloverHour: 4},
		{Timezone: "Local", RolloverHour: 4},
		{Timezone: "UTC", RolloverHour: 24},
		{Timezone: "UTC", RolloverHour: -1},
		{Timezone: "UTC", NewPerDay: -1},
		{Timezone: "UTC", ReviewsPerDay: MaxPerDay + 1},
	} {
		if err := s.UpdateSettings(ctx, u.ID, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("UpdateSettings(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
	if got, _ := s.UserSettings(ctx, u.ID); got != good {
		t.Errorf("refused updates changed the settings to %+v", got)
	}
}

// A database made before migration 2 gets its new-card counts filled in.
func TestNewCardsMigrationCountsExistingCards(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.PasswordCost = bcrypt.MinCost
	u, err := s.CreateUserWithBuiltinDeck(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	for _, g := range []srs.Grade{4, 2} { // one new card passed, one in re-drill
		next, err := s.NextCard(ctx, u.ID, ReviewFilter{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.GradeCard(ctx, u.ID, Grade{CardID: next.Card.ID, Grade: g, Step: -1}); err != nil {
			t.Fatal(err)
		}
	}
	// Take the database back to version 1.
	for _, q := range []string{"DROP TRIGGER users_new_cards", "DROP TRIGGER card_state_new_insert",
		"DROP TRIGGER card_state_new_delete", "DROP TRIGGER card_state_new_update", "DROP INDEX card_state_new",
		"DROP TABLE new_cards", "DROP TRIGGER card_state_redrill_update", "DROP TRIGGER card_state_redrill_delete",
		"ALTER TABLE day_counts DROP COLUMN redrills", "DELETE FROM schema_migrations WHERE version = 2"} {
		if _, err := s.writer.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CheckCounts(ctx); err != nil {
		t.Fatal(err)
	}
	var ada, bob int
	s.reader.QueryRow("SELECT n FROM new_cards WHERE user_id = ?", u.ID).Scan(&ada)
	s.reader.QueryRow("SELECT n FROM new_cards n JOIN users u ON u.id = n.user_id WHERE u.name = 'bob'").Scan(&bob)
	var redrills int
	s.reader.QueryRow("SELECT SUM(redrills) FROM day_counts WHERE user_id = ?", u.ID).Scan(&redrills)
	if ada != 35 || bob != 0 || redrills != 1 {
		t.Errorf("after the migration: ada has %d new cards and %d re-drills, bob %d new cards; want 35, 1 and 0", ada, redrills, bob)
	}
}

// Committed pages reach the database file in the background, without a
// checkpoint in the writer: the log is well under the writer's backstop.
func TestCheckpointsRunInTheBackground(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		fi, err := os.Stat(s.path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	drafts := make([]CardDraft, 2000)
	for i := range drafts {
		drafts[i] = CardDraft{Key: fmt.Sprint("k", i), Front: strings.Repeat("front ", 50) + fmt.Sprint(i), Back: "back", Category: "data-quality"}
	}
	if _, err := s.ImportDrafts(ctx, u.ID, "deck", drafts, nil); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); size() < before+1<<20; {
		if time.Now().After(deadline) {
			t.Fatalf("the database file stayed at %d bytes (%d before the import)", size(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A RESTART checkpoint on the writer completes when no reader holds the
// log; a reader that keeps the old log open makes it give up quickly
// instead of holding every write back.
func TestRestartLogGivesWayToLongReaders(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 1000
	s, uid, _ := reviewFixture(t, 200, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	cards, err := s.ListCards(ctx, uid, CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cards[:100] {
		grade(t, s, uid, c.ID, 5)
	}
	// The background checkpointer may hold the checkpoint lock for a
	// moment; the group committer would simply try again after its next
	// batch.
	for attempt := 1; ; attempt++ {
		done, err := s.restartLog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if done {
			break
		}
		if attempt == 50 {
			t.Fatal("with no reader, the restart never completed")
		}
		time.Sleep(10 * time.Millisecond)
	}

	for _, c := range cards[100:199] {
		grade(t, s, uid, c.ID, 5)
	}
	tx, err := s.reader.BeginTx(ctx, nil) // a long read, of the log as it is
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRow("SELECT COUNT(*) FROM reviews").Scan(&n); err != nil {
		t.Fatal(err)
	}
	grade(t, s, uid, cards[199].ID, 5)
	start := time.Now()
	done, err := s.restartLog(ctx)
	if d := time.Since(start); done || err != nil || d > time.Second {
		t.Errorf("behind a long reader the restart completed %v (%v) after %v", done, err, d)
	}
	if err := tx.QueryRow("SELECT COUNT(*) FROM reviews").Scan(&n); err != nil || n != 199 {
		t.Errorf("the reader sees %d reviews (%v), want its 199", n, err)
	}
}
