package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/views"
)

// A mock interview is a timed round of cards drawn from all cards, due or
// not, across categories, weakest recall first (srs.MockDraw), always
// answered by typing. Its state lives in the session; its grades are
// practice grades: they sharpen the recall figures and leave the schedule
// alone, so a mock interview works past the day's queue.

const sessionKeyMock = "mock"

// structuredAnswer is the checklist from the seed's advice on structured
// answers, shown beside the points missed.
var structuredAnswer = []string{
	"Define the problem and what success means.",
	"State your assumptions and the constraints.",
	"Walk through the solution step by step.",
	"Weigh the trade-offs of the options.",
	"Add the real-world considerations: data, deployment, monitoring.",
}

type mockState struct {
	Cards    []int64      `json:"cards"`
	Pos      int          `json:"pos"`
	Deadline int64        `json:"deadline"` // unix ms
	Results  []mockResult `json:"results"`
	Done     bool         `json:"done"`
	TimedOut bool         `json:"timed_out"`
}

type mockResult struct {
	CardID   int64    `json:"card"`
	Category string   `json:"category"`
	Covered  []string `json:"covered"`
	Missed   []string `json:"missed"`
	Skipped  bool     `json:"skipped"`
}

func (a *App) loadMock(c echo.Context) (*mockState, bool) {
	raw, ok := session(c).Values[sessionKeyMock].(string)
	if !ok {
		return nil, false
	}
	var m mockState
	if json.Unmarshal([]byte(raw), &m) != nil {
		return nil, false
	}
	return &m, true
}

func (a *App) saveMock(c echo.Context, m *mockState) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	sess := session(c)
	sess.Values[sessionKeyMock] = string(b)
	return sess.Save(c.Request(), c.Response())
}

