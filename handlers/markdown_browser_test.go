package handlers

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
)

// richCard is a card with a Python code block wider than any phone, inline
// and display math, and a key point with math and Markdown in it.
var richCard = data.CardInput{
	Front: "How is $F_1 = \\frac{2PR}{P+R}$ computed, and why not **accuracy**?",
	Back: "The harmonic mean of precision and recall:\n\n$$\nF_1 = \\frac{2PR}{P+R}\n$$\n\n" +
		"```python\ndef f1(precision, recall):\n" +
		"    return 2 * precision * recall / (precision + recall)  # the harmonic mean, which punishes a low precision or a low recall far more than the arithmetic mean would\n```\n\n" +
		"| metric | value |\n|:--|--:|\n| $P$ | 0.8 |",
	KeyPoints: []string{"**harmonic** mean of $P$ and $R$"},
}

// cspWatch records Content-Security-Policy violations in the page before
// any of its scripts run, so a test can ask for them.
func cspWatch() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: `
			window.cspViolations = [];
			document.addEventListener("securitypolicyviolation", function (e) {
				window.cspViolations.push(e.violatedDirective + " " + e.blockedURI);
			});`})
		return err
	})
}

// wantNoCSPViolations fails when the page broke its own policy: KaTeX's
// styles, fonts or scripts blocked, or anything inline.
func wantNoCSPViolations(tb *tab) {
	tb.t.Helper()
	if v := evalIn[[]string](tb, "CSP violations", `window.cspViolations || ["the CSP watch did not run"]`); len(v) > 0 {
		tb.t.Errorf("%s: the page broke its Content-Security-Policy: %q", tb.vp.name, v)
	}
}

// wantKatexFonts waits until KaTeX's fonts, served by us, have loaded and
// none failed.
func wantKatexFonts(tb *tab) {
	tb.t.Helper()
	tb.waitFor("KaTeX's fonts", `(() => {
		const fonts = Array.from(document.fonts);
		return fonts.some(f => f.family.replace(/"/g, "") === "KaTeX_Main" && f.status === "loaded")
			&& fonts.some(f => f.family.replace(/"/g, "") === "KaTeX_Math" && f.status === "loaded");
	})()`)
	if failed := evalIn[[]string](tb, "failed fonts", `Array.from(document.fonts).filter(f => f.status === "error").map(f => f.family)`); len(failed) > 0 {
		tb.t.Errorf("%s: fonts failed to load: %q", tb.vp.name, failed)
	}
}

// TestBrowserCardWithCodeAndMath: a card with a Python code block and math
// shows typeset by KaTeX and highlighted by chroma, on a desktop and on a
// phone, where the code scrolls sideways inside the card and the page does
// not; the editor's preview renders as one types. No console errors, no
// CSP violations.
func TestBrowserCardWithCodeAndMath(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			tb.do("watch for CSP violations", cspWatch())
			uid := signUpInBrowser(tb, app, "ada", "Europe/Berlin")
			ctx := context.Background()
			deck, err := app.store.CreateDeck(ctx, uid, "Metrics")
			if err != nil {
				t.Fatal(err)
			}
			in := richCard
			in.DeckID = deck.ID
			card, err := app.store.CreateCard(ctx, uid, in)
			if err != nil {
				t.Fatal(err)
			}

			tb.do("open the review of the deck",
				chromedp.Navigate(app.URL+"/review?deck="+strconv.FormatInt(deck.ID, 10)),
				chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			tb.waitFor("math on the front typeset", `!!document.querySelector(".card-front .math .katex")`)
			if got := tb.text(".card-front strong"); got != "accuracy" {
				t.Errorf("the front's bold text is %q, want accuracy", got)
			}

			// The back comes in through htmx: math.js typesets what it swaps in.
			reviewer{tb: tb, app: app}.showAnswer()
			tb.waitFor("math on the back typeset", `document.querySelectorAll(".card-back .math .katex").length >= 2`)
			if n := evalIn[int](tb, "display math", `document.querySelectorAll(".card-back div.math.display .katex-display").length`); n != 1 {
				t.Errorf("%d display equations typeset on the back, want 1", n)
			}
			if !evalIn[bool](tb, "key point math", `!!document.querySelector(".key-points .math .katex") && !!document.querySelector(".key-points strong")`) {
				t.Error("the key point's math and bold text are not rendered")
			}
			type code struct {
				Keyword, KeywordColor, CommentColor string
				Scroll, Client                      int
			}
			got := evalIn[code](tb, "code block", `(() => {
				const pre = document.querySelector(".card-back pre.chroma");
				const k = pre && pre.querySelector("code .k"), c1 = pre && pre.querySelector("code .c1");
				return pre && k && c1 ? {Keyword: k.textContent, KeywordColor: getComputedStyle(k).color,
					CommentColor: getComputedStyle(c1).color, Scroll: pre.scrollWidth, Client: pre.clientWidth} : {};
			})()`)
			if got.Keyword != "def" || got.KeywordColor != "rgb(207, 34, 46)" || got.CommentColor == got.KeywordColor {
				t.Errorf("the Python block is not highlighted: %+v", got)
			}
			if got.Scroll <= got.Client {
				t.Errorf("the long line of code fits (%dpx in %dpx): the test wants it to scroll inside the card", got.Scroll, got.Client)
			}
			wantPageFits(tb)
			wantKatexFonts(tb)
			tb.keepScreenshot("back")
			darkScreenshot(tb, "back-dark")

			// The editor previews the card as it is typed.
			tb.do("open the editor",
				chromedp.Navigate(app.URL+"/cards/"+strconv.FormatInt(card.ID, 10)+"/edit"),
				chromedp.WaitVisible(chromedp.CSS("#card-preview")))
			tb.waitFor("the preview typeset", `!!document.querySelector("#card-preview .card-front .katex") && !!document.querySelector("#card-preview pre.chroma .k")`)
			tb.do("type more math",
				chromedp.SendKeys(chromedp.CSS(`textarea[name="front"]`), " Also $x^2$ and `code`."))
			tb.waitFor("the preview updated", `document.querySelectorAll("#card-preview .card-front .katex").length === 2 && !!document.querySelector("#card-preview .card-front code")`)
			wantPageFits(tb)
			tb.keepScreenshot("editor")
			if stored, _ := app.store.GetCard(ctx, uid, card.ID); stored.Front != richCard.Front {
				t.Errorf("the preview saved the card: front %q", stored.Front)
			}
			// Saving is still the form's own post, not the preview's.
			tb.do("save the card",
				chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]:not([name])`)),
				chromedp.WaitVisible(chromedp.CSS(".flash.ok")))
			if stored, _ := app.store.GetCard(ctx, uid, card.ID); !strings.HasPrefix(stored.Front, "Also $x^2$ and `code`.How is") {
				t.Errorf("after saving, the card's front is %q", stored.Front)
			}
			wantNoCSPViolations(tb)
			tb.wantNoConsoleProblems()
		})
	}
}
