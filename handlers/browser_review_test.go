package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
)

// Journeys through the review page that only a browser shows: where the
// focus is, what keys do while a page is on its way, what the grade
// buttons say, and coming back from the card editor.

// gradesToday is how many grades the user gave today, re-drills included.
func gradesToday(t *testing.T, app *testApp, uid int64) int {
	t.Helper()
	sum, err := app.store.Summary(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	return sum.Reviewed
}

func setTypeAnswers(t *testing.T, app *testApp, uid int64, on bool, newPerDay int) {
	t.Helper()
	ctx := context.Background()
	st, err := app.store.UserSettings(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	st.TypeAnswers = on
	if newPerDay > 0 {
		st.NewPerDay = newPerDay
	}
	if err := app.store.UpdateSettings(ctx, uid, st); err != nil {
		t.Fatal(err)
	}
}

// focused describes the element that has the focus: "textarea#answer",
// "div#answer", "button[data-grade=0]", "a.skip-link"...
func focused(tb *tab) string {
	tb.t.Helper()
	return evalIn[string](tb, "focus", `(() => {
		const e = document.activeElement;
		if (!e || e === document.body) return "body";
		let s = e.tagName.toLowerCase();
		if (e.id) s += "#" + e.id;
		if (e.hasAttribute("data-grade")) s += "[data-grade=" + e.getAttribute("data-grade") + "]";
		else if (e.classList.length && !e.id) s += "." + e.classList[0];
		return s;
	})()`)
}

func wantFocus(tb *tab, when, want string) {
	tb.t.Helper()
	if got := focused(tb); got != want {
		tb.t.Errorf("%s: the focus is on %s, want %s", when, got, want)
	}
}

// settledJS holds once htmx has nothing under way.
const settledJS = `!document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")`

// fireKeys dispatches keydown events to the focused element in one go, as
// fast hands would: the first starts a request, the rest come while it is
// under way, before the next page has settled.
func fireKeys(tb *tab, keys ...string) {
	tb.t.Helper()
	list := make([]string, len(keys))
	for i, k := range keys {
		list[i] = strconv.Quote(k)
	}
	tb.do("press "+strings.Join(keys, ", "), chromedp.Evaluate[chromedp.Void](`[`+strings.Join(list, ",")+`].forEach(k =>
		(document.activeElement || document.body).dispatchEvent(new KeyboardEvent("keydown", {key: k, bubbles: true, cancelable: true})))`))
}

// shownCard is the id of the card the review page shows.
func shownCard(tb *tab) int64 {
	tb.t.Helper()
	s := evalIn[string](tb, "card shown", `document.querySelector('[data-review] input[name="card_id"], [data-review] input[name="reveal"]').value`)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		tb.t.Fatalf("card shown: %q", s)
	}
	return id
}

// click clicks a link or button of the review page and waits for the page
// htmx swaps in to settle.
func (r reviewer) click(sel, what string) {
	r.tb.t.Helper()
	r.tb.do("mark the page", chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-review]").setAttribute("data-stale", "")`))
	r.tb.do("click "+what, chromedp.Click(chromedp.CSS(sel)))
	r.tb.waitFor("the page after "+what, `(() => {
		const s = document.querySelector("[data-review]");
		return !!s && !s.hasAttribute("data-stale") && `+settledJS+`;
	})()`)
}

// TestBrowserTypingNeverUndoesOrReveals: with an answer box on the page,
// the box has the focus, after a grade and after "Type your answer first",
// so the "u" and the space that start an answer are letters in it: they
// neither undo the last grade nor reveal the card. Letters typed while the
// next card arrives are the start of its answer.
func TestBrowserTypingNeverUndoesOrReveals(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "UTC")
			setTypeAnswers(t, app, uid, true, 0)
			r := reviewer{tb: tb, app: app}

			tb.do("open the review", chromedp.Navigate(app.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("textarea#answer")))
			wantFocus(tb, "on a page with an answer box", "textarea#answer")
			first := r.front()
			tb.do("type an answer", chromedp.KeyEvent("precision"))
			r.press("\r", "Ctrl+Enter", chromedp.KeyModifiers(chromedp.ModifierCtrl))
			wantFocus(tb, "after the typed answer is checked", "div#answer")
			r.grade(4)
			if r.front() == first {
				t.Fatal("the grade did not move on")
			}
			wantFocus(tb, "after a grade, with the next answer box", "textarea#answer")
			tb.do("start the next answer with u and a space", chromedp.KeyEvent("u "))
			tb.waitFor("the letters in the box", `document.querySelector("textarea#answer").value === "u "`)
			time.Sleep(150 * time.Millisecond) // an undo or a reveal would be on its way by now
			if n := gradesToday(t, app, uid); n != 1 {
				t.Fatalf("typing u into the answer box: %d grades today, want still 1 (no undo)", n)
			}
			if evalIn[bool](tb, "answer shown", `!!document.querySelector(".card-back")`) {
				t.Fatal("typing a space into the answer box revealed the answer")
			}

			// Keys that come while the next card arrives start its answer.
			second := r.front()
			r.press("\r", "Ctrl+Enter", chromedp.KeyModifiers(chromedp.ModifierCtrl))
			r.app.clock.Advance(10 * time.Second)
			fireKeys(tb, "4", "u", " ", "x")
			tb.waitFor("the third card", `!!document.querySelector("textarea#answer") && `+
				`document.querySelector(".card-front .card-text").innerText.trim() !== `+strconv.Quote(second)+` && `+settledJS)
			if got := evalIn[string](tb, "answer box", `document.querySelector("textarea#answer").value`); got != "u x" {
				t.Errorf("keys typed while the card arrived: the box holds %q, want %q", got, "u x")
			}
			wantFocus(tb, "after keys typed while the card arrived", "textarea#answer")
			if n := gradesToday(t, app, uid); n != 2 {
				t.Fatalf("after the second grade and u typed on the way: %d grades today, want 2 (no undo)", n)
			}

			// "Type your answer first" gives the box the focus too.
			setTypeAnswers(t, app, uid, false, 0)
			tb.do("open the review", chromedp.Navigate(app.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			wantFocus(tb, "on a page without an answer box", "button#show-answer")
			r.click(`a[href*="type=1"]`, "Type your answer first")
			wantFocus(tb, "after Type your answer first", "textarea#answer")
			tb.do("start the answer with u and a space", chromedp.KeyEvent("u "))
			tb.waitFor("the letters in the box", `document.querySelector("textarea#answer").value === "u "`)
			time.Sleep(150 * time.Millisecond)
			if n := gradesToday(t, app, uid); n != 2 {
				t.Fatalf("typing u after Type your answer first: %d grades today, want still 2 (no undo)", n)
			}
			if evalIn[bool](tb, "answer shown", `!!document.querySelector(".card-back")`) {
				t.Fatal("typing a space after Type your answer first revealed the answer")
			}
			tb.wantNoConsoleProblems()
		})
	}
}