func (a *App) mockPage(c echo.Context, u data.User) error {
	pool, err := a.store.MockPool(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	v := views.MockStartView{Available: pool.Cards, Scope: pool.Scope}
	if m, ok := a.loadMock(c); ok && !m.Done {
		v.Active = true
	}
	p := a.page(c, "Mock interview")
	p.Nav = "mock"
	return a.render(c, http.StatusOK, views.MockStart(p, v))
}

// mockStart draws the round (data.MockDraw): any cards in play (of the
// interview's categories while one is ahead), weakest recall first, one
// category after another.
func (a *App) mockStart(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	n, err := strconv.Atoi(c.FormValue("cards"))
	if err != nil || n < 1 || n > 20 {
		return echo.NewHTTPError(http.StatusBadRequest, "A round has 1 to 20 cards.")
	}
	minutes, err := strconv.Atoi(c.FormValue("minutes"))
	if err != nil || minutes < 1 || minutes > 10 {
		return echo.NewHTTPError(http.StatusBadRequest, "Choose 1 to 10 minutes per card.")
	}
	cards, err := a.store.MockDraw(ctx, u.ID, n)
	if err != nil {
		return err
	}
	if len(cards) == 0 {
		return a.flashTo(c, false, "You have no cards to practise: add or import some first.", "/mock")
	}
	m := &mockState{Cards: cards, Deadline: a.now().Add(time.Duration(len(cards)*minutes) * time.Minute).UnixMilli()}
	if err := a.saveMock(c, m); err != nil {
		return err
	}
	return redirect(c, "/mock/card")
}

// mockCurrent returns the round and its current card, or redirects to the
// summary when the round is over (all cards, or out of time).
func (a *App) mockCurrent(c echo.Context, u data.User) (*mockState, data.Card, int, bool, error) {
	m, ok := a.loadMock(c)
	if !ok {
		return nil, data.Card{}, 0, false, redirect(c, "/mock")
	}
	if !m.Done && a.now().UnixMilli() > m.Deadline {
		m.Done, m.TimedOut = true, true
	}
	ctx := c.Request().Context()
	for !m.Done && m.Pos < len(m.Cards) {
		card, err := a.store.GetCard(ctx, u.ID, m.Cards[m.Pos])
		switch {
		case err == nil && !card.Suspended:
			return m, card, 0, true, nil // still in play: practice takes it whatever its schedule
		case errors.Is(err, data.ErrNotFound) || err == nil:
			// deleted, trashed or suspended meanwhile
		default:
			return nil, data.Card{}, 0, false, err
		}
		m.Pos++
	}
	m.Done = true
	if err := a.saveMock(c, m); err != nil {
		return nil, data.Card{}, 0, false, err
	}
	return nil, data.Card{}, 0, false, redirect(c, "/mock/summary")
}

func (a *App) mockCardView(m *mockState, card data.Card, step int) views.MockCardView {
	left := max(time.Duration(m.Deadline-a.now().UnixMilli())*time.Millisecond, 0)
	return views.MockCardView{
		CardID: card.ID, Step: step, GradeKey: newFormKey(), Number: m.Pos + 1, Total: len(m.Cards),
		Front: card.Front, Back: card.Back, FrontHTML: card.FrontHTML, BackHTML: card.BackHTML, Category: card.CategoryName,
		Deadline: m.Deadline, TimeLeft: fmt.Sprintf("%d:%02d", int(left.Minutes()), int(left.Seconds())%60),
		Suggested: -1, Grades: gradeButtons(), Shown: a.now().UnixMilli(),
	}
}

func (a *App) mockCard(c echo.Context, u data.User) error {
	m, card, step, ok, err := a.mockCurrent(c, u)
	if !ok {
		return err
	}
	if err := a.saveMock(c, m); err != nil {
		return err
	}
	p := a.page(c, "Mock interview")
	p.Nav = "mock"
	return a.render(c, http.StatusOK, views.MockCard(p, a.mockCardView(m, card, step)))
}

func (a *App) mockReveal(c echo.Context, u data.User) error {
	m, card, step, ok, err := a.mockCurrent(c, u)
	if !ok {
		return err
	}
	if id, _ := strconv.ParseInt(c.FormValue("card_id"), 10, 64); id != card.ID {
		return redirect(c, "/mock/card") // a stale form
	}
	answer := c.FormValue("answer")
	if err := checkTypedAnswer(answer); err != nil {
		return err
	}
	v := a.mockCardView(m, card, step)
	v.Revealed, v.Typed = true, answer
	if shown, err := strconv.ParseInt(c.FormValue("shown"), 10, 64); err == nil && shown > 0 {
		v.Shown = shown
	}
	v.Points, v.Suggested = markPoints(card, answer)
	p := a.page(c, "Mock interview")
	p.Nav = "mock"
	return a.render(c, http.StatusOK, views.MockCard(p, v))
}

func (a *App) mockGrade(c echo.Context, u data.User) error {
	m, card, _, ok, err := a.mockCurrent(c, u)
	if !ok {
		return err
	}
	g, err := a.readGradeForm(c, u.ID)
	if err != nil {
		return err
	}
	if g.CardID != card.ID {
		return redirect(c, "/mock/card") // a stale form
	}
	// A practice grade. The round's position guards against a form sent
	// twice (the second names a card that is no longer current), and the
	// form's idempotency key replays a double click; the step is not checked.
	g.Practice, g.Step = true, -1
	res, err := a.store.GradeCard(c.Request().Context(), u.ID, g)
	switch {
	case errors.Is(err, data.ErrConflict):
		return redirect(c, "/mock/card") // graded already (a double click): move on from the current state
	case err != nil:
		return err
	}
	m.Results = append(m.Results, mockResult{CardID: card.ID, Category: card.CategoryName, Covered: res.Covered, Missed: res.Missed})
	m.Pos++
	if err := a.saveMock(c, m); err != nil {
		return err
	}
	return redirect(c, "/mock/card")
}

func (a *App) mockEnd(c echo.Context) error {
	m, ok := a.loadMock(c)
	if !ok {
		return redirect(c, "/mock")
	}
	m.Done = true
	if err := a.saveMock(c, m); err != nil {
		return err
	}
	return redirect(c, "/mock/summary")
}

func (a *App) mockSummary(c echo.Context) error {
	m, ok := a.loadMock(c)
	if !ok {
		return redirect(c, "/mock")
	}
	v := views.MockSummaryView{TimedOut: m.TimedOut, Checklist: structuredAnswer}
	index := map[string]int{}
	for _, r := range m.Results {
		if r.Skipped {
			v.Skipped++
			continue
		}
		v.Graded++
		v.Covered += len(r.Covered)
		v.Points += len(r.Covered) + len(r.Missed)
		i, ok := index[r.Category]
		if !ok {
			i = len(v.Categories)
			index[r.Category] = i
			v.Categories = append(v.Categories, views.MockCategory{Name: r.Category})
		}
		v.Categories[i].Cards++
		for _, m := range r.Missed {
			v.Categories[i].Missed = append(v.Categories[i].Missed, cardtext.PlainText(m))
		}
	}
	v.Skipped += max(len(m.Cards)-m.Pos, 0)
	p := a.page(c, "Mock interview")
	p.Nav = "mock"
	return a.render(c, http.StatusOK, views.MockSummary(p, v))
}
