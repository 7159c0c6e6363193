package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/srs"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

// cardChoices are the category and deck options of the card forms.
func (a *App) cardChoices(c echo.Context, userID int64) (cats, decks []views.SelectOption, err error) {
	ctx := c.Request().Context()
	cs, err := a.store.ListCategories(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	for _, cat := range cs {
		cats = append(cats, views.SelectOption{Value: cat.Slug, Label: cat.Name})
	}
	ds, err := a.store.ListDecks(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range ds {
		decks = append(decks, views.SelectOption{Value: strconv.FormatInt(d.ID, 10), Label: d.Name})
	}
	return cats, decks, nil
}

// studyDay is the user's study day now, for telling when cards are due.
func (a *App) studyDay(c echo.Context, userID int64) (srs.Day, error) {
	return a.store.Today(c.Request().Context(), userID)
}

// dueIn says when a day comes, seen from today: "today" (overdue days
// too, as they are in today's queue), "tomorrow", "in 5 days", and past a
// month "on 2026-12-07".
func dueIn(due, today srs.Day) string {
	switch n := due.Sub(today); {
	case n <= 0:
		return "today"
	case n == 1:
		return "tomorrow"
	case n < 31:
		return fmt.Sprintf("in %d days", n)
	default:
		return "on " + due.String()
	}
}

// dueInDated is dueIn with the date beside a day counted from today:
// "tomorrow, 2026-12-07", "in 5 days, 2026-12-11", "on 2027-02-01".
func dueInDated(due, today srs.Day) string {
	when := dueIn(due, today)
	if n := due.Sub(today); n > 0 && n < 31 {
		when += ", " + due.String()
	}
	return when
}

// recallText is a card's predicted chance of recall on the day, "83 %",
// or "–" for a card never reviewed, as the list shows its other empty values.
func recallText(c data.Card, today srs.Day) string {
	r, ok := c.RecallOn(today)
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", math.Round(r*100))
}

// cardParam reads the :id of a card URL; anything but a number is a 404.
func cardParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound, "There is no such card.")
	}
	return id, nil
}

// cardFromPath is the user's card the address's :id names; a bad id, or
// another user's card, is a 404.
func (a *App) cardFromPath(c echo.Context, u data.User) (data.Card, error) {
	id, err := cardParam(c)
	if err != nil {
		return data.Card{}, err
	}
	return a.store.GetCard(c.Request().Context(), u.ID, id)
}

// cardForm reads the card editor's fields.
func cardForm(c echo.Context) (data.CardInput, views.CardFormView, error) {
	v := views.CardFormView{
		Front:     c.FormValue("front"),
		Back:      c.FormValue("back"),
		Category:  c.FormValue("category"),
		Deck:      c.FormValue("deck"),
		KeyPoints: c.FormValue("key_points"),
		Tags:      c.FormValue("tags"),
	}
	in := data.CardInput{Front: v.Front, Back: v.Back, Category: v.Category, KeyPoints: strings.Split(v.KeyPoints, "\n"), Tags: data.SplitTags(v.Tags)}
	if v.Deck != "" {
		id, err := strconv.ParseInt(v.Deck, 10, 64)
		if err != nil || id <= 0 {
			return in, v, data.Errorf(data.ErrInvalid, "Choose one of your decks")
		}
		in.DeckID = id
	}
	return in, v, nil
}

// cardPreview renders the editor's text as the card will show. Text over
// the limits is cut, not refused: saving says what is wrong with it.
func cardPreview(v views.CardFormView) views.CardPreviewView {
	cut := func(s string, n int) string {
		if r := []rune(s); len(r) > n {
			return string(r[:n])
		}
		return s
	}
	front, back := strings.TrimSpace(cut(v.Front, data.MaxCardTextRunes)), strings.TrimSpace(cut(v.Back, data.MaxCardTextRunes))
	var kps []string
	for kp := range strings.SplitSeq(v.KeyPoints, "\n") {
		if kp = strings.TrimSpace(kp); kp != "" && len(kps) < data.MaxKeyPoints {
			kps = append(kps, cut(kp, data.MaxKeyPointRunes))
		}
	}
	if front == "" && back == "" && len(kps) == 0 {
		return views.CardPreviewView{Empty: true}
	}
	r := cardtext.RenderCard(front, back, kps)
	if nums, _ := cardtext.ClozeNumbers(front, false); len(nums) > 0 {
		// A cloze note: its first card, with the key points it will have.
		r = cardtext.RenderCloze(front, back, nums[0], cardtext.ClozeAnswers(front, nums[0]))
	}
	return views.CardPreviewView{FrontHTML: r.FrontHTML, BackHTML: r.BackHTML, KeyPointsHTML: r.KeyPointsHTML}
}

