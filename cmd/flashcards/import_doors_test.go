package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/handlers"
)

// importDoors are the three ways a file gets in: the import page's form
// (a signed-in browser session), POST /api/v1/import (a bearer token) and
// flashcards import (the command's Go entry point). All three call
// data.Store.Import, so each must take every format with the same report,
// and refuse a bad file with the same words.
type importDoors struct {
	t     *testing.T
	store *data.Store
	srv   *httptest.Server
	dir   string
}

// doorResult is what a person sees from one door: the report's line, or
// the refusal's message and its line-numbered problems.
type doorResult struct {
	summary  string
	refusal  string
	problems []string // "N: message"
}

var doorCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// web signs name in through the log-in form and uploads the file on the
// import page; a document goes through its preview, confirmed into a new
// deck named after the file, as a person would.
func (d *importDoors) web(user, name string, content []byte, category string) doorResult {
	t := d.t
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := ""
	do := func(req *http.Request) (int, string, string) {
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if m := doorCSRF.FindSubmatch(body); m != nil {
			csrf = string(m[1])
		}
		return resp.StatusCode, string(body), resp.Header.Get("Location")
	}
	get := func(path string) (int, string, string) {
		req, _ := http.NewRequest(http.MethodGet, d.srv.URL+path, nil)
		return do(req)
	}
	post := func(path string, form url.Values) (int, string, string) {
		form.Set("csrf", csrf)
		req, _ := http.NewRequest(http.MethodPost, d.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(req)
	}
	get("/login")
	if st, _, _ := post("/login", url.Values{"name": {user}, "password": {"correct horse"}}); st != http.StatusSeeOther {
		t.Fatalf("log-in of %s: %d", user, st)
	}
	get("/import")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	mw.WriteField("category", category)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, d.srv.URL+"/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	st, body, loc := do(req)
	if st != http.StatusSeeOther {
		return refusalOnPage(body)
	}
	if strings.HasPrefix(loc, "/import/preview/") {
		get(loc)
		path, _, _ := strings.Cut(loc, "?")
		form := url.Values{"deck": {"new"}, "deck_name": {data.DeckNameFor(name)}}
		if st, body, loc = post(path, form); st != http.StatusSeeOther {
			t.Fatalf("confirming the preview of %s: %d\n%.600s", name, st, body)
		}
	}
	_, body, _ = get(loc)
	m := regexp.MustCompile(`<p class="flash ok" role="status">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no flash after the import on %s\n%.800s", name, loc, body)
	}
	summary, ok := strings.CutPrefix(html.UnescapeString(strings.TrimSpace(m[1])), name+": ")
	if !ok {
		t.Fatalf("%s: the flash does not name the file: %q", name, m[1])
	}
	return doorResult{summary: summary}
}

// refusalOnPage reads the import page's refusal: its message and the
// listed problems.
func refusalOnPage(body string) doorResult {
	var r doorResult
	if m := regexp.MustCompile(`(?s)role="alert"[^>]*>\s*<p>([^<]*)</p>`).FindStringSubmatch(body); m != nil {
		r.refusal = html.UnescapeString(strings.TrimSpace(m[1]))
	}
	for _, m := range regexp.MustCompile(`<li><span class="line">Line (\d+):</span> ([^<]*)</li>`).FindAllStringSubmatch(body, -1) {
		r.problems = append(r.problems, m[1]+": "+html.UnescapeString(strings.TrimSpace(m[2])))
	}
	return r
}

// api posts the file as the body with ?name=.
func (d *importDoors) api(token, name string, content []byte, category string) doorResult {
	t := d.t
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, d.srv.URL+"/api/v1/import?"+url.Values{"name": {name}, "category": {category}}.Encode(), bytes.NewReader(content))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Summary, Error string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s: %d, not JSON: %v", name, resp.StatusCode, err)
	}
	if resp.StatusCode == http.StatusOK {
		return doorResult{summary: out.Summary}
	}
	lines := strings.Split(out.Error, "\n")
	r := doorResult{refusal: lines[0]}
	for _, l := range lines[1:] {
		r.problems = append(r.problems, strings.TrimPrefix(l, "line "))
	}
	return r
}

// cli runs flashcards import on the file written under its name.
func (d *importDoors) cli(user, name string, content []byte, category string) doorResult {
	t := d.t
	t.Helper()
	dir := filepath.Join(d.dir, user)
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := importCommand(context.Background(), d.store, user, data.ImportOptions{FallbackCategory: category}, []string{path}, &stdout, &stderr)
	if err == nil {
		line, _, _ := strings.Cut(stdout.String(), "\n")
		summary, ok := strings.CutPrefix(line, path+": ")
		if !ok {
			t.Fatalf("%s: the command printed %q", name, stdout.String())
		}
		return doorResult{summary: summary}
	}
	var r doorResult
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if msg, ok := strings.CutPrefix(l, path+": not imported: "); ok {
			r.refusal = msg
		} else if p, ok := strings.CutPrefix(l, path+":"); ok {
			r.problems = append(r.problems, p)
		}
	}
	return r
}

// account is what a user has: cards, decks, categories and history, so a
// refused file can be shown to have changed nothing.
func (d *importDoors) account(userID int64) string {
	ctx := context.Background()
	cards, err := d.store.ListCards(ctx, userID, data.CardFilter{})
	if err != nil {
		d.t.Fatal(err)
	}
	decks, _ := d.store.ListDecks(ctx, userID)
	cats, _ := d.store.ListCategories(ctx, userID)
	var b strings.Builder
	for _, c := range cards {
		fmt.Fprintf(&b, "card %d %q %+v\n", c.ID, c.Front, c.Sched)
	}
	for _, dk := range decks {
		fmt.Fprintf(&b, "deck %q\n", dk.Name)
	}
	for _, c := range cats {
		fmt.Fprintf(&b, "category %s\n", c.Slug)
	}
	return b.String()
}

// TestEveryDoorTakesEveryFormat: each format, through each door, into a
// fresh account gives the same report; a bad file of each format is
// refused by each door with the same message and problems, and leaves the
// account exactly as it was.
func TestEveryDoorTakesEveryFormat(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := data.Open(ctx, filepath.Join(dir, "fc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	store.PasswordCost = bcrypt.MinCost
	e, err := handlers.New(ctx, handlers.Config{MaxBodyBytes: 1 << 20, MaxUploadBytes: 8 << 20}, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	defer srv.Close()
	d := &importDoors{t: t, store: store, srv: srv, dir: dir}

	// An account worth exporting, as JSON and as an Anki package.
	src, err := store.CreateUser(ctx, "source", "correct horse", data.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.ImportDocument(ctx, src.ID, "basics.txt", []byte("Q1. What is a WAL?\nAns: A log written first.\nQ2. What is a B-tree?\nAns: A balanced tree.\n"), "", nil); err != nil {
		t.Fatal(err)
	}
	exports := map[data.ExportKind][]byte{}
	for _, kind := range []data.ExportKind{data.ExportJSON, data.ExportApkg} {
		var buf bytes.Buffer
		if err := store.Export(ctx, src.ID, kind, &buf); err != nil {
			t.Fatal(err)
		}
		exports[kind] = buf.Bytes()
	}
	page, err := os.ReadFile(filepath.Join("..", "..", "data", "testdata", "qa-page.html"))
	if err != nil {
		t.Fatal(err)
	}

	good := []struct{ format, name, content string }{
		{"Q&A text", "notes.txt", "Q1. What is a queue?\nAns: First in, first out.\nQ2. What is a stack?\nAns: Last in, first out.\n"},
		{"Markdown", "storage.md", "## What is a WAL?\n\nA log written before the pages.\n\n## What is a checkpoint?\n\nCopying the log into the pages.\n"},
		{"HTML page", "qa-page.html", string(page)},
		{"CSV", "trees.csv", "front,back,category\nWhat is a B-tree?,A balanced tree,databases\nWhat is a trie?,A prefix tree,\n"},
		{"TSV", "trees.tsv", "front\tback\nWhat is a heap?\tA tree with its least on top\n"},
		{"JSON export", "backup.json", string(exports[data.ExportJSON])},
		{"JSON export, renamed", "backup.txt", string(exports[data.ExportJSON])},
		{"Anki package", "deck.apkg", string(exports[data.ExportApkg])},
		{"Anki package, renamed", "deck.bin", string(exports[data.ExportApkg])},
	}
	for i, tc := range good {
		t.Run(tc.format, func(t *testing.T) {
			d.t = t
			var got []doorResult
			for j, door := range []string{"web", "api", "cli"} {
				name := fmt.Sprintf("u%d%s", i, door)
				u, err := store.CreateUser(ctx, name, "correct horse", data.DefaultSettings())
				if err != nil {
					t.Fatal(err)
				}
				var r doorResult
				switch j {
				case 0:
					r = d.web(name, tc.name, []byte(tc.content), "")
				case 1:
					tok, _, _ := store.CreateToken(ctx, u.ID, "import")
					r = d.api(tok, tc.name, []byte(tc.content), "")
				case 2:
					r = d.cli(name, tc.name, []byte(tc.content), "")
				}
				if r.summary == "" {
					t.Fatalf("%s: %s refused it: %q %q", door, tc.name, r.refusal, r.problems)
				}
				if n, _ := store.CountCards(ctx, u.ID); n == 0 {
					t.Errorf("%s: %s stored no card", door, tc.name)
				}
				got = append(got, r)
			}
			t.Logf("%s: %s", tc.name, got[0].summary)
			if got[0].summary != got[1].summary || got[1].summary != got[2].summary {
				t.Errorf("the doors report differently:\n web %q\n api %q\n cli %q", got[0].summary, got[1].summary, got[2].summary)
			}
		})
	}

	// One account per door, holding cards already, takes every bad file.
	users := map[string]data.User{}
	tokens := map[string]string{}
	for _, door := range []string{"web", "api", "cli"} {
		u, err := store.CreateUser(ctx, "bad"+door, "correct horse", data.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.ImportDocument(ctx, u.ID, "mine.txt", []byte("Q1. Mine?\nAns: Yes.\n"), "", nil); err != nil {
			t.Fatal(err)
		}
		users[door] = u
		tokens[door], _, _ = store.CreateToken(ctx, u.ID, "import")
	}
	json := exports[data.ExportJSON]
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("not a collection"))
	zw.Close()
	notAnki := zipped.Bytes()
	bad := []struct{ format, name, content, want, category string }{
		{"Q&A text", "notes.txt", "Q1. Caf\xe9?\nAns: yes.\n", "The document is not UTF-8 text. Save it as UTF-8 and try again.", ""},
		{"Q&A text, a second answer", "notes.txt", "Q1. What?\nAns: a.\nAns: b.\n", "The document has 1 problem:", ""},
		{"Markdown", "bare.md", "## What is X?\n\n## What is Y?\n", "No questions and answers were found: 2 question headings were found, but no answer followed them.", ""},
		{"HTML page", "page.html", "<!doctype html><body><p>Hello.</p></body>", "No questions and answers were found: it holds 1 paragraph", ""},
		{"CSV", "trees.csv", "front,back\nq,\n", "The document has 1 problem:", ""},
		{"TSV", "trees.tsv", "", "The document is empty.", ""},
		{"Markdown, too complex", "tables.md", "| q | a |\n|---|---|\n" + strings.Repeat("| x | y |\n", 40_000),
			"This document is too complex to import: it has 40,002 table rows; split it into files of at most", ""},
		{"JSON export, cut short", "backup.json", string(json[:len(json)*2/3]), "The file ends in the middle of", ""},
		{"JSON export, not one", "backup.json", `{"cards": []}`, "This is not a flashcards export", ""},
		{"Anki package without a collection", "deck.apkg", string(notAnki), "This is not an Anki package: the zip holds no collection", ""},
		{"Anki package, no zip", "deck.apkg", "just text", "This is not an Anki package (.apkg): it is not a zip archive", ""},
		{"Q&A text, a category not the user's", "notes.txt", "Q1. What?\nAns: That.\n", `Choose one of your categories for cards not filed automatically; you have no category "not-mine"`, "not-mine"},
		{"Anki package, a category not the user's", "deck.apkg", string(exports[data.ExportApkg]), `Choose one of your categories for cards not filed automatically; you have no category "not-mine"`, "not-mine"},
	}
	for _, tc := range bad {
		t.Run("bad "+tc.format, func(t *testing.T) {
			d.t = t
			var got []doorResult
			for _, door := range []string{"web", "api", "cli"} {
				u := users[door]
				before := d.account(u.ID)
				var r doorResult
				switch door {
				case "web":
					r = d.web(u.Name, tc.name, []byte(tc.content), tc.category)
				case "api":
					r = d.api(tokens[door], tc.name, []byte(tc.content), tc.category)
				case "cli":
					r = d.cli(u.Name, tc.name, []byte(tc.content), tc.category)
				}
				if !strings.HasPrefix(r.refusal, tc.want) {
					t.Errorf("%s: refusal %q (summary %q), want it to start %q", door, r.refusal, r.summary, tc.want)
				}
				if after := d.account(u.ID); after != before {
					t.Errorf("%s: the refused %s changed the account:\n%s\nnow:\n%s", door, tc.name, before, after)
				}
				got = append(got, r)
			}
			t.Logf("%s: %s %q", tc.name, got[0].refusal, got[0].problems)
			if fmt.Sprint(got[0]) != fmt.Sprint(got[1]) || fmt.Sprint(got[1]) != fmt.Sprint(got[2]) {
				t.Errorf("the doors refuse differently:\n web %q %q\n api %q %q\n cli %q %q",
					got[0].refusal, got[0].problems, got[1].refusal, got[1].problems, got[2].refusal, got[2].problems)
			}
		})
	}
}
