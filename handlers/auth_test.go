package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSignupLoginLogout(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)

	p := b.signup("ada", "correct horse")
	if loc := p.header.Get("Location"); loc != "/" {
		t.Errorf("after sign-up, redirect to %q, want /", loc)
	}
	wantBody(t, "home after sign-up", b.get("/"), ">ada</a>")
	st, err := app.store.UserSettings(context.Background(), 1)
	if err != nil || st.Timezone != "Europe/Berlin" {
		t.Errorf("time zone from the browser not kept: %+v %v", st, err)
	}

	wantStatus(t, "log out", b.post("/logout", nil), http.StatusSeeOther)
	home := b.get("/")
	if strings.Contains(home.body, ">ada</a>") {
		t.Fatal("still logged in after logout")
	}
	wantStatus(t, "settings after logout", b.get("/settings"), http.StatusSeeOther)

	p = b.login("ada", "wrong password")
	wantStatus(t, "wrong password", p, http.StatusUnauthorized)
	wantBody(t, "wrong password", p, "Wrong user name or password.")
	wantStatus(t, "unknown user", b.login("bob", "correct horse"), http.StatusUnauthorized)

	wantStatus(t, "right password", b.login("ada", "correct horse"), http.StatusSeeOther)
	wantBody(t, "home after log-in", b.get("/"), ">ada</a>")
}

func TestSignupRefusesBadInput(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	for _, tc := range []struct {
		name, pw, pw2, want string
	}{
		{"ada", "correct horse", "correct horse", "taken"},
		{"bob", "short", "short", "at least 8 characters"},
		{"bob", "correct horse", "other horse!", "differ"},
		{"bo b", "correct horse", "correct horse", "letters, digits"},
	} {
		c := newBrowser(t, app)
		c.get("/signup")
		p := c.post("/signup", url.Values{"name": {tc.name}, "password": {tc.pw}, "password2": {tc.pw2}})
		wantStatus(t, "sign-up "+tc.name, p, http.StatusBadRequest)
		wantBody(t, "sign-up "+tc.name, p, tc.want)
	}
	if n, _ := app.store.CountUsers(context.Background()); n != 1 {
		t.Errorf("refused sign-ups created users: %d", n)
	}
}

func TestClosedSignupRefuses(t *testing.T) {
	app := newTestApp(t, Config{SignupOpen: false})
	b := newBrowser(t, app)
	wantStatus(t, "sign-up page", b.get("/signup"), http.StatusForbidden)
	b.get("/login")
	p := b.post("/signup", url.Values{"name": {"eve"}, "password": {"correct horse"}, "password2": {"correct horse"}})
	wantStatus(t, "sign-up post", p, http.StatusForbidden)
	if n, _ := app.store.CountUsers(context.Background()); n != 0 {
		t.Fatalf("closed sign-up created %d users", n)
	}
	if strings.Contains(b.get("/login").body, `href="/signup"`) {
		t.Error("the log-in page still links to sign-up")
	}
}

