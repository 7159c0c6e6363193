package handlers

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

// Tags (data/tags.go) where the pages and the API meet them: the ?tag=
// filter of the review, practice and card list, the tag list the forms
// suggest from, the card browser's bulk add and remove, and GET /api/v1/tags.

// tagParam reads ?tag=: "" for none; a tag that cannot be one is a 400
// saying why.
func tagParam(vals url.Values) (string, error) {
	tag, err := data.CleanTagFilter(vals.Get("tag"))
	if err != nil {
		return "", echo.NewHTTPError(http.StatusBadRequest, userMessage(err))
	}
	return tag, nil
}

// cardTags is a card's tags for JSON: [] for none, never null.
func cardTags(c data.Card) []string {
	if c.Tags == nil {
		return []string{}
	}
	return c.Tags
}

// tagOptions are the user's tags, for the forms' suggestions.
func (a *App) tagOptions(c echo.Context, userID int64) ([]views.TagOption, error) {
	tags, err := a.store.UserTags(c.Request().Context(), userID)
	if err != nil {
		return nil, err
	}
	out := make([]views.TagOption, len(tags))
	for i, t := range tags {
		out[i] = views.TagOption{Tag: t.Tag, Cards: t.Cards}
	}
	return out, nil
}

// bulkTag adds the form's tag to the chosen cards, or removes it (with the
// tags under it), and says what changed.
func (a *App) bulkTag(c echo.Context, u data.User, ids []int64, add bool) (string, error) {
	tag := c.FormValue("tag")
	n, err := a.store.TagCards(c.Request().Context(), u.ID, ids, tag, add)
	if err != nil {
		return "", err
	}
	tag, _ = data.CleanTagFilter(tag)
	cards := words.Count(n, "card", "cards")
	switch {
	case add && n == 0:
		return fmt.Sprintf("Nothing changed: the chosen cards have the tag %s already.", tag), nil
	case add:
		return fmt.Sprintf("Added the tag %s to %s.", tag, cards), nil
	case n == 0:
		return fmt.Sprintf("Nothing changed: none of the chosen cards has the tag %s.", tag), nil
	}
	return fmt.Sprintf("Took the tag %s (and the tags under it) off %s.", tag, cards), nil
}

// apiTags answers the user's tags with how many cards carry each.
func (a *App) apiTags(c echo.Context, u data.User) error {
	tags, err := a.store.UserTags(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	type tagJSON struct {
		Tag   string `json:"tag"`
		Cards int    `json:"cards"`
	}
	out := make([]tagJSON, len(tags))
	for i, t := range tags {
		out[i] = tagJSON{Tag: t.Tag, Cards: t.Cards}
	}
	return c.JSON(http.StatusOK, map[string]any{"tags": out})
}
