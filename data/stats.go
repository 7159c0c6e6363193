package data

import (
	"context"
	"database/sql"

	"github.com/flashcards/flashcards/srs"
)

// Windows of the statistics.
const (
	HeatmapDays  = 365
	ForecastDays = 30
	TrendDays    = 90
	PerDayDays   = 30
)

// DayCount is a count on one study day.
type DayCount struct {
	Day   srs.Day
	Count int
}

// Stats is what the statistics page and /api/v1/stats show.
type Stats struct {
	Today    srs.Day
	Streak   int
	Heatmap  []DayCount // HeatmapDays days ending today, one per day
	Forecast []DayCount // ForecastDays days from today; today includes overdue cards
	Grades   [6]int     // counted grades by grade, over the heatmap's year
	Reviews  int        // all grades in the heatmap's year, re-drills included
}

// Stats gathers the review heatmap, the due forecast and the grade
// distribution with indexed aggregates.
func (s *Store) Stats(ctx context.Context, userID int64) (Stats, error) {
	var out Stats
	err := s.read(ctx, func(tx *sql.Tx) error {
		st, err := userSettings(ctx, tx, userID)
		if err != nil {
			return err
		}
		today := s.studyDay(st)
		out.Today = today
		first := today.AddDays(-(HeatmapDays - 1))
		counts := map[srs.Day]int{}
		// One pass over the covering index gives both the heatmap and the
		// grades; then the grades of cards in the trash (few) are taken
		// back out, as the statistics describe the cards you have. The
		// cards of an import still being written are not there yet.
		for _, q := range []struct {
			sql  string
			sign int
		}{
			{`SELECT study_day, counted, grade, COUNT(*) FROM reviews
				WHERE user_id = ?1 AND study_day BETWEEN ?2 AND ?3 AND card_id < ` + visibleBelow("?1") + `
				GROUP BY study_day, counted, grade`, 1},
			{`SELECT r.study_day, r.counted, r.grade, COUNT(*) FROM card_state s JOIN reviews r ON r.card_id = s.card_id
				WHERE s.user_id = ?1 AND s.trashed = 1 AND r.study_day BETWEEN ?2 AND ?3 AND s.card_id < ` + visibleBelow("?1") + `
				GROUP BY r.study_day, r.counted, r.grade`, -1},
		} {
			rows, err := tx.QueryContext(ctx, q.sql, userID, int(first), int(today))
			if err != nil {
				return err
			}
			for rows.Next() {
				var day, counted, grade, n int
				if err := rows.Scan(&day, &counted, &grade, &n); err != nil {
					rows.Close()
					return err
				}
				n *= q.sign
				counts[srs.Day(day)] += n
				out.Reviews += n
				if counted == 1 && grade >= 0 && grade <= 5 {
					out.Grades[grade] += n
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for d := first; !d.After(today); d = d.AddDays(1) {
			out.Heatmap = append(out.Heatmap, DayCount{Day: d, Count: counts[d]})
		}

		last := today.AddDays(ForecastDays - 1)
		due := map[srs.Day]int{}
		rows, err := tx.QueryContext(ctx, `SELECT MAX(s.due, ?1), COUNT(*) FROM card_state s
			WHERE s.user_id = ?2 AND s.due IS NOT NULL AND s.due <= ?3 AND s.suspended = 0 AND s.card_id < `+visibleBelow("?2")+`
			GROUP BY MAX(s.due, ?1)`, int(today), userID, int(last))
		if err != nil {
			return err
		}
		if err := scanDayCounts(rows, func(d srs.Day, n int) { due[d] = n }); err != nil {
			return err
		}
		for d := today; !d.After(last); d = d.AddDays(1) {
			out.Forecast = append(out.Forecast, DayCount{Day: d, Count: due[d]})
		}

		out.Streak, err = streak(ctx, tx, userID, today)
		return err
	})
	return out, err
}

func scanDayCounts(rows *sql.Rows, fn func(srs.Day, int)) error {
	defer rows.Close()
	for rows.Next() {
		var d, n int
		if err := rows.Scan(&d, &n); err != nil {
			return err
		}
		fn(srs.Day(d), n)
	}
	return rows.Err()
}

// streak counts consecutive study days with at least one review, ending
// today, or yesterday while today has none yet (the streak is not broken
// before the day is over). One index probe per day of the streak.
func streak(ctx context.Context, tx *sql.Tx, userID int64, today srs.Day) (int, error) {
	stmt, err := tx.PrepareContext(ctx, "SELECT EXISTS (SELECT 1 FROM reviews WHERE user_id = ?1 AND study_day = ?2 AND card_id < "+visibleBelow("?1")+")")
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	reviewed := func(d srs.Day) (bool, error) {
		var ok bool
		err := stmt.QueryRowContext(ctx, userID, int(d)).Scan(&ok)
		return ok, err
	}
	day := today
	ok, err := reviewed(day)
	if err != nil {
		return 0, err
	}
	if !ok {
		day = today.AddDays(-1)
	}
	n := 0
	for {
		ok, err := reviewed(day)
		if err != nil || !ok {
			return n, err
		}
		n++
		day = day.AddDays(-1)
	}
}

// Streak is the user's current streak of study days.
func (s *Store) Streak(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.read(ctx, func(tx *sql.Tx) error {
		st, err := userSettings(ctx, tx, userID)
		if err != nil {
			return err
		}
		n, err = streak(ctx, tx, userID, s.studyDay(st))
		return err
	})
	return n, err
}

// CategoryTrend is a category's mastery at the end of each of the last
// TrendDays study days, oldest first.
type CategoryTrend struct {
	Slug    string
	Mastery []float64
}

// MasteryTrend rebuilds each category's mastery over the last TrendDays
// days from the review log: today's credit minus the credit every counted
// grade since each day added. It measures against today's cards, so a card
// added last week counts as unlearned before it existed.
func (s *Store) MasteryTrend(ctx context.Context, userID int64, rep MasteryReport) ([]CategoryTrend, error) {
	today := rep.Today
	first := today.AddDays(-(TrendDays - 1))
	deltas := map[int64]map[srs.Day]int{}
	add := func(q string, sign int) error {
		rows, err := s.reader.QueryContext(ctx, q, userID, int(first))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var cat int64
			var day, delta int
			if err := rows.Scan(&cat, &day, &delta); err != nil {
				return err
			}
			if deltas[cat] == nil {
				deltas[cat] = map[srs.Day]int{}
			}
			deltas[cat][srs.Day(day)] += sign * delta
		}
		return rows.Err()
	}
	// Every counted grade in the window, read from the covering index alone,
	// then the grades of suspended cards (few) taken back out, since today's
	// credit leaves suspended cards out.
	if err := add(`SELECT category_id, study_day, SUM(credit_delta) FROM reviews
		WHERE user_id = ?1 AND study_day > ?2 AND counted = 1 AND card_id < `+visibleBelow("?1")+`
		GROUP BY category_id, study_day`, 1); err != nil {
		return nil, err
	}
	if err := add(`SELECT r.category_id, r.study_day, SUM(r.credit_delta) FROM card_state s JOIN reviews r ON r.card_id = s.card_id
		WHERE s.user_id = ?1 AND s.suspended = 1 AND r.study_day > ?2 AND r.counted = 1 AND s.card_id < `+visibleBelow("?1")+`
		GROUP BY r.category_id, r.study_day`, -1); err != nil {
		return nil, err
	}
	out := make([]CategoryTrend, 0, len(rep.Categories))
	for _, c := range rep.Categories {
		points := make([]float64, TrendDays)
		credit := c.Credit
		for i := TrendDays - 1; i >= 0; i-- {
			d := first.AddDays(i)
			points[i] = srs.MasteryFromSum(credit, c.Cards)
			credit -= deltas[c.ID][d] // the credit at the end of the day before
		}
		out = append(out, CategoryTrend{Slug: c.Slug, Mastery: points})
	}
	return out, nil
}
