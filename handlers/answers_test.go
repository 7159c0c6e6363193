package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/flashcards/flashcards/data"
)

// metricsCard makes ada a card whose key points are the Q4 metrics.
func metricsCard(t *testing.T, app *testApp) (int64, string) {
	t.Helper()
	ctx := context.Background()
	u, err := app.store.CreateUser(ctx, "ada", "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	card, err := app.store.CreateCard(ctx, u.ID, data.CardInput{
		Front: "Which metrics besides accuracy?", Back: "Precision, recall, F1, ROC-AUC and business impact.",
		Category: "accuracy-only", KeyPoints: []string{"precision", "recall", "F1", "ROC-AUC", "business impact"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, _ := app.store.CreateToken(ctx, u.ID, "t")
	return card.ID, tok
}

func TestCheckAPI(t *testing.T) {
	app := newTestApp(t, openSignup())
	id, tok := metricsCard(t, app)
	path := fmt.Sprintf("/api/v1/cards/%d/check", id)
	status, body, _ := apiCall(t, app, http.MethodPost, path, tok,
		`{"answer":"I would look at recall and the area under the ROC curve, plus the F-measure."}`)
	if status != http.StatusOK {
		t.Fatalf("check: %d %v", status, body)
	}
	if got := fmt.Sprint(body["covered"], body["missed"], body["suggested_grade"]); got != "[recall F1 ROC-AUC] [precision business impact] 3" {
		t.Errorf("check answered %s", got)
	}
	// Read-only: nothing was graded.
	if c, _ := app.store.GetCard(context.Background(), 1, id); c.Sched.Graded {
		t.Error("check graded the card")
	}
	for _, bad := range []string{`{}`, `{"answer":5}`, `{"answer":"x","grade":3}`} {
		if s, _, _ := apiCall(t, app, http.MethodPost, path, tok, bad); s != http.StatusBadRequest {
			t.Errorf("check %s: %d, want 400", bad, s)
		}
	}
	if s, _, _ := apiCall(t, app, http.MethodPost, "/api/v1/cards/999/check", tok, `{"answer":"x"}`); s != http.StatusNotFound {
		t.Errorf("check of a missing card: %d", s)
	}
	status, body, _ = apiCall(t, app, http.MethodPost, path, tok, `{"answer":""}`)
	if status != http.StatusOK || body["suggested_grade"] != float64(0) || len(body["covered"].([]any)) != 0 {
		t.Errorf("empty answer: %d %v", status, body)
	}
}

func TestTypedAnswerInTheBrowser(t *testing.T) {
	app := newTestApp(t, openSignup())
	id, _ := metricsCard(t, app)
	b := newBrowser(t, app)
	if p := b.login("ada", "correct horse"); p.status != http.StatusSeeOther {
		t.Fatalf("login %d", p.status)
	}
	p := b.get("/review?type=1")
	wantBody(t, "answer box", p, `name="answer"`)
	p = b.post("/review/reveal", url.Values{"card_id": {fmt.Sprint(id)}, "answer": {"Precision and recall; accuracy alone misleads."}})
	wantStatus(t, "reveal", p, http.StatusOK)
	wantBody(t, "covered", p, `class="covered"><span class="mark" aria-hidden="true">✓</span> precision`)
	wantBody(t, "missed", p, `class="missed"><span class="mark" aria-hidden="true">✗</span> business impact`)
	wantBody(t, "count", p, "2 of 5 covered")
	wantBody(t, "suggested grade pre-selected", p, `value="2" data-grade="2" class="grade grade-2 suggested"`)

	// The grade stores the typed answer with coverage computed on the server,
	// whatever the browser claims.
	p = b.post("/review/grade", url.Values{"card_id": {fmt.Sprint(id)}, "grade": {"3"}, "step": {"0"},
		"answer": {"Precision and recall; accuracy alone misleads."}, "covered": {"everything"}})
	wantStatus(t, "grade", p, http.StatusSeeOther)
	rep, _ := app.store.Mastery(context.Background(), 1)
	var acc data.CategoryMastery
	for _, c := range rep.Categories {
		if c.Slug == "accuracy-only" {
			acc = c
		}
	}
	if fmt.Sprint(acc.MostMissed) != "[{F1 1} {ROC-AUC 1} {business impact 1}]" {
		t.Errorf("most missed: %v", acc.MostMissed)
	}
	wantBody(t, "mastery shows missed points", b.get("/mastery"), "Most missed in typed answers:</span> F1 (1×), ROC-AUC (1×), business impact (1×)")
}

func TestMockInterview(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	wantBody(t, "start page", b.get("/mock"), "Start the round")
	p := b.post("/mock/start", url.Values{"cards": {"3"}, "minutes": {"2"}})
	wantStatus(t, "start", p, http.StatusSeeOther)

	seen := map[string]bool{}
	for i := 1; i <= 3; i++ {
		p = b.get("/mock/card")
		wantStatus(t, "card", p, http.StatusOK)
		wantBody(t, "progress", p, fmt.Sprintf("Card <strong>%d</strong> of 3", i))
		id := regexpFind(t, p.body, `name="card_id" value="(\d+)"`)
		cat := regexpFind(t, p.body, `<span class="tag">([^<]+)</span>`)
		if seen[cat] {
			t.Errorf("category %q drawn twice in a round of 3", cat)
		}
		seen[cat] = true
		p = b.post("/mock/reveal", url.Values{"card_id": {id}, "answer": {"I am not sure."}})
		wantBody(t, "coverage", p, "covered")
		step := regexpFind(t, p.body, `name="step" value="(\d+)"`)
		p = b.post("/mock/grade", url.Values{"card_id": {id}, "grade": {"2"}, "step": {step}, "answer": {"I am not sure."}})
		wantStatus(t, "grade", p, http.StatusSeeOther)
	}
	p = b.get("/mock/card")
	if loc := p.header.Get("Location"); loc != "/mock/summary" {
		t.Fatalf("after the last card: %d %q", p.status, loc)
	}
	p = b.get("/mock/summary")
	wantBody(t, "summary", p, "Points missed, by category")
	wantBody(t, "checklist", p, "State your assumptions")
	wantBody(t, "graded count", p, `<div class="value">3</div><div class="label">answers graded`)
	// Mock grades are practice grades: logged, never counted.
	sum, _ := app.store.Summary(context.Background(), 1)
	if sum.Counted != 0 || sum.Reviewed != 3 {
		t.Errorf("mock grades: %d logged, %d counted; want 3 practice grades, none counted", sum.Reviewed, sum.Counted)
	}
	q, _ := app.store.Queue(context.Background(), 1, data.ReviewFilter{})
	if q.Done != 0 || q.Redrill != 0 {
		t.Errorf("mock grades of 2 moved the day's queue: %+v", q)
	}
}

// regexpFind returns the first group of expr in the page.
func regexpFind(t *testing.T, body, expr string) string {
	t.Helper()
	m := regexp.MustCompile(expr).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in the page", expr)
	}
	return m[1]
}

// A card of the round graded elsewhere meanwhile is still practised (a
// mock interview takes any card in play); one suspended meanwhile leaves
// the round quietly.
func TestMockInterviewSkipsCardsThatChangedMeanwhile(t *testing.T) {
	ctx := context.Background()
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	wantBody(t, "start page", b.get("/mock"), "Start the round")
	wantStatus(t, "start", b.post("/mock/start", url.Values{"cards": {"3"}, "minutes": {"2"}}), http.StatusSeeOther)
	cardOf := func(n int) int64 {
		t.Helper()
		p := b.get("/mock/card")
		wantBody(t, "progress", p, fmt.Sprintf("Card <strong>%d</strong> of 3", n))
		id, err := strconv.ParseInt(regexpFind(t, p.body, `name="card_id" value="(\d+)"`), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := cardOf(1)
	if _, err := app.store.GradeCard(ctx, 1, data.Grade{CardID: first, Grade: 4, Step: -1}); err != nil {
		t.Fatal(err)
	}
	if again := cardOf(1); again != first {
		t.Fatalf("after a review elsewhere the round moved on to card %d", again)
	}
	p := b.post("/mock/reveal", url.Values{"card_id": {fmt.Sprint(first)}, "answer": {"no idea"}})
	step := regexpFind(t, p.body, `name="step" value="(\d+)"`)
	wantStatus(t, "grade", b.post("/mock/grade", url.Values{"card_id": {fmt.Sprint(first)}, "grade": {"3"}, "step": {step}}), http.StatusSeeOther)
	second := cardOf(2)
	if err := app.store.SetSuspended(ctx, 1, second, true); err != nil {
		t.Fatal(err)
	}
	third := cardOf(3)
	p = b.post("/mock/reveal", url.Values{"card_id": {fmt.Sprint(third)}, "answer": {"no idea"}})
	step = regexpFind(t, p.body, `name="step" value="(\d+)"`)
	wantStatus(t, "grade", b.post("/mock/grade", url.Values{"card_id": {fmt.Sprint(third)}, "grade": {"3"}, "step": {step}}), http.StatusSeeOther)
	p = b.get("/mock/summary")
	wantBody(t, "graded", p, `<div class="value">2</div><div class="label">answers graded`)
}
