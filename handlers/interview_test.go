package handlers

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
)

// The interview date: its settings in the API and on the page, the
// dashboard's countdown and the readiness forecast.

func TestAPIInterviewSettings(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	newBrowser(t, app).signup("ada", "correct horse")
	token, _, _ := app.store.CreateToken(ctx, 1, "t")

	status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/settings", token, "")
	if status != http.StatusOK || body["interview_date"] != nil || body["final_days"] != float64(3) || body["new_cards_on_time"] != true ||
		len(body["interview_scope"].([]any)) != 0 {
		t.Fatalf("a new account's settings: %d %v", status, body)
	}
	status, body, _ = apiCall(t, app, http.MethodPut, "/api/v1/settings", token,
		`{"interview_date":"2026-04-01","interview_scope":["data-quality","accuracy-only"],"final_days":5,"new_cards_on_time":false}`)
	if status != http.StatusOK || body["interview_date"] != "2026-04-01" || body["final_days"] != float64(5) || body["new_cards_on_time"] != false ||
		strings.Join(toStrings(body["interview_scope"]), ",") != "accuracy-only,data-quality" || body["rollover_hour"] != float64(4) {
		t.Fatalf("set the interview: %d %v", status, body)
	}
	before, _ := app.store.Interview(ctx, 1)
	for _, tt := range []struct{ body, msg string }{
		{`{"interview_scope":["data-quality","cooking"]}`, `The interview's categories name a category "cooking" you do not have`},
		{`{"interview_scope":"data-quality"}`, `interview_scope must be a list of category slugs`},
		{`{"final_days":0}`, `The final pass must be a whole number of days from 1 to 14`},
		{`{"final_days":15,"new_per_day":3}`, `from 1 to 14`},
		{`{"final_days":"3"}`, `final_days must be a whole number of days from 1 to 14`},
		{`{"interview_date":"01/04/2026"}`, `interview_date must be a date written YYYY-MM-DD`},
		{`{"interview_date":20260401}`, `interview_date must be a date written YYYY-MM-DD`},
		{`{"interview_date":"2026-03-09"}`, `The interview date 2026-03-09 has passed; today is 2026-03-10`},
		{`{"new_cards_on_time":"yes"}`, `new_cards_on_time must be true or false`},
	} {
		status, body, _ := apiCall(t, app, http.MethodPut, "/api/v1/settings", token, tt.body)
		if msg, _ := body["error"].(string); status != http.StatusBadRequest || !strings.Contains(msg, tt.msg) {
			t.Errorf("PUT %s: %d %v, want 400 saying %q", tt.body, status, body, tt.msg)
		}
	}
	// The API names the field a store refusal is about beside the message.
	if _, body, _ := apiCall(t, app, http.MethodPut, "/api/v1/settings", token, `{"interview_date":"2026-03-09"}`); body["field"] != "interview_date" {
		t.Errorf("a past interview date: %v, want field interview_date", body)
	}
	after, _ := app.store.Interview(ctx, 1)
	st, _ := app.store.UserSettings(ctx, 1)
	if strings.Join(after.Scope, ",") != strings.Join(before.Scope, ",") || after.FinalDays != 5 || after.Date != before.Date || st.NewPerDay != 20 {
		t.Errorf("refused updates changed the settings: %+v %+v", after, st)
	}
	// null clears the date; [] means every category.
	status, body, _ = apiCall(t, app, http.MethodPut, "/api/v1/settings", token, `{"interview_date":null,"interview_scope":[]}`)
	if status != http.StatusOK || body["interview_date"] != nil || len(body["interview_scope"].([]any)) != 0 {
		t.Fatalf("clear the interview: %d %v", status, body)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// seedInterview is a user with the built-in deck, some cards reviewed, and
// an interview in daysAhead days with the given scope.
func seedInterview(t *testing.T, app *testApp, daysAhead int, scope ...string) data.User {
	t.Helper()
	ctx := context.Background()
	u := seedStudyHistory(t, app, "ada", 20)
	today, _ := app.store.Today(ctx, u.ID)
	d := today.AddDays(daysAhead)
	if err := app.store.UpdateInterview(ctx, u.ID, data.InterviewSettings{Date: d, HasDate: true, FinalDays: 3, NewOnTime: true, Scope: scope}); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAPIReadiness(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	u := seedStudyHistory(t, app, "ada", 20)
	token, _, _ := app.store.CreateToken(ctx, u.ID, "t")
	today, _ := app.store.Today(ctx, u.ID)

	// No date: recall today only, no plan.
	status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/readiness", token, "")
	if status != http.StatusOK || body["interview_date"] != nil || body["days_left"] != nil || body["final_pass_from"] != nil ||
		len(body["plan"].([]any)) != 0 || len(body["categories"].([]any)) == 0 {
		t.Fatalf("readiness without a date: %d %v", status, body)
	}
	d := today.AddDays(12)
	if err := app.store.UpdateInterview(ctx, u.ID, data.InterviewSettings{Date: d, HasDate: true, FinalDays: 4, NewOnTime: true,
		Scope: []string{"memorizing-definitions"}}); err != nil {
		t.Fatal(err)
	}
	status, body, _ = apiCall(t, app, http.MethodGet, "/api/v1/readiness", token, "")
	if status != http.StatusOK || body["interview_date"] != d.String() || body["days_left"] != float64(12) || body["final_pass_from"] != d.AddDays(-4).String() {
		t.Fatalf("readiness with a date: %d %v", status, body)
	}
	plan := body["plan"].([]any)
	if len(plan) != 12 || plan[0].(map[string]any)["date"] != today.String() {
		t.Fatalf("plan %v, want 12 days from today", plan)
	}
	final := 0
	for i, p := range plan {
		f := p.(map[string]any)["final_pass"].(float64)
		if i < 8 && f != 0 {
			t.Errorf("final pass on day %d, before D-K", i)
		}
		final += int(f)
	}
	if final == 0 {
		t.Errorf("no final pass planned: %v", plan)
	}
	started := 0
	for _, c := range body["categories"].([]any) {
		c := c.(map[string]any)
		if c["slug"] == "memorizing-definitions" && c["in_scope"] != true {
			t.Errorf("the scope's category is not in scope: %v", c)
		}
		if c["started"] == true {
			started++
			now, then := c["recall_now"].(float64), c["recall_at_interview"].(float64)
			if !(then < now) || now > 100 || then < 0 {
				t.Errorf("%s: recall now %v, at the interview %v: recall must fall with no reviews", c["slug"], now, then)
			}
		} else if c["recall_now"] != nil || c["recall_at_interview"] != nil || c["not_started"] != c["cards"] {
			t.Errorf("a category not started: %v", c)
		}
	}
	if started == 0 {
		t.Fatal("no category started after twenty days of study")
	}
}

func TestInterviewPageForm(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	wantBody(t, "the interview page", b.get("/interview"), "Set the day of your interview")

	form := url.Values{"interview_date": {"2026-03-25"}, "scope": {"data-quality"}, "final_days": {"3"}, "new_on_time": {"1"}}
	wantStatus(t, "save the interview", b.post("/interview", form), http.StatusSeeOther)
	p := b.get("/interview")
	wantBody(t, "the countdown", p, "Interview in 15 days — final pass from Mar 22")
	wantBody(t, "the dashboard's countdown", b.get("/"), "Interview in 15 days — final pass from Mar 22")
	wantBody(t, "the mock page keeps to the scope", b.get("/mock"), "Drawn from the 2 cards of your interview's categories (Data quality)")

	for _, tt := range []struct {
		change url.Values
		msg    string
	}{
		{url.Values{"interview_date": {"25.3.2026"}}, "The interview date must be a date such as 2027-03-15."},
		{url.Values{"interview_date": {"2026-03-01"}}, "The interview date 2026-03-01 has passed; today is 2026-03-10 in your time zone"},
		{url.Values{"final_days": {"three"}}, "The final pass must be a whole number of days from 1 to 14."},
		{url.Values{"final_days": {"20"}}, "The final pass must be a whole number of days from 1 to 14"},
		{url.Values{"scope": {"cooking"}}, `The interview&#39;s categories name a category &#34;cooking&#34; you do not have`},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		for k, v := range tt.change {
			f[k] = v
		}
		p := b.post("/interview", f)
		wantStatus(t, "refused form", p, http.StatusBadRequest)
		wantBody(t, "refused form", p, tt.msg)
		if strings.Contains(p.body, "(interview_") || strings.Contains(p.body, "(final_days)") {
			t.Errorf("the form's refusal names an API field: %s", tt.change)
		}
	}
	iv, _ := app.store.Interview(ctx, 1)
	if iv.Date != srs.DateOf(2026, 3, 25) || iv.FinalDays != 3 || strings.Join(iv.Scope, ",") != "data-quality" {
		t.Errorf("refused forms changed the interview: %+v", iv)
	}
	// After D: the page says so, offers the next one, and the queue is plain SM-2.
	app.clock.Advance(16 * 24 * time.Hour)
	p = b.get("/interview")
	wantBody(t, "after D", p, "has passed, and scheduling is plain SM-2 again")
	if strings.Contains(b.get("/").body, `id="countdown"`) {
		t.Error("the dashboard still counts down to a passed interview")
	}
	form["interview_date"] = []string{"2026-05-01"}
	wantStatus(t, "set the next interview", b.post("/interview", form), http.StatusSeeOther)
	wantBody(t, "the next interview", b.get("/interview"), "Interview in 36 days")
	// Clear the date.
	form["clear"] = []string{"1"}
	wantStatus(t, "clear", b.post("/interview", form), http.StatusSeeOther)
	if iv, _ := app.store.Interview(ctx, 1); iv.HasDate {
		t.Errorf("the date was not cleared: %+v", iv)
	}
}

// TestInterviewPageInBrowser looks at the readiness page on a phone and a
// desktop: its charts have bars, nothing scrolls sideways, text stays
// readable. With FLASHCARDS_SCREENSHOT_DIR set it keeps screenshots.
func TestInterviewPageInBrowser(t *testing.T) {
	app := newTestApp(t, openSignup())
	seedInterview(t, app, 14, "memorizing-definitions", "skipping-clarification", "accuracy-only")
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			tb := newTab(t, browserCtx, vp)
			logInInBrowser(tb, app, "ada")
			tb.open(app, "/interview")
			tb.do("see the forecast", chromedp.WaitVisible(chromedp.CSS("#plan svg rect.bar")))
			if got := tb.text("#countdown"); !strings.Contains(got, "Interview in 14 days") {
				t.Errorf("countdown %q", got)
			}
			bars := evalIn[int](tb, "count the recall bars", `document.querySelectorAll("#recall-chart rect.bar, .hbar rect.bar-then").length`)
			if bars == 0 {
				bars = evalIn[int](tb, "count the recall bars", `document.querySelectorAll("#readiness .hbar").length`)
			}
			if bars < 2 {
				t.Errorf("%d recall bars", bars)
			}
			if w := evalIn[float64](tb, "page width", `document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 0 {
				t.Errorf("the page scrolls sideways by %v px", w)
			}
			small := evalIn[[]any](tb, "small text", `[...document.querySelectorAll("#readiness, #plan")].flatMap(s => [...s.querySelectorAll("text, .hbar-label, td, th")])
				.filter(e => e.getClientRects().length > 0 && parseFloat(getComputedStyle(e).fontSize) < 12).map(e => e.textContent)`)
			if len(small) > 0 {
				t.Errorf("text below 12 px: %v", small)
			}
			tb.keepScreenshot("interview")
			tb.wantNoConsoleProblems()
		})
	}
}

// BenchmarkReadinessHeavyUser measures the interview page and GET
// /api/v1/readiness for a user with 10,000 cards and 100,000 reviews and
// an interview four weeks ahead (target: under 50 ms), and the dashboard
// and the review page with the interview's queue.
func BenchmarkReadinessHeavyUser(b *testing.B) {
	srv, client := heavyApp(b)
	form := func(path string, values url.Values) string {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfField.FindStringSubmatch(string(body))
		if m == nil {
			b.Fatalf("no CSRF token on %s", path)
		}
		values.Set("csrf", m[1])
		resp, err = client.PostForm(srv.URL+path, values)
		if err != nil {
			b.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 400 {
			b.Fatalf("POST %s: %d", path, resp.StatusCode)
		}
		return string(body)
	}
	// The heavy user's today is 2026-11-01.
	form("/interview", url.Values{"interview_date": {"2026-11-29"}, "final_days": {"3"}, "new_on_time": {"1"},
		"scope": {"memorizing-definitions", "data-quality", "accuracy-only", "no-trade-offs"}})
	m := tokenShown.FindStringSubmatch(form("/settings/tokens", url.Values{"name": {"bench"}}))
	if m == nil {
		b.Fatal("no token shown")
	}
	token := m[1]
	for _, path := range []string{"/interview", "/api/v1/readiness", "/", "/review"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
				if strings.HasPrefix(path, "/api/") {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", path, resp.StatusCode)
				}
			}
		})
	}
}

// TestFinalPassThroughTheAPI: a card SM-2 has due after the interview is
// shown on D-K with final_pass, its grade is a practice grade, and the
// review page marks it.
func TestFinalPassThroughTheAPI(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	u, err := app.store.CreateUser(ctx, "ada", "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.ImportDrafts(ctx, u.ID, "deck", []data.CardDraft{{Key: "k", Front: "What is leakage?", Back: "b", Category: "data-quality"}}, nil); err != nil {
		t.Fatal(err)
	}
	token, _, _ := app.store.CreateToken(ctx, u.ID, "t")
	day0, _ := app.store.Today(ctx, u.ID)
	grade := func(body string) map[string]any {
		t.Helper()
		status, out, _ := apiCall(t, app, http.MethodPost, "/api/v1/cards/1/grade", token, body)
		if status != http.StatusOK {
			t.Fatalf("grade %s: %d %v", body, status, out)
		}
		return out
	}
	grade(`{"grade":5}`) // due tomorrow
	app.clock.Advance(24 * time.Hour)
	grade(`{"grade":5}`) // due in 6 days: day 7
	status, _, _ := apiCall(t, app, http.MethodPut, "/api/v1/settings", token,
		`{"interview_date":"`+day0.AddDays(5).String()+`","final_days":2,"interview_scope":["data-quality"]}`)
	if status != http.StatusOK {
		t.Fatal(status)
	}
	app.clock.Advance(24 * time.Hour) // day 2: before D-K
	if status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/review/next", token, ""); status != http.StatusNoContent {
		t.Fatalf("day 2: %d %v, want nothing to review", status, body)
	}
	app.clock.Advance(24 * time.Hour) // day 3: D-K
	status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/review/next", token, "")
	if status != http.StatusOK || body["final_pass"] != true || body["remaining"] != float64(1) {
		t.Fatalf("D-K: %d %v, want card 1 in the final pass", status, body)
	}
	b := newBrowser(t, app)
	b.login("ada", "correct horse")
	wantBody(t, "the review page", b.get("/review"), `id="final-pass"`)
	before, _ := app.store.GetCard(ctx, u.ID, 1)
	grade(`{"grade":1}`)
	after, _ := app.store.GetCard(ctx, u.ID, 1)
	if after.Sched != before.Sched || after.Lapses != before.Lapses {
		t.Fatalf("the final pass changed SM-2's state: %+v, was %+v", after.Sched, before.Sched)
	}
	if status, _, _ := apiCall(t, app, http.MethodGet, "/api/v1/review/next", token, ""); status != http.StatusNoContent {
		t.Fatalf("after its pass: %d, want nothing left", status)
	}
}
