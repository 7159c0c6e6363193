package handlers

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// apiCall sends a JSON request with an optional bearer token.
func apiCall(t *testing.T, app *testApp, method, path, token, body string) (int, map[string]any, http.Header) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, app.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusNoContent && !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s answered %s, not JSON: %.300s", method, path, ct, raw)
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: invalid JSON %q", method, path, raw)
		}
	}
	return resp.StatusCode, out, resp.Header
}

func TestBearerTokens(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	u, _ := app.store.UserByName(ctx, "ada")
	token, tok, err := app.store.CreateToken(ctx, u.ID, "script")
	if err != nil {
		t.Fatal(err)
	}

	status, body, _ := apiCall(t, app, http.MethodGet, "/api/v1/me", token, "")
	if status != http.StatusOK || body["name"] != "ada" {
		t.Fatalf("valid token: %d %v", status, body)
	}
	for name, tc := range map[string]string{
		"missing": "",
		"wrong":   "fc_" + strings.Repeat("A", 43),
		"garbage": "hello",
	} {
		status, body, hdr := apiCall(t, app, http.MethodGet, "/api/v1/me", tc, "")
		if status != http.StatusUnauthorized || body["error"] == nil || hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("%s token: %d %v", name, status, body)
		}
	}
	// A browser cookie is no API credential.
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/api/v1/me", nil)
	if p := b.do(req); p.status != http.StatusUnauthorized {
		t.Errorf("cookie on the API: %d", p.status)
	}

	if err := app.store.RevokeToken(ctx, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := apiCall(t, app, http.MethodGet, "/api/v1/me", token, ""); status != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", status)
	}
}

var tokenShown = regexp.MustCompile(`id="new-token">([^<]+)<`)

func TestTokenFromSettingsPage(t *testing.T) {
	app := newTestApp(t, openSignup())
	b := newBrowser(t, app)
	b.signup("ada", "correct horse")
	b.get("/settings")
	p := b.post("/settings/tokens", map[string][]string{"name": {"laptop"}})
	wantStatus(t, "create token", p, http.StatusOK)
	m := tokenShown.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no token shown:\n%s", p.body)
	}
	if status, _, _ := apiCall(t, app, http.MethodGet, "/api/v1/me", m[1], ""); status != http.StatusOK {
		t.Fatalf("token from settings refused: %d", status)
	}
	if strings.Contains(b.get("/settings").body, m[1]) {
		t.Error("the token is shown again on a later visit")
	}
}

func TestAPISettings(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	newBrowser(t, app).signup("ada", "correct horse")
	token, _, _ := app.store.CreateToken(ctx, 1, "t")

	status, body, _ := apiCall(t, app, http.MethodPut, "/api/v1/settings", token, `{"timezone":"America/New_York","new_per_day":100000}`)
	if status != http.StatusOK || body["timezone"] != "America/New_York" || body["new_per_day"] != float64(100000) || body["rollover_hour"] != float64(4) {
		t.Fatalf("update: %d %v", status, body)
	}
	for _, bad := range []string{
		`{"timezone":"Nowhere/Special"}`,
		`{"rollover_hour":24}`,
		`{"new_per_day":-1}`,
		`{"new_per_day":"ten"}`,
		`{"colour":"blue"}`,
		`{"rollover_hour":3`,
		`{"rollover_hour":3} {}`,
	} {
		status, body, _ := apiCall(t, app, http.MethodPut, "/api/v1/settings", token, bad)
		if status != http.StatusBadRequest || body["error"] == "" {
			t.Errorf("PUT %s: %d %v, want 400 with a reason", bad, status, body)
		}
	}
	st, _ := app.store.UserSettings(ctx, 1)
	if st.Timezone != "America/New_York" || st.RolloverHour != 4 || st.NewPerDay != 100000 {
		t.Errorf("refused updates changed settings: %+v", st)
	}
	status, body, _ = apiCall(t, app, http.MethodGet, "/api/v1/nothing-here", token, "")
	if status != http.StatusNotFound || body["error"] == nil {
		t.Errorf("unknown API path: %d %v", status, body)
	}
}