// TestBrowserKeysWhileACardArrives: keys pressed between a grade and the
// next card settling are kept and played on it, with a grade never landing
// on a card whose answer was not on screen when it was pressed.
//
// Keys come from a keyboard, so the desktop width is enough here.
func TestBrowserKeysWhileACardArrives(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports[:1] {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "UTC")
			ctx := context.Background()
			r := reviewer{tb: tb, app: app}
			graded := func(id int64) bool {
				t.Helper()
				c, err := app.store.GetCard(ctx, uid, id)
				if err != nil {
					t.Fatal(err)
				}
				return c.Sched.Graded
			}
			revealedOtherThan := func(front string) string {
				return `!!document.querySelector(".card-back") && ` +
					`document.querySelector(".card-front .card-text").innerText.trim() !== ` + strconv.Quote(front) + ` && ` + settledJS
			}

			tb.do("open the review", chromedp.Navigate(app.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			r.showAnswer()
			a := r.front()
			// 4 grades A; the space and the 5 come before the next card has
			// settled. The space shows B's answer; the 5 was pressed on A's
			// showing, so it grades nothing.
			fireKeys(tb, "4", " ", "5")
			tb.waitFor("the next card, revealed by the kept space", revealedOtherThan(a))
			b, bID := r.front(), shownCard(tb)
			time.Sleep(200 * time.Millisecond) // a wrong grade would have landed by now
			if n := gradesToday(t, app, uid); n != 1 || graded(bID) {
				t.Fatalf("after 4, space, 5: %d grades today, card B graded %v; want 1 grade (A's) and B untouched", n, graded(bID))
			}

			// Keys between the swap and the settle: the page is in, not yet
			// wired. The space is kept; the 3 was pressed before C's answer
			// was on screen, so it grades nothing.
			tb.do("press keys at the swap", chromedp.Evaluate[chromedp.Void](`document.addEventListener("htmx:afterSwap", () =>
				[" ", "3"].forEach(k => document.body.dispatchEvent(new KeyboardEvent("keydown", {key: k, bubbles: true, cancelable: true}))),
				{once: true})`))
			fireKeys(tb, "5")
			tb.waitFor("the next card, revealed by the space pressed at the swap", revealedOtherThan(b))
			c, cID := r.front(), shownCard(tb)
			time.Sleep(200 * time.Millisecond)
			if n := gradesToday(t, app, uid); n != 2 || graded(cID) {
				t.Fatalf("after keys at the swap: %d grades today, card C graded %v; want 2 grades and C untouched", n, graded(cID))
			}
			wantFocus(tb, "with C's answer shown", "div#answer")

			// An undo pressed while the next card arrives takes the grade back.
			fireKeys(tb, "2", "u")
			tb.waitFor("C back after the kept undo", `!!document.querySelector("#show-answer") && `+
				`document.querySelector(".card-front .card-text").innerText.trim() === `+strconv.Quote(c)+` && `+settledJS)
			if n := gradesToday(t, app, uid); n != 2 || graded(cID) {
				t.Fatalf("after 2 and u: %d grades today, C graded %v; want 2 and C ungraded", n, graded(cID))
			}
			if a == b || b == c {
				t.Fatalf("cards repeat: %q %q %q", a, b, c)
			}
			tb.wantNoConsoleProblems()
		})
	}
}

