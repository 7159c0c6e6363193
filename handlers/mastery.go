package handlers

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

func pct(v float64) string { return fmt.Sprintf("%.0f%%", math.Round(v)) }

// masteryChart is the bar chart of mastery by category, weakest first;
// categories without cards are left out.
func masteryChart(rep data.MasteryReport) views.HBarChart {
	var labels []string
	var values []float64
	for _, c := range rep.Categories {
		if c.Cards > 0 {
			labels = append(labels, c.Name)
			values = append(values, c.Mastery)
		}
	}
	return views.NewHBarChart("mastery-chart", "Mastery by category (weakest first)", labels, values)
}

// weakestCategory is the report's weakest category; ok is false when no
// category is started.
func weakestCategory(rep data.MasteryReport) (data.CategoryMastery, bool) {
	for _, c := range rep.Categories {
		if rep.Weakest != "" && c.Slug == rep.Weakest {
			return c, true
		}
	}
	return data.CategoryMastery{}, false
}

// categoryMeasures splits the report, weakest first, into the started
// categories with both their measures and those with cards not started yet.
func categoryMeasures(rep data.MasteryReport) ([]views.CategoryMeasures, []views.NotStartedCategory) {
	var started []views.CategoryMeasures
	var notStarted []views.NotStartedCategory
	for _, c := range rep.Categories {
		switch {
		case c.Started:
			started = append(started, views.CategoryMeasures{Slug: c.Slug, Name: c.Name, RecallNow: pct(c.RecallNow),
				AtRisk: c.AtRisk, Mastery: pct(c.Mastery), Weakest: c.Slug == rep.Weakest})
		case c.Cards > 0:
			notStarted = append(notStarted, views.NotStartedCategory{Slug: c.Slug, Name: c.Name, Cards: c.Cards})
		}
	}
	return started, notStarted
}

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

func (a *App) masteryPage(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	rep, err := a.store.Mastery(ctx, u.ID)
	if err != nil {
		return err
	}
	trends, err := a.store.MasteryTrend(ctx, u.ID, rep)
	if err != nil {
		return err
	}
	trendOf := map[string][]float64{}
	for _, t := range trends {
		trendOf[t.Slug] = t.Mastery
	}
	v := views.MasteryView{Chart: masteryChart(rep)}
	if w, ok := weakestCategory(rep); ok {
		v.Weakest, v.Name, v.WeakestRecall = w.Slug, w.Name, pct(w.RecallNow)
	}
	_, v.NotStarted = categoryMeasures(rep)
	for _, cat := range rep.Categories {
		if !cat.Started {
			continue // listed apart, not started
		}
		r := views.MasteryRow{
			Slug: cat.Slug, Name: cat.Name, Cards: cat.Cards, New: cat.New, Learning: cat.Learning,
			Young: cat.Young, Mature: cat.Mature, Mastery: pct(cat.Mastery), RecallNow: pct(cat.RecallNow), AtRisk: cat.AtRisk,
			Recall: "-", Lapses: cat.Lapses,
			AvgEase: "-", LastReviewed: "never", Weakest: cat.Slug == rep.Weakest,
			Trend: views.NewSparkline("Mastery of "+cat.Name, trendOf[cat.Slug]),
		}
		if cat.HasRecall {
			r.Recall = pct(cat.Recall30)
		}
		for _, m := range cat.MostMissed {
			r.Missed = append(r.Missed, fmt.Sprintf("%s (%d×)", data.PlainText(m.Text), m.Count))
		}
		if cat.AvgEase > 0 {
			r.AvgEase = strconv.FormatFloat(cat.AvgEase, 'f', 2, 64)
		}
		if cat.HasReviewed {
			r.LastReviewed = cat.LastReviewed.String()
		}
		v.Rows = append(v.Rows, r)
	}
	p := a.page(c, "Mastery")
	p.Nav = "mastery"
	return a.render(c, http.StatusOK, views.Mastery(p, v))
}

func shortDate(d srs.Day) string {
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC).Format("Jan 2")
}

func (a *App) statsPage(c echo.Context, u data.User) error {
	st, err := a.store.Stats(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	heat := make([]views.HeatDay, len(st.Heatmap))
	for i, d := range st.Heatmap {
		y, m, day := d.Day.Date()
		heat[i] = views.HeatDay{Date: d.Day.String(), Weekday: int(time.Date(y, m, day, 0, 0, 0, 0, time.UTC).Weekday()), Count: d.Count}
	}
	forecast := make([]views.Column, len(st.Forecast))
	for i, d := range st.Forecast {
		label := ""
		if i%7 == 0 {
			label = shortDate(d.Day)
		}
		title := d.Day.String() + ": " + words.Count(d.Count, "card due", "cards due")
		if i == 0 {
			title = "today (with overdue): " + words.Count(d.Count, "card due", "cards due")
		}
		forecast[i] = views.Column{Label: label, Title: title, Value: d.Count}
	}
	perDay := make([]views.Column, 0, data.PerDayDays)
	for i, d := range st.Heatmap[len(st.Heatmap)-data.PerDayDays:] {
		label := ""
		if i%7 == 0 {
			label = shortDate(d.Day)
		}
		perDay = append(perDay, views.Column{Label: label, Title: d.Day.String() + ": " + words.Count(d.Count, "review", "reviews"), Value: d.Count})
	}
	grades := make([]views.Column, 6)
	for g := range 6 {
		cls := "bar grade-bar-bad"
		switch {
		case g == 3:
			cls = "bar grade-bar-hard"
		case g > 3:
			cls = "bar grade-bar-good"
		}
		label := strconv.Itoa(g) + " " + srs.Grade(g).Label()
		grades[g] = views.Column{Label: label, Title: label + ": " + strconv.Itoa(st.Grades[g]), Value: st.Grades[g], Class: cls}
	}
	v := views.StatsView{
		Streak:   st.Streak,
		Reviews:  st.Reviews,
		Heatmap:  views.NewHeatmap("heatmap", "Reviews per day, past year", heat),
		Forecast: views.NewVBarChart("forecast", "Cards due per day, next 30 days", forecast),
		PerDay:   views.NewVBarChart("per-day", "Reviews per day, last 30 days", perDay),
		Grades:   views.NewCountBarChart("grades", "Grade distribution of first answers", grades),
	}
	p := a.page(c, "Statistics")
	p.Nav = "stats"
	return a.render(c, http.StatusOK, views.Stats(p, v))
}

func (a *App) apiMastery(c echo.Context, u data.User) error {
	rep, err := a.store.Mastery(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep.Table())
}

func (a *App) apiStats(c echo.Context, u data.User) error {
	st, err := a.store.Stats(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	type dayJSON struct {
		Day   string `json:"day"`
		Count int    `json:"count"`
	}
	days := func(ds []data.DayCount) []dayJSON {
		out := make([]dayJSON, len(ds))
		for i, d := range ds {
			out[i] = dayJSON{Day: d.Day.String(), Count: d.Count}
		}
		return out
	}
	grades := map[string]int{}
	for g, n := range st.Grades {
		grades[strconv.Itoa(g)] = n
	}
	return c.JSON(http.StatusOK, map[string]any{
		"today":    st.Today.String(),
		"streak":   st.Streak,
		"heatmap":  days(st.Heatmap),
		"forecast": days(st.Forecast),
		"grades":   grades,
	})
}
