package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/internal/testkit"
	"github.com/flashcards/flashcards/views"
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

func TestImportUploads(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	sample := testkit.Fixture(t, "qa-sample.txt")

	page := b.get("/import")
	wantStatus(t, "import page", page, http.StatusOK)
	wantBody(t, "import page", page, `enctype="multipart/form-data"`)
	wantBody(t, "import page", page, `name="csrf"`)
	wantBody(t, "import page", page, "33 MiB")

	p := b.uploadAndConfirm(nil, "qa-sample.txt", sample)
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
	p = b.uploadAndConfirm(nil, "qa-sample.txt", sample)
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
	p = b.uploadAndConfirm(map[string]string{"category": "coding-fundamentals"}, "trees.csv", []byte(csv))
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
	p = b.uploadAndConfirm(map[string]string{"name": "My notes", "text": "Q1. What is drift?\r\nAns: The data changes under a deployed model.\r\n"}, "", nil)
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

// A card table with an unclosed quote is refused at the line where the
// quoted field opens, in words that say how to fix it, not with the CSV
// reader's message at the line where it gave up. The command line prints
// the same words (TestImportCommandCSVQuoteError).
func TestImportCSVQuoteErrorNamesTheLineToFix(t *testing.T) {
	app := newTestApp(t, openSignup())
	b, u, _ := cardOwner(t, app, "ada")
	b.get("/import")
	doc := "front,back\nWhat is a B-tree?,\"A balanced tree\nWhat is a heap?,A priority queue\nWhat is a trie?,A prefix tree\n"
	p := b.uploadForm("/import", nil, "trees.csv", []byte(doc))
	wantStatus(t, "unclosed quote", p, http.StatusBadRequest)
	wantBody(t, "unclosed quote", p, "The document has 1 problem:")
	wantBody(t, "unclosed quote", p, `<span class="line">Line 2:</span> `+html.EscapeString(
		`a quoted field starts here and its closing quote is missing; close it with " (a quote inside a quoted field is written ""); rows after it were not read`))
	if strings.Contains(p.body, "Line 4") || strings.Contains(p.body, "extraneous") {
		t.Errorf("the page still shows the reader's line or message:\n%.800s", p.body)
	}
	if n, _ := app.store.CountCards(context.Background(), u.ID); n != 0 {
		t.Errorf("%d cards stored", n)
	}
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
	sample := testkit.Fixture(t, "qa-sample.txt")
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
	p = b.confirm(b.post("/import", url.Values{"text": {"Q1. A?\nAns: b.\n"}}), nil)
	wantStatus(t, "urlencoded paste", p, http.StatusSeeOther)
	wantBody(t, "urlencoded paste", b.get(p.header.Get("Location")), "Pasted notes: 1 card found, 1 added")
}

// An upload larger than Go's in-memory default (8 MiB) is read without the
// system temp folder, where a killed server would leave its spill file.
func TestLargeUploadNeedsNoSystemTempFolder(t *testing.T) {
	blocked := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	app := newTestApp(t, openSignup())
	b, _, _ := cardOwner(t, app, "ada")
	b.get("/import")
	t.Setenv("TMPDIR", blocked) // after start-up: only the upload may need it
	big := bytes.Repeat([]byte("Q1. A?\nAns: b.\n"), (9<<20)/15)
	p := b.uploadForm("/import", nil, "big.txt", big)
	if strings.Contains(p.body, "could not be read") {
		t.Fatalf("the 9 MiB upload was not read: %d %s", p.status, p.body)
	}
	wantBody(t, "a 9 MiB write-up", p, "4 MiB") // refused by the importer, which saw the file
}

// A saved web page imports through the form: its article's Q&As become
// cards filed under its section headings, with none of the page's markup,
// menus or comments.
func TestImportSavedPage(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	b.get("/import")
	p := b.uploadAndConfirm(nil, "qa-page.html", testkit.Fixture(t, "qa-page.html"))
	wantStatus(t, "page upload", p, http.StatusSeeOther)
	wantBody(t, "after the page", b.get(p.header.Get("Location")), "qa-page.html: 6 cards found, 6 added, 0 already there, in the deck &#34;qa-page&#34;. New categories: basics, delivery, flow-control.")
	cards, err := app.store.ListCards(ctx, u.ID, data.CardFilter{})
	if err != nil || len(cards) != 6 {
		t.Fatalf("%d cards, %v", len(cards), err)
	}
	for _, c := range cards {
		if strings.ContainsAny(c.Front+c.Back, "<>") || strings.Contains(c.Back, "Great post") {
			t.Errorf("page markup or clutter on a card: %q / %q", c.Front, c.Back)
		}
	}
	cards, _ = app.store.ListCards(ctx, u.ID, data.CardFilter{Query: "dead-letter"})
	if len(cards) != 1 || cards[0].Category != "delivery" || !strings.Contains(cards[0].Back, "inspected by a person") {
		t.Errorf("the <details> Q&A: %+v", cards)
	}

	// Pasted, the same page is found by its content, whatever its name.
	b.get("/import")
	p = b.uploadAndConfirm(map[string]string{"name": "queues", "text": string(testkit.Fixture(t, "qa-page.html")), "headings": "ignore"}, "", nil)
	wantStatus(t, "pasted page", p, http.StatusSeeOther)
	wantBody(t, "after the pasted page", b.get(p.header.Get("Location")), "queues: 6 cards found, 0 added, 6 already there")
}

// Questions without an answer no longer refuse the document: the others
// are imported, and the import page lists the skipped ones with their lines.
func TestImportReportsUnansweredQuestions(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	b, u, _ := cardOwner(t, app, "ada")
	doc := "# Storage\n\n## Disks\n\n**What is a sector?**\n\nThe smallest unit a disk writes.\n\n**What is TRIM?**\n\nAnswer here\n\n## Files\n\n**What is an inode?**\n\nThe record of a file's metadata and blocks.\n\n**What is a hard link?**\n"
	b.get("/import")
	p := b.uploadAndConfirm(nil, "storage.md", []byte(doc))
	wantStatus(t, "partial import", p, http.StatusOK)
	for _, want := range []string{
		"storage.md: 2 cards found, 2 added, 0 already there.",
		"New categories from the document: disks, files.",
		"2 questions were skipped, for want of an answer:",
		"Line 9:</span> “What is TRIM?”: a placeholder (&#34;Answer here&#34;)",
		"Line 19:</span> “What is a hard link?”: no answer",
		`href="/cards?deck=`,
	} {
		wantBody(t, "partial import", p, want)
	}
	cards, _ := app.store.ListCards(ctx, u.ID, data.CardFilter{})
	if len(cards) != 2 || cards[0].Category != "files" || cards[1].Category != "disks" { // newest first
		t.Errorf("cards after a partial import: %+v", cards)
	}

	// With the headings ignored, the fallback category files them.
	b.get("/import")
	p = b.uploadAndConfirm(map[string]string{"headings": "ignore", "category": "data-quality"}, "storage-2.md",
		[]byte(strings.ReplaceAll(doc, "What is", "Define")))
	wantStatus(t, "headings ignored", p, http.StatusOK)
	cards, _ = app.store.ListCards(ctx, u.ID, data.CardFilter{Query: "Define"})
	if len(cards) != 2 || cards[0].Category != "data-quality" || cards[1].Category != "data-quality" {
		t.Errorf("cards with headings ignored: %+v", cards)
	}

	// A document with questions but no answer at all is still refused,
	// saying what was found and what the importer looks for.
	b.get("/import")
	p = b.uploadForm("/import", nil, "bare.md", []byte("**What is a disk?**\n\n**What is a file?**\n"))
	wantStatus(t, "no answers", p, http.StatusBadRequest)
	wantBody(t, "no answers", p, "No questions and answers were found: 2 bold question lines were found, but no answer followed them. The importer looks for question headings")
	if n, _ := app.store.CountCards(ctx, u.ID); n != 4 {
		t.Errorf("%d cards after a refused import, want 4", n)
	}
}

// apiImporter is a test server with a user, ada, and an API token of hers.
func apiImporter(t *testing.T) (app *testApp, userID int64, token string) {
	t.Helper()
	app = newTestApp(t, openSignup())
	ctx := context.Background()
	u, err := app.store.CreateUser(ctx, "ada", "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	token, _, err = app.store.CreateToken(ctx, u.ID, "import")
	if err != nil {
		t.Fatal(err)
	}
	return app, u.ID, token
}

// POST /api/v1/import takes documents too, by their Content-Type, through
// the same reader as the import page.
func TestImportDocumentsThroughTheAPI(t *testing.T) {
	app, uid, tok := apiImporter(t)
	ctx := context.Background()
	status, _, raw := exportRaw(t, app, http.MethodPost, "/api/v1/import?name=queues", tok, "text/html; charset=utf-8", testkit.Fixture(t, "qa-page.html"))
	var got struct {
		Format, Deck  string
		Found, Cards  int
		NewCategories []string `json:"new_categories"`
		Unanswered    []struct {
			Line             int
			Question, Reason string
		}
	}
	if err := json.Unmarshal(raw, &got); status != http.StatusOK || err != nil {
		t.Fatalf("%d %s", status, raw)
	}
	if got.Format != "html" || got.Deck != "queues" || got.Cards != 6 || len(got.NewCategories) != 3 || got.Unanswered == nil {
		t.Errorf("page import answered %s", raw)
	}

	md := "## What is a WAL?\n\nA log written before the data pages.\n\n## What is a checkpoint?\n\nTODO\n"
	status, _, raw = exportRaw(t, app, http.MethodPost, "/api/v1/import?name=db.md&headings=ignore", tok, "text/markdown", []byte(md))
	if err := json.Unmarshal(raw, &got); status != http.StatusOK || err != nil || got.Cards != 1 || len(got.Unanswered) != 1 ||
		got.Unanswered[0].Line != 5 || got.Unanswered[0].Question != "What is a checkpoint?" || got.Unanswered[0].Reason != `a placeholder ("TODO")` {
		t.Errorf("Markdown import answered %d %s", status, raw)
	}

	for _, tc := range []struct {
		body, contentType, query string
		status                   int
		want                     string
	}{
		{"Just some notes.\n", "text/plain", "", http.StatusBadRequest, "No questions and answers were found"},
		{"front,back\nq,\n", "text/csv", "", http.StatusBadRequest, "line 2: "},
		{md, "text/markdown", "?category=not-mine", http.StatusBadRequest, "one of your categories"},
	} {
		before, _ := app.store.CountCards(ctx, uid)
		status, _, raw := exportRaw(t, app, http.MethodPost, "/api/v1/import"+tc.query, tok, tc.contentType, []byte(tc.body))
		var body map[string]string
		json.Unmarshal(raw, &body)
		if status != tc.status || !strings.Contains(body["error"], tc.want) {
			t.Errorf("%q: %d %s, want %d mentioning %q", tc.body, status, raw, tc.status, tc.want)
		}
		if after, _ := app.store.CountCards(ctx, uid); after != before {
			t.Errorf("a refused document changed the card count from %d to %d", before, after)
		}
	}
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
	status, msg, _ := importErrorMessage(data.Errorf(data.ErrConflict, "An import into this account is still running; try again when it has finished"))
	if status != http.StatusConflict || msg != "An import into this account is still running; try again when it has finished" {
		t.Errorf("importErrorMessage = %d %q", status, msg)
	}
}

// TestImportAFileUploadThroughTheAPI: POST /api/v1/import takes a
// multipart form's "file" too, named by its file name, in any format; a
// form without the field is refused in words.
func TestImportAFileUploadThroughTheAPI(t *testing.T) {
	app, uid, tok := apiImporter(t)
	ctx := context.Background()
	form := func(field, name, content string) (string, []byte) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile(field, name)
		fw.Write([]byte(content))
		mw.Close()
		return mw.FormDataContentType(), buf.Bytes()
	}
	ct, body := form("file", "trees.csv", "front,back\nWhat is a B-tree?,A balanced tree\nWhat is a trie?,A prefix tree\n")
	status, _, raw := exportRaw(t, app, http.MethodPost, "/api/v1/import", tok, ct, body)
	var got struct {
		Format, Deck, Summary string
		Cards                 int
	}
	if err := json.Unmarshal(raw, &got); status != http.StatusOK || err != nil || got.Format != "table" || got.Deck != "trees" || got.Cards != 2 ||
		got.Summary != `2 cards found, 2 added, 0 already there, in the deck "trees".` {
		t.Fatalf("a CSV upload: %d %s", status, raw)
	}
	ct, body = form("upload", "more.csv", "front,back\nq,a\n")
	status, _, raw = exportRaw(t, app, http.MethodPost, "/api/v1/import", tok, ct, body)
	if status != http.StatusBadRequest || !strings.Contains(string(raw), `Send the file in the form's \"file\" field`) {
		t.Errorf("a form without a file: %d %s", status, raw)
	}
	if n, _ := app.store.CountCards(ctx, uid); n != 2 {
		t.Errorf("%d cards, want 2", n)
	}
}

// The API reads an upload's choices as the import page does: the column
// choices of the preview's form say which column of a card table is the
// front, and a choice that is not a column number is refused before
// anything is stored.
func TestImportAPITakesTheColumnChoices(t *testing.T) {
	app, uid, tok := apiImporter(t)
	ctx := context.Background()
	table := []byte("A balanced tree,What is a B-tree?\nA prefix tree,What is a trie?\n")
	status, _, raw := exportRaw(t, app, http.MethodPost, "/api/v1/import?name=trees.csv&front=x&back=0", tok, "text/csv", table)
	if status != http.StatusBadRequest || !strings.Contains(string(raw), "A column choice must be a column's number") ||
		!strings.Contains(string(raw), `"field":"front"`) {
		t.Errorf("a column that is no number: %d %s", status, raw)
	}
	if n, _ := app.store.CountCards(ctx, uid); n != 0 {
		t.Fatalf("a refused choice stored %d cards", n)
	}
	status, _, raw = exportRaw(t, app, http.MethodPost, "/api/v1/import?name=trees.csv&front=1&back=0&catcol=-1&kpcol=-1&tagcol=-1", tok, "text/csv", table)
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, raw)
	}
	cards, err := app.store.ListCards(ctx, uid, data.CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	fronts := map[string]bool{}
	for _, c := range cards {
		fronts[c.Front] = true
	}
	if !fronts["What is a B-tree?"] || !fronts["What is a trie?"] {
		t.Errorf("the second column is not the front: %+v", fronts)
	}
}

