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
		rows, err := tx.QueryContext(ctx, `SELECT study_day, COUNT(*) FROM reviews WHERE user_id = ? AND study_day BETWEEN ? AND ?
			GROUP BY study_day`, userID, int(first), int(today))
		if err != nil {
			return err
		}
		if err := scanDayCounts(rows, func(d srs.Day, n int) { counts[d] = n; out.Reviews += n }); err != nil {
			return err
		}
		for d := first; !d.After(today); d = d.AddDays(1) {
			out.Heatmap = append(out.Heatmap, DayCount{Day: d, Count: counts[d]})
		}

		last := today.AddDays(ForecastDays - 1)
		due := map[srs.Day]int{}
		rows, err = tx.QueryContext(ctx, `SELECT MAX(s.due, ?), COUNT(*) FROM card_state s JOIN cards c ON c.id = s.card_id
			WHERE s.user_id = ? AND s.due IS NOT NULL AND s.due <= ? AND c.suspended = 0
			GROUP BY MAX(s.due, ?)`, int(today), userID, int(last), int(today))
		if err != nil {
			return err
		}
		if err := scanDayCounts(rows, func(d srs.Day, n int) { due[d] = n }); err != nil {
			return err
		}
		for d := today; !d.After(last); d = d.AddDays(1) {
			out.Forecast = append(out.Forecast, DayCount{Day: d, Count: due[d]})
		}

		rows, err = tx.QueryContext(ctx, `SELECT grade, COUNT(*) FROM reviews WHERE user_id = ? AND study_day BETWEEN ? AND ?
			AND counted = 1 GROUP BY grade`, userID, int(first), int(today))
		if err != nil {
			return err
		}
		if err := scanDayCounts(rows, func(g srs.Day, n int) {
			if g >= 0 && g <= 5 {
				out.Grades[g] = n
			}
		}); err != nil {
			return err
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
// before the day is over).
func streak(ctx context.Context, q querier, userID int64, today srs.Day) (int, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT study_day FROM reviews WHERE user_id = ? AND study_day <= ?
		ORDER BY study_day DESC`, userID, int(today))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	want := today
	for rows.Next() {
		var d int
		if err := rows.Scan(&d); err != nil {
			return 0, err
		}
		day := srs.Day(d)
		if n == 0 && day == today.AddDays(-1) {
			want = day
		}
		if day != want {
			break
		}
		n++
		want = want.AddDays(-1)
	}
	return n, rows.Err()
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
	deltas := map[string]map[srs.Day]int{}
	rows, err := s.reader.QueryContext(ctx, `SELECT cat.slug, r.study_day,
		SUM(MIN(r.after_interval, ?) - CASE WHEN r.before_due IS NULL THEN 0 ELSE MIN(MAX(r.before_interval, 0), ?) END)
		FROM reviews r JOIN cards c ON c.id = r.card_id JOIN categories cat ON cat.id = c.category_id
		WHERE r.user_id = ? AND r.study_day > ? AND r.counted = 1 AND c.suspended = 0
		GROUP BY cat.slug, r.study_day`, srs.MatureInterval, srs.MatureInterval, userID, int(first))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var slug string
		var day, delta int
		if err := rows.Scan(&slug, &day, &delta); err != nil {
			return nil, err
		}
		if deltas[slug] == nil {
			deltas[slug] = map[srs.Day]int{}
		}
		deltas[slug][srs.Day(day)] = delta
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]CategoryTrend, 0, len(rep.Categories))
	for _, c := range rep.Categories {
		points := make([]float64, TrendDays)
		credit := c.Credit
		for i := TrendDays - 1; i >= 0; i-- {
			d := first.AddDays(i)
			points[i] = srs.MasteryFromSum(credit, c.Cards)
			credit -= deltas[c.Slug][d] // the credit at the end of the day before
		}
		out = append(out, CategoryTrend{Slug: c.Slug, Mastery: points})
	}
	return out, nil
}
