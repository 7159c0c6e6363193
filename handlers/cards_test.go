package handlers

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/srs"
)

// cardOwner makes a user without the built-in deck, logged in in a new
// browser, with the given cards in a deck "Mine"; it returns their ids.
func cardOwner(t *testing.T, app *testApp, name string, fronts ...string) (*browser, data.User, []int64) {
	t.Helper()
	ctx := context.Background()
	u, err := app.store.CreateUser(ctx, name, "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if len(fronts) > 0 {
		drafts := make([]data.CardDraft, len(fronts))
		for i, f := range fronts {
			drafts[i] = data.CardDraft{Key: fmt.Sprintf("test:%d", i), Front: f, Back: "Answer to " + f, Category: "data-quality"}
		}
		if _, err := app.store.ImportDrafts(ctx, u.ID, "Mine", drafts, nil); err != nil {
			t.Fatal(err)
		}
		cards, err := app.store.ListCards(ctx, u.ID, data.CardFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for i := len(cards) - 1; i >= 0; i-- { // oldest first, as given
			ids = append(ids, cards[i].ID)
		}
	}
	b := newBrowser(t, app)
	wantStatus(t, "log-in of "+name, b.login(name, "correct horse"), http.StatusSeeOther)
	return b, u, ids
}

func cardPath(id int64, rest string) string { return fmt.Sprintf("/cards/%d%s", id, rest) }

func wantNoBody(t *testing.T, what string, p page, substr string) {
	t.Helper()
	if strings.Contains(p.body, substr) {
		t.Fatalf("%s: page has %q\n%.800s", what, substr, p.body)
	}
}

func TestCardsNeedLogin(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	for _, path := range []string{"/cards", "/cards/new", "/cards/1/edit", "/decks", "/categories", "/import"} {
		p := b.get(path)
		wantStatus(t, path, p, http.StatusSeeOther)
		if loc := p.header.Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("%s redirects to %q", path, loc)
		}
	}
}

