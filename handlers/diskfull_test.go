package handlers

import (
	"bytes"
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/flashcards/flashcards/data"
)

// TestDiskFull: with the disk full, a write answers 507 with what happened,
// in a page and in the API, stores nothing, and is logged once a minute
// however many follow; reads go on.
func TestDiskFull(t *testing.T) {
	var logs syncBuffer
	app := newTestAppLogging(t, openSignup(), &logs)
	ctx := context.Background()
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	u, _ := app.store.UserByName(ctx, "ada")
	token, _, _ := app.store.CreateToken(ctx, u.ID, "t")
	apiCall(t, app, http.MethodGet, "/api/v1/me", token, "") // the token's first use is written now
	cardsBefore, _ := app.store.CountCards(ctx, u.ID)
	b.get("/cards/new")

	if err := app.store.SimulateFullDisk(ctx); err != nil {
		t.Fatal(err)
	}
	// A card this long needs new pages of the database: the disk has none.
	long := strings.Repeat("A long answer that the full disk has no room for. ", 300)
	newCard := url.Values{"front": {"Q"}, "back": {long}, "category": {"uncategorized"}}
	p := b.post("/cards", newCard)
	if p.status != http.StatusInsufficientStorage || !strings.Contains(html.UnescapeString(p.body), "The server's disk is full; nothing was saved.") {
		t.Errorf("adding a card on a full disk: %d\n%.600s", p.status, p.body)
	}
	status, body, _ := apiCall(t, app, http.MethodPost, "/api/v1/cards/1/grade", token, `{"grade":4,"answer":"`+long+`"}`)
	if status != http.StatusInsufficientStorage || body["error"] != "The server's disk is full; nothing was saved." {
		t.Errorf("a grade on a full disk: %d %v", status, body)
	}
	if n, _ := app.store.CountCards(ctx, u.ID); n != cardsBefore {
		t.Errorf("%d cards after the refused one, %d before", n, cardsBefore)
	}
	if card, _ := app.store.GetCard(ctx, u.ID, 1); card.Sched.Graded {
		t.Error("the refused grade was applied")
	}

	// Reads go on.
	wantStatus(t, "the card list on a full disk", b.get("/cards"), http.StatusOK)
	wantStatus(t, "the mastery page on a full disk", b.get("/mastery"), http.StatusOK)
	if status, _, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards", token, ""); status != http.StatusOK {
		t.Errorf("the API's card list on a full disk: %d", status)
	}
	if g := request(t, app, http.MethodGet, "/healthz", "", ""); g.StatusCode != http.StatusOK {
		t.Errorf("/healthz on a full disk: %d", g.StatusCode)
	}

	// A flood of refused writes is said once a minute, with how many went unsaid.
	for range 20 {
		b.post("/cards", newCard)
	}
	if n := strings.Count(logs.String(), `msg="the disk is full`); n != 1 {
		t.Errorf("22 refused writes logged %d times within the minute, want once:\n%s", n, logs.String())
	}
	app.clock.Advance(61 * time.Second)
	b.post("/cards", newCard)
	if n := strings.Count(logs.String(), `msg="the disk is full`); n != 2 || !strings.Contains(logs.String(), "refused_since_last_said=21") {
		t.Errorf("a minute later: logged %d times, want twice, the second with the 21 unsaid:\n%s", n, logs.String())
	}
}

// newTestAppLogging is newTestApp with the server's log written to w.
func newTestAppLogging(t *testing.T, cfg Config, w *syncBuffer) *testApp {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	clock := &fakeClock{t: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	store.Now = clock.Now
	store.PasswordCost = bcrypt.MinCost
	e, err := New(ctx, cfg, store, slog.New(slog.NewTextHandler(w, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &testApp{Server: srv, store: store, clock: clock}
}

// syncBuffer is a log the server writes from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
