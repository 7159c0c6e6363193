package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
)

// TestSweepPurgesTheTrash: the hourly sweep deletes the cards that have
// been in the trash for 30 days, and no others.
func TestSweepPurgesTheTrash(t *testing.T) {
	ctx := context.Background()
	store, err := data.Open(ctx, filepath.Join(t.TempDir(), "fc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	store.Now = func() time.Time { return now }
	u, err := store.CreateUser(ctx, "ada", "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, front := range []string{"old", "recent"} {
		c, err := store.CreateCard(ctx, u.ID, data.CardInput{Front: front, Back: "b"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if _, err := store.TrashCards(ctx, u.ID, ids[:1]); err != nil {
		t.Fatal(err)
	}
	now = now.Add(24 * time.Hour)
	if _, err := store.TrashCards(ctx, u.ID, ids[1:]); err != nil {
		t.Fatal(err)
	}
	now = now.Add(data.TrashKeep - 24*time.Hour)
	var logs bytes.Buffer
	sweepOnce(ctx, store, slog.New(slog.NewTextHandler(&logs, nil)))
	trash, err := store.ListTrash(ctx, u.ID, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if trash.Total != 1 || trash.Cards[0].ID != ids[1] {
		t.Errorf("after the sweep the trash holds %+v, want only the card deleted a day later", trash.Cards)
	}
	if !strings.Contains(logs.String(), "deleted cards from the trash") || !strings.Contains(logs.String(), "count=1") {
		t.Errorf("the sweep logged:\n%s", logs.String())
	}
	if err := store.CheckCounts(ctx); err != nil {
		t.Error(err)
	}
}
