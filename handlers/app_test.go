package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/flashcards/flashcards/data"
)

// fakeClock is the application's clock in tests; it moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type testApp struct {
	*httptest.Server
	store *data.Store
	clock *fakeClock
}

// newTestApp runs the whole application behind httptest on a real SQLite
// file, with a fake clock and cheap password hashing.
func newTestApp(t *testing.T, cfg Config) *testApp {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := store.CheckCounts(ctx); err != nil {
			t.Errorf("after the test: %v", err)
		}
		if err := store.CheckMemory(ctx); err != nil {
			t.Errorf("after the test: %v", err)
		}
		store.Close()
	})
	clock := &fakeClock{t: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	store.Now = clock.Now
	store.PasswordCost = bcrypt.MinCost
	e, err := New(ctx, cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &testApp{Server: srv, store: store, clock: clock}
}

func openSignup() Config { return Config{SignupOpen: true} }

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each response as it is.
type browser struct {
	t    *testing.T
	app  *testApp
	c    *http.Client
	csrf string
}

func newBrowser(t *testing.T, app *testApp) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, app: app, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

type page struct {
	status int
	body   string
	header http.Header
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return page{status: resp.StatusCode, body: string(body), header: resp.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.app.URL+path, nil)
	return b.do(req)
}

// post sends a form with the CSRF token of the last page seen.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	return b.postRaw(path, form)
}

func (b *browser) postRaw(path string, form url.Values) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.app.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) signup(name, password string) page {
	b.t.Helper()
	b.get("/signup")
	p := b.post("/signup", url.Values{"name": {name}, "password": {password}, "password2": {password}, "timezone": {"Europe/Berlin"}})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("sign-up of %s: status %d\n%s", name, p.status, p.body)
	}
	return p
}

func (b *browser) login(name, password string) page {
	b.t.Helper()
	b.get("/login")
	return b.post("/login", url.Values{"name": {name}, "password": {password}})
}

func (b *browser) sessionCookie() *http.Cookie {
	u, _ := url.Parse(b.app.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == sessionName {
			return c
		}
	}
	return nil
}

// withCookie is a fresh browser holding a copy of a cookie, as a thief would.
func withCookie(t *testing.T, app *testApp, c *http.Cookie) *browser {
	b := newBrowser(t, app)
	u, _ := url.Parse(app.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: c.Name, Value: c.Value}})
	return b
}

func wantStatus(t *testing.T, what string, p page, status int) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d\n%.600s", what, p.status, status, p.body)
	}
}

func wantBody(t *testing.T, what string, p page, substr string) {
	t.Helper()
	if !strings.Contains(p.body, substr) {
		t.Fatalf("%s: page lacks %q\n%.800s", what, substr, p.body)
	}
}
