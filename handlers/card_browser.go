package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/srs"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

// cardsPerPage is how many cards the list shows at once.
const cardsPerPage = 50

// cardFrontShown is how much of a card's front the list shows.
const cardFrontShown = 120

// maxPage bounds the page asked for: beyond it, OFFSET would be silly.
const maxPage = 1_000_000

// The card browser's orders, as the sort field of its URL: a field, with
// "-desc" for the other way. The first is the default.
var cardSorts = []views.SelectOption{
	{Value: "added-desc", Label: "Newest first"},
	{Value: "added", Label: "Oldest first"},
	{Value: "due", Label: "Due soonest"},
	{Value: "due-desc", Label: "Due latest"},
	{Value: "ease", Label: "Lowest ease"},
	{Value: "ease-desc", Label: "Highest ease"},
	{Value: "lapses-desc", Label: "Most lapses"},
	{Value: "lapses", Label: "Fewest lapses"},
	{Value: "interval", Label: "Shortest interval"},
	{Value: "interval-desc", Label: "Longest interval"},
}

// cardStates are the state filter's choices.
var cardStates = []views.SelectOption{
	{Value: "", Label: "All cards"},
	{Value: string(data.NewCards), Label: "New"},
	{Value: string(data.LearningCards), Label: "Learning (re-drill today)"},
	{Value: string(data.DueCards), Label: "Due today"},
	{Value: string(data.SuspendedCards), Label: "Suspended"},
}

