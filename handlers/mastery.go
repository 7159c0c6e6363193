package handlers

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/srs"
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
			r.Missed = append(r.Missed, fmt.Sprintf("%s (%d×)", cardtext.PlainText(m.Text), m.Count))
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

func (a *App) apiMastery(c echo.Context, u data.User) error {
	rep, err := a.store.Mastery(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep.Table())
}
