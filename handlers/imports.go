package handlers

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/data/format"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

// importProblemsShown keeps the page of a badly broken file readable, and
// the report of a file with many unanswered questions.
const importProblemsShown = 100

// pastedDocumentName names a pasted document when the form gives no name.
const pastedDocumentName = "Pasted notes"

func (a *App) importPage(c echo.Context, u data.User) error {
	return a.renderImport(c, u, http.StatusOK, views.ImportView{})
}

func (a *App) renderImport(c echo.Context, u data.User, status int, v views.ImportView) error {
	cats, err := a.store.ListCategories(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	for _, cat := range cats {
		if cat.Slug != data.UncategorizedSlug { // the form's "none" choice
			v.Categories = append(v.Categories, views.SelectOption{Value: cat.Slug, Label: cat.Name})
		}
	}
	v.MaxUpload = formatSize(a.cfg.MaxUploadBytes)
	p := a.page(c, "Import")
	p.Nav = "cards"
	return a.render(c, status, views.Import(p, v))
}

// importDocument imports an uploaded or pasted file through the one
// entry point every front door shares (data.Store.Import), so the form
// takes every format the importer reads. A Q&A document or card table is
// checked and kept for its preview (import_preview.go), to be imported
// when the user confirms; an export or an Anki package imports at once. A
// refused file is refused on this page, with every problem listed.
func (a *App) importDocument(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	if err := parseForm(c.Request()); err != nil {
		return err
	}
	ch, err := readImportChoices(c.FormValue)
	v := views.ImportView{
		Category:       ch.Category,
		IgnoreHeadings: ch.IgnoreHeadings,
		PasteName:      c.FormValue("name"),
		PasteText:      c.FormValue("text"),
	}
	var name string
	var doc []byte
	if err == nil {
		name, doc, err = submittedDocument(c)
	}
	if err == nil {
		var rep data.ImportReport
		rep, err = a.store.Import(ctx, u.ID, data.ImportFile{Name: name, Content: data.InMemory(doc), Size: int64(len(doc)), Options: ch.options(), Preview: true})
		if err == nil {
			if rep.Pending != "" {
				return redirect(c, previewURL(rep.Pending, ch))
			}
			if err := a.flash(c, true, name+": "+rep.Summary()); err != nil {
				return err
			}
			if rep.Format == format.Export {
				return redirect(c, "/cards")
			}
			return redirect(c, a.deckCardsURL(c, u.ID, rep.Deck))
		}
	}
	status, msg, problems := importErrorMessage(err)
	if status == 0 {
		return err
	}
	v.Error = msg
	v.Problems, v.MoreProblems = shownProblems(problems)
	return a.renderImport(c, u, status, v)
}

// importReport is the import page's account of an import that skipped
// questions without an answer.
func importReport(name string, res data.ImportResult, deckURL string) *views.ImportReport {
	r := &views.ImportReport{
		Summary: fmt.Sprintf("%s: %s found, %d added, %d already there.",
			name, words.Count(res.Found, "card", "cards"), res.Added, res.Skipped),
		Deck: res.Deck, DeckURL: deckURL, NewCategories: res.NewCategories,
	}
	r.Unanswered, r.MoreUnanswered = unansweredProblems(res.Unanswered)
	return r
}

// shownProblems are the problems an import page lists, the first
// importProblemsShown, and how many more there are.
func shownProblems(problems []views.ImportProblem) ([]views.ImportProblem, int) {
	if len(problems) > importProblemsShown {
		return problems[:importProblemsShown], len(problems) - importProblemsShown
	}
	return problems, 0
}

// unansweredProblems are the skipped questions an import page lists, the
// first importProblemsShown, and how many more there are.
func unansweredProblems(qs []data.UnansweredQuestion) ([]views.ImportProblem, int) {
	var out []views.ImportProblem
	for _, q := range qs[:min(len(qs), importProblemsShown)] {
		out = append(out, views.ImportProblem{Line: q.Line, Message: fmt.Sprintf("“%s”: %s", q.Question, q.Reason)})
	}
	return out, len(qs) - len(out)
}

// submittedDocument is the uploaded file, or else the pasted text with its name.
func submittedDocument(c echo.Context) (name string, doc []byte, err error) {
	pasted := c.FormValue("text")
	fh, err := c.FormFile("file")
	switch {
	case err == nil:
		if strings.TrimSpace(pasted) != "" {
			return "", nil, data.Errorf(data.ErrInvalid, "Choose a file or paste a document, not both")
		}
		f, err := fh.Open()
		if err != nil {
			return "", nil, err
		}
		defer f.Close()
		if doc, err = io.ReadAll(f); err != nil {
			return "", nil, err
		}
		// The name becomes the deck's and the cards' source: keep it printable.
		name = strings.TrimSpace(strings.ToValidUTF8(fh.Filename, ""))
		if name == "" {
			name = "Upload"
		}
		return name, doc, nil
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
	default:
		return "", nil, err
	}
	if pasted == "" {
		return "", nil, data.Errorf(data.ErrInvalid, "Choose a file or paste a document")
	}
	name = strings.TrimSpace(strings.ToValidUTF8(c.FormValue("name"), ""))
	if name == "" {
		name = pastedDocumentName
	}
	return name, []byte(pasted), nil
}

func (a *App) hasCategory(c echo.Context, userID int64, slug string) (bool, error) {
	cats, err := a.store.ListCategories(c.Request().Context(), userID)
	if err != nil {
		return false, err
	}
	for _, cat := range cats {
		if cat.Slug == slug {
			return true, nil
		}
	}
	return false, nil
}

// importErrorMessage explains why a document was refused: the status, the
// store's sentence, and the line-numbered problems. Status 0 means the
// error is not the document's fault.
func importErrorMessage(err error) (int, string, []views.ImportProblem) {
	msg := data.Message(err)
	if msg == "" {
		return 0, "", nil
	}
	var problems []views.ImportProblem
	for _, p := range data.Problems(err) {
		problems = append(problems, views.ImportProblem{Line: p.Line, Message: p.Message})
	}
	return errorStatus(err), msg, problems
}

// importSummary is the flash after a previewed import.
func importSummary(name string, res data.ImportResult) string {
	return name + ": " + data.ImportReport{Deck: res.Deck, Found: res.Found, Added: res.Added, Skipped: res.Skipped, NewCategories: res.NewCategories}.Summary()
}

// importTypes are the media types POST /api/v1/import knows, and the
// file extension each stands for when ?name= has none; any other type is
// told by the content (format.Detect).
var importTypes = map[string]string{
	"text/markdown": ".md", "text/x-markdown": ".md", "text/plain": ".txt", "text/html": ".html",
	"application/xhtml+xml": ".html", "text/csv": ".csv", "text/tab-separated-values": ".tsv",
	"application/json": ".json", data.ApkgContentType: ".apkg",
}

// apiImport answers POST /api/v1/import: the body, or the multipart
// form's "file", is any file the importer reads (a Q&A write-up, Markdown
// or saved page, a CSV or TSV card table, a JSON export, an Anki package),
// imported through the entry point the import page and flashcards import
// share. ?name= names it (its deck, and with the Content-Type its format),
// ?category= files what no rule does, ?headings=ignore makes no categories
// of section headings. 200 with the report; a refused file gets the store's
// message with its line-numbered problems, and the status errorStatus maps.
func (a *App) apiImport(c echo.Context, u data.User) error {
	name, body, err := apiImportBody(c)
	if err != nil {
		return err
	}
	doc, err := io.ReadAll(body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than the limit of %s.", formatSize(a.cfg.MaxUploadBytes)))
		}
		return err
	}
	ch, err := readImportChoices(c.QueryParam)
	if err != nil {
		return err
	}
	rep, err := a.store.Import(c.Request().Context(), u.ID, data.ImportFile{Name: name, Content: data.InMemory(doc), Size: int64(len(doc)), Options: ch.options()})
	if err != nil {
		status, msg, problems := importErrorMessage(err)
		if status == 0 {
			return err
		}
		for i, p := range problems {
			if i == importProblemsShown {
				msg += fmt.Sprintf("\n(and %d more)", len(problems)-i)
				break
			}
			msg += fmt.Sprintf("\nline %d: %s", p.Line, p.Message)
		}
		return echo.NewHTTPError(status, msg)
	}
	out := importJSON{Format: string(rep.Format), Summary: rep.Summary(), Deck: rep.Deck, Decks: rep.Decks, Found: rep.Found, Cards: rep.Added,
		Skipped: rep.Skipped, Reviews: rep.Reviews, NewCategories: rep.NewCategories, NewDecks: rep.NewDecks,
		Unanswered: []unansweredJSON{}, LeftOut: rep.LeftOut, Media: rep.Media, Images: rep.Images}
	for _, l := range []*[]string{&out.Decks, &out.NewCategories, &out.NewDecks} {
		if *l == nil {
			*l = []string{}
		}
	}
	for _, q := range rep.Unanswered {
		out.Unanswered = append(out.Unanswered, unansweredJSON{Line: q.Line, Question: q.Question, Reason: q.Reason})
	}
	return c.JSON(http.StatusOK, out)
}

