package handlers

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
)

// The journeys a person takes, in a real browser, at a desktop and a phone
// viewport. Run them alone with: go test -run Browser ./handlers/

// TestBrowserSignupGetsTheBuiltinDeck: a new user signs up, lands on the
// home page, finds the built-in deck with all its cards on the decks page,
// and has the browser's time zone stored without being asked.
func TestBrowserSignupGetsTheBuiltinDeck(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "Asia/Kolkata")

			if loc := evalIn[string](tb, "location", `location.pathname`); loc != "/" {
				t.Errorf("after sign-up the browser is at %s, want the home page", loc)
			}
			if evalIn[bool](tb, "deck offer", `!!document.querySelector('form[action="/decks/builtin"]')`) {
				t.Error("the home page offers to add the built-in deck: sign-up did not add it")
			}
			wantPageFits(tb)

			// The decks page lists the built-in deck with all its cards.
			tb.do("open the decks page",
				chromedp.Navigate(app.URL+"/decks"),
				chromedp.WaitVisible(chromedp.CSS("main table")))
			type row struct{ Deck, Cards string }
			rows := evalIn[[]row](tb, "deck rows", `Array.from(document.querySelectorAll("main table tbody tr"),
				tr => ({Deck: tr.cells[0].innerText, Cards: tr.cells[1].innerText}))`)
			want := row{Deck: data.BuiltinDeckName + " built-in", Cards: strconv.Itoa(len(data.BuiltinDeck()))}
			if len(rows) != 1 || strings.Join(strings.Fields(rows[0].Deck), " ") != want.Deck || rows[0].Cards != want.Cards {
				t.Errorf("decks page lists %+v, want only %+v", rows, want)
			}
			wantPageFits(tb)

			st, err := app.store.UserSettings(context.Background(), uid)
			if err != nil {
				t.Fatal(err)
			}
			// Chromium may name the zone by its older alias, Asia/Calcutta.
			_, offset := app.clock.Now().In(st.Location()).Zone()
			if (st.Timezone != "Asia/Kolkata" && st.Timezone != "Asia/Calcutta") || offset != 5*3600+30*60 {
				t.Errorf("stored time zone %q (UTC%+ds), want the browser's Asia/Kolkata", st.Timezone, offset)
			}
			tb.wantNoConsoleProblems()
		})
	}
}

