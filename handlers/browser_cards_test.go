package handlers

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
)

// load clicks what navigates to another page and waits for that page:
// the old document is marked, so the wait ends only on the new one.
func (tb *tab) load(what, sel string) {
	tb.t.Helper()
	evalIn[bool](tb, "mark the page", `document.body.dataset.stale = "1", true`)
	tb.do(what,
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.WaitNotPresent(chromedp.CSS("body[data-stale]")),
		chromedp.WaitVisible(chromedp.CSS("main")))
}

// submitFilters sets the card browser's search fields and searches.
func (tb *tab) submitFilters(fields map[string]string) {
	tb.t.Helper()
	for name, value := range fields {
		tb.do("set "+name, chromedp.SetValue(chromedp.CSS(`form.filters select[name="`+name+`"]`), value))
	}
	tb.load(fmt.Sprint("search ", fields), `form.filters button[type="submit"]`)
}

func (tb *tab) cells(label string) []string {
	tb.t.Helper()
	return evalIn[[]string](tb, label+" cells",
		`Array.from(document.querySelectorAll('table.card-browser td[data-label="`+label+`"]'), td => td.innerText.trim())`)
}

// TestBrowserCardBrowser: the card browser at desktop and phone width: it
// counts and numbers its pages, sorts, filters by state, suspends, moves
// and deletes cards chosen with their boxes (or all of a page at once),
// and the trash gives a deleted card back.
func TestBrowserCardBrowser(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			uid := signUpInBrowser(tb, app, "ada", "UTC")
			ctx := context.Background()
			drafts := make([]data.CardDraft, 60)
			for i := range drafts {
				drafts[i] = data.CardDraft{Key: fmt.Sprint("extra", i), Front: fmt.Sprintf("Extra question %02d", i+1), Back: "b", Category: "data-quality"}
			}
			if _, err := app.store.ImportDrafts(ctx, uid, "Extra", drafts, nil); err != nil {
				t.Fatal(err)
			}
			total := len(data.BuiltinDeck()) + len(drafts)
			page, err := app.store.BrowseCards(ctx, uid, data.CardBrowse{Query: "Extra question", Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			extra := page.Cards // the first five added
			for i, g := range []int{5, 3, 1} {
				if _, err := app.store.GradeCard(ctx, uid, data.Grade{CardID: extra[i].ID, Grade: srs.Grade(g), Step: -1}); err != nil {
					t.Fatal(err)
				}
			}
			if err := app.store.SetSuspended(ctx, uid, extra[3].ID, true); err != nil {
				t.Fatal(err)
			}
			deckID := extra[0].DeckID

			// Counted and numbered.
			tb.do("open the card browser",
				chromedp.Navigate(app.URL+"/cards"),
				chromedp.WaitVisible(chromedp.CSS("#card-count")))
			if got, want := tb.text("#card-count"), fmt.Sprintf("Cards 1–50 of %d", total); got != want {
				t.Errorf("count says %q, want %q", got, want)
			}
			pages := evalIn[[]string](tb, "page links", `Array.from(document.querySelectorAll(".pager ol li"),
				li => li.innerText.trim() + (li.querySelector('[aria-current="page"]') ? "*" : ""))`)
			if !slices.Equal(pages, []string{"1*", "2"}) {
				t.Errorf("page links %v, want 1 (current) and 2", pages)
			}
			wantPageFits(tb)
			tb.load("go to page 2", ".pager ol li:nth-child(2) a")
			if got, want := tb.text("#card-count"), fmt.Sprintf("Cards 51–%d of %d", total, total); got != want {
				t.Errorf("page 2 count says %q, want %q", got, want)
			}

			// Sorted: lowest ease first, then (desktop) the other way by
			// the column heading.
			tb.submitFilters(map[string]string{"sort": "ease"})
			if eases := tb.cells("Ease"); len(eases) < 2 || eases[0] != "1.96" || eases[1] != "2.36" {
				t.Errorf("by lowest ease: %v, want 1.96 then 2.36 first", eases[:min(3, len(eases))])
			}
			if got := tb.text("#card-count"); got != fmt.Sprintf("Cards 1–50 of %d", total) {
				t.Errorf("a new sort starts at page 1: %q", got)
			}
			tb.keepScreenshot("sorted")
			if !vp.phone {
				tb.load("sort by the ease heading", `th[aria-sort="ascending"] a`)
				if eases := tb.cells("Ease"); eases[0] != "2.60" {
					t.Errorf("by highest ease: %v first, want 2.60", eases[0])
				}
				if n := evalIn[int](tb, "sorted heading", `document.querySelectorAll('th[aria-sort="descending"]').length`); n != 1 {
					t.Errorf("%d headings say they sort descending", n)
				}
			}

			// Filtered by state.
			for _, tc := range []struct {
				state, count, tag string
			}{
				{"suspended", "1 card matches", "new,suspended"},
				{"learning", "2 cards match", "learning"}, // grades 3 and 1: re-drilled today
				{"due", "", ""}, // graded today: none is due
				{"new", fmt.Sprintf("%d cards match", total-4), "new"},
			} {
				tb.submitFilters(map[string]string{"state": tc.state, "sort": "added-desc"})
				if tc.count == "" {
					if got := tb.text("p.empty"); got != "No cards match. Show all cards" {
						t.Errorf("state %s: %q", tc.state, got)
					}
					continue
				}
				if got := tb.text("#card-count"); got != tc.count && got != "Cards 1–50 of the "+tc.count[:len(tc.count)-len(" cards match")]+" that match" {
					t.Errorf("state %s: count %q, want %q", tc.state, got, tc.count)
				}
				tags := evalIn[[]string](tb, "tags", `Array.from(document.querySelectorAll("table.card-browser tbody tr"),
					tr => Array.from(tr.querySelectorAll(".tag"), s => s.innerText).join(","))`)
				for _, tg := range tags {
					if tg != tc.tag {
						t.Errorf("state %s: a row tagged %q", tc.state, tg)
						break
					}
				}
			}

			// Three new cards of the deck "Extra" chosen and suspended.
			tb.do("list Extra's new cards",
				chromedp.Navigate(fmt.Sprintf("%s/cards?deck=%d&state=new&sort=added", app.URL, deckID)),
				chromedp.WaitVisible(chromedp.CSS("#card-count")))
			if got := tb.text("#card-count"); got != "Cards 1–50 of the 56 that match" {
				t.Fatalf("Extra's new cards: %q", got)
			}
			for i := 1; i <= 3; i++ {
				tb.do("choose a card", chromedp.Click(chromedp.CSS(fmt.Sprintf("table.card-browser tbody tr:nth-child(%d) input[name=id]", i))))
			}
			tb.keepScreenshot("chosen")
			tb.load("suspend them", `form#bulk button[value="suspend"]`)
			if got := tb.text(".flash.ok"); got != "Suspended 3 cards: they stay out of your reviews until you unsuspend them." {
				t.Errorf("after suspending: %q", got)
			}
			if got := tb.text("#card-count"); got != "Cards 1–50 of the 53 that match" {
				t.Errorf("after suspending, back on the list: %q", got)
			}

			// All of a page chosen at once, moved to another category.
			tb.do("select all on this page", chromedp.Click(chromedp.CSS("a[data-select-all]")))
			if n := evalIn[int](tb, "checked", `document.querySelectorAll("input[name=id]:checked").length`); n != 50 {
				t.Fatalf("select all checked %d boxes, want 50", n)
			}
			tb.do("choose the category", chromedp.SetValue(chromedp.CSS(`form#bulk select[name="category"]`), "overcomplicating"))
			tb.load("move them", `form#bulk button[value="move"]`)
			if got := tb.text(".flash.ok"); got != "Moved 50 cards; their progress stays as it was." {
				t.Errorf("after moving: %q", got)
			}
			tb.do("list the moved cards",
				chromedp.Navigate(fmt.Sprintf("%s/cards?deck=%d&category=overcomplicating&sort=added", app.URL, deckID)),
				chromedp.WaitVisible(chromedp.CSS("#card-count")))
			if got := tb.text("#card-count"); got != "50 cards match" {
				t.Errorf("Extra's cards in the new category: %q", got)
			}

			// Two deleted, one restored from the trash.
			fronts := evalIn[[]string](tb, "fronts", `Array.from(document.querySelectorAll("td.card-cell > a"), a => a.innerText)`)
			for i := 1; i <= 2; i++ {
				tb.do("choose a card", chromedp.Click(chromedp.CSS(fmt.Sprintf("table.card-browser tbody tr:nth-child(%d) input[name=id]", i))))
			}
			tb.load("delete them", `form#bulk button[value="delete"]`)
			if got := tb.text(".flash.ok"); got != "Moved 2 cards to the trash. You can restore them, with their history, from the trash for 30 days." {
				t.Errorf("after deleting: %q", got)
			}
			if got := tb.text("#card-count"); got != "48 cards match" {
				t.Errorf("after deleting: %q", got)
			}
			wantPageFits(tb)
			tb.load("open the trash", `.subnav a[href="/cards/trash"]`)
			trashed := evalIn[[]string](tb, "trash", `Array.from(document.querySelectorAll("td.card-cell"), td => td.firstChild.textContent.trim())`)
			if !slices.Equal(slices.Sorted(slices.Values(trashed)), fronts[:2]) {
				t.Errorf("the trash holds %v, want %v", trashed, fronts[:2])
			}
			wantPageFits(tb)
			tb.keepScreenshot("trash")
			tb.do("choose a card", chromedp.Click(chromedp.CSS(`table.trash-table tbody tr:first-child input[name=id]`)))
			tb.load("restore it", `form#trash button[value="restore"]`)
			if got := tb.text(".flash.ok"); got != "Restored 1 card, with its history." {
				t.Errorf("after restoring: %q", got)
			}
			if got := tb.text(".list-count"); got != "1 card in the trash" {
				t.Errorf("the trash after restoring: %q", got)
			}
			n, err := app.store.BrowseCards(ctx, uid, data.CardBrowse{DeckID: deckID, Category: "overcomplicating"})
			if err != nil || n.Total != 49 {
				t.Errorf("Extra's cards in the new category after the restore: %d (%v), want 49", n.Total, err)
			}
			tb.wantNoConsoleProblems()
		})
	}
}
