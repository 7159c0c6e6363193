package handlers

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var newTokenField = regexp.MustCompile(`id="new-token">([^<]+)<`)

// mintToken creates an API token through the settings page and returns it.
func (b *browser) mintToken(name string) string {
	b.t.Helper()
	b.get("/settings")
	p := b.post("/settings/tokens", url.Values{"name": {name}})
	wantStatus(b.t, "create token "+name, p, http.StatusOK)
	m := newTokenField.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("no new token on the page\n%.800s", p.body)
	}
	return m[1]
}

func apiStatus(t *testing.T, app *testApp, token string) int {
	t.Helper()
	status, _ := rawCall(t, app, http.MethodGet, "/api/v1/me", token, nil, "")
	return status
}

// TestPasswordChangeRevokesAPITokens: the settings page says how many API
// tokens are active; the password form offers to revoke them all, checked
// by default, and then none works a moment later; unchecked, they keep
// working.
func TestPasswordChangeRevokesAPITokens(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	wantBody(t, "no tokens yet", b.get("/settings"), "No active API tokens.")
	laptop, phone := b.mintToken("laptop"), b.mintToken("phone")
	p := b.get("/settings")
	wantBody(t, "two tokens", p, "2 active API tokens.")
	wantBody(t, "revoking is the default", p, `name="revoke_tokens" value="1" checked`)
	for _, tok := range []string{laptop, phone} {
		if s := apiStatus(t, app, tok); s != http.StatusOK {
			t.Fatalf("a new token answers %d", s)
		}
	}

	// The form as the browser sends it by default: the box checked.
	p = b.post("/settings/password", url.Values{"current": {"correct horse"}, "password": {"battery staple"},
		"password2": {"battery staple"}, "revoke_tokens": {"1"}})
	wantStatus(t, "change password revoking tokens", p, http.StatusSeeOther)
	p = b.get("/settings")
	wantBody(t, "the change says what it did", p, "Other sessions were logged out and 2 API tokens revoked.")
	wantBody(t, "none left", p, "No active API tokens.")
	for _, tok := range []string{laptop, phone} {
		if s := apiStatus(t, app, tok); s != http.StatusUnauthorized {
			t.Fatalf("a revoked token answers %d, want 401", s)
		}
	}

	// Unchecked: the tokens stay.
	script := b.mintToken("script")
	wantBody(t, "one token", b.get("/settings"), "1 active API token.")
	p = b.post("/settings/password", url.Values{"current": {"battery staple"}, "password": {"correct horse"}, "password2": {"correct horse"}})
	wantStatus(t, "change password keeping tokens", p, http.StatusSeeOther)
	wantBody(t, "kept", b.get("/settings"), "1 active API token.")
	if s := apiStatus(t, app, script); s != http.StatusOK {
		t.Fatalf("a kept token answers %d, want 200", s)
	}

	// A refused change revokes nothing.
	b.get("/settings")
	p = b.post("/settings/password", url.Values{"current": {"not it"}, "password": {"another one!"},
		"password2": {"another one!"}, "revoke_tokens": {"1"}})
	wantStatus(t, "wrong current password", p, http.StatusBadRequest)
	if s := apiStatus(t, app, script); s != http.StatusOK {
		t.Fatalf("a refused change revoked the token: %d", s)
	}
}

// The settings page offers the common time zones as suggestions, keeps the
// user's own zone among them, and still takes any IANA name typed in.
func TestSettingsTimeZoneSuggestions(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	p := b.get("/settings")
	wantBody(t, "zone list", p, `list="timezones"`)
	wantBody(t, "a common zone", p, `<option value="Europe/Berlin">Europe/Berlin</option>`)
	wantBody(t, "a zone's label", p, `<option value="America/New_York">America/New York</option>`)
	form := url.Values{"timezone": {"Asia/Kathmandu"}, "rollover_hour": {"4"}, "new_per_day": {"20"}, "reviews_per_day": {"200"}}
	wantStatus(t, "an uncommon zone typed in", b.post("/settings", form), http.StatusSeeOther)
	if st, _ := app.store.UserSettings(context.Background(), 1); st.Timezone != "Asia/Kathmandu" {
		t.Fatalf("the typed zone was not kept: %+v", st)
	}
	wantBody(t, "the user's own zone among the suggestions", b.get("/settings"), `<option value="Asia/Kathmandu">Asia/Kathmandu</option>`)
	form.Set("timezone", "Mars/Olympus_Mons")
	if p := b.post("/settings", form); p.status != http.StatusBadRequest || !strings.Contains(strings.ToLower(p.body), "time zone") {
		t.Errorf("an unknown zone: %d", p.status)
	}
	if st, _ := app.store.UserSettings(context.Background(), 1); st.Timezone != "Asia/Kathmandu" {
		t.Fatalf("an unknown zone changed the settings: %+v", st)
	}
}