func TestCardAddEditSuspendDelete(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")

	wantBody(t, "empty list", b.get("/cards"), "You have no cards yet")
	form := b.get("/cards/new")
	wantStatus(t, "new card form", form, http.StatusOK)
	wantBody(t, "new card form", form, `name="csrf"`)
	wantBody(t, "new card form", form, `<option value="data-quality">Data quality</option>`)

	// A refused card comes back with what was typed and the reason.
	p := b.post("/cards", url.Values{"front": {"What is a baseline?"}, "back": {"   "}, "category": {"overcomplicating"}, "key_points": {"simple model\nfirst"}})
	wantStatus(t, "card without back", p, http.StatusBadRequest)
	wantBody(t, "card without back", p, "A card needs a front and a back")
	wantBody(t, "card without back", p, "What is a baseline?")
	wantBody(t, "card without back", p, `<option value="overcomplicating" selected>`)
	wantBody(t, "card without back", p, "simple model\nfirst")
	wantStatus(t, "unknown category", b.post("/cards", url.Values{"front": {"f"}, "back": {"b"}, "category": {"nope"}}), http.StatusBadRequest)
	wantStatus(t, "deck not a number", b.post("/cards", url.Values{"front": {"f"}, "back": {"b"}, "deck": {"x"}}), http.StatusBadRequest)
	if n, _ := app.store.CountCards(ctx, u.ID); n != 0 {
		t.Fatalf("refused cards were stored: %d", n)
	}

	p = b.post("/cards", url.Values{"front": {"What is a baseline?"}, "back": {"The simplest model worth beating."}, "category": {"overcomplicating"}, "key_points": {"simple model\r\n\r\nfirst"}})
	wantStatus(t, "add card", p, http.StatusSeeOther)
	wantBody(t, "form after adding", b.get(p.header.Get("Location")), "Card added.")
	cards, _ := app.store.ListCards(ctx, u.ID, data.CardFilter{})
	if len(cards) != 1 || cards[0].Category != "overcomplicating" || cards[0].Deck != data.DefaultDeckName || strings.Join(cards[0].KeyPoints, "|") != "simple model|first" {
		t.Fatalf("stored: %+v", cards)
	}
	id := cards[0].ID

	list := b.get("/cards")
	wantBody(t, "list", list, "What is a baseline?")
	wantBody(t, "list", list, "Overcomplicating")
	wantBody(t, "list", list, "new")
	wantBody(t, "list", list, `href="`+cardPath(id, "/edit")+`"`)
	wantBody(t, "list", list, `href="/decks"`)
	wantBody(t, "list", list, `href="/import"`)

	edit := b.get(cardPath(id, "/edit"))
	wantStatus(t, "edit form", edit, http.StatusOK)
	wantBody(t, "edit form", edit, "The simplest model worth beating.")
	p = b.post(cardPath(id, ""), url.Values{"front": {"What is a baseline model?"}, "back": {"The simplest one."}, "category": {"overcomplicating"}})
	wantStatus(t, "save card", p, http.StatusSeeOther)
	wantBody(t, "after saving", b.get(p.header.Get("Location")), "Card saved.")
	p = b.post(cardPath(id, ""), url.Values{"front": {""}, "back": {"still here"}, "category": {"overcomplicating"}})
	wantStatus(t, "save without front", p, http.StatusBadRequest)
	wantBody(t, "save without front", p, "still here")
	if c, _ := app.store.GetCard(ctx, u.ID, id); c.Front != "What is a baseline model?" {
		t.Errorf("front after edits: %q", c.Front)
	}

	wantStatus(t, "suspend", b.post(cardPath(id, "/suspend"), nil), http.StatusSeeOther)
	if c, _ := app.store.GetCard(ctx, u.ID, id); !c.Suspended {
		t.Error("suspend did not suspend")
	}
	wantBody(t, "list of suspended", b.get("/cards"), ">suspended<")
	wantStatus(t, "unsuspend", b.post(cardPath(id, "/unsuspend"), nil), http.StatusSeeOther)
	if c, _ := app.store.GetCard(ctx, u.ID, id); c.Suspended {
		t.Error("unsuspend did not unsuspend")
	}

	confirm := b.get(cardPath(id, "/delete"))
	wantStatus(t, "delete confirmation", confirm, http.StatusOK)
	wantBody(t, "delete confirmation", confirm, "The card goes to the <a href=\"/cards/trash\">trash</a> with its history.")
	wantBody(t, "delete confirmation", confirm, `method="post" action="`+cardPath(id, "/delete")+`"`)
	if n, _ := app.store.CountCards(ctx, u.ID); n != 1 {
		t.Fatal("showing the confirmation deleted the card")
	}
	wantStatus(t, "delete without CSRF", b.postRaw(cardPath(id, "/delete"), url.Values{}), http.StatusForbidden)
	p = b.post(cardPath(id, "/delete"), nil)
	wantStatus(t, "delete", p, http.StatusSeeOther)
	wantBody(t, "list after delete", b.get("/cards"), "Card deleted")
	if n, _ := app.store.CountCards(ctx, u.ID); n != 0 {
		t.Errorf("%d cards after delete", n)
	}
	wantStatus(t, "edit a deleted card", b.get(cardPath(id, "/edit")), http.StatusNotFound)
	wantBody(t, "the trash", b.get("/cards/trash"), "What is a baseline model?")
	p = b.post("/cards/trash", url.Values{"action": {"restore"}, "id": {fmt.Sprint(id)}})
	wantStatus(t, "restore", p, http.StatusSeeOther)
	wantBody(t, "after the restore", b.get(p.header.Get("Location")), "Restored 1 card, with its history.")
	if c, err := app.store.GetCard(ctx, u.ID, id); err != nil || c.Front != "What is a baseline model?" {
		t.Errorf("the restored card: %+v %v", c, err)
	}
}

