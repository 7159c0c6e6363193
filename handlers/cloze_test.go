package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/flashcards/flashcards/data"
)

// A cloze note typed on the card form is one card per number; editing it
// down to two numbers keeps the history of the two and trashes the third.
func TestClozeNoteThroughTheCardForm(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	b.get("/cards/new")

	p := b.post("/cards", url.Values{"front": {"{{c1::Paris}} is the capital of {{c2::never closed"}, "back": {""}, "category": {"data-quality"}})
	wantStatus(t, "broken cloze", p, http.StatusBadRequest)
	wantBody(t, "broken cloze", p, "is not closed with }}")
	if n, _ := app.store.CountCards(ctx, u.ID); n != 0 {
		t.Fatalf("a refused note stored %d cards", n)
	}

	// The preview shows the note's first card, with its key point.
	p = b.post("/cards/preview", url.Values{"front": {"{{c2::Paris}} is the capital of {{c3::<b>France</b>}}."}})
	wantBody(t, "preview", p, `<span class="cloze-blank">[...]</span> is the capital of &lt;b&gt;France&lt;/b&gt;.`)
	wantBody(t, "preview", p, `<mark class="cloze">Paris</mark>`)
	wantNoBody(t, "preview", p, "<b>France")

	p = b.post("/cards", url.Values{"front": {"{{c1::Paris}} is the capital of {{c2::France}}, on the {{c3::Seine::river}}."}, "back": {""}, "category": {"data-quality"}})
	wantStatus(t, "add cloze note", p, http.StatusSeeOther)
	wantBody(t, "form after adding", b.get(p.header.Get("Location")), "Cloze note added: 3 cards.")
	cards, _ := app.store.ListCards(ctx, u.ID, data.CardFilter{})
	if len(cards) != 3 {
		t.Fatalf("%d cards", len(cards))
	}
	byNum := map[int]data.Card{}
	for _, c := range cards {
		byNum[c.Cloze] = c
	}

	// Review: the first card's front hides Paris, its back shows it.
	rev := b.get("/review")
	wantBody(t, "review", rev, `<span class="cloze-blank">[...]</span> is the capital of France`)
	wantNoBody(t, "review", rev, "{{c")
	// The API says which number the card asks for.
	token, _, err := app.store.CreateToken(ctx, u.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	status, next, _ := apiCall(t, app, http.MethodGet, "/api/v1/review/next", token, "")
	if card, _ := next["card"].(map[string]any); status != http.StatusOK || card["cloze"] != float64(1) ||
		card["note"] != float64(byNum[1].NoteID) || fmt.Sprint(card["key_points"]) != "[Paris]" {
		t.Errorf("API next card: %d %v", status, next)
	}
	if _, err := app.store.GradeCard(ctx, u.ID, data.Grade{CardID: byNum[1].ID, Grade: 4, Step: -1}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.GradeCard(ctx, u.ID, data.Grade{CardID: byNum[3].ID, Grade: 4, Step: -1, TypedAnswer: "the Seine"}); err != nil {
		t.Fatal(err)
	}

	list := b.get("/cards")
	wantBody(t, "card list", list, "[...] is the capital of France, on the Seine.")
	wantBody(t, "card list", list, "Paris is the capital of France, on the [river].")
	edit := b.get(cardPath(byNum[2].ID, "/edit"))
	wantStatus(t, "edit form", edit, http.StatusOK)
	wantBody(t, "edit form", edit, "Card 2 of a cloze note")
	wantBody(t, "edit form", edit, `<textarea name="key_points" rows="4"></textarea>`)
	p = b.post(cardPath(byNum[2].ID, ""), url.Values{"front": {"{{c1::Paris}} lies on the {{c3::Seine}}."}, "back": {"Since 987."}, "category": {"data-quality"}})
	wantStatus(t, "edit to two", p, http.StatusSeeOther)
	if loc := p.header.Get("Location"); loc != cardPath(byNum[1].ID, "/edit") {
		t.Errorf("after removing the edited card's number, on to %q", loc)
	}
	wantBody(t, "after the edit", b.get(p.header.Get("Location")), "Cloze note saved: 2 cards updated, 1 card moved to the trash.")
	for _, n := range []int{1, 3} {
		c, err := app.store.GetCard(ctx, u.ID, byNum[n].ID)
		if err != nil || !c.Sched.Graded || c.Back != "Since 987." {
			t.Errorf("card %d after the edit: %+v, %v", n, c, err)
		}
	}
	if _, err := app.store.GetCard(ctx, u.ID, byNum[2].ID); err == nil {
		t.Error("card 2 is still among the cards")
	}
	wantBody(t, "trash", b.get("/cards/trash"), "Paris is the capital of France")
}
