package handlers

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/views"
)

func (a *App) healthz(c echo.Context) error {
	if err := a.store.Ping(c.Request().Context()); err != nil {
		a.log.Error("health check", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable")
	}
	return c.String(http.StatusOK, "ok")
}

func (a *App) loginPage(c echo.Context) error {
	if _, ok := currentUser(c); ok {
		return redirect(c, "/")
	}
	p := a.page(c, "Log in")
	p.Nav = "login"
	return a.render(c, http.StatusOK, views.Login(p, views.AuthForm{Next: safeNext(c.QueryParam("next"))}))
}

func (a *App) login(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	password := c.FormValue("password")
	form := views.AuthForm{Name: name, Next: safeNext(c.FormValue("next"))}
	ipKey, nameKey := "ip:"+c.RealIP(), "name:"+strings.ToLower(name)
	if wait, blocked := a.limiter.blocked(ipKey, nameKey); blocked {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		form.Error = "Too many failed log-ins. Wait a few minutes and try again."
		return a.renderLogin(c, http.StatusTooManyRequests, form)
	}
	u, err := a.store.Authenticate(c.Request().Context(), name, password)
	if errors.Is(err, data.ErrBadCredentials) {
		a.limiter.fail(ipKey, nameKey)
		form.Error = "Wrong user name or password."
		return a.renderLogin(c, http.StatusUnauthorized, form)
	}
	if err != nil {
		return err
	}
	a.limiter.reset(nameKey)
	if err := a.startUserSession(c, u.ID); err != nil {
		return err
	}
	next := form.Next
	if next == "" {
		next = "/"
	}
	return redirect(c, next)
}

func (a *App) renderLogin(c echo.Context, status int, form views.AuthForm) error {
	p := a.page(c, "Log in")
	p.Nav = "login"
	return a.render(c, status, views.Login(p, form))
}

// startUserSession replaces the browser's session with a new one for the
// user, so a session id planted before log-in is worth nothing after it.
func (a *App) startUserSession(c echo.Context, userID int64) error {
	sess := session(c)
	if sess.ID != "" {
		if err := a.store.DeleteSession(c.Request().Context(), sess.ID); err != nil {
			return err
		}
	}
	sess.ID = ""
	sess.IsNew = true
	for k := range sess.Values {
		delete(sess.Values, k)
	}
	sess.Values[sessionKeyUserID] = userID
	sess.Values[sessionKeyCSRF] = newCSRFToken()
	sess.Options.MaxAge = int(userSessionTTL.Seconds())
	return sess.Save(c.Request(), c.Response())
}

func (a *App) signupPage(c echo.Context) error {
	if _, ok := currentUser(c); ok {
		return redirect(c, "/")
	}
	p := a.page(c, "Sign up")
	p.Nav = "signup"
	if !a.cfg.SignupOpen {
		return a.render(c, http.StatusForbidden, views.SignupClosed(p))
	}
	return a.render(c, http.StatusOK, views.Signup(p, views.AuthForm{}))
}

func (a *App) signup(c echo.Context) error {
	p := a.page(c, "Sign up")
	p.Nav = "signup"
	if !a.cfg.SignupOpen {
		return a.render(c, http.StatusForbidden, views.SignupClosed(p))
	}
	form := views.AuthForm{Name: strings.TrimSpace(c.FormValue("name")), Timezone: strings.TrimSpace(c.FormValue("timezone"))}
	st := data.DefaultSettings()
	if form.Timezone != "" {
		st.Timezone = form.Timezone
		if err := st.Validate(); err != nil {
			// Offer the list again, with the browser's zone preselected.
			form.Error, form.Timezone = userMessage(err)+": choose one from the list.", ""
			return a.render(c, http.StatusBadRequest, views.Signup(p, form))
		}
	}
	password := c.FormValue("password")
	if password != c.FormValue("password2") {
		form.Error = "The two passwords differ."
		return a.render(c, http.StatusBadRequest, views.Signup(p, form))
	}
	u, err := a.store.CreateUserWithBuiltinDeck(c.Request().Context(), form.Name, password, st)
	if errors.Is(err, data.ErrInvalid) || errors.Is(err, data.ErrConflict) {
		form.Error = userMessage(err)
		return a.render(c, http.StatusBadRequest, views.Signup(p, form))
	}
	if err != nil {
		return err
	}
	if err := a.startUserSession(c, u.ID); err != nil {
		return err
	}
	return redirect(c, "/")
}

func (a *App) logout(c echo.Context) error {
	sess := session(c)
	sess.Options.MaxAge = -1
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return redirect(c, "/login")
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}
