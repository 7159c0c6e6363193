package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/views"
)

// The decks page: a deck's counts, its study link, rename and delete.

func (a *App) decksPage(c echo.Context, u data.User) error {
	return a.renderDecks(c, u, http.StatusOK, views.DecksView{})
}

func (a *App) renderDecks(c echo.Context, u data.User, status int, v views.DecksView) error {
	ctx := c.Request().Context()
	decks, err := a.store.DecksToStudy(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, d := range decks {
		v.Decks = append(v.Decks, views.DeckRow{ID: d.ID, Name: d.Name, Cards: d.Cards, Builtin: d.Builtin != "", New: d.New, Due: d.Due})
	}
	if v.HasBuiltin, err = a.store.HasBuiltinDeck(ctx, u.ID); err != nil {
		return err
	}
	p := a.page(c, "Decks")
	p.Nav = "cards"
	return a.render(c, status, views.Decks(p, v))
}

func (a *App) createDeck(c echo.Context, u data.User) error {
	name := c.FormValue("name")
	d, err := a.store.CreateDeck(c.Request().Context(), u.ID, name)
	if errors.Is(err, data.ErrInvalid) || errors.Is(err, data.ErrConflict) {
		return a.renderDecks(c, u, http.StatusBadRequest, views.DecksView{Name: name, Error: userMessage(err)})
	}
	if err != nil {
		return err
	}
	return a.flashTo(c, true, fmt.Sprintf("Deck %q created.", d.Name), "/decks")
}

// deckParam finds the user's deck named by :id; anything else is a 404.
func (a *App) deckParam(c echo.Context, u data.User) (data.Deck, error) {
	notFound := echo.NewHTTPError(http.StatusNotFound, "There is no such deck.")
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return data.Deck{}, notFound
	}
	decks, err := a.store.ListDecks(c.Request().Context(), u.ID)
	if err != nil {
		return data.Deck{}, err
	}
	for _, d := range decks {
		if d.ID == id {
			return d, nil
		}
	}
	return data.Deck{}, notFound
}

func (a *App) renameDeckPage(c echo.Context, u data.User) error {
	d, err := a.deckParam(c, u)
	if err != nil {
		return err
	}
	return a.renderRenameDeck(c, http.StatusOK, views.DeckRenameView{ID: d.ID, Current: d.Name, Name: d.Name})
}

func (a *App) renderRenameDeck(c echo.Context, status int, v views.DeckRenameView) error {
	p := a.page(c, "Rename deck")
	p.Nav = "cards"
	return a.render(c, status, views.DeckRename(p, v))
}

// renameDeck gives a deck a new name; the names of a user's decks differ.
func (a *App) renameDeck(c echo.Context, u data.User) error {
	d, err := a.deckParam(c, u)
	if err != nil {
		return err
	}
	name := c.FormValue("name")
	err = a.store.RenameDeck(c.Request().Context(), u.ID, d.ID, name)
	if errors.Is(err, data.ErrInvalid) || errors.Is(err, data.ErrConflict) {
		return a.renderRenameDeck(c, http.StatusBadRequest, views.DeckRenameView{ID: d.ID, Current: d.Name, Name: name, Error: userMessage(err)})
	}
	if err != nil {
		return err
	}
	return a.flashTo(c, true, fmt.Sprintf("Deck %q renamed %q.", d.Name, strings.TrimSpace(name)), "/decks")
}

func (a *App) deleteDeckPage(c echo.Context, u data.User) error {
	d, err := a.deckParam(c, u)
	if err != nil {
		return err
	}
	p := a.page(c, "Delete deck")
	p.Nav = "cards"
	return a.render(c, http.StatusOK, views.DeckDelete(p, views.DeckDeleteView{ID: d.ID, Name: d.Name, Cards: d.Cards}))
}

func (a *App) deleteDeck(c echo.Context, u data.User) error {
	d, err := a.deckParam(c, u)
	if err != nil {
		return err
	}
	if err := a.store.DeleteDeck(c.Request().Context(), u.ID, d.ID); err != nil {
		return err
	}
	return a.flashTo(c, true, fmt.Sprintf("Deck %q deleted with its cards.", d.Name), "/decks")
}

// addBuiltinDeck gives the user the built-in deck; a second click adds nothing.
func (a *App) addBuiltinDeck(c echo.Context, u data.User) error {
	res, err := a.store.AddBuiltinDeck(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Added the deck %q: %d cards.", res.Deck, res.Added)
	if res.Added == 0 {
		msg = fmt.Sprintf("You have every card of %q already; nothing was added.", res.Deck)
	}
	if err := a.flash(c, true, msg); err != nil {
		return err
	}
	next := safeNext(c.FormValue("next"))
	if next == "" {
		next = "/decks"
	}
	return redirect(c, next)
}
