package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
	"github.com/flashcards/flashcards/views"
)

// reviewFilter reads ?category=slug&deck=id&tag=t (or the same in a form's
// "filter" field) and returns it with its canonical query string.
func reviewFilter(vals url.Values) (data.ReviewFilter, string, error) {
	var f data.ReviewFilter
	q := url.Values{}
	if cat := strings.TrimSpace(vals.Get("category")); cat != "" {
		if !data.ValidSlug(cat) {
			return f, "", echo.NewHTTPError(http.StatusBadRequest, "There is no such category.")
		}
		f.Category = cat
		q.Set("category", cat)
	}
	if deck := strings.TrimSpace(vals.Get("deck")); deck != "" {
		id, err := strconv.ParseInt(deck, 10, 64)
		if err != nil || id <= 0 {
			return f, "", echo.NewHTTPError(http.StatusBadRequest, "There is no such deck.")
		}
		f.DeckID = id
		q.Set("deck", deck)
	}
	tag, err := tagParam(vals)
	if err != nil {
		return f, "", err
	}
	if tag != "" {
		f.Tag = tag
		q.Set("tag", tag)
	}
	return f, q.Encode(), nil
}

func gradeButtons() []views.GradeButton {
	bs := make([]views.GradeButton, 0, 6)
	for g := srs.Grade(0); g <= 5; g++ {
		bs = append(bs, views.GradeButton{Value: int(g), Label: g.Label(), Description: g.Description()})
	}
	return bs
}

// gradeButtonsFor are the grade buttons for the card up now, each saying
// when the card comes back after it (srs.Comebacks).
func gradeButtonsFor(qc data.QueueCard) []views.GradeButton {
	bs := gradeButtons()
	cbs, err := qc.Comebacks()
	if err != nil {
		return bs // not up for review: a queue card always is, but say nothing rather than something wrong
	}
	for i := range bs {
		bs[i].When, bs[i].WhenLong = comebackText(cbs[i])
	}
	return bs
}

// comebackText says when a card comes back, briefly for the button ("6 d",
// "again today", "today, then 6 d") and in words for a screen reader.
func comebackText(cb srs.Comeback) (short, long string) {
	switch {
	case cb.Today && cb.Days <= 1:
		return "again today", "back again today"
	case cb.Today:
		return "today, then " + shortDays(cb.Days), "back again today, then " + longDays(cb.Days)
	}
	return shortDays(cb.Days), "back " + longDays(cb.Days)
}

// shortDays is an interval as Anki writes it on its buttons: days up to a
// month, then months and years to one decimal. A no-break space keeps the
// number with its unit on a narrow button.
func shortDays(n int) string {
	trim := func(f float64, unit string) string {
		return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0") + "\u00a0" + unit
	}
	switch {
	case n <= 0:
		return "today"
	case n < 31:
		return strconv.Itoa(n) + "\u00a0d"
	case n < 365:
		return trim(float64(n)/30.4, "mo")
	}
	return trim(float64(n)/365.25, "y")
}

func longDays(n int) string {
	switch {
	case n <= 0:
		return "today"
	case n == 1:
		return "tomorrow"
	}
	return fmt.Sprintf("in %d days", n)
}

func (a *App) filterLabel(c echo.Context, u data.User, f data.ReviewFilter) string {
	if f.Category == "" && f.DeckID == 0 && f.Tag == "" {
		return ""
	}
	var parts []string
	if f.Category != "" {
		name := f.Category
		if cats, err := a.store.ListCategories(c.Request().Context(), u.ID); err == nil {
			for _, cat := range cats {
				if cat.Slug == f.Category {
					name = cat.Name
				}
			}
		}
		parts = append(parts, "Category: "+name)
	}
	if f.DeckID != 0 {
		name := "deck " + strconv.FormatInt(f.DeckID, 10)
		if decks, err := a.store.ListDecks(c.Request().Context(), u.ID); err == nil {
			for _, d := range decks {
				if d.ID == f.DeckID {
					name = d.Name
				}
			}
		}
		parts = append(parts, "Deck: "+name)
	}
	if f.Tag != "" {
		parts = append(parts, "Tag: "+f.Tag)
	}
	return strings.Join(parts, ", ")
}

