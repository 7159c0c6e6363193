package handlers

import (
	"encoding/json"
	"errors"
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
		Timezone      *string `json:"timezone"`
		RolloverHour  *int    `json:"rollover_hour"`
		NewPerDay     *int    `json:"new_per_day"`
		ReviewsPerDay *int    `json:"reviews_per_day"`
		TypeAnswers   *bool   `json:"type_answers"`
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

// decodeJSON reads a JSON body strictly: unknown fields and trailing data
// are refused with 400, so typos do not pass silently.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		if errors.As(err, &tooBig) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The request is too large.")
		}
		return echo.NewHTTPError(http.StatusBadRequest, "invalid JSON body: "+err.Error())
	}
	if dec.More() {
		return echo.NewHTTPError(http.StatusBadRequest, "invalid JSON body: trailing data")
	}
	return nil
}
