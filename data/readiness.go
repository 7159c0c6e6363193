package data

import (
	"context"
	"database/sql"

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
		rows, err := tx.QueryContext(ctx, `SELECT s.category_id, s.repetitions, s.interval, s.ease, s.due, s.last_day,
			s.memory_day, s.stability FROM card_state s WHERE `+pileOf+` AND s.suspended = 0`, userID, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var cat int64
			var pc srs.PlanCard
			var due, last, memDay sql.NullInt64
			var stability float64
			if err := rows.Scan(&cat, &pc.Sched.State.Repetitions, &pc.Sched.State.Interval, &pc.Sched.State.Ease,
				&due, &last, &memDay, &stability); err != nil {
				return err
			}
			i, ok := index[cat]
			if !ok {
				continue // a category of an import still being written
			}
			c := &r.Categories[i]
			c.Cards++
			if memDay.Valid {
				now[i].Add(srs.RecallAt(ds.today, srs.Day(memDay.Int64), stability))
				if r.Ahead {
					then[i].Add(srs.RecallAt(iv.Day, srs.Day(memDay.Int64), stability))
				}
			} else {
				c.NotStarted++
			}
			if r.Ahead {
				pc.InScope = c.InScope
				pc.Sched.Graded, pc.Sched.Due, pc.Sched.LastCounted = due.Valid, srs.Day(due.Int64), srs.Day(last.Int64)
				pc.LastReview, pc.Reviewed = srs.Day(memDay.Int64), memDay.Valid
				plan = append(plan, pc)
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
