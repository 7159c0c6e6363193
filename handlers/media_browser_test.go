package handlers

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
)

// chartPNG is a picture a person would put on a card: a w×h chart with
// axes, a diagonal and a curve above it, in colour c.
func chartPNG(t *testing.T, w, h int, c color.NRGBA) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for x := range w {
		img.Set(x, h-10, color.Black)
		y := h - 10 - (x*(h-20))/w
		img.Set(x, y, color.Gray{Y: 150})
		// A concave curve: sqrt-like, as a good classifier's ROC.
		f := float64(x) / float64(w)
		cy := h - 10 - int(float64(h-20)*(1-(1-f)*(1-f)))
		for d := -2; d <= 2; d++ {
			img.Set(x, cy+d, c)
		}
	}
	for y := range h {
		img.Set(10, y, color.Black)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBrowserCardImages: on a desktop and on a phone, a person adds an
// image to the front with the file picker and one to the back by pasting
// it (and drops one more), sees them in the preview, saves the card, and sees them on the
// review page, within the card's width. The page's CSP lets the images
// load and nothing is logged.
func TestBrowserCardImages(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			tb := newTab(t, browserCtx, vp)
			tb.do("watch for CSP violations", cspWatch())
			uid := signUpInBrowser(tb, app, "ada", "Europe/Berlin")
			ctx := context.Background()
			deck, err := app.store.CreateDeck(ctx, uid, "Diagrams")
			if err != nil {
				t.Fatal(err)
			}
			picked := filepath.Join(t.TempDir(), "roc curve.png")
			if err := os.WriteFile(picked, chartPNG(t, 640, 400, color.NRGBA{20, 110, 220, 255}), 0o600); err != nil {
				t.Fatal(err)
			}
			pasted := base64.StdEncoding.EncodeToString(chartPNG(t, 480, 300, color.NRGBA{220, 60, 40, 255}))

			tb.do("open the new-card form",
				chromedp.Navigate(app.URL+"/cards/new"),
				chromedp.WaitVisible(chromedp.CSS(`[data-media-upload]`)))
			tb.do("write the front and pick an image",
				chromedp.SendKeys(chromedp.CSS(`textarea[name="front"]`), "Which curve is this?"),
				chromedp.SetUploadFiles(chromedp.CSS(`input[data-media-input]`), []string{picked}))
			tb.waitFor("the picked image's Markdown in the front", `/!\[roc curve\]\(\/media\/[0-9a-f]{64}\.png\)/.test(document.querySelector('textarea[name="front"]').value)`)

			tb.do("write the back and paste an image",
				chromedp.SendKeys(chromedp.CSS(`textarea[name="back"]`), "A good ROC curve, above the diagonal:"),
				chromedp.Evaluate[chromedp.Void](`(() => {
					const bytes = Uint8Array.from(atob("`+pasted+`"), c => c.charCodeAt(0));
					const dt = new DataTransfer();
					dt.items.add(new File([bytes], "image.png", {type: "image/png"}));
					const area = document.querySelector('textarea[name="back"]');
					area.focus();
					area.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
				})()`))
			tb.waitFor("the pasted image's Markdown in the back", `/A good ROC curve, above the diagonal:\n!\[image\]\(\/media\/[0-9a-f]{64}\.png\)/.test(document.querySelector('textarea[name="back"]').value)`)
			if got := tb.text("[data-media-status]"); got != "Added image.png." {
				t.Errorf("the upload says %q", got)
			}
			// A third, dropped on the back's end: the same image as the
			// pasted one, so it shows twice and is stored once.
			tb.do("drop an image on the back", chromedp.Evaluate[chromedp.Void](`(() => {
					const bytes = Uint8Array.from(atob("`+pasted+`"), c => c.charCodeAt(0));
					const dt = new DataTransfer();
					dt.items.add(new File([bytes], "dropped.png", {type: "image/png"}));
					const area = document.querySelector('textarea[name="back"]');
					area.setSelectionRange(area.value.length, area.value.length);
					area.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
					area.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
				})()`))
			tb.waitFor("the dropped image's Markdown in the back", `/\n!\[dropped\]\(\/media\/[0-9a-f]{64}\.png\)$/.test(document.querySelector('textarea[name="back"]').value)`)
			tb.waitFor("the images in the preview", `Array.from(document.querySelectorAll("#card-preview img.card-image")).filter(i => i.complete && i.naturalWidth > 0).length === 3`)
			if u, _ := app.store.MediaUsage(ctx, uid); u.Files != 2 {
				t.Errorf("%d images stored, want 2 (the dropped one is the pasted one)", u.Files)
			}
			tb.keepScreenshot("form")

			tb.do("choose the deck and add the card",
				chromedp.SetValue(chromedp.CSS(`select[name="deck"]`), strconv.FormatInt(deck.ID, 10)),
				chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]:not([name])`)),
				chromedp.WaitVisible(chromedp.CSS(".flash.ok")))
			cards, err := app.store.ListCards(ctx, uid, data.CardFilter{DeckID: deck.ID})
			if err != nil || len(cards) != 1 {
				t.Fatalf("cards after adding: %d, %v", len(cards), err)
			}
			if !strings.Contains(cards[0].Front, "](/media/") || !strings.Contains(cards[0].Back, "](/media/") {
				t.Fatalf("the saved card: front %q, back %q", cards[0].Front, cards[0].Back)
			}

			tb.do("open the review",
				chromedp.Navigate(app.URL+"/review?deck="+strconv.FormatInt(deck.ID, 10)),
				chromedp.WaitVisible(chromedp.CSS("#show-answer")))
			tb.waitFor("the front's image loaded", `(() => { const i = document.querySelector(".card-front img.card-image"); return !!i && i.complete && i.naturalWidth === 640; })()`)
			wantImagesWithinCard(tb, ".card-front")
			wantPageFits(tb)
			tb.saveScreenshot("review-front")
			reviewer{tb: tb, app: app}.showAnswer()
			tb.waitFor("the back's image loaded", `(() => { const i = document.querySelector(".card-back img.card-image"); return !!i && i.complete && i.naturalWidth === 480; })()`)
			if alt := evalIn[string](tb, "alt text", `document.querySelector(".card-front img.card-image").alt`); alt != "roc curve" {
				t.Errorf("the front image's alt text is %q", alt)
			}
			wantImagesWithinCard(tb, ".card-back")
			wantPageFits(tb)
			tb.saveScreenshot("review-back")
			wantNoCSPViolations(tb)
			tb.wantNoConsoleProblems()

			// A file that is no image is refused in words, and the text stays.
			fake := filepath.Join(t.TempDir(), "notes.png")
			if err := os.WriteFile(fake, []byte("just some notes"), 0o600); err != nil {
				t.Fatal(err)
			}
			// (The browser logs the 400 as a console error: this comes last.)
			tb.do("open the new-card form again",
				chromedp.Navigate(app.URL+"/cards/new"),
				chromedp.WaitVisible(chromedp.CSS(`[data-media-upload]`)),
				chromedp.SendKeys(chromedp.CSS(`textarea[name="back"]`), "Some text"))
			before := evalIn[string](tb, "the back", `document.querySelector('textarea[name="back"]').value`)
			tb.do("pick a file that is no image", chromedp.SetUploadFiles(chromedp.CSS(`input[data-media-input]`), []string{fake}))
			tb.waitFor("the refusal", `document.querySelector("[data-media-status]").classList.contains("error")`)
			if got := tb.text("[data-media-status]"); got != `The image "notes.png" is not a PNG, JPEG, GIF, WebP or SVG image.` {
				t.Errorf("the refusal says %q", got)
			}
			if after := evalIn[string](tb, "the back", `document.querySelector('textarea[name="back"]').value`); after != before {
				t.Errorf("a refused upload changed the back: %q", after)
			}
		})
	}
}

// wantImagesWithinCard fails when an image is wider than the card side
// that holds it (a phone would cut it off or scroll).
func wantImagesWithinCard(tb *tab, side string) {
	tb.t.Helper()
	type fit struct{ Image, Side float64 }
	f := evalIn[fit](tb, "image width", `(() => {
		const s = document.querySelector("`+side+`"), i = s.querySelector("img.card-image");
		return {Image: i.getBoundingClientRect().width, Side: s.getBoundingClientRect().width};
	})()`)
	if f.Image <= 0 || f.Image > f.Side {
		tb.t.Errorf("%s: the image in %s is %.0fpx wide in a %.0fpx side", tb.vp.name, side, f.Image, f.Side)
	}
}

// TestBrowserSVGScriptDoesNotRun: an SVG whose script would set the title
// is kept as the user's image; opened at its own URL it shows, and its script does not run; on
// the card, as an <img>, neither.
func TestBrowserSVGScriptDoesNotRun(t *testing.T) {
	browserCtx := startChromium(t)
	app := newTestApp(t, openSignup())
	tb := newTab(t, browserCtx, journeyViewports[0])
	uid := signUpInBrowser(tb, app, "ada", "Europe/Berlin")
	ctx := context.Background()
	m, err := app.store.AddMedia(ctx, uid, "chart.svg", []byte(scriptSVG))
	if err != nil {
		t.Fatal(err)
	}
	deck, err := app.store.CreateDeck(ctx, uid, "SVG")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.CreateCard(ctx, uid, data.CardInput{Front: "Chart: " + m.Markdown(), Back: "b", DeckID: deck.ID}); err != nil {
		t.Fatal(err)
	}

	tb.do("open the SVG at its URL", chromedp.Navigate(app.URL+m.URL()))
	tb.do("let it load", chromedp.WaitReady(chromedp.CSS("rect")))
	type doc struct {
		Root, Title string
	}
	d := evalIn[doc](tb, "the SVG document", `({Root: document.documentElement.tagName, Title: document.title})`)
	if d.Root != "svg" {
		t.Fatalf("the image URL shows a %q document, not the SVG", d.Root)
	}
	if d.Title == "svg-ran" {
		t.Error("the SVG's script ran when its URL was opened")
	}

	tb.do("open the review", chromedp.Navigate(app.URL+"/review?deck="+strconv.FormatInt(deck.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS("#show-answer")))
	tb.waitFor("the SVG shown on the card", `(() => { const i = document.querySelector(".card-front img.card-image"); return !!i && i.complete && i.naturalWidth === 120; })()`)
	if title := evalIn[string](tb, "page title", `document.title`); strings.Contains(title, "svg-ran") {
		t.Error("the SVG's script ran on the review page")
	}
	if n := evalIn[int](tb, "inline svg", `document.querySelectorAll(".card-front svg, .card-front script").length`); n != 0 {
		t.Errorf("the SVG is inline in the page (%d elements)", n)
	}
}

// TestBrowserApkgWithImagesRoundTrip: an Anki package with an image is
// imported through the import page, its card shows the image on review,
// the account's .apkg export carries it, and importing that export into
// another account shows the same image there.
func TestBrowserApkgWithImagesRoundTrip(t *testing.T) {
	browserCtx := startChromium(t)
	app := newTestApp(t, openSignup())
	ctx := context.Background()

	// The first package, as an Anki user would bring it: made by an
	// account elsewhere with a picture on a card.
	src, err := app.store.CreateUser(ctx, "elsewhere", "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	pic := chartPNG(t, 560, 320, color.NRGBA{120, 40, 200, 255})
	m, err := app.store.AddMedia(ctx, src.ID, "confusion.png", pic)
	if err != nil {
		t.Fatal(err)
	}
	deck, err := app.store.CreateDeck(ctx, src.ID, "Diagrams")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.CreateCard(ctx, src.ID, data.CardInput{Front: "Read this chart:\n\n" + m.Markdown(), Back: "Precision falls as recall rises.", DeckID: deck.ID}); err != nil {
		t.Fatal(err)
	}
	var pkg bytes.Buffer
	if err := app.store.ExportApkg(ctx, src.ID, &pkg); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(t.TempDir(), "diagrams.apkg")
	if err := os.WriteFile(first, pkg.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	// importAndReview imports a package on the import page and reviews the
	// deck it made, as the user signed in on tb.
	importAndReview := func(tb *tab, file, label string) {
		tb.t.Helper()
		tb.open(app, "/import")
		tb.do("import "+filepath.Base(file),
			chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{file}),
			chromedp.Click(chromedp.CSS(`form[action="/import"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(".flash.ok")))
		if msg := tb.text(".flash.ok"); !strings.Contains(msg, "1 added") || !strings.Contains(msg, "1 image kept") {
			t.Errorf("%s: the import says %q", label, msg)
		}
		deckURL := evalIn[string](tb, "deck URL", `location.search`)
		tb.do("review the imported deck", chromedp.Navigate(app.URL+"/review"+deckURL),
			chromedp.WaitVisible(chromedp.CSS("#show-answer")))
		tb.waitFor("the image on the card", `(() => { const i = document.querySelector(".card-front img.card-image"); return !!i && i.complete && i.naturalWidth === 560; })()`)
		wantImagesWithinCard(tb, ".card-front")
		tb.saveScreenshot(label)
		wantNoCSPViolations(tb)
	}

	ada := newTab(t, browserCtx, journeyViewports[0])
	ada.do("watch for CSP violations", cspWatch())
	signUpInBrowser(ada, app, "ada", "Europe/Berlin")
	importAndReview(ada, first, "ada-review")

	// The account's export, fetched as the export page's link does.
	exported := awaitIn[string](ada, "download the .apkg export", `fetch("/export.apkg").then(r => r.arrayBuffer()).then(b => {
		let s = ""; const u = new Uint8Array(b);
		for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
		return btoa(s);
	})`)
	raw, err := base64.StdEncoding.DecodeString(exported)
	if err != nil || len(raw) < 4 || string(raw[:2]) != "PK" {
		t.Fatalf("the export is not a zip (%d bytes, %v)", len(raw), err)
	}
	again := filepath.Join(t.TempDir(), "ada.apkg")
	if err := os.WriteFile(again, raw, 0o600); err != nil {
		t.Fatal(err)
	}

	bob := newTab(t, browserCtx, journeyViewports[1])
	bob.do("watch for CSP violations", cspWatch())
	bobID := signUpInBrowser(bob, app, "bob", "Europe/Berlin")
	importAndReview(bob, again, "bob-review")
	if _, got, err := app.store.MediaFile(ctx, bobID, m.Hash); err != nil || !bytes.Equal(got, pic) {
		t.Errorf("bob's image after the round trip: %v (same bytes: %v)", err, bytes.Equal(got, pic))
	}
	ada.wantNoConsoleProblems()
	bob.wantNoConsoleProblems()
}

// awaitIn evaluates an expression whose value is a promise and returns
// what it resolves to.
func awaitIn[T any](tb *tab, what, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	return v
}
