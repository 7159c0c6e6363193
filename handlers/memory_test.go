package handlers

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
)

// recallFixture is a user with two cards passed (accuracy-only), two failed
// and re-drilled (data-quality) and two never shown (coding-fundamentals),
// five days after those grades. It returns the user, a token, and the
// predicted recall today of a passed card and of a failed one.
func recallFixture(t *testing.T, app *testApp) (uid int64, tok string, passed, failed float64) {
	t.Helper()
	ctx := context.Background()
	u, err := app.store.CreateUser(ctx, "ada", "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	var drafts []data.CardDraft
	for i, cat := range []string{"accuracy-only", "accuracy-only", "data-quality", "data-quality", "coding-fundamentals", "coding-fundamentals"} {
		drafts = append(drafts, data.CardDraft{Key: fmt.Sprint("k", i+1), Front: fmt.Sprint("Question ", i+1), Back: "Answer", Category: cat})
	}
	if _, err := app.store.ImportDrafts(ctx, u.ID, "Deck", drafts, nil); err != nil {
		t.Fatal(err)
	}
	if tok, _, err = app.store.CreateToken(ctx, u.ID, "test"); err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		card  int64
		grade int
	}{{1, 5}, {2, 5}, {3, 1}, {3, 4}, {4, 2}, {4, 4}} {
		if status, body := apiGrade(t, app, tok, g.card, g.grade); status != http.StatusOK {
			t.Fatalf("grade card %d: %d %v", g.card, status, body)
		}
	}
	app.clock.Advance(5 * 24 * time.Hour)
	easy, _ := srs.NextMemory(srs.Memory{}, 0, 5)
	again, _ := srs.NextMemory(srs.Memory{}, 0, 1)
	redrilled, _ := srs.NextMemory(again, 0, 4) // the same day: short-term
	return u.ID, tok, srs.Recall(5, easy.Stability), srs.Recall(5, redrilled.Stability)
}

func TestCardAPIShowsTheMemoryState(t *testing.T) {
	app := newTestApp(t, openSignup())
	_, tok, passed, _ := recallFixture(t, app)

	status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards/1", tok, "")
	mem, ok := body["memory"].(map[string]any)
	if status != http.StatusOK || !ok {
		t.Fatalf("card 1: %d, memory %v", status, body["memory"])
	}
	// A first Easy: S = w3, D = 1; five days on, R(5, S).
	if mem["stability"] != 8.2956 || mem["difficulty"] != 1.0 || mem["recall_now"] != passed || passed > 0.95 || passed < 0.9 {
		t.Errorf("card 1 memory = %v; want stability 8.2956, difficulty 1, recall_now %v", mem, passed)
	}
	status, body, _ = apiCall(t, app, http.MethodGet, "/api/v1/cards/5", tok, "")
	if v, present := body["memory"]; status != http.StatusOK || !present || v != nil {
		t.Errorf("a new card: %d, memory %v (present %v); want null", status, v, present)
	}

	status, body, _ = apiCall(t, app, http.MethodGet, "/api/v1/cards", tok, "")
	if status != http.StatusOK {
		t.Fatal(status)
	}
	withMemory := 0
	for _, c := range body["cards"].([]any) {
		card := c.(map[string]any)
		if m, ok := card["memory"].(map[string]any); ok {
			withMemory++
			if r := m["recall_now"].(float64); r <= 0 || r >= 1 {
				t.Errorf("card %v: recall_now %v is not a fraction", card["id"], r)
			}
		}
	}
	if withMemory != 4 {
		t.Errorf("%d cards in the list have a memory state, want the 4 reviewed", withMemory)
	}

	b := newBrowser(t, app)
	b.login("ada", "correct horse")
	p := b.get("/cards?category=accuracy-only")
	wantBody(t, "card list header", p, "Recall today</th>")
	wantBody(t, "card list recall", p, fmt.Sprintf(`<td data-label="Recall today">%.0f %%</td>`, math.Round(passed*100)))
}

