package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiMe answers who the token belongs to.
func (a *App) apiMe(c echo.Context) error {
	u, _ := currentUser(c)
	return c.JSON(http.StatusOK, map[string]any{"id": u.ID, "name": u.Name})
}

type settingsJSON struct {
	Timezone      string `json:"timezone"`
	RolloverHour  int    `json:"rollover_hour"`
	NewPerDay     int    `json:"new_per_day"`
	ReviewsPerDay int    `json:"reviews_per_day"`
	TypeAnswers   bool   `json:"type_answers"`
}

func (a *App) apiSettings(c echo.Context) error {
	u, _ := currentUser(c)
	st, err := a.store.UserSettings(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, settingsJSON(st))
}

// apiUpdateSettings changes only the fields present in the body.
func (a *App) apiUpdateSettings(c echo.Context) error {
	u, _ := currentUser(c)
	ctx := c.Request().Context()
	st, err := a.store.UserSettings(ctx, u.ID)
	if err != nil {
		return err
	}
	var patch struct {
		Timezone      *string `json:"timezone" expect:"an IANA time zone name in quotes, such as \"Europe/Berlin\""`
		RolloverHour  *int    `json:"rollover_hour" expect:"a whole number from 0 to 23"`
		NewPerDay     *int    `json:"new_per_day" expect:"a whole number from 0 to 1000000"`
		ReviewsPerDay *int    `json:"reviews_per_day" expect:"a whole number from 0 to 1000000"`
		TypeAnswers   *bool   `json:"type_answers" expect:"true or false"`
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
	if err := a.store.UpdateSettings(ctx, u.ID, st); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, settingsJSON(st))
}
