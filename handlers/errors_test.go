package handlers

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
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