// TestBrowserReviewADayWithTheKeyboard: a day's review with keys only:
// Space shows the answer, digits grade, U undoes, until the summary.
func TestBrowserReviewADayWithTheKeyboard(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "Europe/Berlin")
			ctx := context.Background()
			st, err := app.store.UserSettings(ctx, uid)
			if err != nil {
				t.Fatal(err)
			}
			st.NewPerDay = 4 // a short day
			if err := app.store.UpdateSettings(ctx, uid, st); err != nil {
				t.Fatal(err)
			}
			reviewed := func() int {
				t.Helper()
				sum, err := app.store.Summary(ctx, uid)
				if err != nil {
					t.Fatal(err)
				}
				return sum.Reviewed
			}

			tb.do("open the review page",
				chromedp.Navigate(app.URL+"/review"),
				chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			r := reviewer{tb: tb, app: app}
			r.wantProgress(4)
			a := r.front()
			r.showAnswer()
			tb.keepScreenshot("back")
			darkScreenshot(tb, "back-dark")
			r.grade(5)

			b := r.front()
			r.showAnswer()
			r.grade(2) // B goes to re-drill

			c := r.front()
			if a == b || b == c || a == c {
				t.Fatalf("the day's first cards repeat: %q, %q, %q", a, b, c)
			}
			tb.keepScreenshot("front")
			r.showAnswer()
			r.grade(4)
			before := reviewed()
			r.undo()
			if got := r.front(); got != c || !evalIn[bool](tb, "front only", `!document.querySelector("#answer")`) {
				t.Fatalf("after undo the page shows %q, want the front of the card just graded again: %q", got, c)
			}
			if got := reviewed(); got != before-1 {
				t.Fatalf("after undo the store has %d grades today, want %d", got, before-1)
			}
			r.showAnswer()
			r.grade(3)

			d := r.front()
			if d == a || d == b || d == c {
				t.Fatalf("fourth card %q is one seen before", d)
			}
			r.showAnswer()
			r.grade(5)

			// Grades below 4 (B's 2, C's 3) come back as re-drills, the
			// longest-waiting first; a 4 or 5 clears them.
			r.wantProgress(2)
			r.wantRedrill(b)
			r.showAnswer()
			r.grade(4)
			r.wantRedrill(c)
			r.showAnswer()
			r.grade(5)

			if got := tb.text("h1"); got != "Done for today" {
				t.Fatalf("after the last card the page says %q, want the summary", got)
			}
			tb.keepScreenshot("summary")
			for _, stat := range []struct{ label, want string }{
				{"cards reviewed", "4"},
				{"recall (first answers)", "75 %"}, // 5, 2, 3, 5 count; re-drills do not
				{"time spent", "1m 00s"},           // six grades, ten seconds each
			} {
				got := evalIn[string](tb, "summary", `Array.from(document.querySelectorAll(".stats .stat")).
					filter(s => s.querySelector(".label").innerText.trim() === `+strconv.Quote(stat.label)+`).
					map(s => s.querySelector(".value").innerText.trim()).join("|")`)
				if got != stat.want {
					t.Errorf("summary: %s %q, want %q", stat.label, got, stat.want)
				}
			}
			wantPageFits(tb)

			sum, err := app.store.Summary(ctx, uid)
			if err != nil {
				t.Fatal(err)
			}
			// Typed, after the undo: A 5, B 2, C 3, D 5, then re-drills B 4, C 5.
			if sum.Cards != 4 || sum.Counted != 4 || sum.Reviewed != 6 || sum.Passed != 3 || sum.TimeSpent != time.Minute {
				t.Errorf("store after the day: %+v; want 4 cards, 4 counted, 6 grades, 3 passed, 1m spent", sum)
			}
			tb.wantNoConsoleProblems()
		})
	}
}

// TestBrowserGradeAfterLogOutElsewhere: when the session ended in another
// tab, a grade shows the error page, as it would without JavaScript,
// instead of doing nothing at every key.
func TestBrowserGradeAfterLogOutElsewhere(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			signUpInBrowser(tb, app, "ada", "Europe/Berlin")
			tb.do("open the review page",
				chromedp.Navigate(app.URL+"/review"),
				chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			r := reviewer{tb: tb, app: app}
			r.showAnswer()

			other, cancel := chromedp.NewContext(tb.ctx) // a second tab, same cookies
			defer cancel()
			if err := chromedp.Do(other,
				chromedp.Navigate(app.URL+"/"),
				chromedp.Click(chromedp.CSS(`.site-header form[action="/logout"] button`)),
				chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)),
			); err != nil {
				t.Fatalf("log out in another tab: %v", err)
			}

			tb.do("press 5", chromedp.KeyEvent("5"))
			tb.waitFor("the error page", `!!document.querySelector(".error-page")`)
			if got := tb.text(".error-page h1"); !strings.Contains(got, "Reload the page") {
				t.Errorf("error page says %q, want the advice to reload", got)
			}
		})
	}
}

// signUpInBrowser fills in the sign-up form as a person would, in a
// browser whose time zone is zone, and returns the new user's id once the
// home page shows.
func signUpInBrowser(tb *tab, app *testApp, name, zone string) int64 {
	tb.t.Helper()
	tb.do("sign up",
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
			return err
		}),
		chromedp.Navigate(app.URL+"/signup"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="name"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "correct horse"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password2"]`), "correct horse"),
		chromedp.Click(chromedp.CSS(`form[action="/signup"] button[type="submit"]`)),
		// Signed in: the header offers to log out.
		chromedp.WaitVisible(chromedp.CSS(`.site-header form[action="/logout"] button`)),
	)
	u, err := app.store.UserByName(context.Background(), name)
	if err != nil {
		tb.t.Fatalf("after sign-up: %v\n%s", err, tb.pageText())
	}
	return u.ID
}

// reviewer works the review page with the keyboard. Each key waits for
// htmx to swap in the next page and settle, as a person would before the
// next key: app.js ignores keys while a request is under way.
type reviewer struct {
	tb  *tab
	app *testApp
}

