package handlers

import (
	"net/http"
	"net/url"
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

// TestParallelGuessesStayWithinTheLimit: 200 wrong passwords for one
// account at the same moment. Each attempt is counted before its password
// is checked, so at most the limit reach the check (401) and the rest are
// refused unchecked (429).
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

}
