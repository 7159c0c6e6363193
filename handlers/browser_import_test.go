package handlers

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flashcards/flashcards/data"
)

// TestBrowserImportPreviewThenConfirm: a user uploads a write-up, reads
// its preview (categories, a close match of a built-in card left out by
// default, a skipped question), which fits a phone without sideways
// scrolling, and confirms; the new deck's list shows the new cards.
func TestBrowserImportPreviewThenConfirm(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			ctx := context.Background()
			u, err := app.store.CreateUserWithBuiltinDeck(ctx, "ada", "correct horse", data.DefaultSettings())
			if err != nil {
				t.Fatal(err)
			}
			builtin, err := app.store.ListCards(ctx, u.ID, data.CardFilter{})
			if err != nil || len(builtin) == 0 {
				t.Fatalf("no built-in cards: %v", err)
			}
			doc := "## Data quality\n\n**" + builtin[0].Front + "**\n\nIn my own words: look at the data first.\n\n" +
				"**Why check null rates per column before training on a new source?**\n\nGaps hide in single columns and skew every model built on them.\n\n" +
				"## Cache design\n\n**What is a cache stampede, and how does request coalescing prevent it?**\n\nMany clients miss one key at once and all rebuild it; coalescing lets one rebuild while the others wait.\n\n" +
				"**What is write-through caching?**\n\nTODO\n"
			file := filepath.Join(t.TempDir(), "caching-notes.md")
			if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}

			tb := newTab(t, browserCtx, vp)
			logInInBrowser(tb, app, "ada")
			tb.open(app, "/import")
			tb.do("upload the write-up",
				chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{file}),
				chromedp.Click(chromedp.CSS(`form[action="/import"] button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`form.confirm-import`)),
			)
			// Words compared with their spacing made one: whether a count's
			// number sits on its own line is the stylesheet's business.
			text := strings.Join(strings.Fields(tb.pageText()), " ")
			for _, want := range []string{
				"Import preview: caching-notes.md", "Found 3 cards", "Data quality", "Cache design", "new category",
				"close match", "Leave out the 1 card that closely matches one you have", "2 new", "1 closely matches a card you have", "Skipped questions",
				"Line 17:", "What is write-through caching?",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("the preview lacks %q:\n%s", want, text)
				}
			}
			if n, _ := app.store.CountCards(ctx, u.ID); n != len(builtin) {
				t.Fatalf("the preview stored cards: %d, want %d", n, len(builtin))
			}
			wantNoSidewaysScroll(tb, "the import preview")
			tb.keepScreenshot("preview")
			tb.do("dark theme", colorScheme("dark"))
			tb.keepScreenshot("preview-dark")
			tb.do("light theme", colorScheme("light"))

			// With a question skipped, the import page reports the import
			// and links to the deck.
			tb.do("confirm",
				chromedp.Click(chromedp.CSS(`form.confirm-import button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`.import-report`)),
			)
			report := tb.text(".import-report")
			for _, want := range []string{
				"caching-notes.md: 3 cards found, 2 added, 0 already there. 1 card left out as close matches of yours.",
				"Line 17: “What is write-through caching?”",
			} {
				if !strings.Contains(report, want) {
					t.Errorf("the report lacks %q:\n%s", want, report)
				}
			}
			tb.do("open the deck",
				chromedp.Click(chromedp.CSS(`.import-report a[href^="/cards?deck="]`)),
				chromedp.WaitVisible(chromedp.CSS(`table.cards`)),
			)
			text = tb.text("table.cards")
			for _, want := range []string{
				"Why check null rates per column before training on a new source?",
				"What is a cache stampede, and how does request coalescing prevent it?",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("the deck's list lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, "In my own words") || strings.Contains(text, builtin[0].Front) {
				t.Errorf("the close match was imported:\n%s", text)
			}
			if n, _ := app.store.CountCards(ctx, u.ID); n != len(builtin)+2 {
				t.Errorf("%d cards after the import, want %d", n, len(builtin)+2)
			}

			// A card table's preview, with its column mapping and a long
			// unbroken front, fits the window too.
			table := "question,answer,topic\nWhat does https://example.com/a/very/long/path/without/any/break/in/it/at/all/serve?,A page.,Web basics\n" +
				"What is a B-tree?,A balanced search tree.,Indexes\n"
			pending, err := app.store.KeepPendingImport(u.ID, "notes.csv", []byte(table))
			if err != nil {
				t.Fatal(err)
			}
			tb.open(app, "/import/preview/"+pending.ID+"?front=0&back=1&catcol=2&kpcol=-1&header=1")
			if got := tb.text(".preview-cards .import-card .front"); !strings.HasPrefix(got, "What does https://example.com/") {
				t.Errorf("the table's first front: %q", got)
			}
			wantNoSidewaysScroll(tb, "the card table's preview")
			tb.keepScreenshot("csv-preview")
			tb.wantNoConsoleProblems()
		})
	}
}

