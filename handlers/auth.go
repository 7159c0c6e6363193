package handlers

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/views"
)

func (a *App) loginPage(c echo.Context) error {
	if _, ok := currentUser(c); ok {
		return redirect(c, "/")
	}
	p := a.page(c, "Log in")
	p.Nav = "login"
	return a.render(c, http.StatusOK, views.Login(p, views.AuthForm{Next: safeNext(c.QueryParam("next"))}))
}

func (a *App) login(c echo.Context) error {
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("name"))
	password := c.FormValue("password")
	form := views.AuthForm{Name: name, Next: safeNext(c.FormValue("next"))}
	keys, own, err := a.loginLimitKeys(c, name)
	if err != nil {
		return err
	}
	attempt, wait, ok := a.limiter.take(keys...)
	if !ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		form.Error = "Too many failed log-ins. Wait a few minutes and try again."
		return a.renderLogin(c, http.StatusTooManyRequests, form)
	}
	u, err := a.store.Authenticate(ctx, name, password)
	if err == nil {
		err = a.startUserSession(c, u)
		if errors.Is(err, data.ErrNotFound) {
			err = data.ErrBadCredentials // the password changed while we checked it
		}
	}
	if errors.Is(err, data.ErrBadCredentials) {
		form.Error = "Wrong user name or password."
		return a.renderLogin(c, http.StatusUnauthorized, form)
	}
	if err != nil {
		return err
	}
	a.limiter.succeeded(attempt, own...)
	if err := a.devices.issue(c.Response(), c.Request(), u); err != nil {
		return err
	}
	next := form.Next
	if next == "" {
		next = "/"
	}
	return redirect(c, next)
}

// loginLimitKeys are the limiter keys a log-in to the named account counts
// under: a known device's own key when the browser carries a valid device
// cookie for this account (also returned as own, forgotten on success),
// else the client address and the account's key for unknown clients.
func (a *App) loginLimitKeys(c echo.Context, name string) (keys, own []string, err error) {
	if d, ok := a.devices.get(c.Request()); ok && d.Name == strings.ToLower(name) {
		u, err := a.store.UserByName(c.Request().Context(), name)
		if err != nil && !errors.Is(err, data.ErrNotFound) {
			return nil, nil, err
		}
		if err == nil && u.ID == d.UserID {
			key := []string{"device:" + d.Nonce}
			return key, key, nil
		}
	}
	return []string{"ip:" + c.RealIP(), "account:" + strings.ToLower(name)}, nil, nil
}

func (a *App) renderLogin(c echo.Context, status int, form views.AuthForm) error {
	p := a.page(c, "Log in")
	p.Nav = "login"
	return a.render(c, status, views.Login(p, form))
}

// startUserSession replaces the browser's session with a new one for the
// user, so a session id planted before log-in is worth nothing after it.
// u must come from the password check (or the password change) just made:
// if the password has changed since, no session is made (data.ErrNotFound).
func (a *App) startUserSession(c echo.Context, u data.User) error {
	sess := session(c)
	if sess.ID != "" {
		if err := a.store.DeleteSession(c.Request().Context(), sess.ID); err != nil {
			return err
		}
	}
	sess.ID = ""
	for k := range sess.Values {
		delete(sess.Values, k)
	}
	sess.Values[sessionKeyUserID] = u.ID
	sess.Values[sessionKeyCSRF] = newCSRFToken()
	sess.Options.MaxAge = int(userSessionTTL.Seconds())
	err := a.sessions.start(c.Request(), c.Response(), sess, u)
	if errors.Is(err, data.ErrNotFound) {
		// Signed out after all: keep the browser's anonymous session (and
		// its new CSRF token) so the next form still works.
		delete(sess.Values, sessionKeyUserID)
		sess.Options.MaxAge = int(anonSessionTTL.Seconds())
		if serr := sess.Save(c.Request(), c.Response()); serr != nil {
			return serr
		}
	}
	return err
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
	if err := a.startUserSession(c, u); err != nil {
		return err
	}
	if err := a.devices.issue(c.Response(), c.Request(), u); err != nil {
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

// safeNext keeps a post-login redirect on this site: a path that starts
// with one "/". Browsers drop tabs and newlines from a URL and read a
// backslash as a slash, so "/\t/evil.example" or "/\\evil.example" would
// leave the site as "//evil.example": any control character or backslash,
// also percent-encoded, refuses the whole value.
func safeNext(next string) string {
	decoded, err := url.PathUnescape(next)
	if err != nil {
		return ""
	}
	for _, v := range []string{next, decoded} {
		if strings.IndexFunc(v, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) >= 0 {
			return ""
		}
		if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") {
			return ""
		}
	}
	return next
}
