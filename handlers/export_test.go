package handlers

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
)

// exportRaw sends a request with a bearer token and returns the raw answer.
func exportRaw(t *testing.T, app *testApp, method, path, token, contentType string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, app.URL+path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw
}

// exportHistory gives ada a history worth exporting, through the API where
// the API can: five cards, one moved to a category of her own, one
// suspended, a re-drill, an undo, and a lapse on a second study day.
func exportHistory(t *testing.T, app *testApp) (int64, string) {
	t.Helper()
	ctx := context.Background()
	st := data.DefaultSettings()
	st.Timezone, st.NewPerDay = "Europe/Berlin", 10
	uid, tok := studyUser(t, app, "ada", 5, st) // cards 1..5
	if _, err := app.store.CreateCategory(ctx, uid, "System design", "Questions of scale"); err != nil {
		t.Fatal(err)
	}
	if err := app.store.UpdateCard(ctx, uid, 2, data.CardInput{Front: "=Question 2 of ada", Back: "Answer 2\non two lines", Category: "system-design", KeyPoints: []string{"scale"}}); err != nil {
		t.Fatal(err)
	}
	if err := app.store.SetSuspended(ctx, uid, 5, true); err != nil {
		t.Fatal(err)
	}
	grade := func(id int64, g int) {
		t.Helper()
		if s, b := apiGrade(t, app, tok, id, g); s != http.StatusOK {
			t.Fatalf("grade card %d with %d: %d %v", id, g, s, b)
		}
	}
	grade(1, 5)
	grade(2, 2)
	grade(2, 3) // re-drill
	grade(3, 4)
	grade(4, 1)
	if s, _, _ := apiCall(t, app, http.MethodPost, "/api/v1/undo", tok, ""); s != http.StatusOK {
		t.Fatalf("undo: %d", s)
	}
	grade(4, 4)
	app.clock.Advance(24 * time.Hour)
	grade(1, 1) // a lapse
	grade(1, 4) // its re-drill
	grade(2, 5)
	return uid, tok
}

// comparableExport is an export without what a restore may change: its
// time, the user, and card ids (replaced by the card's position).
func comparableExport(t *testing.T, doc []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("export is not JSON: %v: %.300s", err, doc)
	}
	delete(m, "exported_at")
	delete(m, "user")
	pos := map[float64]string{}
	for i, c := range m["cards"].([]any) {
		card := c.(map[string]any)
		pos[card["id"].(float64)] = fmt.Sprint("card#", i)
		card["id"] = pos[card["id"].(float64)]
	}
	for _, r := range m["reviews"].([]any) {
		review := r.(map[string]any)
		review["card_id"] = pos[review["card_id"].(float64)]
	}
	out, _ := json.MarshalIndent(m, "", " ")
	return string(out)
}

