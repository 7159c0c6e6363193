package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/data/cardtable"
	"github.com/flashcards/flashcards/data/format"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

// previewCardsShown bounds the cards a preview lists.
const previewCardsShown = 200

// importChoices are the choices that shape how an upload is read: they
// travel in the preview's URL and its confirmation form.
type importChoices struct {
	Category       string
	IgnoreHeadings bool
	Columns        *cardtable.Mapping // nil: the importer finds them
}

func (ch importChoices) options() data.ImportOptions {
	return data.ImportOptions{FallbackCategory: ch.Category, IgnoreHeadings: ch.IgnoreHeadings, Columns: ch.Columns}
}

// values writes the choices as form fields.
func (ch importChoices) values() url.Values {
	v := url.Values{}
	if ch.Category != "" {
		v.Set("category", ch.Category)
	}
	if ch.IgnoreHeadings {
		v.Set("headings", "ignore")
	}
	if m := ch.Columns; m != nil {
		v.Set("front", strconv.Itoa(m.Front))
		v.Set("back", strconv.Itoa(m.Back))
		v.Set("catcol", strconv.Itoa(m.Category))
		v.Set("kpcol", strconv.Itoa(m.KeyPoints))
		v.Set("tagcol", strconv.Itoa(m.Tags))
		if m.Header {
			v.Set("header", "1")
		}
	}
	return v
}

// readImportChoices reads the choices from a form (c.FormValue) or a
// query (c.QueryParam): every door that takes an upload reads its
// choices here, so each takes the same fields with the same refusals.
func readImportChoices(value func(key string) string) (importChoices, error) {
	ch := importChoices{Category: strings.TrimSpace(value("category")), IgnoreHeadings: value("headings") == "ignore"}
	if value("front") == "" {
		return ch, nil
	}
	col := func(k string) (int, error) {
		if k == "tagcol" && value(k) == "" {
			return -1, nil // a preview address from before tags were read
		}
		n, err := strconv.Atoi(value(k))
		if err != nil || n < -1 {
			return 0, data.FieldErrorf(data.ErrInvalid, k, "A column choice must be a column's number (0 for the first) or -1 for none")
		}
		return n, nil
	}
	var m cardtable.Mapping
	var err error
	for _, f := range []struct {
		key string
		to  *int
	}{{"front", &m.Front}, {"back", &m.Back}, {"catcol", &m.Category}, {"kpcol", &m.KeyPoints}, {"tagcol", &m.Tags}} {
		if *f.to, err = col(f.key); err != nil {
			return ch, err
		}
	}
	m.Header = value("header") == "1"
	ch.Columns = &m
	return ch, nil
}

func previewURL(id string, ch importChoices) string {
	u := "/import/preview/" + id
	if q := ch.values().Encode(); q != "" {
		u += "?" + q
	}
	return u
}

// openPreview loads the upload a preview's address names. handled is
// true when the answer is already given: the preview is gone, or was
// confirmed and shows its result.
func (a *App) openPreview(c echo.Context, u data.User) (pi data.PendingImport, doc []byte, handled bool, err error) {
	pi, doc, done, err := a.store.PendingImportDoc(u.ID, c.Param("id"))
	switch {
	case errors.Is(err, data.ErrNotFound):
		return pi, nil, true, a.previewGone(c, u)
	case err != nil:
		return pi, nil, true, err
	case done != nil:
		return pi, nil, true, a.showConfirmed(c, u, pi.Name, *done)
	}
	return pi, doc, false, nil
}

// previewGone shows the import page saying the preview is gone.
func (a *App) previewGone(c echo.Context, u data.User) error {
	return a.renderImport(c, u, http.StatusNotFound, views.ImportView{
		Error: "This preview has expired or is not yours. Upload the file again."})
}

// importPreviewPage shows what an upload holds before it is imported:
// its cards and their categories, the ones the user already has or has
// something close to, the questions it skips, and for a card table which
// column is which.
func (a *App) importPreviewPage(c echo.Context, u data.User) error {
	pi, doc, handled, err := a.openPreview(c, u)
	if handled {
		return err
	}
	ch, err := readImportChoices(c.FormValue)
	v := views.ImportPreviewView{ID: c.Param("id"), Name: pi.Name}
	if err != nil {
		v.Error = userMessage(err)
		ch.Columns = nil
	}
	return a.renderPreview(c, u, http.StatusOK, v, doc, ch)
}