// reviewPage shows the next card's front, or its back when ?reveal=ID
// names the card that is up now, or the day's summary.
func (a *App) reviewPage(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	f, query, err := reviewFilter(c.QueryParams())
	if err != nil {
		return err
	}
	reveal, prefer := askedCard(c)
	qc, err := a.store.NextCard(ctx, u.ID, f, prefer)
	if errors.Is(err, data.ErrQueueEmpty) {
		return a.summaryPage(c, u, f, query)
	}
	if err != nil {
		return err
	}
	shown := a.shownAt(c, reveal, qc.Card.ID)
	typeAnswer, err := a.typeAnswer(c, u)
	if err != nil {
		return err
	}
	v := a.reviewView(c, u, qc, f, query, shown)
	v.Revealed = reveal == qc.Card.ID
	v.TypeAnswer = typeAnswer
	p := a.page(c, "Review")
	p.Nav = "review"
	return a.render(c, http.StatusOK, views.Review(p, v))
}

func (a *App) reviewView(c echo.Context, u data.User, qc data.QueueCard, f data.ReviewFilter, query string, shown int64) views.ReviewView {
	v := views.ReviewView{
		CardID:    qc.Card.ID,
		Front:     qc.Card.Front,
		Back:      qc.Card.Back,
		Category:  qc.Card.CategoryName,
		Tags:      qc.Card.Tags,
		KeyPoints: qc.Card.KeyPoints,
		Redrill:   qc.Redrill,
		FinalPass: qc.FinalPass,
		Done:      qc.Queue.Done,
		New:       qc.Queue.New,
		InRedrill: qc.Queue.Redrill,
		Due:       qc.Queue.Due,
		Step:      qc.Step,
		GradeKey:  newFormKey(),
		Shown:     shown,
		Query:     query,
		Filter:    a.filterLabel(c, u, f),
		Grades:    gradeButtonsFor(qc),
		Suggested: -1,
	}
	v.FrontHTML, v.BackHTML, v.KeyPointsHTML = qc.Card.FrontHTML, qc.Card.BackHTML, qc.Card.KeyPointsHTML
	if qc.Card.Reviewed {
		v.Recall = recallText(qc.Card, qc.Queue.Today)
	}
	return v
}

func checkTypedAnswer(answer string) error {
	if !utf8.ValidString(answer) || utf8.RuneCountInString(answer) > data.MaxTypedAnswerRunes {
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("An answer must be text of at most %d characters.", data.MaxTypedAnswerRunes))
	}
	return nil
}