// previewCard is the editor's live preview: the card as typed so far,
// rendered; nothing is saved.
func (a *App) previewCard(c echo.Context) error {
	_, v, _ := cardForm(c) // a deck that is no number does not matter here
	return a.render(c, http.StatusOK, views.CardPreview(cardPreview(v)))
}

func (a *App) renderCardForm(c echo.Context, u data.User, status int, title string, v views.CardFormView) error {
	var err error
	v.Preview = cardPreview(v)
	if v.Categories, v.Decks, err = a.cardChoices(c, u.ID); err != nil {
		return err
	}
	if v.ImageUse, err = a.imageUse(c, u.ID); err != nil {
		return err
	}
	if v.AllTags, err = a.tagOptions(c, u.ID); err != nil {
		return err
	}
	if v.ID == 0 && !hasOption(v.Decks, data.DefaultDeckName) {
		// No deck chosen means the default deck, made with the first card.
		v.Decks = append([]views.SelectOption{{Value: "", Label: data.DefaultDeckName}}, v.Decks...)
	}
	p := a.page(c, title)
	p.Nav = "cards"
	return a.render(c, status, views.CardForm(p, v))
}

func hasOption(opts []views.SelectOption, label string) bool {
	for _, o := range opts {
		if o.Label == label {
			return true
		}
	}
	return false
}

func (a *App) newCardPage(c echo.Context, u data.User) error {
	v := views.CardFormView{Category: data.UncategorizedSlug, Deck: c.QueryParam("deck"), Tags: c.QueryParam("tags")}
	if cat := c.QueryParam("category"); cat != "" {
		v.Category = cat // one the user does not have selects nothing: the first
	}
	if id, err := strconv.ParseInt(c.QueryParam("added"), 10, 64); err == nil && id > 0 {
		// The card just added, when it is the user's: a link to it.
		if card, err := a.store.GetCard(c.Request().Context(), u.ID, id); err == nil {
			v.Added = &views.AddedCard{ID: card.ID, Front: cardtext.ShortText(cardFrontPlain(card), cardFrontShown)}
			if card.NoteID != 0 {
				if v.Added.Cards, err = a.store.CountNoteCards(c.Request().Context(), u.ID, card.NoteID); err != nil {
					return err
				}
			}
		}
	}
	if v.Deck == "" {
		decks, err := a.store.ListDecks(c.Request().Context(), u.ID)
		if err != nil {
			return err
		}
		for _, d := range decks {
			if d.Name == data.DefaultDeckName {
				v.Deck = strconv.FormatInt(d.ID, 10)
			}
		}
	}
	return a.renderCardForm(c, u, http.StatusOK, "New card", v)
}

func (a *App) createCard(c echo.Context, u data.User) error {
	in, v, err := cardForm(c)
	if c.FormValue("preview") != "" {
		// The Preview button, without JavaScript: show the form again, previewed.
		return a.renderCardForm(c, u, http.StatusOK, "New card", v)
	}
	var card data.Card
	if err == nil {
		card, err = a.store.CreateCard(c.Request().Context(), u.ID, in)
	}
	if errors.Is(err, data.ErrInvalid) {
		v.Error = userMessage(err)
		return a.renderCardForm(c, u, http.StatusBadRequest, "New card", v)
	}
	if err != nil {
		return err
	}
	// Straight on to the next card, in the same deck, category and tags: adding
	// several in a row is the common case. The form says "Card added." with
	// a link to the card.
	next := url.Values{"added": {strconv.FormatInt(card.ID, 10)}, "category": {card.Category}}
	if in.DeckID != 0 {
		next.Set("deck", strconv.FormatInt(in.DeckID, 10))
	}
	if len(card.Tags) > 0 {
		next.Set("tags", strings.Join(card.Tags, " ")) // and the same tags
	}
	return redirect(c, "/cards/new?"+next.Encode())
}

// editCardView fills the editor with a stored card.
func editCardView(card data.Card, today srs.Day) views.CardFormView {
	v := views.CardFormView{
		ID:        card.ID,
		Front:     card.Front,
		Back:      card.Back,
		Category:  card.Category,
		Deck:      strconv.FormatInt(card.DeckID, 10),
		KeyPoints: strings.Join(card.KeyPoints, "\n"),
		Tags:      strings.Join(card.Tags, " "),
		State:     cardStateLong(card, today),
		Suspended: card.Suspended,
		Source:    card.Source,
		Cloze:     card.Cloze,
	}
	if card.Cloze > 0 {
		v.KeyPoints = "" // its deleted text; the field is not used for a cloze note
	}
	return v
}

