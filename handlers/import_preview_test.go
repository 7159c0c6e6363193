package handlers

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/internal/testkit"
)

// uploadAndConfirm uploads a document, then confirms its preview into a
// new deck named after it, leaving out close matches: what a user does
// who clicks Import twice.
func (b *browser) uploadAndConfirm(fields map[string]string, fileName string, content []byte) page {
	b.t.Helper()
	return b.confirm(b.uploadForm("/import", fields, fileName, content), nil)
}

// confirm follows an upload to its preview and confirms it with the
// preview's choices, changed by extra. An upload that was refused is
// returned as it is.
func (b *browser) confirm(upload page, extra url.Values) page {
	b.t.Helper()
	loc := upload.header.Get("Location")
	if upload.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/import/preview/") {
		return upload
	}
	pv := b.get(loc)
	wantStatus(b.t, "preview", pv, http.StatusOK)
	form := hiddenFields(pv.body, "confirm-import")
	form.Set("deck", "new")
	form.Set("deck_name", inputValue(pv.body, "deck_name"))
	if strings.Contains(pv.body, `name="deck" value="existing" checked`) {
		form.Set("deck", "existing")
		form.Set("deck_id", selectedOption(pv.body, "deck_id"))
	}
	if strings.Contains(pv.body, `name="skip_close"`) {
		form.Set("skip_close", "1")
	}
	for k, v := range extra {
		form[k] = v
	}
	path, _, _ := strings.Cut(loc, "?")
	return b.post(path, form)
}

// hiddenFields reads the hidden inputs of the form with the class.
func hiddenFields(body, class string) url.Values {
	v := url.Values{}
	i := strings.Index(body, `class="stack `+class+`"`)
	if i < 0 {
		return v
	}
	form, _, _ := strings.Cut(body[i:], "</form>")
	for _, m := range hiddenInputRe.FindAllStringSubmatch(form, -1) {
		if m[1] != "csrf" {
			v.Set(m[1], m[2])
		}
	}
	return v
}

func inputValue(body, name string) string {
	_, rest, ok := strings.Cut(body, `name="`+name+`" value="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return html.UnescapeString(v)
}

// selectedOption is the value of the select's selected option.
func selectedOption(body, name string) string {
	_, rest, ok := strings.Cut(body, `<select name="`+name+`"`)
	if !ok {
		return ""
	}
	sel, _, _ := strings.Cut(rest, "</select>")
	m := selectedOptionRe.FindStringSubmatch(sel)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

var selectedOptionRe = regexp.MustCompile(`<option value="([^"]*)" selected`)

var hiddenInputRe = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