// TestBrowserGradeButtonsSayWhenTheCardComesBack: each grade button says
// when the card comes back after it, from the card's state, and the queue
// reads as done / new / learning / review.
func TestBrowserGradeButtonsSayWhenTheCardComesBack(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "UTC")
			setTypeAnswers(t, app, uid, false, 6) // six new cards a day
			ctx := context.Background()
			first, err := app.store.NextCard(ctx, uid, data.ReviewFilter{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			// Two perfect reviews a day apart: n=2, interval 6, ease 2.70;
			// six days on it is due, and SM-2 gives ceil(6 × 2.70) = 17 days.
			for _, wait := range []time.Duration{24 * time.Hour, 6 * 24 * time.Hour} {
				if _, err := app.store.GradeCard(ctx, uid, data.Grade{CardID: first.Card.ID, Grade: 5, Step: -1}); err != nil {
					t.Fatal(err)
				}
				app.clock.Advance(wait)
			}
			r := reviewer{tb: tb, app: app}
			type button struct{ Short, Long string }
			buttons := func() string {
				t.Helper()
				bs := evalIn[[]button](tb, "grade buttons", `Array.from(document.querySelectorAll("button[data-grade]"), b => ({
					Short: b.querySelector(".grade-when [aria-hidden]").textContent.replace(/\u00a0/g, " "),
					Long: b.querySelector(".grade-when .visually-hidden").textContent}))`)
				var out []string
				for g, b := range bs {
					out = append(out, fmt.Sprintf("%d · %s (%s)", g, b.Short, b.Long))
				}
				return strings.Join(out, "\n")
			}
			queue := func() string {
				t.Helper()
				return strings.Join(strings.Fields(evalIn[string](tb, "queue", `document.querySelector("#progress").innerText`)), " ")
			}

			tb.do("open the review", chromedp.Navigate(app.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			if got, want := queue(), "0 done · 6 new · 0 learning · 1 review"; got != want {
				t.Errorf("queue %q, want %q", got, want)
			}
			tb.keepScreenshot("front")
			r.showAnswer()
			if id := shownCard(tb); id != first.Card.ID {
				t.Fatalf("card %d is up, want the due card %d", id, first.Card.ID)
			}
			want := strings.Join([]string{
				"0 · again today (back again today)",
				"1 · again today (back again today)",
				"2 · again today (back again today)",
				"3 · today, then 17 d (back again today, then in 17 days)",
				"4 · 17 d (back in 17 days)",
				"5 · 17 d (back in 17 days)",
			}, "\n")
			if got := buttons(); got != want {
				t.Errorf("the due card's grade buttons say\n%s\nwant\n%s", got, want)
			}
			tb.keepScreenshot("revealed")
			darkScreenshot(tb, "revealed-dark")

			r.grade(2)
			if got, want := queue(), "1 done · 6 new · 1 learning · 0 review"; got != want {
				t.Errorf("after failing the due card, queue %q, want %q", got, want)
			}
			r.showAnswer()
			want = strings.Join([]string{
				"0 · again today (back again today)",
				"1 · again today (back again today)",
				"2 · again today (back again today)",
				"3 · again today (back again today)",
				"4 · 1 d (back tomorrow)",
				"5 · 1 d (back tomorrow)",
			}, "\n")
			if got := buttons(); got != want {
				t.Errorf("a new card's grade buttons say\n%s\nwant\n%s", got, want)
			}
			tb.wantNoConsoleProblems()
		})
	}
}

