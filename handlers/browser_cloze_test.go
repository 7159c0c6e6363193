package handlers

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
)

// TestBrowserClozeNoteFromTheFormToReview types a cloze note on the card
// form, sees it become two cards, and reviews the first with a typed
// answer: the front hides the deletion, the back shows it highlighted and
// the typed answer is checked against the deleted text.
func TestBrowserClozeNoteFromTheFormToReview(t *testing.T) {
	browserCtx := startChromium(t)
	vp := journeyViewports[0]
	app := newTestApp(t, openSignup())
	tb := newTab(t, browserCtx, vp)
	uid := signUpInBrowser(tb, app, "ada", "UTC")
	ctx := context.Background()
	st, _ := app.store.UserSettings(ctx, uid)
	st.TypeAnswers = true
	app.store.UpdateSettings(ctx, uid, st)

	tb.do("open the form",
		chromedp.Navigate(app.URL+"/cards/new"),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="front"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="front"]`), "{{c1::Paris}} is the capital of {{c2::France::a country}}."))
	tb.waitFor("the preview of card 1", `!!document.querySelector("#card-preview .cloze-blank")`)
	tb.load("add the note", `form[action="/cards"] button[type="submit"]:not([name])`)
	if got := tb.text(".flash.ok"); !strings.Contains(got, "Cloze note added: 2 cards.") {
		t.Fatalf("after adding: %q\n%s", got, tb.pageText())
	}
	cards, err := app.store.ListCards(ctx, uid, data.CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var first data.Card
	n := 0
	for _, c := range cards {
		if c.NoteID != 0 {
			n++
			if c.Cloze == 1 {
				first = c
			}
		}
	}
	if n != 2 || first.ID == 0 {
		t.Fatalf("%d cards of the note, the first %+v", n, first)
	}

	tb.do("review card 1",
		chromedp.Navigate(app.URL+"/review?card="+strconv.FormatInt(first.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS("textarea#answer")))
	if front := tb.text(".card-front"); !strings.Contains(front, "[...] is the capital of France.") || strings.Contains(front, "Paris") {
		t.Fatalf("the front shows %q", front)
	}
	tb.do("type the answer", chromedp.SendKeys(chromedp.CSS("textarea#answer"), "paris"), chromedp.Focus(chromedp.CSS("textarea#answer")))
	r := reviewer{tb: tb, app: app}
	r.press("\r", "Ctrl+Enter", chromedp.KeyModifiers(chromedp.ModifierCtrl))
	if got := evalIn[string](tb, "highlight", `document.querySelector(".card-back mark.cloze").innerText`); got != "Paris" {
		t.Errorf("the back highlights %q", got)
	}
	if got := evalIn[string](tb, "coverage", `document.querySelector("#coverage li").className`); got != "covered" {
		t.Errorf("the deletion typed is %q", got)
	}
	tb.wantNoConsoleProblems()
}
