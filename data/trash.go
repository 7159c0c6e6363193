package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/flashcards/flashcards/data/cardtext"
)

// TrashKeep is how long a deleted card stays in the trash, with its
// history, before PurgeTrash deletes it for good.
const TrashKeep = 30 * 24 * time.Hour

// MaxCardsAtOnce bounds one change to many cards: they come from one form.
const MaxCardsAtOnce = 1000

// A card in the trash keeps its row (see migration 0008) but not its key:
// the key gets the prefix "trash:<id>:", so the card is no longer "a card
// you have" to an import or the built-in deck, which add it anew, as they
// did after a delete. Restoring takes the prefix off again.
const (
	qTrashKey   = `'trash:' || id || ':' || key`
	qUntrashKey = `substr(key, length('trash:' || id || ':') + 1)`
)

// cardSet is a checked list of card ids as JSON, for json_each.
type cardSet struct {
	json string
	n    int
}

func newCardSet(ids []int64) (cardSet, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return cardSet{}, Errorf(ErrInvalid, "Choose at least one card")
	}
	if len(ids) > MaxCardsAtOnce {
		return cardSet{}, Errorf(ErrInvalid, "Choose at most %d cards at once", MaxCardsAtOnce)
	}
	if ids[0] <= 0 {
		return cardSet{}, Errorf(ErrInvalid, "A card id is a positive number")
	}
	b, _ := json.Marshal(ids)
	return cardSet{json: string(b), n: len(ids)}, nil
}

