package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

// Practice mode (/practice): any card of a scope (a category, a deck, or
// all), weakest recall first, with no daily limit, each card once a round
// (data.PracticeNext). Its grades are practice grades: the memory state
// moves, the schedule does not. It uses the review page's card view.

// practiceQuery reads a practice page's scope and round (?category=,
// ?deck=, ?round=, or the same in a form's "filter" field) and returns
// them with their canonical query string.
func practiceQuery(vals url.Values) (data.PracticeQuery, string, error) {
	f, query, err := reviewFilter(vals)
	if err != nil {
		return data.PracticeQuery{}, "", err
	}
	q := data.PracticeQuery{Filter: f}
	if r := strings.TrimSpace(vals.Get("round")); r != "" {
		round, err := strconv.ParseInt(r, 10, 64)
		if err != nil || round < 0 {
			return data.PracticeQuery{}, "", echo.NewHTTPError(http.StatusBadRequest, "round must be a whole number, as the practice page gives it")
		}
		q.Round = round
		query = strings.TrimPrefix(query+"&round="+r, "&")
	}
	return q, query, nil
}

func practiceURL(query, extra string) string {
	q := strings.Trim(query+"&"+extra, "&")
	if q == "" {
		return "/practice"
	}
	return "/practice?" + q
}

// practicePage shows the card to practise, its back when ?reveal=ID names
// it, or the end of the round.
func (a *App) practicePage(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	q, query, err := practiceQuery(c.QueryParams())
	if err != nil {
		return err
	}
	var reveal int64
	reveal, q.Prefer = askedCard(c)
	pc, err := a.store.PracticeNext(ctx, u.ID, q)
	if errors.Is(err, data.ErrPracticeDone) {
		return a.practiceDonePage(c, u, q, pc)
	}
	if err != nil {
		return err
	}
	shown := a.shownAt(c, reveal, pc.Card.ID)
	typeAnswer, err := a.typeAnswer(c, u)
	if err != nil {
		return err
	}
	v := a.practiceView(c, u, pc, q.Filter, query, shown)
	v.Revealed = reveal == pc.Card.ID
	v.TypeAnswer = typeAnswer
	p := a.page(c, "Practice")
	p.Nav = "review"
	return a.render(c, http.StatusOK, views.Review(p, v))
}

func (a *App) practiceView(c echo.Context, u data.User, pc data.PracticeCard, f data.ReviewFilter, query string, shown int64) views.ReviewView {
	v := views.ReviewView{
		Practice: true, PracticeLeft: pc.Left, PracticeDone: pc.Practised,
		CardID: pc.Card.ID, Front: pc.Card.Front, Back: pc.Card.Back, Category: pc.Card.CategoryName, Tags: pc.Card.Tags, KeyPoints: pc.Card.KeyPoints,
		FrontHTML: pc.Card.FrontHTML, BackHTML: pc.Card.BackHTML, KeyPointsHTML: pc.Card.KeyPointsHTML,
		Step: pc.Step, GradeKey: newFormKey(), Shown: shown, Query: query, Filter: a.filterLabel(c, u, f),
		// A practice grade moves no due day: the buttons say nothing of when.
		Grades: gradeButtons(), Suggested: -1,
	}
	if pc.Card.Reviewed {
		v.Recall = recallText(pc.Card, pc.Today)
	}
	return v
}

func (a *App) practiceDonePage(c echo.Context, u data.User, q data.PracticeQuery, pc data.PracticeCard) error {
	_, scope, _ := reviewFilter(url.Values{"category": {q.Filter.Category}, "deck": {deckParam(q.Filter.DeckID)}, "tag": {q.Filter.Tag}})
	v := views.PracticeDoneView{
		Practised: pc.Practised,
		Filter:    a.filterLabel(c, u, q.Filter),
		AgainURL:  practiceURL(scope, "round="+strconv.FormatInt(pc.NextRound, 10)),
		Empty:     pc.Practised == 0,
	}
	if f := q.Filter; f.Category != "" && f.DeckID == 0 && f.Tag == "" {
		v.Filter = strings.TrimPrefix(v.Filter, "Category: ")
	}
	p := a.page(c, "Practice")
	p.Nav = "review"
	return a.render(c, http.StatusOK, views.PracticeDone(p, v))
}

