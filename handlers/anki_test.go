package handlers

import (
	"context"
	"fmt"
	"net/http"
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
