package handlers

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// parallelLogins sends n log-ins at once, each with the given cookies and
// CSRF token, and counts the answers by status.
func parallelLogins(t *testing.T, app *testApp, n int, cookies []*http.Cookie, csrf, name, password string) map[int]int {
	t.Helper()
	form := url.Values{"csrf": {csrf}, "name": {name}, "password": {password}}.Encode()
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, app.URL+"/login", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, c := range cookies {
				req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
			}
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			<-start
			status := 0
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
				status = resp.StatusCode
			}
			mu.Lock()
			counts[status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return counts
}

// cookiesOf returns the cookies a browser sends to /login.
func (b *browser) cookiesOf() []*http.Cookie {
	u, _ := url.Parse(b.app.URL + "/login")
	return b.c.Jar.Cookies(u)
}

func (b *browser) deviceCookie() *http.Cookie {
	for _, c := range b.cookiesOf() {
		if c.Name == deviceCookieName {
			return c
		}
	}
	return nil
}

// TestParallelGuessesStayWithinTheLimit: 200 wrong passwords for one
// account at the same moment. Each attempt is counted before its password
// is checked, so at most the limit reach the check (401) and the rest are
// refused unchecked (429); so it goes for a known device's own limit.
// Before, the limiter counted after the slow check and most got through.
func TestParallelGuessesStayWithinTheLimit(t *testing.T) {
	app := newTestApp(t, openSignup())
	app.store.PasswordCost = bcrypt.MinCost + 4 // a check slow enough to race with
	owner := newBrowser(t, app)
	owner.signup("ada", "correct horse")

	stranger := newBrowser(t, app)
	stranger.get("/login")
	counts := parallelLogins(t, app, 200, stranger.cookiesOf(), stranger.csrf, "ada", "wrong password")
	t.Logf("200 parallel guesses from a stranger: %v", counts)
	if counts[http.StatusUnauthorized] > loginFailureLimit || counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != 200 {
		t.Fatalf("200 parallel guesses from a stranger: %v; want at most %d checked (401), the rest 429", counts, loginFailureLimit)
	}

	// The owner's browser, signed out, with its device cookie: its own
	// limit holds just as well, and the strangers did not touch it.
	owner.get("/settings")
	wantStatus(t, "log out", owner.post("/logout", nil), http.StatusSeeOther)
	owner.get("/login")
	counts = parallelLogins(t, app, 200, owner.cookiesOf(), owner.csrf, "ada", "wrong password")
	t.Logf("200 parallel guesses from the owner's browser: %v", counts)
	if counts[http.StatusUnauthorized] == 0 || counts[http.StatusUnauthorized] > loginFailureLimit ||
		counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != 200 {
		t.Fatalf("200 parallel guesses from the owner's browser: %v; want 1 to %d checked (401), the rest 429", counts, loginFailureLimit)
	}
}