// ownAll checks that every card of the set is one of the user's, in the
// trash or out of it as trashed says, and not one of an import still being
// written. Otherwise nothing may change: one
// foreign or vanished id fails the whole request with ErrNotFound.
func ownAll(ctx context.Context, tx *sql.Tx, userID int64, set cardSet, trashed bool) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM card_state
		WHERE user_id = ?1 AND trashed = ?2 AND card_id IN (SELECT value FROM json_each(?3)) AND card_id < `+visibleBelow("?1"),
		userID, trashed, set.json).Scan(&n)
	if err != nil {
		return err
	}
	if n != set.n {
		where := "among your cards"
		if trashed {
			where = "in your trash"
		}
		return fmt.Errorf("%d of the %d cards chosen are not %s: %w", set.n-n, set.n, where, ErrNotFound)
	}
	return nil
}

// changeCards runs change on a checked set of the user's cards in one
// transaction and returns how many rows it changed.
func (s *Store) changeCards(ctx context.Context, userID int64, ids []int64, trashed bool, change func(tx *sql.Tx, set cardSet) (sql.Result, error)) (int, error) {
	set, err := newCardSet(ids)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := ownAll(ctx, tx, userID, set, trashed); err != nil {
			return err
		}
		res, err := change(tx, set)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// SuspendCards suspends the user's cards (or brings them back), all or
// none: an id that is not one of the user's cards out of the trash changes
// nothing and gives ErrNotFound. It returns how many cards changed.
func (s *Store) SuspendCards(ctx context.Context, userID int64, ids []int64, suspended bool) (int, error) {
	return s.changeCards(ctx, userID, ids, false, func(tx *sql.Tx, set cardSet) (sql.Result, error) {
		return tx.ExecContext(ctx, `UPDATE cards SET suspended = ?, updated_at = ?
			WHERE user_id = ? AND id IN (SELECT value FROM json_each(?)) AND suspended <> ?`,
			suspended, formatTime(s.now()), userID, set.json, suspended)
	})
}

// MoveCards moves the user's cards to a deck (deckID 0: each stays in its
// own) and a category (slug "": each keeps its own), all or none, keeping
// their progress. It returns how many cards changed.
func (s *Store) MoveCards(ctx context.Context, userID int64, ids []int64, deckID int64, category string) (int, error) {
	if deckID == 0 && category == "" {
		return 0, Errorf(ErrInvalid, "Choose a deck or a category to move the cards to")
	}
	return s.changeCards(ctx, userID, ids, false, func(tx *sql.Tx, set cardSet) (sql.Result, error) {
		var deck, cat sql.NullInt64
		if deckID != 0 {
			if err := deckOwned(ctx, tx, userID, deckID); err != nil {
				return nil, err
			}
			deck = sql.NullInt64{Int64: deckID, Valid: true}
		}
		if category != "" {
			id, err := categoryID(ctx, tx, userID, category)
			if err != nil {
				return nil, err
			}
			cat = sql.NullInt64{Int64: id, Valid: true}
		}
		// A trigger moves the cards' reviews to the new category too.
		return tx.ExecContext(ctx, `UPDATE cards SET deck_id = COALESCE(?1, deck_id), category_id = COALESCE(?2, category_id), updated_at = ?3
			WHERE user_id = ?4 AND id IN (SELECT value FROM json_each(?5))
				AND (deck_id <> COALESCE(?1, deck_id) OR category_id <> COALESCE(?2, category_id))`,
			deck, cat, formatTime(s.now()), userID, set.json)
	})
}

// TrashCards moves the user's cards to the trash, all or none. They leave
// every list, queue, statistic and export, keep their history, and come
// back with RestoreCards until PurgeTrash deletes them, TrashKeep later.
// Their grades of today still count against today's limits.
func (s *Store) TrashCards(ctx context.Context, userID int64, ids []int64) (int, error) {
	return s.changeCards(ctx, userID, ids, false, func(tx *sql.Tx, set cardSet) (sql.Result, error) {
		return tx.ExecContext(ctx, `UPDATE cards SET deleted_at = ?, key = `+qTrashKey+`
			WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))`, formatTime(s.now()), userID, set.json)
	})
}

// RestoreCards takes the user's cards out of the trash as they were, all
// or none. A card added again meanwhile (the same card imported, or the
// built-in deck added again) would be there twice: ErrConflict.
func (s *Store) RestoreCards(ctx context.Context, userID int64, ids []int64) (int, error) {
	return s.changeCards(ctx, userID, ids, true, func(tx *sql.Tx, set cardSet) (sql.Result, error) {
		var front string
		err := tx.QueryRowContext(ctx, `SELECT t.front FROM cards t
			JOIN cards c ON c.user_id = t.user_id AND c.key = substr(t.key, length('trash:' || t.id || ':') + 1)
			WHERE t.user_id = ? AND t.id IN (SELECT value FROM json_each(?)) LIMIT 1`, userID, set.json).Scan(&front)
		if err == nil {
			return nil, Errorf(ErrConflict, "The card “%s” is among your cards again (added since it was deleted); "+
				"delete that copy first, or this one for good. Nothing was restored", cardtext.ShortText(cardtext.PlainText(front), 80))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		res, err := tx.ExecContext(ctx, `UPDATE cards SET deleted_at = NULL, key = `+qUntrashKey+`
			WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))`, userID, set.json)
		if err != nil {
			return nil, err
		}
		return res, rejoinRestoredClozes(ctx, tx, userID, set.json)
	})
}

// DeleteTrashedCards deletes cards in the user's trash for good, with
// their history, all or none. Their grades keep counting against the days
// they were given (see migration 0005).
func (s *Store) DeleteTrashedCards(ctx context.Context, userID int64, ids []int64) (int, error) {
	return s.changeCards(ctx, userID, ids, true, func(tx *sql.Tx, set cardSet) (sql.Result, error) {
		return tx.ExecContext(ctx, `DELETE FROM cards WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))`, userID, set.json)
	})
}

// PurgeTrash deletes for good every card that has been in the trash for
// TrashKeep, of every user. The server runs it every hour.
func (s *Store) PurgeTrash(ctx context.Context) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM cards WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
			formatTime(s.now().Add(-TrashKeep)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// TrashedCard is a card in the trash.
type TrashedCard struct {
	ID        int64
	Front     string // Markdown, as written
	Deck      string
	Category  string // name
	Reviews   int    // how many grades it keeps
	DeletedAt time.Time
	PurgeAt   time.Time // when PurgeTrash deletes it
}

// TrashPage is a page of the user's trash, most recently deleted first.
type TrashPage struct {
	Cards []TrashedCard
	Total int
}

// ListTrash returns a page of the user's trash.
func (s *Store) ListTrash(ctx context.Context, userID int64, limit, offset int) (TrashPage, error) {
	var p TrashPage
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM cards WHERE user_id = ? AND deleted_at IS NOT NULL", userID).Scan(&p.Total); err != nil {
			return err
		}
		var err error
		p.Cards, err = trashedCards(ctx, tx, "", []any{userID, max(limit, 1), max(offset, 0)})
		return err
	})
	return p, err
}

// TrashedCardsByID returns those of the cards that are in the user's
// trash, most recently deleted first.
func (s *Store) TrashedCardsByID(ctx context.Context, userID int64, ids []int64) ([]TrashedCard, error) {
	set, err := newCardSet(ids)
	if err != nil {
		return nil, err
	}
	var out []TrashedCard
	err = s.read(ctx, func(tx *sql.Tx) error {
		out, err = trashedCards(ctx, tx, " AND c.id IN (SELECT value FROM json_each(?))", []any{userID, set.json, set.n, 0})
		return err
	})
	return out, err
}

// trashedCards reads cards of a user's trash: args are the user, those of
// the extra terms on cards c, then limit and offset.
func trashedCards(ctx context.Context, tx *sql.Tx, terms string, args []any) ([]TrashedCard, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.front, d.name, cat.name, c.deleted_at,
		(SELECT COUNT(*) FROM reviews r WHERE r.card_id = c.id)
		FROM cards c JOIN decks d ON d.id = c.deck_id JOIN categories cat ON cat.id = c.category_id
		WHERE c.user_id = ? AND c.deleted_at IS NOT NULL`+terms+`
		ORDER BY c.deleted_at DESC, c.id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TrashedCard
	for rows.Next() {
		var c TrashedCard
		var deleted string
		if err := rows.Scan(&c.ID, &c.Front, &c.Deck, &c.Category, &deleted, &c.Reviews); err != nil {
			return nil, err
		}
		c.DeletedAt, _ = parseTime(deleted)
		c.PurgeAt = c.DeletedAt.Add(TrashKeep)
		out = append(out, c)
	}
	return out, rows.Err()
}
