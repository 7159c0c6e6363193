package handlers

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data"
)

// TestAPICardListPages: GET /api/v1/cards answers pages, never the whole
// account. 5,000 cards paged by 1,000 come each exactly once, also when a
// card is added and one deleted between two pages, and one page costs the
// same memory whatever the account holds.
func TestAPICardListPages(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	newBrowser(t, app).signup("ada", "correct horse")
	u, _ := app.store.UserByName(ctx, "ada")
	token, _, _ := app.store.CreateToken(ctx, u.ID, "t")
	drafts := make([]data.CardDraft, 5000)
	for i := range drafts {
		drafts[i] = data.CardDraft{Key: fmt.Sprintf("bulk-%d", i), Front: fmt.Sprintf("Question %d", i),
			Back: strings.Repeat("An answer of some length. ", 20), Category: "accuracy-only"}
	}
	if _, err := app.store.ImportDrafts(ctx, u.ID, "Bulk", drafts, nil); err != nil {
		t.Fatal(err)
	}
	total, _ := app.store.CountCards(ctx, u.ID)

	// One page of the default size, and what it costs.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards", token, "")
	runtime.ReadMemStats(&after)
	if status != http.StatusOK || len(body["cards"].([]any)) != 100 || body["next_cursor"] == nil {
		t.Fatalf("first page: %d, %d cards, next_cursor %v; want 200, 100 cards and a cursor", status, len(body["cards"].([]any)), body["next_cursor"])
	}
	// Measured: 1 MB for the page of 100; the whole account in one answer, 49 MB.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("one page of 100 cards allocated %d MB; it must not grow with the account's %d cards", alloc>>20, total)
	}

	seen := map[int64]int{}
	cursor, added, deleted := "", int64(0), int64(0)
	for page := 0; ; page++ {
		q := url.Values{"limit": {"1000"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards?"+q.Encode(), token, "")
		if status != http.StatusOK {
			t.Fatalf("page %d: %d %v", page, status, body)
		}
		cards := body["cards"].([]any)
		if len(cards) > 1000 {
			t.Fatalf("page %d holds %d cards, limit 1000", page, len(cards))
		}
		for _, c := range cards {
			seen[int64(c.(map[string]any)["id"].(float64))]++
		}
		if page == 0 {
			c, err := app.store.CreateCard(ctx, u.ID, data.CardInput{Front: "added while paging", Back: "b"})
			if err != nil {
				t.Fatal(err)
			}
			added = c.ID
			oldest, _ := app.store.ListCards(ctx, u.ID, data.CardFilter{Category: "accuracy-only", Limit: 1, Offset: 4999})
			deleted = oldest[0].ID
			if err := app.store.DeleteCard(ctx, u.ID, deleted); err != nil {
				t.Fatal(err)
			}
		}
		if body["next_cursor"] == nil {
			break
		}
		cursor = body["next_cursor"].(string)
	}
	if len(seen) != total-1 || seen[added] != 0 || seen[deleted] != 0 {
		t.Errorf("paging saw %d cards (the one added meanwhile %d times, the one deleted %d times); want the other %d",
			len(seen), seen[added], seen[deleted], total-1)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("card %d came %d times", id, n)
		}
	}

	// Filters page too: a category's cards, in pages of 300.
	n, cursor := 0, ""
	for {
		status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards?category=accuracy-only&limit=300&cursor="+cursor, token, "")
		if status != http.StatusOK {
			t.Fatalf("category page: %d %v", status, body)
		}
		n += len(body["cards"].([]any))
		if cursor, _ = body["next_cursor"].(string); cursor == "" {
			break
		}
	}
	if want, _ := app.store.ListCards(ctx, u.ID, data.CardFilter{Category: "accuracy-only"}); n != len(want) {
		t.Errorf("category pages gave %d cards, want %d", n, len(want))
	}

	forged := base64.RawURLEncoding.EncodeToString([]byte("id:42"))
	for _, q := range []string{"limit=5000", "limit=1001", "limit=0", "limit=-1", "limit=ten", "limit=1.5",
		"cursor=nonsense!", "cursor=" + forged, "cursor=" + base64.RawURLEncoding.EncodeToString([]byte("c1:-3"))} {
		status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards?"+q, token, "")
		msg, _ := body["error"].(string)
		if status != http.StatusBadRequest || !strings.Contains(msg, strings.SplitN(q, "=", 2)[0]+" must be") {
			t.Errorf("?%s: %d %q, want 400 saying what %s must be", q, status, msg, strings.SplitN(q, "=", 2)[0])
		}
	}
}
