package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
)

// apiMe answers who the token belongs to.
func (a *App) apiMe(c echo.Context, u data.User) error {
	return c.JSON(http.StatusOK, map[string]any{"id": u.ID, "name": u.Name})
}

func newSettingsJSON(st data.Settings, iv data.InterviewSettings) settingsJSON {
	j := settingsJSON{Timezone: st.Timezone, RolloverHour: st.RolloverHour, NewPerDay: st.NewPerDay,
		ReviewsPerDay: st.ReviewsPerDay, TypeAnswers: st.TypeAnswers,
		InterviewScope: iv.Scope, FinalDays: iv.FinalDays, NewCardsOnTime: iv.NewOnTime}
	if j.InterviewScope == nil {
		j.InterviewScope = []string{}
	}
	if iv.HasDate {
		j.InterviewDate = &iv.Date
	}
	return j
}

func (a *App) apiSettings(c echo.Context, u data.User) error {
	st, iv, err := a.settingsOf(c, u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newSettingsJSON(st, iv))
}

// settingsOf reads both kinds of the user's settings.
func (a *App) settingsOf(c echo.Context, u data.User) (data.Settings, data.InterviewSettings, error) {
	ctx := c.Request().Context()
	st, err := a.store.UserSettings(ctx, u.ID)
	if err != nil {
		return st, data.InterviewSettings{}, err
	}
	iv, err := a.store.Interview(ctx, u.ID)
	return st, iv, err
}

// interviewDateWords is what interview_date takes, for its refusals.
const interviewDateWords = "interview_date must be a date written YYYY-MM-DD in quotes, such as \"2027-03-15\", or null for none"

// apiUpdateSettings changes only the fields present in the body, all in
// one transaction: a refused field changes nothing.
func (a *App) apiUpdateSettings(c echo.Context, u data.User) error {
	st, iv, err := a.settingsOf(c, u)
	if err != nil {
		return err
	}
	var patch struct {
		Timezone       *string         `json:"timezone" expect:"an IANA time zone name in quotes, such as \"Europe/Berlin\""`
		RolloverHour   *int            `json:"rollover_hour" expect:"a whole number from 0 to 23"`
		NewPerDay      *int            `json:"new_per_day" expect:"a whole number from 0 to 1000000"`
		ReviewsPerDay  *int            `json:"reviews_per_day" expect:"a whole number from 0 to 1000000"`
		TypeAnswers    *bool           `json:"type_answers" expect:"true or false"`
		InterviewDate  json.RawMessage `json:"interview_date"`
		InterviewScope *[]string       `json:"interview_scope" expect:"a list of category slugs in quotes, such as [\"data-quality\"], or [] for every category"`
		FinalDays      *int            `json:"final_days" expect:"a whole number of days from 1 to 14"`
		NewCardsOnTime *bool           `json:"new_cards_on_time" expect:"true or false"`
	}
	if err := decodeJSON(c, &patch); err != nil {
		return err
	}
	if patch.Timezone != nil {
		st.Timezone = *patch.Timezone
	}
	if patch.RolloverHour != nil {
		st.RolloverHour = *patch.RolloverHour
	}
	if patch.NewPerDay != nil {
		st.NewPerDay = *patch.NewPerDay
	}
	if patch.ReviewsPerDay != nil {
		st.ReviewsPerDay = *patch.ReviewsPerDay
	}
	if patch.TypeAnswers != nil {
		st.TypeAnswers = *patch.TypeAnswers
	}
	if patch.InterviewDate != nil {
		if string(patch.InterviewDate) == "null" {
			iv.HasDate = false
		} else {
			var text string
			if json.Unmarshal(patch.InterviewDate, &text) != nil {
				return badBody(interviewDateWords)
			}
			d, err := srs.ParseDay(text)
			if err != nil {
				return badBody(interviewDateWords)
			}
			iv.Date, iv.HasDate = d, true
		}
	}
	if patch.InterviewScope != nil {
		iv.Scope = *patch.InterviewScope
	}
	if patch.FinalDays != nil {
		iv.FinalDays = *patch.FinalDays
	}
	if patch.NewCardsOnTime != nil {
		iv.NewOnTime = *patch.NewCardsOnTime
	}
	if err := a.store.UpdateSettingsAndInterview(c.Request().Context(), u.ID, st, iv); err != nil {
		return err
	}
	if iv, err = a.store.Interview(c.Request().Context(), u.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newSettingsJSON(st, iv))
}
