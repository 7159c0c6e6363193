package handlers

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data"
)

// uploadForm posts a multipart form, with a file when fileName is not
// empty, and the CSRF token of the last page seen.
func (b *browser) uploadForm(path string, fields map[string]string, fileName string, content []byte) page {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if _, ok := fields["csrf"]; !ok {
		w.WriteField("csrf", b.csrf)
	}
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if fileName != "" {
		fw, err := w.CreateFormFile("file", fileName)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(content)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.app.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "data", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportUploads(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	sample := readFixture(t, "qa-sample.txt")

	page := b.get("/import")
	wantStatus(t, "import page", page, http.StatusOK)
	wantBody(t, "import page", page, `enctype="multipart/form-data"`)
	wantBody(t, "import page", page, `name="csrf"`)
	wantBody(t, "import page", page, "33 MiB")

	p := b.uploadForm("/import", nil, "qa-sample.txt", sample)
	wantStatus(t, "upload", p, http.StatusSeeOther)
	if loc := p.header.Get("Location"); !strings.HasPrefix(loc, "/cards?deck=") {
		t.Errorf("after the import, redirect to %q", loc)
	}
	list := b.get(p.header.Get("Location"))
	wantBody(t, "cards after the import", list, "qa-sample.txt: 5 cards found, 5 added, 0 already there, in the deck &#34;qa-sample&#34;.")
	wantBody(t, "cards after the import", list, "Why do pipelines need to be idempotent?")
	if n, _ := app.store.CountCards(ctx, u.ID); n != 5 {
		t.Fatalf("%d cards after the import, want 5", n)
	}

	// The same file again adds nothing.
	p = b.uploadForm("/import", nil, "qa-sample.txt", sample)
	wantStatus(t, "upload again", p, http.StatusSeeOther)
	wantBody(t, "cards after the second import", b.get(p.header.Get("Location")), "5 cards found, 0 added, 5 already there")
	if n, _ := app.store.CountCards(ctx, u.ID); n != 5 {
		t.Fatalf("re-upload changed the count to %d", n)
	}

	// A CSV table, with a fallback category for rows that name none.
	csv := "front,back,category,key points\n" +
		"What is a B-tree?,A balanced search tree.,,pages; fan-out\n" +
		"\"Why ask, before coding?\",To pin down the goal.,Skipping clarification,\n"
	b.get("/import")
	p = b.uploadForm("/import", map[string]string{"category": "coding-fundamentals"}, "trees.csv", []byte(csv))
	wantStatus(t, "CSV upload", p, http.StatusSeeOther)
	wantBody(t, "after the CSV", b.get(p.header.Get("Location")), "trees.csv: 2 cards found, 2 added")
	cards, _ := app.store.ListCards(ctx, u.ID, data.CardFilter{Query: "B-tree"})
	if len(cards) != 1 || cards[0].Category != "coding-fundamentals" || cards[0].Deck != "trees" {
		t.Errorf("CSV card: %+v", cards)
	}
	cards, _ = app.store.ListCards(ctx, u.ID, data.CardFilter{Query: "before coding"})
	if len(cards) != 1 || cards[0].Category != "skipping-clarification" {
		t.Errorf("CSV card with a category: %+v", cards)
	}

	// Pasted text, with a name for the deck.
	b.get("/import")
	p = b.uploadForm("/import", map[string]string{"name": "My notes", "text": "Q1. What is drift?\r\nAns: The data changes under a deployed model.\r\n"}, "", nil)
	wantStatus(t, "paste", p, http.StatusSeeOther)
	wantBody(t, "after the paste", b.get(p.header.Get("Location")), "My notes: 1 card found, 1 added")
	if n, _ := app.store.CountCards(ctx, u.ID); n != 8 {
		t.Errorf("%d cards at the end, want 8", n)
	}
}

// Every refused document says why on the import page and stores nothing.
func TestImportRefusesBadDocuments(t *testing.T) {
	app := newTestApp(t, Config{SignupOpen: true, MaxUploadBytes: 64 << 10})
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada", "A card that was there before")
	broken := "Q1. What is a baseline?\nAns: The simplest model.\n\nAns: An answer without a question.\n\nQ3. A question without an answer?\n"
	for _, tc := range []struct {
		name    string
		file    string
		content []byte
		fields  map[string]string
		status  int
		want    []string
	}{
		{"invalid UTF-8", "latin1.txt", []byte("Q1. Caf\xe9 or tea?\nAns: Tea.\n"), nil, http.StatusBadRequest, []string{"not UTF-8 text", "Line 1:"}},
		{"empty file", "empty.txt", []byte{}, nil, http.StatusBadRequest, []string{"The document is empty."}},
		{"blank paste", "", nil, map[string]string{"text": " \r\n "}, http.StatusBadRequest, []string{"The document is empty."}},
		{"no Q&A", "notes.txt", []byte("Some notes without a single question in them.\n"), nil, http.StatusBadRequest, []string{"No questions and answers were found"}},
		{"broken Q&A", "broken.txt", []byte(broken), nil, http.StatusBadRequest, []string{"The document has 2 problems:", "Line 4:", "Line 6:"}},
		{"broken CSV", "broken.csv", []byte("front,back\nok,fine\n,no front\n"), nil, http.StatusBadRequest, []string{"The document has 1 problem:", "Line 3:"}},
		{"over the upload limit", "big.txt", bytes.Repeat([]byte("Q1. A?\nAns: b.\n"), 5000), nil, http.StatusRequestEntityTooLarge, []string{"larger than the limit of 64 KiB"}},
		{"nothing chosen", "", nil, nil, http.StatusBadRequest, []string{"Choose a file or paste a document"}},
		{"file and paste", "a.txt", []byte("Q1. A?\nAns: b.\n"), map[string]string{"text": "Q1. B?\nAns: c.\n"}, http.StatusBadRequest, []string{"not both"}},
		{"foreign category", "a.txt", []byte("Q1. A?\nAns: b.\n"), map[string]string{"category": "not-mine"}, http.StatusBadRequest, []string{"Choose one of your categories"}},
	} {
		b.get("/import")
		p := b.uploadForm("/import", tc.fields, tc.file, tc.content)
		wantStatus(t, tc.name, p, tc.status)
		for _, w := range tc.want {
			wantBody(t, tc.name, p, w)
		}
		wantBody(t, tc.name, p, `enctype="multipart/form-data"`) // the form, ready for another try
	}
	if n, _ := app.store.CountCards(ctx, u.ID); n != 1 {
		t.Errorf("refused imports changed the card count to %d", n)
	}
	if decks, _ := app.store.ListDecks(ctx, u.ID); len(decks) != 1 {
		t.Errorf("refused imports made decks: %+v", decks)
	}
	// What was pasted comes back, to be fixed rather than typed again.
	b.get("/import")
	p := b.uploadForm("/import", map[string]string{"name": "draft", "text": broken}, "", nil)
	wantBody(t, "refused paste", p, "An answer without a question.")
	wantBody(t, "refused paste", p, `value="draft"`)
}

// A document within the upload limit but over what a Q&A write-up may
// hold is refused by the parser, with both limits named.
func TestImportDocumentOverParserLimit(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, u, _ := cardOwner(t, app, "ada")
	b.get("/import")
	doc := bytes.Repeat([]byte("Q1. A?\nAns: b.\n"), data.MaxDocumentBytes/15+1)
	p := b.uploadForm("/import", nil, "huge.txt", doc)
	wantStatus(t, "huge write-up", p, http.StatusRequestEntityTooLarge)
	wantBody(t, "huge write-up", p, "a Q&amp;A write-up may hold 4 MiB, a card table (.csv, .tsv) 32 MiB")
	if n, _ := app.store.CountCards(context.Background(), u.ID); n != 0 {
		t.Errorf("%d cards stored", n)
	}
}

func TestImportNeedsLoginAndCSRF(t *testing.T) {
	app := newTestApp(t, openSignup())
	sample := readFixture(t, "qa-sample.txt")
	anon := newBrowser(t, app)
	anon.get("/login")
	p := anon.uploadForm("/import", nil, "qa-sample.txt", sample)
	wantStatus(t, "signed-out upload", p, http.StatusSeeOther)
	if loc := p.header.Get("Location"); loc != "/login" {
		t.Errorf("signed-out upload redirects to %q", loc)
	}

	b, u, _ := cardOwner(t, app, "ada")
	b.get("/import")
	wantStatus(t, "upload without CSRF", b.uploadForm("/import", map[string]string{"csrf": "forged"}, "qa-sample.txt", sample), http.StatusForbidden)
	wantStatus(t, "urlencoded without CSRF", b.postRaw("/import", url.Values{"text": {"Q1. A?\nAns: b.\n"}}), http.StatusForbidden)
	if n, _ := app.store.CountCards(context.Background(), u.ID); n != 0 {
		t.Errorf("refused uploads stored %d cards", n)
	}
	// A paste may also come as a plain form.
	p = b.post("/import", url.Values{"text": {"Q1. A?\nAns: b.\n"}})
	wantStatus(t, "urlencoded paste", p, http.StatusSeeOther)
	wantBody(t, "urlencoded paste", b.get(p.header.Get("Location")), "Pasted notes: 1 card found, 1 added")
}

// A card table of more cards than one import takes is refused on the
// import page with both numbers, and stores nothing.
func TestImportOverTheCardLimit(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, u, _ := cardOwner(t, app, "ada")
	var doc bytes.Buffer
	doc.WriteString("front,back\n")
	for i := range data.MaxImportCards + 1 {
		fmt.Fprintf(&doc, "q%d,a\n", i)
	}
	b.get("/import")
	p := b.uploadForm("/import", nil, "huge.csv", doc.Bytes())
	wantStatus(t, "over the card limit", p, http.StatusBadRequest)
	wantBody(t, "over the card limit", p, "The file has 200,001 cards; one import takes at most 200,000")
	if n, _ := app.store.CountCards(context.Background(), u.ID); n != 0 {
		t.Errorf("%d cards stored", n)
	}
}

// An import while another of the user's runs is refused with 409 and
// words, on the import page.
func TestImportErrorMessageForARunningImport(t *testing.T) {
	status, msg, _ := importErrorMessage(fmt.Errorf("%w: an import into this account is still running; try again when it has finished", data.ErrConflict))
	if status != http.StatusConflict || msg != "An import into this account is still running; try again when it has finished" {
		t.Errorf("importErrorMessage = %d %q", status, msg)
	}
}
