package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/views"
)

// The home page: a landing page for a visitor, the day at a glance for a
// signed-in user.

// dashboard is the home page of a signed-in user.
func (a *App) dashboard(c echo.Context) error {
	u, ok := currentUser(c)
	if !ok {
		return a.render(c, http.StatusOK, views.Landing(a.page(c, "Welcome")))
	}
	ctx := c.Request().Context()
	q, err := a.store.Queue(ctx, u.ID, data.ReviewFilter{})
	if err != nil {
		return err
	}
	rep, err := a.store.Mastery(ctx, u.ID)
	if err != nil {
		return err
	}
	streak, err := a.store.Streak(ctx, u.ID)
	if err != nil {
		return err
	}
	hasDeck, err := a.store.HasBuiltinDeck(ctx, u.ID)
	if err != nil {
		return err
	}
	v := views.DashboardView{
		Due: q.Due, New: q.New, Redrill: q.Redrill, Streak: streak,
		HasBuiltinDeck: hasDeck,
		Chart:          masteryChart(rep),
		FinalPass:      q.FinalPass,
	}
	if v.Countdown, err = a.countdown(c, u, q.Today); err != nil {
		return err
	}
	for _, cat := range rep.Categories {
		v.Cards += cat.Cards
	}
	v.Categories, v.NotStarted = categoryMeasures(rep)
	if w, ok := weakestCategory(rep); ok {
		v.Weakest, v.WeakestName, v.WeakestRecall = w.Slug, w.Name, pct(w.RecallNow)
	}
	p := a.page(c, "Today")
	p.Nav = "home"
	return a.render(c, http.StatusOK, views.Dashboard(p, v))
}