// Editing a card changes its text, never its progress.
func TestCardEditKeepsProgress(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, ids := cardOwner(t, app, "ada", "What is recall?")
	if _, err := app.store.GradeCard(ctx, u.ID, data.Grade{CardID: ids[0], Grade: 5, Step: -1}); err != nil {
		t.Fatal(err)
	}
	before, _ := app.store.GetCard(ctx, u.ID, ids[0])
	if !before.Sched.Graded || before.Sched.State.Repetitions != 1 {
		t.Fatalf("grading did not take: %+v", before.Sched)
	}
	list := b.get("/cards")
	wantBody(t, "list of a graded card", list, `<td data-label="Due">tomorrow</td>`)
	wantBody(t, "list of a graded card", list, `<td data-label="Interval">1 day</td>`)
	b.get(cardPath(ids[0], "/edit"))
	p := b.post(cardPath(ids[0], ""), url.Values{"front": {"What does recall measure?"}, "back": {"Found positives over all positives."}, "category": {"accuracy-only"}})
	wantStatus(t, "edit", p, http.StatusSeeOther)
	after, _ := app.store.GetCard(ctx, u.ID, ids[0])
	if after.Front != "What does recall measure?" || after.Category != "accuracy-only" {
		t.Errorf("edit not saved: %+v", after)
	}
	if after.Sched != before.Sched || after.Lapses != before.Lapses || after.DeckID != before.DeckID {
		t.Errorf("edit changed progress or deck: %+v -> %+v", before.Sched, after.Sched)
	}
}

// Another user's card, or an id that is no number, is a 404 on every
// route, and the card stays as it was.
func TestForeignCardIsNotFound(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	_, ada, ids := cardOwner(t, app, "ada", "Ada's secret question")
	bob, _, _ := cardOwner(t, app, "bob")
	bob.get("/cards")
	id := ids[0]
	for _, path := range []string{cardPath(id, "/edit"), cardPath(id, "/delete"), "/cards/abc/edit", "/cards/-1/edit", "/cards/99999999999999999999/edit"} {
		p := bob.get(path)
		wantStatus(t, "GET "+path, p, http.StatusNotFound)
		wantNoBody(t, "GET "+path, p, "Ada&#39;s secret question")
	}
	edit := url.Values{"front": {"bob was here"}, "back": {"x"}, "category": {"data-quality"}}
	for _, path := range []string{cardPath(id, ""), cardPath(id, "/suspend"), cardPath(id, "/unsuspend"), cardPath(id, "/delete"), "/cards/abc/delete"} {
		wantStatus(t, "POST "+path, bob.post(path, edit), http.StatusNotFound)
	}
	c, err := app.store.GetCard(ctx, ada.ID, id)
	if err != nil || c.Front != "Ada's secret question" || c.Suspended {
		t.Errorf("ada's card after bob's attempts: %+v %v", c, err)
	}
	if strings.Contains(bob.get("/cards").body, "secret") {
		t.Error("bob's list shows ada's card")
	}
}

