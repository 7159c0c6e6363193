package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/flashcards/flashcards/data/cardtext"
)

// rerenderBatch is how many cards RerenderCards renders per transaction:
// the writer is held for one batch at a time, not for the whole table.
const rerenderBatch = 500

// RerenderCards stores fresh HTML for every card rendered by another
// version of the renderer, or by none (a restore, an Anki import, SQL). It
// runs at start-up and returns how many cards it rendered. The Markdown
// source is only read: a card edited meanwhile is left to its edit.
func (s *Store) RerenderCards(ctx context.Context) (int, error) {
	return s.rerender(ctx, 0)
}

// rerenderUser renders one user's stale cards, right after an import that
// wrote card source without HTML, so reads need not render them.
// A failure is harmless: stale cards are rendered on read and at start-up.
func (s *Store) rerenderUser(ctx context.Context, userID int64) {
	s.rerender(ctx, userID)
}

// rerender renders the stale cards of one user, or of everyone (userID 0).
func (s *Store) rerender(ctx context.Context, userID int64) (int, error) {
	type stale struct {
		id               int64
		front, back, kps string
		cloze            int
	}
	total := 0
	var after int64
	for {
		rows, err := s.reader.QueryContext(ctx, `SELECT id, front, back, key_points, cloze FROM cards
			WHERE (? = 0 OR user_id = ?) AND render_version <> ? AND id > ? ORDER BY id LIMIT ?`,
			userID, userID, cardtext.RenderVersion, after, rerenderBatch)
		if err != nil {
			return total, err
		}
		var batch []stale
		for rows.Next() {
			var c stale
			if err := rows.Scan(&c.id, &c.front, &c.back, &c.kps, &c.cloze); err != nil {
				rows.Close()
				return total, err
			}
			batch = append(batch, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, err
		}
		if len(batch) == 0 {
			return total, nil
		}
		after = batch[len(batch)-1].id
		// Rendered before taking the writer, so grades never wait on it.
		rendered := make([]cardtext.RenderedCard, len(batch))
		for i, c := range batch {
			var kps []string
			if err := json.Unmarshal([]byte(c.kps), &kps); err != nil {
				return total, fmt.Errorf("card %d key points: %w", c.id, err)
			}
			rendered[i] = cardtext.RenderCardAs(c.front, c.back, c.cloze, kps)
		}
		// Stored in as many transactions as it takes to hold the writer no
		// longer than an import's chunk (after a restore of 200,000 cards
		// this renders them all).
		for stored := 0; stored < len(batch); {
			done := 0
			err = s.write(ctx, func(tx *sql.Tx) error {
				clock := s.startChunkClock(time.Now(), 0)
				stmt, err := tx.PrepareContext(ctx, `UPDATE cards SET front_html = ?, back_html = ?, key_points_html = ?, render_version = ?
					WHERE id = ? AND front = ? AND back = ? AND key_points = ?`)
				if err != nil {
					return err
				}
				defer stmt.Close()
				from := stored
				for i := from; i < len(batch) && (i == from || !clock.over()); i++ {
					c, r := batch[i], rendered[i]
					res, err := stmt.ExecContext(ctx, r.FrontHTML, r.BackHTML, keyPointsHTMLJSON(r), cardtext.RenderVersion, c.id, c.front, c.back, c.kps)
					if err != nil {
						return err
					}
					n, _ := res.RowsAffected()
					done += int(n)
					stored = i + 1
				}
				return nil
			})
			if err != nil {
				return total, err
			}
			total += done
		}
	}
}

// keyPointsHTMLJSON is the key_points_html column's value.
func keyPointsHTMLJSON(r cardtext.RenderedCard) string {
	b, _ := json.Marshal(r.KeyPointsHTML)
	return string(b)
}
