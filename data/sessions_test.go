package data

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// An ended session stays ended: saving it again updates nothing and
// creates nothing, whether it was ended by log-out or a password change.
func TestEndedSessionIsNeverWrittenBack(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	ada, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	expires := s.now().Add(time.Hour)
	for _, id := range []string{"laptop", "phone"} {
		if err := s.CreateSession(ctx, id, ada.ID, ada.SessionEpoch, "v1", expires); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.UpdateSession(ctx, "laptop", ada.ID, "v2", expires); err != nil {
		t.Fatalf("a live session's update: %v", err)
	}
	if data, _, err := s.LoadSession(ctx, "laptop"); err != nil || data != "v2" {
		t.Fatalf("load after update: %q %v", data, err)
	}

	// Log-out.
	if err := s.DeleteSession(ctx, "laptop"); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateSession(ctx, "laptop", ada.ID, "v3", expires); !errors.Is(err, ErrNotFound) {
		t.Fatalf("updating a logged-out session: %v, want ErrNotFound", err)
	}
	// Password change.
	if _, err := s.ChangePassword(ctx, ada.ID, "battery staple", false); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateSession(ctx, "phone", ada.ID, "v3", expires); !errors.Is(err, ErrNotFound) {
		t.Fatalf("updating a session ended by a password change: %v, want ErrNotFound", err)
	}
	for _, id := range []string{"laptop", "phone"} {
		if _, _, err := s.LoadSession(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("session %s loads after it ended: %v", id, err)
		}
	}
	if n, _ := s.CountSessions(ctx); n != 0 {
		t.Fatalf("%d session rows after both ended, want 0", n)
	}
}

// A log-in whose password check ran before a password change cannot store
// its session after it: the change moved the user's session epoch on.
func TestLoginRacingPasswordChangeStoresNoSession(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	checked, err := s.Authenticate(ctx, "ada", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	changed, err := s.ChangePassword(ctx, checked.ID, "battery staple", false)
	if err != nil {
		t.Fatal(err)
	}
	if changed.SessionEpoch == checked.SessionEpoch {
		t.Fatalf("the password change kept the session epoch %d", changed.SessionEpoch)
	}
	expires := s.now().Add(time.Hour)
	if err := s.CreateSession(ctx, "late", checked.ID, checked.SessionEpoch, "v", expires); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a session from before the change: %v, want ErrNotFound", err)
	}
	if n, _ := s.CountSessions(ctx); n != 0 {
		t.Fatalf("%d session rows, want 0", n)
	}
	if err := s.CreateSession(ctx, "new", checked.ID, changed.SessionEpoch, "v", expires); err != nil {
		t.Fatalf("a session in the new epoch: %v", err)
	}
	if _, _, err := s.LoadSession(ctx, "new"); err != nil {
		t.Fatal(err)
	}
}

// A token is made for a browser only while its session is live, so a
// request that began before a password change leaves no token after it.
func TestSessionTokenNeedsALiveSession(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	ada, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, "laptop", ada.ID, ada.SessionEpoch, "v", s.now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateSessionToken(ctx, "laptop", ada.ID, "script"); err != nil {
		t.Fatalf("a live session's token: %v", err)
	}
	if _, err := s.ChangePassword(ctx, ada.ID, "battery staple", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateSessionToken(ctx, "laptop", ada.ID, "late"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a token for an ended session: %v, want ErrNotFound", err)
	}
	if ts, _ := s.ListTokens(ctx, ada.ID); len(ts) != 0 {
		t.Fatalf("%d tokens after the change with revocation, want 0", len(ts))
	}
}

// A password change revokes every API token of the user in the same
// transaction when asked, at once even for tokens in the cache, and keeps
// them when not asked; other users' tokens are untouched.
func TestPasswordChangeRevokesTokens(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	ada, _ := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	bob, _ := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings())
	mint := func(uid int64) string {
		secret, _, err := s.CreateToken(ctx, uid, "t")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, secret); err != nil { // now cached
			t.Fatal(err)
		}
		return secret
	}
	ada1, ada2, bob1 := mint(ada.ID), mint(ada.ID), mint(bob.ID)

	kept, err := s.ChangePassword(ctx, ada.ID, "battery staple", false)
	if err != nil || kept.TokensRevoked != 0 {
		t.Fatalf("change keeping tokens: %+v %v", kept, err)
	}
	for _, tok := range []string{ada1, ada2, bob1} {
		if _, err := s.UserByToken(ctx, tok); err != nil {
			t.Fatalf("a kept token stopped working: %v", err)
		}
	}

	revoked, err := s.ChangePassword(ctx, ada.ID, "correct horse", true)
	if err != nil || revoked.TokensRevoked != 2 {
		t.Fatalf("change revoking tokens: %+v %v, want 2 revoked", revoked, err)
	}
	for _, tok := range []string{ada1, ada2} {
		if _, err := s.UserByToken(ctx, tok); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a revoked token still works right after the change: %v", err)
		}
	}
	if u, err := s.UserByToken(ctx, bob1); err != nil || u.ID != bob.ID {
		t.Fatalf("bob's token: %v %v", u, err)
	}

	// A refused password changes nothing.
	if _, err := s.ChangePassword(ctx, bob.ID, "short", true); !errors.Is(err, ErrInvalid) {
		t.Fatalf("short password: %v", err)
	}
	if _, err := s.UserByToken(ctx, bob1); err != nil {
		t.Fatalf("a refused change revoked bob's token: %v", err)
	}
}

// Sessions stored before migration 3 stay valid after it.
func TestSessionEpochMigrationKeepsSessions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.PasswordCost = bcrypt.MinCost
	ada, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ALTER TABLE sessions DROP COLUMN epoch", "ALTER TABLE users DROP COLUMN session_epoch",
		"DELETE FROM schema_migrations WHERE version = 3"} {
		if _, err := s.writer.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := s.writer.ExecContext(ctx, "INSERT INTO sessions (id, user_id, data, created_at, expires_at) VALUES ('old', ?, 'v', ?, ?)",
		ada.ID, formatTime(s.now()), formatTime(s.now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, uid, err := s.LoadSession(ctx, "old"); err != nil || uid != ada.ID {
		t.Fatalf("a session from before the migration: user %d, %v", uid, err)
	}
}
