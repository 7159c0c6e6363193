package handlers

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
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
	sample := readFixture(t, "qa-sample.txt")
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
