package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

// The interview page (/interview) sets the interview's date, scope, final
// pass and pacing, and draws the readiness forecast; GET /api/v1/readiness
// answers the forecast as JSON. The rules are srs's (srs/readiness.go).

func (a *App) interviewPage(c echo.Context, u data.User) error {
	return a.renderInterview(c, u, http.StatusOK, "", nil)
}

// renderInterview draws the page; form, when not nil, is a refused form
// shown back as it was sent.
func (a *App) renderInterview(c echo.Context, u data.User, status int, errMsg string, form *data.InterviewSettings) error {
	ctx := c.Request().Context()
	r, err := a.store.Readiness(ctx, u.ID)
	if err != nil {
		return err
	}
	iv := r.Interview
	if form != nil {
		iv = *form
	}
	v := views.InterviewView{
		Error: errMsg, FinalDays: iv.FinalDays, NewOnTime: iv.NewOnTime, MinDate: r.Today.String(),
		HasDate: r.Interview.HasDate, Ahead: r.Ahead, Passed: r.Passed,
	}
	if iv.HasDate {
		v.Date = iv.Date.String()
	}
	if r.Interview.HasDate {
		v.DateText = views.LongDate(r.Interview.Date)
		v.Countdown = views.CountdownText(r.Interview.Rules(), r.Today)
	}
	inScope := map[string]bool{}
	for _, s := range iv.Scope {
		inScope[s] = true
	}
	for _, cat := range r.Categories {
		v.Categories = append(v.Categories, views.ScopeOption{Slug: cat.Slug, Name: cat.Name, Checked: inScope[cat.Slug]})
	}
	v.Recall, v.Rows = readinessCharts(r)
	if r.Ahead {
		v.PlanReviews, v.PlanNew, v.PlanSummary = planCharts(r)
		if rules := r.Interview.Rules(); rules.InFinalPass(r.Today) {
			q, err := a.store.Queue(ctx, u.ID, data.ReviewFilter{})
			if err != nil {
				return err
			}
			v.FinalPassNote = fmt.Sprintf("Final pass: %s of the interview left to see once more today.", words.Count(q.FinalPass, "card", "cards"))
		}
	}
	p := a.page(c, "Interview")
	p.Nav = "interview"
	return a.render(c, status, views.Interview(p, v))
}

// readinessCharts are the forecast's bars, recall today and on the day for
// each started category, and its table, one row per category with cards.
func readinessCharts(r data.Readiness) (views.HBarChart, []views.ReadinessRow) {
	chart := views.HBarChart{ID: "recall-chart", Empty: "No card reviewed yet: recall is measured once you have reviewed some.",
		Title: "Predicted recall by category: today"}
	if r.Ahead {
		chart.Title += ", and on " + views.ShortDate(r.Interview.Date) + " if you review nothing more"
	}
	var rows []views.ReadinessRow
	// The interview's categories first, in the categories' order.
	cats := slices.Clone(r.Categories)
	slices.SortStableFunc(cats, func(a, b data.CategoryReadiness) int {
		switch {
		case a.InScope == b.InScope:
			return 0
		case a.InScope:
			return -1
		}
		return 1
	})
	for _, c := range cats {
		if c.Cards == 0 {
			continue
		}
		row := views.ReadinessRow{Name: c.Name, InScope: c.InScope, Cards: c.Cards, NotStarted: c.NotStarted, RecallNow: "–", OnTheDay: "–"}
		if c.Started {
			row.RecallNow = pct(c.RecallNow)
			chart.Bars = append(chart.Bars, percentBar(c.Name+": today", c.RecallNow, "bar"))
			if r.Ahead {
				row.OnTheDay = pct(c.RecallAtInterview)
				chart.Bars = append(chart.Bars, percentBar(c.Name+": on the day", c.RecallAtInterview, "bar-then"))
			}
		}
		rows = append(rows, row)
	}
	return chart, rows
}

func percentBar(label string, v float64, class string) views.HBar {
	v = math.Max(0, math.Min(100, v))
	return views.HBar{Label: label, Width: strconv.FormatFloat(v, 'f', 1, 64) + "%", Text: pct(v), Class: class}
}