func TestCardSearchAndFilters(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada", "Is 50% recall good?", "Why snake_case names?", "It's a quoted 'question'", "Plain question")
	deck, _ := app.store.CreateDeck(ctx, u.ID, "Other deck")
	if _, err := app.store.CreateCard(ctx, u.ID, data.CardInput{Front: "Lonely card", Back: "b", Category: "ignoring-domain", DeckID: deck.ID}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		want  []string
		not   []string
	}{
		{"q=%25", []string{"50% recall"}, []string{"snake_case", "Plain question"}},
		{"q=_", []string{"snake_case"}, []string{"50% recall", "Plain question"}},
		{"q=" + url.QueryEscape("'"), []string{"quoted"}, []string{"Plain question"}},
		{"q=" + url.QueryEscape(`"; DROP TABLE cards; --`), []string{"No cards match"}, []string{"Plain question"}},
		{"q=" + url.QueryEscape(`' OR 1=1 --`), []string{"No cards match"}, nil},
		{"q=PLAIN", []string{"Plain question"}, []string{"snake_case"}},
		{"category=ignoring-domain", []string{"Lonely card"}, []string{"Plain question"}},
		{"category=" + url.QueryEscape("x' OR '1'='1"), []string{"No cards match"}, nil},
		{fmt.Sprintf("deck=%d", deck.ID), []string{"Lonely card"}, []string{"Plain question"}},
		{"deck=abc&page=-3", []string{"Plain question", "Lonely card"}, nil},
	} {
		p := b.get("/cards?" + tc.query)
		wantStatus(t, tc.query, p, http.StatusOK)
		for _, w := range tc.want {
			wantBody(t, tc.query, p, html.EscapeString(w))
		}
		for _, w := range tc.not {
			wantNoBody(t, tc.query, p, html.EscapeString(w))
		}
	}
	// Any number of words is a search, not a failure.
	p := b.get("/cards?q=" + url.QueryEscape(strings.Repeat("plain ", 20_000)))
	wantStatus(t, "20,000 words", p, http.StatusOK)
	wantBody(t, "20,000 words", p, "Plain question")
	if n, err := app.store.CountCards(ctx, u.ID); n != 5 || err != nil {
		t.Errorf("after the searches: %d cards, %v", n, err)
	}
	// The search form keeps what was asked.
	p = b.get("/cards?q=" + url.QueryEscape(`"; DROP TABLE cards; --`) + "&category=ignoring-domain")
	wantBody(t, "search form", p, `value="&#34;; DROP TABLE cards; --"`)
	wantBody(t, "search form", p, `<option value="ignoring-domain" selected>`)
}

var cardRowLink = regexp.MustCompile(`<input type="checkbox" name="id" value="\d+" form="bulk"`)

func TestCardListPages(t *testing.T) {
	app := newTestApp(t, openSignup())
	fronts := make([]string, 120)
	for i := range fronts {
		fronts[i] = fmt.Sprintf("Question number %d", i+1)
	}
	b, _, _ := cardOwner(t, app, "ada", fronts...)
	p := b.get("/cards")
	if n := len(cardRowLink.FindAllString(p.body, -1)); n != cardsPerPage {
		t.Errorf("first page has %d cards, want %d", n, cardsPerPage)
	}
	wantBody(t, "first page", p, `href="/cards?page=2"`)
	wantNoBody(t, "first page", p, `rel="prev"`)
	p = b.get("/cards?page=3")
	if n := len(cardRowLink.FindAllString(p.body, -1)); n != 20 {
		t.Errorf("last page has %d cards, want 20", n)
	}
	wantBody(t, "last page", p, `href="/cards?page=2"`)
	wantNoBody(t, "last page", p, `rel="next"`)
	wantBody(t, "past the end", b.get("/cards?page=9"), "There are no more cards")
	p = b.get("/cards?q=number&page=2")
	wantBody(t, "filtered page", p, `href="/cards?page=3&amp;q=number"`)
}

func TestCardTextIsEscaped(t *testing.T) {
	app := newTestApp(t, openSignup())
	const payload = `<script>alert(1)</script>`
	b, _, ids := cardOwner(t, app, "ada", payload+` and <img src=x onerror=alert(2)>`)
	for _, path := range []string{"/cards", cardPath(ids[0], "/edit"), cardPath(ids[0], "/delete")} {
		p := b.get(path)
		wantStatus(t, path, p, http.StatusOK)
		wantNoBody(t, path, p, payload)
		wantNoBody(t, path, p, "<img src=x")
		wantBody(t, path, p, "&lt;script&gt;alert(1)&lt;/script&gt;")
	}
	// Typed in through the form, the same.
	b.get("/cards/new")
	p := b.post("/cards", url.Values{"front": {payload}, "back": {""}})
	wantStatus(t, "refused form", p, http.StatusBadRequest)
	wantNoBody(t, "refused form", p, payload)
}

