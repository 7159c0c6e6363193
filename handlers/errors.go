package handlers

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/views"
)

// handleError is the one place errors become responses. Store errors map to
// statuses; internal errors are logged and shown as a plain message, never
// as their text. /api/ answers JSON, everything else an HTML page.
func (a *App) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, msg := errorStatus(err), "Something went wrong on our side. Please try again."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		if m, ok := he.Message.(string); ok {
			msg = m
		} else {
			msg = http.StatusText(code)
		}
		if code == http.StatusRequestEntityTooLarge && msg == http.StatusText(code) {
			msg = "The request is too large." // a handler's own message says more
		}
		if code == http.StatusNotFound && msg == "Not Found" {
			msg = "There is nothing at this address."
		}
	case code == http.StatusInsufficientStorage:
		msg = diskFullMessage
	case code == http.StatusNotFound:
		msg = "There is nothing at this address."
	case code == http.StatusRequestEntityTooLarge && data.Message(err) == "":
		msg = "The request is too large."
	case code < 500:
		msg = userMessage(err)
	}
	switch {
	case code == http.StatusInsufficientStorage:
		if refused, ok := a.diskFullLog.due(a.now()); ok {
			a.log.Error("the disk is full: writes fail, reads go on", "refused_since_last_said", refused, "err", err)
		}
	case code >= 500:
		a.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if isAPI(c) {
		body := map[string]string{"error": msg} // for HEAD, the server drops the body
		if f := data.Field(err); f != "" && code < 500 {
			body["field"] = f
		}
		err = c.JSON(code, body)
	} else if code == http.StatusNotFound {
		// One 404 page, whatever was missing: an unknown address reads like
		// a deleted card, or anyone else's, and says the same.
		err = a.render(c, code, views.ErrorPage(a.page(c, notFoundTitle), code, notFoundTitle))
	} else {
		err = a.render(c, code, views.ErrorPage(a.page(c, "Error"), code, msg))
	}
	if err != nil {
		a.log.Error("writing error response", "err", err)
	}
}

// notFoundTitle heads every HTML 404 page.
const notFoundTitle = "Page not found"

func isAPI(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/")
}

// errorStatus is the one map from an error to the status it answers:
// the kind of a store's *data.Error, an echo.HTTPError's own code, 413
// for a body over its limit, 507 for a full disk, else 500.
func errorStatus(err error) int {
	var he *echo.HTTPError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.Code
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge
	case data.IsDiskFull(err):
		return http.StatusInsufficientStorage
	case errors.Is(err, data.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, data.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, data.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, data.ErrInvalid):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// userMessage is the sentence a refusal carries for the person
// (data.Error's Message), as the store wrote it.
func userMessage(err error) string {
	if msg := data.Message(err); msg != "" {
		return msg
	}
	return "The request could not be understood."
}

// diskFullMessage is what a write refused for want of disk space answers.
const diskFullMessage = "The server's disk is full; nothing was saved."

// logLimiter says whether a recurring event is due to be logged again
// (at most once every so long), and how often it happened unsaid since.
type logLimiter struct {
	every  time.Duration
	mu     sync.Mutex
	last   time.Time
	unsaid int
}

func (l *logLimiter) due(now time.Time) (unsaid int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() && now.Sub(l.last) < l.every {
		l.unsaid++
		return 0, false
	}
	unsaid, l.unsaid = l.unsaid, 0
	l.last = now
	return unsaid, true
}
