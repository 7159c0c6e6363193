package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
)

func toCardJSON(c data.Card) cardJSON {
	kps := c.KeyPoints
	if kps == nil {
		kps = []string{}
	}
	return cardJSON{ID: c.ID, Front: c.Front, Back: c.Back, Category: c.Category, KeyPoints: kps, Tags: cardTags(c), Cloze: c.Cloze, Note: c.NoteID}
}

// toFullCardJSON is a card with its state; today is the user's study day,
// for the predicted recall.
func toFullCardJSON(c data.Card, today srs.Day) fullCardJSON {
	st := cardStateJSON{Repetitions: c.Sched.State.Repetitions, Interval: c.Sched.State.Interval, Ease: c.Sched.State.Ease, Lapses: c.Lapses}
	if c.Sched.Graded {
		due := c.Sched.Due.String()
		st.Due = &due
	}
	out := fullCardJSON{cardJSON: toCardJSON(c), Deck: c.Deck, Suspended: c.Suspended, State: st}
	if r, ok := c.RecallOn(today); ok {
		out.Memory = &memoryJSON{Stability: c.Memory.Stability, Difficulty: c.Memory.Difficulty, RecallNow: r}
	}
	return out
}

func toGradeJSON(r data.GradeResult) gradeJSON {
	due := ""
	if r.Graded {
		due = r.Due.String()
	}
	return gradeJSON{CardID: r.CardID, Repetitions: r.State.Repetitions, Interval: r.State.Interval, Ease: r.State.Ease, Due: due, Redrill: r.Redrill}
}

// apiNext answers the next card of the day, or 204 when the day is done.
func (a *App) apiNext(c echo.Context, u data.User) error {
	f, _, err := reviewFilter(c.QueryParams())
	if err != nil {
		return err
	}
	qc, err := a.store.NextCard(c.Request().Context(), u.ID, f, 0)
	if errors.Is(err, data.ErrQueueEmpty) {
		return c.NoContent(http.StatusNoContent)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, nextJSON{Card: toCardJSON(qc.Card), Remaining: qc.Queue.Remaining, Redrill: qc.Redrill, FinalPass: qc.FinalPass})
}

// apiGrade grades a card: 400 for a bad body, 404 for a card that is not
// the caller's, 409 for a card that is not up for review now.
func (a *App) apiGrade(c echo.Context, u data.User) error {
	id, err := cardParam(c)
	if err != nil {
		return err
	}
	var body struct {
		Grade    *int   `json:"grade" expect:"a whole number from 0 to 5"`
		AnswerMS *int   `json:"answer_ms" expect:"a whole number of milliseconds"`
		Answer   string `json:"answer" expect:"text in quotes"`
		// A practice grade: any card in play, outside the schedule.
		Practice bool `json:"practice" expect:"true or false"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.Grade == nil || !srs.Grade(*body.Grade).Valid() {
		return echo.NewHTTPError(http.StatusBadRequest, "grade must be a whole number from 0 to 5")
	}
	if err := checkTypedAnswer(body.Answer); err != nil {
		return err
	}
	g := data.Grade{CardID: id, Grade: srs.Grade(*body.Grade), Step: -1, TypedAnswer: body.Answer, Practice: body.Practice}
	if body.AnswerMS != nil {
		g.AnswerMS = *body.AnswerMS
	}
	res, err := a.store.GradeCard(c.Request().Context(), u.ID, g)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toGradeJSON(res))
}

func (a *App) apiUndo(c echo.Context, u data.User) error {
	res, err := a.store.Undo(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toGradeJSON(res))
}

// apiCards answers one page of the user's cards, newest first.
func (a *App) apiCards(c echo.Context, u data.User) error {
	limit, last, err := pageParams(c)
	if err != nil {
		return err
	}
	f := data.CardFilter{Category: strings.TrimSpace(c.QueryParam("category")), Query: c.QueryParam("q"), Before: last, Limit: limit + 1} // one more tells whether a page follows
	if deck := c.QueryParam("deck"); deck != "" {
		id, err := strconv.ParseInt(deck, 10, 64)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "deck must be the id of one of your decks, a whole number")
		}
		f.DeckID = id
	}
	if f.Tag, err = tagParam(c.QueryParams()); err != nil {
		return err
	}
	cards, err := a.store.ListCards(c.Request().Context(), u.ID, f)
	if err != nil {
		return err
	}
	today, err := a.studyDay(c, u.ID)
	if err != nil {
		return err
	}
	more := len(cards) > limit
	cards = cards[:min(len(cards), limit)]
	page := cardPageJSON{Cards: make([]fullCardJSON, len(cards))}
	for i, card := range cards {
		page.Cards[i] = toFullCardJSON(card, today)
	}
	if more {
		next := encodeCursor(cards[len(cards)-1].ID)
		page.NextCursor = &next
	}
	return c.JSON(http.StatusOK, page)
}

func (a *App) apiCard(c echo.Context, u data.User) error {
	card, err := a.cardFromPath(c, u)
	if err != nil {
		return err
	}
	today, err := a.studyDay(c, u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFullCardJSON(card, today))
}

// apiCategories answers the user's categories whole: an account has at most
// data.MaxCategories of them.
func (a *App) apiCategories(c echo.Context, u data.User) error {
	cats, err := a.store.ListCategories(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	type catJSON struct {
		Slug        string `json:"slug"`
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	out := make([]catJSON, len(cats))
	for i, cat := range cats {
		out[i] = catJSON{Slug: cat.Slug, Name: cat.Name, Description: cat.Description}
	}
	return c.JSON(http.StatusOK, map[string]any{"categories": out})
}