func TestDecksAndTheBuiltinDeckButton(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	builtin := len(data.BuiltinDeck())

	p := b.get("/decks")
	wantBody(t, "decks of a user without the deck", p, "Add the built-in deck")
	wantBody(t, "decks of a user without the deck", p, `action="/decks/builtin"`)
	p = b.post("/decks/builtin", url.Values{"next": {"/decks"}})
	wantStatus(t, "add built-in deck", p, http.StatusSeeOther)
	if n, _ := app.store.CountCards(ctx, u.ID); n != builtin {
		t.Fatalf("%d cards after the button, want %d", n, builtin)
	}
	decks := b.get("/decks")
	wantBody(t, "decks after the button", decks, html.EscapeString(fmt.Sprintf("Added the deck %q: %d cards.", data.BuiltinDeckName, builtin)))
	wantNoBody(t, "decks after the button", decks, "Add the built-in deck")
	wantBody(t, "decks after the button", decks, "built-in</span>")

	// A second click (a stale page, a double submit) adds nothing.
	p = b.post("/decks/builtin", url.Values{"next": {"https://evil.example/"}})
	wantStatus(t, "second click", p, http.StatusSeeOther)
	if loc := p.header.Get("Location"); loc != "/decks" {
		t.Errorf("redirect to %q after the second click", loc)
	}
	wantBody(t, "after the second click", b.get("/decks"), "nothing was added")
	if n, _ := app.store.CountCards(ctx, u.ID); n != builtin {
		t.Errorf("the second click changed the count to %d", n)
	}

	// Decks of one's own: create, refuse a duplicate, delete with its cards.
	wantStatus(t, "create deck", b.post("/decks", url.Values{"name": {"System design"}}), http.StatusSeeOther)
	p = b.post("/decks", url.Values{"name": {"System design"}})
	wantStatus(t, "duplicate deck", p, http.StatusBadRequest)
	wantBody(t, "duplicate deck", p, "exists already")
	ds, _ := app.store.ListDecks(ctx, u.ID)
	var builtinID int64
	for _, d := range ds {
		if d.Builtin != "" {
			builtinID = d.ID
		}
	}
	confirm := b.get(fmt.Sprintf("/decks/%d/delete", builtinID))
	wantStatus(t, "deck delete confirmation", confirm, http.StatusOK)
	wantBody(t, "deck delete confirmation", confirm, fmt.Sprintf("its %d cards", builtin))

	other, _, _ := cardOwner(t, app, "bob")
	other.get("/decks")
	wantStatus(t, "bob deletes ada's deck", other.post(fmt.Sprintf("/decks/%d/delete", builtinID), nil), http.StatusNotFound)
	wantStatus(t, "bob asks to delete ada's deck", other.get(fmt.Sprintf("/decks/%d/delete", builtinID)), http.StatusNotFound)
	wantStatus(t, "deck id not a number", other.get("/decks/x/delete"), http.StatusNotFound)

	wantStatus(t, "delete deck", b.post(fmt.Sprintf("/decks/%d/delete", builtinID), nil), http.StatusSeeOther)
	if n, _ := app.store.CountCards(ctx, u.ID); n != 0 {
		t.Errorf("deleting the deck left %d cards", n)
	}
	wantBody(t, "decks after delete", b.get("/decks"), "Add the built-in deck")
}

func TestHomeOffersTheBuiltinDeck(t *testing.T) {
	app := newTestApp(t, openSignup())
	signedUp := newBrowser(t, app)
	signedUp.signup("ada", "correct horse")
	wantNoBody(t, "home after sign-up", signedUp.get("/"), "Add the built-in deck")

	b, _, _ := cardOwner(t, app, "bob") // as made by `flashcards user add`
	home := b.get("/")
	wantBody(t, "home of a user without the deck", home, "Add the built-in deck")
	wantStatus(t, "button on home", b.post("/decks/builtin", url.Values{"next": {"/"}}), http.StatusSeeOther)
	wantNoBody(t, "home with the deck", b.get("/"), "Add the built-in deck")
}

