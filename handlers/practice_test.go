package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/flashcards/flashcards/data"
)

// practiceUser signs up ada (with the built-in deck) and sets her limits.
func practiceUser(t *testing.T, app *testApp, newPerDay, reviewsPerDay int) (*browser, int64, string) {
	t.Helper()
	ctx := context.Background()
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	u, err := app.store.UserByName(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	st, _ := app.store.UserSettings(ctx, u.ID)
	st.NewPerDay, st.ReviewsPerDay = newPerDay, reviewsPerDay
	if err := app.store.UpdateSettings(ctx, u.ID, st); err != nil {
		t.Fatal(err)
	}
	token, _, err := app.store.CreateToken(ctx, u.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	return b, u.ID, token
}

// The API's practice: GET /practice/next answers a card when the day's
// queue is empty, in review/next's shape; a grade with "practice": true
// moves the card's memory and leaves its schedule and the day's counts;
// a retry with the same Idempotency-Key is applied once.
func TestAPIPractice(t *testing.T) {
	app := newTestApp(t, openSignup())
	_, uid, token := practiceUser(t, app, 0, 0)
	if status, _, _ := apiCall(t, app, http.MethodGet, "/api/v1/review/next", token, ""); status != http.StatusNoContent {
		t.Fatalf("review/next with no limits: %d, want 204", status)
	}
	status, next, _ := apiCall(t, app, http.MethodGet, "/api/v1/practice/next?category=data-quality", token, "")
	if status != http.StatusOK {
		t.Fatalf("practice/next: %d %v", status, next)
	}
	card := next["card"].(map[string]any)
	if card["category"] != "data-quality" || next["remaining"].(float64) < 2 || next["redrill"] != false {
		t.Fatalf("practice/next answered %v", next)
	}
	id := int64(card["id"].(float64))
	path := fmt.Sprintf("/api/v1/cards/%d/grade", id)

	// Twenty copies of one keyed practice grade at once: one review.
	var wg sync.WaitGroup
	answers := make([]keyedAnswer, 20)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			answers[i], err = keyedCall(app, http.MethodPost, path, token, "practice-1", `{"grade": 1, "practice": true}`)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, a := range answers {
		if a.status != http.StatusOK || a.body != answers[0].body {
			t.Fatalf("a copy of the keyed practice grade answered %d %s, the first %s", a.status, a.body, answers[0].body)
		}
	}
	if n := reviewsToday(t, app, uid); n != 1 {
		t.Fatalf("20 copies of one keyed practice grade logged %d grades", n)
	}
	var res map[string]any
	json.Unmarshal([]byte(answers[0].body), &res)
	if res["due"] != "" || res["repetitions"].(float64) != 0 || res["redrill"] != false {
		t.Fatalf("a practice grade of a new card answered %v: want it still new", res)
	}
	_, got, _ := apiCall(t, app, http.MethodGet, fmt.Sprintf("/api/v1/cards/%d", id), token, "")
	if got["memory"] == nil || got["state"].(map[string]any)["due"] != nil {
		t.Fatalf("after a practice grade the card is %v: want a memory state and no due day", got)
	}
	q, _ := app.store.Queue(context.Background(), uid, data.ReviewFilter{})
	if q.Done != 0 || q.Redrill != 0 {
		t.Fatalf("a practice grade moved the day's queue: %+v", q)
	}
	// The failed card goes to the back of the round: the next card is
	// another, and the failed one is still to pass.
	_, next2, _ := apiCall(t, app, http.MethodGet, "/api/v1/practice/next?category=data-quality", token, "")
	if c2 := next2["card"].(map[string]any); int64(c2["id"].(float64)) == id || next2["remaining"].(float64) != next["remaining"].(float64) {
		t.Fatalf("after practising card %d the next is %v", id, next2)
	}
	// Without "practice" the same card is refused: no new-card slot.
	if status, body, _ := apiCall(t, app, http.MethodPost, path, token, `{"grade": 4}`); status != http.StatusConflict {
		t.Fatalf("a review grade past the limit: %d %v", status, body)
	}
	// Undo takes the practice grade back.
	if status, body, _ := apiCall(t, app, http.MethodPost, "/api/v1/undo", token, ""); status != http.StatusOK || int64(body["card_id"].(float64)) != id {
		t.Fatalf("undo: %d %v", status, body)
	}
	if _, got, _ := apiCall(t, app, http.MethodGet, fmt.Sprintf("/api/v1/cards/%d", id), token, ""); got["memory"] != nil {
		t.Fatalf("after undo the card still has a memory state: %v", got)
	}

	for _, tc := range []struct{ method, path, body, want string }{
		{http.MethodPost, path, `{"grade": 4, "practice": "yes"}`, "practice"},
		{http.MethodGet, "/api/v1/practice/next?category=nope", "", "category"},
		{http.MethodGet, "/api/v1/practice/next?deck=x", "", "deck"},
		{http.MethodGet, "/api/v1/practice/next?round=-1", "", "round"},
	} {
		status, body, _ := apiCall(t, app, tc.method, tc.path, token, tc.body)
		msg, _ := body["error"].(string)
		if status != http.StatusBadRequest || !strings.Contains(strings.ToLower(msg), tc.want) {
			t.Errorf("%s %s %s: %d %v, want 400 naming %q", tc.method, tc.path, tc.body, status, body, tc.want)
		}
	}
	if n := reviewsToday(t, app, uid); n != 0 {
		t.Fatalf("refused requests logged %d grades", n)
	}
}

// The practice page goes through a whole category past the day's queue,
// one card after another, and ends on a page that says so, never on
// "Done for today"; its grades are practice grades.
func TestPracticePageWalksACategory(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, uid, _ := practiceUser(t, app, 0, 0)
	wantBody(t, "the day's queue", b.get("/review"), "Nothing to review right now")
	n, err := app.store.PracticeCount(context.Background(), uid, data.ReviewFilter{Category: "data-quality"})
	if err != nil || n < 2 {
		t.Fatalf("data-quality has %d cards: %v", n, err)
	}
	seen := map[string]bool{}
	for i := range n {
		p := b.get("/practice?category=data-quality")
		wantStatus(t, "practice page", p, http.StatusOK)
		wantBody(t, "left", p, fmt.Sprintf("<strong>%d</strong> to go", n-i))
		if strings.Contains(p.body, "Done for today") {
			t.Fatal("the practice page says Done for today")
		}
		id := regexpFind(t, p.body, `name="reveal" value="(\d+)"`)
		if seen[id] {
			t.Fatalf("card %s shown twice in a round", id)
		}
		seen[id] = true
		p = b.get("/practice?category=data-quality&reveal=" + id)
		wantBody(t, "grade form", p, `action="/practice/grade"`)
		step := regexpFind(t, p.body, `name="step" value="(\d+)"`)
		key := regexpFind(t, p.body, `name="idempotency_key" value="([^"]+)"`)
		form := url.Values{"card_id": {id}, "grade": {"4"}, "step": {step}, "filter": {"category=data-quality"}, "idempotency_key": {key}}
		p = b.post("/practice/grade", form)
		if loc := p.header.Get("Location"); p.status != http.StatusSeeOther || loc != "/practice?category=data-quality" {
			t.Fatalf("grade: %d %q", p.status, loc)
		}
		b.post("/practice/grade", form) // a double click: replayed, not graded twice
	}
	p := b.get("/practice?category=data-quality")
	wantBody(t, "end of the round", p, "Every card practised")
	wantBody(t, "count", p, fmt.Sprintf("all %d cards of Data quality", n))
	if strings.Contains(p.body, "Done for today") {
		t.Fatal("the end of practice says Done for today")
	}
	sum, _ := app.store.Summary(context.Background(), uid)
	if sum.Reviewed != n || sum.Counted != 0 {
		t.Fatalf("practice logged %d grades (%d counted), want %d practice grades", sum.Reviewed, sum.Counted, n)
	}
	// A new round starts the category over.
	href := regexpFind(t, p.body, `href="(/practice\?category=data-quality&amp;round=\d+)"`)
	p = b.get(strings.ReplaceAll(href, "&amp;", "&"))
	wantBody(t, "a new round", p, fmt.Sprintf("<strong>%d</strong> to go", n))
	// Undo on the practice page takes the last grade back and shows its card.
	p = b.post("/practice/undo", url.Values{"filter": {"category=data-quality"}})
	if loc := p.header.Get("Location"); !strings.HasPrefix(loc, "/practice?category=data-quality&card=") {
		t.Fatalf("undo went to %q", loc)
	}
	if got := reviewsToday(t, app, uid); got != n-1 {
		t.Fatalf("after undo %d grades, want %d", got, n-1)
	}
}

// "Study more today" raises the day's limits from the Done for today page,
// for today only, and refuses bad amounts in words.
func TestStudyMoreToday(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, uid, _ := practiceUser(t, app, 0, 0)
	p := b.get("/review")
	wantBody(t, "study more", p, `id="more-new"`)
	wantBody(t, "practise", p, `href="/practice" id="practise"`)
	p = b.post("/review/more", url.Values{"new": {"10"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/review" {
		t.Fatalf("study more: %d %q", p.status, p.header.Get("Location"))
	}
	q, _ := app.store.Queue(context.Background(), uid, data.ReviewFilter{})
	if q.NewLeft != 10 || q.New != 10 {
		t.Fatalf("after 10 more new cards: %+v", q)
	}
	wantBody(t, "a card to review", b.get("/review"), `id="show-answer"`)
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"new": {"-5"}}, "cannot be negative"},
		{url.Values{"new": {"many"}}, "new must be a whole number"},
		{url.Values{"reviews": {"5000"}}, "At most 2000 extra reviews"},
		{url.Values{}, "how many"},
	} {
		p := b.post("/review/more", tc.form)
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, tc.want) {
			t.Errorf("study more %v: %d, want 400 saying %q", tc.form, p.status, tc.want)
		}
	}
	if n, r, _ := app.store.StudyMoreToday(context.Background(), uid); n != 10 || r != 0 {
		t.Fatalf("refused raises changed the day's raise: %d %d", n, r)
	}

	// The API: the same raise, the same refusals.
	token, _, _ := app.store.CreateToken(context.Background(), uid, "more")
	status, body, _ := apiCall(t, app, http.MethodPost, "/api/v1/study-more", token, `{"reviews": 50}`)
	if status != http.StatusOK || body["extra_new"] != float64(10) || body["extra_reviews"] != float64(50) {
		t.Fatalf("POST /study-more: %d %v", status, body)
	}
	for _, bad := range []string{`{"new": -1}`, `{"new": "ten"}`, `{}`, `{"reviews": 1951}`} {
		if status, body, _ := apiCall(t, app, http.MethodPost, "/api/v1/study-more", token, bad); status != http.StatusBadRequest || body["error"] == nil {
			t.Errorf("POST /study-more %s: %d %v, want 400 in words", bad, status, body)
		}
	}
	if q, _ := app.store.Queue(context.Background(), uid, data.ReviewFilter{}); q.ReviewLeft != 50 {
		t.Fatalf("after 50 more reviews through the API: %+v", q)
	}
}