func TestPostWithoutCSRFIsRefused(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	b.get("/settings")
	form := url.Values{"timezone": {"Asia/Tokyo"}, "rollover_hour": {"4"}, "new_per_day": {"5"}, "reviews_per_day": {"50"}}

	wantStatus(t, "no token", b.postRaw("/settings", form), http.StatusForbidden)
	bad := url.Values{"csrf": {"not-the-token"}}
	for k, v := range form {
		bad[k] = v
	}
	wantStatus(t, "wrong token", b.postRaw("/settings", bad), http.StatusForbidden)

	// A valid token from a cross-site form is refused too.
	b.get("/settings")
	form.Set("csrf", b.csrf)
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/settings", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	wantStatus(t, "cross-site", b.do(req), http.StatusForbidden)
	req, _ = http.NewRequest(http.MethodPost, app.URL+"/settings", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	wantStatus(t, "foreign origin", b.do(req), http.StatusForbidden)

	st, _ := app.store.UserSettings(context.Background(), 1)
	if st.Timezone != "Europe/Berlin" {
		t.Fatalf("a refused post changed the settings: %+v", st)
	}
	// Logging out is a state change too.
	wantStatus(t, "logout without token", b.postRaw("/logout", nil), http.StatusForbidden)
	wantBody(t, "still logged in", b.get("/"), ">ada</a>")

	// And the real form works.
	b.get("/settings")
	wantStatus(t, "with token", b.post("/settings", form), http.StatusSeeOther)
	if st, _ := app.store.UserSettings(context.Background(), 1); st.Timezone != "Asia/Tokyo" || st.NewPerDay != 5 {
		t.Fatalf("settings not saved: %+v", st)
	}
}

func TestLoginRateLimit(t *testing.T) {
	app := newTestApp(t, openSignup())
	newBrowser(t, app).signup("ada", "correct horse")
	b := newBrowser(t, app)
	for i := 0; i < loginFailureLimit; i++ {
		wantStatus(t, "failure "+strconv.Itoa(i+1), b.login("ada", "wrong password"), http.StatusUnauthorized)
	}
	p := b.login("ada", "correct horse")
	wantStatus(t, "after 10 failures, even the right password", p, http.StatusTooManyRequests)
	retry, err := strconv.Atoi(p.header.Get("Retry-After"))
	if err != nil || retry <= 0 || retry > int(loginFailureWindow.Seconds()) {
		t.Errorf("Retry-After = %q", p.header.Get("Retry-After"))
	}
	// The limit is per user name too: another address is refused for ada.
	other := newBrowser(t, app)
	other.get("/login")
	wantStatus(t, "same name, other client", other.post("/login", url.Values{"name": {"ADA"}, "password": {"correct horse"}}), http.StatusTooManyRequests)

	app.clock.Advance(loginFailureWindow + time.Second)
	wantStatus(t, "after the window", b.login("ada", "correct horse"), http.StatusSeeOther)
}

func TestOldCookieIsUselessAfterLogout(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	stolen := b.sessionCookie()
	thief := withCookie(t, app, stolen)
	wantStatus(t, "copied cookie before logout", thief.get("/settings"), http.StatusOK)

	b.get("/")
	wantStatus(t, "logout", b.post("/logout", nil), http.StatusSeeOther)
	wantStatus(t, "copied cookie after logout", thief.get("/settings"), http.StatusSeeOther)
}

func TestOldCookieIsUselessAfterPasswordChange(t *testing.T) {
	app := newTestApp(t, openSignup())
	a := newBrowser(t, app)
	a.signup("ada", "correct horse")
	laptop := newBrowser(t, app)
	wantStatus(t, "second log-in", laptop.login("ada", "correct horse"), http.StatusSeeOther)
	stolen := a.sessionCookie()

	a.get("/settings")
	p := a.post("/settings/password", url.Values{"current": {"correct horse"}, "password": {"battery staple"}, "password2": {"battery staple"}})
	wantStatus(t, "change password", p, http.StatusSeeOther)
	wantBody(t, "this browser stays in", a.get("/settings"), "Password changed")
	wantStatus(t, "other session", laptop.get("/settings"), http.StatusSeeOther)
	wantStatus(t, "copied pre-change cookie", withCookie(t, app, stolen).get("/settings"), http.StatusSeeOther)

	wantStatus(t, "old password", newBrowser(t, app).login("ada", "correct horse"), http.StatusUnauthorized)
	wantStatus(t, "new password", newBrowser(t, app).login("ada", "battery staple"), http.StatusSeeOther)

	a.get("/settings")
	p = a.post("/settings/password", url.Values{"current": {"not it"}, "password": {"another one!"}, "password2": {"another one!"}})
	wantStatus(t, "wrong current password", p, http.StatusBadRequest)
	wantBody(t, "wrong current password", p, "current password is wrong")
}

func TestSessionIDChangesAtLogin(t *testing.T) {
	app := newTestApp(t, openSignup())
	newBrowser(t, app).signup("ada", "correct horse")
	b := newBrowser(t, app)
	b.get("/login")
	before := b.sessionCookie()
	if before == nil {
		t.Fatal("the log-in page set no session cookie")
	}
	wantStatus(t, "log in", b.login("ada", "correct horse"), http.StatusSeeOther)
	after := b.sessionCookie()
	if after.Value == before.Value {
		t.Fatal("the session cookie did not change at log-in")
	}
	// A planted pre-login session does not become a logged-in one.
	wantStatus(t, "planted session", withCookie(t, app, before).get("/settings"), http.StatusSeeOther)
}

func TestDeleteAccount(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	b.get("/settings")
	wantStatus(t, "wrong password", b.post("/settings/delete", url.Values{"password": {"nope nope"}}), http.StatusBadRequest)
	if n, _ := app.store.CountUsers(context.Background()); n != 1 {
		t.Fatal("account deleted with a wrong password")
	}
	b.get("/settings")
	wantStatus(t, "delete", b.post("/settings/delete", url.Values{"password": {"correct horse"}}), http.StatusSeeOther)
	if n, _ := app.store.CountUsers(context.Background()); n != 0 {
		t.Fatal("account not deleted")
	}
	wantStatus(t, "log in again", newBrowser(t, app).login("ada", "correct horse"), http.StatusUnauthorized)
}

func TestHealthzAndHeaders(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	p := b.get("/healthz")
	if p.status != http.StatusOK || p.body != "ok" {
		t.Fatalf("healthz: %d %q", p.status, p.body)
	}
	p = b.get("/login")
	csp := p.header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if p.header.Get("X-Content-Type-Options") != "nosniff" || p.header.Get("Referrer-Policy") == "" {
		t.Errorf("missing security headers: %v", p.header)
	}
	c := b.sessionCookie()
	if c == nil {
		t.Fatal("no session cookie")
	}
	raw := p.header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(raw, want) {
			t.Errorf("cookie %q lacks %s", raw, want)
		}
	}
	if strings.Contains(raw, "Secure") {
		t.Errorf("cookie over plain HTTP is marked Secure: %q", raw)
	}
	if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " onclick=") {
		t.Error("the page holds inline script")
	}
}