func TestCategoriesPage(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	p := b.get("/categories")
	wantStatus(t, "categories", p, http.StatusOK)
	wantBody(t, "categories", p, "Data quality")
	wantBody(t, "categories", p, `href="/cards?category=data-quality"`)
	if n := strings.Count(p.body, "built-in</span>"); n != 13 {
		t.Errorf("%d categories marked built-in, want 12 and Uncategorized", n)
	}
	p = b.post("/categories", url.Values{"name": {"System <design>"}, "description": {"Boxes & arrows"}})
	wantStatus(t, "add category", p, http.StatusSeeOther)
	p = b.get("/categories")
	wantBody(t, "categories after adding", p, "System &lt;design&gt;")
	wantBody(t, "categories after adding", p, `href="/cards?category=system-design"`)
	p = b.post("/categories", url.Values{"name": {"System design"}})
	wantStatus(t, "duplicate category", p, http.StatusBadRequest)
	wantBody(t, "duplicate category", p, "exists already")
	wantStatus(t, "blank category", b.post("/categories", url.Values{"name": {" "}}), http.StatusBadRequest)
	// The new category is offered in the card editor.
	wantBody(t, "card editor", b.get("/cards/new"), `<option value="system-design">`)
	cats, _ := app.store.ListCategories(ctx, u.ID)
	if len(cats) != 14 {
		t.Errorf("%d categories, want 14", len(cats))
	}
}

// TestCardStateSummary: the list says when a card is due, counted from
// today, and names its interval as one, never "every day".
func TestCardStateSummary(t *testing.T) {
	today := srs.DateOf(2026, 3, 10)
	graded := func(due srs.Day, interval int) data.Card {
		return data.Card{Sched: srs.Card{Graded: true, Due: due, State: srs.State{Interval: interval, Ease: 250}}}
	}
	for _, tc := range []struct {
		c          data.Card
		want, long string
	}{
		{data.Card{}, "new", "New: not reviewed yet."},
		{graded(today, 1), "due today (interval 1 day)", "Due today (interval 1 day)."},
		{graded(today.AddDays(-3), 6), "due today (interval 6 days)", "Due today (interval 6 days)."},
		{graded(today.AddDays(1), 1), "due tomorrow (interval 1 day)", "Due tomorrow, 2026-03-11 (interval 1 day)."},
		{graded(today.AddDays(4), 6), "due in 4 days (interval 6 days)", "Due in 4 days, 2026-03-14 (interval 6 days)."},
		{graded(srs.DateOf(2026, 12, 7), 280), "due on 2026-12-07 (interval 280 days)", "Due on 2026-12-07 (interval 280 days)."},
	} {
		row := cardRow(tc.c, today, false)
		got := "new"
		if !row.New {
			got = "due " + row.Due + " (interval " + row.Interval + ")"
		}
		if got != tc.want {
			t.Errorf("the list's row for %+v reads %q, want %q", tc.c.Sched, got, tc.want)
		}
		if got := cardStateLong(tc.c, today); !strings.HasPrefix(got, tc.long) {
			t.Errorf("cardStateLong(%+v) = %q, want it to start %q", tc.c.Sched, got, tc.long)
		}
	}
	if got := cardtext.ShortText("line one\nline two", 100); got != "line one…" {
		t.Errorf("shortenText = %q", got)
	}
	if got := cardtext.ShortText(strings.Repeat("é", 10), 4); got != "éééé…" {
		t.Errorf("shortenText = %q", got)
	}
}

// TestCardPagesWordTheInterval: after a first "4" a card comes back
// tomorrow; the list and the editor say so, and say the interval is one
// day, not that the card repeats every day.
func TestCardPagesWordTheInterval(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, ids := cardOwner(t, app, "ada", "What is leakage?")
	if _, err := app.store.GradeCard(ctx, u.ID, data.Grade{CardID: ids[0], Grade: 4, Step: -1}); err != nil {
		t.Fatal(err)
	}
	list := b.get("/cards")
	wantBody(t, "card list", list, `<td data-label="Due">tomorrow</td>`)
	wantBody(t, "card list", list, `<td data-label="Interval">1 day</td>`)
	edit := b.get(cardPath(ids[0], "/edit"))
	wantBody(t, "card editor", edit, "Due tomorrow, 2026-03-11 (interval 1 day).")
	for what, p := range map[string]page{"card list": list, "card editor": edit} {
		wantNoBody(t, what, p, "every day")
	}
}
