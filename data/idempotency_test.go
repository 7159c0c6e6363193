package data

import (
	"context"
	"testing"
	"time"
)

// A key is held by one request at a time, keeps its answer for 24 hours,
// and is freed when its request fails or is taken for dead; a request
// taken for dead cannot write its answer over its successor's.
func TestIdempotencyKeyLifecycle(t *testing.T) {
	ctx := context.Background()
	s, uid, clock := reviewFixture(t, 1, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	req := IdempotentRequest{UserID: uid, Key: "k1", Method: "POST", Path: "/api/v1/undo"}
	reserve := func(r IdempotentRequest) (int64, KeptAnswer) {
		t.Helper()
		res, kept, err := s.ReserveIdempotencyKey(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return res, kept
	}

	first, _ := reserve(req)
	if first == 0 {
		t.Fatal("a fresh key was not reserved")
	}
	if res, kept := reserve(req); res != 0 || kept.Done {
		t.Fatalf("a copy while the first runs: reservation %d, %+v; want none, running", res, kept)
	}
	if err := s.FinishIdempotencyKey(ctx, first, []byte{1}, 201, "application/json", "", []byte(`{"ok":true}`), true); err != nil {
		t.Fatal(err)
	}
	res, kept := reserve(req)
	if res != 0 || !kept.Done || kept.Status != 201 || string(kept.Body) != `{"ok":true}` || !kept.BodyKept {
		t.Fatalf("a copy after the answer: reservation %d, %+v", res, kept)
	}
	if !kept.SameRequest("POST", "/api/v1/undo", []byte{1}) || kept.SameRequest("POST", "/api/v1/undo", []byte{2}) ||
		kept.SameRequest("PUT", "/api/v1/undo", []byte{1}) {
		t.Fatal("SameRequest does not tell requests apart by method and body")
	}

	// A request that failed frees its key.
	other := IdempotentRequest{UserID: uid, Key: "k2", Method: "POST", Path: "/api/v1/cards/1/grade"}
	failed, _ := reserve(other)
	if err := s.ReleaseIdempotencyKey(ctx, failed); err != nil {
		t.Fatal(err)
	}
	if _, found, err := s.IdempotencyKey(ctx, uid, "k2"); err != nil || found {
		t.Fatalf("a released key is still kept (%v)", err)
	}

	// A request that never answers is taken for dead after 10 minutes.
	dead, _ := reserve(other)
	*clock = clock.Add(11 * time.Minute)
	successor, _ := reserve(other)
	if successor == 0 || successor == dead {
		t.Fatalf("an abandoned key: reservation %d (the dead one was %d)", successor, dead)
	}
	if err := s.FinishIdempotencyKey(ctx, dead, nil, 500, "", "", nil, true); err != nil {
		t.Fatal(err)
	}
	if kept, _, _ := s.IdempotencyKey(ctx, uid, "k2"); kept.Done {
		t.Fatalf("the dead request's late answer was kept: %+v", kept)
	}
	if err := s.FinishIdempotencyKey(ctx, successor, nil, 200, "", "", []byte("too big"), false); err != nil {
		t.Fatal(err)
	}
	if kept, _, _ := s.IdempotencyKey(ctx, uid, "k2"); !kept.Done || kept.BodyKept || len(kept.Body) != 0 {
		t.Fatalf("an answer too large to keep: %+v", kept)
	}

	// After 24 hours a key is forgotten, and the sweep deletes it.
	*clock = clock.Add(IdempotencyKeyLifetime)
	if _, found, _ := s.IdempotencyKey(ctx, uid, "k1"); found {
		t.Fatal("a key older than 24 hours is still kept")
	}
	if n, err := s.DeleteExpiredIdempotencyKeys(ctx); err != nil || n != 2 {
		t.Fatalf("expired keys deleted: %d %v, want 2", n, err)
	}
	if res, _ := reserve(req); res == 0 {
		t.Fatal("an expired key was not free again")
	}
}
