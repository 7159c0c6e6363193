package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/data/qadoc"
	"github.com/flashcards/flashcards/views"
)

// importProblemsShown keeps the page of a badly broken file readable, and
// the report of a file with many unanswered questions.
const importProblemsShown = 100

// pastedDocumentName names a pasted document when the form gives no name.
const pastedDocumentName = "Pasted notes"

func (a *App) importPage(c echo.Context) error {
	return a.renderImport(c, http.StatusOK, views.ImportView{})
}

func (a *App) renderImport(c echo.Context, status int, v views.ImportView) error {
	u, _ := currentUser(c)
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

// importDocument reads an uploaded or pasted document. A document with
// a problem is refused here, with every problem listed; a readable one
// is kept and shown on its preview (import_preview.go), to be imported
// when the user confirms. Anki packages import at once.
func (a *App) importDocument(c echo.Context) error {
	u, _ := currentUser(c)
	ctx := c.Request().Context()
	if err := parseForm(c.Request()); err != nil {
		return err
	}
	v := views.ImportView{
		Category:       strings.TrimSpace(c.FormValue("category")),
		IgnoreHeadings: c.FormValue("headings") == "ignore",
		PasteName:      c.FormValue("name"),
		PasteText:      c.FormValue("text"),
	}
	fail := func(status int, msg string) error {
		v.Error = msg
		return a.renderImport(c, status, v)
	}
	name, doc, err := submittedDocument(c)
	if err != nil {
		if errors.Is(err, data.ErrInvalid) {
			return fail(http.StatusBadRequest, userMessage(err))
		}
		return err
	}
	if v.Category != "" {
		ok, err := a.hasCategory(c, u.ID, v.Category)
		if err != nil {
			return err
		}
		if !ok {
			return fail(http.StatusBadRequest, "Choose one of your categories for questions not filed automatically.")
		}
	}
	if data.IsApkg(doc) || strings.EqualFold(filepath.Ext(name), ".apkg") {
		res, err := a.store.ImportApkg(ctx, u.ID, name, bytes.NewReader(doc), int64(len(doc)), v.Category, nil)
		if err != nil {
			status, msg, _ := importErrorMessage(err)
			if status == 0 {
				return err
			}
			return fail(status, msg)
		}
		if err := a.flash(c, true, apkgSummary(name, res)); err != nil {
			return err
		}
		return redirect(c, a.deckCardsURL(c, u.ID, res.Deck))
	}
	// Read it now, so a refused document is refused on this page; a
	// readable one waits for the user's confirmation on its preview.
	opts := data.ImportOptions{FallbackCategory: v.Category, IgnoreHeadings: v.IgnoreHeadings}
	if _, err := data.ParseDocumentWith(name, doc, opts); err != nil {
		status, msg, problems := importErrorMessage(err)
		if status == 0 {
			return err
		}
		if len(problems) > importProblemsShown {
			v.MoreProblems = len(problems) - importProblemsShown
			problems = problems[:importProblemsShown]
		}
		v.Problems = problems
		return fail(status, msg)
	}
	return a.keepForPreview(c, name, doc, importChoices{Category: v.Category, IgnoreHeadings: v.IgnoreHeadings})
}

// importReport is the import page's account of an import that skipped
// questions without an answer.
func importReport(name string, res data.ImportResult, deckURL string) *views.ImportReport {
	r := &views.ImportReport{
		Summary: fmt.Sprintf("%s: %s found, %d added, %d already there.",
			name, plural(res.Found, "card", "cards"), res.Added, res.Skipped),
		Deck: res.Deck, DeckURL: deckURL, NewCategories: res.NewCategories,
	}
	for i, q := range res.Unanswered {
		if i == importProblemsShown {
			r.MoreUnanswered = len(res.Unanswered) - i
			break
		}
		r.Unanswered = append(r.Unanswered, views.ImportProblem{Line: q.Line, Message: fmt.Sprintf("“%s”: %s", q.Question, q.Reason)})
	}
	return r
}

// submittedDocument is the uploaded file, or else the pasted text with its name.
func submittedDocument(c echo.Context) (name string, doc []byte, err error) {
	pasted := c.FormValue("text")
	fh, err := c.FormFile("file")
	switch {
	case err == nil:
		if strings.TrimSpace(pasted) != "" {
			return "", nil, fmt.Errorf("%w: choose a file or paste a document, not both", data.ErrInvalid)
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
		return "", nil, fmt.Errorf("%w: choose a file or paste a document", data.ErrInvalid)
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

// importErrorMessage explains why a document was refused: the status, a
// sentence, and the line-numbered problems. Status 0 means the error is
// not the document's fault.
func importErrorMessage(err error) (int, string, []views.ImportProblem) {
	var pe data.ParseErrors
	var noQA *data.NoQAError
	switch {
	case errors.As(err, &pe):
		problems := make([]views.ImportProblem, len(pe))
		for i, e := range pe {
			problems[i] = views.ImportProblem{Line: e.Line, Message: e.Msg}
		}
		return http.StatusBadRequest, fmt.Sprintf("The document has %s:", plural(len(pe), "problem", "problems")), problems
	case errors.Is(err, data.ErrEmptyDocument):
		return http.StatusBadRequest, "The document is empty.", nil
	case errors.Is(err, data.ErrInvalidUTF8):
		var line int
		fmt.Sscanf(err.Error(), "line %d:", &line)
		return http.StatusBadRequest, "The document is not UTF-8 text. Save it as UTF-8 and try again.",
			[]views.ImportProblem{{Line: line, Message: "the first character that is not UTF-8"}}
	case errors.Is(err, data.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("The document is too large: a Q&A write-up may hold %s, a card table (.csv, .tsv) %s.",
			formatSize(data.MaxDocumentBytes), formatSize(data.MaxCardTableBytes)), nil
	case errors.As(err, &noQA):
		return http.StatusBadRequest, "No questions and answers were found: " + noQA.Saw + ". The importer looks for " + qadoc.LookedFor +
			"; a card table (.csv, .tsv) has a front and a back column.", nil
	case errors.Is(err, data.ErrNoQA):
		return http.StatusBadRequest, "No questions and answers were found. A write-up numbers its questions (Q1.) and starts each answer with Ans:; " +
			"a card table has a front and a back column.", nil
	case errors.Is(err, data.ErrInvalid):
		return http.StatusBadRequest, userMessage(err), nil
	case errors.Is(err, data.ErrConflict): // another import of the user's still running
		return http.StatusConflict, userMessage(err), nil
	}
	return 0, "", nil
}

// importSummary is the flash after an import.
func importSummary(name string, res data.ImportResult) string {
	msg := fmt.Sprintf("%s: %s found, %d added, %d already there, in the deck %q.",
		name, plural(res.Found, "card", "cards"), res.Added, res.Skipped, res.Deck)
	if len(res.NewCategories) > 0 {
		msg += " New categories: " + strings.Join(res.NewCategories, ", ") + "."
	}
	return msg
}

// documentImportJSON is the API's answer to a document import.
type documentImportJSON struct {
	Format        string           `json:"format"`
	Deck          string           `json:"deck"`
	Found         int              `json:"found"`
	Cards         int              `json:"cards"`
	Skipped       int              `json:"skipped"`
	NewCategories []string         `json:"new_categories"`
	Unanswered    []unansweredJSON `json:"unanswered"`
}

type unansweredJSON struct {
	Line     int    `json:"line"`
	Question string `json:"question"`
	Reason   string `json:"reason"`
}

// documentTypes are the media types POST /api/v1/import reads as a
// document, and the file extension each stands for when ?name= has none.
var documentTypes = map[string]string{
	"text/markdown": ".md", "text/x-markdown": ".md", "text/plain": ".txt", "text/html": ".html",
	"application/xhtml+xml": ".html", "text/csv": ".csv", "text/tab-separated-values": ".tsv",
}

// apiImportDocument imports the document POST /api/v1/import carries, as
// the import page does (?name= names it and its deck, ?category= files
// what no rule does, ?headings=ignore makes no categories of its section
// headings): 200 with what was added and the questions skipped for want
// of an answer, 400 for a document it refuses.
func (a *App) apiImportDocument(c echo.Context, u data.User, ext string, body io.Reader) error {
	doc, err := io.ReadAll(body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("The document is larger than the limit of %s.", formatSize(a.cfg.MaxUploadBytes)))
		}
		return err
	}
	name := strings.TrimSpace(strings.ToValidUTF8(c.QueryParam("name"), ""))
	if name == "" {
		name = "Imported" + ext
	} else if filepath.Ext(name) == "" {
		name += ext
	}
	category := c.QueryParam("category")
	if category != "" {
		ok, err := a.hasCategory(c, u.ID, category)
		if err != nil {
			return err
		}
		if !ok {
			return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("category must be one of your categories; %q is not", category))
		}
	}
	opts := data.ImportOptions{FallbackCategory: category, IgnoreHeadings: c.QueryParam("headings") == "ignore"}
	res, err := a.store.ImportDocumentWith(c.Request().Context(), u.ID, name, doc, opts, nil)
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
	out := documentImportJSON{Format: "document", Deck: res.Deck, Found: res.Found, Cards: res.Added, Skipped: res.Skipped,
		NewCategories: res.NewCategories, Unanswered: []unansweredJSON{}}
	if out.NewCategories == nil {
		out.NewCategories = []string{}
	}
	for _, q := range res.Unanswered {
		out.Unanswered = append(out.Unanswered, unansweredJSON{Line: q.Line, Question: q.Question, Reason: q.Reason})
	}
	return c.JSON(http.StatusOK, out)
}

// apkgSummary is the flash after an Anki package import.
func apkgSummary(name string, res data.AnkiImportResult) string {
	msg := fmt.Sprintf("%s: %s found, %d added, %d already there, %s of history",
		name, plural(res.Found, "Anki card", "Anki cards"), res.Added, res.Skipped, plural(res.Reviews, "review", "reviews"))
	if len(res.Decks) > 0 {
		msg += ", in the decks " + strings.Join(res.Decks, ", ")
	}
	msg += "."
	if left := res.Empty + res.Unknown; left > 0 {
		msg += fmt.Sprintf(" %s left out: no text once media was dropped, or no note.", plural(left, "card", "cards"))
	}
	if res.Images > 0 {
		msg += fmt.Sprintf(" %s kept.", plural(res.Images, "image", "images"))
	}
	if res.Media > 0 {
		msg += fmt.Sprintf(" %s not imported.", plural(res.Media, "image or sound", "images and sounds"))
	}
	return msg
}

type apkgImportJSON struct {
	Format  string   `json:"format"`
	Found   int      `json:"found"`
	Cards   int      `json:"cards"`
	Skipped int      `json:"skipped"`
	Reviews int      `json:"reviews"`
	Decks   []string `json:"decks"`
	LeftOut int      `json:"left_out"`
	Media   int      `json:"media_dropped"`
	Images  int      `json:"images"` // kept as the user's media
}

// apiImportApkg imports the Anki package POST /api/v1/import carries
// (?category=SLUG for cards no tag files, ?name= for the deck of cards
// without one): 200 with what was added, 400 for a package it refuses.
func (a *App) apiImportApkg(c echo.Context, u data.User, body io.Reader) error {
	pkg, err := io.ReadAll(body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("The package is larger than the limit of %s.", formatSize(a.cfg.MaxUploadBytes)))
		}
		return err
	}
	name := strings.TrimSpace(strings.ToValidUTF8(c.QueryParam("name"), ""))
	if name == "" {
		name = "Anki package"
	}
	res, err := a.store.ImportApkg(c.Request().Context(), u.ID, name, bytes.NewReader(pkg), int64(len(pkg)), c.QueryParam("category"), nil)
	if err != nil {
		if status, msg, _ := importErrorMessage(err); status != 0 {
			return echo.NewHTTPError(status, msg)
		}
		return err
	}
	out := apkgImportJSON{Format: "apkg", Found: res.Found, Cards: res.Added, Skipped: res.Skipped, Reviews: res.Reviews,
		Decks: res.Decks, LeftOut: res.Empty + res.Unknown, Media: res.Media, Images: res.Images}
	if out.Decks == nil {
		out.Decks = []string{}
	}
	return c.JSON(http.StatusOK, out)
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
func (a *App) showTooLarge(render func(c echo.Context) error) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			err := next(c)
			var he *echo.HTTPError
			if !errors.As(err, &he) || he.Code != http.StatusRequestEntityTooLarge {
				return err
			}
			if _, ok := currentUser(c); !ok {
				return err
			}
			return render(c)
		}
	}
}

// importTooLarge and restoreTooLarge render the import and restore pages
// with the upload limit.
func (a *App) importTooLarge(c echo.Context) error {
	return a.renderImport(c, http.StatusRequestEntityTooLarge, views.ImportView{
		Error: fmt.Sprintf("The upload is larger than the limit of %s.", formatSize(a.cfg.MaxUploadBytes)),
	})
}

func (a *App) restoreTooLarge(c echo.Context) error {
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