// cardStateLong is cardState with the date and the numbers the editor shows.
func cardStateLong(c data.Card, today srs.Day) string {
	if !c.Sched.Graded {
		return "New: not reviewed yet."
	}
	s, when := c.Sched.State, dueInDated(c.Sched.Due, today)
	return fmt.Sprintf("Due %s (interval %s). %s in a row, ease %d.%02d, %s.", when, words.Count(s.Interval, "day", "days"),
		words.Count(s.Repetitions, "successful review", "successful reviews"), s.Ease/100, s.Ease%100, words.Count(c.Lapses, "lapse", "lapses"))
}

func (a *App) editCardPage(c echo.Context, u data.User) error {
	card, err := a.cardFromPath(c, u)
	if err != nil {
		return err
	}
	today, err := a.studyDay(c, u.ID)
	if err != nil {
		return err
	}
	v := editCardView(card, today)
	v.Return = safeNext(c.QueryParam("return"))
	reviews, total, err := a.store.CardHistory(c.Request().Context(), u.ID, card.ID)
	if err != nil {
		return err
	}
	v.History = cardHistory(reviews, total, a.userLocation(c, u.ID))
	return a.renderCardForm(c, u, http.StatusOK, "Edit card", v)
}

// updateCard saves an edit; the card's progress stays as it was.
func (a *App) updateCard(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	card, err := a.cardFromPath(c, u) // another user's card is a 404, whatever the form says
	if err != nil {
		return err
	}
	id := card.ID
	in, v, err := cardForm(c)
	preview := c.FormValue("preview") != ""
	var edit data.CardEdit
	if err == nil && !preview {
		edit, err = a.store.EditCard(ctx, u.ID, id, in)
	}
	if preview || errors.Is(err, data.ErrInvalid) {
		today, terr := a.studyDay(c, u.ID)
		if terr != nil {
			return terr
		}
		stored := editCardView(card, today)
		v.ID, v.State, v.Suspended, v.Source = id, stored.State, stored.Suspended, stored.Source
		v.Return = safeNext(c.FormValue("return"))
		if preview {
			// The Preview button, without JavaScript: nothing is saved.
			return a.renderCardForm(c, u, http.StatusOK, "Edit card", v)
		}
		v.Error = userMessage(err)
		return a.renderCardForm(c, u, http.StatusBadRequest, "Edit card", v)
	}
	if err != nil {
		return err
	}
	if err := a.flash(c, true, edit.Summary()); err != nil {
		return err
	}
	// Back where the edit began (the review, with the card up again), if
	// that is a path on this site; else the editor.
	if back := safeNext(c.FormValue("return")); back != "" {
		return redirect(c, back)
	}
	return redirect(c, fmt.Sprintf("/cards/%d/edit", edit.CardID)) // the edited card, unless its cloze number is gone
}

func (a *App) suspendCard(c echo.Context, u data.User) error   { return a.setSuspended(c, u, true) }
func (a *App) unsuspendCard(c echo.Context, u data.User) error { return a.setSuspended(c, u, false) }

func (a *App) setSuspended(c echo.Context, u data.User, suspended bool) error {
	id, err := cardParam(c)
	if err != nil {
		return err
	}
	if err := a.store.SetSuspended(c.Request().Context(), u.ID, id, suspended); err != nil {
		return err
	}
	msg := "Card unsuspended: it is back in your reviews."
	if suspended {
		msg = "Card suspended: it stays out of your reviews until you unsuspend it."
	}
	return a.flashTo(c, true, msg, fmt.Sprintf("/cards/%d/edit", id))
}

// deleteCardPage asks first, so deleting works, and is safe, without JavaScript.
func (a *App) deleteCardPage(c echo.Context, u data.User) error {
	card, err := a.cardFromPath(c, u)
	if err != nil {
		return err
	}
	p := a.page(c, "Delete card")
	p.Nav = "cards"
	return a.render(c, http.StatusOK, views.CardDelete(p, views.CardDeleteView{ID: card.ID, Front: cardtext.ShortText(cardFrontPlain(card), 300), Days: trashDays}))
}

// deleteCard moves the card to the trash, whence it can come back.
func (a *App) deleteCard(c echo.Context, u data.User) error {
	id, err := cardParam(c)
	if err != nil {
		return err
	}
	if _, err := a.store.TrashCards(c.Request().Context(), u.ID, []int64{id}); err != nil {
		return err
	}
	msg := fmt.Sprintf("Card deleted: it is in the trash, with its history, for %d days.", trashDays)
	return a.flashTo(c, true, msg, "/cards")
}
