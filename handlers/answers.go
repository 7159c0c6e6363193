package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs/answer"
	"github.com/flashcards/flashcards/views"
)

// revealForm shows the back of the card after a typed answer, with each key
// point marked covered or missed and a suggested grade pre-selected.
func (a *App) revealForm(c echo.Context, u data.User) error {
	vals, _ := url.ParseQuery(c.FormValue("filter"))
	f, query, err := reviewFilter(vals)
	if err != nil {
		return err
	}
	cardID, answer, err := readRevealForm(c)
	if err != nil {
		return err
	}
	qc, err := a.store.NextCard(c.Request().Context(), u.ID, f, cardID)
	if errors.Is(err, data.ErrQueueEmpty) || (err == nil && qc.Card.ID != cardID) {
		return redirect(c, reviewURLFor(query, "")) // a stale tab: show what is up now
	}
	if err != nil {
		return err
	}
	shown, _ := strconv.ParseInt(c.FormValue("shown"), 10, 64)
	if shown <= 0 {
		shown = a.now().UnixMilli()
	}
	v := a.reviewView(c, u, qc, f, query, shown)
	v.Revealed, v.Checked, v.Typed = true, true, answer
	v.Points, v.Suggested = markPoints(qc.Card, answer)
	p := a.page(c, "Review")
	p.Nav = "review"
	return a.render(c, http.StatusOK, views.Review(p, v))
}

// apiCheck checks a typed answer against a card's key points. It is
// read-only: nothing is graded or stored.
func (a *App) apiCheck(c echo.Context, u data.User) error {
	id, err := cardParam(c)
	if err != nil {
		return err
	}
	var body struct {
		Answer *string `json:"answer" expect:"text in quotes"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.Answer == nil {
		return echo.NewHTTPError(http.StatusBadRequest, "answer is required")
	}
	if err := checkTypedAnswer(*body.Answer); err != nil {
		return err
	}
	card, err := a.store.GetCard(c.Request().Context(), u.ID, id)
	if err != nil {
		return err
	}
	covered, missed := card.Coverage(*body.Answer)
	var suggested *int
	if g, ok := answer.SuggestGrade(len(covered), len(card.KeyPoints)); ok {
		n := int(g)
		suggested = &n
	}
	return c.JSON(http.StatusOK, map[string]any{"covered": covered, "missed": missed, "suggested_grade": suggested})
}

// markPoints marks each of the card's key points covered or missed by the
// answer, and gives the suggested grade (-1 when the card has no key points).
func markPoints(card data.Card, typed string) ([]views.PointView, int) {
	covered, n := card.CheckAnswer(typed)
	pts := make([]views.PointView, 0, len(card.KeyPoints))
	for i, kp := range card.KeyPoints {
		p := views.PointView{Text: kp, Covered: covered[i]}
		if i < len(card.KeyPointsHTML) {
			p.HTML = card.KeyPointsHTML[i]
		}
		pts = append(pts, p)
	}
	suggested := -1
	if g, ok := answer.SuggestGrade(n, len(card.KeyPoints)); ok {
		suggested = int(g)
	}
	return pts, suggested
}
