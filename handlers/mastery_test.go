package handlers

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
)

func TestMasteryAPI(t *testing.T) {
	app := newTestApp(t, openSignup())
	uid, tok := studyUser(t, app, "ada", 3, data.DefaultSettings()) // all in accuracy-only

	status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/mastery", tok, "")
	if status != http.StatusOK || body["weakest"] != nil {
		t.Fatalf("before any grade: %d weakest=%v, want null", status, body["weakest"])
	}
	apiGrade(t, app, tok, 1, 5)
	apiGrade(t, app, tok, 2, 1)
	app.clock.Advance(24 * time.Hour)
	apiGrade(t, app, tok, 1, 5) // I=6
	ctx := context.Background()
	app.store.SetSuspended(ctx, uid, 3, true)

	status, body, _ = apiCall(t, app, http.MethodGet, "/api/v1/mastery", tok, "")
	if status != http.StatusOK || body["weakest"] != "accuracy-only" {
		t.Fatalf("weakest: %d %v", status, body["weakest"])
	}
	cats := body["categories"].([]any)
	first := cats[0].(map[string]any)
	for _, key := range []string{"slug", "name", "cards", "new", "learning", "young", "mature", "mastery", "recall_30d", "lapses", "avg_ease", "last_reviewed"} {
		if _, ok := first[key]; !ok {
			t.Errorf("category lacks %q: %v", key, first)
		}
	}
	// Card 1: I=6, card 2: I=1 (failed, n=0), card 3 suspended: (6+1)/42.
	if first["slug"] != "accuracy-only" || first["cards"] != float64(2) || first["mastery"] != 16.67 ||
		first["recall_30d"] != 66.67 || first["learning"] != float64(1) || first["young"] != float64(1) || first["last_reviewed"] != "2026-03-11" {
		t.Errorf("accuracy-only: %v", first)
	}
	other := cats[1].(map[string]any)
	if other["cards"] != float64(0) || other["recall_30d"] != nil || other["last_reviewed"] != nil || other["avg_ease"] != nil {
		t.Errorf("an empty category: %v", other)
	}

	status, body, _ = apiCall(t, app, http.MethodGet, "/api/v1/stats", tok, "")
	if status != http.StatusOK || len(body["heatmap"].([]any)) != data.HeatmapDays || len(body["forecast"].([]any)) != data.ForecastDays {
		t.Fatalf("stats: %d %v", status, body)
	}
	if g := body["grades"].(map[string]any); g["5"] != float64(2) || g["1"] != float64(1) || body["streak"] != float64(2) {
		t.Errorf("stats grades %v streak %v", g, body["streak"])
	}
}

func TestChartsRenderForNewAndBusyUsers(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	// Bar charts are text in HTML; the SVG charts carry a text alternative.
	for path, want := range map[string][]string{
		"/":        {`<li class="hbar"><span class="hbar-label">Data quality</span>`},
		"/mastery": {`<li class="hbar"><span class="hbar-label">Data quality</span>`},
		"/stats":   {"<svg", "<desc", `<span class="hbar-label">5 Perfect</span>`},
	} {
		p := b.get(path)
		wantStatus(t, path+" for a new user", p, http.StatusOK)
		for _, w := range want {
			if !strings.Contains(p.body, w) {
				t.Errorf("%s has no chart with its text (%s)", path, w)
			}
		}
	}
	wantBody(t, "no weakest yet", b.get("/mastery"), "Grade some cards")

	// Grade a card in every built-in category.
	ctx := context.Background()
	tok, _, _ := app.store.CreateToken(ctx, 1, "t")
	seen := map[string]bool{}
	for _, c := range data.BuiltinDeck() {
		if seen[c.Category] {
			continue
		}
		seen[c.Category] = true
		cards, _ := app.store.ListCards(ctx, 1, data.CardFilter{Category: c.Category})
		st, _ := app.store.UserSettings(ctx, 1)
		st.NewPerDay = 1000
		app.store.UpdateSettings(ctx, 1, st)
		if s, _ := apiGrade(t, app, tok, cards[0].ID, 4); s != http.StatusOK {
			t.Fatalf("grade in %s: %d", c.Category, s)
		}
	}
	if len(seen) != 12 {
		t.Fatalf("built-in deck covers %d categories", len(seen))
	}
	p := b.get("/mastery")
	wantStatus(t, "mastery", p, http.StatusOK)
	for _, c := range data.BuiltinCategories() {
		wantBody(t, "mastery row", p, escapeHTML(c.Name))
	}
	wantBody(t, "weakest", p, "Your weakest category is")
	p = b.get("/")
	wantBody(t, "drill weakest button", p, `id="drill-weakest"`)
	wantBody(t, "streak", p, `id="streak">1<`)
	wantBody(t, "stats heatmap", b.get("/stats"), "12 reviews on 1 of the last 365 days")
}

func TestXSSInCategoryNameIsEscapedInCharts(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	ctx := context.Background()
	payload := `<script>alert(1)</script><svg onload=alert(2)>`
	cat, err := app.store.CreateCategory(ctx, 1, payload, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.CreateCard(ctx, 1, data.CardInput{Front: "f", Back: "b", Category: cat.Slug}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/mastery"} {
		p := b.get(path)
		if strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, "<svg onload") {
			t.Fatalf("%s renders the category name as markup", path)
		}
		wantBody(t, path, p, "&lt;script&gt;alert(1)&lt;/script&gt;")
	}
}
