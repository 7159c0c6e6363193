package data

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFullDisk: on a full disk a write fails as ErrDiskFull and changes
// nothing, and reads go on, those that authenticate an API token included
// (its time of use is written when due, and on a full disk left unwritten).
// Once space is freed, writes work again.
func TestFullDisk(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	u := cardsTestUser(t, s, "ada")
	if _, err := s.CreateCard(ctx, u.ID, CardInput{Front: "kept", Back: "card"}); err != nil {
		t.Fatal(err)
	}
	// Tokens never used: each first use writes a longer row.
	var tokens []string
	for i := range MaxTokens {
		secret, _, err := s.CreateToken(ctx, u.ID, fmt.Sprintf("script %d", i))
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, secret)
	}
	if err := s.SimulateFullDisk(ctx); err != nil {
		t.Fatal(err)
	}

	_, err := s.CreateCard(ctx, u.ID, CardInput{Front: "Q", Back: strings.Repeat("no room for this ", 1000)})
	if !errors.Is(err, ErrDiskFull) || !IsDiskFull(err) {
		t.Errorf("a write on a full disk: %v, want ErrDiskFull", err)
	}
	if cards, err := s.ListCards(ctx, u.ID, CardFilter{}); err != nil || len(cards) != 1 {
		t.Errorf("reading on a full disk: %d cards, %v; want the 1 there was", len(cards), err)
	}
	for i, secret := range tokens {
		if got, err := s.UserByToken(ctx, secret); err != nil || got.ID != u.ID {
			t.Fatalf("token %d on a full disk: %v", i, err)
		}
	}

	// Space freed: writes work again, without reopening the store.
	if _, err := s.writer.ExecContext(ctx, "PRAGMA max_page_count = 1000000000"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCard(ctx, u.ID, CardInput{Front: "Q", Back: strings.Repeat("room now ", 1000)}); err != nil {
		t.Errorf("a write once space is freed: %v", err)
	}

	for _, tc := range []struct {
		err  error
		full bool
	}{
		{&fs.PathError{Op: "write", Path: "/tmp/x", Err: syscall.ENOSPC}, true},
		{fmt.Errorf("import: %w", ErrDiskFull), true},
		{ErrInvalid, false},
		{nil, false},
	} {
		if got := IsDiskFull(tc.err); got != tc.full {
			t.Errorf("IsDiskFull(%v) = %v", tc.err, got)
		}
	}
}
