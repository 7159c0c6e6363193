package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
)

// TestNotFoundPagesSayTheSame: an unknown address and a card, deck or token
// that does not exist (or is someone else's) show one and the same 404
// page, so a person cannot tell which of the two they hit, and neither can
// someone probing for other people's ids.
func TestNotFoundPagesSayTheSame(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, _, _ := cardOwner(t, app, "ada", "What is leakage?")
	main := regexp.MustCompile(`(?s)<title>.*?</title>|<main id="main">.*</main>`)
	pages := map[string]page{
		"GET /nope":                   b.get("/nope"),
		"GET /cards/999/edit":         b.get("/cards/999/edit"),
		"GET /cards/x/edit":           b.get("/cards/x/edit"),
		"GET /decks/999/delete":       b.get("/decks/999/delete"),
		"POST /settings/tokens/9/...": b.post("/settings/tokens/9/revoke", url.Values{}),
	}
	want := ""
	for what, p := range pages {
		wantStatus(t, what, p, http.StatusNotFound)
		wantBody(t, what, p, "Page not found")
		got := main.FindAllString(p.body, -1)
		if len(got) != 2 {
			t.Fatalf("%s: no title and main in\n%s", what, p.body)
		}
		if want == "" {
			want = got[0] + got[1]
		} else if got[0]+got[1] != want {
			t.Errorf("%s says\n%s\nwhere another 404 says\n%s", what, got[0]+got[1], want)
		}
	}
	// Signed out, an unknown address is the same page too.
	anon := newBrowser(t, app)
	wantBody(t, "signed out", anon.get("/nope"), "Page not found")
}

// TestErrorStatusIsTheOneMap: every kind of refusal answers its status,
// however it was wrapped on the way up, and an error that carries no
// words for the person is the server's.
func TestErrorStatusIsTheOneMap(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{data.Errorf(data.ErrInvalid, "A card needs a front and a back"), http.StatusBadRequest},
		{fmt.Errorf("grade: %w", data.Errorf(data.ErrConflict, "This card was graded already")), http.StatusConflict},
		{data.Errorf(data.ErrNotFound, "This preview has expired"), http.StatusNotFound},
		{data.Errorf(data.ErrTooLarge, "An export may be at most 256 MiB"), http.StatusRequestEntityTooLarge},
		{&http.MaxBytesError{Limit: 10}, http.StatusRequestEntityTooLarge},
		{echo.NewHTTPError(http.StatusTeapot, "short and stout"), http.StatusTeapot},
		{fmt.Errorf("write: %w", data.ErrDiskFull), http.StatusInsufficientStorage},
		{errors.New("database is locked"), http.StatusInternalServerError},
	} {
		if got := errorStatus(tc.err); got != tc.want {
			t.Errorf("errorStatus(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	if got := userMessage(fmt.Errorf("card 3: %w", data.Errorf(data.ErrInvalid, "A key point may hold at most 200 characters"))); got != "A key point may hold at most 200 characters" {
		t.Errorf("userMessage = %q", got)
	}
	if got := userMessage(errors.New("database is locked")); got != "The request could not be understood." {
		t.Errorf("an internal error's words reached the person: %q", got)
	}
}
