package handlers

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/flashcards/flashcards/data"
)

const (
	ctxSession = "session"
	ctxUser    = "user"
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaderList is set on every response. Its value slices are
// shared by all responses, which is safe because they hold one element at
// full capacity: Set replaces a slice and Add copies it before appending.
var securityHeaderList = []struct {
	name  string
	value []string
}{
	{"Content-Security-Policy", []string{contentSecurityPolicy}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"same-origin"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
}

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		for _, sh := range securityHeaderList {
			h[sh.name] = sh.value
		}
		return next(c)
	}
}

func (a *App) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod:   true,
		LogURIPath:  true,
		LogStatus:   true,
		LogLatency:  true,
		LogRemoteIP: true,
		LogError:    true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			switch {
			case v.Status == http.StatusInsufficientStorage:
				level = slog.LevelWarn // the error handler says why, once a minute
			case v.Status >= 500:
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("method", v.Method),
				slog.String("path", v.URIPath),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				slog.String("ip", v.RemoteIP),
			}
			if v.Error != nil && level == slog.LevelError {
				attrs = append(attrs, slog.String("err", v.Error.Error()))
			}
			a.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// loadSession finds the browser's session and its user. A session whose
// user no longer exists is treated as signed out.
func (a *App) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess, err := a.sessions.Get(c.Request(), sessionName)
		if err != nil {
			return err
		}
		c.Set(ctxSession, sess)
		if uid, ok := sess.Values[sessionKeyUserID].(int64); ok {
			u, err := a.store.UserByID(c.Request().Context(), uid)
			switch {
			case errors.Is(err, data.ErrNotFound):
				delete(sess.Values, sessionKeyUserID)
			case err != nil:
				return err
			default:
				c.Set(ctxUser, u)
			}
		}
		return next(c)
	}
}

func session(c echo.Context) *sessions.Session {
	s, _ := c.Get(ctxSession).(*sessions.Session)
	return s
}

func currentUser(c echo.Context) (data.User, bool) {
	u, ok := c.Get(ctxUser).(data.User)
	return u, ok
}

// userHandler is a handler of a signed-in user's request (a session or an
// API token): it is handed the user, so it never reads one that is not
// there.
type userHandler func(c echo.Context, u data.User) error

// withUser adapts a userHandler to Echo. The route table puts it behind
// requireUser or requireToken; reached without a user all the same (a
// route registered outside them), it refuses with 500 and says so in the
// log, instead of serving the request as user 0.
func (a *App) withUser(h userHandler) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, ok := currentUser(c)
		if !ok || u.ID == 0 {
			return fmt.Errorf("handler %s reached without a signed-in user: its route lacks requireUser or requireToken", c.Path())
		}
		return h(c, u)
	}
}

// csrfToken returns the session's CSRF token, creating (and saving) one if needed.
func (a *App) csrfToken(c echo.Context) (string, error) {
	sess := session(c)
	if tok, ok := sess.Values[sessionKeyCSRF].(string); ok && tok != "" {
		return tok, nil
	}
	tok := newCSRFToken()
	sess.Values[sessionKeyCSRF] = tok
	return tok, sess.Save(c.Request(), c.Response())
}

// checkCSRF refuses a state-changing request unless it carries the
// session's token, in the form field or the X-CSRF-Token header (htmx),
// and, when the browser says where it comes from, comes from this site.
func (a *App) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
			return echo.NewHTTPError(http.StatusForbidden, "This form came from another site and was refused.")
		}
		if origin := r.Header.Get("Origin"); origin != "" && origin != "null" {
			if u, err := url.Parse(origin); err != nil || !strings.EqualFold(u.Host, r.Host) {
				return echo.NewHTTPError(http.StatusForbidden, "This form came from another site and was refused.")
			}
		}
		want, _ := session(c).Values[sessionKeyCSRF].(string)
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			if err := parseForm(r); err != nil {
				return err
			}
			got = r.FormValue("csrf")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return echo.NewHTTPError(http.StatusForbidden, "The form has expired. Reload the page and try again.")
		}
		return next(c)
	}
}

// requireUser sends signed-out visitors to the log-in page.
func (a *App) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := currentUser(c); !ok {
			target := "/login"
			if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
				target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
			}
			if c.Request().Header.Get("HX-Request") == "true" {
				c.Response().Header().Set("HX-Redirect", target)
				return c.NoContent(http.StatusUnauthorized)
			}
			return c.Redirect(http.StatusSeeOther, target)
		}
		return next(c)
	}
}

// requireToken authenticates /api/v1 with a bearer token. Cookies are ignored.
func (a *App) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		auth := c.Request().Header.Get("Authorization")
		scheme, token, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="flashcards"`)
			return echo.NewHTTPError(http.StatusUnauthorized, "missing bearer token")
		}
		u, err := a.store.UserByToken(c.Request().Context(), strings.TrimSpace(token))
		if errors.Is(err, data.ErrNotFound) {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="flashcards", error="invalid_token"`)
			return echo.NewHTTPError(http.StatusUnauthorized, "invalid or revoked token")
		}
		if err != nil {
			return err
		}
		c.Set(ctxUser, u)
		return next(c)
	}
}

// bodyLimit refuses bodies over n bytes: at once when Content-Length says
// so, otherwise when reading passes the limit.
func bodyLimit(n int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.ContentLength > n {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge,
					fmt.Sprintf("The request is larger than the limit of %s.", formatSize(n)))
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, n)
			return next(c)
		}
	}
}

// parseForm reads a urlencoded or multipart body once, telling a body over
// the limit (413) from a malformed one (400).
//
// A multipart body is kept in memory whole: bodyLimit has bounded it, and
// Go would otherwise spill a large file part to the system temp folder,
// outside the store's own, where a killed server leaves it behind.
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(math.MaxInt64)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooBig):
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The request is too large.")
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
}
