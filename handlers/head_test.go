package handlers

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/flashcards/flashcards/static"
)

// TestHeadAnswersAsGet: every GET route answers HEAD with GET's status and
// headers and no body, so uptime monitors that send HEAD see the server up.
func TestHeadAnswersAsGet(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	u, _ := app.store.UserByName(ctx, "ada")
	token, _, _ := app.store.CreateToken(ctx, u.ID, "t")
	assets, err := static.Load()
	if err != nil {
		t.Fatal(err)
	}
	cookie := b.sessionCookie()
	signedIn := cookie.Name + "=" + cookie.Value
	bearer := "Bearer " + token

	for _, tc := range []struct {
		path, cookie, auth string
		status             int
	}{
		{"/healthz", "", "", 200},
		{assets.URL("css/app.css"), "", "", 200},
		{"/login", "", "", 200},
		{"/cards", "", "", 303}, // signed out: to the log-in page, with the way back
		{"/nope", "", "", 404},
		{"/", signedIn, "", 200},
		{"/cards", signedIn, "", 200},
		{"/settings", signedIn, "", 200},
		{"/export.json", signedIn, "", 200},
		{"/api/v1/me", "", bearer, 200},
		{"/api/v1/cards?limit=2", "", bearer, 200},
		{"/api/v1/review/next", "", bearer, 200},
		{"/api/v1/me", "", "", 401},
		{"/api/v1/nothing-here", "", bearer, 404},
	} {
		get := request(t, app, http.MethodGet, tc.path, tc.cookie, tc.auth)
		getBody, _ := io.ReadAll(get.Body)
		get.Body.Close()
		head := request(t, app, http.MethodHead, tc.path, tc.cookie, tc.auth)
		head.Body.Close()
		what := "HEAD " + tc.path
		if get.StatusCode != tc.status || head.StatusCode != get.StatusCode {
			t.Errorf("%s: %d, GET %d; want both %d", what, head.StatusCode, get.StatusCode, tc.status)
			continue
		}
		for _, h := range []string{"Content-Type", "Location", "Cache-Control", "ETag", "Content-Disposition", "WWW-Authenticate", "Content-Security-Policy"} {
			if head.Header.Get(h) != get.Header.Get(h) {
				t.Errorf("%s: %s %q, GET has %q", what, h, head.Header.Get(h), get.Header.Get(h))
			}
		}
		// Go's server gives a HEAD the Content-Length its GET has, or none
		// (where GET's body is empty, or large and sent chunked); never a
		// wrong one.
		if cl := head.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(getBody)) {
			t.Errorf("%s: Content-Length %s, GET's body has %d bytes", what, cl, len(getBody))
		}
		wantNoBodyOnWire(t, app, tc.path, tc.cookie, tc.auth)
	}
}

func request(t *testing.T, app *testApp, method, path, cookie, auth string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, app.URL+path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// wantNoBodyOnWire sends a HEAD and then a GET of /healthz on one
// connection: a HEAD answered with a body would garble the second answer.
func wantNoBodyOnWire(t *testing.T, app *testApp, path, cookie, auth string) {
	t.Helper()
	conn, err := net.Dial("tcp", app.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	extra := ""
	if cookie != "" {
		extra += "Cookie: " + cookie + "\r\n"
	}
	if auth != "" {
		extra += "Authorization: " + auth + "\r\n"
	}
	fmt.Fprintf(conn, "HEAD %s HTTP/1.1\r\nHost: test\r\n%s\r\nGET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", path, extra)
	br := bufio.NewReader(conn)
	head, err := http.ReadResponse(br, &http.Request{Method: http.MethodHead})
	if err != nil {
		t.Fatalf("HEAD %s on the wire: %v", path, err)
	}
	head.Body.Close()
	next, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil {
		t.Fatalf("HEAD %s sent a body: the next answer on the connection is garbled: %v", path, err)
	}
	body, _ := io.ReadAll(next.Body)
	next.Body.Close()
	if next.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Errorf("HEAD %s sent a body: the next answer on the connection is %d %q", path, next.StatusCode, body)
	}
}