func TestReviewPageShowsTheChanceOfRecall(t *testing.T) {
	app := newTestApp(t, openSignup())
	_, _, passed, _ := recallFixture(t, app)
	b := newBrowser(t, app)
	b.login("ada", "correct horse")
	// Card 1, due since day 1, comes first.
	p := b.get("/review")
	wantBody(t, "a reviewed card", p, "Question 1")
	wantBody(t, "its chance of recall", p, fmt.Sprintf("Chance you recall this today: %.0f %%", math.Round(passed*100)))
	p = b.get("/review?card=5")
	wantBody(t, "a new card", p, "Question 5")
	if strings.Contains(p.body, "Chance you recall") {
		t.Error("a card never reviewed shows a chance of recall")
	}
}

// The weakest category is the started one with the lowest recall today:
// the one with failed cards, not the one never shown, whose mastery of 0
// made it the weakest before.
func TestMasteryAPIRecallNowAndWeakest(t *testing.T) {
	app := newTestApp(t, openSignup())
	_, tok, passed, failed := recallFixture(t, app)
	status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/mastery", tok, "")
	if status != http.StatusOK {
		t.Fatal(status)
	}
	if body["weakest"] != "data-quality" {
		t.Errorf("weakest = %v, want data-quality (failed cards), not coding-fundamentals (never shown)", body["weakest"])
	}
	byslug := map[string]map[string]any{}
	var order []string
	for _, c := range body["categories"].([]any) {
		cat := c.(map[string]any)
		byslug[cat["slug"].(string)] = cat
		order = append(order, cat["slug"].(string))
	}
	if len(order) < 3 || order[0] != "data-quality" || order[1] != "accuracy-only" {
		t.Errorf("categories in order %v; want the started ones first, weakest first", order)
	}
	round2 := func(v float64) float64 { return math.Round(v*100) / 100 }
	wantCat := func(slug string, started bool, recall any, atRisk int) {
		t.Helper()
		c := byslug[slug]
		if c["started"] != started || c["recall_now"] != recall || c["at_risk"] != float64(atRisk) {
			t.Errorf("%s: started %v, recall_now %v, at_risk %v; want %v, %v, %d", slug, c["started"], c["recall_now"], c["at_risk"], started, recall, atRisk)
		}
	}
	// Failed cards five days on are well below 80 %; passed ones above.
	if failed >= srs.AtRiskRecall || passed < srs.AtRiskRecall {
		t.Fatalf("fixture: failed %v, passed %v", failed, passed)
	}
	wantCat("data-quality", true, round2(failed*100), 2)
	wantCat("accuracy-only", true, round2(passed*100), 0)
	wantCat("coding-fundamentals", false, nil, 0)
	notStarted, _ := body["not_started"].([]any)
	if !slices.Contains(notStarted, any("coding-fundamentals")) || slices.Contains(notStarted, any("data-quality")) {
		t.Errorf("not_started = %v", body["not_started"])
	}
}

func TestDashboardAndMasteryPageShowBothMeasures(t *testing.T) {
	app := newTestApp(t, openSignup())
	recallFixture(t, app)
	b := newBrowser(t, app)
	b.login("ada", "correct horse")
	for _, path := range []string{"/", "/mastery"} {
		p := b.get(path)
		wantStatus(t, path, p, http.StatusOK)
		for _, label := range []string{"Recall today</th>", "Mastery</th>", "<strong>Recall today</strong>: the predicted chance", "<strong>Mastery</strong>: long-term progress", "2 at risk"} {
			wantBody(t, path, p, label)
		}
		// Weakest first; the category never shown only in the list apart.
		table, rest, ok := strings.Cut(p.body, `id="not-started"`)
		if !ok {
			t.Fatalf("%s lists no category as not started", path)
		}
		dq, acc := strings.Index(table, ">Data quality</a>"), strings.Index(table, ">Accuracy only</a>")
		if dq < 0 || acc < 0 || dq > acc {
			t.Errorf("%s: Data quality (weakest) at %d, Accuracy only at %d: want the weakest first", path, dq, acc)
		}
		if strings.Contains(table, "Coding fundamentals</a>") || !strings.Contains(rest, "Coding fundamentals</a>") {
			t.Errorf("%s: Coding fundamentals, never shown, should be listed apart as not started", path)
		}
	}
	wantBody(t, "dashboard drill", b.get("/"), `href="/practice?category=data-quality" id="drill-weakest"`)
	wantBody(t, "mastery weakest", b.get("/mastery"), "Your weakest category is <strong>Data quality</strong>")
}
