package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// replay sends a form with a fixed cookie, as a thief replaying a copied
// cookie would: the answer's Set-Cookie is ignored. It is safe to call
// from many goroutines and returns the status and Location, or 0 on a
// transport error.
func replaySession(app *testApp, cookie *http.Cookie, path string, form url.Values) (int, string) {
	req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return 0, ""
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// refused says whether a replayed form was turned away: the form's CSRF
// token belongs to the ended session (403), or the visitor is sent to log in.
func refused(status int, location string) bool {
	return status == http.StatusForbidden || (status == http.StatusSeeOther && strings.HasPrefix(location, "/login"))
}

// TestEndedSessionStaysEndedUnderParallelSaves: a copied cookie keeps
// posting the settings form from 8 goroutines while the owner changes the
// password. Requests that loaded the session before the change save it
// after; the session must stay ended anyway, and the copy can mint no API
// token. Ten rounds, because one race is lost about half the time.
func TestEndedSessionStaysEndedUnderParallelSaves(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	owner := newBrowser(t, app)
	owner.signup("ada", "correct horse")
	passwords := []string{"correct horse", "battery staple"}
	for round := range 10 {
		current, next := passwords[round%2], passwords[(round+1)%2]
		copyBrowser := newBrowser(t, app)
		wantStatus(t, "the copy's log-in", copyBrowser.login("ada", current), http.StatusSeeOther)
		copyBrowser.get("/settings")
		stolen, csrf := copyBrowser.sessionCookie(), copyBrowser.csrf
		form := url.Values{"csrf": {csrf}, "timezone": {"Europe/Berlin"}, "rollover_hour": {"4"},
			"new_per_day": {"20"}, "reviews_per_day": {"200"}}

		stop := make(chan struct{})
		var sent atomic.Int64
		started := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					replaySession(app, stolen, "/settings", form)
					if sent.Add(1) >= 16 {
						once.Do(func() { close(started) })
					}
				}
			}()
		}
		<-started
		owner.get("/settings")
		p := owner.post("/settings/password", url.Values{"current": {current}, "password": {next}, "password2": {next}})
		wantStatus(t, "the owner's password change", p, http.StatusSeeOther)
		close(stop)
		wg.Wait()

		if status, loc := replaySession(app, stolen, "/settings", form); !refused(status, loc) {
			t.Fatalf("round %d: the copy posts settings after the password change: %d %s", round, status, loc)
		}
		if p := withCookie(t, app, stolen).get("/settings"); p.status != http.StatusSeeOther {
			t.Fatalf("round %d: the copy is still signed in after the password change (%d requests raced)", round, sent.Load())
		}
		if status, loc := replaySession(app, stolen, "/settings/tokens", url.Values{"csrf": {csrf}, "name": {"stolen"}}); !refused(status, loc) {
			t.Fatalf("round %d: minting a token with the copy answers %d %s", round, status, loc)
		}
		if n, _ := app.store.CountSessions(ctx); n != 1 {
			t.Fatalf("round %d: %d session rows, want only the owner's", round, n)
		}
	}
	if tokens, _ := app.store.ListTokens(ctx, 1); len(tokens) != 0 {
		t.Fatalf("the copy minted %d API tokens", len(tokens))
	}
	wantBody(t, "the owner stays signed in", owner.get("/settings"), "Password changed")
}

// TestLoggedOutSessionStaysEndedUnderParallelSaves: the same race with
// log-out instead of a password change.
func TestLoggedOutSessionStaysEndedUnderParallelSaves(t *testing.T) {
	app := newTestApp(t, openSignup())
	newBrowser(t, app).signup("ada", "correct horse")
	for round := range 10 {
		b := newBrowser(t, app)
		wantStatus(t, "log-in", b.login("ada", "correct horse"), http.StatusSeeOther)
		b.get("/settings")
		cookie, csrf := b.sessionCookie(), b.csrf
		form := url.Values{"csrf": {csrf}, "timezone": {"Europe/Berlin"}, "rollover_hour": {"4"},
			"new_per_day": {"20"}, "reviews_per_day": {"200"}}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var sent atomic.Int64
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					replaySession(app, cookie, "/settings", form)
					sent.Add(1)
				}
			}()
		}
		for sent.Load() < 16 {
			// let the copies get going
			replaySession(app, cookie, "/settings", form)
		}
		wantStatus(t, "log out", b.post("/logout", url.Values{"csrf": {csrf}}), http.StatusSeeOther)
		close(stop)
		wg.Wait()
		if p := withCookie(t, app, cookie).get("/settings"); p.status != http.StatusSeeOther {
			t.Fatalf("round %d: the logged-out cookie is signed in again", round)
		}
	}
}