// planCharts draws the plan: reviews per day (the final pass's days in
// their own colour) and new cards per day.
func planCharts(r data.Readiness) (reviews, fresh views.VBarChart, summary string) {
	var rc, nc []views.Column
	var totalNew, totalReviews int
	for i, d := range r.Plan {
		label := ""
		if i == 0 || i == len(r.Plan)-1 || (len(r.Plan) > 2 && i == len(r.Plan)/2) {
			label = views.ShortDate(d.Day)
		}
		class := "bar"
		title := fmt.Sprintf("%s: %s", d.Day, words.Count(d.Reviews, "review", "reviews"))
		if d.FinalPass > 0 {
			class = "bar-final"
			title += fmt.Sprintf(" (%d of the final pass)", d.FinalPass)
		}
		rc = append(rc, views.Column{Label: label, Title: title, Value: d.Reviews, Class: class})
		nc = append(nc, views.Column{Label: label, Title: fmt.Sprintf("%s: %s", d.Day, words.Count(d.New, "new card", "new cards")), Value: d.New})
		totalNew += d.New
		totalReviews += d.Reviews
	}
	reviews = views.NewVBarChart("plan-reviews", "Reviews per day (the final pass in its own colour)", rc)
	fresh = views.NewVBarChart("plan-new", "New cards per day", nc)
	summary = fmt.Sprintf("%s until the interview: about %s and %s.", words.Count(len(r.Plan), "day", "days"),
		words.Count(totalReviews, "review", "reviews"), words.Count(totalNew, "new card", "new cards"))
	if len(r.Plan) == srs.MaxPlanDays && r.DaysLeft > srs.MaxPlanDays {
		summary = fmt.Sprintf("The first %d days of the %d until the interview: about %s and %s.", len(r.Plan), r.DaysLeft,
			words.Count(totalReviews, "review", "reviews"), words.Count(totalNew, "new card", "new cards"))
	}
	return reviews, fresh, summary
}

// countdown is the dashboard's line about an interview ahead, "" for none.
func (a *App) countdown(c echo.Context, u data.User, today srs.Day) (string, error) {
	iv, err := a.store.Interview(c.Request().Context(), u.ID)
	if err != nil || !iv.Ahead(today) {
		return "", err
	}
	return views.CountdownText(iv.Rules(), today), nil
}

// saveInterview stores the form; every refusal names the field.
func (a *App) saveInterview(c echo.Context, u data.User) error {
	form := data.InterviewSettings{NewOnTime: c.FormValue("new_on_time") != ""}
	if err := c.Request().ParseForm(); err != nil {
		return err
	}
	form.Scope = c.Request().Form["scope"]
	date := strings.TrimSpace(c.FormValue("interview_date"))
	var err error
	form.FinalDays, err = strconv.Atoi(strings.TrimSpace(c.FormValue("final_days")))
	if err != nil {
		return a.renderInterview(c, u, http.StatusBadRequest, "The final pass must be a whole number of days from 1 to 14.", &form)
	}
	if c.FormValue("clear") == "" && date != "" {
		d, err := srs.ParseDay(date)
		if err != nil {
			return a.renderInterview(c, u, http.StatusBadRequest, "The interview date must be a date such as 2027-03-15.", &form)
		}
		form.Date, form.HasDate = d, true
	}
	err = a.store.UpdateInterview(c.Request().Context(), u.ID, form)
	if errors.Is(err, data.ErrInvalid) {
		return a.renderInterview(c, u, http.StatusBadRequest, userMessage(err), &form)
	}
	if err != nil {
		return err
	}
	msg := "Interview saved."
	if !form.HasDate {
		msg = "Saved, with no interview date."
	}
	return a.flashTo(c, true, msg, "/interview")
}

func (a *App) apiReadiness(c echo.Context, u data.User) error {
	r, err := a.store.Readiness(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	out := readinessJSON{Today: r.Today, Passed: r.Passed, Categories: []categoryReadinessJSON{}, Plan: []planDayJSON{}}
	if r.Interview.HasDate {
		d, from, left := r.Interview.Date, r.FinalPassFrom, r.DaysLeft
		out.InterviewDate, out.FinalPassFrom, out.DaysLeft = &d, &from, &left
	}
	for _, c := range r.Categories {
		j := categoryReadinessJSON{Slug: c.Slug, Name: c.Name, InScope: c.InScope, Cards: c.Cards, Started: c.Started, NotStarted: c.NotStarted}
		if c.Started {
			now := roundPercent(c.RecallNow)
			j.RecallNow = &now
			if r.Ahead {
				then := roundPercent(c.RecallAtInterview)
				j.RecallAtInterview = &then
			}
		}
		out.Categories = append(out.Categories, j)
	}
	for _, d := range r.Plan {
		out.Plan = append(out.Plan, planDayJSON{Date: d.Day, New: d.New, Reviews: d.Reviews, FinalPass: d.FinalPass})
	}
	return c.JSON(http.StatusOK, out)
}

// roundPercent rounds a percentage to one decimal, as GET /api/v1/mastery
// writes a category's recall_now.
func roundPercent(v float64) float64 { return math.Round(v*10) / 10 }
