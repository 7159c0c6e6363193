package data

import (
	"context"
	"database/sql"
	"strings"
	"unicode"

	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/srs/words"
)

// Tags (issue 19, migration 0014) are a card's free labels beside its one
// category: "company/acme", "round/onsite", "source/blog". They are
// hierarchical with "/": the tag "company" takes in every tag under it.
// This file is their one home: what a tag may be, how it is stored, and
// how a list or a queue is narrowed to one.

// Limits on tags: data/draft's, which the formats check too.
const (
	MaxTagRunes    = draft.MaxTagRunes // one tag
	MaxTagsPerCard = draft.MaxTagsPerCard
	// maxTagsListed bounds the user's tag list the forms suggest from.
	maxTagsListed = 5000
)

// TagCount is one of a user's tags with how many cards out of the trash
// carry it.
type TagCount struct {
	Tag   string
	Cards int
}

// checkTag says in words what is wrong with a tag, trimmed already.
func checkTag(t string) error { return DocumentError(draft.CheckTag(t)) }

// tagKey is a tag as the database compares it: NOCASE folds ASCII only.
func tagKey(t string) string { return draft.TagKey(t) }

// CleanTags checks a card's tags and returns them trimmed, without
// repeats (case aside: the first spelling stays), in the order given.
// An empty entry is left out; a bad one is an error in words.
func CleanTags(tags []string) ([]string, error) {
	out, err := draft.CleanTags(tags)
	return out, DocumentError(err)
}

// SplitTags reads a form's tags field: tags separated by spaces (or
// commas, which people type out of habit). CleanTags checks them.
func SplitTags(field string) []string {
	return strings.FieldsFunc(field, func(r rune) bool { return unicode.IsSpace(r) || r == ',' })
}

// CleanTagFilter checks a tag asked for as a filter (?tag=); a trailing
// slash is taken off, so "company/" means "company".
func CleanTagFilter(t string) (string, error) {
	t = strings.TrimSuffix(strings.TrimSpace(t), "/")
	if t == "" {
		return "", nil
	}
	if err := checkTag(t); err != nil {
		return "", err
	}
	return t, nil
}

// AnkiTags turns an Anki note's tags into ours: Anki's hierarchy separator
// "::" becomes "/", empty parts go, and a tag that still is not one of ours
// (too long), or past MaxTagsPerCard, is left out: a deck is not refused
// for a label.
func AnkiTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		t = strings.ReplaceAll(strings.TrimSpace(t), "::", "/")
		var parts []string
		for _, p := range strings.Split(t, "/") {
			if p != "" {
				parts = append(parts, p)
			}
		}
		out = append(out, strings.Join(parts, "/"))
	}
	var kept []string
	seen := map[string]bool{}
	for _, t := range out {
		if t == "" || checkTag(t) != nil || seen[tagKey(t)] || len(kept) == MaxTagsPerCard {
			continue
		}
		seen[tagKey(t)] = true
		kept = append(kept, t)
	}
	return kept
}

// tagsColumn is the card's tags separated by spaces (a tag holds none), in
// order, for a query on cards c: one seek of card_tags' key per card.
const tagsColumn = `COALESCE((SELECT group_concat(tag, ' ') FROM (SELECT tag FROM card_tags WHERE card_id = c.id ORDER BY tag)), '')`

// scanTags reads tagsColumn: [] for none, never nil.
func scanTags(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Fields(s)
}

// tagTerm is the WHERE term keeping the cards (col: their id) that carry
// the tag or one under it, and its parameters. The cards come from the
// (user_id, tag, card_id) index as two ranges: the tag itself, and the
// tags after "tag/" and before "tag0" ('0' follows '/' in every
// collation), which are exactly those starting with "tag/".
func tagTerm(col string, userID int64, tag string) (string, []any) {
	return col + ` IN (SELECT card_id FROM card_tags WHERE user_id = ? AND ` + tagRange + `)`, []any{userID, tag, tag, tag}
}

// tagRange is the term on card_tags' tag column for a tag or one under it;
// its parameters are the tag, three times.
const tagRange = `(tag = ? OR (tag > ? || '/' AND tag < ? || '0'))`