// accountCounts sums up an account, to show a refused restore changed nothing.
func accountCounts(t *testing.T, app *testApp, uid int64) string {
	t.Helper()
	ctx := context.Background()
	cards, err := app.store.CountCards(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	cats, _ := app.store.ListCategories(ctx, uid)
	decks, _ := app.store.ListDecks(ctx, uid)
	stats, err := app.store.Stats(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := app.store.UserSettings(ctx, uid)
	return fmt.Sprintf("cards=%d categories=%d decks=%d reviews=%d settings=%+v", cards, len(cats), len(decks), stats.Reviews, st)
}

func TestExportRestoreRoundTripThroughTheAPI(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	_, tok := exportHistory(t, app)

	status, hdr, first := exportRaw(t, app, http.MethodGet, "/api/v1/export?format=json", tok, "", nil)
	if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") ||
		!strings.Contains(hdr.Get("Content-Disposition"), `attachment; filename=flashcards-ada-2026-03-11.json`) {
		t.Fatalf("export: %d %v %.200s", status, hdr, first)
	}
	var doc struct {
		Cards   []json.RawMessage `json:"cards"`
		Reviews []struct {
			Counted bool `json:"counted"`
		} `json:"reviews"`
	}
	if err := json.Unmarshal(first, &doc); err != nil || len(doc.Cards) != 5 || len(doc.Reviews) != 8 {
		t.Fatalf("export holds %d cards, %d reviews (%v); want 5 and 8", len(doc.Cards), len(doc.Reviews), err)
	}

	bob, err := app.store.CreateUser(ctx, "bob", "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	bobTok, _, _ := app.store.CreateToken(ctx, bob.ID, "restore")
	status, _, raw := exportRaw(t, app, http.MethodPost, "/api/v1/import", bobTok, "application/json", first)
	var restored struct {
		Format, Summary string
		Cards, Reviews  int
		NewCategories   []string `json:"new_categories"`
		NewDecks        []string `json:"new_decks"`
	}
	if err := json.Unmarshal(raw, &restored); status != http.StatusOK || err != nil || restored.Format != "export" || restored.Cards != 5 || restored.Reviews != 8 ||
		fmt.Sprint(restored.NewCategories, restored.NewDecks) != "[system-design] [Test deck]" ||
		restored.Summary != "restored 5 cards and 8 reviews. New categories: system-design. New decks: Test deck." {
		t.Fatalf("restore: %d %s", status, raw)
	}
	_, _, second := exportRaw(t, app, http.MethodGet, "/api/v1/export", bobTok, "", nil)
	if a, b := comparableExport(t, first), comparableExport(t, second); a != b {
		t.Errorf("export -> restore -> export differs:\n%s\n----\n%s", a, b)
	}
	if !bytes.Contains(second, []byte(`"user":{"name":"bob"}`)) {
		t.Errorf("the second export is not bob's: %.200s", second)
	}

	// Again: bob has these cards now. Refused, and nothing changes.
	before := accountCounts(t, app, bob.ID)
	status, _, raw = exportRaw(t, app, http.MethodPost, "/api/v1/import", bobTok, "application/json", first)
	if status != http.StatusConflict || !strings.Contains(string(raw), "already has progress on") {
		t.Errorf("second restore: %d %s, want 409", status, raw)
	}
	if after := accountCounts(t, app, bob.ID); after != before {
		t.Errorf("a refused restore changed the account:\n%s\n%s", before, after)
	}
}

func TestExportMasteryIsTheAPIs(t *testing.T) {
	app := newTestApp(t, openSignup())
	_, tok := exportHistory(t, app)
	_, _, doc := exportRaw(t, app, http.MethodGet, "/api/v1/export", tok, "", nil)
	var exp struct {
		Mastery json.RawMessage `json:"mastery"`
	}
	if err := json.Unmarshal(doc, &exp); err != nil {
		t.Fatal(err)
	}
	_, _, api := exportRaw(t, app, http.MethodGet, "/api/v1/mastery", tok, "", nil)
	var a, b any
	json.Unmarshal(exp.Mastery, &a)
	json.Unmarshal(api, &b)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("the export's mastery table differs from /api/v1/mastery:\n%s\n%s", exp.Mastery, api)
	}
}

func TestExportHoldsOnlyTheCallersCards(t *testing.T) {
	app := newTestApp(t, openSignup())
	_, tokA := studyUser(t, app, "ada", 2, data.DefaultSettings())
	studyUser(t, app, "bob", 2, data.DefaultSettings())
	for _, format := range []string{"json", "csv", "anki"} {
		status, hdr, raw := exportRaw(t, app, http.MethodGet, "/api/v1/export?format="+format, tokA, "", nil)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", format, status, raw)
		}
		text := string(raw)
		if format == "csv" {
			if hdr.Get("Content-Type") != "application/zip" {
				t.Errorf("csv content type %q", hdr.Get("Content-Type"))
			}
			text = unzipText(t, raw)
		}
		if !strings.Contains(text, "Question 1 of ada") || strings.Contains(text, "of bob") {
			t.Errorf("%s export with ada's token: has ada's cards %v, has bob's %v", format, strings.Contains(text, "of ada"), strings.Contains(text, "of bob"))
		}
	}
	if status, _, _ := exportRaw(t, app, http.MethodGet, "/api/v1/export", "", "", nil); status != http.StatusUnauthorized {
		t.Errorf("export without a token: %d", status)
	}
	if status, _, raw := exportRaw(t, app, http.MethodGet, "/api/v1/export?format=xml", tokA, "", nil); status != http.StatusBadRequest {
		t.Errorf("format=xml: %d %s", status, raw)
	}
}

// unzipText joins every cell of every CSV in a zip, checking each parses.
func unzipText(t *testing.T, raw []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, r := range recs {
			all.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return all.String()
}

func TestRestoreAPIRefusesBadFiles(t *testing.T) {
	app := newTestApp(t, Config{SignupOpen: true, MaxUploadBytes: 256 << 10})
	ctx := context.Background()
	_, tok := exportHistory(t, app)
	_, _, doc := exportRaw(t, app, http.MethodGet, "/api/v1/export", tok, "", nil)
	bob, _ := app.store.CreateUser(ctx, "bob", "correct horse", data.DefaultSettings())
	bobTok, _, _ := app.store.CreateToken(ctx, bob.ID, "restore")
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	for _, tc := range []struct {
		name        string
		body        string
		contentType string
		status      int
		want        string
	}{
		{"truncated", string(doc[:len(doc)*2/3]), "application/json", 400, "cut short"},
		{"broken", strings.Replace(string(doc), `"reviews":[`, `"reviews":[}`, 1), "application/json", 400, "not valid JSON"},
		{"newer version", strings.Replace(string(doc), `"version":1`, `"version":2`, 1), "application/json", 400,
			"made by a newer version of flashcards (export version 2); this server reads version 1"},
		{"deeply nested", deep, "application/json", 400, "not a flashcards export"},
		{"deeply nested inside", `{"format":"flashcards-export","version":1,"decks":` + deep[:20_000] + deep[len(deep)-20_000:] + `}`, "application/json", 400, "nested too deep"},
		{"a grade of 9", strings.Replace(string(doc), `"grade":5`, `"grade":9`, 1), "application/json", 400, "grade 9"},
		{"a table sent without its name", "front,back\nq,a\n", "application/octet-stream", 400, "No questions and answers were found"},
		{"over the upload limit", `{"format":"flashcards-export","version":1,"user":{"name":"` + strings.Repeat("x", 300<<10) + `"}}`, "application/json", 413, "larger than the limit of 256 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := accountCounts(t, app, bob.ID)
			status, hdr, raw := exportRaw(t, app, http.MethodPost, "/api/v1/import", bobTok, tc.contentType, []byte(tc.body))
			var body map[string]string
			json.Unmarshal(raw, &body)
			if status != tc.status || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || !strings.Contains(body["error"], tc.want) {
				t.Errorf("%d %s; want %d with an error mentioning %q", status, raw, tc.status, tc.want)
			}
			if after := accountCounts(t, app, bob.ID); after != before {
				t.Errorf("a refused restore changed the account:\n%s\n%s", before, after)
			}
		})
	}
}

// upload posts a multipart form with a file, as the restore form does.
func (b *browser) upload(path, csrf, field, name string, content []byte) page {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.app.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func TestExportAndRestoreInTheBrowser(t *testing.T) {
	app := newTestApp(t, Config{SignupOpen: true, MaxUploadBytes: 256 << 10})
	ctx := context.Background()
	exportHistory(t, app)
	ada := newBrowser(t, app)
	wantStatus(t, "log in", ada.login("ada", "correct horse"), http.StatusSeeOther)
	wantBody(t, "settings", ada.get("/settings"), `href="/settings/export"`)
	p := ada.get("/settings/export")
	wantStatus(t, "export page", p, http.StatusOK)
	for _, link := range []string{`href="/export.json"`, `href="/export.zip"`, `href="/export.tsv"`, `action="/settings/restore"`, "256 KiB"} {
		wantBody(t, "export page", p, link)
	}

	var doc []byte
	for _, d := range []struct{ path, contentType, file, start string }{
		{"/export.json", "application/json", "flashcards-ada-2026-03-11.json", `{"format":"flashcards-export","version":1,`},
		{"/export.zip", "application/zip", "flashcards-ada-2026-03-11.zip", "PK"},
		{"/export.tsv", "text/tab-separated-values; charset=utf-8", "flashcards-ada-2026-03-11-anki.tsv", "#separator:tab\n#html:false\n#tags column:3\n"},
	} {
		p := ada.get(d.path)
		if p.status != http.StatusOK || p.header.Get("Content-Type") != d.contentType ||
			p.header.Get("Content-Disposition") != "attachment; filename="+d.file || !strings.HasPrefix(p.body, d.start) {
			t.Errorf("GET %s: %d %q %q %.60q", d.path, p.status, p.header.Get("Content-Type"), p.header.Get("Content-Disposition"), p.body)
		}
		if d.path == "/export.json" {
			doc = []byte(p.body)
		}
	}
	if p := newBrowser(t, app).get("/export.json"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
		t.Errorf("signed-out download: %d %s", p.status, p.header.Get("Location"))
	}

	// Restore into a fresh account through the form.
	if _, err := app.store.CreateUser(ctx, "bob", "correct horse", data.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	bobUser, _ := app.store.UserByName(ctx, "bob")
	bob := newBrowser(t, app)
	wantStatus(t, "log in", bob.login("bob", "correct horse"), http.StatusSeeOther)
	bob.get("/settings/export")
	before := accountCounts(t, app, bobUser.ID)
	wantStatus(t, "restore without the CSRF token", bob.upload("/settings/restore", "", "file", "export.json", doc), http.StatusForbidden)
	p = bob.upload("/settings/restore", bob.csrf, "file", "export.json", doc[:len(doc)/2])
	wantStatus(t, "restore of a truncated file", p, http.StatusBadRequest)
	wantBody(t, "restore of a truncated file", p, "cut short")
	wantBody(t, "restore of a truncated file", p, "Nothing was restored.")
	p = bob.upload("/settings/restore", bob.csrf, "file", "big.json", bytes.Repeat([]byte(" "), 300<<10))
	wantStatus(t, "restore over the limit", p, http.StatusRequestEntityTooLarge)
	wantBody(t, "restore over the limit", p, "limit of 256 KiB")
	if after := accountCounts(t, app, bobUser.ID); after != before {
		t.Errorf("refused restores changed the account:\n%s\n%s", before, after)
	}

	p = bob.upload("/settings/restore", bob.csrf, "file", "export.json", doc)
	wantStatus(t, "restore", p, http.StatusSeeOther)
	p = bob.get(p.header.Get("Location"))
	wantBody(t, "after the restore", p, "Restored 5 cards and 8 reviews. New categories: system-design. New decks: Test deck.")
	again := bob.get("/export.json")
	if a, b := comparableExport(t, doc), comparableExport(t, []byte(again.body)); a != b {
		t.Errorf("export -> restore in the browser -> export differs:\n%s\n----\n%s", a, b)
	}
	p = bob.upload("/settings/restore", bob.csrf, "file", "export.json", doc)
	wantStatus(t, "restore twice", p, http.StatusConflict)
	wantBody(t, "restore twice", p, "already has progress on")
	wantBody(t, "restore twice", p, "(in &#34;Test deck&#34;)")
}