// A badly broken file's page lists the first importProblemsShown problems
// and skipped questions, and counts the rest.
func TestImportPagesCutLongListsOfProblems(t *testing.T) {
	for _, n := range []int{0, 1, importProblemsShown, importProblemsShown + 1, 250} {
		qs := make([]data.UnansweredQuestion, n)
		for i := range qs {
			qs[i] = data.UnansweredQuestion{Line: i + 1, Question: fmt.Sprintf("Q%d?", i+1), Reason: "no answer"}
		}
		shown, more := unansweredProblems(qs)
		if len(shown) != min(n, importProblemsShown) || len(shown)+more != n {
			t.Errorf("%d skipped questions: %d listed and %d more", n, len(shown), more)
		}
		if n > 0 && shown[0].Message != "“Q1?”: no answer" {
			t.Errorf("the first skipped question reads %q", shown[0].Message)
		}
		problems, more := shownProblems(shown)
		if len(problems) != len(shown) || more != 0 {
			t.Errorf("%d problems: %d listed and %d more", len(shown), len(problems), more)
		}
	}
	problems := make([]views.ImportProblem, 250)
	if shown, more := shownProblems(problems); len(shown) != importProblemsShown || more != 250-importProblemsShown {
		t.Errorf("250 problems: %d listed and %d more", len(shown), more)
	}
}
