package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// CardState is what the card browser filters on.
type CardState string

const (
	AllCards       CardState = ""
	NewCards       CardState = "new"       // never graded, not suspended
	LearningCards  CardState = "learning"  // in today's re-drill queue
	DueCards       CardState = "due"       // up for review today, limits aside
	SuspendedCards CardState = "suspended" // suspended, out of the trash
)

// CardSort is an order of the card browser.
type CardSort string

const (
	SortAdded    CardSort = "added"
	SortDue      CardSort = "due" // new cards, which have no due day, come last
	SortEase     CardSort = "ease"
	SortLapses   CardSort = "lapses"
	SortInterval CardSort = "interval"
)

// CardBrowse asks for a page of the card browser. Zero values mean "any"
// and the first page in the order added, newest first.
type CardBrowse struct {
	Category string // slug
	DeckID   int64
	Query    string // words looked for in the front, back and key points
	Tag      string // the tag or one under it (data/tags.go)
	State    CardState
	Sort     CardSort // "": SortAdded
	Desc     bool
	Limit    int // 0: all
	Offset   int
}

// CardPage is a page of the card browser: its cards, how many match in
// all, the study day the states were judged on, and which of the cards
// are in that day's re-drill queue.
type CardPage struct {
	Cards    []Card
	Total    int
	Today    srs.Day
	Learning map[int64]bool
}

// BrowseCards returns a page of the user's cards out of the trash, sorted
// and filtered, with the number of cards that match, in one snapshot.
//
// The filter and the sort run on the narrow card_state table, where the
// states have their indexes (migrations 0001, 0002, 0008): the order added
// walks card_state_user and stops at the page; the other orders sort the
// matching rows' (key, id) pairs, not the cards, and only the page's cards
// are read whole. Nothing is indexed on ease, interval or lapses, which
// every grade changes: sorting 10,000 cards by them costs a few
// milliseconds (BenchmarkBrowseCards), an index would cost every grade.
func (s *Store) BrowseCards(ctx context.Context, userID int64, b CardBrowse) (CardPage, error) {
	var p CardPage
	order, err := browseOrder(b.Sort, b.Desc)
	if err != nil {
		return p, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		st, err := userSettings(ctx, tx, userID)
		if err != nil {
			return err
		}
		p.Today = s.studyDay(st)
		from, where, args, err := browseWhere(userID, b, p.Today)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+from+" WHERE "+where, args...).Scan(&p.Total); err != nil {
			return err
		}
		page := "SELECT s.card_id FROM " + from + " WHERE " + where + " ORDER BY " + order
		if b.Limit > 0 {
			page += fmt.Sprintf(" LIMIT %d OFFSET %d", b.Limit, max(b.Offset, 0))
		}
		// Today is a number, written into the statement so that the page's
		// parameters stay those of the filter.
		learning := fmt.Sprintf(", s.redrill_day = %d AND s.suspended = 0", int(p.Today))
		rows, err := tx.QueryContext(ctx, "SELECT "+cardColumns+learning+" FROM ("+page+") p"+
			` JOIN cards c ON c.id = p.card_id
			JOIN decks d ON d.id = c.deck_id
			JOIN categories cat ON cat.id = c.category_id
			JOIN card_state s ON s.card_id = c.id
			ORDER BY `+order, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		p.Cards, p.Learning = []Card{}, map[int64]bool{}
		for rows.Next() {
			var redrill sql.NullBool
			c, err := scanCard(withExtra{rows, []any{&redrill}})
			if err != nil {
				return err
			}
			p.Cards = append(p.Cards, c)
			if redrill.Bool {
				p.Learning[c.ID] = true
			}
		}
		return rows.Err()
	})
	return p, err
}

// browseOrder is the ORDER BY of a sort, on card_state s, ending with the
// card's id so that equal keys keep one order from page to page.
func browseOrder(sort CardSort, desc bool) (string, error) {
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	switch sort {
	case "", SortAdded:
		return "s.card_id" + dir, nil
	case SortDue:
		return "s.due IS NULL, s.due" + dir + ", s.card_id" + dir, nil
	case SortEase:
		return "s.ease" + dir + ", s.card_id" + dir, nil
	case SortLapses:
		return "s.lapses" + dir + ", s.card_id" + dir, nil
	case SortInterval:
		return "s.interval" + dir + ", s.card_id" + dir, nil
	}
	return "", Errorf(ErrInvalid, "Cards sort by added, due, ease, lapses or interval, not %q", sort)
}