// TestBrowserEditDuringReviewComesBack: "Edit card" in a filtered review,
// then Save, comes back to the review, filter kept, with the edited card.
func TestBrowserEditDuringReviewComesBack(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "UTC")
			decks, err := app.store.ListDecks(context.Background(), uid)
			if err != nil || len(decks) != 1 {
				t.Fatalf("decks %v %v", decks, err)
			}
			review := fmt.Sprintf("/review?deck=%d", decks[0].ID)
			r := reviewer{tb: tb, app: app}
			tb.do("open the deck's review", chromedp.Navigate(app.URL+review), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			r.showAnswer()
			r.grade(5) // so the card edited is not simply the first
			r.showAnswer()
			before := r.front()
			tb.do("edit the card",
				chromedp.Click(chromedp.CSS("#edit-card")),
				chromedp.WaitVisible(chromedp.CSS(`textarea[name="front"]`)))
			tb.do("change the question",
				chromedp.SetValue(chromedp.CSS(`textarea[name="front"]`), "Edited during review: "+before),
				chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]:not([name])`)),
				chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			if got := evalIn[string](tb, "location", `location.pathname + location.search`); !strings.HasPrefix(got, review+"&card=") {
				t.Errorf("after Save the browser is at %s, want back at %s", got, review)
			}
			if got := r.front(); got != "Edited during review: "+before {
				t.Errorf("after Save the review shows %q, want the edited card", got)
			}
			if !strings.Contains(tb.text("#progress"), "Deck: "+data.BuiltinDeckName) {
				t.Errorf("the review lost its filter: %q", tb.text("#progress"))
			}
			if !strings.Contains(tb.text("main"), "Card saved.") {
				t.Error("no word that the card was saved")
			}
			if n := gradesToday(t, app, uid); n != 1 {
				t.Errorf("%d grades today, want 1", n)
			}
			tb.wantNoConsoleProblems()
		})
	}
}

// wantOneH1AndSkipLink checks the page has one h1 and starts with a skip
// link to the main content.
func wantOneH1AndSkipLink(tb *tab, page string) {
	tb.t.Helper()
	type shape struct {
		H1s      int
		Skip     string
		Href     string
		HasMain  bool
		H1InMain bool
	}
	got := evalIn[shape](tb, "headings", `(() => {
		const first = document.querySelector("body a, body button, body input, body textarea, body select");
		const h1 = document.querySelector("h1");
		return {H1s: document.querySelectorAll("h1").length, Skip: first ? first.textContent.trim() : "",
			Href: first ? first.getAttribute("href") : "", HasMain: !!document.querySelector("main#main"),
			H1InMain: !!h1 && !!h1.closest("main")};
	})()`)
	if got.H1s != 1 || !got.H1InMain {
		tb.t.Errorf("%s: %d h1 (in main: %v), want exactly one, in main", page, got.H1s, got.H1InMain)
	}
	if got.Skip != "Skip to content" || got.Href != "#main" || !got.HasMain {
		tb.t.Errorf("%s: the first control is %q (%s), want the skip link to #main", page, got.Skip, got.Href)
	}
}

// TestBrowserFocusAndHeadings: every review, typed-answer and mock page has
// one h1 and a skip link that Tab reaches first and that leads into the
// content; after "Show answer" the focus is on the answer, and Tab goes
// on to the grade buttons.
func TestBrowserFocusAndHeadings(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "UTC")
			setTypeAnswers(t, app, uid, false, 2)
			r := reviewer{tb: tb, app: app}

			// The skip link: first for Tab, seen when focused, and Enter on it
			// leads into the content, even on the review page, whose keys
			// would otherwise take Enter.
			tb.do("open the home page", chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")), chromedp.KeyEvent("\t"))
			wantFocus(tb, "Tab on a fresh page", "a.skip-link")
			if !evalIn[bool](tb, "skip link seen", `(() => { const r = document.querySelector(".skip-link").getBoundingClientRect();
				return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.width > 0; })()`) {
				t.Error("the focused skip link is off screen")
			}
			tb.keepScreenshot("skip-link")
			tb.do("open the review", chromedp.Navigate(app.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			wantOneH1AndSkipLink(tb, "review")
			tb.do("follow the skip link", chromedp.Focus(chromedp.CSS(".skip-link")), chromedp.KeyEvent("\r"), chromedp.KeyEvent("\t"))
			if !evalIn[bool](tb, "in main", `!!document.activeElement.closest("main")`) || evalIn[bool](tb, "revealed", `!!document.querySelector(".card-back")`) {
				t.Errorf("Enter on the skip link, then Tab: the focus is on %s (want inside main), answer shown %v",
					focused(tb), evalIn[bool](tb, "revealed", `!!document.querySelector(".card-back")`))
			}

			tb.do("focus the show-answer button", chromedp.Focus(chromedp.CSS("#show-answer")))
			r.showAnswer()
			wantOneH1AndSkipLink(tb, "review, answer shown")
			wantFocus(tb, "after Show answer", "div#answer")
			tb.do("Tab", chromedp.KeyEvent("\t"))
			wantFocus(tb, "Tab after Show answer", "button[data-grade=0]")
			tb.do("back to the answer", chromedp.Focus(chromedp.CSS("#answer")))
			r.grade(5)

			r.click(`a[href*="type=1"]`, "Type your answer first")
			wantOneH1AndSkipLink(tb, "typed answer")
			tb.do("type", chromedp.KeyEvent("precision"))
			r.press("\r", "Ctrl+Enter", chromedp.KeyModifiers(chromedp.ModifierCtrl))
			wantOneH1AndSkipLink(tb, "typed answer, checked")
			wantFocus(tb, "after the typed answer is checked", "div#answer")
			r.grade(5)
			wantOneH1AndSkipLink(tb, "summary")

			// A mock round: start page, a card, its checked answer, the summary.
			setTypeAnswers(t, app, uid, false, 4)
			tb.do("open the mock interview", chromedp.Navigate(app.URL+"/mock"), chromedp.WaitVisible(chromedp.CSS(`form[action="/mock/start"] button`)))
			wantOneH1AndSkipLink(tb, "mock start")
			tb.do("start a round", chromedp.Click(chromedp.CSS(`form[action="/mock/start"] button`)), chromedp.WaitVisible(chromedp.CSS("textarea#answer")))
			wantOneH1AndSkipLink(tb, "mock card")
			wantFocus(tb, "mock card", "textarea#answer")
			tb.do("answer", chromedp.KeyEvent("precision"),
				chromedp.Click(chromedp.CSS("#show-answer")), chromedp.WaitVisible(chromedp.CSS("button[data-grade]")))
			wantOneH1AndSkipLink(tb, "mock answer")
			wantFocus(tb, "after Check my answer", "div#answer")
			tb.do("Tab", chromedp.KeyEvent("\t"))
			wantFocus(tb, "Tab after Check my answer", "button[data-grade=0]")
			// Enter still takes the suggested grade, from the answer.
			before := gradesToday(t, app, uid)
			tb.do("Enter on the answer", chromedp.Focus(chromedp.CSS("#answer")), chromedp.KeyEvent("\r"),
				chromedp.WaitVisible(chromedp.CSS("textarea#answer")))
			if n := gradesToday(t, app, uid); n != before+1 {
				t.Errorf("Enter on a checked mock answer: %d grades today, want %d", n, before+1)
			}
			wantOneH1AndSkipLink(tb, "mock card 2")
			tb.do("end the round", chromedp.Click(chromedp.CSS(`form[action="/mock/end"] button`)), chromedp.WaitVisible(chromedp.CSS(".mock-summary")))
			wantOneH1AndSkipLink(tb, "mock summary")
			tb.wantNoConsoleProblems()
		})
	}
}