func (r reviewer) front() string {
	r.tb.t.Helper()
	return r.tb.text(".card-front .card-text")
}

// press types a key and waits until a fresh review page has settled.
func (r reviewer) press(key, what string, opts ...chromedp.KeyOption) {
	r.tb.t.Helper()
	r.tb.do("mark the page", chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-review]").setAttribute("data-stale", "")`))
	r.tb.do("press "+what, chromedp.KeyEvent(key, opts...))
	r.tb.waitFor("the page after "+what, `(() => {
		const s = document.querySelector("[data-review]");
		return !!s && !s.hasAttribute("data-stale") && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling");
	})()`)
}

func (r reviewer) showAnswer() {
	r.tb.t.Helper()
	r.press(" ", "Space")
	if !evalIn[bool](r.tb, "answer shown", `!!document.querySelector("#answer") && !!document.querySelector("button[data-grade]")`) {
		r.tb.t.Fatalf("Space did not show the answer:\n%s", r.tb.pageText())
	}
	wantPageFits(r.tb)
	if r.tb.vp.phone {
		wantGradeButtonsTall(r.tb)
	}
}

// grade gives a grade ten seconds after the answer showed, by the app's clock.
func (r reviewer) grade(g int) {
	r.tb.t.Helper()
	r.app.clock.Advance(10 * time.Second)
	r.press(strconv.Itoa(g), "grade "+strconv.Itoa(g))
}

func (r reviewer) undo() {
	r.tb.t.Helper()
	r.press("u", "U (undo)")
}

// wantRedrill checks the card up now is the one with this front, as a re-drill.
func (r reviewer) wantRedrill(front string) {
	r.tb.t.Helper()
	if got := r.front(); got != front {
		r.tb.t.Fatalf("re-drill shows %q, want %q", got, front)
	}
	if !evalIn[bool](r.tb, "re-drill tag", `!!document.querySelector(".card-meta .tag.redrill")`) {
		r.tb.t.Errorf("the re-drilled card %q carries no re-drill tag", front)
	}
}

// wantProgress checks the cards left today: new, learning and review.
func (r reviewer) wantProgress(left int) {
	r.tb.t.Helper()
	got := evalIn[int](r.tb, "cards left", `["new", "learning", "review"].
		reduce((n, c) => n + Number(document.querySelector('#progress [data-count="' + c + '"] strong').textContent), 0)`)
	if got != left {
		r.tb.t.Errorf("progress shows %d left (%s), want %d", got, r.tb.text("#progress"), left)
	}
}

// wantPageFits fails when the page scrolls sideways, which on a phone
// means text or buttons cut off at the edge.
func wantPageFits(tb *tab) {
	tb.t.Helper()
	type size struct{ Scroll, Inner int }
	s := evalIn[size](tb, "page width", `({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`)
	if s.Scroll > s.Inner {
		tb.t.Errorf("%s: the page is %dpx wide in a %dpx window: it scrolls sideways", tb.vp.name, s.Scroll, s.Inner)
	}
}

// wantGradeButtonsTall checks the grade buttons are big enough for a thumb
// (44 CSS px, the usual minimum touch target).
func wantGradeButtonsTall(tb *tab) {
	tb.t.Helper()
	heights := evalIn[[]float64](tb, "grade button heights",
		`Array.from(document.querySelectorAll("button[data-grade]"), b => b.getBoundingClientRect().height)`)
	if len(heights) != 6 {
		tb.t.Fatalf("%d grade buttons, want 6", len(heights))
	}
	for g, h := range heights {
		if h < 44 {
			tb.t.Errorf("grade %d button is %.0fpx tall, want at least 44", g, h)
		}
	}
}

// darkScreenshot keeps a screenshot in dark mode when screenshots are asked for.
func darkScreenshot(tb *tab, label string) {
	tb.t.Helper()
	if os.Getenv("FLASHCARDS_SCREENSHOT_DIR") == "" {
		return
	}
	setScheme := func(v string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}},
			})
			return err
		})
	}
	tb.do("dark mode", setScheme("dark"), chromedp.Sleep(50*time.Millisecond))
	tb.keepScreenshot(label)
	tb.do("light mode", setScheme(""))
}