// apiImportBody is the file an import request carries and its name: a
// multipart form's "file" with its file name, or the body with ?name=. A
// name without an extension gets the Content-Type's.
func apiImportBody(c echo.Context) (string, io.Reader, error) {
	name := strings.TrimSpace(strings.ToValidUTF8(c.QueryParam("name"), ""))
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	var body io.Reader = c.Request().Body
	if mt == echo.MIMEMultipartForm {
		fh, err := c.FormFile("file")
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return "", nil, err
			}
			return "", nil, data.Errorf(data.ErrInvalid, "Send the file in the form's \"file\" field")
		}
		f, err := fh.Open()
		if err != nil {
			return "", nil, err
		}
		body = f // a multipart file is closed with the request's form
		if name == "" {
			name = strings.TrimSpace(strings.ToValidUTF8(fh.Filename, ""))
		}
		mt = fh.Header.Get(echo.HeaderContentType)
		mt, _, _ = mime.ParseMediaType(mt)
	}
	if name == "" {
		name = "Imported"
	}
	if filepath.Ext(name) == "" {
		name += importTypes[mt]
	}
	return name, body, nil
}

// deckCardsURL is the card list of the named deck, where an import's
// cards show.
func (a *App) deckCardsURL(c echo.Context, userID int64, deck string) string {
	decks, err := a.store.ListDecks(c.Request().Context(), userID)
	if err == nil {
		for _, d := range decks {
			if d.Name == deck {
				return "/cards?" + url.Values{"deck": {strconv.FormatInt(d.ID, 10)}}.Encode()
			}
		}
	}
	return "/cards"
}

// showTooLarge shows an upload over the limit on the page it came from,
// with the limit, rather than as a bare error page. It runs after
// loadSession, so it knows the user, and before the body limit it reports on.
func (a *App) showTooLarge(render userHandler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			err := next(c)
			var he *echo.HTTPError
			if !errors.As(err, &he) || he.Code != http.StatusRequestEntityTooLarge {
				return err
			}
			u, ok := currentUser(c)
			if !ok {
				return err
			}
			return render(c, u)
		}
	}
}

// importTooLarge and restoreTooLarge render the import and restore pages
// with the upload limit.
func (a *App) importTooLarge(c echo.Context, u data.User) error {
	return a.renderImport(c, u, http.StatusRequestEntityTooLarge, views.ImportView{
		Error: fmt.Sprintf("The upload is larger than the limit of %s.", formatSize(a.cfg.MaxUploadBytes)),
	})
}

func (a *App) restoreTooLarge(c echo.Context, _ data.User) error {
	return a.renderExport(c, http.StatusRequestEntityTooLarge, restoreTooLargeMessage(a.cfg.MaxUploadBytes))
}

// formatSize writes a byte count the way people read file sizes.
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
