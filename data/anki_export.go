package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/flashcards/flashcards/data/anki"
	"github.com/flashcards/flashcards/srs"
)

// ApkgFileName is what an Anki package export of the user's cards is called.
func ApkgFileName(user string, day time.Time) string {
	return "flashcards-" + user + "-" + day.UTC().Format(time.DateOnly) + ".apkg"
}

// ApkgContentType is the media type of an Anki package.
const ApkgContentType = "application/apkg"

// ExportApkg writes the user's cards as an Anki package (.apkg) with
// anki.Write: every deck, card and review, and the images the cards show,
// read in one read snapshot. The collection is built in the store's
// temporary folder. docs/anki.md has the mapping.
func (s *Store) ExportApkg(ctx context.Context, userID int64, w io.Writer) error {
	var pkg anki.Package
	err := s.read(ctx, func(tx *sql.Tx) error {
		st, err := userSettings(ctx, tx, userID)
		if err != nil {
			return err
		}
		pkg = anki.Package{Now: s.now(), Location: st.Location(), Rollover: st.RolloverHour,
			NewPerDay: st.NewPerDay, ReviewsPerDay: st.ReviewsPerDay}
		if pkg.Decks, err = ankiExportDecks(ctx, tx, userID); err != nil {
			return err
		}
		if pkg.Cards, err = ankiExportCards(ctx, tx, userID); err != nil {
			return err
		}
		if pkg.Reviews, err = ankiExportReviews(ctx, tx, userID); err != nil {
			return err
		}
		texts := make([]string, 0, 2*len(pkg.Cards))
		for _, c := range pkg.Cards {
			texts = append(texts, c.Front, c.Back)
		}
		images, err := heldMediaTx(ctx, tx, userID, mediaRefs(texts...))
		pkg.Images = s.ankiExportImages(images)
		return err
	})
	if err != nil {
		return err
	}
	return anki.Write(ctx, w, pkg, s.temp.dir)
}

// ankiExportImages are the user's images the cards show, each read when
// the package writes it; an image gone since the snapshot (swept
// meanwhile) is left out.
func (s *Store) ankiExportImages(images map[string]Media) map[string]anki.Image {
	out := make(map[string]anki.Image, len(images))
	for h, m := range images {
		out[h] = anki.Image{FileName: m.FileName(), Read: func(ctx context.Context) ([]byte, bool, error) {
			data, err := s.mediaBlob(ctx, h)
			if errors.Is(err, ErrNotFound) {
				return nil, false, nil
			}
			return data, err == nil, err
		}}
	}
	return out
}

func ankiExportDecks(ctx context.Context, tx *sql.Tx, userID int64) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, name FROM decks WHERE user_id = ?1 AND id NOT IN "+madeByPendingImport("decks", "?1"), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

func ankiExportCards(ctx context.Context, tx *sql.Tx, userID int64) ([]anki.ExportCard, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.key, c.deck_id, cat.slug, c.front, c.back, c.suspended, c.created_at,
		s.repetitions, s.interval, s.ease, s.due, s.lapses,
		(SELECT COUNT(*) FROM reviews r WHERE r.card_id = c.id AND r.counted = 1), c.cloze, COALESCE(c.note_id, 0), `+tagsColumn+`
		FROM cards c JOIN categories cat ON cat.id = c.category_id JOIN card_state s ON s.card_id = c.id
		WHERE c.user_id = ?1 AND s.trashed = 0 AND c.id < `+visibleBelow("?1")+` ORDER BY c.id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []anki.ExportCard
	for rows.Next() {
		var c anki.ExportCard
		var created, tags string
		var due sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Key, &c.Deck, &c.Category, &c.Front, &c.Back, &c.Suspended, &created,
			&c.Reps, &c.Interval, &c.Ease, &due, &c.Lapses, &c.Counted, &c.Cloze, &c.NoteID, &tags); err != nil {
			return nil, err
		}
		if c.Category == UncategorizedSlug {
			c.Category = ""
		}
		c.New, c.Due = !due.Valid, srs.Day(due.Int64)
		c.Tags = scanTags(tags)
		c.Created, _ = parseTime(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

func ankiExportReviews(ctx context.Context, tx *sql.Tx, userID int64) ([]anki.ExportReview, error) {
	rows, err := tx.QueryContext(ctx, `SELECT card_id, reviewed_at, grade, counted, answer_ms,
		before_due IS NOT NULL, before_repetitions, before_interval, after_interval, after_ease
		FROM reviews WHERE user_id = ?1 AND card_id < `+visibleBelow("?1")+`
			AND card_id NOT IN (SELECT card_id FROM card_state WHERE user_id = ?1 AND trashed = 1)
		ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []anki.ExportReview
	for rows.Next() {
		var r anki.ExportReview
		var at string
		if err := rows.Scan(&r.Card, &at, &r.Grade, &r.Counted, &r.AnswerMS, &r.BeforeGraded,
			&r.BeforeReps, &r.BeforeInterval, &r.AfterInterval, &r.AfterEase); err != nil {
			return nil, err
		}
		var err error
		if r.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("review of card %d: %w", r.Card, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