func (a *App) summaryPage(c echo.Context, u data.User, f data.ReviewFilter, query string) error {
	sum, err := a.store.Summary(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	v := views.SummaryView{
		Reviewed:  sum.Reviewed,
		Cards:     sum.Cards,
		Counted:   sum.Counted,
		Recall:    "-",
		TimeSpent: formatSpent(sum.TimeSpent),
		NewLeft:   sum.NewLeft,
		Filter:    a.filterLabel(c, u, f),
		Query:     query,
	}
	if sum.Counted > 0 {
		v.Recall = fmt.Sprintf("%.0f %%", math.Round(sum.Recall))
	}
	if sum.HasNext {
		v.NextDue = dueInDated(sum.NextDue, sum.Today)
	}
	// Study more today: a raise where a limit stops the day.
	dq, err := a.store.Queue(c.Request().Context(), u.ID, f)
	if err != nil {
		return err
	}
	v.MoreNew, v.MoreReviews = sum.NewLeft > 0 && dq.NewLeft == 0, dq.ReviewLeft == 0
	if v.ExtraNew, v.ExtraReviews, err = a.store.StudyMoreToday(c.Request().Context(), u.ID); err != nil {
		return err
	}
	p := a.page(c, "Review")
	p.Nav = "review"
	return a.render(c, http.StatusOK, views.Summary(p, v))
}

func formatSpent(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// gradeForm applies a grade from the card page. A stale form (the card
// was graded meanwhile in another tab, or the button was clicked twice)
// changes nothing: the page shows whatever card is up now.
func (a *App) gradeForm(c echo.Context, u data.User) error {
	vals, _ := url.ParseQuery(c.FormValue("filter"))
	_, query, err := reviewFilter(vals)
	if err != nil {
		return err
	}
	g, err := a.readGradeForm(c, u.ID)
	if err != nil {
		return err
	}
	_, err = a.store.GradeCard(c.Request().Context(), u.ID, g)
	switch {
	case errors.Is(err, data.ErrConflict):
		if err := a.flash(c, false, "That card was already graded; here is the card that is up now."); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	return redirect(c, reviewURLFor(query, ""))
}

// readGradeForm reads a grade form, the card page's or a mock interview's:
// the card, the grade, the step it was shown at, the time since it was
// shown, and a typed answer, which the store checks against the card.
func (a *App) readGradeForm(c echo.Context, userID int64) (data.Grade, error) {
	cardID, err := strconv.ParseInt(c.FormValue("card_id"), 10, 64)
	if err != nil {
		return data.Grade{}, echo.NewHTTPError(http.StatusBadRequest, "The form names no card.")
	}
	g, err := strconv.Atoi(c.FormValue("grade"))
	if err != nil || !srs.Grade(g).Valid() {
		return data.Grade{}, echo.NewHTTPError(http.StatusBadRequest, "A grade is a whole number from 0 to 5.")
	}
	step, err := strconv.Atoi(c.FormValue("step"))
	if err != nil || step < 0 {
		return data.Grade{}, echo.NewHTTPError(http.StatusBadRequest, "The form is incomplete. Reload the page.")
	}
	var answerMS int
	if shown, err := strconv.ParseInt(c.FormValue("shown"), 10, 64); err == nil && shown > 0 {
		answerMS = int(min(max(a.now().UnixMilli()-shown, 0), data.MaxAnswerMS))
	}
	answer := c.FormValue("answer")
	if err := checkTypedAnswer(answer); err != nil {
		return data.Grade{}, err
	}
	return data.Grade{CardID: cardID, Grade: srs.Grade(g), AnswerMS: answerMS, Step: step, TypedAnswer: answer}, nil
}

func (a *App) undoForm(c echo.Context, u data.User) error {
	vals, _ := url.ParseQuery(c.FormValue("filter"))
	_, query, err := reviewFilter(vals)
	if err != nil {
		return err
	}
	return a.undoThenShow(c, u, func(extra string) string { return reviewURLFor(query, extra) })
}

// undoThenShow takes back the user's last grade and goes to the card page
// at pageURL with that card shown again; when nothing can be taken back
// (nothing left today, the last grade is of another study day or was
// overtaken), it says why the store refused and goes to the page as it is.
func (a *App) undoThenShow(c echo.Context, u data.User, pageURL func(extra string) string) error {
	res, err := a.store.Undo(c.Request().Context(), u.ID)
	if errors.Is(err, data.ErrConflict) {
		return a.flashTo(c, false, userMessage(err)+".", pageURL(""))
	}
	if err != nil {
		return err
	}
	return redirect(c, pageURL("card="+strconv.FormatInt(res.CardID, 10)))
}

func reviewURLFor(query, extra string) string {
	q := strings.Trim(query+"&"+extra, "&")
	if q == "" {
		return "/review"
	}
	return "/review?" + q
}

// askedCard reads which card a review or practice page asks for:
// ?reveal= shows that card with its answer, and ?card=, else the revealed
// card, is the one to show first if it is still up (after an undo, the
// card taken back).
func askedCard(c echo.Context) (reveal, prefer int64) {
	reveal, _ = strconv.ParseInt(c.QueryParam("reveal"), 10, 64)
	prefer, _ = strconv.ParseInt(c.QueryParam("card"), 10, 64)
	if prefer == 0 {
		prefer = reveal
	}
	return reveal, prefer
}

// shownAt is when the card on a card page was first shown: the page's
// "shown" while the same card is revealed, now for a card shown afresh.
func (a *App) shownAt(c echo.Context, reveal, cardID int64) int64 {
	shown, _ := strconv.ParseInt(c.QueryParam("shown"), 10, 64)
	if shown <= 0 || reveal != cardID {
		shown = a.now().UnixMilli()
	}
	return shown
}

// typeAnswer says whether a card page asks for a typed answer: ?type=1 or
// ?type=0 says so, else the user's setting.
func (a *App) typeAnswer(c echo.Context, u data.User) (bool, error) {
	switch c.QueryParam("type") {
	case "1":
		return true, nil
	case "":
		st, err := a.store.UserSettings(c.Request().Context(), u.ID)
		return st.TypeAnswers, err
	}
	return false, nil
}

// readRevealForm reads a reveal form: the card and the typed answer.
func readRevealForm(c echo.Context) (cardID int64, answer string, err error) {
	cardID, err = strconv.ParseInt(c.FormValue("card_id"), 10, 64)
	if err != nil {
		return 0, "", echo.NewHTTPError(http.StatusBadRequest, "The form names no card.")
	}
	answer = c.FormValue("answer")
	return cardID, answer, checkTypedAnswer(answer)
}