// renderPreview reads the upload with the choices and renders the preview.
func (a *App) renderPreview(c echo.Context, u data.User, status int, v views.ImportPreviewView, doc []byte, ch importChoices) error {
	ctx := c.Request().Context()
	if ch.Category != "" {
		if ok, err := a.hasCategory(c, u.ID, ch.Category); err != nil {
			return err
		} else if !ok {
			ch.Category = ""
		}
	}
	if format.Detect(v.Name, doc) == format.CardTable {
		l, err := cardtable.ReadLayout(doc, v.Name)
		if err == nil {
			if ch.Columns != nil {
				if err := data.DocumentError(ch.Columns.Check(len(l.Columns))); err != nil {
					v.Error = userMessage(err)
					ch.Columns = nil
				}
			}
			m := l.Mapping
			if ch.Columns != nil {
				m = *ch.Columns
			}
			v.Table = &views.ImportTableView{Front: m.Front, Back: m.Back, Category: m.Category, KeyPoints: m.KeyPoints, Tags: m.Tags, Header: m.Header}
			for i, label := range l.Columns {
				v.Table.Columns = append(v.Table.Columns, views.SelectOption{Value: strconv.Itoa(i), Label: label})
			}
			ch.Columns = &m
		}
	}
	v.Choices = formFields(ch.values())
	v.Headings, v.Category = !ch.IgnoreHeadings, ch.Category
	decks, err := a.store.ListDecks(ctx, u.ID)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, d := range decks {
		v.Decks = append(v.Decks, views.SelectOption{Value: strconv.FormatInt(d.ID, 10), Label: d.Name})
		names[d.Name] = true
	}
	if v.DeckChoice == "" {
		// A deck named after the file is the one it was imported into
		// before: it is chosen, and the new deck gets a name of its own.
		v.DeckChoice, v.DeckName = "new", data.DeckNameFor(v.Name)
		for _, d := range decks {
			if d.Name == v.DeckName {
				v.DeckChoice, v.DeckID, v.SameNameDeck = "existing", strconv.FormatInt(d.ID, 10), d.Name
				v.DeckName = freeDeckName(v.DeckName, names)
			}
		}
	}
	parsed, err := data.ParseDocumentWith(v.Name, doc, ch.options())
	if err != nil {
		st, msg, problems := importErrorMessage(err)
		if st == 0 {
			return err
		}
		v.Error = msg
		v.Problems, v.MoreProblems = shownProblems(problems)
		return a.renderPreviewPage(c, http.StatusBadRequest, v)
	}
	check, err := a.store.CheckDrafts(ctx, u.ID, parsed.Drafts)
	if err != nil {
		return err
	}
	cats, err := a.store.ListCategories(ctx, u.ID)
	if err != nil {
		return err
	}
	catNames := map[string]string{}
	for _, cat := range cats {
		catNames[cat.Slug] = cat.Name
	}
	isNewCat := map[string]bool{}
	for _, slug := range check.NewCategories {
		isNewCat[slug] = true
	}
	dup := map[int]bool{}
	for _, i := range check.Duplicates {
		dup[i] = true
	}
	closeTo := map[int]data.CloseMatch{}
	for _, m := range check.Close {
		closeTo[m.Draft] = m
	}
	v.Found, v.Duplicates, v.Close = len(parsed.Drafts), len(check.Duplicates), len(check.Close)
	v.New = v.Found - v.Duplicates - v.Close
	catCount := map[string]int{}
	var catOrder []string
	for i, d := range parsed.Drafts {
		if catCount[d.Category] == 0 {
			catOrder = append(catOrder, d.Category)
		}
		catCount[d.Category]++
		if i >= previewCardsShown {
			continue
		}
		name := catNames[d.Category]
		if name == "" {
			name = data.NewCategoryName(d.Category)
		}
		row := views.ImportPreviewCard{Front: d.Front, Category: name, Line: d.Source}
		switch m, ok := closeTo[i]; {
		case dup[i]:
			row.Status = "already there"
		case ok:
			row.Status = "close match"
			row.CloseTo, row.CloseDeck, row.SameSource = m.Front, m.Deck, m.SameSource
		default:
			row.Status = "new"
		}
		v.Cards = append(v.Cards, row)
	}
	v.MoreCards = max(0, len(parsed.Drafts)-previewCardsShown)
	for _, slug := range catOrder {
		name := catNames[slug]
		if name == "" {
			name = data.NewCategoryName(slug)
		}
		v.Categories = append(v.Categories, views.ImportPreviewCategory{Name: name, Cards: catCount[slug], New: isNewCat[slug]})
	}
	v.Unanswered, v.MoreUnanswered = unansweredProblems(parsed.Unanswered)
	v.Shapes = parsed.Shapes
	return a.renderPreviewPage(c, status, v)
}

