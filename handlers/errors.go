package handlers

import (
	"errors"
	"net/http"
	"strings"

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
	code, msg := http.StatusInternalServerError, "Something went wrong on our side. Please try again."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		code = he.Code
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
	case errors.Is(err, data.ErrNotFound):
		code, msg = http.StatusNotFound, "There is nothing at this address."
	case errors.Is(err, data.ErrInvalid), errors.Is(err, data.ErrConflict):
		code = http.StatusBadRequest
		if errors.Is(err, data.ErrConflict) {
			code = http.StatusConflict
		}
		msg = userMessage(err)
	}
	if code >= 500 {
		a.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if isAPI(c) {
		if c.Request().Method == http.MethodHead {
			err = c.NoContent(code)
		} else {
			err = c.JSON(code, map[string]string{"error": msg})
		}
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

// userMessage turns a store validation error into a sentence for the user.
func userMessage(err error) string {
	msg := data.Reason(err)
	if msg == "" {
		return "The request could not be understood."
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}