func TestSecureCookieBehindTrustedProxy(t *testing.T) {
	for _, trust := range []bool{true, false} {
		app := newTestApp(t, Config{SignupOpen: true, TrustProxy: trust})
		req, _ := http.NewRequest(http.MethodGet, app.URL+"/login", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		secure := strings.Contains(resp.Header.Get("Set-Cookie"), "Secure")
		if secure != trust {
			t.Errorf("trust-proxy=%v: Secure cookie = %v", trust, secure)
		}
	}
}

func TestOversizedBodyIsRefused(t *testing.T) {
	app := newTestApp(t, Config{SignupOpen: true, MaxBodyBytes: 4096})
	b := newBrowser(t, app)
	b.get("/signup")
	big := strings.Repeat("x", 8192)
	p := b.post("/signup", url.Values{"name": {big}, "password": {"correct horse"}, "password2": {"correct horse"}})
	wantStatus(t, "big form", p, http.StatusRequestEntityTooLarge)
	if n, _ := app.store.CountUsers(context.Background()); n != 0 {
		t.Fatal("an oversized sign-up created a user")
	}
}

// TestAnonymousVisitorsStoreNoSessions: the log-in and sign-up pages carry a
// CSRF token without a session row, so visitors who never sign in (or bots)
// leave nothing behind; signing in creates exactly one row.
func TestAnonymousVisitorsStoreNoSessions(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	for range 5 {
		b := newBrowser(t, app)
		b.get("/login")
		b.get("/signup")
		// A failed log-in keeps working with the cookie's CSRF token.
		wantStatus(t, "wrong password", b.post("/login", url.Values{"name": {"nobody"}, "password": {"wrong wrong"}}), http.StatusUnauthorized)
	}
	if n, _ := app.store.CountSessions(ctx); n != 0 {
		t.Fatalf("%d session rows after anonymous visits, want 0", n)
	}
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	if n, _ := app.store.CountSessions(ctx); n != 1 {
		t.Fatalf("%d session rows after one sign-up, want 1", n)
	}
	b.get("/settings")
	b.post("/logout", nil)
	if n, _ := app.store.CountSessions(ctx); n != 0 {
		t.Fatalf("%d session rows after logging out, want 0", n)
	}
}

// TestSafeNext: the page after log-in is a path on this site, or nothing.
func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"/cards?x=1", "/cards?x=1"},
		{"/review", "/review"},
		{"/cards?q=a%20b", "/cards?q=a%20b"},
		{"/\t/evil.example", ""}, // ?next=%2F%09%2Fevil.example, read by browsers as //evil.example
		{"/%09/evil", ""},
		{"/\n/evil", ""},
		{"/\\evil", ""},
		{"/\\\\evil", ""},
		{"/%5Cevil", ""},
		{"//evil", ""},
		{"/%2F/evil", ""},
		{"/\x00", ""},
		{"/cards\x7f", ""},
		{"https://x", ""},
		{"javascript:alert(1)", ""},
		{"evil.example", ""},
		{"", ""},
	} {
		if got := safeNext(tc.next); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
}

