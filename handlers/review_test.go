package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
)

// studyUser makes a user with n plain cards (ids in order) and a token.
func studyUser(t *testing.T, app *testApp, name string, n int, st data.Settings) (int64, string) {
	t.Helper()
	ctx := context.Background()
	u, err := app.store.CreateUser(ctx, name, "correct horse", st)
	if err != nil {
		t.Fatal(err)
	}
	drafts := make([]data.CardDraft, n)
	for i := range drafts {
		drafts[i] = data.CardDraft{
			Key:       fmt.Sprintf("test:%s:%d", name, i+1),
			Front:     fmt.Sprintf("Question %d of %s", i+1, name),
			Back:      fmt.Sprintf("Answer %d", i+1),
			Category:  "accuracy-only",
			KeyPoints: []string{"precision", "recall"},
		}
	}
	if _, err := app.store.ImportDrafts(ctx, u.ID, "Test deck", drafts, nil); err != nil {
		t.Fatal(err)
	}
	token, _, err := app.store.CreateToken(ctx, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return u.ID, token
}

type nextAnswer struct {
	status    int
	id        int64
	front     string
	remaining int
	redrill   bool
}

func apiNext(t *testing.T, app *testApp, token, query string) nextAnswer {
	t.Helper()
	status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/review/next"+query, token, "")
	a := nextAnswer{status: status}
	if status != http.StatusOK {
		return a
	}
	card := body["card"].(map[string]any)
	a.id = int64(card["id"].(float64))
	a.front = card["front"].(string)
	a.remaining = int(body["remaining"].(float64))
	a.redrill = body["redrill"].(bool)
	if _, ok := card["key_points"].([]any); !ok {
		t.Fatalf("next card lacks key_points: %v", card)
	}
	return a
}

func apiGrade(t *testing.T, app *testApp, token string, id int64, grade int) (int, map[string]any) {
	t.Helper()
	status, body, _ := apiCall(t, app, http.MethodPost, "/api/v1/cards/"+strconv.FormatInt(id, 10)+"/grade", token, fmt.Sprintf(`{"grade":%d}`, grade))
	return status, body
}

func wantNext(t *testing.T, got nextAnswer, id int64, remaining int, redrill bool) {
	t.Helper()
	if got.status != http.StatusOK || got.id != id || got.remaining != remaining || got.redrill != redrill {
		t.Fatalf("next = %+v; want card %d, remaining %d, redrill %v", got, id, remaining, redrill)
	}
}

func wantGrade(t *testing.T, status int, body map[string]any, want string) {
	t.Helper()
	got := fmt.Sprintf("%d n=%v I=%v E=%v due=%v redrill=%v", status, body["repetitions"], body["interval"], body["ease"], body["due"], body["redrill"])
	if got != want {
		t.Fatalf("grade: got %s\n                want %s", got, want)
	}
}

// TestStudyDayThroughTheAPI drives two study days: order, the new-card
// limit, re-drill until >= 4, 409s, undo several steps back, and rollover.
func TestStudyDayThroughTheAPI(t *testing.T) {
	app := newTestApp(t, openSignup())
	st := data.DefaultSettings()
	st.NewPerDay = 3
	_, tok := studyUser(t, app, "ada", 5, st) // cards 1..5, clock 2026-03-10 12:00 UTC

	wantNext(t, apiNext(t, app, tok, ""), 1, 3, false)
	s, b := apiGrade(t, app, tok, 1, 5)
	wantGrade(t, s, b, "200 n=1 I=1 E=260 due=2026-03-11 redrill=false")
	s, b = apiGrade(t, app, tok, 1, 5)
	if s != http.StatusConflict || b["error"] == "" {
		t.Fatalf("double grade: %d %v, want 409", s, b)
	}

	wantNext(t, apiNext(t, app, tok, ""), 2, 2, false)
	s, b = apiGrade(t, app, tok, 2, 2)
	wantGrade(t, s, b, "200 n=0 I=1 E=218 due=2026-03-11 redrill=true")

	wantNext(t, apiNext(t, app, tok, ""), 3, 2, false) // card 3 (new), then card 2 in re-drill
	s, b = apiGrade(t, app, tok, 3, 4)
	wantGrade(t, s, b, "200 n=1 I=1 E=250 due=2026-03-11 redrill=false")

	// Only re-drill is left: new cards 4 and 5 wait for tomorrow.
	wantNext(t, apiNext(t, app, tok, ""), 2, 1, true)
	s, b = apiGrade(t, app, tok, 4, 5)
	if s != http.StatusConflict {
		t.Fatalf("new card beyond the limit: %d %v, want 409", s, b)
	}
	s, b = apiGrade(t, app, tok, 2, 3) // re-drill at 3: logged, changes nothing, stays
	wantGrade(t, s, b, "200 n=0 I=1 E=218 due=2026-03-11 redrill=true")
	wantNext(t, apiNext(t, app, tok, ""), 2, 1, true)
	s, b = apiGrade(t, app, tok, 2, 4) // re-drill at 4: leaves the queue
	wantGrade(t, s, b, "200 n=0 I=1 E=218 due=2026-03-11 redrill=false")
	if got := apiNext(t, app, tok, ""); got.status != http.StatusNoContent {
		t.Fatalf("day done: next = %+v, want 204", got)
	}
	s, _ = apiGrade(t, app, tok, 2, 5)
	if s != http.StatusConflict {
		t.Fatalf("grading a card done for today: %d, want 409", s)
	}

	// Undo walks back: the re-drill 4, the re-drill 3, then card 3's first grade.
	s, b, _ = apiCall(t, app, http.MethodPost, "/api/v1/undo", tok, "")
	wantGrade(t, s, b, "200 n=0 I=1 E=218 due=2026-03-11 redrill=true")
	s, b, _ = apiCall(t, app, http.MethodPost, "/api/v1/undo", tok, "")
	wantGrade(t, s, b, "200 n=0 I=1 E=218 due=2026-03-11 redrill=true")
	s, b, _ = apiCall(t, app, http.MethodPost, "/api/v1/undo", tok, "")
	wantGrade(t, s, b, "200 n=0 I=0 E=250 due= redrill=false")
	s, card, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards/3", tok, "")
	state := card["state"].(map[string]any)
	if s != http.StatusOK || state["due"] != nil || state["repetitions"] != float64(0) || state["ease"] != float64(250) {
		t.Fatalf("card 3 after undo: %d %v, want new again", s, card)
	}
	wantNext(t, apiNext(t, app, tok, ""), 3, 2, false)
	s, b = apiGrade(t, app, tok, 3, 5)
	wantGrade(t, s, b, "200 n=1 I=1 E=260 due=2026-03-11 redrill=false")
	wantNext(t, apiNext(t, app, tok, ""), 2, 1, true)
	apiGrade(t, app, tok, 2, 5)

	// The day rolls over at 04:00 in the user's zone, not at midnight.
	app.clock.Advance(15*time.Hour + 59*time.Minute) // 2026-03-11 03:59 UTC
	if got := apiNext(t, app, tok, ""); got.status != http.StatusNoContent {
		t.Fatalf("03:59 is still yesterday's study day: next = %+v", got)
	}
	app.clock.Advance(time.Minute) // 04:00
	// Cards 1, 2, 3 are due (oldest due first, then id); 4 and 5 are new again.
	wantNext(t, apiNext(t, app, tok, ""), 1, 5, false)
	s, b = apiGrade(t, app, tok, 1, 4)
	wantGrade(t, s, b, "200 n=2 I=6 E=260 due=2026-03-17 redrill=false")
	wantNext(t, apiNext(t, app, tok, ""), 2, 4, false)

	// Nothing is left to undo from yesterday once the day changed.
	apiCall(t, app, http.MethodPost, "/api/v1/undo", tok, "")
	s, _, _ = apiCall(t, app, http.MethodPost, "/api/v1/undo", tok, "")
	if s != http.StatusConflict {
		t.Fatalf("undo past the day's start: %d, want 409", s)
	}
}

func TestReviewsPerDayLimitAndFilter(t *testing.T) {
	app := newTestApp(t, openSignup())
	st := data.DefaultSettings()
	st.NewPerDay, st.ReviewsPerDay = 10, 1
	uid, tok := studyUser(t, app, "ada", 3, st)
	for id := int64(1); id <= 3; id++ {
		apiGrade(t, app, tok, id, 5)
	}
	app.clock.Advance(24 * time.Hour)
	wantNext(t, apiNext(t, app, tok, ""), 1, 1, false)
	apiGrade(t, app, tok, 1, 5)
	if got := apiNext(t, app, tok, ""); got.status != http.StatusNoContent {
		t.Fatalf("review limit 1 reached: %+v", got)
	}
	if s, _ := apiGrade(t, app, tok, 2, 5); s != http.StatusConflict {
		t.Fatalf("grade beyond the review limit: %d", s)
	}
	// A category filter shows only that category; an unknown one is refused.
	ctx := context.Background()
	if err := app.store.UpdateCard(ctx, uid, 2, data.CardInput{Front: "Q", Back: "A", Category: "data-quality"}); err != nil {
		t.Fatal(err)
	}
	st.ReviewsPerDay = 100
	app.store.UpdateSettings(ctx, uid, st)
	wantNext(t, apiNext(t, app, tok, "?category=data-quality"), 2, 1, false)
	wantNext(t, apiNext(t, app, tok, "?category=accuracy-only"), 2+1, 1, false)
	if s, _, _ := apiCall(t, app, http.MethodGet, "/api/v1/review/next?category=nope", tok, ""); s != http.StatusBadRequest {
		t.Errorf("unknown category: %d, want 400", s)
	}
	// Suspended cards leave the queue and cannot be graded.
	app.store.SetSuspended(ctx, uid, 2, true)
	if got := apiNext(t, app, tok, "?category=data-quality"); got.status != http.StatusNoContent {
		t.Fatalf("suspended card still offered: %+v", got)
	}
	if s, _ := apiGrade(t, app, tok, 2, 5); s != http.StatusConflict {
		t.Fatalf("grading a suspended card: %d, want 409", s)
	}
}

func TestGradeRefusesBadInputAndForeignCards(t *testing.T) {
	app := newTestApp(t, openSignup())
	_, tokA := studyUser(t, app, "ada", 2, data.DefaultSettings())
	_, tokB := studyUser(t, app, "bob", 2, data.DefaultSettings()) // cards 3, 4
	for _, body := range []string{`{"grade":6}`, `{"grade":-1}`, `{"grade":"5"}`, `{}`, `{"grade":2.5}`, `grade=5`, `{"grade":5,"extra":1}`} {
		s, b, _ := apiCall(t, app, http.MethodPost, "/api/v1/cards/1/grade", tokA, body)
		if s != http.StatusBadRequest || b["error"] == "" {
			t.Errorf("body %s: %d %v, want 400", body, s, b)
		}
	}
	for _, path := range []string{"/api/v1/cards/3/grade", "/api/v1/cards/999/grade", "/api/v1/cards/x/grade"} {
		if s, _, _ := apiCall(t, app, http.MethodPost, path, tokA, `{"grade":5}`); s != http.StatusNotFound {
			t.Errorf("POST %s as ada: %d, want 404", path, s)
		}
	}
	if s, _, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards/3", tokA, ""); s != http.StatusNotFound {
		t.Errorf("reading bob's card: %d, want 404", s)
	}
	s, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards", tokA, "")
	if cards := body["cards"].([]any); s != http.StatusOK || len(cards) != 2 {
		t.Errorf("ada's card list: %d, %d cards", s, len(cards))
	}
	// Bob's card is untouched, and ada's undo cannot reach it.
	if s, _ := apiGrade(t, app, tokB, 3, 5); s != http.StatusOK {
		t.Fatalf("bob grades his card: %d", s)
	}
	if s, _, _ := apiCall(t, app, http.MethodPost, "/api/v1/undo", tokA, ""); s != http.StatusConflict {
		t.Errorf("ada's undo with only bob's grade today: %d, want 409", s)
	}
	if got := apiNext(t, app, tokB, ""); got.id != 4 {
		t.Errorf("bob's queue changed: %+v", got)
	}
}

