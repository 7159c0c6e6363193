package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

// trashDays is how long the trash keeps a card, in the words of the pages.
const trashDays = int(data.TrashKeep / (24 * time.Hour))

// trashPage lists the cards in the user's trash, most recently deleted
// first, with boxes to restore them or delete them for good.
func (a *App) trashPage(c echo.Context, u data.User) error {
	pageNo := 1
	if n, err := strconv.Atoi(c.QueryParam("page")); err == nil && n > 1 && n <= maxPage {
		pageNo = n
	}
	t, err := a.store.ListTrash(c.Request().Context(), u.ID, cardsPerPage, (pageNo-1)*cardsPerPage)
	if err != nil {
		return err
	}
	link := func(n int) string {
		if n <= 1 {
			return "/cards/trash"
		}
		return "/cards/trash?page=" + strconv.Itoa(n)
	}
	v := views.TrashView{
		Total: t.Total,
		Days:  trashDays,
		Pager: pager(pageNo, (t.Total+cardsPerPage-1)/cardsPerPage, link),
		URL:   link(pageNo),
	}
	loc := a.userLocation(c, u.ID)
	for _, card := range t.Cards {
		v.Rows = append(v.Rows, views.TrashRow{
			ID:       card.ID,
			Front:    cardtext.ShortText(cardtext.PlainText(card.Front), cardFrontShown),
			Deck:     card.Deck,
			Category: card.Category,
			Reviews:  card.Reviews,
			Deleted:  card.DeletedAt.In(loc).Format("2006-01-02 15:04"),
			Purge:    card.PurgeAt.In(loc).Format("2006-01-02"),
		})
	}
	p := a.page(c, "Trash")
	p.Nav = "cards"
	return a.render(c, http.StatusOK, views.Trash(p, v))
}

// userLocation is the user's time zone, UTC when it cannot be read.
func (a *App) userLocation(c echo.Context, userID int64) *time.Location {
	st, err := a.store.UserSettings(c.Request().Context(), userID)
	if err != nil {
		return time.UTC
	}
	return st.Location()
}

// trashAction restores the chosen cards or, once confirmed on a page of
// its own (so that it is safe without JavaScript), deletes them for good.
func (a *App) trashAction(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	back := safeNext(c.FormValue("return"))
	if back == "" || back[:min(len(back), 12)] != "/cards/trash" {
		back = "/cards/trash"
	}
	ids, err := formCardIDs(c)
	if err != nil {
		return err
	}
	cards := func(n int) string { return words.Count(n, "card", "cards") }
	var msg string
	switch c.FormValue("action") {
	case "restore":
		var n int
		n, err = a.store.RestoreCards(ctx, u.ID, ids)
		msg = fmt.Sprintf("Restored %s, with %s history.", cards(n), pick(n, "its", "their"))
	case "delete":
		if c.FormValue("confirm") != "yes" {
			return a.confirmPurge(c, u, ids, back)
		}
		var n int
		n, err = a.store.DeleteTrashedCards(ctx, u.ID, ids)
		msg = fmt.Sprintf("Deleted %s for good, with %s history.", cards(n), pick(n, "its", "their"))
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "Choose what to do with the chosen cards.")
	}
	switch {
	case errors.Is(err, data.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "Some of the chosen cards are not in your trash; nothing was changed.")
	case errors.Is(err, data.ErrInvalid), errors.Is(err, data.ErrConflict):
		return a.flashTo(c, false, userMessage(err), back)
	case err != nil:
		return err
	}
	return a.flashTo(c, true, msg, back)
}

// confirmPurge asks before cards leave the trash for good.
func (a *App) confirmPurge(c echo.Context, u data.User, ids []int64, back string) error {
	cards, err := a.store.TrashedCardsByID(c.Request().Context(), u.ID, ids)
	if errors.Is(err, data.ErrInvalid) {
		return a.flashTo(c, false, userMessage(err), back)
	}
	if err != nil {
		return err
	}
	v := views.PurgeView{Return: back}
	for _, card := range cards {
		v.IDs = append(v.IDs, card.ID)
		v.Fronts = append(v.Fronts, cardtext.ShortText(cardtext.PlainText(card.Front), cardFrontShown))
	}
	if want := len(slices.Compact(slices.Sorted(slices.Values(ids)))); len(v.IDs) != want {
		return echo.NewHTTPError(http.StatusNotFound, "Some of the chosen cards are not in your trash; nothing was changed.")
	}
	p := a.page(c, "Delete for good")
	p.Nav = "cards"
	return a.render(c, http.StatusOK, views.ConfirmPurge(p, v))
}