func (a *App) renderPreviewPage(c echo.Context, status int, v views.ImportPreviewView) error {
	p := a.page(c, "Import preview")
	p.Nav = "cards"
	return a.render(c, status, views.ImportPreview(p, v))
}

func formFields(v url.Values) []views.FormField {
	var out []views.FormField
	for _, k := range []string{"category", "headings", "front", "back", "catcol", "kpcol", "tagcol", "header"} {
		if val := v.Get(k); val != "" {
			out = append(out, views.FormField{Name: k, Value: val})
		}
	}
	return out
}

// confirmImport imports a previewed upload into the deck the user chose,
// once: a second submission shows the first one's result.
func (a *App) confirmImport(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	pi, doc, handled, err := a.openPreview(c, u)
	if handled {
		return err
	}
	ch, err := readImportChoices(c.FormValue)
	v := views.ImportPreviewView{ID: id, Name: pi.Name}
	fail := func(msg string) error {
		v.Error = msg
		v.DeckChoice, v.DeckName, v.DeckID = c.FormValue("deck"), c.FormValue("deck_name"), c.FormValue("deck_id")
		if v.DeckChoice != "existing" {
			v.DeckChoice = "new"
		}
		return a.renderPreview(c, u, http.StatusBadRequest, v, doc, ch)
	}
	if err != nil {
		ch.Columns = nil
		return fail(userMessage(err))
	}
	skipClose := c.FormValue("skip_close") == "1"
	res, again, err := a.store.ConfirmPendingImport(ctx, u.ID, id, func(ctx context.Context, p data.PendingImport, doc []byte) (data.ConfirmedImport, error) {
		// Checked here, once the confirmation holds the upload: a second
		// submission waits and gets the first one's result, not "a deck
		// named X exists" about the deck the first one made.
		deck, msg, err := a.chosenDeck(ctx, u.ID, c.FormValue("deck"), c.FormValue("deck_name"), c.FormValue("deck_id"))
		if err != nil {
			return data.ConfirmedImport{}, err
		}
		if msg != "" {
			return data.ConfirmedImport{}, deckChoiceError(msg)
		}
		parsed, err := data.ParseDocumentWith(p.Name, doc, ch.options())
		if err != nil {
			return data.ConfirmedImport{}, err
		}
		drafts := parsed.Drafts
		out := data.ConfirmedImport{}
		addsNone := false
		if skipClose {
			check, err := a.store.CheckDrafts(ctx, u.ID, drafts)
			if err != nil {
				return out, err
			}
			leave, dup := map[int]bool{}, map[int]bool{}
			for _, m := range check.Close {
				leave[m.Draft] = true
			}
			for _, i := range check.Duplicates {
				dup[i] = true
			}
			kept, dups := drafts[:0:0], 0
			for i, d := range drafts {
				if !leave[i] {
					kept = append(kept, d)
					if dup[i] {
						dups++
					}
				}
			}
			out.CloseSkipped = len(drafts) - len(kept)
			drafts = kept
			// What is left adds no card: no deck is made for nothing.
			addsNone = out.CloseSkipped > 0 && dups == len(kept)
			out.Skipped = dups
		}
		if addsNone {
			out.Deck = deck
		} else if out.ImportResult, err = a.store.ImportDrafts(ctx, u.ID, deck, drafts, nil); err != nil {
			return out, err
		}
		out.Found = len(parsed.Drafts)
		out.Unanswered = parsed.Unanswered
		return out, nil
	})
	if errors.Is(err, data.ErrPendingImportGone) {
		return a.previewGone(c, u)
	}
	var dce deckChoiceError
	if errors.As(err, &dce) {
		return fail(string(dce))
	}
	if err != nil {
		if st, msg, _ := importErrorMessage(err); st != 0 {
			return fail(msg)
		}
		return err
	}
	_ = again // the same answer either way: the import's result
	return a.showConfirmed(c, u, pi.Name, res)
}

