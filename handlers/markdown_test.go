package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data"
)

// markdownUser signs up ada and gives her one card in a deck of its own;
// it returns her browser, the card and the review URL of that deck.
func markdownUser(t *testing.T, app *testApp, in data.CardInput) (*browser, data.Card, string) {
	t.Helper()
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	ctx := context.Background()
	u, err := app.store.UserByName(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	deck, err := app.store.CreateDeck(ctx, u.ID, "Rich")
	if err != nil {
		t.Fatal(err)
	}
	in.DeckID = deck.ID
	card, err := app.store.CreateCard(ctx, u.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return b, card, fmt.Sprintf("/review?deck=%d", deck.ID)
}

// TestReviewShowsRenderedCardText: the review page shows the card's
// Markdown as HTML, with math as readable TeX until KaTeX typesets it
// (and where JavaScript is off), and hostile text as text.
func TestReviewShowsRenderedCardText(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, card, review := markdownUser(t, app, data.CardInput{
		Front:     "What is $F_1 = \\frac{2PR}{P+R}$? <script>alert(1)</script>",
		Back:      "```python\nprint(1)\n```\n\n[docs](https://example.com) [bad](javascript:alert(1)) <img src=x onerror=alert(1)>",
		KeyPoints: []string{"**harmonic** mean", "<b>raw</b>"},
	})
	p := b.get(fmt.Sprintf("%s&reveal=%d", review, card.ID))
	wantStatus(t, "review", p, http.StatusOK)
	for _, want := range []string{
		`<span class="math inline">F_1 = \frac{2PR}{P+R}</span>`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<pre class="chroma" tabindex="0"><code><span class="line"><span class="cl"><span class="nb">print</span>`,
		`<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">docs</a> bad &lt;img src=x onerror=alert(1)&gt;`,
		`<li><strong>harmonic</strong> mean</li>`,
		`<li>&lt;b&gt;raw&lt;/b&gt;</li>`,
	} {
		wantBody(t, "rendered card", p, want)
	}
	for _, bad := range []string{"<script>alert", "javascript:", "<img src=x", "<b>raw"} {
		if strings.Contains(p.body, bad) {
			t.Errorf("the review page holds %q", bad)
		}
	}
}

// TestKeyPointsMatchAsPlainText: Markdown in a key point is no word to
// type; coverage is reported and stored by the key point as written.
func TestKeyPointsMatchAsPlainText(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, card, review := markdownUser(t, app, data.CardInput{
		Front: "Why F1?", Back: "It balances both.",
		KeyPoints: []string{"**harmonic** mean", "`precision` and *recall*", "$\\beta$ weighting"},
	})
	b.get(review + "&type=1")
	answer := "The harmonic mean of precision and recall."
	p := b.post("/review/reveal", url.Values{"card_id": {fmt.Sprint(card.ID)}, "answer": {answer}, "filter": {strings.TrimPrefix(review, "/review?")}})
	wantStatus(t, "reveal", p, http.StatusOK)
	wantBody(t, "count", p, "2 of 3 covered")
	wantBody(t, "covered, rendered", p, `class="covered"><span class="mark" aria-hidden="true">✓</span> <strong>harmonic</strong> mean <span`)
	wantBody(t, "covered code", p, `✓</span> <code>precision</code> and <em>recall</em> <span`)
	wantBody(t, "missed math", p, `✗</span> <span class="math inline">\beta</span> weighting <span`)

	p = b.post("/review/grade", url.Values{"card_id": {fmt.Sprint(card.ID)}, "grade": {"3"}, "step": {"0"}, "answer": {answer}})
	wantStatus(t, "grade", p, http.StatusSeeOther)
	u, _ := app.store.UserByName(context.Background(), "ada")
	rep, err := app.store.Mastery(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Categories {
		if c.Slug == card.Category && fmt.Sprint(c.MostMissed) != "[{$\\beta$ weighting 1}]" {
			t.Errorf("stored as missed: %v, want the key point as written", c.MostMissed)
		}
	}
}

// TestCardEditorPreview: the editor previews the card as typed, through
// htmx or, without JavaScript, through its Preview button; neither saves.
func TestCardEditorPreview(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, card, _ := markdownUser(t, app, data.CardInput{Front: "Old **front**", Back: "Old back"})
	edit := fmt.Sprintf("/cards/%d/edit", card.ID)
	p := b.get(edit)
	wantBody(t, "preview of the stored card", p, `<div id="card-preview" aria-live="polite"><article class="card review-card preview-card"><div class="card-front"><div class="card-text md"><p>Old <strong>front</strong></p>`)
	wantBody(t, "live preview", p, `hx-post="/cards/preview" hx-trigger="input changed delay:400ms" hx-target="#card-preview"`)

	form := url.Values{"front": {"New $x^2$"}, "back": {"```go\nx := 1\n```"}, "key_points": {"~~a~~\n\nb"}, "category": {card.Category}, "deck": {fmt.Sprint(card.DeckID)}}
	p = b.post("/cards/preview", form)
	wantStatus(t, "preview", p, http.StatusOK)
	for _, want := range []string{`<span class="math inline">x^2</span>`, `<span class="nx">x</span>`, `<li><del>a</del></li><li>b</li>`} {
		wantBody(t, "preview fragment", p, want)
	}
	if strings.Contains(p.body, "<html") || strings.Contains(p.body, "<form") {
		t.Errorf("the preview is a whole page, not the fragment htmx swaps in:\n%s", p.body)
	}
	if p := b.post("/cards/preview", url.Values{"front": {""}}); !strings.Contains(p.body, "Type a front and a back") {
		t.Errorf("empty preview: %s", p.body)
	}

	// Without JavaScript: the Preview button shows the form again, previewed.
	b.get(edit)
	form.Set("preview", "1")
	p = b.post(fmt.Sprintf("/cards/%d", card.ID), form)
	wantStatus(t, "preview button", p, http.StatusOK)
	wantBody(t, "preview on the edit page", p, `<span class="math inline">x^2</span>`)
	wantBody(t, "the typed text kept", p, `New $x^2$</textarea>`)
	u, _ := app.store.UserByName(context.Background(), "ada")
	if got, _ := app.store.GetCard(context.Background(), u.ID, card.ID); got.Front != "Old **front**" {
		t.Errorf("previewing saved the card: front %q", got.Front)
	}

	// Without JavaScript, a new card too.
	b.get("/cards/new")
	p = b.post("/cards", url.Values{"front": {"**New**"}, "back": {"b"}, "preview": {"1"}})
	wantStatus(t, "new card preview", p, http.StatusOK)
	wantBody(t, "new card preview", p, "<p><strong>New</strong></p>")
	if n, _ := app.store.CountCards(context.Background(), u.ID); n != 1+len(data.BuiltinDeck()) {
		t.Errorf("previewing a new card added it: %d cards", n)
	}
}

// TestCardListShowsPlainText: the list's first line of a card is its text
// without Markdown.
func TestCardListShowsPlainText(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, card, _ := markdownUser(t, app, data.CardInput{Front: "**Why** `F1` over $acc$?\n\nMore.", Back: "b"})
	p := b.get(fmt.Sprintf("/cards?deck=%d", card.DeckID))
	wantBody(t, "plain front", p, ">Why F1 over acc?…</a>")
}

// TestKatexIsServedByUs: KaTeX's stylesheet points at its fonts' hashed
// URLs on this server, and they are served as fonts.
func TestKatexIsServedByUs(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	p := b.get("/login")
	css := regexp.MustCompile(`href="(/static/katex/katex\.min\.[0-9a-f]+\.css)"`).FindStringSubmatch(p.body)
	js := regexp.MustCompile(`src="/static/js/math\.[0-9a-f]+\.js" data-katex="(/static/katex/katex\.min\.[0-9a-f]+\.js)"`).FindStringSubmatch(p.body)
	if css == nil || js == nil {
		t.Fatalf("the layout links no KaTeX stylesheet or script:\n%s", p.body)
	}
	if p := b.get(js[1]); p.status != http.StatusOK || !strings.Contains(p.body, "katex") {
		t.Errorf("KaTeX's script: %d", p.status)
	}
	p = b.get(css[1])
	fonts := regexp.MustCompile(`url\(([^)]+)\)`).FindAllStringSubmatch(p.body, -1)
	if p.status != http.StatusOK || len(fonts) < 20 {
		t.Fatalf("KaTeX's stylesheet: %d, %d fonts", p.status, len(fonts))
	}
	for _, f := range fonts {
		if !regexp.MustCompile(`^/static/katex/fonts/KaTeX_[A-Za-z0-9_-]+\.[0-9a-f]+\.woff2$`).MatchString(f[1]) {
			t.Errorf("KaTeX's stylesheet loads %s, not one of our hashed fonts", f[1])
			continue
		}
		if p := b.get(f[1]); p.status != http.StatusOK || p.header.Get("Content-Type") != "font/woff2" {
			t.Errorf("%s: %d %s", f[1], p.status, p.header.Get("Content-Type"))
		}
	}
}