// TestBrowserImportPageRestoresAnExport: the import page takes every
// format, so a JSON export uploaded there is restored at once, with its
// history, and the card list says what came in; a broken one is refused
// on the page with the store's words and nothing added.
func TestBrowserImportPageRestoresAnExport(t *testing.T) {
	browserCtx := startChromium(t)
	for _, vp := range journeyViewports {
		t.Run(vp.name, func(t *testing.T) {
			app := newTestApp(t, openSignup())
			ctx := context.Background()
			bob, err := app.store.CreateUser(ctx, "bob", "correct horse", data.DefaultSettings())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := app.store.ImportDocument(ctx, bob.ID, "queues.txt", []byte("Q1. What is a queue?\nAns: First in, first out.\nQ2. What is a stack?\nAns: Last in, first out.\n"), "", nil); err != nil {
				t.Fatal(err)
			}
			var exp strings.Builder
			if err := app.store.Export(ctx, bob.ID, data.ExportJSON, &exp); err != nil {
				t.Fatal(err)
			}
			ada, err := app.store.CreateUser(ctx, "ada", "correct horse", data.DefaultSettings())
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			broken := filepath.Join(dir, "broken.json")
			good := filepath.Join(dir, "bob.json")
			os.WriteFile(broken, []byte(exp.String()[:exp.Len()/2]), 0o644)
			os.WriteFile(good, []byte(exp.String()), 0o644)

			tb := newTab(t, browserCtx, vp)
			logInInBrowser(tb, app, "ada")
			tb.open(app, "/import")
			tb.keepScreenshot("import-page")
			tb.do("upload a cut-short export",
				chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{broken}),
				chromedp.Click(chromedp.CSS(`form[action="/import"] button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`.import-error`)),
			)
			if got := tb.text(".import-error"); !strings.Contains(got, "The file ends in the middle of") || !strings.Contains(got, "Nothing was imported") {
				t.Errorf("the refusal reads %q", got)
			}
			if n, _ := app.store.CountCards(ctx, ada.ID); n != 0 {
				t.Fatalf("the refused export stored %d cards", n)
			}
			time.Sleep(50 * time.Millisecond) // console events arrive asynchronously
			tb.mu.Lock()
			tb.problems = nil // the refusal's own 400, which the browser logs
			tb.mu.Unlock()
			tb.do("upload the export",
				chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{good}),
				chromedp.Click(chromedp.CSS(`form[action="/import"] button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`.flash.ok`)),
			)
			if got := tb.text(".flash.ok"); got != "bob.json: restored 2 cards and 0 reviews. New decks: queues." {
				t.Errorf("the flash reads %q", got)
			}
			if n, _ := app.store.CountCards(ctx, ada.ID); n != 2 {
				t.Errorf("%d cards restored, want 2", n)
			}
			wantNoSidewaysScroll(tb, "the card list after a restore")
			tb.keepScreenshot("restored")
			tb.wantNoConsoleProblems()
		})
	}
}