// UserTags returns the user's tags, each with how many of their cards out
// of the trash carry it, in order, ASCII case aside. A tag only on cards
// in the trash is left out.
func (s *Store) UserTags(ctx context.Context, userID int64) ([]TagCount, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT t.tag, COUNT(*) FROM card_tags t
		JOIN card_state s ON s.card_id = t.card_id
		WHERE t.user_id = ?1 AND s.trashed = 0 AND t.card_id < `+visibleBelow("?1")+`
		GROUP BY t.tag ORDER BY t.tag LIMIT ?2`, userID, maxTagsListed)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TagCount{}
	for rows.Next() {
		var t TagCount
		if err := rows.Scan(&t.Tag, &t.Cards); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// tagWriter writes the tags of cards in one transaction.
type tagWriter struct {
	tx     *sql.Tx
	userID int64
	ins    *sql.Stmt
}

func newTagWriter(tx *sql.Tx, userID int64) *tagWriter {
	return &tagWriter{tx: tx, userID: userID}
}

// add gives the card the tags it lacks.
func (w *tagWriter) add(ctx context.Context, cardID int64, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	if w.ins == nil {
		var err error
		w.ins, err = w.tx.PrepareContext(ctx, "INSERT INTO card_tags (card_id, user_id, tag) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
		if err != nil {
			return err
		}
	}
	for _, t := range tags {
		if _, err := w.ins.ExecContext(ctx, cardID, w.userID, t); err != nil {
			return err
		}
	}
	return nil
}

// set makes the tags the card's only ones.
func (w *tagWriter) set(ctx context.Context, cardID int64, tags []string) error {
	if _, err := w.tx.ExecContext(ctx, "DELETE FROM card_tags WHERE card_id = ?", cardID); err != nil {
		return err
	}
	return w.add(ctx, cardID, tags)
}

func (w *tagWriter) close() {
	if w.ins != nil {
		w.ins.Close()
	}
}

// TagCards gives each of the user's cards the tag, or takes it off (and
// every tag under it: removing "company" removes "company/acme"), all or
// none: an id that is not one of the user's cards out of the trash changes
// nothing and gives ErrNotFound. It returns how many cards changed.
func (s *Store) TagCards(ctx context.Context, userID int64, ids []int64, tag string, add bool) (int, error) {
	tag, err := CleanTagFilter(tag)
	if err != nil {
		return 0, err
	}
	if tag == "" {
		return 0, Errorf(ErrInvalid, "Type the tag to add or remove")
	}
	now := formatTime(s.now())
	return s.changeCards(ctx, userID, ids, false, func(tx *sql.Tx, set cardSet) (sql.Result, error) {
		// The cards that change are marked as edited first: their count is
		// what the person is told.
		if add {
			var full int
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT card_id FROM card_tags
				WHERE card_id IN (SELECT value FROM json_each(?1)) GROUP BY card_id HAVING COUNT(*) >= ?2
					AND SUM(tag = ?3) = 0)`, set.json, MaxTagsPerCard, tag).Scan(&full)
			if err != nil {
				return nil, err
			}
			if full > 0 {
				verb := "have"
				if full == 1 {
					verb = "has"
				}
				return nil, Errorf(ErrInvalid, "A card may have at most %d tags, and %s %s that many already; nothing was changed",
					MaxTagsPerCard, words.Count(full, "chosen card", "chosen cards"), verb)
			}
			res, err := tx.ExecContext(ctx, `UPDATE cards SET updated_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))
				AND NOT EXISTS (SELECT 1 FROM card_tags t WHERE t.card_id = cards.id AND t.tag = ?3)`, now, set.json, tag)
			if err != nil {
				return nil, err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO card_tags (card_id, user_id, tag)
				SELECT value, ?1, ?2 FROM json_each(?3) WHERE true ON CONFLICT DO NOTHING`, userID, tag, set.json)
			return res, err
		}
		res, err := tx.ExecContext(ctx, `UPDATE cards SET updated_at = ? WHERE id IN (SELECT value FROM json_each(?))
			AND EXISTS (SELECT 1 FROM card_tags WHERE card_id = cards.id AND `+tagRange+`)`, now, set.json, tag, tag, tag)
		if err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM card_tags WHERE card_id IN (SELECT value FROM json_each(?)) AND `+tagRange,
			set.json, tag, tag, tag)
		return res, err
	})
}