// The seed write-up, imported after the built-in deck made from it, is
// previewed as 14 close matches, and confirmed with them left out it
// adds none of them.
func TestImportPreviewSeedAfterBuiltinDeck(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	if _, err := app.store.AddBuiltinDeck(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	before, _ := app.store.CountCards(ctx, u.ID)
	seed, err := os.ReadFile("/work/shared/seeds/ml-interview-mistakes.txt")
	if err != nil {
		t.Skip("the seed write-up is not on this machine:", err)
	}
	b.get("/import")
	up := b.uploadForm("/import", nil, "ml-interview-mistakes.txt", seed)
	wantStatus(t, "upload", up, http.StatusSeeOther)
	pv := b.get(up.header.Get("Location"))
	for _, want := range []string{
		"Found 14 cards", "<strong>14</strong> closely match cards you have",
		`name="skip_close" value="1" checked`, "Made from the same question as",
		`name="deck_name" value="ml-interview-mistakes"`,
	} {
		wantBody(t, "seed preview", pv, want)
	}
	if n, _ := app.store.CountCards(ctx, u.ID); n != before {
		t.Fatalf("the preview stored cards: %d, want %d", n, before)
	}
	p := b.confirm(up, nil)
	wantStatus(t, "confirm", p, http.StatusSeeOther)
	if loc := p.header.Get("Location"); loc != "/import" {
		t.Errorf("after importing nothing, redirect to %q, want /import", loc)
	}
	wantBody(t, "after confirm", b.get(p.header.Get("Location")), "Nothing imported: all 14 cards closely match cards you have.")
	if decks, _ := app.store.ListDecks(ctx, u.ID); len(decks) != 1 {
		t.Errorf("importing nothing made a deck: %+v", decks)
	}
	if n, _ := app.store.CountCards(ctx, u.ID); n != before {
		t.Errorf("%d cards after the import with close matches left out, want %d", n, before)
	}
}

// A preview id that is another user's, expired or made up shows a clear
// error and stores nothing; confirming twice, even at once, imports once.
func TestImportPreviewOwnerExpiryAndDoubleConfirm(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	ada, adaU, _ := cardOwner(t, app, "ada")
	bob, bobU, _ := cardOwner(t, app, "bob")
	sample := testkit.Fixture(t, "qa-sample.txt")
	ada.get("/import")
	up := ada.uploadForm("/import", nil, "qa-sample.txt", sample)
	loc := up.header.Get("Location")
	path, _, _ := strings.Cut(loc, "?")

	bob.get("/import")
	for _, p := range []page{bob.get(loc), bob.post(path, url.Values{"deck": {"new"}, "deck_name": {"stolen"}}),
		ada.get("/import/preview/0123456789abcdef0123456789abcdef")} {
		wantStatus(t, "foreign or unknown preview", p, http.StatusNotFound)
		wantBody(t, "foreign or unknown preview", p, "This preview has expired or is not yours. Upload the file again.")
	}
	if n, _ := app.store.CountCards(ctx, bobU.ID); n != 0 {
		t.Fatalf("bob's confirmation stored %d cards", n)
	}

	// Two confirmations at once: one import, the same answer to both.
	ada.get(loc)
	form := hiddenFields(ada.get(loc).body, "confirm-import")
	form.Set("deck", "new")
	form.Set("deck_name", "Twice")
	form.Set("csrf", ada.csrf)
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := ada.c.Do(req)
			if err == nil {
				statuses[i] = resp.StatusCode
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if statuses[0] != http.StatusSeeOther || statuses[1] != http.StatusSeeOther {
		t.Errorf("double confirm answered %v", statuses)
	}
	if n, _ := app.store.CountCards(ctx, adaU.ID); n != 5 {
		t.Errorf("%d cards after a double confirm, want 5", n)
	}
	decks, _ := app.store.ListDecks(ctx, adaU.ID)
	if len(decks) != 1 || decks[0].Name != "Twice" || decks[0].Cards != 5 {
		t.Errorf("decks after a double confirm: %+v", decks)
	}
}

// The preview lists each category with its count, marking the ones the
// import would create; the cards the user has as "already there"; and the
// questions it skips, with their lines. It stores nothing.
func TestImportPreviewShowsCategoriesDuplicatesAndSkipped(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	b.get("/import")
	indexes := "## Indexes\n\n**What does a B-tree index speed up?**\n\nLookups by key and range scans.\n\n" +
		"**What is a covering index?**\n\nAn index that holds every column a query reads.\n\n"
	first := indexes + "## Joins\n\n**What is a hash join?**\n\nOne side is hashed, the other probes it.\n"
	wantStatus(t, "first import", b.uploadAndConfirm(nil, "indexes.md", []byte(first)), http.StatusSeeOther)
	before, _ := app.store.CountCards(ctx, u.ID)

	doc := indexes + "**Why does a UUID key slow inserts down?**\n\nRandom keys land on random pages of the index.\n\n" +
		"## Cache design\n\n**What is a cache stampede?**\n\nMany clients miss one key at once and all rebuild it.\n\n" +
		"**What is write-through caching?**\n\nTODO\n"
	b.get("/import")
	up := b.uploadForm("/import", nil, "more.md", []byte(doc))
	wantStatus(t, "upload", up, http.StatusSeeOther)
	pv := b.get(up.header.Get("Location"))
	wantStatus(t, "preview", pv, http.StatusOK)
	for _, want := range []string{
		"Found 4 cards", "<strong>2</strong> new", "<strong>2</strong> already there",
		`<li>Indexes <span class="muted">(3 cards)</span> </li>`,
		`<li>Cache design <span class="muted">(1 card)</span> <span class="badge new-category">new category</span></li>`,
		"What does a B-tree index speed up?</span>", `<span class="badge status">already there</span>`,
		"What is a cache stampede?</span>", "Skipped questions",
		`<span class="line">Line 21:</span> “What is write-through caching?”: a placeholder`,
	} {
		wantBody(t, "preview", pv, want)
	}
	if n, _ := app.store.CountCards(ctx, u.ID); n != before {
		t.Errorf("the preview stored cards: %d, want %d", n, before)
	}
	cats, _ := app.store.ListCategories(ctx, u.ID)
	for _, c := range cats {
		if c.Slug == "cache-design" {
			t.Errorf("the preview made the category %+v", c)
		}
	}
}

// Preview again with other columns reads the table with them: front and
// back swapped show the back's text as the front, and the import takes
// them as previewed.
func TestImportPreviewCardTableMapping(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	csv := "question,answer,topic\nWhat is a B-tree?,A balanced search tree.,Trees\nWhat is a heap?,A tree with the smallest key on top.,Trees\n"
	b.get("/import")
	up := b.uploadForm("/import", nil, "trees.csv", []byte(csv))
	wantStatus(t, "upload", up, http.StatusSeeOther)
	loc := up.header.Get("Location")
	pv := b.get(loc)
	for _, want := range []string{
		`<select name="front"><option value="0" selected>Column 1: question</option>`,
		`<select name="back"><option value="0">Column 1: question</option><option value="1" selected>`,
		`<span class="front">What is a B-tree?</span>`,
	} {
		wantBody(t, "first preview", pv, want)
	}

	path, _, _ := strings.Cut(loc, "?")
	again := b.get(path + "?front=1&back=0&catcol=2&kpcol=-1&header=1")
	wantStatus(t, "preview again", again, http.StatusOK)
	for _, want := range []string{
		`<span class="front">A balanced search tree.</span>`, `<span class="front">A tree with the smallest key on top.</span>`,
		`<select name="front"><option value="0">Column 1: question</option><option value="1" selected>Column 2: answer</option>`,
		`<select name="catcol"><option value="-1">None</option> <option value="0">Column 1: question</option><option value="1">Column 2: answer</option><option value="2" selected>`,
		`<li>Trees <span class="muted">(2 cards)</span> <span class="badge new-category">new category</span></li>`,
		`<input type="hidden" name="front" value="1">`, `<input type="hidden" name="back" value="0">`,
	} {
		wantBody(t, "swapped preview", again, want)
	}
	if strings.Contains(again.body, `<span class="front">What is a B-tree?</span>`) {
		t.Errorf("the swapped preview still shows the question as the front")
	}
	// An address without a tags column has none; one that names it
	// keeps it, in the list and in the confirmation.
	wantBody(t, "no tags column", again, `<select name="tagcol"><option value="-1" selected>None</option>`)
	wantBody(t, "no tags column", again, `<input type="hidden" name="tagcol" value="-1">`)
	tagged := b.get(path + "?front=0&back=1&catcol=-1&kpcol=-1&tagcol=2&header=1")
	wantStatus(t, "a tags column", tagged, http.StatusOK)
	wantBody(t, "a tags column", tagged, `<option value="2" selected>Column 3: topic</option></select>`)
	wantBody(t, "a tags column", tagged, `<input type="hidden" name="tagcol" value="2">`)

	// A column the table lacks is refused on the page, which falls back
	// to the columns it found.
	bad := b.get(path + "?front=7&back=0&catcol=-1&kpcol=-1")
	wantStatus(t, "a column out of range", bad, http.StatusOK)
	wantBody(t, "a column out of range", bad, `role="alert"`)
	wantBody(t, "a column out of range", bad, `<span class="front">What is a B-tree?</span>`)

	// Confirmed, the cards are stored as previewed.
	form := hiddenFields(again.body, "confirm-import")
	form.Set("deck", "new")
	form.Set("deck_name", "Swapped")
	wantStatus(t, "confirm", b.post(path, form), http.StatusSeeOther)
	cards, _ := app.store.ListCards(ctx, u.ID, data.CardFilter{Query: "balanced"})
	if len(cards) != 1 || cards[0].Front != "A balanced search tree." || cards[0].Deck != "Swapped" || cards[0].Category != "trees" {
		t.Errorf("the swapped card: %+v", cards)
	}

}

// Confirmed into an existing deck, the cards join it; a new deck named
// like an existing one is refused and nothing is stored.
func TestImportPreviewIntoExistingDeck(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada", "What is a null rate?")
	decks, _ := app.store.ListDecks(ctx, u.ID)
	if len(decks) != 1 {
		t.Fatalf("decks: %+v", decks)
	}
	mine := decks[0]
	b.get("/import")
	up := b.uploadForm("/import", nil, "qa-sample.txt", testkit.Fixture(t, "qa-sample.txt"))
	loc := up.header.Get("Location")
	path, _, _ := strings.Cut(loc, "?")
	pv := b.get(loc)
	wantBody(t, "preview", pv, `<option value="`+strconv.FormatInt(mine.ID, 10)+`">Mine</option>`)

	form := hiddenFields(pv.body, "confirm-import")
	form.Set("deck", "new")
	form.Set("deck_name", "Mine")
	p := b.post(path, form)
	wantStatus(t, "a new deck named like one of mine", p, http.StatusBadRequest)
	wantBody(t, "a new deck named like one of mine", p, "A deck named “Mine” exists; choose it from the list or pick another name.")
	wantBody(t, "the choice kept", p, `name="deck_name" value="Mine"`)
	if n, _ := app.store.CountCards(ctx, u.ID); n != 1 {
		t.Fatalf("a refused confirmation stored cards: %d", n)
	}

	form.Set("deck", "existing")
	form.Set("deck_id", strconv.FormatInt(mine.ID, 10))
	p = b.post(path, form)
	wantStatus(t, "into my deck", p, http.StatusSeeOther)
	wantBody(t, "into my deck", b.get(p.header.Get("Location")), "5 added, 0 already there, in the deck &#34;Mine&#34;.")
	decks, _ = app.store.ListDecks(ctx, u.ID)
	if len(decks) != 1 || decks[0].Cards != 6 {
		t.Errorf("decks after importing into mine: %+v", decks)
	}

	// The same file again: the deck named after it is chosen, and the
	// new deck's name offered is free.
	// (Q9: the sample's Q1 would be a close match, made from the same question.)
	wantStatus(t, "into qa-sample", b.uploadAndConfirm(nil, "qa-sample.txt", []byte("Q9. What is drift?\nAns: The data changes.\n")), http.StatusSeeOther)
	b.get("/import")
	up = b.uploadForm("/import", nil, "qa-sample.txt", testkit.Fixture(t, "qa-sample.txt"))
	pv = b.get(up.header.Get("Location"))
	for _, want := range []string{
		"You have a deck named “qa-sample”: it is chosen", `name="deck" value="existing" checked`,
		`name="deck_name" value="qa-sample 2"`, `selected>qa-sample</option>`,
	} {
		wantBody(t, "the file's deck exists", pv, want)
	}
}

// A pending preview lives an hour: past it, the preview and its
// confirmation say it has expired, and nothing is stored.
func TestImportPreviewExpires(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	b.get("/import")
	up := b.uploadForm("/import", nil, "qa-sample.txt", testkit.Fixture(t, "qa-sample.txt"))
	loc := up.header.Get("Location")
	path, _, _ := strings.Cut(loc, "?")
	pv := b.get(loc)
	wantStatus(t, "preview", pv, http.StatusOK)
	form := hiddenFields(pv.body, "confirm-import")
	form.Set("deck", "new")
	form.Set("deck_name", "Late")

	app.clock.Advance(data.PendingImportTTL)
	for what, p := range map[string]page{"preview": b.get(loc), "confirm": b.post(path, form)} {
		wantStatus(t, "an hour later, "+what, p, http.StatusNotFound)
		wantBody(t, "an hour later, "+what, p, "This preview has expired or is not yours. Upload the file again.")
	}
	if n, _ := app.store.CountCards(ctx, u.ID); n != 0 {
		t.Errorf("an expired preview stored %d cards", n)
	}
}