// TestLoginNeverRedirectsOffSite: the reported open redirect, end to end.
func TestLoginNeverRedirectsOffSite(t *testing.T) {
	app := newTestApp(t, openSignup())
	newBrowser(t, app).signup("ada", "correct horse")
	for _, raw := range []string{"%2F%09%2Fevil.example", "%2F%5Cevil.example", "%2F%2Fevil.example"} {
		b := newBrowser(t, app)
		p := b.get("/login?next=" + raw)
		if strings.Contains(p.body, "evil.example") {
			t.Errorf("next=%s: the log-in form carries it on", raw)
		}
		next, _ := url.QueryUnescape(raw)
		p = b.post("/login", url.Values{"name": {"ada"}, "password": {"correct horse"}, "next": {next}})
		wantStatus(t, "log-in with next="+raw, p, http.StatusSeeOther)
		if loc := p.header.Get("Location"); loc != "/" {
			t.Errorf("next=%s: redirected to %q, want /", raw, loc)
		}
	}
	b := newBrowser(t, app)
	b.get("/login?next=%2Fcards%3Fx%3D1")
	if loc := b.post("/login", url.Values{"name": {"ada"}, "password": {"correct horse"}, "next": {"/cards?x=1"}}).header.Get("Location"); loc != "/cards?x=1" {
		t.Errorf("a good next: redirected to %q, want /cards?x=1", loc)
	}
}

// TestSignupAsksForTheTimeZone: without JavaScript the sign-up form is a
// list of zones with UTC chosen; the zone posted is stored, and a zone the
// server does not know is refused with a clear error, making no account.
func TestSignupAsksForTheTimeZone(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	form := b.get("/signup")
	wantStatus(t, "sign-up form", form, http.StatusOK)
	wantBody(t, "sign-up form", form, `<select name="timezone"`)
	wantBody(t, "sign-up form", form, `<option value="UTC" selected>UTC</option>`)
	wantBody(t, "sign-up form", form, `<option value="America/Sao_Paulo">America/Sao Paulo</option>`)

	bad := b.post("/signup", url.Values{"name": {"ada"}, "password": {"correct horse"}, "password2": {"correct horse"}, "timezone": {"Mars/Olympus_Mons"}})
	wantStatus(t, "sign-up in an unknown zone", bad, http.StatusBadRequest)
	wantBody(t, "sign-up in an unknown zone", bad, "Unknown time zone &#34;Mars/Olympus_Mons&#34;: choose one from the list.")
	wantBody(t, "sign-up in an unknown zone", bad, `value="ada"`) // the name is kept
	wantNoBody(t, "sign-up in an unknown zone", bad, `<option value="Mars/Olympus_Mons"`)
	if _, err := app.store.UserByName(context.Background(), "ada"); err == nil {
		t.Fatal("an account was made with an unknown time zone")
	}

	ok := b.post("/signup", url.Values{"name": {"ada"}, "password": {"correct horse"}, "password2": {"correct horse"}, "timezone": {"America/Sao_Paulo"}})
	wantStatus(t, "sign-up in São Paulo", ok, http.StatusSeeOther)
	u, err := app.store.UserByName(context.Background(), "ada")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := app.store.UserSettings(context.Background(), u.ID); err != nil || st.Timezone != "America/Sao_Paulo" {
		t.Errorf("stored time zone %q (%v), want America/Sao_Paulo", st.Timezone, err)
	}
}
