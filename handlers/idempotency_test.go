package handlers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
)

// keyedAnswer is one answer as a client sees it.
type keyedAnswer struct {
	status      int
	contentType string
	location    string
	body        string
}

// keyedCall sends an API request with an Idempotency-Key ("" for none).
// It reports errors instead of failing, so goroutines may call it.
func keyedCall(app *testApp, method, path, token, key, body string) (keyedAnswer, error) {
	req, err := http.NewRequest(method, app.URL+path, strings.NewReader(body))
	if err != nil {
		return keyedAnswer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return keyedAnswer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return keyedAnswer{resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Location"), string(raw)}, err
}

// reviewsToday counts the grades in the user's log today, re-drills included.
func reviewsToday(t *testing.T, app *testApp, uid int64) int {
	t.Helper()
	sum, err := app.store.Summary(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	return sum.Reviewed
}

// The case: a failing grade sent again is not a re-drill grade
// when it carries the same key, even with 20 copies at the same moment.
func TestIdempotencyKeyAppliesAGradeOnce(t *testing.T) {
	app := newTestApp(t, openSignup())
	ada, tok := studyUser(t, app, "ada", 3, data.DefaultSettings())
	const copies = 20
	answers := make([]keyedAnswer, copies)
	errs := make([]error, copies)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range copies {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			answers[i], errs[i] = keyedCall(app, http.MethodPost, "/api/v1/cards/1/grade", tok, "grade-1-once", `{"grade":1}`)
		}()
	}
	start.Done()
	done.Wait()
	for i := range copies {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if answers[i] != answers[0] {
			t.Fatalf("copy %d answered %+v, the first %+v", i, answers[i], answers[0])
		}
	}
	if a := answers[0]; a.status != http.StatusOK || !strings.HasPrefix(a.contentType, "application/json") || !strings.Contains(a.body, `"card_id":1`) {
		t.Fatalf("the answer: %+v, want the grade's 200", a)
	}
	if n := reviewsToday(t, app, ada); n != 1 {
		t.Fatalf("%d copies of one keyed grade left %d reviews in the log, want 1", copies, n)
	}

	// Later, the same key again: the same answer, nothing applied.
	if a, err := keyedCall(app, http.MethodPost, "/api/v1/cards/1/grade", tok, "grade-1-once", `{"grade":1}`); err != nil || a != answers[0] {
		t.Fatalf("a late copy: %+v %v, want %+v", a, err, answers[0])
	}
	// The same key for another request is a client's mistake, said so.
	for _, c := range []struct{ path, body string }{
		{"/api/v1/cards/1/grade", `{"grade":4}`},
		{"/api/v1/cards/2/grade", `{"grade":1}`},
	} {
		a, err := keyedCall(app, http.MethodPost, c.path, tok, "grade-1-once", c.body)
		if err != nil || a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "different request") {
			t.Fatalf("the key reused for %s %s: %+v %v, want 422", c.path, c.body, a, err)
		}
	}
	if n := reviewsToday(t, app, ada); n != 1 {
		t.Fatalf("after the copies and the misused key: %d reviews, want 1", n)
	}

	// A key belongs to its user: bob's "grade-1-once" is his own.
	bob, bobTok := studyUser(t, app, "bob", 1, data.DefaultSettings())
	if a, err := keyedCall(app, http.MethodPost, "/api/v1/cards/4/grade", bobTok, "grade-1-once", `{"grade":1}`); err != nil || a.status != http.StatusOK {
		t.Fatalf("bob's grade under ada's key: %+v %v", a, err)
	}
	if n := reviewsToday(t, app, bob); n != 1 {
		t.Fatalf("bob's grade: %d reviews, want 1", n)
	}

	// After 24 hours the key is forgotten: the request runs again (the card
	// is due again and the grade counts).
	app.clock.Advance(25 * time.Hour)
	if n, err := app.store.DeleteExpiredIdempotencyKeys(context.Background()); err != nil || n != 2 {
		t.Fatalf("expired keys deleted: %d %v, want 2", n, err)
	}
	a, err := keyedCall(app, http.MethodPost, "/api/v1/cards/1/grade", tok, "grade-1-once", `{"grade":1}`)
	if err != nil || a.status != http.StatusOK || a.body == answers[0].body {
		t.Fatalf("the key a day later: %+v %v, want a new grade", a, err)
	}
}

// Undo sent twice with one key takes back one grade, not two.
func TestIdempotencyKeyUndoesOnce(t *testing.T) {
	app := newTestApp(t, openSignup())
	ada, tok := studyUser(t, app, "ada", 3, data.DefaultSettings())
	apiGrade(t, app, tok, 1, 5)
	apiGrade(t, app, tok, 2, 5)
	var first keyedAnswer
	for i := range 3 {
		a, err := keyedCall(app, http.MethodPost, "/api/v1/undo", tok, "undo-7", "")
		if err != nil || a.status != http.StatusOK || !strings.Contains(a.body, `"card_id":2`) {
			t.Fatalf("undo %d: %+v %v, want card 2 taken back", i+1, a, err)
		}
		if i == 0 {
			first = a
		} else if a != first {
			t.Fatalf("undo %d answered %+v, the first %+v", i+1, a, first)
		}
	}
	if n := reviewsToday(t, app, ada); n != 1 {
		t.Fatalf("after three copies of one undo: %d grades left today, want 1 (card 1's)", n)
	}
	// Without a key every undo is a new one.
	if a, _ := keyedCall(app, http.MethodPost, "/api/v1/undo", tok, "", ""); a.status != http.StatusOK || !strings.Contains(a.body, `"card_id":1`) {
		t.Fatalf("an undo without a key: %+v, want card 1 taken back", a)
	}
	// A malformed key is refused before anything runs.
	if a, _ := keyedCall(app, http.MethodPost, "/api/v1/undo", tok, "two words", ""); a.status != http.StatusBadRequest {
		t.Fatalf("a key with a space: %+v, want 400", a)
	}
}

var gradeFormKey = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)