func TestConcurrentGradesApplyOnce(t *testing.T) {
	app := newTestApp(t, openSignup())
	_, tok := studyUser(t, app, "ada", 1, data.DefaultSettings())
	for _, grade := range []int{5, 2} {
		if grade == 2 {
			app.clock.Advance(48 * time.Hour) // card 1 is due again
		}
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i], _ = apiGrade(t, app, tok, 1, grade)
			}()
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			if s == http.StatusOK {
				ok++
			}
		}
		var counted int
		app.store.Queue(context.Background(), 1, data.ReviewFilter{}) // keeps the reader busy too
		_, card, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards/1", tok, "")
		state := card["state"].(map[string]any)
		counted = int(state["repetitions"].(float64))
		switch grade {
		case 5: // one 200, the rest 409; n = 1
			if ok != 1 || counted != 1 || state["ease"] != float64(260) {
				t.Fatalf("grade 5 x8: %d succeeded (%v), state %v", ok, statuses, state)
			}
		case 2: // the first counts; the others are re-drill grades that change nothing
			if state["ease"] != float64(260-32) || counted != 0 {
				t.Fatalf("grade 2 x8: state %v, want ease 228 applied once", state)
			}
		}
	}
}

// TestStudyDayInTheBrowser drives the HTML card page as plain forms.
func TestStudyDayInTheBrowser(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse") // gets the built-in deck
	deck := data.BuiltinDeck()

	p := b.get("/review")
	wantStatus(t, "review", p, http.StatusOK)
	wantBody(t, "front", p, escapeHTML(deck[0].Front))
	if strings.Contains(p.body, escapeHTML(deck[0].Back)) {
		t.Fatal("the back shows before the answer is asked for")
	}
	wantBody(t, "progress: none done", p, "<strong>0</strong> done")
	wantBody(t, "progress: new cards", p, "<strong>20</strong> new")

	p = b.get("/review?reveal=1")
	wantBody(t, "back", p, escapeHTML(deck[0].Back))
	wantBody(t, "key point", p, escapeHTML(deck[0].KeyPoints[0]))
	for g := 0; g <= 5; g++ {
		wantBody(t, "grade button", p, fmt.Sprintf(`name="grade" value="%d"`, g))
	}
	form := url.Values{"card_id": {"1"}, "grade": {"2"}, "step": {"0"}, "shown": {strconv.FormatInt(app.clock.Now().Add(-7*time.Second).UnixMilli(), 10)}}
	p = b.post("/review/grade", form)
	wantStatus(t, "grade", p, http.StatusSeeOther)
	// The same form again (a double click): not applied twice.
	p = b.post("/review/grade", form)
	wantStatus(t, "double submit", p, http.StatusSeeOther)
	p = b.get("/review")
	wantBody(t, "stale form notice", p, "already graded")
	wantBody(t, "next card", p, escapeHTML(deck[1].Front))
	wantBody(t, "progress: one done", p, "<strong>1</strong> done")
	wantBody(t, "progress: one learning", p, "<strong>1</strong> learning")
	wantBody(t, "progress: new cards left", p, "<strong>19</strong> new")

	c, _ := app.store.GetCard(context.Background(), 1, 1)
	if c.Sched.State.Ease != 218 || c.Sched.State.Repetitions != 0 || !c.Sched.Graded {
		t.Fatalf("card 1 after one grade 2: %+v", c.Sched)
	}
	sum, _ := app.store.Summary(context.Background(), 1)
	if sum.Reviewed != 1 || sum.TimeSpent != 7*time.Second {
		t.Fatalf("summary after one grade: %+v (want 1 review taking 7s)", sum)
	}

	// Undo brings card 1 back, new again.
	p = b.post("/review/undo", nil)
	wantStatus(t, "undo", p, http.StatusSeeOther)
	if loc := p.header.Get("Location"); loc != "/review?card=1" {
		t.Errorf("undo redirects to %q", loc)
	}
	p = b.get("/review?card=1")
	wantBody(t, "undone card shown", p, escapeHTML(deck[0].Front))
	if c, _ := app.store.GetCard(context.Background(), 1, 1); c.Sched.Graded {
		t.Fatalf("undo left card 1 graded: %+v", c.Sched)
	}
	wantStatus(t, "bad grade", b.post("/review/grade", url.Values{"card_id": {"1"}, "grade": {"9"}, "step": {"0"}}), http.StatusBadRequest)
	wantStatus(t, "no csrf", b.postRaw("/review/grade", url.Values{"card_id": {"1"}, "grade": {"5"}, "step": {"0"}}), http.StatusForbidden)
}