func hasValue(opts []views.SelectOption, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// cardList is what the card browser's URL asks for. Its fields are search
// fields, not addresses of things: a value it does not know is taken as
// absent, never as an error.
type cardList struct {
	Query, Category, Deck, Tag, State, Sort string
	Page                                    int
	SelectAll                               bool
}

func readCardList(q url.Values) cardList {
	l := cardList{Query: q.Get("q"), Category: strings.TrimSpace(q.Get("category")), Page: 1, SelectAll: q.Get("select") == "all"}
	// A tag that cannot be one matches no card, as a search would.
	l.Tag = strings.TrimSuffix(strings.TrimSpace(q.Get("tag")), "/")
	if id, err := strconv.ParseInt(q.Get("deck"), 10, 64); err == nil && id > 0 {
		l.Deck = strconv.FormatInt(id, 10)
	}
	if s := q.Get("state"); hasValue(cardStates, s) {
		l.State = s
	}
	if s := q.Get("sort"); hasValue(cardSorts, s) && s != cardSorts[0].Value {
		l.Sort = s
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n <= maxPage {
		l.Page = n
	}
	return l
}

// url is the list's address with other sort and page; "" keeps the sort.
func (l cardList) url(sort string, page int) string {
	vals := url.Values{}
	for k, v := range map[string]string{"q": l.Query, "category": l.Category, "deck": l.Deck, "tag": l.Tag, "state": l.State, "sort": sort} {
		if v != "" {
			vals.Set(k, v)
		}
	}
	if page > 1 {
		vals.Set("page", strconv.Itoa(page))
	}
	if len(vals) == 0 {
		return "/cards"
	}
	return "/cards?" + vals.Encode()
}

func (l cardList) browse() data.CardBrowse {
	b := data.CardBrowse{Query: l.Query, Category: l.Category, Tag: l.Tag, State: data.CardState(l.State),
		Limit: cardsPerPage, Offset: (l.Page - 1) * cardsPerPage}
	b.DeckID, _ = strconv.ParseInt(l.Deck, 10, 64)
	sort := orDefault(l.Sort, cardSorts[0].Value)
	field, desc := strings.CutSuffix(sort, "-desc")
	b.Sort, b.Desc = data.CardSort(field), desc
	return b
}

// pick is one when n is 1, else many.
func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// orDefault is s, or def when s is "".
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// cardsPage is the card browser: the user's cards, searched, filtered by
// deck, category and state, sorted, counted and numbered in pages, with
// boxes to choose cards for the actions of bulkCards.
func (a *App) cardsPage(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	l := readCardList(c.Request().URL.Query())
	page, err := a.store.BrowseCards(ctx, u.ID, l.browse())
	if err != nil {
		return err
	}
	// Whether the user has cards at all tells an empty search from an empty
	// account; a list with cards in it has answered already.
	hasCards := page.Total > 0
	if !hasCards {
		total, err := a.store.CountCards(ctx, u.ID)
		if err != nil {
			return err
		}
		hasCards = total > 0
	}
	cats, decks, err := a.cardChoices(c, u.ID)
	if err != nil {
		return err
	}
	tags, err := a.tagOptions(c, u.ID)
	if err != nil {
		return err
	}
	v := views.CardsView{
		Tag:        l.Tag,
		AllTags:    tags,
		Query:      l.Query,
		Category:   l.Category,
		Deck:       l.Deck,
		State:      l.State,
		Sort:       orDefault(l.Sort, cardSorts[0].Value),
		Sorts:      cardSorts,
		States:     cardStates,
		Categories: cats,
		Decks:      decks,
		HasCards:   hasCards,
		Filtered:   l.Query != "" || l.Category != "" || l.Deck != "" || l.Tag != "" || l.State != "",
		Total:      page.Total,
		Page:       l.Page,
		First:      (l.Page-1)*cardsPerPage + 1,
		Pager:      pager(l.Page, (page.Total+cardsPerPage-1)/cardsPerPage, func(n int) string { return l.url(l.Sort, n) }),
		NewCardURL: "/cards/new",
		ListURL:    l.url(l.Sort, l.Page),
		SelectAll:  l.SelectAll,
	}
	if l.Deck != "" {
		v.NewCardURL += "?deck=" + l.Deck
	}
	// The column headings sort by their column, the other way when it is
	// the column sorted by already.
	for _, col := range []string{"due", "interval", "ease", "lapses"} {
		h := views.SortHeading{Field: col, URL: l.url(col, 1)}
		switch v.Sort {
		case col:
			h.Order, h.URL = "ascending", l.url(col+"-desc", 1)
		case col + "-desc":
			h.Order = "descending"
		}
		v.Headings = append(v.Headings, h)
	}
	sel := l
	sel.SelectAll = true
	v.SelectAllURL = sel.url(l.Sort, l.Page)
	if strings.Contains(v.SelectAllURL, "?") {
		v.SelectAllURL += "&select=all"
	} else {
		v.SelectAllURL += "?select=all"
	}
	for _, card := range page.Cards {
		v.Rows = append(v.Rows, cardRow(card, page.Today, page.Learning[card.ID]))
	}
	p := a.page(c, "Cards")
	p.Nav = "cards"
	return a.render(c, http.StatusOK, views.Cards(p, v))
}

// cardRow is a card as the browser lists it.
func cardRow(card data.Card, today srs.Day, learning bool) views.CardRow {
	r := views.CardRow{
		ID:        card.ID,
		Front:     cardtext.ShortText(cardFrontPlain(card), cardFrontShown),
		Category:  card.CategoryName,
		Deck:      card.Deck,
		Lapses:    card.Lapses,
		Suspended: card.Suspended,
		Learning:  learning,
		Due:       "–",
		Interval:  "–",
		Ease:      "–",
		Recall:    recallText(card, today),
		Tags:      card.Tags,
	}
	st := card.Sched
	if !st.Graded {
		r.New = true
		return r
	}
	r.Due = dueIn(st.Due, today) // "tomorrow", "in 5 days", "on 2027-01-10"
	r.Interval = words.Count(st.State.Interval, "day", "days")
	r.Ease = easeText(st.State.Ease)
	// As the day's queue has it (see data.DueCards).
	r.DueNow = !card.Suspended && !st.Due.After(today) && st.LastCounted.Before(today)
	return r
}

// pager numbers the pages: the first, the last, and two either side of the
// current one, with a gap for those left out.
func pager(current, pages int, link func(int) string) views.Pager {
	var p views.Pager
	if pages <= 1 {
		return p
	}
	if current > 1 {
		p.PrevURL = link(min(current-1, pages))
	}
	if current < pages {
		p.NextURL = link(current + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < current-2 || n > current+2) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Links = append(p.Links, views.PageLink{Gap: true})
		}
		p.Links = append(p.Links, views.PageLink{Number: n, URL: link(n), Current: n == current})
		last = n
	}
	return p
}

// formCardIDs reads the ids of the cards chosen in a form.
func formCardIDs(c echo.Context) ([]int64, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, v := range form["id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("%q is not a card; nothing was changed.", cardtext.ShortText(v, 40)))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// notAllYours is the answer to a choice of cards with one that is not the
// user's (or no longer there): nothing was changed.
var notAllYours = echo.NewHTTPError(http.StatusNotFound, "Some of the chosen cards are not among your cards (deleted meanwhile?); nothing was changed.")

// bulkCards applies one action to the cards chosen in the browser: suspend,
// unsuspend, move to a deck or category, add or remove a tag, or move to
// the trash. It is one
// form post and one transaction; a card that is not the user's fails the
// whole request and changes nothing.
func (a *App) bulkCards(c echo.Context, u data.User) error {
	ctx := c.Request().Context()
	back := safeNext(c.FormValue("return"))
	if back == "" || !strings.HasPrefix(back, "/cards") {
		back = "/cards"
	}
	ids, err := formCardIDs(c)
	if err != nil {
		return err
	}
	cards := func(n int) string { return words.Count(n, "card", "cards") }
	var n int
	var msg string
	switch action := c.FormValue("action"); action {
	case "suspend", "unsuspend":
		n, err = a.store.SuspendCards(ctx, u.ID, ids, action == "suspend")
		msg = fmt.Sprintf("Suspended %s: %s out of your reviews until you unsuspend %s.", cards(n), pick(n, "it stays", "they stay"), pick(n, "it", "them"))
		if action == "unsuspend" {
			msg = fmt.Sprintf("Unsuspended %s: %s back in your reviews.", cards(n), pick(n, "it is", "they are"))
		}
		if n == 0 && err == nil {
			msg = fmt.Sprintf("Nothing changed: the chosen cards were %sed already.", action)
		}
	case "move":
		var deckID int64
		if d := c.FormValue("deck"); d != "" {
			if deckID, err = strconv.ParseInt(d, 10, 64); err != nil || deckID <= 0 {
				return echo.NewHTTPError(http.StatusBadRequest, "Choose one of your decks; nothing was changed.")
			}
		}
		n, err = a.store.MoveCards(ctx, u.ID, ids, deckID, c.FormValue("category"))
		msg = fmt.Sprintf("Moved %s; %s progress stays as it was.", cards(n), pick(n, "its", "their"))
		if n == 0 && err == nil {
			msg = "Nothing changed: the chosen cards were there already."
		}
	case "tag-add", "tag-remove":
		msg, err = a.bulkTag(c, u, ids, action == "tag-add")
	case "delete":
		n, err = a.store.TrashCards(ctx, u.ID, ids)
		msg = fmt.Sprintf("Moved %s to the trash. You can restore %s, with %s history, from the trash for %d days.",
			cards(n), pick(n, "it", "them"), pick(n, "its", "their"), trashDays)
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "Choose what to do with the chosen cards.")
	}
	switch {
	case errors.Is(err, data.ErrNotFound):
		return notAllYours
	case errors.Is(err, data.ErrInvalid):
		// A choice left out (no card, no deck): say so on the list, as it was.
		return a.flashTo(c, false, userMessage(err), back)
	case err != nil:
		return err
	}
	return a.flashTo(c, true, msg, back)
}