// The review page's grade form, sent twice (a double click, the form sent
// again from history) or many times at once, is applied once, and every
// copy lands on the next card as the first did, with no notice.
func TestGradeFormSentTwiceAppliesOnce(t *testing.T) {
	app := newTestApp(t, openSignup())
	studyUser(t, app, "ada", 3, data.DefaultSettings())
	b := loggedIn(t, app, "ada")
	p := b.get("/review?reveal=1")
	m := gradeFormKey.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the grade form carries no key:\n%.2000s", p.body)
	}
	form := url.Values{"card_id": {"1"}, "grade": {"1"}, "step": {"0"}, "idempotency_key": {m[1]}, "csrf": {b.csrf}}
	first := b.post("/review/grade", form)
	wantStatus(t, "grade", first, http.StatusSeeOther)
	again := b.post("/review/grade", form)
	wantStatus(t, "the form sent again", again, http.StatusSeeOther)
	if again.header.Get("Location") != first.header.Get("Location") {
		t.Fatalf("the copy went to %q, the first to %q", again.header.Get("Location"), first.header.Get("Location"))
	}
	p = b.get("/review")
	wantBody(t, "next card", p, "Question 2 of ada")
	if strings.Contains(p.body, "already graded") {
		t.Fatal("the copy of a form shows a notice, as if something had gone wrong")
	}

	// Ten copies of the next card's form at once: one grade.
	p = b.get("/review?reveal=2")
	m = gradeFormKey.FindStringSubmatch(p.body)
	form = url.Values{"card_id": {"2"}, "grade": {"4"}, "step": {"0"}, "idempotency_key": {m[1]}, "csrf": {b.csrf}}
	var wg sync.WaitGroup
	statuses := make([]string, 10)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, app.URL+"/review/grade", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := b.c.Do(req)
			if err != nil {
				statuses[i] = err.Error()
				return
			}
			resp.Body.Close()
			statuses[i] = fmt.Sprint(resp.StatusCode, " ", resp.Header.Get("Location"))
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != "303 /review" {
			t.Fatalf("copy %d of the form: %s, want 303 /review", i, s)
		}
	}
	if n := reviewsToday(t, app, 1); n != 2 {
		t.Fatalf("after two grade forms sent 2 and 10 times: %d grades today, want 2", n)
	}
}
