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

// keyPoints pairs a card's key points, as the plain text one would type
// (their Markdown taken away), with the card's own synonyms for them.
func keyPoints(card data.Card) []answer.KeyPoint {
	kps := make([]answer.KeyPoint, len(card.KeyPoints))
	for i, kp := range card.KeyPoints {
		kps[i] = answer.KeyPoint{Text: data.PlainText(kp), Synonyms: card.Synonyms[kp]}
	}
	return kps
}

// checkKeyPoints checks an answer against the card's key points and says,
// for each key point in the card's order, whether it was covered. The
// matcher sees plain text; the answer is mapped back to the key points as
// written, so coverage is stored and shown by the card's own key points.
func checkKeyPoints(card data.Card, typed string) (covered []bool, n int) {
	kps := keyPoints(card)
	cov := answer.Check(typed, kps)
	// Coverage keeps the card's order and names each key point once, in
	// Covered or Missed; two key points of the same plain text are judged
	// alike, so taking them in order is exact.
	covered = make([]bool, len(kps))
	for i, kp := range kps {
		if n < len(cov.Covered) && cov.Covered[n] == kp.Text {
			covered[i] = true
			n++
		}
	}
	return covered, n
}

// coverage is checkKeyPoints as the key points covered and missed.
func coverage(card data.Card, answer string) (covered, missed []string) {
	marks, _ := checkKeyPoints(card, answer)
	covered, missed = []string{}, []string{}
	for i, kp := range card.KeyPoints {
		if marks[i] {
			covered = append(covered, kp)
		} else {
			missed = append(missed, kp)
		}
	}
	return covered, missed
}

// revealForm shows the back of the card after a typed answer, with each key
// point marked covered or missed and a suggested grade pre-selected.
func (a *App) revealForm(c echo.Context) error {
	u, _ := currentUser(c)
	vals, _ := url.ParseQuery(c.FormValue("filter"))
	f, query, err := reviewFilter(vals)
	if err != nil {
		return err
	}
	cardID, err := strconv.ParseInt(c.FormValue("card_id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form names no card.")
	}
	answer := c.FormValue("answer")
	if err := checkTypedAnswer(answer); err != nil {
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
	v := a.reviewView(c, qc, f, query, shown)
	v.Revealed, v.Checked, v.Typed = true, true, answer
	v.Points, v.Suggested = markPoints(qc.Card, answer)
	p := a.page(c, "Review")
	p.Nav = "review"
	return a.render(c, http.StatusOK, views.Review(p, v))
}

// coverageOf checks a typed answer against the card at grading time, so
// the stored coverage never depends on what the browser sent back.
func (a *App) coverageOf(c echo.Context, userID, cardID int64, answer string) (covered, missed []string, err error) {
	if answer == "" {
		return nil, nil, nil
	}
	card, err := a.store.GetCard(c.Request().Context(), userID, cardID)
	if err != nil {
		return nil, nil, err
	}
	covered, missed = coverage(card, answer)
	return covered, missed, nil
}

// apiCheck checks a typed answer against a card's key points. It is
// read-only: nothing is graded or stored.
func (a *App) apiCheck(c echo.Context) error {
	u, _ := currentUser(c)
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
	covered, missed := coverage(card, *body.Answer)
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
	covered, n := checkKeyPoints(card, typed)
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
