package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
)

// TestBrowserTypedAnswerShowsCoverage types an answer, reveals it with
// Ctrl+Enter, sees each key point marked covered or missed, with the focus
// on the answer, and takes the pre-selected suggested grade with Enter.
func TestBrowserTypedAnswerShowsCoverage(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "UTC")
			ctx := context.Background()
			card, err := app.store.CreateCard(ctx, uid, data.CardInput{
				Front: "Which metrics go beyond accuracy?", Back: "Precision, recall, F1 and ROC-AUC.",
				Category: "accuracy-only", KeyPoints: []string{"precision", "recall", "F1", "ROC-AUC"},
			})
			if err != nil {
				t.Fatal(err)
			}
			st, _ := app.store.UserSettings(ctx, uid)
			st.TypeAnswers = true
			app.store.UpdateSettings(ctx, uid, st)

			tb.do("open the card",
				chromedp.Navigate(app.URL+"/review?card="+strconv.FormatInt(card.ID, 10)),
				chromedp.WaitVisible(chromedp.CSS("textarea#answer")),
				chromedp.SendKeys(chromedp.CSS("textarea#answer"), "Look at precision and the area under the ROC curve."))
			r := reviewer{tb: tb, app: app}
			tb.do("focus the answer", chromedp.Focus(chromedp.CSS("textarea#answer")))
			r.press("\r", "Ctrl+Enter", chromedp.KeyModifiers(chromedp.ModifierCtrl))
			type point struct{ Text, Class string }
			points := evalIn[[]point](tb, "coverage", `Array.from(document.querySelectorAll("#coverage li"),
				li => ({Text: li.innerText.replace(/[✓✗]|\(covered\)|\(missed\)/g, "").trim(), Class: li.className}))`)
			got := []string{}
			for _, p := range points {
				got = append(got, p.Text+":"+p.Class)
			}
			if strings.Join(got, " ") != "precision:covered recall:missed F1:missed ROC-AUC:covered" {
				t.Fatalf("coverage shows %v", got)
			}
			if s := evalIn[string](tb, "suggested", `document.querySelector("button.grade.suggested").getAttribute("data-grade")`); s != "3" {
				t.Errorf("the pre-selected grade is %q, want 3 (2 of 4 covered)", s)
			}
			if s := evalIn[string](tb, "focus", `document.activeElement.id`); s != "answer" {
				t.Errorf("after the reveal the focus is on %q, want the answer", s)
			}
			wantPageFits(tb)
			tb.wantNoConsoleProblems()
			r.press("\r", "Enter")
			c, _ := app.store.GetCard(ctx, uid, card.ID)
			if !c.Sched.Graded || c.Sched.State.Ease != 236 {
				t.Fatalf("after Enter the card is %+v, want graded 3 (ease 236)", c.Sched)
			}
		})
	}
}