func TestSummaryWhenTheDayIsDone(t *testing.T) {
	app := newTestApp(t, openSignup())
	st := data.DefaultSettings()
	st.NewPerDay = 1
	_, tok := studyUser(t, app, "ada", 2, st)
	b := newBrowser(t, app)
	wantStatus(t, "login", b.login("ada", "correct horse"), http.StatusSeeOther)
	apiGrade(t, app, tok, 1, 4)
	p := b.get("/review")
	wantBody(t, "summary", p, "Done for today")
	wantBody(t, "recall", p, "100 %")
	wantBody(t, "next due", p, "tomorrow, 2026-03-11")
	wantBody(t, "new left", p, "1 new card waits for the coming days")
}

func escapeHTML(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

// TestComebackText is what a grade button says under the grade.
func TestComebackText(t *testing.T) {
	tests := []struct {
		cb          srs.Comeback
		short, long string
	}{
		{srs.Comeback{Today: true, Days: 1}, "again today", "back again today"},
		{srs.Comeback{Today: true, Days: 17}, "today, then 17\u00a0d", "back again today, then in 17 days"},
		{srs.Comeback{Days: 1}, "1\u00a0d", "back tomorrow"},
		{srs.Comeback{Days: 6}, "6\u00a0d", "back in 6 days"},
		{srs.Comeback{Days: 30}, "30\u00a0d", "back in 30 days"},
		{srs.Comeback{Days: 45}, "1.5\u00a0mo", "back in 45 days"},
		{srs.Comeback{Days: 91}, "3\u00a0mo", "back in 91 days"},
		{srs.Comeback{Days: 400}, "1.1\u00a0y", "back in 400 days"},
		{srs.Comeback{Days: srs.MaxInterval}, "99.9\u00a0y", "back in 36500 days"},
	}
	for _, tt := range tests {
		short, long := comebackText(tt.cb)
		if short != tt.short || long != tt.long {
			t.Errorf("comebackText(%+v) = %q, %q; want %q, %q", tt.cb, short, long, tt.short, tt.long)
		}
	}
}

// TestEditFromReviewReturnsToIt: the review's "Edit card" carries the way
// back, and Save follows it only when it stays on this site.
func TestEditFromReviewReturnsToIt(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, ids := cardOwner(t, app, "ada", "What is recall?")
	decks, _ := app.store.ListDecks(ctx, u.ID)
	back := fmt.Sprintf("/review?deck=%d&card=%d", decks[0].ID, ids[0])

	p := b.get(fmt.Sprintf("/review?deck=%d", decks[0].ID))
	edit := cardPath(ids[0], "/edit?return="+url.QueryEscape(back))
	wantBody(t, "edit link with the way back", p, `href="`+escapeHTML(edit)+`"`)
	p = b.get(edit)
	wantBody(t, "the way back in the form", p, `name="return" value="`+escapeHTML(back)+`"`)

	save := func(ret, front string) page {
		t.Helper()
		return b.post(cardPath(ids[0], ""), url.Values{"front": {front}, "back": {"Found positives."}, "category": {"data-quality"}, "return": {ret}})
	}
	p = save(back, "What does recall measure?")
	wantStatus(t, "save", p, http.StatusSeeOther)
	if got := p.header.Get("Location"); got != back {
		t.Fatalf("save goes to %q, want back to the review %q", got, back)
	}
	p = b.get(back)
	wantBody(t, "the edited card, up again", p, "What does recall measure?")
	wantBody(t, "saved", p, "Card saved.")
	wantBody(t, "filter kept", p, "Deck: Mine")

	// Anything that would leave the site goes to the editor instead.
	for _, ret := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "/%5Cevil.example", "/\t/evil.example", "javascript:alert(1)", "review"} {
		p = save(ret, "What is recall, again?")
		if got := p.header.Get("Location"); p.status != http.StatusSeeOther || got != cardPath(ids[0], "/edit") {
			t.Errorf("return %q: status %d to %q, want the editor", ret, p.status, got)
		}
		wantNoBody(t, "return "+ret, b.get(cardPath(ids[0], "/edit?return="+url.QueryEscape(ret))), `name="return"`)
	}
	// A refused edit keeps the way back.
	p = save(back, "")
	wantStatus(t, "empty front", p, http.StatusBadRequest)
	wantBody(t, "the way back kept", p, `name="return" value="`+escapeHTML(back)+`"`)
}
