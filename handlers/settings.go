package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

func (a *App) settingsPage(c echo.Context, u data.User) error {
	return a.renderSettings(c, u, http.StatusOK, "", "")
}

func (a *App) renderSettings(c echo.Context, u data.User, status int, errMsg, newToken string) error {
	ctx := c.Request().Context()
	st, err := a.store.UserSettings(ctx, u.ID)
	if err != nil {
		return err
	}
	tokens, err := a.store.ListTokens(ctx, u.ID)
	if err != nil {
		return err
	}
	v := views.SettingsView{
		Timezone:      st.Timezone,
		RolloverHour:  st.RolloverHour,
		NewPerDay:     st.NewPerDay,
		ReviewsPerDay: st.ReviewsPerDay,
		TypeAnswers:   st.TypeAnswers,
		Error:         errMsg,
		NewToken:      newToken,
	}
	for _, t := range tokens {
		v.Tokens = append(v.Tokens, views.TokenRow{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsed: t.LastUsedAt})
	}
	p := a.page(c, "Settings")
	p.Nav = "settings"
	return a.render(c, status, views.Settings(p, v))
}

func (a *App) saveSettings(c echo.Context, u data.User) error {
	st := data.Settings{Timezone: strings.TrimSpace(c.FormValue("timezone")), TypeAnswers: c.FormValue("type_answers") != ""}
	for _, f := range []struct {
		name  string
		label string
		dst   *int
	}{
		{"rollover_hour", "The day's start hour", &st.RolloverHour},
		{"new_per_day", "New cards per day", &st.NewPerDay},
		{"reviews_per_day", "Reviews per day", &st.ReviewsPerDay},
	} {
		n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(f.name)))
		if err != nil {
			return a.renderSettings(c, u, http.StatusBadRequest, f.label+" must be a whole number.", "")
		}
		*f.dst = n
	}
	err := a.store.UpdateSettings(c.Request().Context(), u.ID, st)
	if errors.Is(err, data.ErrInvalid) {
		return a.renderSettings(c, u, http.StatusBadRequest, userMessage(err), "")
	}
	if err != nil {
		return err
	}
	return a.flashTo(c, true, "Settings saved.", "/settings")
}

func (a *App) changePassword(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	if _, err := a.store.Authenticate(ctx, u.Name, c.FormValue("current")); err != nil {
		if errors.Is(err, data.ErrBadCredentials) {
			return a.renderSettings(c, u, http.StatusBadRequest, "The current password is wrong.", "")
		}
		return err
	}
	password := c.FormValue("password")
	if password != c.FormValue("password2") {
		return a.renderSettings(c, u, http.StatusBadRequest, "The two new passwords differ.", "")
	}
	revokeTokens := c.FormValue("revoke_tokens") != ""
	changed, err := a.store.ChangePassword(ctx, u.ID, password, revokeTokens)
	if errors.Is(err, data.ErrInvalid) {
		return a.renderSettings(c, u, http.StatusBadRequest, userMessage(err), "")
	}
	if err != nil {
		return err
	}
	// Every session of the user is gone, this one too; give this browser a
	// fresh one, in the epoch the change began.
	u.SessionEpoch = changed.SessionEpoch
	err = a.startUserSession(c, u)
	if errors.Is(err, data.ErrNotFound) {
		return redirect(c, "/login") // the password changed again meanwhile
	}
	if err != nil {
		return err
	}
	msg := "Password changed. Other sessions were logged out."
	if revokeTokens {
		msg = fmt.Sprintf("Password changed. Other sessions were logged out and %s revoked.", words.Count(changed.TokensRevoked, "API token", "API tokens"))
	}
	return a.flashTo(c, true, msg, "/settings")
}

func (a *App) createToken(c echo.Context, u data.User) error {
	secret, _, err := a.store.CreateSessionToken(c.Request().Context(), session(c).ID, u.ID, c.FormValue("name"))
	if errors.Is(err, data.ErrNotFound) {
		// The session ended (log-out, password change) while this ran.
		return redirect(c, "/login")
	}
	if errors.Is(err, data.ErrInvalid) {
		return a.renderSettings(c, u, http.StatusBadRequest, userMessage(err), "")
	}
	if err != nil {
		return err
	}
	// Rendered directly, not redirected: the secret must not sit in the session.
	return a.renderSettings(c, u, http.StatusOK, "", secret)
}

func (a *App) revokeToken(c echo.Context, u data.User) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such token.")
	}
	if err := a.store.RevokeToken(c.Request().Context(), u.ID, id); err != nil {
		return err
	}
	return a.flashTo(c, true, "Token revoked.", "/settings")
}

func (a *App) deleteAccount(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	if _, err := a.store.Authenticate(ctx, u.Name, c.FormValue("password")); err != nil {
		if errors.Is(err, data.ErrBadCredentials) {
			return a.renderSettings(c, u, http.StatusBadRequest, "The password is wrong; the account was not deleted.", "")
		}
		return err
	}
	if err := a.store.DeleteUser(ctx, u.ID); err != nil {
		return err
	}
	sess := session(c)
	sess.Options.MaxAge = -1
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return redirect(c, "/")
}