// TestStrangersCannotLockOutAKnownDevice: a stranger spends the account's
// limit for unknown clients; other unknown clients (a forged device cookie
// too) are refused, but the owner's browser, which signed in before and
// carries its device cookie, still logs in.
func TestStrangersCannotLockOutAKnownDevice(t *testing.T) {
	app := newTestApp(t, openSignup())
	owner := newBrowser(t, app)
	owner.signup("ada", "correct horse")
	dc := owner.deviceCookie()
	if dc == nil {
		t.Fatal("sign-up gave no device cookie")
	}
	owner.get("/settings")
	wantStatus(t, "log out", owner.post("/logout", nil), http.StatusSeeOther)

	stranger := newBrowser(t, app)
	for i := range loginFailureLimit {
		wantStatus(t, "stranger's guess "+strconv.Itoa(i+1), stranger.login("ada", "wrong password"), http.StatusUnauthorized)
	}
	wantStatus(t, "stranger, right password", stranger.login("ada", "correct horse"), http.StatusTooManyRequests)
	wantStatus(t, "another unknown client", newBrowser(t, app).login("ada", "correct horse"), http.StatusTooManyRequests)
	forged := newBrowser(t, app)
	u, _ := url.Parse(app.URL + "/login")
	forged.c.Jar.SetCookies(u, []*http.Cookie{{Name: deviceCookieName, Value: tampered(dc.Value), Path: "/login"}})
	wantStatus(t, "a forged device cookie", forged.login("ada", "correct horse"), http.StatusTooManyRequests)

	p := owner.login("ada", "correct horse")
	wantStatus(t, "the owner's known browser", p, http.StatusSeeOther)
	wantBody(t, "the owner is in", owner.get("/"), ">ada</a>")
	raw := strings.Join(p.header.Values("Set-Cookie"), "\n")
	for _, want := range []string{deviceCookieName + "=", "Path=/login", "HttpOnly", "SameSite=Lax", "Max-Age=31536000"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the log-in's cookies lack %q:\n%s", want, raw)
		}
	}

	// The device cookie is for ada only: a log-in to bob from the same
	// browser counts as an unknown client's. (After the window: the
	// stranger's guesses used up this test's one client address too.)
	app.clock.Advance(loginFailureWindow)
	newBrowser(t, app).signup("bob", "correct horse")
	for i := range loginFailureLimit {
		other := newBrowser(t, app)
		wantStatus(t, "guess at bob "+strconv.Itoa(i+1), other.login("bob", "wrong password"), http.StatusUnauthorized)
	}
	owner.get("/settings")
	owner.post("/logout", nil)
	wantStatus(t, "ada's device logging in to bob", owner.login("bob", "correct horse"), http.StatusTooManyRequests)
}

// TestKnownDeviceTyposCountAgainstItOnly: wrong passwords from a known
// browser lock out that browser alone, not the account's other clients nor
// the address; the window still ends the lock.
func TestKnownDeviceTyposCountAgainstItOnly(t *testing.T) {
	app := newTestApp(t, openSignup())
	owner := newBrowser(t, app)
	owner.signup("ada", "correct horse")
	owner.get("/settings")
	owner.post("/logout", nil)

	for i := range loginFailureLimit {
		wantStatus(t, "typo "+strconv.Itoa(i+1), owner.login("ada", "wrong password"), http.StatusUnauthorized)
	}
	wantStatus(t, "the device after its own typos", owner.login("ada", "correct horse"), http.StatusTooManyRequests)

	laptop := newBrowser(t, app)
	wantStatus(t, "an unknown client of the account", laptop.login("ada", "correct horse"), http.StatusSeeOther)
	if laptop.deviceCookie() == nil {
		t.Fatal("a successful log-in gave no device cookie")
	}
	wantStatus(t, "a stranger from the same address", newBrowser(t, app).login("nobody", "wrong password"), http.StatusUnauthorized)

	app.clock.Advance(loginFailureWindow)
	wantStatus(t, "the device after the window", owner.login("ada", "correct horse"), http.StatusSeeOther)
}

// tampered changes one character in the middle of a cookie value.
func tampered(v string) string {
	i := len(v) / 2
	c := byte('A')
	if v[i] == 'A' {
		c = 'B'
	}
	return v[:i] + string(c) + v[i+1:]
}

// TestDeviceCookieIsSecureOverHTTPS: behind a trusted proxy that says
// https, the device cookie is marked Secure.
func TestDeviceCookieIsSecureOverHTTPS(t *testing.T) {
	app := newTestApp(t, Config{SignupOpen: true, TrustProxy: true})
	newBrowser(t, app).signup("ada", "correct horse")
	send := func(req *http.Request, cookies []*http.Cookie) *http.Response {
		req.Header.Set("X-Forwarded-Proto", "https")
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/login", nil)
	resp := send(req, nil)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF field on the log-in page")
	}
	form := url.Values{"csrf": {string(m[1])}, "name": {"ada"}, "password": {"correct horse"}}
	req, _ = http.NewRequest(http.MethodPost, app.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp = send(req, resp.Cookies())
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("log-in over https: %d", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == deviceCookieName {
			if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Fatalf("device cookie over https: Secure %v, HttpOnly %v, SameSite %v", c.Secure, c.HttpOnly, c.SameSite)
			}
			return
		}
	}
	t.Fatal("no device cookie after log-in")
}
