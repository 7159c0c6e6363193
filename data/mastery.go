package data

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/flashcards/flashcards/srs"
)

// CategoryMastery is one row of the mastery table. Suspended cards count nowhere.
type CategoryMastery struct {
	ID           int64
	Slug, Name   string
	Builtin      bool
	Cards        int
	New          int
	Learning     int
	Young        int
	Mature       int
	Mastery      float64 // 0..100, srs.MasteryFromSum
	Credit       int     // sum of srs.MasteryCredit over the cards: Mastery before dividing
	Recall30     float64 // 0..100, meaningful when HasRecall
	HasRecall    bool
	Lapses       int
	AvgEase      float64 // mean ease of the category's graded cards, in E-Factor units (2.5); 0 when none
	LastReviewed srs.Day // study day of the last counted grade; valid when HasReviewed
	HasReviewed  bool
	// Started is whether any of the category's cards has been reviewed:
	// Reviewed counts those with a memory state. RecallNow is their mean
	// predicted recall today, 0..100 (meaningful when Started), and
	// AtRisk how many are below srs.AtRiskRecall.
	Started   bool
	Reviewed  int
	RecallNow float64
	AtRisk    int
	// MostMissed are the key points typed answers missed most often in the
	// last MissedWindow study days, most missed first (at most MostMissedShown).
	MostMissed []MissedPoint
}

// MissedPoint is a key point and how often typed answers missed it.
type MissedPoint struct {
	Text  string
	Count int
}

// Bounds of the most-missed key points.
const (
	MissedWindow    = 90
	MostMissedShown = 3
)

// MasteryReport is the mastery table, weakest category first: the started
// ones by recall today (srs.CompareWeakness), then those not started.
type MasteryReport struct {
	Today      srs.Day
	Categories []CategoryMastery
	Weakest    string // the weakest started category; "" when none is started
	Graded     int    // cards graded at least once
}

// Mastery computes the user's mastery per category with SQL aggregates:
// one pass over the cards, one over the last 30 study days of reviews.
func (s *Store) Mastery(ctx context.Context, userID int64) (MasteryReport, error) {
	var rep MasteryReport
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		rep, err = s.masteryIn(ctx, tx, userID)
		return err
	})
	return rep, err
}

// masteryIn is Mastery inside the caller's read transaction, so an export's
// mastery table agrees with the cards and reviews it holds.
func (s *Store) masteryIn(ctx context.Context, tx *sql.Tx, userID int64) (MasteryReport, error) {
	var rep MasteryReport
	st, err := userSettings(ctx, tx, userID)
	if err != nil {
		return rep, err
	}
	rep.Today = s.studyDay(st)
	if rep.Categories, err = masteryRows(ctx, tx, userID, rep.Today); err != nil {
		return rep, err
	}
	stats := make([]srs.CategoryStats, len(rep.Categories))
	for i, c := range rep.Categories {
		rep.Graded += c.Cards - c.New
		stats[i] = masteryStats(c)
	}
	slices.SortStableFunc(rep.Categories, func(a, b CategoryMastery) int {
		return srs.CompareWeakness(masteryStats(a), masteryStats(b))
	})
	rep.Weakest, _ = srs.Weakest(stats)
	return rep, nil
}

func masteryStats(c CategoryMastery) srs.CategoryStats {
	return srs.CategoryStats{Slug: c.Slug, Cards: c.Cards, Mastery: c.Mastery, Started: c.Started, RecallNow: c.RecallNow}
}

// addRecalls counts into t the predicted recall today of each card of
// memories: "day stability" pairs separated by commas, as masteryRows reads
// them. SQLite writes a REAL as text that parses back to the same float64
// (TestStabilityTextRoundTrips), and one string per category costs far
// less than a row per card.
func addRecalls(t *srs.RecallTally, memories string, today srs.Day) error {
	for memories != "" {
		var pair, day, stability string
		pair, memories, _ = strings.Cut(memories, ",")
		day, stability, _ = strings.Cut(pair, " ")
		d, err := strconv.Atoi(day)
		if err != nil {
			return fmt.Errorf("memory day %q: %w", day, err)
		}
		st, err := strconv.ParseFloat(stability, 64)
		if err != nil {
			return fmt.Errorf("stability %q: %w", stability, err)
		}
		t.Add(srs.Recall(today.Sub(srs.Day(d)), st))
	}
	return nil
}

