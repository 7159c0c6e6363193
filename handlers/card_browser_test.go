package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
)

var rowFront = regexp.MustCompile(`<a href="/cards/\d+/edit">([^<]*)</a>`)

// fronts are the cards a list page shows, in order.
func fronts(p page) []string {
	var out []string
	for _, m := range rowFront.FindAllStringSubmatch(p.body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestCardBrowserSortsFiltersAndCounts: the list sorts by each column both
// ways, filters by state, and says how many cards match, with numbered pages.
func TestCardBrowserSortsFiltersAndCounts(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, ids := cardOwner(t, app, "ada", "alpha", "bravo", "charlie", "delta", "echo")
	// alpha learned yesterday with a good grade; bravo failed today
	// (re-drill); charlie suspended; delta and echo new.
	if _, err := app.store.GradeCard(ctx, u.ID, data.Grade{CardID: ids[0], Grade: 5, Step: -1}); err != nil {
		t.Fatal(err)
	}
	app.clock.Advance(24 * time.Hour) // alpha is due today
	if _, err := app.store.GradeCard(ctx, u.ID, data.Grade{CardID: ids[1], Grade: 1, Step: -1}); err != nil {
		t.Fatal(err)
	}
	if err := app.store.SetSuspended(ctx, u.ID, ids[2], true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		want  []string
		count string
	}{
		{"", []string{"echo", "delta", "charlie", "bravo", "alpha"}, "5 cards"},
		{"sort=added", []string{"alpha", "bravo", "charlie", "delta", "echo"}, "5 cards"},
		{"sort=due", []string{"alpha", "bravo", "charlie", "delta", "echo"}, "5 cards"},
		{"sort=due-desc", []string{"bravo", "alpha", "echo", "delta", "charlie"}, "5 cards"},
		{"sort=ease&state=", []string{"bravo", "charlie", "delta", "echo", "alpha"}, "5 cards"},   // 1.96, new 2.50, 2.60
		{"sort=interval-desc", []string{"bravo", "alpha", "echo", "delta", "charlie"}, "5 cards"}, // 1 day, 1 day, new
		{"state=new", []string{"echo", "delta"}, "2 cards match"},
		{"state=learning", []string{"bravo"}, "1 card matches"},
		{"state=due", []string{"alpha"}, "1 card matches"},
		{"state=suspended", []string{"charlie"}, "1 card matches"},
		{"state=new&q=echo", []string{"echo"}, "1 card matches"},
		{"state=mature&sort=front", []string{"echo", "delta", "charlie", "bravo", "alpha"}, "5 cards"}, // unknown: ignored
	} {
		p := b.get("/cards?" + tc.query)
		wantStatus(t, tc.query, p, http.StatusOK)
		if got := fronts(p); !slices.Equal(got, tc.want) {
			t.Errorf("/cards?%s lists %v, want %v", tc.query, got, tc.want)
		}
		wantBody(t, tc.query, p, `<p class="list-count" id="card-count">`+tc.count+`</p>`)
	}
	p := b.get("/cards?state=learning")
	wantBody(t, "learning", p, `<span class="tag redrill">learning</span>`)
	wantBody(t, "learning", p, `<option value="learning" selected>`)
	p = b.get("/cards?sort=ease")
	wantBody(t, "sorted by ease", p, `<th scope="col" aria-sort="ascending"><a href="/cards?sort=ease-desc">Ease`)
	wantBody(t, "sorted by ease", p, `<a href="/cards?sort=lapses">Lapses`)
}

func TestCardBrowserNumbersItsPages(t *testing.T) {
	app := newTestApp(t, openSignup())
	names := make([]string, 12*cardsPerPage+3)
	for i := range names {
		names[i] = fmt.Sprintf("Question %04d", i+1)
	}
	b, _, _ := cardOwner(t, app, "ada", names...)
	p := b.get("/cards?page=7&sort=added")
	wantBody(t, "page 7", p, "Cards 301–350 of 603")
	if got := fronts(p); len(got) != cardsPerPage || got[0] != "Question 0301" {
		t.Errorf("page 7 starts at %v", got[:1])
	}
	// The first, the last, and two either side of the current page.
	var got []string
	for _, l := range regexp.MustCompile(`<li[^>]*>(?:<a href="[^"]*"( aria-current="page")?>)?([^<]+)`).FindAllStringSubmatch(p.body, -1) {
		if l[1] != "" {
			l[2] = "[" + l[2] + "]"
		}
		got = append(got, l[2])
	}
	if want := []string{"1", "…", "5", "6", "[7]", "8", "9", "…", "13"}; !slices.Equal(got, want) {
		t.Errorf("page links %v, want %v", got, want)
	}
	wantBody(t, "page 7", p, `<a href="/cards?page=6&amp;sort=added" rel="prev">`)
	wantBody(t, "page 7", p, `<a href="/cards?page=8&amp;sort=added" rel="next">`)
	p = b.get("/cards?page=13")
	wantBody(t, "last page", p, "Cards 601–603 of 603")
	wantNoBody(t, "last page", p, `rel="next"`)
	p = b.get("/cards?q=question+00&page=2") // 0001 to 0099, 0100 to 0600
	wantBody(t, "a search's second page", p, "Cards 51–100 of the 105 that match")
}

// TestBulkActions: many cards suspended, moved, deleted and restored in
// one form post each, with the page they came from kept.
func TestBulkActions(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, ids := cardOwner(t, app, "ada", "one", "two", "three", "four")
	deck, err := app.store.CreateDeck(ctx, u.ID, "Systems")
	if err != nil {
		t.Fatal(err)
	}
	b.get("/cards?sort=added")
	chosen := func(ids ...int64) []string {
		var out []string
		for _, id := range ids {
			out = append(out, strconv.FormatInt(id, 10))
		}
		return out
	}
	post := func(action string, form url.Values) page {
		t.Helper()
		form.Set("action", action)
		form.Set("return", "/cards?sort=added")
		p := b.post("/cards/bulk", form)
		wantStatus(t, action, p, http.StatusSeeOther)
		if loc := p.header.Get("Location"); loc != "/cards?sort=added" {
			t.Errorf("%s: back to %q", action, loc)
		}
		return b.get(p.header.Get("Location"))
	}
	p := post("suspend", url.Values{"id": chosen(ids[0], ids[1])})
	wantBody(t, "after suspend", p, "Suspended 2 cards: they stay out of your reviews until you unsuspend them.")
	if got := fronts(b.get("/cards?state=suspended")); !slices.Equal(got, []string{"two", "one"}) {
		t.Errorf("suspended: %v", got)
	}
	p = post("unsuspend", url.Values{"id": chosen(ids[1])})
	wantBody(t, "after unsuspend", p, "Unsuspended 1 card: it is back in your reviews.")
	p = post("move", url.Values{"id": chosen(ids[1], ids[2]), "deck": {fmt.Sprint(deck.ID)}, "category": {"accuracy-only"}})
	wantBody(t, "after move", p, "Moved 2 cards; their progress stays as it was.")
	if got := fronts(b.get(fmt.Sprintf("/cards?deck=%d&category=accuracy-only", deck.ID))); !slices.Equal(got, []string{"three", "two"}) {
		t.Errorf("moved: %v", got)
	}
	p = post("move", url.Values{"id": chosen(ids[3])})
	wantBody(t, "a move to nowhere", p, "Choose a deck or a category to move the cards to")
	p = post("suspend", url.Values{})
	wantBody(t, "nothing chosen", p, "Choose at least one card")
	p = post("delete", url.Values{"id": chosen(ids[0], ids[3])})
	wantBody(t, "after delete", p, "Moved 2 cards to the trash. You can restore them, with their history, from the trash for 30 days.")
	if got := fronts(p); !slices.Equal(got, []string{"two", "three"}) {
		t.Errorf("after delete the list has %v", got)
	}

	trash := b.get("/cards/trash")
	wantBody(t, "trash", trash, "2 cards in the trash")
	wantBody(t, "trash", trash, "one")
	wantBody(t, "trash", trash, "2026-04-09") // 30 days after 10 March
	// Deleting for good asks first, then goes.
	p = b.post("/cards/trash", url.Values{"action": {"delete"}, "id": chosen(ids[3])})
	wantStatus(t, "delete forever, asked", p, http.StatusOK)
	wantBody(t, "delete forever, asked", p, "Delete 1 card for good?")
	if n, _ := app.store.ListTrash(ctx, u.ID, 10, 0); n.Total != 2 {
		t.Fatal("asking deleted the card")
	}
	p = b.post("/cards/trash", url.Values{"action": {"delete"}, "id": chosen(ids[3]), "confirm": {"yes"}})
	wantStatus(t, "delete forever", p, http.StatusSeeOther)
	wantBody(t, "after delete forever", b.get(p.header.Get("Location")), "Deleted 1 card for good, with its history.")
	p = b.post("/cards/trash", url.Values{"action": {"restore"}, "id": chosen(ids[0])})
	wantStatus(t, "restore", p, http.StatusSeeOther)
	if got := fronts(b.get("/cards?sort=added")); !slices.Equal(got, []string{"one", "two", "three"}) {
		t.Errorf("after the restore the list has %v", got)
	}
	if c, _ := app.store.GetCard(ctx, u.ID, ids[0]); !c.Suspended {
		t.Error("the restored card lost its suspension")
	}
	wantBody(t, "empty trash", b.get("/cards/trash"), "The trash is empty.")
}

// TestBulkActionsRefuseWhatIsNotYours: a foreign, missing or malformed id
// fails the whole request and changes nothing, as does a post without the
// CSRF token.
func TestBulkActionsRefuseWhatIsNotYours(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	_, ada, adaIDs := cardOwner(t, app, "ada", "Ada's card")
	bob, bobUser, bobIDs := cardOwner(t, app, "bob", "Bob's card", "Bob's other card")
	bobDeck, err := app.store.CreateDeck(ctx, bobUser.ID, "Bob's deck")
	if err != nil {
		t.Fatal(err)
	}
	adaDeck, err := app.store.CreateDeck(ctx, ada.ID, "Ada's deck")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.TrashCards(ctx, bobUser.ID, bobIDs[1:]); err != nil {
		t.Fatal(err)
	}
	state := func() string {
		t.Helper()
		var b strings.Builder
		for _, uid := range []int64{ada.ID, bobUser.ID} {
			cards, err := app.store.ListCards(ctx, uid, data.CardFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cards {
				fmt.Fprintln(&b, c.ID, c.DeckID, c.Category, c.Suspended, c.UpdatedAt)
			}
			trash, _ := app.store.ListTrash(ctx, uid, 10, 0)
			fmt.Fprintln(&b, "trash", len(trash.Cards))
		}
		return b.String()
	}
	before := state()
	bob.get("/cards")
	mine, ada1, trashed := fmt.Sprint(bobIDs[0]), fmt.Sprint(adaIDs[0]), fmt.Sprint(bobIDs[1])
	for _, tc := range []struct {
		path   string
		form   url.Values
		status int
	}{
		{"/cards/bulk", url.Values{"action": {"suspend"}, "id": {mine, ada1}}, http.StatusNotFound},
		{"/cards/bulk", url.Values{"action": {"delete"}, "id": {ada1}}, http.StatusNotFound},
		{"/cards/bulk", url.Values{"action": {"move"}, "id": {mine, ada1}, "deck": {fmt.Sprint(bobDeck.ID)}}, http.StatusNotFound},
		{"/cards/bulk", url.Values{"action": {"move"}, "id": {mine}, "deck": {"x"}}, http.StatusBadRequest},
		{"/cards/bulk", url.Values{"action": {"suspend"}, "id": {trashed}}, http.StatusNotFound},
		{"/cards/bulk", url.Values{"action": {"suspend"}, "id": {mine, "abc"}}, http.StatusBadRequest},
		{"/cards/bulk", url.Values{"action": {"suspend"}, "id": {"-1"}}, http.StatusBadRequest},
		{"/cards/bulk", url.Values{"action": {"burn"}, "id": {mine}}, http.StatusBadRequest},
		{"/cards/trash", url.Values{"action": {"restore"}, "id": {trashed, ada1}}, http.StatusNotFound},
		{"/cards/trash", url.Values{"action": {"restore"}, "id": {mine}}, http.StatusNotFound},
		{"/cards/trash", url.Values{"action": {"delete"}, "id": {trashed, ada1}}, http.StatusNotFound},
		{"/cards/trash", url.Values{"action": {"delete"}, "id": {ada1}, "confirm": {"yes"}}, http.StatusNotFound},
	} {
		p := bob.post(tc.path, tc.form)
		wantStatus(t, fmt.Sprint(tc.path, " ", tc.form), p, tc.status)
		wantNoBody(t, fmt.Sprint(tc.path, " ", tc.form), p, "Ada&#39;s card")
		if now := state(); now != before {
			t.Fatalf("%s %v changed the cards:\n%s\nwas:\n%s", tc.path, tc.form, now, before)
		}
	}
	// A deck not hers is refused on the list, with nothing moved.
	p := bob.post("/cards/bulk", url.Values{"action": {"move"}, "id": {mine}, "deck": {fmt.Sprint(adaDeck.ID)}})
	wantStatus(t, "move to ada's deck", p, http.StatusSeeOther)
	wantBody(t, "move to ada's deck", bob.get(p.header.Get("Location")), "There is no such deck")
	wantNoBody(t, "move to ada's deck", bob.get("/decks"), "Ada&#39;s deck")
	for _, path := range []string{"/cards/bulk", "/cards/trash"} {
		p := bob.postRaw(path, url.Values{"action": {"delete"}, "id": {mine}})
		wantStatus(t, path+" without CSRF", p, http.StatusForbidden)
	}
	if now := state(); now != before {
		t.Fatalf("posts without CSRF changed the cards:\n%s\nwas:\n%s", now, before)
	}
	// A return address elsewhere is not followed.
	p = bob.post("/cards/bulk", url.Values{"action": {"suspend"}, "id": {mine}, "return": {"https://evil.example/"}})
	if loc := p.header.Get("Location"); loc != "/cards" {
		t.Errorf("bulk action returned to %q", loc)
	}
}

// TestTrashEmptiesAfterThirtyDays: the hourly sweep (PurgeTrash) deletes a
// card 30 days after it went to the trash, not before; the day's counts
// stay right (CheckCounts runs at the test's end).
func TestTrashEmptiesAfterThirtyDays(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, ids := cardOwner(t, app, "ada", "studied today", "never studied")
	if _, err := app.store.GradeCard(ctx, u.ID, data.Grade{CardID: ids[0], Grade: 5, Step: -1}); err != nil {
		t.Fatal(err)
	}
	b.get("/cards")
	wantStatus(t, "delete", b.post("/cards/bulk", url.Values{"action": {"delete"}, "id": {fmt.Sprint(ids[0]), fmt.Sprint(ids[1])}}), http.StatusSeeOther)
	q, err := app.store.Queue(ctx, u.ID, data.ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if q.New != 0 || q.NewLeft != data.DefaultSettings().NewPerDay-1 {
		t.Errorf("with both cards in the trash the queue has %d new cards, %d left today; want 0 and one slot used", q.New, q.NewLeft)
	}
	app.clock.Advance(data.TrashKeep - time.Minute)
	if n, err := app.store.PurgeTrash(ctx); n != 0 || err != nil {
		t.Fatalf("a minute before 30 days the sweep purged %d (%v)", n, err)
	}
	wantBody(t, "trash on day 29", b.get("/cards/trash"), "2 cards in the trash")
	app.clock.Advance(time.Minute)
	if n, err := app.store.PurgeTrash(ctx); n != 2 || err != nil {
		t.Fatalf("after 30 days the sweep purged %d (%v), want 2", n, err)
	}
	wantBody(t, "trash on day 30", b.get("/cards/trash"), "The trash is empty.")
}

// TestDecksToStudyAndRename: the decks page counts each deck's new and due
// cards, links its review, and renames it.
func TestDecksToStudyAndRename(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, ids := cardOwner(t, app, "ada", "a", "b", "c")
	if _, err := app.store.GradeCard(ctx, u.ID, data.Grade{CardID: ids[0], Grade: 5, Step: -1}); err != nil {
		t.Fatal(err)
	}
	app.clock.Advance(24 * time.Hour)
	decks, _ := app.store.ListDecks(ctx, u.ID)
	id := decks[0].ID
	p := b.get("/decks")
	row := regexp.MustCompile(`(?s)<tr><td><a href="/cards\?deck=\d+">Mine</a>\s*</td><td>(\d+)</td><td class="count">(\d+)</td><td class="count">(\d+)</td>`).FindStringSubmatch(p.body)
	if row == nil || row[1] != "3" || row[2] != "2" || row[3] != "1" {
		t.Fatalf("the deck's row: %v, want 3 cards, 2 new, 1 due\n%s", row, p.body)
	}
	wantBody(t, "decks", p, fmt.Sprintf(`href="/review?deck=%d"`, id))
	wantBody(t, "decks", p, fmt.Sprintf(`href="/decks/%d/rename"`, id))

	wantBody(t, "rename form", b.get(fmt.Sprintf("/decks/%d/rename", id)), `value="Mine"`)
	if _, err := app.store.CreateDeck(ctx, u.ID, "Taken"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want string }{
		{"Taken", "A deck named &#34;Taken&#34; exists already"},
		{"   ", "A deck name needs 1 to 100 characters"},
		{strings.Repeat("x", 101), "A deck name needs 1 to 100 characters"},
	} {
		p := b.post(fmt.Sprintf("/decks/%d/rename", id), url.Values{"name": {tc.name}})
		wantStatus(t, "rename to "+tc.name, p, http.StatusBadRequest)
		wantBody(t, "rename to "+tc.name, p, tc.want)
	}
	other, _, _ := cardOwner(t, app, "bob")
	other.get("/decks")
	wantStatus(t, "bob renames ada's deck", other.post(fmt.Sprintf("/decks/%d/rename", id), url.Values{"name": {"Bob's"}}), http.StatusNotFound)
	p = b.post(fmt.Sprintf("/decks/%d/rename", id), url.Values{"name": {" Interview prep "}})
	wantStatus(t, "rename", p, http.StatusSeeOther)
	wantBody(t, "after the rename", b.get("/decks"), "Interview prep")
	if d, _ := app.store.ListDecks(ctx, u.ID); d[0].Name != "Interview prep" || d[0].ID != id {
		t.Errorf("decks after the rename: %+v", d)
	}
}

// TestNewCardFormKeepsDeckAndCategory: after "Add card" the form comes
// back in the same deck and category, and links to the card just added.
func TestNewCardFormKeepsDeckAndCategory(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	deck, err := app.store.CreateDeck(ctx, u.ID, "Systems")
	if err != nil {
		t.Fatal(err)
	}
	b.get("/cards/new")
	p := b.post("/cards", url.Values{"front": {"What is a *queue*?"}, "back": {"b"}, "category": {"overcomplicating"}, "deck": {fmt.Sprint(deck.ID)}})
	wantStatus(t, "add", p, http.StatusSeeOther)
	cards, _ := app.store.ListCards(ctx, u.ID, data.CardFilter{})
	form := b.get(p.header.Get("Location"))
	wantBody(t, "next form", form, `<option value="overcomplicating" selected>`)
	wantBody(t, "next form", form, fmt.Sprintf(`<option value="%d" selected>Systems</option>`, deck.ID))
	wantBody(t, "next form", form, fmt.Sprintf(`Card added. <a href="/cards/%d/edit">Open “What is a queue?”</a>`, cards[0].ID))
	// Another user's card is not named.
	other, _, ids := cardOwner(t, app, "bob", "Bob's secret")
	_ = other
	wantNoBody(t, "a foreign card added", b.get(fmt.Sprintf("/cards/new?added=%d", ids[0])), "secret")
}

// TestCardHistoryOnTheEditPage: the edit page lists the card's reviews,
// newest first, with the typed answer and its coverage, under a chart of
// interval and ease over time with a text alternative.
func TestCardHistoryOnTheEditPage(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, ids := cardOwner(t, app, "ada", "What is leakage?")
	wantBody(t, "no history", b.get(cardPath(ids[0], "/edit")), "Not reviewed yet.")
	if err := app.store.UpdateCard(ctx, u.ID, ids[0], data.CardInput{Front: "What is leakage?", Back: "Answer to What is leakage?",
		Category: "data-quality", KeyPoints: []string{"test data", "the split"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.GradeCard(ctx, u.ID, data.Grade{CardID: ids[0], Grade: 3, Step: -1, TypedAnswer: "test data <leaks>"}); err != nil {
		t.Fatal(err)
	}
	app.clock.Advance(24 * time.Hour)
	if _, err := app.store.GradeCard(ctx, u.ID, data.Grade{CardID: ids[0], Grade: 5, Step: -1}); err != nil {
		t.Fatal(err)
	}
	p := b.get(cardPath(ids[0], "/edit"))
	wantBody(t, "history", p, "2 reviews")
	rows := regexp.MustCompile(`<td data-label="Date">([^<]+)</td><td data-label="Grade"><span class="grade-mark grade-(\d)">`).FindAllStringSubmatch(p.body, -1)
	if len(rows) != 2 || rows[0][1] != "2026-03-11 12:00" || rows[0][2] != "5" || rows[1][2] != "3" {
		t.Errorf("history rows %v, want the grade of 11 March first, then the 3", rows)
	}
	wantBody(t, "history", p, "<q>test data &lt;leaks&gt;</q>")
	wantBody(t, "history", p, "Covered 1 of 2 key points")
	wantBody(t, "history", p, "missed: the split")
	wantBody(t, "history", p, `<desc id="history-interval-d">Interval after each review, oldest first: 1 day, 6 days.</desc>`)
	wantBody(t, "history", p, `<figcaption id="history-ease-t">Ease after each review: from 2.36 to 2.46</figcaption>`)
}
