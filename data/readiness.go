package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/flashcards/flashcards/srs"
)

// Readiness is the interview forecast: per category, recall today and
// on the interview's day if nothing more is reviewed, and the plan of
// each day until then (srs.Plan). It reads the stored memory states; it
// never replays the log.
type Readiness struct {
	Today     srs.Day
	Interview InterviewSettings
	// Ahead: an interview is set and still to come. Passed: one is set and
	// its day has come or gone; scheduling is plain SM-2 again.
	Ahead, Passed bool
	DaysLeft      int     // days from today to the interview; meaningful when HasDate
	FinalPassFrom srs.Day // D-K; meaningful when HasDate
	Categories    []CategoryReadiness
	Plan          []srs.PlanDay // one entry per day until D; none unless Ahead
}

// CategoryReadiness is one category's line of the forecast. Suspended
// cards and cards in the trash count nowhere.
type CategoryReadiness struct {
	Slug, Name string
	InScope    bool // the interview covers it (every category when the scope is empty)
	Cards      int
	Started    bool // any of its cards reviewed
	NotStarted int  // cards never reviewed
	// RecallNow and RecallAtInterview are mean predicted recall of its
	// reviewed cards, 0..100, meaningful when Started; RecallAtInterview
	// also needs the interview ahead.
	RecallNow, RecallAtInterview float64
}

// Readiness computes the user's interview forecast in one read transaction.
func (s *Store) Readiness(ctx context.Context, userID int64) (Readiness, error) {
	var r Readiness
	err := s.read(ctx, func(sqltx *sql.Tx) error {
		tx := stmtTx{sqltx, s.rstmts}
		ds, err := s.startDay(ctx, tx, userID)
		if err != nil {
			return err
		}
		if r.Interview, err = interviewSettings(ctx, tx, userID); err != nil {
			return err
		}
		r.Today = ds.today
		iv := r.Interview.Rules()
		if r.Interview.HasDate {
			r.DaysLeft, r.FinalPassFrom = iv.DaysLeft(ds.today), iv.FinalPassFrom()
			r.Ahead, r.Passed = iv.Ahead(ds.today), !iv.Ahead(ds.today)
		}
		scope, err := readInterviewScope(ctx, tx, userID)
		if err != nil {
			return err
		}
		cats, err := listCategories(ctx, tx, userID)
		if err != nil {
			return err
		}
		index := make(map[int64]int, len(cats))
		r.Categories = make([]CategoryReadiness, len(cats))
		for i, c := range cats {
			index[c.ID] = i
			r.Categories[i] = CategoryReadiness{Slug: c.Slug, Name: c.Name, InScope: scope.has(c.ID)}
		}
		now := make([]srs.RecallTally, len(cats))
		then := make([]srs.RecallTally, len(cats))
		var plan []srs.PlanCard
		// One row per category, its cards in one string: a row per card
		// cost three times as much (BenchmarkReadiness).
		rows, err := tx.QueryContext(ctx, `SELECT s.category_id, group_concat(COALESCE(s.due, '')
			|| ' ' || COALESCE(s.memory_day, '') || ' ' || s.stability || ' ' || s.repetitions || ' ' || s.interval || ' ' || s.ease, ',')
			FROM card_state s WHERE `+pileOf+` AND s.suspended = 0 GROUP BY s.category_id`, userID, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var cat int64
			var cards string
			if err := rows.Scan(&cat, &cards); err != nil {
				return err
			}
			i, ok := index[cat]
			if !ok {
				continue // a category of an import still being written
			}
			c := &r.Categories[i]
			for cards != "" {
				var card string
				card, cards, _ = strings.Cut(cards, ",")
				pc, stability, err := parsePlanCard(card)
				if err != nil {
					return fmt.Errorf("category %s: %w", c.Slug, err)
				}
				c.Cards++
				if pc.Reviewed {
					now[i].Add(srs.RecallAt(ds.today, pc.LastReview, stability))
					if r.Ahead {
						then[i].Add(srs.RecallAt(iv.Day, pc.LastReview, stability))
					}
				} else {
					c.NotStarted++
				}
				if r.Ahead {
					pc.InScope = c.InScope
					plan = append(plan, pc)
				}
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range r.Categories {
			c := &r.Categories[i]
			c.RecallNow, c.Started = now[i].Mean()
			c.RecallAtInterview, _ = then[i].Mean()
		}
		if !r.Ahead {
			return nil
		}
		id, err := readInterviewDay(ctx, tx, userID, ds)
		if err != nil {
			return err
		}
		r.Plan = srs.Plan(plan, ds.today, iv, srs.PlanLimits{
			NewPerDay: ds.st.NewPerDay, ReviewsPerDay: ds.st.ReviewsPerDay,
			NewDoneToday: ds.newDone, ReviewsDoneToday: ds.reviewsDone, InScopeNewToday: id.inScopeDone,
		})
		return nil
	})
	return r, err
}

// parsePlanCard reads one card as Readiness's query writes it: "due
// memory_day stability repetitions interval ease", the days empty when
// NULL. (The day of its last counted grade is not needed: a card counted
// today is due after today, which is all srs.Plan asks of it.) SQLite writes a REAL as text that parses back to the same
// float64 (TestStabilityTextRoundTrips).
func parsePlanCard(text string) (srs.PlanCard, float64, error) {
	var pc srs.PlanCard
	var f [6]string
	for k := range f {
		f[k], text, _ = strings.Cut(text, " ")
	}
	day := func(s string) (srs.Day, bool, error) {
		if s == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(s)
		return srs.Day(n), true, err
	}
	var errs [6]error
	var stability float64
	pc.Sched.Due, pc.Sched.Graded, errs[0] = day(f[0])
	pc.LastReview, pc.Reviewed, errs[1] = day(f[1])
	stability, errs[2] = strconv.ParseFloat(f[2], 64)
	pc.Sched.State.Repetitions, errs[3] = strconv.Atoi(f[3])
	pc.Sched.State.Interval, errs[4] = strconv.Atoi(f[4])
	pc.Sched.State.Ease, errs[5] = strconv.Atoi(f[5])
	if err := errors.Join(errs[:]...); err != nil {
		return pc, 0, fmt.Errorf("card state: %w", err)
	}
	return pc, stability, nil
}
