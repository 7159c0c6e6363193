package data

import (
	"context"
	"fmt"
)

// CheckCounts verifies the counts that triggers keep against the rows they
// count: each user's new cards, and each day's counted grades of new and
// review cards and its re-drills, and the new cards of an import being
// written. A mismatch means a write path bypassed the triggers; the
// tests run it after every test store's work.
func (s *Store) CheckCounts(ctx context.Context) error {
	checks := []struct{ what, query string }{
		{"new cards", `SELECT u.id, COALESCE(n.n, -1),
			(SELECT COUNT(*) FROM card_state s WHERE s.user_id = u.id AND s.due IS NULL AND s.suspended = 0)
			FROM users u LEFT JOIN new_cards n ON n.user_id = u.id`},
		{"new cards graded today", `SELECT d.user_id || '/' || d.study_day, d.new_done,
			(SELECT COUNT(*) FROM reviews r WHERE r.user_id = d.user_id AND r.study_day = d.study_day
				AND r.counted = 1 AND r.before_due IS NULL)
			FROM day_counts d`},
		{"reviews graded today", `SELECT d.user_id || '/' || d.study_day, d.reviews_done,
			(SELECT COUNT(*) FROM reviews r WHERE r.user_id = d.user_id AND r.study_day = d.study_day
				AND r.counted = 1 AND r.before_due IS NOT NULL)
			FROM day_counts d`},
		{"re-drills", `SELECT d.user_id || '/' || d.study_day, d.redrills,
			(SELECT COUNT(*) FROM card_state s WHERE s.user_id = d.user_id AND s.redrill_day = d.study_day AND s.suspended = 0)
			FROM day_counts d`},
		{"new cards of a pending import", `SELECT p.user_id, p.new_cards,
			(SELECT COUNT(*) FROM card_state s WHERE s.user_id = p.user_id AND s.card_id >= p.first_card
				AND s.due IS NULL AND s.suspended = 0)
			FROM pending_imports p`},
	}
	for _, c := range checks {
		rows, err := s.reader.QueryContext(ctx, c.query)
		if err != nil {
			return err
		}
		for rows.Next() {
			var key string
			var kept, actual int
			if err := rows.Scan(&key, &kept, &actual); err != nil {
				rows.Close()
				return err
			}
			if kept != actual {
				rows.Close()
				return fmt.Errorf("%s of %s: kept %d, counted %d", c.what, key, kept, actual)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
