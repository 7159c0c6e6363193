package data

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Tokens are cached for a moment. Revoking one, or deleting its user, in
// this process ends it at once; in another process (the command line, on
// the same database) within tokenCacheTTL.
func TestTokenCacheForgetsRevokedTokens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tokens.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.PasswordCost = bcrypt.MinCost
	ada, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	bob, err := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	mint := func(uid int64) (string, Token) {
		secret, tok, err := s.CreateToken(ctx, uid, "t")
		if err != nil {
			t.Fatal(err)
		}
		return secret, tok
	}
	works := func(secret string, want bool) {
		t.Helper()
		_, err := s.UserByToken(ctx, secret)
		if got := err == nil; got != want {
			t.Fatalf("token works: %v (%v), want %v", got, err, want)
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
	}

	here, hereTok := mint(ada.ID)
	works(here, true)
	if err := s.RevokeToken(ctx, ada.ID, hereTok.ID); err != nil {
		t.Fatal(err)
	}
	works(here, false)

	bobs, _ := mint(bob.ID)
	works(bobs, true)
	if err := s.DeleteUser(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	works(bobs, false)

	elsewhere, elsewhereTok := mint(ada.ID)
	works(elsewhere, true)
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.RevokeToken(ctx, ada.ID, elsewhereTok.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(tokenCacheTTL + 100*time.Millisecond)
	works(elsewhere, false)
}
