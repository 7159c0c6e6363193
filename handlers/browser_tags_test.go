package handlers

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
)

// TestBrowserTags: tags narrow the card browser (the tag and those under
// it), a tag added in bulk to the cards chosen shows on their rows, the
// card form suggests the tag being typed, and
// the browser's study link opens a review of only the tagged cards, beside
// the built-in deck's, until that review is done.
func TestBrowserTags(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "UTC")
			drafts := []data.CardDraft{
				{Key: "t1", Front: "Tagged Acme question", Back: "b", Category: "data-quality", Tags: []string{"company/acme"}},
				{Key: "t2", Front: "Tagged Globex question", Back: "b", Category: "data-quality", Tags: []string{"Company/Globex", "round/phone"}},
				{Key: "t3", Front: "Blog question", Back: "b", Category: "data-quality", Tags: []string{"source/blog"}},
			}
			if _, err := app.store.ImportDrafts(context.Background(), uid, "Interviews", drafts, nil); err != nil {
				t.Fatal(err)
			}
			rowFronts := func() []string {
				return evalIn[[]string](tb, "row fronts", `Array.from(document.querySelectorAll("table.card-browser td.card-cell > a"), a => a.innerText.trim())`)
			}

			// The tag filter takes "company" and every tag under it.
			tb.do("open the card browser",
				chromedp.Navigate(app.URL+"/cards"),
				chromedp.WaitVisible(chromedp.CSS("#card-count")))
			if n := evalIn[int](tb, "suggested tags", `document.querySelectorAll("#user-tags option").length`); n != 4 {
				t.Errorf("the tag field suggests %d tags, want 4", n)
			}
			tb.do("type a tag", chromedp.SetValue(chromedp.CSS(`form.filters input[name="tag"]`), "company"))
			tb.load("search by tag", `form.filters button[type="submit"]`)
			if got := tb.text("#card-count"); got != "2 cards match" {
				t.Errorf("by tag company: %q", got)
			}
			if got := rowFronts(); !slices.Equal(got, []string{"Tagged Globex question", "Tagged Acme question"}) {
				t.Errorf("by tag company: %q", got)
			}
			wantPageFits(tb)

			// Bulk: both chosen, tagged round/onsite.
			tb.do("select all on the page", chromedp.Click(chromedp.CSS("a[data-select-all]")))
			tb.do("type the tag to add", chromedp.SetValue(chromedp.CSS(`form.bulk input[name="tag"]`), "round/onsite"))
			tb.load("add the tag", `form.bulk button[value="tag-add"]`)
			if got := tb.pageText(); !strings.Contains(got, "Added the tag round/onsite to 2 cards.") {
				t.Errorf("after adding the tag:\n%s", got)
			}
			rowTags := evalIn[[]string](tb, "row tags", `Array.from(document.querySelectorAll("table.card-browser tbody tr"),
				tr => Array.from(tr.querySelectorAll(".tag-link"), a => a.innerText).join(" "))`)
			if !slices.Equal(rowTags, []string{"Company/Globex round/onsite round/phone", "company/acme round/onsite"}) {
				t.Errorf("row tags after the bulk add: %q", rowTags)
			}
			tb.keepScreenshot("tag-filter")
			// A tag on a row is a link to its cards.
			tb.load("follow a row's tag", `a.tag-link[href="/cards?tag=round%2Fphone"]`)
			if got := rowFronts(); !slices.Equal(got, []string{"Tagged Globex question"}) {
				t.Errorf("by tag round/phone: %q", got)
			}

			// The card form suggests the user's tags, completing the tag
			// being typed after those typed already.
			tb.do("open the card form", chromedp.Navigate(app.URL+"/cards/new"), chromedp.WaitVisible(chromedp.CSS(`input[name="tags"]`)))
			tb.do("type tags", chromedp.SendKeys(chromedp.CSS(`input[name="tags"]`), "round/phone comp"))
			suggested := evalIn[[]string](tb, "suggestions", `Array.from(document.querySelectorAll("#card-tags option"), o => o.value)`)
			if !slices.Equal(suggested, []string{"round/phone company/acme", "round/phone Company/Globex"}) {
				t.Errorf("while typing a second tag the form suggests %q", suggested)
			}

			// The review of a tag shows its cards only, then is done, while
			// the whole queue still has the built-in deck's.
			tb.do("back to company", chromedp.Navigate(app.URL+"/cards?tag=company"), chromedp.WaitVisible(chromedp.CSS("#card-count")))
			tb.load("review the tag", `.tag-study a[href="/review?tag=company"]`)
			r := reviewer{tb: tb, app: app}
			if got := tb.text("#progress"); !strings.Contains(got, "Tag: company") {
				t.Errorf("the review does not say its filter: %q", got)
			}
			r.wantProgress(2)
			var seen []string
			for range 2 {
				seen = append(seen, r.front())
				r.showAnswer()
				r.grade(5)
			}
			slices.Sort(seen)
			if !slices.Equal(seen, []string{"Tagged Acme question", "Tagged Globex question"}) {
				t.Errorf("the review of company showed %q", seen)
			}
			if got := tb.text("main h1"); !strings.Contains(got, "Done for today") {
				t.Errorf("after the tagged cards: %q", got)
			}
			tb.do("the whole queue", chromedp.Navigate(app.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("main")))
			if front := r.front(); front == "" || strings.HasPrefix(front, "Tagged") {
				t.Errorf("the whole review shows %q", front)
			}
			tb.wantNoConsoleProblems()
		})
	}
}
