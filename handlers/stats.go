package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

// The statistics page and GET /api/v1/stats.

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
