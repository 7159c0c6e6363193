package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data"
)

// tagOwner has cards Qacme (company/acme, round/onsite), Qglobex
// (Company/Globex) and Qblog (source/blog), all new; ids in that order.
func tagOwner(t *testing.T, app *testApp, name string) (*browser, data.User, []int64) {
	t.Helper()
	b, u, ids := cardOwner(t, app, name, "Qacme", "Qglobex", "Qblog")
	ctx := context.Background()
	for i, tags := range [][]string{{"company/acme", "round/onsite"}, {"Company/Globex"}, {"source/blog"}} {
		for _, tag := range tags {
			if _, err := app.store.TagCards(ctx, u.ID, ids[i:i+1], tag, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b, u, ids
}

func TestCardFormTakesTags(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := tagOwner(t, app, "ada")

	p := b.get("/cards/new")
	wantBody(t, "new card form", p, `name="tags"`)
	wantBody(t, "suggestions", p, `<option value="company/acme">company/acme (1)</option>`)

	p = b.post("/cards", url.Values{"front": {"F"}, "back": {"B"}, "tags": {"company/acme two//slashes"}})
	wantStatus(t, "bad tag", p, http.StatusBadRequest)
	wantBody(t, "bad tag", p, "The tag &#34;two//slashes&#34; has an empty part")
	wantBody(t, "bad tag kept in the form", p, `value="company/acme two//slashes"`)
	if n, _ := app.store.CountCards(ctx, u.ID); n != 3 {
		t.Fatalf("a refused card was stored: %d cards", n)
	}

	p = b.post("/cards", url.Values{"front": {"Qinitech"}, "back": {"B"}, "tags": {" company/initech,round/phone  company/INITECH "}})
	wantStatus(t, "add card", p, http.StatusSeeOther)
	next := b.get(p.header.Get("Location"))
	wantBody(t, "the next card keeps the tags", next, `value="company/initech round/phone"`)
	cards, _ := app.store.ListCards(ctx, u.ID, data.CardFilter{Tag: "company/initech"})
	if len(cards) != 1 || !slices.Equal(cards[0].Tags, []string{"company/initech", "round/phone"}) {
		t.Fatalf("stored: %+v", cards)
	}
	id := cards[0].ID
	wantBody(t, "edit form", b.get(fmt.Sprintf("/cards/%d/edit", id)), `value="company/initech round/phone"`)
	p = b.post(fmt.Sprintf("/cards/%d", id), url.Values{"front": {"Qinitech"}, "back": {"B"}, "category": {"data-quality"}, "tags": {"round/onsite"}})
	wantStatus(t, "edit tags", p, http.StatusSeeOther)
	if c, _ := app.store.GetCard(ctx, u.ID, id); !slices.Equal(c.Tags, []string{"round/onsite"}) {
		t.Errorf("after the edit: %q", c.Tags)
	}
}

func TestCardBrowserFiltersAndTagsInBulk(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, _, ids := tagOwner(t, app, "ada")

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"tag=company", []string{"Qglobex", "Qacme"}},
		{"tag=company%2F", []string{"Qglobex", "Qacme"}},
		{"tag=COMPANY%2Facme", []string{"Qacme"}},
		{"tag=comp", nil},
		{"tag=two+words", nil}, // no tag can be that: no card, no error
		{"tag=", []string{"Qblog", "Qglobex", "Qacme"}},
	} {
		p := b.get("/cards?" + tc.query)
		wantStatus(t, tc.query, p, http.StatusOK)
		if got := fronts(p); !slices.Equal(got, tc.want) {
			t.Errorf("/cards?%s lists %v, want %v", tc.query, got, tc.want)
		}
	}
	p := b.get("/cards?tag=company")
	wantBody(t, "filter kept", p, `name="tag" value="company"`)
	wantBody(t, "tag on the row", p, `<a class="tag-link" href="/cards?tag=round%2Fonsite">round/onsite</a>`)
	wantBody(t, "study link", p, `href="/review?tag=company"`)
	wantBody(t, "pages keep the filter", p, `name="return" value="/cards?tag=company"`)

	bulk := func(action, tag string, chosen ...int64) page {
		t.Helper()
		form := url.Values{"action": {action}, "tag": {tag}, "return": {"/cards"}}
		for _, id := range chosen {
			form.Add("id", fmt.Sprint(id))
		}
		p := b.post("/cards/bulk", form)
		wantStatus(t, action, p, http.StatusSeeOther)
		return b.get(p.header.Get("Location"))
	}
	wantBody(t, "add", bulk("tag-add", "year/2026", ids[0], ids[2]), "Added the tag year/2026 to 2 cards.")
	if got := fronts(b.get("/cards?tag=year")); !slices.Equal(got, []string{"Qblog", "Qacme"}) {
		t.Errorf("tagged year: %v", got)
	}
	wantBody(t, "remove", bulk("tag-remove", "company", ids[0], ids[1], ids[2]), "Took the tag company (and the tags under it) off 2 cards.")
	if got := fronts(b.get("/cards?tag=company")); len(got) != 0 {
		t.Errorf("still tagged company: %v", got)
	}
	wantBody(t, "bad tag", bulk("tag-add", "a b", ids[0]), "has a space in it")
	wantBody(t, "no tag", bulk("tag-add", "", ids[0]), "Type the tag to add or remove")
	if got := fronts(b.get("/cards?tag=a")); len(got) != 0 {
		t.Errorf("a refused tag was stored: %v", got)
	}
}

func TestReviewAndPracticeByTag(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, _, _ := tagOwner(t, app, "ada")

	p := b.get("/review?tag=company")
	wantStatus(t, "review by tag", p, http.StatusOK)
	wantBody(t, "review by tag", p, "Tag: company")
	if strings.Contains(p.body, "Qblog") || !strings.Contains(p.body, "Qacme") && !strings.Contains(p.body, "Qglobex") {
		t.Errorf("the company review shows another card:\n%.2000s", p.body)
	}
	wantBody(t, "the undo form keeps the tag", p, `name="filter" value="tag=company"`)
	wantBody(t, "Show answer keeps the tag", p, `<input type="hidden" name="tag" value="company">`)
	p = b.get("/review?tag=source")
	if !strings.Contains(p.body, "Qblog") {
		t.Errorf("the source review does not show Qblog")
	}
	// The card shows its tags, each a way to study that tag.
	wantBody(t, "the card's tag on review", p, `<a class="tag-link" href="/review?tag=source%2Fblog">source/blog</a>`)
	p = b.get("/review?tag=a//b")
	wantStatus(t, "bad tag", p, http.StatusBadRequest)
	wantBody(t, "bad tag", p, "empty part")

	p = b.get("/practice?tag=round")
	wantStatus(t, "practice by tag", p, http.StatusOK)
	if !strings.Contains(p.body, "Qacme") {
		t.Errorf("practice of round does not show Qacme")
	}
	wantBody(t, "the card's tag on practice", p, `<a class="tag-link" href="/practice?tag=round%2Fonsite">round/onsite</a>`)
}

func TestAPITags(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, _, _ := tagOwner(t, app, "ada")
	token := b.mintToken("cli")

	status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/cards?tag=company", token, "")
	if status != http.StatusOK {
		t.Fatalf("GET /cards?tag=company: %d %v", status, body)
	}
	cards := body["cards"].([]any)
	var got []string
	for _, c := range cards {
		m := c.(map[string]any)
		got = append(got, fmt.Sprint(m["front"], " ", m["tags"]))
	}
	if want := []string{"Qglobex [Company/Globex]", "Qacme [company/acme round/onsite]"}; !slices.Equal(got, want) {
		t.Errorf("cards by tag: %q, want %q", got, want)
	}
	status, body, _ = apiCall(t, app, http.MethodGet, "/api/v1/cards?tag=%20a%20b", token, "")
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), "space") {
		t.Errorf("a bad tag: %d %v", status, body)
	}
	status, body, _ = apiCall(t, app, http.MethodGet, "/api/v1/review/next?tag=source", token, "")
	if card, _ := body["card"].(map[string]any); status != http.StatusOK || card["front"] != "Qblog" || fmt.Sprint(card["tags"]) != "[source/blog]" {
		t.Errorf("next by tag: %d %v", status, body)
	}
	status, body, _ = apiCall(t, app, http.MethodGet, "/api/v1/tags", token, "")
	if status != http.StatusOK || fmt.Sprint(body["tags"]) != "[map[cards:1 tag:company/acme] map[cards:1 tag:Company/Globex] map[cards:1 tag:round/onsite] map[cards:1 tag:source/blog]]" {
		t.Errorf("tags: %d %v", status, body)
	}
}
