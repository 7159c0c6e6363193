package data

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// A pending import is its uploader's alone, lives an hour, and a user has
// at most PendingImportsPerUser waiting.
func TestPendingImportsOwnerExpiryAndBound(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "fc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	s.Now = func() time.Time { return start }
	p, err := s.KeepPendingImport(1, "a.md", []byte("doc"))
	if err != nil {
		t.Fatal(err)
	}
	if _, doc, _, err := s.PendingImportDoc(1, p.ID); err != nil || string(doc) != "doc" {
		t.Fatalf("own preview: %q, %v", doc, err)
	}
	if _, _, _, err := s.PendingImportDoc(2, p.ID); !errors.Is(err, ErrPendingImportGone) {
		t.Errorf("another user's preview: %v", err)
	}
	s.Now = func() time.Time { return start.Add(PendingImportTTL) }
	if _, _, _, err := s.PendingImportDoc(1, p.ID); !errors.Is(err, ErrPendingImportGone) {
		t.Errorf("an hour-old preview: %v", err)
	}
	var ids []string
	for i := range PendingImportsPerUser + 2 {
		s.Now = func() time.Time { return start.Add(time.Duration(i) * time.Second) }
		p, err := s.KeepPendingImport(1, "a.md", []byte("doc"))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	kept := 0
	for _, id := range ids {
		if _, _, _, err := s.PendingImportDoc(1, id); err == nil {
			kept++
		}
	}
	if kept != PendingImportsPerUser {
		t.Errorf("%d previews kept, want %d", kept, PendingImportsPerUser)
	}
	if _, _, _, err := s.PendingImportDoc(1, ids[len(ids)-1]); err != nil {
		t.Errorf("the newest preview was pushed out: %v", err)
	}
}
