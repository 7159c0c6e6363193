package handlers

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
)

// TestAnkiPackageThroughTheAPIAndTheUploadPage exports ada's progress as an
// .apkg and brings it into other accounts through the API and the upload
// page: cards, categories and schedules come along, and a second import of
// the same package adds nothing.
func TestAnkiPackageThroughTheAPIAndTheUploadPage(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	_, tok := studyUser(t, app, "ada", 4, data.DefaultSettings())
	apiGrade(t, app, tok, 1, 5)
	apiGrade(t, app, tok, 2, 4)
	app.clock.Advance(24 * time.Hour)
	apiGrade(t, app, tok, 1, 4) // I = 6
	ada, _ := app.store.UserByName(ctx, "ada")
	app.store.SetSuspended(ctx, ada.ID, 4, true)

	status, hdr, pkg := exportRaw(t, app, http.MethodGet, "/api/v1/export?format=apkg", tok, "", nil)
	if status != http.StatusOK || len(pkg) < 4 || string(pkg[:2]) != "PK" {
		t.Fatalf("apkg export: %d %s, %d bytes", status, hdr.Get("Content-Type"), len(pkg))
	}
	schedule := func(uid int64) string {
		t.Helper()
		cards, err := app.store.ListCards(ctx, uid, data.CardFilter{})
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for i := len(cards) - 1; i >= 0; i-- { // oldest first
			c := cards[i]
			out += fmt.Sprintf("%s|%s|%s|graded=%v I=%d E=%d due=%v susp=%v\n", c.Front, c.Back, c.Category,
				c.Sched.Graded, c.Sched.State.Interval, c.Sched.State.Ease, c.Sched.Due, c.Suspended)
		}
		return out
	}
	want := schedule(ada.ID)

	// Through the API.
	bob, err := app.store.CreateUser(ctx, "bob", "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	bobTok, _, _ := app.store.CreateToken(ctx, bob.ID, "t")
	status, _, body := exportRaw(t, app, http.MethodPost, "/api/v1/import", bobTok, "application/octet-stream", pkg)
	if status != http.StatusOK {
		t.Fatalf("apkg import through the API: %d %s", status, body)
	}
	if got := schedule(bob.ID); got != want {
		t.Errorf("bob's cards after the apkg import:\n%s\nwant ada's:\n%s", got, want)
	}
	before := accountCounts(t, app, bob.ID)
	if status, _, body := exportRaw(t, app, http.MethodPost, "/api/v1/import", bobTok, "application/octet-stream", pkg); status != http.StatusOK {
		t.Fatalf("second apkg import: %d %s", status, body)
	}
	if after := accountCounts(t, app, bob.ID); after != before {
		t.Errorf("importing the same package twice changed the account:\n%s\n%s", before, after)
	}

	// Through the upload page.
	b := newBrowser(t, app)
	b.signup("carol", "correct horse")
	carol, _ := app.store.UserByName(ctx, "carol")
	b.get("/import")
	p := b.uploadForm("/import", nil, "ada.apkg", pkg)
	wantStatus(t, "apkg upload", p, http.StatusSeeOther)
	cards, _ := app.store.ListCards(ctx, carol.ID, data.CardFilter{DeckID: 0, Query: "Question 1 of ada"})
	if len(cards) != 1 || cards[0].Sched.State.Interval != 6 {
		t.Errorf("carol's imported card: %+v", cards)
	}

	// A broken package is refused with a clear message, and stores nothing.
	before = accountCounts(t, app, carol.ID)
	b.get("/import")
	p = b.uploadForm("/import", nil, "broken.apkg", append([]byte("PK\x03\x04"), make([]byte, 64)...))
	if p.status != http.StatusBadRequest {
		t.Errorf("broken package: status %d", p.status)
	}
	if after := accountCounts(t, app, carol.ID); after != before {
		t.Errorf("a broken package changed the account:\n%s\n%s", before, after)
	}
}

// TestComputedAnkiFieldGets400 sends the package that once took the
// server's memory: a few kilobytes whose notes.flds is a generated column
// of 200 MB per note. The API and the upload page answer 400 at once with
// a sentence a person understands, nothing is stored, and the server
// keeps serving.
func TestComputedAnkiFieldGets400(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	_, tok := studyUser(t, app, "ada", 4, data.DefaultSettings())
	status, _, pkg := exportRaw(t, app, http.MethodGet, "/api/v1/export?format=apkg", tok, "", nil)
	if status != http.StatusOK {
		t.Fatalf("apkg export: %d", status)
	}
	hostile := computedFieldPackage(t, pkg, `printf('%.*c', 200000000, 'x')`)
	t.Logf("the package is %d bytes", len(hostile))
	ada, _ := app.store.UserByName(ctx, "ada")
	before := accountCounts(t, app, ada.ID)

	const want = "This Anki package's notes table has a computed column (flds); it cannot be imported"
	start := time.Now()
	status, _, body := exportRaw(t, app, http.MethodPost, "/api/v1/import", tok, "application/octet-stream", hostile)
	if status != http.StatusBadRequest || !strings.Contains(string(body), want) {
		t.Errorf("API import: %d %s; want 400 saying %q", status, body, want)
	}
	b := newBrowser(t, app)
	b.signup("bob", "correct horse")
	b.get("/import")
	p := b.uploadForm("/import", nil, "hostile.apkg", hostile)
	if p.status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(p.body), want) {
		t.Errorf("upload page: %d; want 400 saying %q", p.status, want)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("refusing the package twice took %v", took)
	}
	if after := accountCounts(t, app, ada.ID); after != before {
		t.Errorf("a refused package changed the account:\n%s\n%s", before, after)
	}
	if status, _, body := exportRaw(t, app, http.MethodGet, "/healthz", "", "", nil); status != http.StatusOK {
		t.Errorf("healthz after the refusal: %d %s", status, body)
	}
}

// computedFieldPackage rewrites an exported .apkg so that its notes' flds
// column is computed by expr, which SQLite would evaluate on every read.
func computedFieldPackage(t *testing.T, pkg []byte, expr string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "collection.anki2")
	for _, f := range zr.File {
		if f.Name != "collection.anki2" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // writable_schema holds for one connection
	for _, q := range []string{"PRAGMA writable_schema = ON",
		"UPDATE sqlite_schema SET sql = replace(sql, 'flds text NOT NULL', 'flds text AS (" + strings.ReplaceAll(expr, "'", "''") + ")') WHERE name = 'notes'"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	collection, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("collection.anki2")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(collection)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