// TestBrowserMasteryChangesOnTheDashboard reviews with the keyboard and
// sees the dashboard's mastery and its "drill weakest" button follow.
func TestBrowserMasteryChangesOnTheDashboard(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			signUpInBrowser(tb, app, "ada", "UTC")
			type bar struct{ Label, Value string }
			bars := func() map[string]string {
				t.Helper()
				bs := evalIn[[]bar](tb, "mastery bars", `Array.from(document.querySelectorAll("#main .hbar-label"),
					l => ({Label: l.textContent, Value: l.parentNode.querySelector(".hbar-value").textContent}))`)
				m := map[string]string{}
				for _, b := range bs {
					m[b.Label] = b.Value
				}
				return m
			}
			tb.do("open the dashboard", chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#study-now")))
			if got := bars()["Memorizing definitions"]; got != "0%" {
				t.Fatalf("before any review the dashboard shows %q for Memorizing definitions", got)
			}
			if evalIn[bool](tb, "drill button", `!!document.querySelector("#drill-weakest")`) {
				t.Error("a drill-weakest button before any grade")
			}

			// Study now, grade the first two cards (both Memorizing definitions) 5.
			tb.do("study now", chromedp.Click(chromedp.CSS("#study-now")), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			r := reviewer{tb: tb, app: app}
			for range 2 {
				r.showAnswer()
				r.grade(5)
			}
			tb.do("back to the dashboard", chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#study-now")))
			// Two of its three cards at interval 1: (1+1)/(3*21) = 3 %.
			if got := bars()["Memorizing definitions"]; got != "3%" {
				t.Errorf("after two reviews the dashboard shows %q for Memorizing definitions, want 3%%", got)
			}
			if got := tb.text("#streak"); got != "1" {
				t.Errorf("streak %q, want 1", got)
			}
			// The only category started is the weakest: the others, never
			// shown, are listed apart as not started.
			drill := evalIn[string](tb, "drill link", `(document.querySelector("#drill-weakest") || {}).getAttribute ? document.querySelector("#drill-weakest").getAttribute("href") : ""`)
			if drill != "/practice?category=memorizing-definitions" {
				t.Errorf("drill-weakest links to %q: want the one category started", drill)
			}
			if got := tb.text("#category-measures tbody"); !strings.Contains(got, "Memorizing definitions") || !strings.Contains(got, "100%") {
				t.Errorf("the dashboard's recall today: %q, want Memorizing definitions at 100%% on the day of its reviews", got)
			}
			if got := tb.text("#not-started"); !strings.Contains(got, "Data quality") || strings.Contains(got, "Memorizing definitions") {
				t.Errorf("not started: %q", got)
			}
			tb.keepScreenshot("dashboard")
			tb.do("open the mastery page", chromedp.Navigate(app.URL+"/mastery"), chromedp.WaitVisible(chromedp.CSS("#not-started")))
			if got := tb.text("table.mastery tbody"); !strings.Contains(got, "Memorizing definitions") || strings.Contains(got, "Data quality") {
				t.Errorf("the mastery table holds %q: want only the category started", got)
			}
			wantPageFits(tb)
			tb.keepScreenshot("mastery")
			tb.do("back to the dashboard", chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#drill-weakest")))
			tb.do("drill the weakest", chromedp.Click(chromedp.CSS("#drill-weakest")), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			if !strings.Contains(tb.text("#progress"), "Category:") {
				t.Errorf("the drill does not say it is filtered: %q", tb.text("#progress"))
			}
			wantPageFits(tb)
			tb.wantNoConsoleProblems()
		})
	}
}

// TestBrowserExportProgress reviews two cards, then goes from Settings to
// the export page and downloads the JSON export the way its link does.
func TestBrowserExportProgress(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			signUpInBrowser(tb, app, "ada", "UTC")
			tb.do("study", chromedp.Navigate(app.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			r := reviewer{tb: tb, app: app}
			r.showAnswer()
			r.grade(4)
			r.showAnswer()
			r.grade(1)

			tb.do("open settings", chromedp.Navigate(app.URL+"/settings"), chromedp.WaitVisible(chromedp.CSS(`a[href="/settings/export"]`)))
			tb.do("open the export page", chromedp.Click(chromedp.CSS(`a[href="/settings/export"]`)), chromedp.WaitVisible(chromedp.CSS("#export-json")))
			wantPageFits(tb)
			type export struct {
				Status  int
				Format  string
				User    string
				Cards   int
				Reviews int
				Grades  []int
			}
			dl, cancel := context.WithTimeout(tb.ctx, browserStepTimeout)
			defer cancel()
			got, err := chromedp.Run(dl, chromedp.Evaluate[export](`(async () => {
				const link = document.querySelector("#export-json");
				const resp = await fetch(link.href);
				const doc = await resp.json();
				return {Status: resp.status, Format: doc.format, User: doc.user.name, Cards: doc.cards.length,
					Reviews: doc.reviews.length, Grades: doc.reviews.map(r => r.grade)};
			})()`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("download the JSON export: %v", err)
			}
			want := export{Status: 200, Format: "flashcards-export", User: "ada", Cards: len(data.BuiltinDeck()), Reviews: 2, Grades: []int{4, 1}}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("the export link gave %+v, want %+v", got, want)
			}
			tb.wantNoConsoleProblems()
		})
	}
}