// deckChoiceError says what is wrong with the deck a confirmation chose.
type deckChoiceError string

func (e deckChoiceError) Error() string { return string(e) }

// chosenDeck is the deck the confirmation form names: a new deck's name,
// or one of the user's decks. msg says what is wrong with the choice.
func (a *App) chosenDeck(ctx context.Context, userID int64, choice, name, id string) (deck, msg string, err error) {
	if choice == "existing" {
		decks, err := a.store.ListDecks(ctx, userID)
		if err != nil {
			return "", "", err
		}
		for _, d := range decks {
			if strconv.FormatInt(d.ID, 10) == id {
				return d.Name, "", nil
			}
		}
		return "", "Choose one of your decks, or a new one.", nil
	}
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > data.MaxNameRunes {
		return "", fmt.Sprintf("Name the new deck (1 to %d characters).", data.MaxNameRunes), nil
	}
	// A new deck is new: a name already taken would quietly add the cards
	// to that deck.
	decks, err := a.store.ListDecks(ctx, userID)
	if err != nil {
		return "", "", err
	}
	for _, d := range decks {
		if d.Name == name {
			return "", fmt.Sprintf("A deck named “%s” exists; choose it from the list or pick another name.", name), nil
		}
	}
	return name, "", nil
}

// freeDeckName is name, or name with the first number from 2 that makes
// it a name none of the user's decks has.
func freeDeckName(name string, taken map[string]bool) string {
	for n := 2; ; n++ {
		suffix := " " + strconv.Itoa(n)
		base := []rune(name)
		if len(base)+utf8.RuneCountInString(suffix) > data.MaxNameRunes {
			base = base[:data.MaxNameRunes-utf8.RuneCountInString(suffix)]
		}
		if c := string(base) + suffix; !taken[c] {
			return c
		}
	}
}

// showConfirmed shows what a confirmed import did: the report on the
// import page when it skipped questions, else the deck with a summary.
func (a *App) showConfirmed(c echo.Context, u data.User, name string, res data.ConfirmedImport) error {
	if res.Added == 0 && res.CloseSkipped > 0 && res.CloseSkipped+res.Skipped == res.Found {
		msg := fmt.Sprintf("Nothing imported: all %s closely match cards you have.", words.Count(res.Found, "card", "cards"))
		if res.Found == 1 {
			msg = "Nothing imported: the 1 card closely matches a card you have."
		}
		if res.Skipped > 0 {
			msg = fmt.Sprintf("Nothing imported: of the %s, %s already there and %d %s.", words.Count(res.Found, "card", "cards"),
				isAre(res.Skipped), res.CloseSkipped, closeMatchVerb(res.CloseSkipped))
		}
		return a.flashTo(c, true, msg, "/import")
	}
	deckURL := a.deckCardsURL(c, u.ID, res.Deck)
	if len(res.Unanswered) > 0 {
		r := importReport(name, res.ImportResult, deckURL)
		if res.CloseSkipped > 0 {
			r.Summary += fmt.Sprintf(" %s left out as close matches of yours.", words.Count(res.CloseSkipped, "card", "cards"))
		}
		return a.renderImport(c, u, http.StatusOK, views.ImportView{Report: r})
	}
	msg := importSummary(name, res.ImportResult)
	if res.CloseSkipped > 0 {
		msg += fmt.Sprintf(" %s left out as close matches of cards you have.", words.Count(res.CloseSkipped, "card", "cards"))
	}
	return a.flashTo(c, true, msg, deckURL)
}

func closeMatchVerb(n int) string {
	if n == 1 {
		return "closely matches a card you have"
	}
	return "closely match cards you have"
}

func isAre(n int) string {
	if n == 1 {
		return "1 is"
	}
	return strconv.Itoa(n) + " are"
}