func deckParam(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// practiceReveal checks a typed answer and shows the back, as revealForm
// does for the day's queue.
func (a *App) practiceReveal(c echo.Context, u data.User) error {
	vals, _ := url.ParseQuery(c.FormValue("filter"))
	q, query, err := practiceQuery(vals)
	if err != nil {
		return err
	}
	cardID, answer, err := readRevealForm(c)
	if err != nil {
		return err
	}
	q.Prefer = cardID
	pc, err := a.store.PracticeNext(c.Request().Context(), u.ID, q)
	if errors.Is(err, data.ErrPracticeDone) || (err == nil && pc.Card.ID != cardID) {
		return redirect(c, practiceURL(query, "")) // a stale tab: show what is up now
	}
	if err != nil {
		return err
	}
	shown, _ := strconv.ParseInt(c.FormValue("shown"), 10, 64)
	if shown <= 0 {
		shown = a.now().UnixMilli()
	}
	v := a.practiceView(c, u, pc, q.Filter, query, shown)
	v.Revealed, v.Checked, v.Typed = true, true, answer
	v.Points, v.Suggested = markPoints(pc.Card, answer)
	p := a.page(c, "Practice")
	p.Nav = "review"
	return a.render(c, http.StatusOK, views.Review(p, v))
}

// practiceGrade records a practice grade and shows the next card. A stale
// form (graded meanwhile, a double click) changes nothing.
func (a *App) practiceGrade(c echo.Context, u data.User) error {
	vals, _ := url.ParseQuery(c.FormValue("filter"))
	_, query, err := practiceQuery(vals)
	if err != nil {
		return err
	}
	g, err := a.readGradeForm(c, u.ID)
	if err != nil {
		return err
	}
	g.Practice = true
	_, err = a.store.GradeCard(c.Request().Context(), u.ID, g)
	switch {
	case errors.Is(err, data.ErrConflict):
		if err := a.flash(c, false, "That card was already graded or is out of play; here is the next card to practise."); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	return redirect(c, practiceURL(query, ""))
}

// practiceUndo takes back the last grade, as on the review page, and shows
// its card again.
func (a *App) practiceUndo(c echo.Context, u data.User) error {
	vals, _ := url.ParseQuery(c.FormValue("filter"))
	_, query, err := practiceQuery(vals)
	if err != nil {
		return err
	}
	return a.undoThenShow(c, u, func(extra string) string { return practiceURL(query, extra) })
}

// studyMoreForm raises today's limits from the "Done for today" page:
// new=N more new cards, reviews=N more reviews.
func (a *App) studyMoreForm(c echo.Context, u data.User) error {
	vals, _ := url.ParseQuery(c.FormValue("filter"))
	_, query, err := reviewFilter(vals)
	if err != nil {
		return err
	}
	amount := func(field, what string) (int, error) {
		v := strings.TrimSpace(c.FormValue(field))
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("%s must be a whole number of %s.", field, what))
		}
		return n, nil
	}
	moreNew, err := amount("new", "new cards")
	if err != nil {
		return err
	}
	moreReviews, err := amount("reviews", "reviews")
	if err != nil {
		return err
	}
	extraNew, extraReviews, err := a.store.StudyMore(c.Request().Context(), u.ID, moreNew, moreReviews)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Today's limits are raised by %s and %s.", words.Count(extraNew, "new card", "new cards"), words.Count(extraReviews, "review", "reviews"))
	return a.flashTo(c, true, msg, reviewURLFor(query, ""))
}

// apiPracticeNext answers the next card to practise, in the shape of
// GET /review/next (remaining: the scope's cards left in the round), or
// 204 when the scope is exhausted.
func (a *App) apiPracticeNext(c echo.Context, u data.User) error {
	q, _, err := practiceQuery(c.QueryParams())
	if err != nil {
		return err
	}
	pc, err := a.store.PracticeNext(c.Request().Context(), u.ID, q)
	if errors.Is(err, data.ErrPracticeDone) {
		return c.NoContent(http.StatusNoContent)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, nextJSON{Card: toCardJSON(pc.Card), Remaining: pc.Left})
}

// apiStudyMore raises today's limits, as the Done for today page does:
// {"new": 10, "reviews": 50}, either may be left out. It answers the
// day's raise so far.
func (a *App) apiStudyMore(c echo.Context, u data.User) error {
	var body struct {
		New     int `json:"new" expect:"a whole number of new cards"`
		Reviews int `json:"reviews" expect:"a whole number of reviews"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	extraNew, extraReviews, err := a.store.StudyMore(c.Request().Context(), u.ID, body.New, body.Reviews)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"extra_new": extraNew, "extra_reviews": extraReviews})
}
