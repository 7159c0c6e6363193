package handlers

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
)

// TestBrowserDrillAndMockPastTheQueue finishes the day's queue, then
// drills the weakest category from the mastery page through every one of
// its cards and runs a mock interview: both go on past the day's queue,
// never say "Done for today" while cards remain, and log practice grades
// that leave the day's queue as it was.
func TestBrowserDrillAndMockPastTheQueue(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := context.Background()
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "UTC")
			setTypeAnswers(t, app, uid, false, 2)
			r := reviewer{tb: tb, app: app}

			// The day's queue: two new cards, failed, then re-drilled to 5.
			tb.do("study now", chromedp.Navigate(app.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			for _, g := range []int{1, 1, 5, 5} {
				r.showAnswer()
				r.grade(g)
			}
			if h := tb.text("main h1"); h != "Done for today" {
				t.Fatalf("after the day's queue the page says %q", h)
			}
			if !strings.Contains(tb.text("#study-more"), "Practise beyond the schedule") {
				t.Errorf("the Done for today page offers no practice: %q", tb.text("#study-more"))
			}
			tb.keepScreenshot("done-for-today")
			day, _ := app.store.Queue(ctx, uid, data.ReviewFilter{})

			// Drill it now: the mastery page's weakest category, every card.
			tb.do("open the mastery page", chromedp.Navigate(app.URL+"/mastery"), chromedp.WaitVisible(chromedp.CSS("#drill-now")))
			href := evalIn[string](tb, "drill link", `document.querySelector("#drill-now").getAttribute("href")`)
			slug := strings.TrimPrefix(href, "/practice?category=")
			if slug == href || slug == "" {
				t.Fatalf("Drill it now links to %q, not practice of a category", href)
			}
			scope, err := app.store.PracticeCount(ctx, uid, data.ReviewFilter{Category: slug})
			if err != nil || scope < 2 {
				t.Fatalf("the weakest category %q has %d cards: %v", slug, scope, err)
			}
			tb.do("drill it now", chromedp.Click(chromedp.CSS("#drill-now")), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			wantOneH1AndSkipLink(tb, "practice")
			tb.keepScreenshot("practice-card")
			seen := map[string]bool{}
			for i := range scope {
				page := tb.pageText()
				if strings.Contains(page, "Done for today") || strings.Contains(page, "Every card practised") {
					t.Fatalf("card %d of %d: the practice page ended early:\n%s", i+1, scope, page)
				}
				front := r.front()
				if seen[front] {
					t.Fatalf("card %d of %d: %q shown twice in one round", i+1, scope, front)
				}
				seen[front] = true
				r.showAnswer()
				if i == 0 {
					tb.keepScreenshot("practice-answer")
				}
				r.grade(4)
			}
			tb.waitFor("the end of the round", `!!document.querySelector("#practice-done")`)
			if page := tb.pageText(); strings.Contains(page, "Done for today") {
				t.Errorf("the end of practice says Done for today:\n%s", page)
			}
			wantOneH1AndSkipLink(tb, "practice done")
			wantPageFits(tb)
			tb.keepScreenshot("practice-done")
			if got, _ := app.store.Queue(ctx, uid, data.ReviewFilter{}); got != day {
				t.Errorf("practice moved the day's queue: %+v, was %+v", got, day)
			}

			// A mock interview past the queue: three cards, practice grades.
			before := gradesToday(t, app, uid)
			tb.do("open the mock interview", chromedp.Navigate(app.URL+"/mock"), chromedp.WaitVisible(chromedp.CSS(`form[action="/mock/start"] button`)))
			if page := tb.pageText(); strings.Contains(page, "No cards") {
				t.Fatalf("the mock interview offers no round past the queue:\n%s", page)
			}
			tb.do("start a round", chromedp.SetValue(chromedp.CSS(`input[name="cards"]`), "3"),
				chromedp.Click(chromedp.CSS(`form[action="/mock/start"] button`)), chromedp.WaitVisible(chromedp.CSS("textarea#answer")))
			for i := range 3 {
				if !strings.Contains(tb.text("main"), "of 3") {
					t.Fatalf("mock card %d: %q", i+1, tb.text("main"))
				}
				tb.do("answer", chromedp.SendKeys(chromedp.CSS("textarea#answer"), "precision and recall"),
					chromedp.Click(chromedp.CSS("#show-answer")), chromedp.WaitVisible(chromedp.CSS("button[data-grade]")))
				if i == 0 {
					tb.keepScreenshot("mock-answer")
				}
				next := "textarea#answer"
				if i == 2 {
					next = ".mock-summary"
				}
				tb.do("grade", chromedp.Click(chromedp.CSS(`button[data-grade="3"]`)), chromedp.WaitVisible(chromedp.CSS(next)))
			}
			if page := tb.pageText(); strings.Contains(page, "Done for today") {
				t.Errorf("the mock summary says Done for today:\n%s", page)
			}
			if n := gradesToday(t, app, uid); n != before+3 {
				t.Errorf("the mock round logged %d grades, want 3", n-before)
			}
			if got, _ := app.store.Queue(ctx, uid, data.ReviewFilter{}); got != day {
				t.Errorf("the mock interview moved the day's queue: %+v, was %+v", got, day)
			}
			wantPageFits(tb)
			tb.wantNoConsoleProblems()
		})
	}
}