// browseWhere is the FROM and WHERE of a browse, on card_state s, joined
// to cards c only to search their text.
func browseWhere(userID int64, b CardBrowse, today srs.Day) (from, where string, args []any, err error) {
	// The cards of an import still being written are not there yet.
	terms := []string{pileOf}
	args = []any{userID, userID}
	d := int(today)
	switch b.State {
	case AllCards:
		terms = append(terms, "s.trashed = 0")
	case NewCards:
		// suspended = 0 also leaves the trash out (see migration 0008).
		terms = append(terms, isNew("s."))
	case LearningCards:
		terms = append(terms, "s.redrill_day = ? AND s.suspended = 0")
		args = append(args, d)
	case DueCards:
		// As the day's queue has them (qQueueDue), without the limits.
		terms = append(terms, dueNow("s.", "?"))
		args = append(args, d, d)
	case SuspendedCards:
		// "+" keeps the planner on the small index of suspended cards.
		terms = append(terms, "s.suspended = 1 AND +s.trashed = 0")
	default:
		return "", "", nil, Errorf(ErrInvalid, "Cards are new, learning, due or suspended, not %q", b.State)
	}
	fterms, fargs := filterTerms(userID, "s.", "s.card_id", b.Category, b.DeckID, b.Tag)
	terms, args = append(terms, fterms...), append(args, fargs...)
	from = "card_state s"
	sterms, sargs := searchTerms(b.Query)
	if len(sterms) > 0 {
		from += " JOIN cards c ON c.id = s.card_id"
	}
	terms, args = append(terms, sterms...), append(args, sargs...)
	return from, strings.Join(terms, " AND "), args, nil
}

// CardReview is one grade in a card's history.
type CardReview struct {
	At            time.Time
	Day           srs.Day
	Grade         srs.Grade
	Counted       bool // false: a re-drill or a practice grade, which leave the schedule alone
	Practice      bool // a practice grade (Grade.Practice)
	IntervalAfter int
	EaseAfter     int // in hundredths
	DueAfter      srs.Day
	TypedAnswer   string
	Covered       []string // key points the typed answer covered
	Missed        []string
	HasCoverage   bool
}

// MaxHistoryShown bounds the reviews a card's history reads: its most recent.
const MaxHistoryShown = 200

// CardHistory returns the card's most recent reviews (at most
// MaxHistoryShown), oldest first, and how many it has in all. Another
// user's card, one in the trash, or one of an import still being written,
// is ErrNotFound.
func (s *Store) CardHistory(ctx context.Context, userID, cardID int64) ([]CardReview, int, error) {
	var out []CardReview
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM reviews WHERE card_id = s.card_id)
			FROM card_state s WHERE s.card_id = ?1 AND s.user_id = ?2 AND s.trashed = 0 AND s.card_id < `+visibleBelow("?2"),
			cardID, userID).Scan(&total)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("card %d: %w", cardID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT reviewed_at, study_day, grade, counted, after_interval, after_ease,
			COALESCE(after_due, 0), typed_answer, covered, kind = 'practice'
			FROM reviews WHERE card_id = ? ORDER BY id DESC LIMIT ?`, cardID, MaxHistoryShown)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r CardReview
			var at, covered string
			var day, due int64
			if err := rows.Scan(&at, &day, &r.Grade, &r.Counted, &r.IntervalAfter, &r.EaseAfter, &due, &r.TypedAnswer, &covered, &r.Practice); err != nil {
				return err
			}
			r.At, _ = parseTime(at)
			r.Day, r.DueAfter = srs.Day(day), srs.Day(due)
			if covered != "" {
				var cov coverageJSON
				if json.Unmarshal([]byte(covered), &cov) == nil {
					r.Covered, r.Missed, r.HasCoverage = cov.Covered, cov.Missed, true
				}
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, total, err
}
