package handlers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
)

// axeRunJS runs axe-core on the page and keeps the violations a person
// would be hindered by: serious and critical ones.
const axeRunJS = `(async () => {
	const res = await axe.run(document, {resultTypes: ["violations"]});
	return res.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
		ID: v.id, Impact: v.impact, Help: v.help,
		Nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " ")),
	}));
})()`

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// colorScheme emulates prefers-color-scheme; the page's CSS follows at once.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// TestBrowserNoSeriousAccessibilityViolations runs axe-core on every page,
// in the light and the dark theme, and fails on any serious or critical
// violation: text without enough contrast, controls without names, and the
// like. axe.min.js is vendored for this test only (testdata/axe).
func TestBrowserNoSeriousAccessibilityViolations(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	browserCtx := startChromium(t)
	start := time.Now()
	app := newTestApp(t, openSignup())
	u := seedStudyHistory(t, app, "ada", 10)
	cards, err := app.store.ListCards(context.Background(), u.ID, data.CardFilter{})
	if err != nil || len(cards) == 0 {
		t.Fatalf("no cards to edit: %v", err)
	}
	// Tags on the card edited and listed first: the tag links and fields.
	if _, err := app.store.TagCards(context.Background(), u.ID, []int64{cards[0].ID}, "company/acme", true); err != nil {
		t.Fatal(err)
	}

	// An import preview of a card table: the column mapping, counts,
	// badges of every state (the first row closely matches a built-in card).
	table := fmt.Sprintf("front,back,topic\n%q,My own answer.,Data quality\nWhat is a cache stampede?,Many clients rebuild one key at once.,Cache design\n", cards[0].Front)
	pending, err := app.store.KeepPendingImport(u.ID, "notes.csv", []byte(table))
	if err != nil {
		t.Fatal(err)
	}
	preview := "/import/preview/" + pending.ID + "?front=0&back=1&catcol=2&kpcol=-1&header=1"
	// An interview ahead: the dashboard's countdown, the interview page's
	// readiness bars and plan charts.
	today, _ := app.store.Today(context.Background(), u.ID)
	if err := app.store.UpdateInterview(context.Background(), u.ID, data.InterviewSettings{Date: today.AddDays(14), HasDate: true,
		FinalDays: 3, NewOnTime: true, Scope: []string{"data-quality", "accuracy-only"}}); err != nil {
		t.Fatal(err)
	}

	t.Cleanup(func() { t.Logf("took %v", time.Since(start).Round(time.Millisecond)) })

	signedOut := []string{"/login", "/signup"}
	signedIn := []string{"/", "/cards", fmt.Sprintf("/cards/%d/edit", cards[0].ID), "/cards/new", "/decks",
		"/categories", "/import", preview, "/mastery", "/stats", "/interview", "/settings", "/settings/export", "/mock", "/practice", "/nope"}
	// Colours are the same at every width; on a phone, the pages whose
	// layout changes most: the stacked mastery table, the scrolling
	// heatmap, the bar charts, the grade buttons in rows of three.
	phone := map[string]bool{"/login": true, "/": true, "/cards": true, "/mastery": true, "/stats": true, "/interview": true, preview: true}

	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			pages := 0
			check := func(tb *tab, what string) {
				t.Helper()
				tb.do("load axe into "+what, chromedp.Evaluate[chromedp.Void](string(axeJS)))
				for _, scheme := range []string{"light", "dark"} {
					tb.do(scheme+" theme", colorScheme(scheme))
					ctx, cancel := context.WithTimeout(tb.ctx, browserStepTimeout)
					vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRunJS, chromedp.EvalAwaitPromise))
					cancel()
					if err != nil {
						t.Fatalf("axe on %s (%s): %v", what, scheme, err)
					}
					for _, v := range vs {
						t.Errorf("%s, %s theme: %s (%s): %s\n\t%s", what, scheme, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
					}
					pages++
				}
			}

			tb := newTab(t, browserCtx, vp)
			for _, path := range signedOut {
				if !vp.phone || phone[path] {
					tb.open(app, path)
					check(tb, path)
				}
			}
			logInInBrowser(tb, app, "ada")
			for _, path := range signedIn {
				if !vp.phone || phone[path] {
					tb.open(app, path)
					if path == preview && !evalIn[bool](tb, "the preview's parts", `!!document.querySelector("form.mapping") &&
						!!document.querySelector(".import-card.close .badge") && !!document.querySelector(".badge.new-category")`) {
						t.Errorf("the import preview lacks its mapping or badges:\n%s", tb.pageText())
					}
					check(tb, path)
				}
			}
			tb.do("open the review page", chromedp.Navigate(app.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			check(tb, "/review, a card's front")
			tb.do("show the answer", chromedp.Click(chromedp.CSS("#show-answer")), chromedp.WaitVisible(chromedp.CSS("button[data-grade]")))
			check(tb, "/review, the answer shown")
			t.Logf("%s: axe ran on %d page views", vp.name, pages)
		})
	}
}