func masteryRows(ctx context.Context, tx *sql.Tx, userID int64, today srs.Day) ([]CategoryMastery, error) {
	rows, err := tx.QueryContext(ctx, `SELECT cat.id, cat.slug, cat.name, cat.builtin,
		COUNT(s.card_id),
		COALESCE(SUM(s.stage = :new), 0),
		COALESCE(SUM(s.stage = :learning), 0),
		COALESCE(SUM(s.stage = :young), 0),
		COALESCE(SUM(s.stage = :mature), 0),
		COALESCE(SUM(s.credit), 0),
		COALESCE(SUM(s.lapses), 0),
		COALESCE(AVG(CASE WHEN s.due IS NULL THEN NULL ELSE s.ease END), 0),
		MAX(s.last_day),
		COALESCE(group_concat(s.memory_day || ' ' || s.stability, ','), '')
		FROM categories cat
		LEFT JOIN card_state s ON s.user_id = cat.user_id AND s.category_id = cat.id AND s.suspended = 0
			AND s.card_id < `+visibleBelow(":user")+`
		WHERE cat.user_id = :user AND cat.id NOT IN `+madeByPendingImport("categories", ":user")+`
		GROUP BY cat.id`, sql.Named("new", int(srs.StageNew)), sql.Named("learning", int(srs.StageLearning)),
		sql.Named("young", int(srs.StageYoung)), sql.Named("mature", int(srs.StageMature)), sql.Named("user", userID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CategoryMastery
	index := map[int64]int{}
	for rows.Next() {
		var m CategoryMastery
		var last sql.NullInt64
		var memories string // of the reviewed cards: "day stability,..."
		if err := rows.Scan(&m.ID, &m.Slug, &m.Name, &m.Builtin, &m.Cards, &m.New, &m.Learning, &m.Young, &m.Mature,
			&m.Credit, &m.Lapses, &m.AvgEase, &last, &memories); err != nil {
			return nil, err
		}
		var recall srs.RecallTally
		if err := addRecalls(&recall, memories, today); err != nil {
			return nil, fmt.Errorf("category %s: %w", m.Slug, err)
		}
		m.RecallNow, m.Started = recall.Mean()
		m.Reviewed, m.AtRisk = recall.Reviewed, recall.AtRisk
		m.Mastery = srs.MasteryFromSum(m.Credit, m.Cards)
		m.AvgEase /= 100
		m.LastReviewed, m.HasReviewed = srs.Day(last.Int64), last.Valid
		index[m.ID] = len(out)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Recall over the last 30 study days, from the counted grades: all of
	// them from the covering index, less those of suspended cards.
	type tally struct{ counted, passed int }
	recall := map[int64]tally{}
	for _, q := range []struct {
		sql  string
		sign int
	}{
		{`SELECT category_id, COUNT(*), COALESCE(SUM(grade >= ?3), 0) FROM reviews
			WHERE user_id = ?1 AND study_day >= ?2 AND counted = 1 AND card_id < ` + visibleBelow("?1") + ` GROUP BY category_id`, 1},
		{`SELECT r.category_id, COUNT(*), COALESCE(SUM(r.grade >= ?3), 0) FROM card_state s JOIN reviews r ON r.card_id = s.card_id
			WHERE s.user_id = ?1 AND s.suspended = 1 AND r.study_day >= ?2 AND r.counted = 1 AND s.card_id < ` + visibleBelow("?1") + `
			GROUP BY r.category_id`, -1},
	} {
		rows, err := tx.QueryContext(ctx, q.sql, userID, int(srs.RecallSince(today)), int(srs.PassGrade))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var counted, passed int
			if err := rows.Scan(&id, &counted, &passed); err != nil {
				rows.Close()
				return nil, err
			}
			t := recall[id]
			recall[id] = tally{t.counted + q.sign*counted, t.passed + q.sign*passed}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for id, t := range recall {
		if i, ok := index[id]; ok {
			out[i].Recall30, out[i].HasRecall = srs.RecallRate(t.counted, t.passed)
		}
	}
	// The key points typed answers missed, from the few reviews that have one.
	mrows, err := tx.QueryContext(ctx, `SELECT r.category_id, j.value, COUNT(*) AS n
		FROM reviews r JOIN card_state s ON s.card_id = r.card_id, json_each(r.covered, '$.missed') j
		WHERE r.user_id = ?1 AND r.study_day > ?2 AND r.covered <> '' AND s.suspended = 0 AND r.card_id < `+visibleBelow("?1")+`
		GROUP BY r.category_id, j.value ORDER BY r.category_id, n DESC, j.value`, userID, int(today.AddDays(-MissedWindow)))
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var id int64
		var p MissedPoint
		if err := mrows.Scan(&id, &p.Text, &p.Count); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok && len(out[i].MostMissed) < MostMissedShown {
			out[i].MostMissed = append(out[i].MostMissed, p)
		}
	}
	return out, mrows.Err()
}
